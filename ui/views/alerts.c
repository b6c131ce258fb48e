/* views/alerts: the alerts console (`a`): every rule and group with its
 * state, value against threshold, age and last evaluation (firing and
 * pending on top), each notifier's delivery status, and the history of
 * fired and resolved alerts (drawing: ui/views/alerts_layout.c). `A` acknowledges
 * the selected alert, `s` silences it for a duration chosen in a small
 * prompt, Enter opens the log view filtered to the records that made it
 * fire (alert_records_query), Esc goes back.
 *
 * Reads and writes happen on a background job (alert_console_job in
 * src/alert/console.c, on a src/base/job.h runner), never on the key
 * path: a snapshot (alert_snapshot) at most once a second while the view
 * is shown, and otherwise only the firing count that every status bar
 * shows (view_alerts_firing, cached here). Acknowledge and silence go
 * through that job, which opens a short-lived write connection for each
 * (see alert.h). Actions are queued here so a newer job never replaces
 * one.
 *
 * The view's state is its struct aview (view_state), opened at startup
 * and closed, its job stopped and joined, at exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/alert/alert.h"
#include "src/query/qjob.h"
#include "src/base/ts.h"
#include "ui/views/alerts_layout.h"
#include "ui/app.h"
#include "ui/keys.h"

#define REFRESH_US 1000000     /* snapshot or firing count: at most once a second */
#define HISTORY_MAX 50
#define ACTIONS_MAX 8
#define TYPED_MAX 20

extern const struct view view_alerts;

struct aview {
    struct jobq *job;
    uint64_t sent, done;                  /* job generations */
    int64_t asked_at;                     /* monotonic µs of the last request */
    struct alert_console_req queue[ACTIONS_MAX];       /* actions waiting for the job */
    int nqueue;
    int64_t firing;                       /* for every status bar; -1 unknown */
    struct alert_snapshot snap;
    int loaded, read_failed;
    struct alayout lay;
    int sel, top, rows;                   /* line selected, first line shown, rows shown */
    int sel_kind;                         /* what sel was, to find it after a refresh */
    char sel_rule[128], sel_grp[256];
    int64_t sel_event;
    int prompt, preset;                   /* the silence prompt */
    char typed[TYPED_MAX + 1];
    char target_rule[128], target_grp[256];
};

/* --- the background job (src/alert: alert_console_job) ------------------------ */

static void submit(struct app *a, const struct alert_console_req *q)
{
    struct aview *av = view_state(a, &view_alerts);
    struct err e = {0};
    struct alert_console_req *copy = malloc(sizeof *copy);
    if (!av->job && !(av->job = qjob_new(a->o->db_path, a->wake_fd, &e))) {
        free(copy);
        app_error(a, &e);
        return;
    }
    if (!copy)
        return;
    *copy = *q;
    copy->history = HISTORY_MAX;
    jobq_submit(av->job, 0, alert_console_job, copy, free, ++av->sent);
    av->asked_at = ts_mono_us();
}

/* --- selection ------------------------------------------------------------------ */

static void remember(struct aview *av)
{
    av->sel_kind = AL_BLANK;
    if (av->sel < 0 || (size_t)av->sel >= av->lay.n)
        return;
    const struct aline *ln = &av->lay.v[av->sel];
    av->sel_kind = ln->kind;
    if (ln->kind == AL_STATE) {
        snprintf(av->sel_rule, sizeof av->sel_rule, "%s", av->snap.states[ln->idx].rule);
        snprintf(av->sel_grp, sizeof av->sel_grp, "%s", av->snap.states[ln->idx].grp);
    } else if (ln->kind == AL_EVENT) {
        av->sel_event = av->snap.history[ln->idx].id;
    }
}

/* The selectable line nearest to i (searching forward first), or -1. */
static int nearest(const struct aview *av, int i)
{
    int n = (int)av->lay.n;
    for (int d = 0; d < n; d++) {
        if (i + d >= 0 && i + d < n && alerts_layout_selectable(&av->lay.v[i + d]))
            return i + d;
        if (i - d >= 0 && i - d < n && alerts_layout_selectable(&av->lay.v[i - d]))
            return i - d;
    }
    return -1;
}

/* After a rebuild: the same alert or event if it is still listed. */
static void restore(struct aview *av)
{
    for (size_t i = 0; i < av->lay.n; i++) {
        const struct aline *ln = &av->lay.v[i];
        if (ln->kind != av->sel_kind)
            continue;
        if ((ln->kind == AL_STATE && !strcmp(av->snap.states[ln->idx].rule, av->sel_rule) &&
             !strcmp(av->snap.states[ln->idx].grp, av->sel_grp)) ||
            (ln->kind == AL_EVENT && av->snap.history[ln->idx].id == av->sel_event)) {
            av->sel = (int)i;
            return;
        }
    }
    av->sel = nearest(av, av->sel < 0 ? 0 : av->sel);
    remember(av);
}

static void move(struct aview *av, int delta)
{
    int i = av->sel < 0 ? nearest(av, 0) : av->sel, dir = delta < 0 ? -1 : 1;
    for (int k = 0; k < abs(delta) && i >= 0; k++) {
        int j = i + dir;
        while (j >= 0 && j < (int)av->lay.n && !alerts_layout_selectable(&av->lay.v[j]))
            j += dir;
        if (j < 0 || j >= (int)av->lay.n)
            break;
        i = j;
    }
    av->sel = i;
    remember(av);
}

/* Keeps the selection on screen, with the line above it (its heading). */
static void scroll_to_sel(struct aview *av)
{
    int n = (int)av->lay.n, rows = av->rows > 0 ? av->rows : 1;
    if (av->sel >= 0 && av->sel - 1 < av->top)
        av->top = av->sel > 0 ? av->sel - 1 : 0;
    if (av->sel >= av->top + rows)
        av->top = av->sel - rows + 1;
    if (av->top > n - rows)
        av->top = n - rows;
    if (av->top < 0)
        av->top = 0;
}

/* --- results ------------------------------------------------------------------- */

static void take_snapshot(struct aview *av, struct alert_console_res *r)
{
    alert_snapshot_fini(&av->snap);
    av->snap = r->snap;
    memset(&r->snap, 0, sizeof r->snap);
    if (alerts_layout_build(&av->lay, &av->snap) < 0)
        av->lay.n = 0;
    int first = !av->loaded;
    av->loaded = 1;
    if (first) {   /* the most urgent alert */
        av->sel = nearest(av, 0);
        remember(av);
    } else {
        restore(av);
    }
}

static int take_results(struct app *a)
{
    struct aview *av = view_state(a, &view_alerts);
    int got = 0;
    struct job_result jr;
    while (av->job && jobq_take(av->job, &jr)) {
        struct alert_console_res *r = jr.p;
        uint64_t gen = jr.gen;
        if (gen > av->done)
            av->done = gen;
        if (r->firing >= 0)
            av->firing = r->firing;
        if (r->has_snap)
            take_snapshot(av, r);
        if (r->action)
            app_message(a, r->failed ? ROLE_STATUS_ERROR : ROLE_STATUS, "%s", r->msg);
        else if (r->failed && !av->read_failed && a->view == &view_alerts)
            app_message(a, ROLE_STATUS_ERROR, "%s", r->msg);
        if (!r->action)
            av->read_failed = r->failed;
        alert_console_res_free(r);
        got = 1;
    }
    return got;
}

/* Takes what the job posted, then starts the next queued action, or a
 * refresh when one is due. Never waits. */
static void pump(struct app *a, int snapshot)
{
    struct aview *av = view_state(a, &view_alerts);
    take_results(a);
    if (av->done != av->sent)
        return;
    if (av->nqueue > 0) {
        struct alert_console_req q = av->queue[0];
        memmove(av->queue, av->queue + 1, (size_t)--av->nqueue * sizeof *av->queue);
        q.snapshot = 1;
        submit(a, &q);
    } else if (ts_mono_us() - av->asked_at >= REFRESH_US) {
        struct alert_console_req q = {.snapshot = snapshot};
        submit(a, &q);
    }
}

int64_t view_alerts_firing(struct app *a)
{
    struct aview *av = view_state(a, &view_alerts);
    pump(a, a->view == &view_alerts);
    return av->firing > 0 ? av->firing : 0;
}

/* --- actions ---------------------------------------------------------------------- */

static void queue_action(struct app *a, int action, const char *rule, const char *grp,
                         int64_t dur)
{
    struct aview *av = view_state(a, &view_alerts);
    if (av->nqueue == ACTIONS_MAX) {
        app_message(a, ROLE_STATUS_ERROR, "too many actions waiting; try again in a moment");
        return;
    }
    struct alert_console_req *q = &av->queue[av->nqueue++];
    memset(q, 0, sizeof *q);
    q->action = action;
    q->dur = dur;
    q->until = dur ? ts_now() + dur : 0;
    snprintf(q->rule, sizeof q->rule, "%s", rule);
    snprintf(q->grp, sizeof q->grp, "%s", grp);
    pump(a, 1);
}

/* The state of the selected line (an event stands for its alert), or NULL. */
static const struct adb_state *selected_state(const struct aview *av)
{
    if (av->sel < 0 || (size_t)av->sel >= av->lay.n)
        return NULL;
    const struct aline *ln = &av->lay.v[av->sel];
    if (ln->kind == AL_STATE)
        return &av->snap.states[ln->idx];
    if (ln->kind != AL_EVENT)
        return NULL;
    const struct adb_event *ev = &av->snap.history[ln->idx];
    for (size_t i = 0; i < av->snap.nstates; i++)
        if (!strcmp(av->snap.states[i].rule, ev->rule) && !strcmp(av->snap.states[i].grp, ev->grp))
            return &av->snap.states[i];
    return NULL;
}

static int do_ack(struct app *a)
{
    struct aview *av = view_state(a, &view_alerts);
    const struct adb_state *st = selected_state(av);
    char t[420];
    if (!st) {
        app_message(a, ROLE_STATUS_ERROR, av->snap.nstates ? "select an alert to acknowledge (j k)"
                                                           : "no alerts on this store yet");
        return R_REDRAW;
    }
    alerts_fmt_target(st, t, sizeof t);
    if (!strcmp(st->grp, "*"))
        app_message(a, ROLE_STATUS_ERROR, "%s is a summary: select one of its groups", t);
    else if (st->state != AST_FIRING && st->state != AST_PENDING)
        app_message(a, ROLE_STATUS_ERROR, "%s is %s: only a pending or firing alert can be "
                    "acknowledged", t, alert_state_name(st->state));
    else if (st->acked)
        app_message(a, ROLE_STATUS, "%s is already acknowledged", t);
    else
        queue_action(a, ALERT_CONSOLE_ACK, st->rule, st->grp, 0);
    return R_REDRAW;
}

static int open_prompt(struct app *a)
{
    struct aview *av = view_state(a, &view_alerts);
    const struct adb_state *st = selected_state(av);
    if (!st) {
        app_message(a, ROLE_STATUS_ERROR, av->snap.nstates ? "select an alert to silence (j k)"
                                                           : "no alerts on this store yet");
        return R_REDRAW;
    }
    snprintf(av->target_rule, sizeof av->target_rule, "%s", st->rule);
    snprintf(av->target_grp, sizeof av->target_grp, "%s", st->grp);
    av->prompt = 1;
    av->typed[0] = 0;
    return R_REDRAW;
}

static void apply_silence(struct app *a)
{
    struct aview *av = view_state(a, &view_alerts);
    int64_t d;
    if (alerts_parse_silence(av->typed, av->preset, &d) < 0) {
        app_message(a, ROLE_STATUS_ERROR, "cannot read '%s' as a duration: try 30m, 2h, 1d "
                    "(a bare number is minutes)", av->typed);
        return;
    }
    av->prompt = 0;
    queue_action(a, ALERT_CONSOLE_SILENCE, av->target_rule, av->target_grp, d);
}

/* Keys while the silence prompt is open; it takes every key it gets. */
static int prompt_key(struct app *a, int key)
{
    struct aview *av = view_state(a, &view_alerts);
    size_t n = strlen(av->typed);
    switch (key) {
    case K_ESC: av->prompt = 0; break;
    case K_ENTER: apply_silence(a); break;
    case K_LEFT: case K_BTAB: av->preset = (av->preset + ALERTS_NPRESETS - 1) % ALERTS_NPRESETS;
        av->typed[0] = 0;
        break;
    case K_RIGHT: case K_TAB: av->preset = (av->preset + 1) % ALERTS_NPRESETS;
        av->typed[0] = 0;
        break;
    case K_BACKSPACE: case 0x7f: case K_CTRL('h'):
        if (n)
            av->typed[n - 1] = 0;
        break;
    case K_CTRL('u'): av->typed[0] = 0; break;
    default:
        if (n < TYPED_MAX && key < 0x80 && key > 0x20 && strchr("0123456789.smhdwu", key)) {
            av->typed[n] = (char)key;
            av->typed[n + 1] = 0;
        }
        break;
    }
    return R_REDRAW;
}

/* Enter: the log view, filtered to the records behind the alert. */
static int open_records(struct app *a)
{
    struct aview *av = view_state(a, &view_alerts);
    const char *query = NULL, *rule = NULL, *grp = "";
    int64_t since = 0, until = 0;
    char q[LINEEDIT_MAX + 1], t[420];
    struct err e = {0};
    const struct aline *ln = av->sel >= 0 && (size_t)av->sel < av->lay.n ? &av->lay.v[av->sel] : NULL;
    if (ln && ln->kind == AL_STATE) {
        const struct adb_state *st = &av->snap.states[ln->idx];
        query = st->query, since = st->win_since, until = st->win_until, rule = st->rule, grp = st->grp;
    } else if (ln && ln->kind == AL_EVENT) {
        const struct adb_event *ev = &av->snap.history[ln->idx];
        query = ev->query, since = ev->win_since, until = ev->win_until, rule = ev->rule, grp = ev->grp;
    }
    if (!rule)
        return R_REDRAW;
    alert_console_target(rule, grp, t, sizeof t);
    if (!since && !until) {
        app_message(a, ROLE_STATUS_ERROR, "%s has no records behind it yet (it has not fired)", t);
        return R_REDRAW;
    }
    alert_records_query(query, since, until, q, sizeof q);
    if (app_set_filter(a, q, &e) < 0) {
        app_error(a, &e);
        return R_REDRAW;
    }
    history_add(&a->hist, q, &e);
    a->view = &view_log;
    app_message(a, ROLE_STATUS, "the records that made %s fire", t);
    return R_REDRAW;
}

static int alerts_action(struct app *a, int action, int key)
{
    struct aview *av = view_state(a, &view_alerts);
    int page = av->rows > 2 ? av->rows - 1 : 1;
    if (av->prompt)
        return prompt_key(a, key);
    switch (action) {
    case A_DOWN: move(av, 1); return R_REDRAW;
    case A_UP: move(av, -1); return R_REDRAW;
    case A_PGDN: case A_HALF_DN: move(av, action == A_PGDN ? page : page / 2 + 1); return R_REDRAW;
    case A_PGUP: case A_HALF_UP: move(av, action == A_PGUP ? -page : -(page / 2 + 1)); return R_REDRAW;
    case A_OLDEST: move(av, -(int)av->lay.n); return R_REDRAW;
    case A_NEWEST: move(av, (int)av->lay.n); return R_REDRAW;
    case A_ACK: return do_ack(a);
    case A_SILENCE: return open_prompt(a);
    case A_DETAIL: return open_records(a);
    case A_ALERTS: av->asked_at = 0; pump(a, 1); return R_REDRAW;
    case A_ESC: a->view = &view_log; return R_REDRAW;
    default: return R_UNHANDLED;
    }
}

static void alerts_draw(struct app *a, struct screen *s, int y0, int h)
{
    struct aview *av = view_state(a, &view_alerts);
    char t[420];
    int64_t now = ts_now();
    pump(a, 1);
    if (h <= 0)
        return;
    alerts_layout_title(s, y0, &av->snap, av->loaded);
    av->rows = h - 1 - (av->prompt && h > 2);
    scroll_to_sel(av);
    for (int i = 0; i < av->rows; i++) {
        int k = av->top + i;
        if (av->loaded && k < (int)av->lay.n)
            alerts_layout_draw(s, y0 + 1 + i, &av->lay.v[k], &av->snap, now, k == av->sel);
        else
            screen_fill(s, y0 + 1 + i, 0, s->w, ROLE_DEFAULT);
    }
    if (av->prompt && h > 2) {
        alert_console_target(av->target_rule, av->target_grp, t, sizeof t);
        s->cursor_x = alerts_layout_prompt(s, y0 + h - 1, t, av->preset, av->typed);
        s->cursor_y = y0 + h - 1;
        s->cursor_on = 1;
    }
}

/* Results arrived (the wake pipe fired): take them, start what waits. */
static int alerts_poll(struct app *a)
{
    int got = take_results(a);
    pump(a, a->view == &view_alerts);
    return got ? R_REDRAW : R_NONE;
}

static void *alerts_open(struct app *a)
{
    struct aview *av = calloc(1, sizeof *av);
    (void)a;
    if (av) {
        av->firing = -1;
        av->sel = -1;
        av->preset = 1;
    }
    return av;
}

static void alerts_close(struct app *a, void *state)
{
    struct aview *av = state;
    (void)a;
    jobq_free(av->job);   /* waits for an action or read still running */
    alert_snapshot_fini(&av->snap);
    alerts_layout_fini(&av->lay);
    free(av);
}

static void alerts_enter(struct app *a)
{
    struct aview *av = view_state(a, &view_alerts);
    av->prompt = 0;
    av->asked_at = 0;
    pump(a, 1);
}

static int alerts_modal(struct app *a)
{
    struct aview *av = view_state(a, &view_alerts);
    (void)a;
    return av->prompt;
}

const struct view view_alerts = {
    .name = "alerts",
    .action = A_ALERTS,
    .on_action = alerts_action,
    .draw = alerts_draw,
    .enter = alerts_enter,
    .modal = alerts_modal,
    .open = alerts_open,
    .close = alerts_close,
    .poll = alerts_poll,
};
