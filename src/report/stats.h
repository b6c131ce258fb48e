/* stats: aggregates over the records a plan matches, computed by the store
 * in one request (db/agg.h store_aggregate: pushed down to ClickHouse) into a plain struct that `logdeck stats`, the TUI's
 * metrics view and the alert engine share: counts per level, a histogram
 * (per minute or an automatic bucket), error rate, latency percentiles
 * (nearest rank) overall and per group, HTTP status classes, the top error
 * messages grouped by template, and metric summaries. No SQL, no output
 * (see recout.h). */
#ifndef LOGDECK_STATS_H
#define LOGDECK_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"
#include "src/base/plan.h"
#include "src/base/record.h"

/* Zero-initialised options are the defaults (then call stats_opts_init to
 * get -1 fields): no grouping, latency of duration_ms, automatic buckets. */
struct stats_opts {
    int by_field;             /* enum pfield to group by, -1: none */
    const char *by_path;      /* PF_JSON path (borrowed) */
    int value_field;          /* numeric field for latency, PF_DURATION default */
    const char *value_path;
    int64_t since, until;     /* extra inclusive bounds, 0 = unbounded */
    int64_t bucket_us;        /* histogram bucket; 0: automatic (>= 1 min) */
    int max_buckets;          /* automatic buckets at most; 0: 120 */
    int top;                  /* templates and groups kept; 0: 10 / 50 */
    int groups_only;          /* 1: totals and groups only (no histogram, templates
                                 or metrics): the metrics view's path table */
    int from;                 /* STATS_AUTO (0), STATS_SCAN, STATS_ROLLUPS */
};
/* Where a SQLite store takes them from (db/agg.h AGG_AUTO, AGG_SCAN,
 * AGG_ROLLUPS): STATS_AUTO the per-minute rollups when the query decides on
 * them (no filter, or filters on level, service, path, metric and time)
 * and they hold more than 20000 records, else a scan; STATS_SCAN always a
 * scan (--exact); STATS_ROLLUPS the rollups whenever they can (tests). From
 * rollups every figure is exact but the percentiles, within 1% (approx). */
enum { STATS_AUTO = 0, STATS_SCAN = 1, STATS_ROLLUPS = 2 };
void stats_opts_init(struct stats_opts *o);

struct stats_latency {
    int64_t n;                /* rows with a value */
    double p50, p95, p99, max, min, avg;
};

struct stats_bucket {
    int64_t start;            /* µs, aligned to the bucket width */
    int64_t count;
    int64_t by_level[LVL_COUNT];
};

struct stats_group {
    char *key;                /* "-" for rows without the field */
    int64_t count, errors;
    double error_rate;
    struct stats_latency lat;
};

struct stats_template {
    char *template;
    int64_t count, first, last;   /* first/last seen, µs */
};

struct stats_metric {
    char *name;
    double last, min, max, avg;
    int64_t count, last_ts;
};

struct stats {
    int64_t count;
    int64_t by_level[LVL_COUNT];
    int64_t errors;               /* level >= error */
    double error_rate;            /* errors / count, 0 when empty */
    int64_t first_ts, last_ts;    /* 0 when empty */
    struct stats_latency latency;
    const char *unit;             /* of the latency values: "ms" for durations
                                     (normalised at ingest), else NULL */
    int64_t status_class[6];      /* [1..5]: 1xx..5xx; [0]: others */
    int64_t with_status;
    struct stats_bucket *hist;    /* contiguous, empty buckets included */
    size_t nhist;
    int64_t bucket_us;
    struct stats_group *groups;   /* by count desc, then key; at most top */
    size_t ngroups, ngroups_total;
    struct stats_template *templates;   /* by count desc, then template */
    size_t ntemplates, ntemplates_total;
    struct stats_metric *metrics; /* by name */
    size_t nmetrics;
    double approx;                /* percentiles within this relative error
                                     (from histograms); 0: exact */
    char how[320];                /* how they were computed (--explain) */
};

/* Computes the stats of the records matching p (and o's bounds). Returns 0
 * or -1; free out with stats_fini() either way. */
int stats_compute(struct store *s, const struct plan *p, const struct stats_opts *o,
                  struct stats *out, struct err *e);
void stats_fini(struct stats *st);

/* The store aggregation stats_compute() asks for with o (for --explain:
 * store_agg_explain, db/agg.h). */
struct store_agg_spec;
void stats_agg_spec(const struct stats_opts *o, struct store_agg_spec *sp);

/* The nearest-rank percentile pct (0..100] of n ascending values. */
double stats_percentile(const double *sorted, size_t n, double pct);

/* The template of an error message (its first line): quoted strings,
 * uuids, hex and numbers replaced by <str>, <uuid>, <hex>, <num>.
 * Returns a malloc'd string or NULL. */
char *stats_template(const char *msg, size_t len);

#endif
