/* waterfall: the geometry of the trace view (no curses): the lanes a
 * trace's records fall into (one per service, else logger, else source
 * file), and where each record sits on a common time axis scaled to a
 * width in columns. A record with a duration (duration_ms,
 * performance.duration_ms, response_time: the record's duration) is a bar
 * ending at the record's time, since request logs are written when the
 * request completes; any other record is a one-column mark. The axis
 * covers every record and every bar. */
#ifndef LOGDECK_WATERFALL_H
#define LOGDECK_WATERFALL_H

#include <stddef.h>
#include <stdint.h>

#include "src/report/trace.h"

struct wf_lane {
    char *name;              /* service, else logger, else file base name, else "-" */
    char *file;              /* base name of the lane's first record's file, or "" */
    int64_t count, errors, warnings;   /* errors: level >= error; warnings: == warning */
    int64_t start_ts, end_ts;          /* absolute µs: first bar start .. last record */
};

struct wf {
    int64_t t0, t1;          /* the axis, absolute µs (t0 <= t1) */
    struct wf_lane *lanes;   /* in order of first appearance */
    size_t nlanes;
    int *lane_of;            /* lane index of each step */
    size_t n;                /* steps */
};

/* A cell range [x0, x1) on the axis; bar = 1 for a duration bar. */
struct wf_span {
    int x0, x1;
    int bar;
};

/* Builds lanes and the axis for t (borrowed only during the call).
 * Returns 0, or -1 on no memory (w is then empty). Free with wf_fini. */
int wf_build(struct wf *w, const struct trace *t);
void wf_fini(struct wf *w);

/* Start of a record on the time axis: ts - its duration (or ts). */
int64_t wf_start(const struct record *r);
/* Column of time ts on an axis of width columns: 0 .. width - 1 (clamped). */
int wf_col(const struct wf *w, int64_t ts, int width);
/* The cells of step i / of lane l on an axis of width columns. */
struct wf_span wf_step_span(const struct wf *w, const struct trace *t, size_t i, int width);
struct wf_span wf_lane_span(const struct wf *w, size_t l, int width);

/* --- loading a trace in the background (the TUI's trace view) ------------- */

#define WF_TRACE_MAX 20000   /* records; more is not a request (see logdeck trace) */

struct wf_loaded {
    int failed;
    char msg[1024];          /* why, when failed */
    struct trace t;
    struct wf wf;
};

/* A job (src/base/job.h) of a qjob runner (src/query/qjob.h): counts the
 * records of cid (a NUL-terminated string, borrowed), refuses more than
 * WF_TRACE_MAX, loads the trace and its waterfall on the runner's store
 * connection and posts one struct wf_loaded (wf_loaded_free). */
struct job;
void wf_load_job(struct job *j, void *cid);
void wf_loaded_free(void *p);

#endif
