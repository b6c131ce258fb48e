/* metrics: the numbers of the TUI's metrics view, computed in parts so
 * that the view can draw the first while the rest is still being read:
 * MK_SERVICES is stats_compute() grouped by service (counts, levels,
 * histogram, error rate, latency percentiles, status classes, top error
 * templates, metric summaries: the very numbers `logdeck stats --by
 * service` prints), MK_PATHS the same grouped by path, MK_SERIES_* the
 * sparkline series (mseries.h), MK_SERIES_SVC with the tiers. Also the range and bucket
 * arithmetic, the sort orders of the request tables, number formats, and
 * the query that selects one error template's records. No SQL, no curses. */
#ifndef LOGDECK_METRICS_H
#define LOGDECK_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/report/mseries.h"
#include "src/base/plan.h"
#include "src/report/stats.h"

/* One computation request: the filter, the range [since, until) and the
 * histogram bucket; the series are the last nspark buckets of the range. */
struct metrics_req {
    char *query;              /* owned; "" = every record */
    int64_t now;              /* anchors relative times in the query */
    int64_t since, until;
    int64_t bucket_us;        /* a whole number of minutes */
    int nspark;
};

enum metrics_kind { MK_SERVICES = 0, MK_SERIES_SVC, MK_PATHS, MK_SERIES_PATH, MK_COUNT };

struct metrics_part {
    int kind;                 /* enum metrics_kind */
    int failed;               /* 1: msg says why */
    char msg[512];
    int64_t took_us;
    struct stats st;          /* MK_SERVICES, MK_PATHS */
    struct mseries se;        /* MK_SERIES_* */
};

/* NULL on no memory. metrics_req_free(NULL) is a no-op. */
struct metrics_req *metrics_req_new(const char *query, int64_t now, int64_t since,
                                    int64_t until, int64_t bucket_us, int nspark);
void metrics_req_free(void *rq);

/* Computes one part for the records matching p (compiled from rq->query).
 * cancelled (may be NULL) is polled during the series scans. Returns NULL
 * only on no memory; a failed part has failed = 1. */
struct metrics_part *metrics_part_compute(struct store *s, const struct plan *p,
                                          const struct metrics_req *rq, int kind,
                                          int (*cancelled)(void *), void *cctx);
void metrics_part_free(void *part);
/* A failed part of kind saying msg (NULL on no memory). */
struct metrics_part *metrics_part_failed(int kind, const char *msg);
/* A job (src/base/job.h) of a qjob runner (src/query/qjob.h): computes
 * every part of req (a struct metrics_req, borrowed) on the runner's store
 * connection and posts each as it is done (free with metrics_part_free),
 * stopping early when a newer request waits. */
struct job;
void metrics_job(struct job *j, void *req);

/* The field the path table groups by (the same as `stats --by path`). */
#define METRICS_PATH_FIELD "path"

/* --- ranges ---------------------------------------------------------------- */
/* The narrowest bucket (1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1, 2, 7 d)
 * that splits width_us into at most columns buckets. */
int64_t metrics_bucket(int64_t width_us, int columns);
/* The range [*since, *until) of width_us ending at the end of the bucket
 * holding `end` (aligned to bucket_us). */
void metrics_range(int64_t end, int64_t width_us, int64_t bucket_us, int64_t *since,
                   int64_t *until);
/* Where a live range ends: now, unless the newest record (last_ts, 0 if
 * none) is older than width_us, then that record (old logs still show). */
int64_t metrics_live_end(int64_t now, int64_t last_ts, int64_t width_us);
/* "15m", "1h", "6h", "2d" for a width. */
const char *metrics_fmt_width(int64_t width_us, char buf[16]);

/* --- tables ------------------------------------------------------------------ */
enum metrics_col { MCOL_NAME = 0, MCOL_COUNT, MCOL_ERR, MCOL_P50, MCOL_P95, MCOL_P99, MCOL_N };
/* Sorts groups by a column (desc: largest first; names A..Z when !desc);
 * ties by count desc, then name. The "-" group (no such field) is always last. */
void metrics_sort_groups(struct stats_group *g, size_t n, int col, int desc);
/* "0.42ms", "8.5ms", "812ms", "1.23s", "12.3s", "75s"; "-" when n == 0. */
const char *metrics_fmt_ms(double ms, int64_t n, char buf[16]);

/* --- error templates -------------------------------------------------------- */
/* Writes the query selecting the error records (level >= error) of
 * template tmpl (stats_template) within [since, until) and the filter:
 * every literal part of the template as a phrase. Returns 0, or -1 when it
 * does not fit in cap or the template has no literal words. */
int metrics_template_query(const char *tmpl, const char *filter, int64_t since, int64_t until,
                           char *out, size_t cap);

#endif
