/* test_alert: the engine's windows and state machine on a real store:
 * fire once, repeat, survive a restart without re-firing, resolve after the
 * hold, acknowledgement and silences suppress messages, ratio/metric
 * values, grouping, and the dry run (alert.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/alerts_db.h"
#include "src/alert/alert.h"
#include "src/alert/alert_int.h"
#include "src/alert/rules.h"

#define S 1000000LL
static const int64_t T0 = 1767225600LL * S;   /* 2026-01-01T00:00:00Z */

struct fx {
    char dir[64], path[128];
    struct store *s;
    struct ruleset *rs;
};

static void add(struct store *s, int64_t ts, int level, const char *json)
{
    struct err e = {0};
    const char *msg = strstr(json, "\"msg\":\"");
    msg = msg ? msg + 7 : "";
    struct record r = {.ts = ts, .level = level, .format = FMT_JSON, .msg = msg,
                       .msg_len = strcspn(msg, "\""), .raw = json, .raw_len = strlen(json),
                       .service = "api", .nlines = 1};
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_add(s, 1, &r, &e), 0);
    assert_int_equal(store_commit(s, &e), 0);
}

static int setup(void **st)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    snprintf(f->dir, sizeof f->dir, "/tmp/test_alert.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/store.db", f->dir);
    f->s = store_open(f->path, STORE_WRITE, &e);
    assert_non_null(f->s);
    *st = f;
    return 0;
}

static int teardown(void **st)
{
    struct fx *f = *st;
    char cmd[200];
    rules_free(f->rs);
    store_close(f->s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void load(struct fx *f, const char *yaml)
{
    struct err e = {0};
    f->rs = rules_parse(yaml, strlen(yaml), "t.yaml", &e);
    if (!f->rs)
        fail_msg("%s", e.msg);
}

static int64_t outbox(struct store *s, int64_t n[4])
{
    struct err e = {0};
    assert_int_equal(alerts_db_outbox_counts(s, NULL, n, &e), 0);
    return n[0] + n[1] + n[2] + n[3];
}

static int state_of(struct store *s, const char *rule, const char *grp)
{
    struct alert_snapshot sn;
    struct err e = {0};
    assert_int_equal(alert_snapshot(s, 10, &sn, &e), 0);
    int st = -1;
    for (size_t i = 0; i < sn.nstates; i++)
        if (!strcmp(sn.states[i].rule, rule) && !strcmp(sn.states[i].grp, grp))
            st = sn.states[i].state;
    alert_snapshot_fini(&sn);
    return st;
}

static const char count_rule[] =
    "notifiers:\n  hook: {type: webhook, url: 'http://127.0.0.1:1/x'}\n"
    "rules:\n  - name: errors\n    type: count\n    match: 'level>=error'\n"
    "    threshold: '>= 3'\n    window: 10s\n    repeat: 5s\n    resolve_hold: 2s\n"
    "    notify: [hook]\n    summary: '{{value}} errors: {{sample}}'\n";

static void test_lifecycle(void **st)
{
    struct fx *f = *st;
    struct err e = {0};
    int64_t n[4];
    load(f, count_rule);
    for (int i = 0; i < 5; i++)
        add(f->s, T0 - S + i, LVL_ERROR, "{\"msg\":\"db down password=hunter2\"}");
    add(f->s, T0 - S, LVL_INFO, "{\"msg\":\"fine\"}");
    struct alert_engine *en = alert_new(f->s, f->rs, NULL, T0, &e);
    assert_non_null(en);
    assert_int_equal(alert_tick(en, T0, &e), 1);
    assert_int_equal(state_of(f->s, "errors", ""), AST_FIRING);
    assert_int_equal(outbox(f->s, n), 1);
    assert_int_equal(alert_tick(en, T0 + S, &e), 0);           /* no re-fire */
    assert_int_equal(alert_tick(en, T0 + 6 * S, &e), 1);       /* repeat */
    assert_int_equal(outbox(f->s, n), 2);
    alert_free(en);                                            /* "crash" and restart */
    en = alert_new(f->s, f->rs, NULL, T0 + 7 * S, &e);
    assert_non_null(en);
    assert_int_equal(alert_tick(en, T0 + 7 * S, &e), 0);
    assert_int_equal(state_of(f->s, "errors", ""), AST_FIRING);
    assert_int_equal(alert_tick(en, T0 + 10 * S, &e), 0);      /* clear, hold starts */
    assert_int_equal(alert_tick(en, T0 + 11 * S, &e), 0);
    assert_int_equal(alert_tick(en, T0 + 12 * S + 1, &e), 1);  /* resolved after 2 s */
    assert_int_equal(state_of(f->s, "errors", ""), AST_RESOLVED);
    assert_int_equal(outbox(f->s, n), 3);
    assert_int_equal(n[OB_QUEUED], 3);
    struct adb_outbox ob;
    assert_int_equal(alerts_db_outbox_head(f->s, "hook", &ob, &e), 1);
    assert_non_null(strstr(ob.payload, "\"kind\":\"firing\""));
    assert_non_null(strstr(ob.payload, "password=[REDACTED]"));
    assert_null(strstr(ob.payload, "hunter2"));
    free(ob.payload);
    alert_free(en);
}

static void test_ack_and_silence(void **st)
{
    struct fx *f = *st;
    struct err e = {0};
    int64_t n[4];
    load(f, count_rule);
    struct alert_engine *en = alert_new(f->s, f->rs, NULL, T0, &e);
    for (int i = 0; i < 3; i++)
        add(f->s, T0 + i, LVL_ERROR, "{\"msg\":\"boom\"}");
    assert_int_equal(alert_tick(en, T0 + S, &e), 1);
    assert_int_equal(outbox(f->s, n), 1);
    assert_int_equal(alert_ack(f->s, "errors", "", &e), 0);
    assert_int_equal(alert_tick(en, T0 + 7 * S, &e), 1);       /* repeat, acknowledged */
    assert_int_equal(outbox(f->s, n), 1);
    assert_int_equal(alert_tick(en, T0 + 11 * S, &e), 0);
    assert_int_equal(alert_tick(en, T0 + 14 * S, &e), 1);      /* resolved clears the ack */
    assert_int_equal(outbox(f->s, n), 2);
    assert_int_equal(alert_silence(f->s, "err*", "*", T0 + 100 * S, &e), 0);
    for (int i = 0; i < 3; i++)
        add(f->s, T0 + 20 * S + i, LVL_ERROR, "{\"msg\":\"boom\"}");
    assert_int_equal(alert_tick(en, T0 + 21 * S, &e), 1);      /* fires, silenced */
    assert_int_equal(state_of(f->s, "errors", ""), AST_FIRING);
    assert_int_equal(outbox(f->s, n), 2);
    assert_int_equal(alert_firing_count(f->s), 1);
    alert_free(en);
}

static void test_pending_for(void **st)
{
    struct fx *f = *st;
    struct err e = {0};
    load(f, "rules:\n  - name: r\n    type: count\n    threshold: '> 0'\n    window: 5s\n"
            "    for: 2s\n");
    struct alert_engine *en = alert_new(f->s, f->rs, NULL, T0, &e);
    add(f->s, T0, LVL_INFO, "{\"msg\":\"x\"}");
    assert_int_equal(alert_tick(en, T0 + S / 2, &e), 1);
    assert_int_equal(state_of(f->s, "r", ""), AST_PENDING);
    assert_int_equal(alert_tick(en, T0 + S, &e), 0);
    assert_int_equal(alert_tick(en, T0 + 3 * S, &e), 1);
    assert_int_equal(state_of(f->s, "r", ""), AST_FIRING);
    alert_free(en);
}

static void test_ratio_groups(void **st)
{
    struct fx *f = *st;
    struct err e = {0};
    load(f, "rules:\n  - name: rate\n    type: ratio\n    match: 'level>=error'\n"
            "    threshold: '> 20%'\n    window: 1m\n    min_count: 4\n    group_by: path\n");
    for (int i = 0; i < 10; i++) {
        add(f->s, T0 + i, i < 3 ? LVL_ERROR : LVL_INFO, "{\"msg\":\"a\",\"path\":\"/a\"}");
        add(f->s, T0 + i, i < 1 ? LVL_ERROR : LVL_INFO, "{\"msg\":\"b\",\"path\":\"/b\"}");
    }
    add(f->s, T0, LVL_ERROR, "{\"msg\":\"c\",\"path\":\"/c\"}");   /* 100 % but under min_count */
    struct alert_engine *en = alert_new(f->s, f->rs, NULL, T0 + S, &e);
    assert_int_equal(alert_tick(en, T0 + S, &e), 1);
    assert_int_equal(state_of(f->s, "rate", "/a"), AST_FIRING);
    assert_int_equal(state_of(f->s, "rate", "/b"), -1);
    assert_int_equal(state_of(f->s, "rate", "/c"), -1);
    struct alert_snapshot sn;
    assert_int_equal(alert_snapshot(f->s, 10, &sn, &e), 0);
    assert_string_equal(sn.states[0].grp, "/a");
    assert_true(sn.states[0].value > 0.299 && sn.states[0].value < 0.301);
    assert_string_equal(sn.states[0].query, "level>=error path:\"/a\"");
    alert_snapshot_fini(&sn);
    alert_free(en);
}

static void test_window_values(void **st)
{
    (void)st;
    struct rule r = {.name = "m", .type = RULE_METRIC, .agg = AGG_P95, .window = 60 * S};
    struct arule ar;
    assert_int_equal(aw_init(&ar, &r), 0);
    struct agroup *g = aw_group(&ar, NULL, 0);
    for (int i = 1; i <= 100; i++)
        aw_add(&ar, g, T0 + i * 10000, T0 + S, 0, 1, (double)i);
    aw_add(&ar, g, T0 - 120 * S, T0 + S, 0, 1, 1e9);           /* out of the window */
    struct awin_value v = aw_value(&ar, g, T0 + S);
    assert_int_equal(v.count, 100);
    assert_true(v.value > 95 * 0.95 && v.value < 95 * 1.05);    /* 5 % bins */
    r.agg = AGG_AVG;
    assert_true(aw_value(&ar, g, T0 + S).value == 50.5);
    r.agg = AGG_MAX;
    assert_true(aw_value(&ar, g, T0 + S).value == 100);
    assert_int_equal(aw_value(&ar, g, T0 + 62 * S).count, 0);  /* slid out */
    aw_fini(&ar);
}

struct seen {
    char log[1024];
};

static void on_ev(void *ctx, const struct adb_event *ev, int notified)
{
    struct seen *s = ctx;
    (void)notified;
    size_t n = strlen(s->log);
    snprintf(s->log + n, sizeof s->log - n, "%s@%lld ", ev->event, (long long)((ev->ts - T0) / S));
}

static int count_row(void *ctx, const struct adb_state *a)
{
    (void)a;
    ++*(int *)ctx;
    return 0;
}

static int count_event(void *ctx, const struct adb_event *a)
{
    (void)a;
    ++*(int *)ctx;
    return 0;
}

static void test_replay(void **st)
{
    struct fx *f = *st;
    struct err e = {0};
    int rows = 0;
    load(f, "rules:\n  - name: burst\n    type: count\n    threshold: '>= 5'\n    window: 10s\n"
            "    resolve_hold: 0s\n");
    for (int i = 0; i < 5; i++)
        add(f->s, T0 + 100 * S + i * 1000, LVL_ERROR, "{\"msg\":\"x\"}");
    add(f->s, T0 + 200 * S, LVL_INFO, "{\"msg\":\"y\"}");
    struct seen s = {{0}};
    struct alert_opts o = {.on_event = on_ev, .ctx = &s};
    assert_true(alert_replay(f->s, f->rs, T0, T0 + 200 * S, &o, &e) >= 0);
    assert_string_equal(s.log, "firing@100 resolved@110 ");
    /* nothing written: the tables exist (schema v2) but hold no row */
    assert_int_equal(alerts_db_states(f->s, count_row, &rows, &e), 0);
    assert_int_equal(alerts_db_events(f->s, 100, count_event, &rows, &e), 0);
    assert_int_equal(rows, 0);
    assert_int_equal(alerts_db_firing_count(f->s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_and_silence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_for, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ratio_groups, setup, teardown),
        cmocka_unit_test(test_window_values),
        cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
