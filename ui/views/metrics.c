/* views/metrics: the metrics view (`m`): what is slow and failing over a
 * time range (default the last hour, live) for the current query: a level
 * histogram, requests per service and per path (count, error rate,
 * p50/p95/p99, sparklines), status classes, slow-request tiers, the top
 * error templates (Enter filters the log view to one) and metric series.
 * This file owns the keys, the range and the background computation: the
 * numbers come from src/report/metrics.c (stats_compute, the same as
 * `logdeck stats`) on a job (metrics_job on a src/base/job.h runner), part
 * by part, so keys never wait for them;
 * while following, a refresh runs when records arrive, at most every
 * REFRESH_MIN_US and never more often than 4x its own cost. Drawing is in
 * ui/views/metrics_draw.c. The view's state is its struct mview
 * (view_state), opened at startup and closed, its job joined, at exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/query/qjob.h"
#include "src/base/ts.h"
#include "ui/keys.h"
#include "ui/views/metrics.h"

#define MINUTE_US 60000000LL
#define REFRESH_MIN_US 2000000LL


static const int64_t widths_min[] = {5, 15, 60, 180, 360, 720, 1440, 4320, 10080};
#define NWIDTHS ((int)(sizeof widths_min / sizeof widths_min[0]))

static int64_t width_us(struct mview *mv)
{
    return widths_min[mv->widx] * MINUTE_US;
}

static void drop_parts(struct mview *mv)
{
    for (int k = 0; k < MK_COUNT; k++) {
        metrics_part_free(mv->part[k]);
        mv->part[k] = NULL;
    }
}

/* Asks for the numbers of the current range; keep: show the old numbers
 * until the new ones arrive (a live refresh), else blank them. */
static void request(struct app *a, int keep)
{
    struct mview *mv = view_state(a, &view_metrics);
    struct err e = {0};
    if (!mv->job && !(mv->job = qjob_new(a->o->db_path, a->wake_fd, &e))) {
        app_error(a, &e);
        return;
    }
    int64_t w = width_us(mv), now = ts_now();
    mv->hist_cols = mview_hist_cols(a->scr.w);
    mv->nspark = mview_spark_len(a->scr.w);
    mv->bucket_us = metrics_bucket(w, mv->hist_cols);
    int64_t end = mv->live ? metrics_live_end(now, a->totals.last_ts, w) : mv->end;
    mv->on_last = mv->live && end != now;
    metrics_range(end, w, mv->bucket_us, &mv->since, &mv->until);
    snprintf(mv->query, sizeof mv->query, "%s", a->filter);
    struct metrics_req *rq = metrics_req_new(mv->query, now, mv->since, mv->until, mv->bucket_us,
                                             mv->nspark);
    if (!rq) {
        app_message(a, ROLE_STATUS_ERROR, "out of memory");
        return;
    }
    if (!keep)
        drop_parts(mv);
    mv->gen++;
    mv->pending = MK_COUNT;
    mv->asked_at = ts_mono_us();
    mv->data_seen = a->data_at;
    jobq_submit(mv->job, 0, metrics_job, rq, metrics_req_free, mv->gen);
}

static void sort_part(struct mview *mv, int sec)
{
    struct metrics_part *mp = mv->part[sec == SEC_SERVICES ? MK_SERVICES : MK_PATHS];
    if (mp && !mp->failed)
        metrics_sort_groups(mp->st.groups, mp->st.ngroups, mv->sort_col[sec], mv->sort_desc[sec]);
}

/* Takes the parts the job has posted; 1 if any changed the screen. */
static int take_parts(struct app *a)
{
    struct mview *mv = view_state(a, &view_metrics);
    struct job_result jr;
    int changed = 0;
    while (mv->job && jobq_take(mv->job, &jr)) {
        struct metrics_part *mp = jr.p;
        uint64_t gen = jr.gen;
        if (gen != mv->gen || mp->kind < 0 || mp->kind >= MK_COUNT) {
            metrics_part_free(mp);
            continue;
        }
        if (mp->failed)
            app_message(a, ROLE_STATUS_ERROR, "metrics: %s", mp->msg);
        metrics_part_free(mv->part[mp->kind]);
        mv->part[mp->kind] = mp;
        changed = 1;
        if (mp->kind == MK_SERVICES || mp->kind == MK_PATHS)
            sort_part(mv, mp->kind == MK_SERVICES ? SEC_SERVICES : SEC_PATHS);
        if (--mv->pending <= 0 || mp->failed) {
            mv->pending = 0;
            mv->done_at = ts_mono_us();
            mv->took_us = mv->done_at - mv->asked_at;
            if (a->o->verbose)
                fprintf(stderr, "metrics: %lld records, computed in %.1f ms (services %.1f ms)\n",
                        mv->part[MK_SERVICES] ? (long long)mv->part[MK_SERVICES]->st.count : 0LL,
                        (double)mv->took_us / 1000.0,
                        mv->part[MK_SERVICES] ? (double)mv->part[MK_SERVICES]->took_us / 1000.0 : 0.0);
        } else if (mp->kind == MK_SERVICES && a->o->verbose) {
            fprintf(stderr, "metrics: first part shown %.1f ms after the request\n",
                    (double)(ts_mono_us() - mv->asked_at) / 1000.0);
        }
    }
    return changed;
}

/* A live refresh is due: records arrived, the last run is old enough; or
 * the view was opened before the store's totals told the newest record's
 * time, and the data's last hour turns out not to be now's (an old log:
 * without this the view stayed on an empty hour until a record arrived). */
static int refresh_due(struct app *a)
{
    struct mview *mv = view_state(a, &view_metrics);
    if (!mv->live || mv->pending)
        return 0;
    int64_t now = ts_now();
    if (!mv->on_last && metrics_live_end(now, a->totals.last_ts, width_us(mv)) != now)
        return 1;
    if (a->data_at == mv->data_seen)
        return 0;
    int64_t gap = mv->took_us * 4 > REFRESH_MIN_US ? mv->took_us * 4 : REFRESH_MIN_US;
    return ts_mono_us() - mv->done_at >= gap;
}

static void metrics_draw(struct app *a, struct screen *s, int y0, int h)
{
    struct mview *mv = view_state(a, &view_metrics);
    if (strcmp(mv->query, a->filter) != 0 || mview_hist_cols(s->w) != mv->hist_cols ||
        mview_spark_len(s->w) != mv->nspark)
        request(a, 0);
    else if (refresh_due(a))
        request(a, 1);
    mview_draw(a, s, y0, h);
}

/* Parts arrived (the wake pipe fired). */
static int metrics_poll(struct app *a)
{
    return take_parts(a) && a->view == &view_metrics ? R_REDRAW : R_NONE;
}

static void *metrics_open(struct app *a)
{
    struct mview *mv = calloc(1, sizeof *mv);
    (void)a;
    if (mv)
        *mv = (struct mview){.live = 1, .widx = 2, .sort_col = {MCOL_COUNT, MCOL_COUNT},
                             .sort_desc = {1, 1}, .data_seen = -1};
    return mv;
}

static void metrics_close(struct app *a, void *state)
{
    struct mview *mv = state;
    (void)a;
    jobq_free(mv->job);   /* stops a computation still running */
    drop_parts(mv);
    free(mv);
}

static void metrics_enter(struct app *a)
{
    struct mview *mv = view_state(a, &view_metrics);
    mv->scroll = 0;
    request(a, 0);
}

/* --- keys ------------------------------------------------------------------- */

static void set_width(struct app *a, int widx)
{
    struct mview *mv = view_state(a, &view_metrics);
    if (widx < 0 || widx >= NWIDTHS || widx == mv->widx)
        return;
    int64_t mid = mv->until - width_us(mv) / 2;
    mv->widx = widx;
    if (!mv->live)
        mv->end = mid + width_us(mv) / 2 - 1;
    request(a, 0);
}

/* Moves the range by half its width; reaching now goes live again. */
static void move_range(struct app *a, int dir)
{
    struct mview *mv = view_state(a, &view_metrics);
    int64_t end = mv->until - 1 + dir * (width_us(mv) / 2);
    int64_t live_end = metrics_live_end(ts_now(), a->totals.last_ts, width_us(mv));
    if (dir > 0 && mv->live)
        return;
    mv->live = end >= live_end;
    mv->end = end;
    request(a, 0);
}

/* Moves the selection; past the end of a section it goes on into the
 * next one that has rows (past the start, the previous one), so that j/k
 * reach every table as one list. */
static void move_sel(struct mview *mv, int delta)
{
    int n = mview_section_rows(mv, mv->focus);
    int v = mv->sel[mv->focus] + delta;
    for (int sec = mv->focus + (v >= n ? 1 : -1); delta && (v >= n || v < 0) &&
                                                 sec >= 0 && sec < SEC_N;
         sec += v >= n ? 1 : -1) {
        int m = mview_section_rows(mv, sec);
        if (m > 0) {
            mv->focus = sec;
            mv->sel[sec] = v >= n ? 0 : m - 1;
            return;
        }
    }
    mv->sel[mv->focus] = v >= n ? n - 1 : v < 0 ? 0 : v;
}

/* g / G: the first row of the first table, the last row of the last. */
static void select_end(struct mview *mv, int last)
{
    for (int i = 0; i < SEC_N; i++) {
        int sec = last ? SEC_N - 1 - i : i, m = mview_section_rows(mv, sec);
        if (m > 0) {
            mv->focus = sec;
            mv->sel[sec] = last ? m - 1 : 0;
            break;
        }
    }
    if (!last)
        mv->scroll = 0;
    mv->to_end = last;
}

static void cycle_focus(struct mview *mv, int dir)
{
    mv->focus = (mv->focus + SEC_N + dir) % SEC_N;
    move_sel(mv, 0);
}

static void sort_key(struct mview *mv, int key)
{
    int sec = mv->focus == SEC_PATHS ? SEC_PATHS : SEC_SERVICES;
    if (mv->focus != SEC_SERVICES && mv->focus != SEC_PATHS)
        mv->focus = SEC_SERVICES;
    if (key == 'r') {
        mv->sort_desc[sec] = !mv->sort_desc[sec];
    } else {
        mv->sort_col[sec] = (mv->sort_col[sec] + (key == '>' ? 1 : MCOL_N - 1)) % MCOL_N;
        mv->sort_desc[sec] = mv->sort_col[sec] != MCOL_NAME;
    }
    sort_part(mv, sec);
}

/* Enter on a template: the log view, filtered to exactly its records. */
static int open_template(struct app *a)
{
    struct mview *mv = view_state(a, &view_metrics);
    const struct metrics_part *mp = mv->part[MK_SERVICES];
    int i = mv->sel[SEC_TEMPLATES];
    char q[LINEEDIT_MAX + 1];
    struct err e = {0};
    if (!mp || mp->failed || i < 0 || (size_t)i >= mp->st.ntemplates)
        return R_REDRAW;
    if (metrics_template_query(mp->st.templates[i].template, mv->query, mv->since, mv->until, q,
                               sizeof q) < 0) {
        app_message(a, ROLE_STATUS_ERROR, "this template has no words to search for");
        return R_REDRAW;
    }
    if (app_set_filter(a, q, &e) < 0) {
        app_error(a, &e);
        return R_REDRAW;
    }
    history_add(&a->hist, q, &e);
    a->view = &view_log;
    return R_REDRAW;
}

static int raw_key(struct app *a, int key)
{
    struct mview *mv = view_state(a, &view_metrics);
    switch (key) {
    case '+': case '=': set_width(a, mv->widx + 1); return R_REDRAW;
    case '-': case '_': set_width(a, mv->widx - 1); return R_REDRAW;
    case '[': move_range(a, -1); return R_REDRAW;
    case ']': move_range(a, 1); return R_REDRAW;
    case K_TAB: cycle_focus(mv, 1); return R_REDRAW;
    case K_BTAB: cycle_focus(mv, -1); return R_REDRAW;
    case '<': case '>': case 'r': sort_key(mv, key); return R_REDRAW;
    default: return R_UNHANDLED;
    }
}

static int metrics_action(struct app *a, int action, int key)
{
    struct mview *mv = view_state(a, &view_metrics);
    int page = mv->rows > 2 ? mv->rows - 2 : 1;
    switch (action) {
    case A_DOWN: move_sel(mv, 1); return R_REDRAW;
    case A_UP: move_sel(mv, -1); return R_REDRAW;
    case A_PGDN: case A_HALF_DN: mv->scroll += page; return R_REDRAW;
    case A_PGUP: case A_HALF_UP: mv->scroll = mv->scroll > page ? mv->scroll - page : 0;
        return R_REDRAW;
    case A_SCROLL_LEFT: move_range(a, -1); return R_REDRAW;
    case A_SCROLL_RIGHT: move_range(a, 1); return R_REDRAW;
    case A_OLDEST: select_end(mv, 0); return R_REDRAW;
    case A_NEWEST: mv->live = 1; select_end(mv, 1); request(a, 0); return R_REDRAW;
    case A_FOLLOW:
        mv->live = !mv->live;
        mv->end = mv->until - 1;
        request(a, 0);
        return R_REDRAW;
    case A_METRICS: request(a, 1); return R_REDRAW;
    case A_DETAIL:
        if (mv->focus == SEC_TEMPLATES)
            return open_template(a);
        app_message(a, ROLE_STATUS, "Enter filters by an error template: Tab to the templates");
        return R_REDRAW;
    case A_ESC: a->view = &view_log; return R_REDRAW;
    case A_NONE: return raw_key(a, key);
    default: return R_UNHANDLED;
    }
}

const struct view view_metrics = {
    .name = "metrics",
    .action = A_METRICS,
    .on_action = metrics_action,
    .draw = metrics_draw,
    .enter = metrics_enter,
    .open = metrics_open,
    .close = metrics_close,
    .poll = metrics_poll,
};
