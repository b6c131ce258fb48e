/* agg: aggregation pushed down to the store. One request computes what
 * `logdeck stats` and the metrics view show (counts per level, time
 * buckets, groups with latency percentiles, error messages, metric
 * summaries, value tiers) over the records a plan matches. The SQLite
 * store answers it in one scan aggregated in C (db/agg.c); ClickHouse in
 * one SQL statement of GROUP BYs (db/chagg.c), so that no row crosses the
 * wire. Both give identical numbers: nearest-rank percentiles, sums of the
 * values in ascending order, groups keyed exactly as store_scan() keys
 * them. The caller (src/report/) never knows which backend answered. */
#ifndef LOGDECK_AGG_H
#define LOGDECK_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"
#include "src/base/plan.h"

#define AGG_NCUT 3    /* value tiers: below cut[0], [cut[0], cut[1]), ... */

/* What to compute. Fields are enum pfield (path for PF_JSON), -1: none. */
struct store_agg_spec {
    int value_field;          /* numeric value of a row; -1 none */
    const char *value_path;
    int group_field;          /* group key; -1: no groups */
    const char *group_path;
    int group_source;         /* PF_SERVICE keys fall back to logger, file name */
    int64_t since, until;     /* extra inclusive ts bounds; 0 = unbounded */
    int quantiles;            /* 1: value n/sum/min/max/p50/p95/p99 (total, groups) */
    int64_t bucket_us;        /* > 0: time buckets of this width from origin */
    int64_t origin;
    int nb;                   /* 0: every bucket, counts per level, overall (cells);
                                 > 0: buckets 0..nb-1 only, count and errors per
                                 group (group_field >= 0) and metric sums per bucket */
    int msg_min_level;        /* distinct messages of rows at/above; LVL_COUNT: none */
    int metrics;              /* 1: per metric name summaries */
    int tiers;                /* 1: count values per tier (cuts) */
    double cuts[AGG_NCUT];    /* ascending; a value not >= cut[0] (NaN too) is tier 0 */
    int (*cancelled)(void *ctx);   /* polled during a SQLite scan; NULL: never */
    void *cancel_ctx;
    int from;                 /* AGG_AUTO (0), AGG_SCAN, AGG_ROLLUPS: below */
};
/* Where a SQLite store takes the aggregates from. AGG_AUTO: the per-minute
 * rollups (db/rollup.h, db/agg_roll.c) when the query decides on their
 * cells (level, service, path, metric, time), the spec asks for what they
 * hold (durations; tiers of positive ascending cuts; one-minute buckets
 * from a whole minute when nb == 0, buckets of whole minutes from a whole
 * minute when nb > 0; groups by service, path, level or metric) and its
 * whole minutes hold more than AGG_SCAN_MAX records; else one scan.
 * AGG_ROLLUPS: whenever they can (tests). From rollups every figure is
 * exact but p50/p95/p99, within LHIST_REL_ERR (1%): out->approx; the
 * tiers are exact (db/agg_roll.c counts the durations of the cut's
 * histogram bucket through rec_dur). */
enum { AGG_AUTO = 0, AGG_SCAN = 1, AGG_ROLLUPS = 2 };
#define AGG_SCAN_MAX 20000

struct store_agg_val {
    int64_t n;                /* rows with a value */
    double sum, min, max, p50, p95, p99;   /* 0 when n == 0 */
};

struct store_agg_group {
    char *key;                /* "-" for rows without the field */
    int64_t count, errors;    /* errors: level >= error */
    struct store_agg_val v;
    int64_t *bcount, *berrors;   /* nb buckets each (nb > 0), else NULL */
};

struct store_agg_cell {       /* nb == 0: one time bucket, overall */
    int64_t bucket;           /* floor((ts - origin) / bucket_us) */
    int64_t by_level[LVL_COUNT];
};

struct store_agg_msg {
    char *msg;                /* may hold NUL bytes: len says */
    size_t len;
    int64_t count, first, last;
};

struct store_agg_metric {
    char *name;
    int64_t count, last_ts;
    double sum, min, max, last;
    double *bsum;             /* nb > 0: per bucket sum and count */
    int64_t *bn;
};

struct store_agg {
    int64_t count, errors, first_ts, last_ts;   /* ts 0 when empty */
    int64_t by_level[LVL_COUNT];
    int64_t with_status, status_class[6];       /* [1..5] 1xx..5xx, [0] others */
    struct store_agg_val v;                     /* spec.quantiles */
    int64_t tier[AGG_NCUT + 1], tiered;         /* spec.tiers */
    struct store_agg_group *groups;             /* no particular order */
    size_t ngroups;
    struct store_agg_cell *cells;               /* by bucket */
    size_t ncells;
    struct store_agg_msg *msgs;                 /* no particular order */
    size_t nmsgs;
    struct store_agg_metric *metrics;           /* no particular order */
    size_t nmetrics;
    int cancelled;                              /* 1: stopped early, incomplete */
    double approx;                              /* p50/p95/p99 within this relative
                                                   error; 0: exact */
    int templated;                              /* msgs hold templates (stats_template)
                                                   already: from the rollups */
    char how[320];                              /* rollups or a scan, and why */
};

/* Computes spec over the records matching p into out (zeroed first).
 * Returns 0, or -1 with e filled; free out with store_agg_fini() either way. */
int store_aggregate(struct store *s, const struct plan *p, const struct store_agg_spec *spec,
                    struct store_agg *out, struct err *e);
void store_agg_fini(struct store_agg *a);

/* The statement(s) store_aggregate() runs for spec, for `stats --explain`:
 * the SQL (ClickHouse: the one GROUP BY statement; SQLite: the scan). */
int store_agg_explain(struct store *s, const struct plan *p, const struct store_agg_spec *spec,
                      char *buf, size_t cap, struct err *e);

/* Rows read between two polls of spec->cancelled (db/agg.c, db/agg_roll.c). */
#define AGG_CANCEL_EVERY 4096

/* db/agg_roll.c: spec from the rollups (AGG_AUTO, AGG_ROLLUPS): 1 done,
 * 0 not (out zeroed but out->how, which says why), -1 with e. */
int agg_rollups(struct store *s, const struct plan *p, const struct store_agg_spec *sp,
                struct store_agg *out, struct err *e);

/* The nearest-rank percentile pct (0..100] of n ascending values. */
double store_agg_percentile(const double *sorted, size_t n, double pct);

#endif
