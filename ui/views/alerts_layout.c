/* alerts_layout: the alerts view's lines and how each is drawn (see
 * alerts_layout.h). Pure layout: reads a snapshot, writes screen cells. */
#include "ui/views/alerts_layout.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/alert/rules.h"
#include "src/base/ts.h"
#include "ui/text.h"
#include "ui/theme.h"

const char *const alerts_presets[ALERTS_NPRESETS] = {"15m", "1h", "4h", "1d"};

/* Columns of the state and history rows (x, width). */
struct scols {
    int narrow;
    int state_x, sev_x, sev_w, rule_x, rule_w, value_x, value_w, thr_x, thr_w;
    int age_x, age_w, eval_x, eval_w, note_x, note_w;
    int hrule_w, hvalue_x, sum_x;
};

/* Columns of the notifier rows. */
struct ncols {
    int name_w, type_x, type_w, state_x, state_w, q_x, s_x, s_w, r_x, r_w, f_x, url_x;
};

/* Lays the right-hand columns out from the right edge; a column of width
 * 0 is left out (cell() draws nothing for it). */
static void place_right(struct scols *c, int w)
{
    c->note_x = w - c->note_w;
    c->eval_x = c->note_x - c->eval_w - (c->eval_w > 0);
    c->age_x = c->eval_x - c->age_w - (c->age_w > 0);
    c->thr_x = c->age_x - c->thr_w - (c->thr_w > 0);
    c->value_x = c->thr_x - c->value_w - 1;
    c->rule_w = c->value_x - 1 - c->rule_x;
}

/* Columns of the state rows. The rule name matters most after the state:
 * on a narrow screen the least useful columns go first (last evaluation,
 * the ack/silence note, the age, the threshold) until the name has
 * RULE_MIN columns; a longer name is still ellipsized. */
#define RULE_MIN 18
static struct scols state_cols(int w)
{
    struct scols c = {.narrow = w < 100, .state_x = 1, .sev_x = 10};
    c.sev_w = c.narrow ? 4 : 8;
    c.rule_x = c.sev_x + c.sev_w + (c.narrow ? 1 : 2);
    c.note_w = c.narrow ? 9 : 15;
    c.eval_w = c.narrow ? 4 : 9;
    c.age_w = c.narrow ? 5 : 7;
    c.thr_w = c.narrow ? 8 : 10;
    c.value_w = c.narrow ? 8 : 10;
    place_right(&c, w);
    int *drop[] = {&c.eval_w, &c.note_w, &c.age_w, &c.thr_w};
    for (size_t i = 0; i < sizeof drop / sizeof drop[0] && c.rule_w < RULE_MIN; i++) {
        *drop[i] = 0;
        place_right(&c, w);
    }
    c.hrule_w = c.narrow ? 22 : 32;
    c.hvalue_x = 19 + c.hrule_w + 1;
    c.sum_x = c.hvalue_x + c.value_w + 1;
    return c;
}

static struct ncols notifier_cols(int w)
{
    struct ncols c = {.name_w = w < 100 ? 12 : 16};
    c.type_x = 1 + c.name_w + 1;
    c.type_w = w < 100 ? 7 : 8;
    c.state_x = c.type_x + c.type_w + 1;
    c.state_w = w < 100 ? 8 : 9;
    c.q_x = c.state_x + c.state_w + 1;          /* QUEUED: 6 wide */
    c.s_w = w < 100 ? 5 : 6;
    c.s_x = c.q_x + 6 + 1;
    c.r_w = w < 100 ? 5 : 8;
    c.r_x = c.s_x + c.s_w + 1;
    c.f_x = c.r_x + c.r_w + 1;                  /* FAILED: 6 wide */
    c.url_x = c.f_x + 6 + 2;
    return c;
}

/* --- formatting ---------------------------------------------------------------- */

char *alerts_fmt_age(int64_t us, char buf[16])
{
    long long s = us > 0 ? (long long)(us / 1000000) : 0;
    if (s < 60)
        snprintf(buf, 16, "%llds", s);
    else if (s < 3600)
        snprintf(buf, 16, "%lldm%02llds", s / 60, s % 60);
    else if (s < 86400)
        snprintf(buf, 16, "%lldh%02lldm", s / 3600, s % 3600 / 60);
    else
        snprintf(buf, 16, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
    return buf;
}

/* The age in at most 4 columns: "12s", "5m", "3h", "2d". */
static char *short_age(int64_t us, char buf[16])
{
    long long s = us > 0 ? (long long)(us / 1000000) : 0;
    if (s < 60)
        snprintf(buf, 16, "%llds", s);
    else if (s < 3600)
        snprintf(buf, 16, "%lldm", s / 60);
    else if (s < 86400)
        snprintf(buf, 16, "%lldh", s / 3600);
    else
        snprintf(buf, 16, "%lldd", s / 86400 > 999 ? 999 : s / 86400);
    return buf;
}

char *alerts_fmt_target(const struct adb_state *st, char *buf, size_t cap)
{
    if (strcmp(st->grp, "*") == 0)
        snprintf(buf, cap, "%s (%lld group%s)", st->rule, (long long)st->count,
                 st->count == 1 ? "" : "s");
    else
        snprintf(buf, cap, "%s%s%s", st->rule, *st->grp ? "/" : "", st->grp);
    return buf;
}

int alerts_parse_silence(const char *typed, int preset, int64_t *out)
{
    char b[48];
    size_t n = 0, digits = 0;
    if (!typed || !*typed) {
        if (preset < 0 || preset >= ALERTS_NPRESETS)
            return -1;
        typed = alerts_presets[preset];
    }
    for (const char *p = typed; *p && n + 2 < sizeof b; p++) {
        if (isspace((unsigned char)*p))
            continue;
        digits += isdigit((unsigned char)*p) != 0;
        b[n++] = *p == 'M' ? 'm' : *p;
    }
    if (n > 0 && digits == n)
        b[n++] = 'm';   /* a bare number: minutes */
    b[n] = 0;
    return n > 0 && ts_parse_duration(b, out) == 0 && *out > 0 ? 0 : -1;
}

/* --- building the lines ------------------------------------------------------- */

static int add(struct alayout *l, int kind, size_t idx, const char *text)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct aline *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (struct aline){kind, idx, text};
    return 0;
}

int alerts_layout_build(struct alayout *l, const struct alert_snapshot *sn)
{
    int rc = 0;
    l->n = 0;
    rc |= add(l, AL_HEAD_STATES, 0, NULL);
    for (size_t i = 0; i < sn->nstates; i++)
        rc |= add(l, AL_STATE, i, NULL);
    if (!sn->nstates)
        rc |= add(l, AL_EMPTY, 0, "no rule has run on this store yet (logdeck alerts run RULES.yaml)");
    rc |= add(l, AL_BLANK, 0, NULL);
    rc |= add(l, AL_HEAD_NOTIFIERS, 0, NULL);
    for (size_t i = 0; i < sn->nnotifiers; i++)
        rc |= add(l, AL_NOTIFIER, i, NULL);
    if (!sn->nnotifiers)
        rc |= add(l, AL_EMPTY, 0, "no notifier yet");
    rc |= add(l, AL_BLANK, 0, NULL);
    rc |= add(l, AL_HEAD_HISTORY, 0, NULL);
    for (size_t i = 0; i < sn->nhistory; i++)
        rc |= add(l, AL_EVENT, i, NULL);
    if (!sn->nhistory)
        rc |= add(l, AL_EMPTY, 0, "nothing has fired yet");
    if (rc)
        l->n = 0;
    return rc ? -1 : 0;
}

void alerts_layout_fini(struct alayout *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

int alerts_layout_selectable(const struct aline *ln)
{
    return ln->kind == AL_STATE || ln->kind == AL_EVENT;
}

/* --- drawing ------------------------------------------------------------------- */

/* Text in [x, x + w): cut with "…" when longer. */
static void cell(struct screen *s, int y, int x, int w, const char *t, int role)
{
    if (w <= 0 || !t)
        return;
    int tw = text_width(t, strlen(t));
    if (tw <= w) {
        screen_put(s, y, x, x + w, t, strlen(t), role, -1, x);
        return;
    }
    int end = screen_put(s, y, x, x + w - 1, t, strlen(t), role, -1, x);
    screen_puts(s, y, end, x + w, "…", role);
}

/* Right-aligned in [x, x + w). */
static void rcell(struct screen *s, int y, int x, int w, const char *t, int role)
{
    int tw = text_width(t, strlen(t));
    cell(s, y, tw < w ? x + w - tw : x, tw < w ? tw : w, t, role);
}

static int state_role(int st)
{
    static const int r[] = {ROLE_LVL_INFO, ROLE_LVL_WARNING, ROLE_LVL_CRITICAL, ROLE_LVL_NOTICE};
    return st >= 0 && st < 4 ? r[st] : ROLE_DEFAULT;
}

static int severity_role(int sev)
{
    static const int r[] = {ROLE_LVL_INFO, ROLE_LVL_WARNING, ROLE_LVL_ERROR, ROLE_LVL_CRITICAL};
    return sev >= 0 && sev < 4 ? r[sev] : ROLE_DEFAULT;
}

static const char *state_text(int st)
{
    return st == AST_FIRING ? "FIRING" : st == AST_PENDING ? "PENDING" : alert_state_name(st);
}

static void draw_state(struct screen *s, int y, const struct adb_state *st, int64_t now, int sel)
{
    struct scols c = state_cols(s->w);
    char target[420], v[32], age[16], ev[16], evs[24], note[32] = "";
    static const char *const sev_short[] = {"info", "warn", "err", "crit"};
    int active = (st->state == AST_FIRING || st->state == AST_PENDING) && !st->acked;
    int line = !active ? ROLE_DEFAULT : st->state == AST_FIRING ? ROLE_LINE_ERROR : ROLE_LINE_WARNING;
#define R(role) (sel ? ROLE_SELECTION : (role))
    cell(s, y, c.state_x, 8, state_text(st->state), R(state_role(st->state)));
    cell(s, y, c.sev_x, c.sev_w, c.narrow ? sev_short[st->severity & 3]
                                          : rules_severity_name(st->severity),
         R(severity_role(st->severity)));
    cell(s, y, c.rule_x, c.rule_w, alerts_fmt_target(st, target, sizeof target), R(line));
    rcell(s, y, c.value_x, c.value_w, alert_fmt_value(st->value, st->threshold, v), R(line));
    if (c.thr_w)
        cell(s, y, c.thr_x + 1, c.thr_w - 1, st->threshold, R(ROLE_DEFAULT));
    if (st->since > 0)
        rcell(s, y, c.age_x, c.age_w, alerts_fmt_age(now - st->since, age),
              R(active ? line : ROLE_DIM));
    if (st->last_eval > 0) {
        if (c.narrow)
            short_age(now - st->last_eval, evs);
        else
            snprintf(evs, sizeof evs, "%s ago", alerts_fmt_age(now - st->last_eval, ev));
        rcell(s, y, c.eval_x, c.eval_w, evs, R(ROLE_DIM));
    }
    if (st->acked || st->silenced)
        snprintf(note, sizeof note, "%s%s%s",
                 st->acked ? (c.narrow && st->silenced ? "ack" : "acked") : "",
                 st->acked && st->silenced ? (c.narrow ? "," : " ") : "",
                 st->silenced ? (c.narrow && st->acked ? "sil" : "silenced") : "");
    if (c.note_w)
        cell(s, y, c.note_x + 1, c.note_w - 1, note, R(ROLE_LABEL));
#undef R
}

static int event_role(const char *ev)
{
    if (!strcmp(ev, "firing") || !strcmp(ev, "repeat"))
        return ROLE_LVL_ERROR;
    if (!strcmp(ev, "pending"))
        return ROLE_LVL_WARNING;
    if (!strcmp(ev, "resolved"))
        return ROLE_LVL_NOTICE;
    return ROLE_DIM;
}

static void draw_event(struct screen *s, int y, const struct adb_event *ev, int sel)
{
    struct scols c = state_cols(s->w);
    char t[32], target[420], v[32];
    ts_format_short(ev->ts, 0, t);   /* YYYY-MM-DD HH:MM:SS.mmm */
    t[19] = 0;
    snprintf(target, sizeof target, "%s%s%s", ev->rule, *ev->grp ? "/" : "", ev->grp);
    cell(s, y, 1, 8, t + 11, sel ? ROLE_SELECTION : ROLE_TIME);
    cell(s, y, 10, 8, ev->event, sel ? ROLE_SELECTION : event_role(ev->event));
    cell(s, y, 19, c.hrule_w, target, sel ? ROLE_SELECTION : ROLE_DEFAULT);
    rcell(s, y, c.hvalue_x, c.value_w, alert_fmt_value(ev->value, ev->threshold, v),
          sel ? ROLE_SELECTION : ROLE_DEFAULT);
    cell(s, y, c.sum_x, s->w - c.sum_x, ev->summary, sel ? ROLE_SELECTION : ROLE_DIM);
}

static void draw_notifier(struct screen *s, int y, const struct alert_notifier_status *ns)
{
    struct ncols c = notifier_cols(s->w);
    static const char *const st[] = {"ok", "retrying", "BROKEN"};
    static const int role[] = {ROLE_LVL_INFO, ROLE_LVL_WARNING, ROLE_LVL_CRITICAL};
    int k = ns->n.state >= 0 && ns->n.state < 3 ? ns->n.state : 0;
    char num[4][24];
    for (int i = 0; i < 4; i++)
        snprintf(num[i], sizeof num[i], "%lld", (long long)ns->outbox[i]);
    cell(s, y, 1, c.name_w, ns->n.name, ROLE_DEFAULT);
    cell(s, y, c.type_x, c.type_w, ns->n.type, ROLE_DIM);
    cell(s, y, c.state_x, c.state_w, st[k], role[k]);
    rcell(s, y, c.q_x, 6, num[OB_QUEUED], ROLE_DEFAULT);
    rcell(s, y, c.s_x, c.s_w, num[OB_SENT], ROLE_DEFAULT);
    rcell(s, y, c.r_x, c.r_w, num[OB_RETRYING], ns->outbox[OB_RETRYING] ? ROLE_LVL_WARNING : ROLE_DEFAULT);
    rcell(s, y, c.f_x, 6, num[OB_FAILED], ns->outbox[OB_FAILED] ? ROLE_LVL_ERROR : ROLE_DEFAULT);
    /* the reason (a 4xx body, a connection error) says more than the URL */
    if (*ns->n.reason && k > 0)
        cell(s, y, c.url_x, s->w - c.url_x, ns->n.reason, k == 2 ? ROLE_LINE_ERROR : ROLE_LINE_WARNING);
    else
        cell(s, y, c.url_x, s->w - c.url_x, ns->n.url_masked, ROLE_DIM);
}

static void draw_heads(struct screen *s, int y, int kind)
{
    struct scols c = state_cols(s->w);
    struct ncols n = notifier_cols(s->w);
    if (kind == AL_HEAD_STATES) {
        cell(s, y, c.state_x, 8, "STATE", ROLE_LABEL);
        cell(s, y, c.sev_x, c.sev_w, c.narrow ? "SEV" : "SEVERITY", ROLE_LABEL);
        cell(s, y, c.rule_x, c.rule_w, "RULE", ROLE_LABEL);
        rcell(s, y, c.value_x, c.value_w, "VALUE", ROLE_LABEL);
        if (c.thr_w)
            cell(s, y, c.thr_x + 1, c.thr_w - 1, c.narrow ? "THRESH" : "THRESHOLD", ROLE_LABEL);
        rcell(s, y, c.age_x, c.age_w, "AGE", ROLE_LABEL);
        rcell(s, y, c.eval_x, c.eval_w, c.narrow ? "EVAL" : "LAST EVAL", ROLE_LABEL);
        if (c.note_w)
            cell(s, y, c.note_x + 1, c.note_w - 1, "NOTE", ROLE_LABEL);
    } else if (kind == AL_HEAD_NOTIFIERS) {
        cell(s, y, 1, n.name_w, "NOTIFIER", ROLE_LABEL);
        cell(s, y, n.type_x, n.type_w, "TYPE", ROLE_LABEL);
        cell(s, y, n.state_x, n.state_w, "STATE", ROLE_LABEL);
        rcell(s, y, n.q_x, 6, "QUEUED", ROLE_LABEL);
        rcell(s, y, n.s_x, n.s_w, "SENT", ROLE_LABEL);
        rcell(s, y, n.r_x, n.r_w, n.r_w < 8 ? "RETRY" : "RETRYING", ROLE_LABEL);
        rcell(s, y, n.f_x, 6, "FAILED", ROLE_LABEL);
        cell(s, y, n.url_x, s->w - n.url_x, "ENDPOINT / REASON", ROLE_LABEL);
    } else {
        cell(s, y, 1, 8, "HISTORY", ROLE_LABEL);
        cell(s, y, 10, 8, "EVENT", ROLE_LABEL);
        cell(s, y, 19, c.hrule_w, "RULE", ROLE_LABEL);
        rcell(s, y, c.hvalue_x, c.value_w, "VALUE", ROLE_LABEL);
        cell(s, y, c.sum_x, s->w - c.sum_x, "SUMMARY", ROLE_LABEL);
    }
}

void alerts_layout_draw(struct screen *s, int y, const struct aline *ln,
                        const struct alert_snapshot *sn, int64_t now_us, int selected)
{
    screen_fill(s, y, 0, s->w, selected ? ROLE_SELECTION : ROLE_DEFAULT);
    switch (ln->kind) {
    case AL_STATE:
        if (ln->idx < sn->nstates)
            draw_state(s, y, &sn->states[ln->idx], now_us, selected);
        break;
    case AL_EVENT:
        if (ln->idx < sn->nhistory)
            draw_event(s, y, &sn->history[ln->idx], selected);
        break;
    case AL_NOTIFIER:
        if (ln->idx < sn->nnotifiers)
            draw_notifier(s, y, &sn->notifiers[ln->idx]);
        break;
    case AL_EMPTY:
        cell(s, y, 2, s->w - 2, ln->text, ROLE_DIM);
        break;
    case AL_BLANK:
        break;
    default:
        draw_heads(s, y, ln->kind);
        break;
    }
}

void alerts_layout_title(struct screen *s, int y, const struct alert_snapshot *sn, int loaded)
{
    char line[256];
    const char *keys = s->w < 100 ? "A ack  s silence  Enter records " :
                                    "A ack  s silence  Enter records  Esc back ";
    int64_t rules = 0;
    for (size_t i = 0; i < sn->nstates; i++) {   /* distinct rule names */
        size_t j = 0;
        while (j < i && strcmp(sn->states[j].rule, sn->states[i].rule) != 0)
            j++;
        rules += j == i;
    }
    if (!loaded)
        snprintf(line, sizeof line, " Alerts · loading…");
    else
        snprintf(line, sizeof line, " Alerts · %lld firing · %lld pending · %lld rule%s",
                 (long long)sn->firing, (long long)sn->pending, (long long)rules,
                 rules == 1 ? "" : "s");
    if (loaded && s->w >= 100)   /* narrower: the notifiers are listed below anyway */
        snprintf(line + strlen(line), sizeof line - strlen(line), " · %zu notifier%s",
                 sn->nnotifiers, sn->nnotifiers == 1 ? "" : "s");

    screen_fill(s, y, 0, s->w, ROLE_TITLE);
    int x = screen_puts(s, y, 0, s->w, line, ROLE_TITLE);
    int kw = (int)strlen(keys);
    if (s->w - kw > x + 2)
        screen_puts(s, y, s->w - kw, s->w, keys, ROLE_TITLE);
}

int alerts_layout_prompt(struct screen *s, int y, const char *target, int preset,
                         const char *typed)
{
    char head[512];
    snprintf(head, sizeof head, " Silence %s for ", target);
    screen_fill(s, y, 0, s->w, ROLE_QUERY);
    int x = screen_puts(s, y, 0, s->w, head, ROLE_QUERY);
    for (int i = 0; i < ALERTS_NPRESETS; i++) {
        char b[16];
        int on = !*typed && i == preset;
        snprintf(b, sizeof b, on ? "[%s]" : " %s ", alerts_presets[i]);
        x = screen_puts(s, y, x, s->w, b, on ? ROLE_SELECTION : ROLE_QUERY);
    }
    x = screen_puts(s, y, x, s->w, "  or type (minutes, 2h, 1d): ", ROLE_DIM);
    x = screen_puts(s, y, x, s->w, typed, ROLE_QUERY);
    int cur = x;
    static const char help[] = "Enter silence  Esc cancel";
    if (x + (int)sizeof help + 3 < s->w)
        screen_puts(s, y, x + 3, s->w, help, ROLE_DIM);
    return cur < s->w ? cur : s->w - 1;
}
