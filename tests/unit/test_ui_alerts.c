/* test_ui_alerts: the alerts view's layout (ui/alerts_layout.c): value,
 * age and duration formatting, the silence prompt's durations, the lines
 * built from a snapshot, and the exact rows drawn at 120 and 80 columns
 * (states with value against threshold, notifier delivery status with a
 * broken notifier's reason, history, the title and the prompt). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "src/alert/rules.h"
#include "src/base/ts.h"
#include "ui/views/alerts_layout.h"
#include "ui/theme.h"

#define S 1000000LL
#define NOW (1767225600LL * S)   /* 2026-01-01T00:00:00Z */

static struct adb_state states[3];
static struct alert_notifier_status notifiers[2];
static struct adb_event history[2];
static struct alert_snapshot snap;

static int setup(void **state)
{
    (void)state;
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        return -1;
    setenv("TZ", "UTC", 1);   /* history times are local */
    tzset();
    ts_tz_reset();
    memset(states, 0, sizeof states);
    struct adb_state *f = &states[0], *p = &states[1], *o = &states[2];
    snprintf(f->rule, sizeof f->rule, "api-error-rate");
    f->state = AST_FIRING, f->severity = SEV_CRITICAL, f->since = NOW - 83 * S;
    f->last_eval = NOW - 2 * S, f->value = 0.1429, f->acked = 1;
    snprintf(f->threshold, sizeof f->threshold, "> 8%%");
    snprintf(p->rule, sizeof p->rule, "slow-paths");
    snprintf(p->grp, sizeof p->grp, "/api/v1/tts");
    p->state = AST_PENDING, p->severity = SEV_WARNING, p->since = NOW - 5 * S;
    p->last_eval = NOW, p->value = 1834.5, p->silenced = 1;
    snprintf(p->threshold, sizeof p->threshold, "> 1000");
    snprintf(o->rule, sizeof o->rule, "auth-failures");
    o->state = AST_OK, o->severity = SEV_WARNING, o->since = 0, o->last_eval = NOW - 1 * S;
    o->value = 2;
    snprintf(o->threshold, sizeof o->threshold, ">= 4");
    memset(notifiers, 0, sizeof notifiers);
    snprintf(notifiers[0].n.name, sizeof notifiers[0].n.name, "hook");
    snprintf(notifiers[0].n.type, sizeof notifiers[0].n.type, "webhook");
    snprintf(notifiers[0].n.url_masked, sizeof notifiers[0].n.url_masked, "http://127.0.0.1:9000/****");
    notifiers[0].outbox[OB_SENT] = 12, notifiers[0].outbox[OB_QUEUED] = 1;
    snprintf(notifiers[1].n.name, sizeof notifiers[1].n.name, "oncall");
    snprintf(notifiers[1].n.type, sizeof notifiers[1].n.type, "slack");
    snprintf(notifiers[1].n.url_masked, sizeof notifiers[1].n.url_masked, "https://hooks.slack.com/****");
    snprintf(notifiers[1].n.reason, sizeof notifiers[1].n.reason, "HTTP 404: channel_not_found");
    notifiers[1].n.state = NS_BROKEN, notifiers[1].outbox[OB_QUEUED] = 3;
    notifiers[1].outbox[OB_RETRYING] = 1;
    memset(history, 0, sizeof history);
    history[0] = (struct adb_event){.id = 7, .ts = NOW - 83 * S, .value = 0.1429};
    snprintf(history[0].rule, sizeof history[0].rule, "api-error-rate");
    snprintf(history[0].event, sizeof history[0].event, "firing");
    snprintf(history[0].threshold, sizeof history[0].threshold, "> 8%%");
    snprintf(history[0].summary, sizeof history[0].summary,
             "api-error-rate: 14.3%% (threshold > 8%%) over 20s");
    history[1] = (struct adb_event){.id = 5, .ts = NOW - 3600 * S, .value = 3};
    snprintf(history[1].rule, sizeof history[1].rule, "auth-failures");
    snprintf(history[1].event, sizeof history[1].event, "resolved");
    snprintf(history[1].summary, sizeof history[1].summary, "auth-failures: 3 records over 1m");
    snap = (struct alert_snapshot){.states = states, .nstates = 3, .history = history,
                                   .nhistory = 2, .notifiers = notifiers, .nnotifiers = 2,
                                   .firing = 1, .pending = 1};
    return 0;
}

static const char *row(struct screen *s, int y)
{
    static char buf[2048];
    size_t n = screen_row_text(s, y, buf, sizeof buf);
    while (n > 0 && buf[n - 1] == ' ')
        buf[--n] = 0;
    return buf;
}

/* Draws the whole layout at width w; returns the number of lines. */
static int draw_all(struct screen *s, int w, int *sel)
{
    struct alayout l = {0};
    assert_int_equal(alerts_layout_build(&l, &snap), 0);
    assert_int_equal(screen_resize(s, w, (int)l.n + 1), 0);
    alerts_layout_title(s, 0, &snap, 1);
    for (size_t i = 0; i < l.n; i++)
        alerts_layout_draw(s, (int)i + 1, &l.v[i], &snap, NOW, sel && (int)i == *sel);
    int n = (int)l.n;
    alerts_layout_fini(&l);
    return n;
}

static void test_formats(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(alerts_fmt_age(0, b), "0s");
    assert_string_equal(alerts_fmt_age(-5 * S, b), "0s");
    assert_string_equal(alerts_fmt_age(59 * S + 999999, b), "59s");
    assert_string_equal(alerts_fmt_age(61 * S, b), "1m01s");
    assert_string_equal(alerts_fmt_age(3600 * S + 300 * S, b), "1h05m");
    assert_string_equal(alerts_fmt_age((3 * 86400 + 4 * 3600) * S, b), "3d04h");
    assert_string_equal(alert_fmt_value(3, ">= 4", b), "3");
    assert_string_equal(alert_fmt_value(65.7, "> 40", b), "65.7");
    assert_string_equal(alert_fmt_value(16.0612, "> 40", b), "16.06");
    assert_string_equal(alert_fmt_value(0.1429, "> 8%", b), "14.3%");
    assert_string_equal(alert_fmt_value(0, "> 8%", b), "0%");
    assert_string_equal(alerts_fmt_target(&states[1], b, sizeof b), "slow-paths//api/v1/tts");
    struct adb_state sum = {.count = 3};
    snprintf(sum.rule, sizeof sum.rule, "slow-paths");
    snprintf(sum.grp, sizeof sum.grp, "*");
    assert_string_equal(alerts_fmt_target(&sum, b, sizeof b), "slow-paths (3 groups)");
}

static void test_silence_durations(void **state)
{
    (void)state;
    int64_t d = 0;
    assert_int_equal(alerts_parse_silence("", 0, &d), 0);
    assert_int_equal(d, 15 * 60 * S);
    assert_int_equal(alerts_parse_silence(NULL, 3, &d), 0);
    assert_int_equal(d, 86400 * S);
    assert_int_equal(alerts_parse_silence("90", 1, &d), 0);   /* bare number: minutes */
    assert_int_equal(d, 90 * 60 * S);
    assert_int_equal(alerts_parse_silence("2h30M", 1, &d), 0);  /* 'M' stands for 'm' */
    assert_int_equal(d, 150 * 60 * S);
    assert_int_equal(alerts_parse_silence("45s", 1, &d), 0);
    assert_int_equal(d, 45 * S);
    assert_int_equal(alerts_parse_silence("0", 1, &d), -1);
    assert_int_equal(alerts_parse_silence("h", 1, &d), -1);
    assert_int_equal(alerts_parse_silence("", 7, &d), -1);
}

static void test_lines(void **state)
{
    (void)state;
    struct alayout l = {0};
    static const int want[] = {AL_HEAD_STATES, AL_STATE, AL_STATE, AL_STATE, AL_BLANK,
                               AL_HEAD_NOTIFIERS, AL_NOTIFIER, AL_NOTIFIER, AL_BLANK,
                               AL_HEAD_HISTORY, AL_EVENT, AL_EVENT};
    assert_int_equal(alerts_layout_build(&l, &snap), 0);
    assert_int_equal(l.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.v[i].kind, want[i]);
        assert_int_equal(alerts_layout_selectable(&l.v[i]),
                         want[i] == AL_STATE || want[i] == AL_EVENT);
    }
    assert_int_equal(l.v[3].idx, 2);
    assert_int_equal(l.v[11].idx, 1);
    struct alert_snapshot empty = {0};
    assert_int_equal(alerts_layout_build(&l, &empty), 0);
    assert_int_equal(l.n, 8);   /* three headings, three explanations, two blanks */
    assert_int_equal(l.v[1].kind, AL_EMPTY);
    alerts_layout_fini(&l);
}

static void test_draw_120(void **state)
{
    (void)state;
    struct screen s = {0};
    int sel = 1;
    draw_all(&s, 120, &sel);
    assert_string_equal(row(&s, 0), " Alerts · 1 firing · 1 pending · 3 rules · 2 notifiers"
                        "                        A ack  s silence  Enter records  Esc back");
    assert_string_equal(row(&s, 1), " STATE    SEVERITY  RULE                                  "
                        "            VALUE  THRESHOLD     AGE LAST EVAL  NOTE");
    assert_string_equal(row(&s, 2), " FIRING   critical  api-error-rate                        "
                        "            14.3%  > 8%        1m23s    2s ago  acked");
    assert_string_equal(row(&s, 3), " PENDING  warning   slow-paths//api/v1/tts                "
                        "             1834  > 1000         5s    0s ago  silenced");
    assert_string_equal(row(&s, 4), " ok       warning   auth-failures                         "
                        "                2  >= 4                 1s ago");
    assert_string_equal(row(&s, 6), " NOTIFIER         TYPE     STATE     QUEUED   SENT RETRYING"
                        " FAILED  ENDPOINT / REASON");
    assert_string_equal(row(&s, 7), " hook             webhook  ok             1     12        0"
                        "      0  http://127.0.0.1:9000/****");
    assert_string_equal(row(&s, 8), " oncall           slack    BROKEN         3      0        1"
                        "      0  HTTP 404: channel_not_found");
    assert_string_equal(row(&s, 10), " HISTORY  EVENT    RULE                                  "
                        "VALUE SUMMARY");
    assert_string_equal(row(&s, 11), " 23:58:37 firing   api-error-rate                        "
                        "14.3% api-error-rate: 14.3% (threshold > 8%) over 20s");
    assert_string_equal(row(&s, 12), " 23:00:00 resolved auth-failures                         "
                        "    3 auth-failures: 3 records over 1m");
    /* roles: the selected row is one colour; states and severities by level roles */
    const struct cell *c = &s.cells[2 * s.w + 1];
    assert_int_equal(c->role, ROLE_SELECTION);
    c = &s.cells[3 * s.w + 1];
    assert_int_equal(c->role, ROLE_LVL_WARNING);
    c = &s.cells[4 * s.w + 10];
    assert_int_equal(c->role, ROLE_LVL_WARNING);
    c = &s.cells[8 * s.w + 28];
    assert_int_equal(c->role, ROLE_LVL_CRITICAL);
    screen_fini(&s);
}

static void test_draw_80(void **state)
{
    (void)state;
    struct screen s = {0};
    draw_all(&s, 80, NULL);
    assert_string_equal(row(&s, 0), " Alerts · 1 firing · 1 pending · 3 rules"
                        "        A ack  s silence  Enter records");
    assert_string_equal(row(&s, 1), " STATE    SEV  RULE                          VALUE  THRESH"
                        "    AGE EVAL  NOTE");
    assert_string_equal(row(&s, 2), " FIRING   crit api-error-rate                14.3%  > 8%  "
                        "  1m23s   2s  acked");
    assert_string_equal(row(&s, 3), " PENDING  warn slow-paths//api/v1/tts         1834  > 1000"
                        "     5s   0s  silenced");
    assert_string_equal(row(&s, 4), " ok       warn auth-failures                     2  >= 4  "
                        "          1s");
    assert_string_equal(row(&s, 6), " NOTIFIER     TYPE    STATE    QUEUED  SENT RETRY FAILED  "
                        "ENDPOINT / REASON");
    assert_string_equal(row(&s, 8), " oncall       slack   BROKEN        3     0     1      0  "
                        "HTTP 404: channel_not…");
    assert_string_equal(row(&s, 11), " 23:58:37 firing   api-error-rate            14.3% "
                        "api-error-rate: 14.3% (thres…");
    screen_fini(&s);
}

static void test_prompt(void **state)
{
    (void)state;
    struct screen s = {0};
    assert_int_equal(screen_resize(&s, 120, 1), 0);
    int x = alerts_layout_prompt(&s, 0, "api-error-rate", 1, "");
    assert_string_equal(row(&s, 0), " Silence api-error-rate for  15m [1h] 4h  1d   or type "
                        "(minutes, 2h, 1d):    Enter silence  Esc cancel");
    assert_int_equal(x, 74);
    assert_int_equal(s.cells[33].role, ROLE_SELECTION);   /* "[1h]" */
    x = alerts_layout_prompt(&s, 0, "api-error-rate", 1, "90");
    assert_string_equal(row(&s, 0), " Silence api-error-rate for  15m  1h  4h  1d   or type "
                        "(minutes, 2h, 1d): 90   Enter silence  Esc cancel");
    assert_int_equal(x, 76);
    screen_fini(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_formats, setup),
        cmocka_unit_test_setup(test_silence_durations, setup),
        cmocka_unit_test_setup(test_lines, setup),
        cmocka_unit_test_setup(test_draw_120, setup),
        cmocka_unit_test_setup(test_draw_80, setup),
        cmocka_unit_test_setup(test_prompt, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
