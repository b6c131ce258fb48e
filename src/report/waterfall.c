/* waterfall: lanes and time-axis geometry of a trace (see waterfall.h). */
#include "src/report/waterfall.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/exec.h"
#include "src/query/qjob.h"

int64_t wf_start(const struct record *r)
{
    if (!r->has_duration || !(r->duration_ms > 0))
        return r->ts;
    double us = r->duration_ms * 1000.0;
    if (us > 9.0e15)   /* absurd durations would overflow the axis */
        us = 9.0e15;
    return r->ts - (int64_t)(us + 0.5);
}

static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "";
}

static const char *lane_name(const struct store_row *row)
{
    const struct record *r = &row->rec;
    if (r->service && *r->service)
        return r->service;
    if (r->logger && *r->logger)
        return r->logger;
    const char *b = base_name(row->file);
    return *b ? b : "-";
}

/* The lane index of row, adding a lane when it is new; -1 on no memory. */
static int lane_index(struct wf *w, const struct store_row *row)
{
    const char *name = lane_name(row);
    for (size_t i = 0; i < w->nlanes; i++)
        if (strcmp(w->lanes[i].name, name) == 0)
            return (int)i;
    struct wf_lane *nl = realloc(w->lanes, (w->nlanes + 1) * sizeof *nl);
    if (!nl)
        return -1;
    w->lanes = nl;
    struct wf_lane *l = &nl[w->nlanes];
    memset(l, 0, sizeof *l);
    l->name = strdup(name);
    l->file = strdup(base_name(row->file));
    if (!l->name || !l->file) {
        free(l->name);
        free(l->file);
        return -1;
    }
    l->start_ts = INT64_MAX;
    l->end_ts = INT64_MIN;
    return (int)w->nlanes++;
}

static void lane_add(struct wf_lane *l, const struct record *r)
{
    int64_t s = wf_start(r);
    l->count++;
    l->errors += r->level >= LVL_ERROR;
    l->warnings += r->level == LVL_WARNING;
    l->start_ts = s < l->start_ts ? s : l->start_ts;
    l->end_ts = r->ts > l->end_ts ? r->ts : l->end_ts;
}

int wf_build(struct wf *w, const struct trace *t)
{
    memset(w, 0, sizeof *w);
    if (t->n && !(w->lane_of = calloc(t->n, sizeof *w->lane_of)))
        return -1;
    w->n = t->n;
    w->t0 = t->n ? INT64_MAX : 0;
    w->t1 = t->n ? INT64_MIN : 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct store_row *row = &t->steps[i].row;
        int li = lane_index(w, row);
        if (li < 0) {
            wf_fini(w);
            return -1;
        }
        w->lane_of[i] = li;
        lane_add(&w->lanes[li], &row->rec);
        int64_t s = wf_start(&row->rec);
        w->t0 = s < w->t0 ? s : w->t0;
        w->t1 = row->rec.ts > w->t1 ? row->rec.ts : w->t1;
    }
    return 0;
}

void wf_fini(struct wf *w)
{
    for (size_t i = 0; i < w->nlanes; i++) {
        free(w->lanes[i].name);
        free(w->lanes[i].file);
    }
    free(w->lanes);
    free(w->lane_of);
    memset(w, 0, sizeof *w);
}

int wf_col(const struct wf *w, int64_t ts, int width)
{
    if (width <= 1 || w->t1 <= w->t0 || ts <= w->t0)
        return 0;
    if (ts >= w->t1)
        return width - 1;
    __int128 num = (__int128)(ts - w->t0) * (width - 1);
    return (int)(num / (w->t1 - w->t0));
}

static struct wf_span span_of(const struct wf *w, int64_t s, int64_t e, int bar, int width)
{
    struct wf_span sp = {.x0 = wf_col(w, s, width), .bar = bar};
    sp.x1 = wf_col(w, e, width) + 1;
    if (sp.x1 <= sp.x0)
        sp.x1 = sp.x0 + 1;
    return sp;
}

struct wf_span wf_step_span(const struct wf *w, const struct trace *t, size_t i, int width)
{
    const struct record *r = &t->steps[i].row.rec;
    int64_t s = wf_start(r);
    return span_of(w, s, r->ts, s < r->ts, width);
}

struct wf_span wf_lane_span(const struct wf *w, size_t l, int width)
{
    const struct wf_lane *ln = &w->lanes[l];
    return span_of(w, ln->start_ts, ln->end_ts, 1, width);
}

/* --- the load job ------------------------------------------------------------ */

void wf_loaded_free(void *p)
{
    struct wf_loaded *l = p;
    if (!l)
        return;
    wf_fini(&l->wf);
    trace_fini(&l->t);
    free(l);
}

static int load(struct store *st, const char *cid, struct wf_loaded *l, struct err *e)
{
    struct pnode n = {.kind = PK_CMP, .field = PF_CID, .op = POP_EQ, .vtype = PV_STR,
                      .s = (char *)cid};
    struct plan p = {.root = &n, .since = INT64_MIN, .until = INT64_MAX};
    int64_t count = 0;
    if (!st || store_count(st, &p, 0, 0, &count, e) < 0)
        return -1;
    if (count > WF_TRACE_MAX)
        return err_set(e, "%s has %lld records, too many for the trace view "
                       "(filter with cid:%s instead)", cid, (long long)count, cid);
    if (trace_load(st, cid, &l->t, e) < 0)
        return -1;
    if (wf_build(&l->wf, &l->t) < 0)
        return err_set(e, "out of memory drawing the trace");
    return 0;
}

void wf_load_job(struct job *j, void *cid)
{
    struct wf_loaded *l = calloc(1, sizeof *l);
    struct err e = {0};
    if (!l)
        return;
    if (load(qjob_store(j, &e), cid, l, &e) < 0) {
        wf_fini(&l->wf);
        trace_fini(&l->t);
        memset(l, 0, sizeof *l);
        l->failed = 1;
        snprintf(l->msg, sizeof l->msg, "%s", e.msg[0] ? e.msg : "out of memory");
    }
    job_post(j, l, wf_loaded_free);
}
