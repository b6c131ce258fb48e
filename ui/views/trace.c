/* views/trace: the trace view (`t` on a record with a cid, or `:trace CID`
 * through view_trace_open): every record of one correlation id, oldest
 * first, from trace_load() (the same assembly `logdeck trace` prints), as
 * a waterfall: a header with the span, record count, services touched and
 * status, the slowest step and the first error; one row per lane
 * (service, else logger, else file) with its extent on the time axis; one
 * row per record with its offset, the gap since the previous one, its
 * lane, level and message, and its bar (a duration) or mark on the common
 * time axis (waterfall.h). Enter opens the detail pane, Esc returns to the
 * log view as it was. Traces are loaded by a job (wf_load_job): on open,
 * and again (at most every RELOAD_US) when new records were shown, so a
 * request still in progress grows live. The view's state is its struct
 * tview (view_state), opened at startup and closed at exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "src/report/metrics.h"
#include "src/query/qjob.h"
#include "src/query/recout.h"
#include "src/report/trace.h"
#include "src/report/waterfall.h"
#include "ui/app.h"
#include "ui/keys.h"
#include "ui/text.h"
#include "src/base/ts.h"

#define RELOAD_US 250000       /* live reloads at most 4 a second */

extern const struct view view_trace;

struct tview {
    struct jobq *job;          /* loads traces; owned, stopped by trace_close */
    uint64_t gen;              /* of the last request */
    int pending;               /* a request is out */
    int opening;               /* switch to the view when it arrives */
    int64_t want_id;           /* the record to select then, 0 none */
    int64_t asked_at;          /* monotonic µs of the last request */
    char cid[512];
    struct trace t;
    struct wf wf;
    int loaded;
    int sel, top, rows;        /* selected step, first shown, step rows shown */
    int64_t data_seen;         /* a->data_at when last loaded */
};

struct tcols {
    int idx_x, off_x, off_w, gap_x, gap_w, lane_x, lane_w, lvl_x, dur_x, msg_x, msg_w, wf_x, wf_w;
};

static struct tcols columns(int w)
{
    struct tcols c = {.idx_x = 0, .off_x = 5, .off_w = 9, .lane_w = 9, .dur_x = -1};
    int wide = w >= 110;
    if (wide) {
        c.off_w = 10;
        c.lane_w = w >= 140 ? 16 : 12;
    }
    c.gap_x = c.off_x + c.off_w + 1;
    c.gap_w = c.off_w;
    c.lane_x = c.gap_x + c.gap_w + 1;
    c.lvl_x = c.lane_x + c.lane_w + 1;
    c.msg_x = c.lvl_x + 6;
    if (wide) {
        c.dur_x = c.msg_x;
        c.msg_x += 9;
    }
    c.wf_w = w / 4 < 16 ? 16 : w / 4 > 60 ? 60 : w / 4;
    c.wf_x = w - c.wf_w;
    c.msg_w = c.wf_x - 1 - c.msg_x;
    if (c.msg_w < 4) {   /* too narrow for both: drop the waterfall */
        c.wf_w = 0;
        c.wf_x = w;
        c.msg_w = w - c.msg_x;
    }
    return c;
}

static const char *badge(int level)
{
    static const char *const b[LVL_COUNT] = {
        "  ?  ", "TRACE", "DEBUG", "INFO ", "NOTE ", "WARN ", "ERROR", "CRIT ",
    };
    return level >= 0 && level < LVL_COUNT ? b[level] : b[0];
}

static size_t first_line(const struct record *r)
{
    const char *nl = r->msg ? memchr(r->msg, '\n', r->msg_len) : NULL;
    return nl ? (size_t)(nl - r->msg) : r->msg_len;
}

/* The first line of the message without a "[cid]" that text logs put at
 * its start or end: every row of the trace has that cid. */
static const char *msg_shown(const struct tview *tv, const struct record *r, size_t *n)
{
    const char *m = r->msg ? r->msg : "";
    size_t len = first_line(r), cl = strlen(tv->cid);
    if (cl && len >= cl + 2 && m[0] == '[' && m[cl + 1] == ']' &&
        strncasecmp(m + 1, tv->cid, cl) == 0) {
        m += cl + 2;
        len -= cl + 2;
        while (len && *m == ' ')
            m++, len--;
    } else if (cl && len >= cl + 3 && m[len - 1] == ']' && m[len - cl - 2] == '[' &&
               strncasecmp(m + len - cl - 1, tv->cid, cl) == 0) {
        len -= cl + 2;
        while (len && m[len - 1] == ' ')
            len--;
    }
    *n = len;
    return m;
}

/* --- loading (a job: src/report/waterfall.h, wf_load_job) -------------------- */

static void unload(struct tview *tv)
{
    wf_fini(&tv->wf);
    trace_fini(&tv->t);
    tv->loaded = 0;
}

/* Asks the job for tv->cid; the result arrives in trace_poll. */
static int request(struct app *a, struct err *e)
{
    struct tview *tv = view_state(a, &view_trace);
    char *cid = strdup(tv->cid);
    if (!tv->job && !(tv->job = qjob_new(a->o->db_path, a->wake_fd, e))) {
        free(cid);
        return -1;
    }
    if (!cid)
        return err_set(e, "out of memory");
    jobq_submit(tv->job, 0, wf_load_job, cid, free, ++tv->gen);
    tv->asked_at = ts_mono_us();
    tv->data_seen = a->data_at;
    tv->pending = 1;
    return 0;
}

/* Installs a loaded trace; the first load of an open switches the view. */
static void install(struct app *a, struct wf_loaded *l)
{
    struct tview *tv = view_state(a, &view_trace);
    int at_end = tv->loaded && tv->sel >= (int)tv->t.n - 1;
    if (l->failed || l->t.n == 0) {
        if (l->failed)
            app_message(a, ROLE_STATUS_ERROR, "%s", l->msg);
        else
            app_message(a, ROLE_STATUS_ERROR, "no records with cid %s", tv->cid);
        if (tv->opening)
            a->view = &view_log;   /* as before the key: the log view */
        tv->opening = 0;
        return;
    }
    unload(tv);
    tv->t = l->t;
    tv->wf = l->wf;
    memset(l, 0, sizeof *l);
    tv->loaded = 1;
    if (at_end || tv->sel >= (int)tv->t.n)
        tv->sel = tv->t.n ? (int)tv->t.n - 1 : 0;
    if (a->o && a->o->verbose)
        fprintf(stderr, "trace: %s: %zu records loaded in %.2f ms\n", tv->cid, tv->t.n,
                (double)(ts_mono_us() - tv->asked_at) / 1000.0);
    if (tv->opening) {
        for (size_t i = 0; tv->want_id && i < tv->t.n; i++)
            if (tv->t.steps[i].row.id == tv->want_id)
                tv->sel = (int)i;
        a->view = &view_trace;
        a->detail_open = 0;
        tv->opening = 0;
    }
}

static int trace_poll(struct app *a)
{
    struct tview *tv = view_state(a, &view_trace);
    struct job_result jr;
    int got = 0;
    while (tv->job && jobq_take(tv->job, &jr)) {
        if (jr.gen == tv->gen) {
            tv->pending = 0;
            install(a, jr.p);
            got = 1;
        }
        job_result_free(&jr);
    }
    return got ? R_REDRAW : R_NONE;
}

static void *trace_open(struct app *a)
{
    (void)a;
    return calloc(1, sizeof(struct tview));
}

static void trace_close(struct app *a, void *state)
{
    struct tview *tv = state;
    (void)a;
    jobq_free(tv->job);   /* stops a load still running */
    unload(tv);
    free(tv);
}

/* Opens cid, selecting the record want_id (0: the last one kept). */
static int open_cid(struct app *a, const char *cid, int64_t want_id)
{
    struct tview *tv = view_state(a, &view_trace);
    struct err e = {0};
    if (!cid || !*cid) {
        app_message(a, ROLE_STATUS_ERROR, "trace needs a correlation id: :trace CID");
        return R_REDRAW;
    }
    if (strcmp(cid, tv->cid) != 0 || !tv->loaded) {
        unload(tv);
        snprintf(tv->cid, sizeof tv->cid, "%s", cid);
        tv->sel = tv->top = 0;
    }
    tv->want_id = want_id;
    if (request(a, &e) < 0) {
        app_error(a, &e);
        return R_REDRAW;
    }
    tv->opening = 1;   /* the view switches when the trace arrives (trace_poll) */
    return R_REDRAW;
}

int view_trace_open(struct app *a, const char *cid)
{
    return open_cid(a, cid, 0);
}

/* `t`: the trace of the log view's selected record. */
static void trace_enter(struct app *a)
{
    const struct lrow *r = logmodel_selected(&a->lm);
    a->view = &view_log;   /* until the trace arrives */
    if (!r || !r->cid || !*r->cid) {
        app_message(a, ROLE_STATUS_ERROR, r ? "the selected record has no correlation id"
                                            : "no record selected");
        return;
    }
    open_cid(a, r->cid, r->id);
}

/* A trace in progress grows: reload when new records were shown, at most
 * every RELOAD_US (the next data or totals wake-up retries). */
static void maybe_reload(struct app *a)
{
    struct tview *tv = view_state(a, &view_trace);
    struct err e = {0};
    if (!tv->loaded || tv->pending || a->data_at == tv->data_seen ||
        ts_mono_us() - tv->asked_at < RELOAD_US)
        return;
    if (request(a, &e) < 0)
        app_error(a, &e);
}

/* --- drawing --------------------------------------------------------------- */

static void header(struct app *a, struct screen *s, int y)
{
    struct tview *tv = view_state(a, &view_trace);
    char span[32], line[1024];
    const struct trace *t = &tv->t;
    int64_t warns = 0;
    for (size_t i = 0; i < tv->wf.nlanes; i++)
        warns += tv->wf.lanes[i].warnings;
    char status[64];
    if (t->errors)
        snprintf(status, sizeof status, "ERROR (%lld error%s)", (long long)t->errors,
                 t->errors == 1 ? "" : "s");
    else if (warns)
        snprintf(status, sizeof status, "WARN (%lld warning%s)", (long long)warns,
                 warns == 1 ? "" : "s");
    else
        snprintf(status, sizeof status, "OK");
    int narrow = s->w < 100 && strlen(t->cid) > 12;   /* the cid is in the filter anyway */
    snprintf(line, sizeof line, " Trace %.*s%s · %zu records · %zu services · span %s · %s ",
             narrow ? 8 : (int)strlen(t->cid), t->cid, narrow ? "…" : "", t->n, t->nservices,
             recout_offset(t->span_us, span), status);
    (void)a;
    screen_fill(s, y, 0, s->w, ROLE_TITLE);
    int x = screen_puts(s, y, 0, s->w, line, ROLE_TITLE);
    if (t->errors && x < s->w)
        screen_recolor(s, y, x - (int)strlen(status) - 1, (int)strlen(status), ROLE_LVL_ERROR);
}

/* "slowest: #5 api 812.0 ms at +1.2 s  message" / "first error: ...". */
static void callout(const struct tview *tv, struct screen *s, int y, const char *label, long i,
                    int slowest)
{
    char off[32], what[64];
    const struct trace *t = &tv->t;
    screen_fill(s, y, 0, s->w, ROLE_DEFAULT);
    int x = screen_puts(s, y, 1, s->w, label, ROLE_LABEL);
    if (i < 0) {
        screen_puts(s, y, x + 1, s->w, "none", ROLE_DIM);
        return;
    }
    const struct trace_step *st = &t->steps[i];
    const struct record *r = &st->row.rec;
    what[0] = 0;
    if (slowest && t->slowest_by_duration)
        snprintf(what, sizeof what, "%.1f ms ", r->duration_ms);
    else if (slowest)
        snprintf(what, sizeof what, "gap %s ", recout_offset(st->gap_us, off));
    char head[160];
    snprintf(head, sizeof head, "#%ld %s%s at %s ", i + 1, what,
             tv->wf.lanes[tv->wf.lane_of[i]].name, recout_offset(st->offset_us, off));
    x = screen_puts(s, y, x + 1, s->w, head, slowest ? ROLE_LVL_WARNING : ROLE_LVL_ERROR);
    size_t n;
    const char *m = msg_shown(tv, r, &n);
    screen_put(s, y, x + 1, s->w, m, n, role_line_for_level(r->level), ROLE_ESCAPE, x + 1);
}

static void draw_span(struct screen *s, int y, const struct tcols *c, struct wf_span sp,
                      int role)
{
    for (int x = sp.x0; x < sp.x1 && x < c->wf_w; x++)
        screen_putc(s, y, c->wf_x + x, sp.bar ? 0x2588 : 0x25CF, role);   /* █ ● */
}

static int lane_role(const struct wf_lane *l)
{
    return l->errors ? ROLE_LVL_ERROR : l->warnings ? ROLE_LVL_WARNING : ROLE_SERVICE;
}

static void lane_row(const struct tview *tv, struct screen *s, int y, const struct tcols *c,
                     size_t li)
{
    char buf[128];
    const struct wf_lane *l = &tv->wf.lanes[li];
    screen_fill(s, y, 0, s->w, ROLE_DEFAULT);
    int x = screen_puts(s, y, 2, c->lvl_x, l->name, lane_role(l));
    if (strcmp(l->file, l->name) != 0 && *l->file)
        x = screen_puts(s, y, x + 1, c->lvl_x, l->file, ROLE_DIM);
    snprintf(buf, sizeof buf, "%lld rec", (long long)l->count);
    x = screen_puts(s, y, c->lvl_x, c->wf_x - 1, buf, ROLE_DEFAULT);
    if (l->errors) {
        snprintf(buf, sizeof buf, "%lld err", (long long)l->errors);
        x = screen_puts(s, y, x + 2, c->wf_x - 1, buf, ROLE_LVL_ERROR);
    }
    if (l->warnings) {
        snprintf(buf, sizeof buf, "%lld warn", (long long)l->warnings);
        screen_puts(s, y, x + 2, c->wf_x - 1, buf, ROLE_LVL_WARNING);
    }
    if (c->wf_w > 0) {
        struct wf_span sp = wf_lane_span(&tv->wf, li, c->wf_w);
        for (int k = sp.x0; k < sp.x1 && k < c->wf_w; k++)
            screen_putc(s, y, c->wf_x + k, 0x2500, lane_role(l));   /* ─ */
    }
}

static void axis_row(const struct tview *tv, struct screen *s, int y, const struct tcols *c)
{
    char lo[32], hi[32];
    screen_fill(s, y, 0, s->w, ROLE_LABEL);
    screen_puts(s, y, c->idx_x, s->w, "   #", ROLE_LABEL);
    screen_puts(s, y, c->off_x, s->w, "offset", ROLE_LABEL);
    screen_puts(s, y, c->gap_x, s->w, "gap", ROLE_LABEL);
    screen_puts(s, y, c->lane_x, s->w, "lane", ROLE_LABEL);
    screen_puts(s, y, c->lvl_x, s->w, "level", ROLE_LABEL);
    if (c->dur_x >= 0)
        screen_puts(s, y, c->dur_x, s->w, "duration", ROLE_LABEL);
    screen_puts(s, y, c->msg_x, c->wf_x, "message", ROLE_LABEL);
    if (c->wf_w < 12)
        return;
    recout_offset(tv->wf.t0 - tv->t.first_ts, lo);
    recout_offset(tv->wf.t1 - tv->t.first_ts, hi);
    screen_puts(s, y, c->wf_x, s->w, lo, ROLE_LABEL);
    int hw = (int)strlen(hi);
    if (c->wf_w > (int)strlen(lo) + hw + 1)
        screen_puts(s, y, s->w - hw, s->w, hi, ROLE_LABEL);
}

static void step_row(const struct tview *tv, struct screen *s, int y, const struct tcols *c,
                     size_t i, int sel)
{
    char buf[48], off[32];
    const struct trace_step *st = &tv->t.steps[i];
    const struct record *r = &st->row.rec;
    int base = sel ? ROLE_SELECTION : ROLE_DEFAULT;
    screen_fill(s, y, 0, s->w, base);
    char mark = (long)i == tv->t.first_error ? '!' : (long)i == tv->t.slowest ? '*' : ' ';
    snprintf(buf, sizeof buf, "%3zu%c", i + 1, mark);
    screen_puts(s, y, c->idx_x, c->off_x, buf, sel ? base : mark == '!' ? ROLE_LVL_ERROR
                                                     : mark == '*' ? ROLE_LVL_WARNING : ROLE_DIM);
    screen_puts(s, y, c->off_x, c->off_x + c->off_w, recout_offset(st->offset_us, off),
                sel ? base : ROLE_TIME);
    screen_puts(s, y, c->gap_x, c->gap_x + c->gap_w, i ? recout_offset(st->gap_us, off) : "",
                sel ? base : ROLE_DIM);
    const struct wf_lane *l = &tv->wf.lanes[tv->wf.lane_of[i]];
    screen_puts(s, y, c->lane_x, c->lane_x + c->lane_w, l->name, sel ? base : ROLE_SERVICE);
    screen_puts(s, y, c->lvl_x, c->lvl_x + 5, badge(r->level), sel ? base : role_for_level(r->level));
    if (c->dur_x >= 0 && r->has_duration)
        screen_puts(s, y, c->dur_x, c->dur_x + 8, metrics_fmt_ms(r->duration_ms, 1, buf),
                    sel ? base : ROLE_DEFAULT);
    size_t n;
    const char *m = msg_shown(tv, r, &n);
    screen_put(s, y, c->msg_x, c->msg_x + c->msg_w, m, n,
               sel ? base : role_line_for_level(r->level), ROLE_ESCAPE, c->msg_x);
    if (c->wf_w > 0)
        draw_span(s, y, c, wf_step_span(&tv->wf, &tv->t, i, c->wf_w),
                  sel ? base : role_for_level(r->level));
}

/* Rows given to the lanes: all of them when there is room. */
static int lane_rows(const struct tview *tv, int h)
{
    int room = h - 6;   /* header 3, axis 1, at least 2 steps */
    int n = (int)tv->wf.nlanes;
    if (room <= 0)
        return 0;
    if (n > room / 2)
        n = room / 2 > 0 ? room / 2 : 0;
    return n;
}

static void trace_draw(struct app *a, struct screen *s, int y0, int h)
{
    struct tview *tv = view_state(a, &view_trace);
    maybe_reload(a);
    if (!tv->loaded || h <= 0)
        return;
    struct tcols c = columns(s->w);
    int y = y0, full = h >= 10;
    header(a, s, y++);
    if (full) {
        callout(tv, s, y++, "slowest:", tv->t.slowest, 1);
        callout(tv, s, y++, "first error:", tv->t.first_error, 0);
        int nl = lane_rows(tv, h);
        for (int i = 0; i < nl; i++)
            lane_row(tv, s, y++, &c, (size_t)i);
    }
    if (y < y0 + h)
        axis_row(tv, s, y++, &c);
    tv->rows = y0 + h - y;
    if (tv->rows < 1)
        return;
    if (tv->sel < tv->top)
        tv->top = tv->sel;
    if (tv->sel >= tv->top + tv->rows)
        tv->top = tv->sel - tv->rows + 1;
    for (int i = 0; i < tv->rows; i++) {
        size_t k = (size_t)(tv->top + i);
        if (k < tv->t.n)
            step_row(tv, s, y + i, &c, k, (int)k == tv->sel);
        else
            screen_fill(s, y + i, 0, s->w, ROLE_DEFAULT);
    }
}

/* --- keys ------------------------------------------------------------------ */

static void select_step(struct tview *tv, int i)
{
    int n = (int)tv->t.n;
    tv->sel = i < 0 ? 0 : i >= n ? n - 1 : i;
}

static int next_error(struct tview *tv, int dir)
{
    for (int i = tv->sel + dir; i >= 0 && i < (int)tv->t.n; i += dir)
        if (tv->t.steps[i].row.rec.level >= LVL_ERROR) {
            tv->sel = i;
            return 1;
        }
    return 0;
}

static void open_detail(struct app *a)
{
    struct tview *tv = view_state(a, &view_trace);
    if (tv->sel < 0 || (size_t)tv->sel >= tv->t.n)
        return;
    if (detail_build(&a->detail, &tv->t.steps[tv->sel].row) < 0) {
        app_message(a, ROLE_STATUS_ERROR, "out of memory");
        return;
    }
    a->detail_open = 1;
    a->detail_scroll = 0;
}

static int trace_action(struct app *a, int action, int key)
{
    struct tview *tv = view_state(a, &view_trace);
    int page = tv->rows > 1 ? tv->rows - 1 : 1;
    (void)key;
    if (!tv->loaded)
        return R_UNHANDLED;
    switch (action) {
    case A_DOWN: select_step(tv, tv->sel + 1); return R_REDRAW;
    case A_UP: select_step(tv, tv->sel - 1); return R_REDRAW;
    case A_PGDN: case A_HALF_DN: select_step(tv, tv->sel + page); return R_REDRAW;
    case A_PGUP: case A_HALF_UP: select_step(tv, tv->sel - page); return R_REDRAW;
    case A_OLDEST: select_step(tv, 0); return R_REDRAW;
    case A_NEWEST: select_step(tv, (int)tv->t.n - 1); return R_REDRAW;
    case A_NEXT_ERROR: case A_PREV_ERROR:
        if (!next_error(tv, action == A_NEXT_ERROR ? 1 : -1))
            app_message(a, ROLE_STATUS_ERROR, "no error %s", action == A_NEXT_ERROR ? "below" : "above");
        return R_REDRAW;
    case A_DETAIL: open_detail(a); return R_REDRAW;
    case A_ESC: a->view = &view_log; return R_REDRAW;
    case A_TRACE: return open_cid(a, tv->cid, 0);
    default: return R_UNHANDLED;
    }
}

const struct view view_trace = {
    .name = "trace",
    .action = A_TRACE,
    .on_action = trace_action,
    .draw = trace_draw,
    .enter = trace_enter,
    .open = trace_open,
    .close = trace_close,
    .poll = trace_poll,
};
