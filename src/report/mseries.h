/* mseries: what the metrics view draws that stats (stats.h) does not keep:
 * per-bucket series for sparklines (records and errors per group, average
 * value per metric name) over the last buckets of a range, and the
 * slow-request tiers (tiers.h) of the range. One store_aggregate (db/agg.h:
 * the per-minute rollups when the range and query allow, else one scan)
 * per call; no SQL, no output. Groups and metrics use the same keys as
 * stats ("-" for records without the group field). */
#ifndef LOGDECK_MSERIES_H
#define LOGDECK_MSERIES_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"
#include "src/base/plan.h"
#include "src/report/tiers.h"

struct mseries_opts {
    int group_field;          /* enum pfield, -1: no groups */
    const char *group_path;   /* PF_JSON path (borrowed) */
    int value_field;          /* numeric value for the tiers (PF_DURATION) */
    const char *value_path;
    int64_t since, until;     /* the range scanned, inclusive µs (0: unbounded) */
    int64_t series_since;     /* start of bucket 0 of the series */
    int64_t bucket_us;        /* > 0 */
    int nb;                   /* buckets in the series, 1..1024 */
    int metrics;              /* 1: keep per-metric series */
    int tiers;                /* 1: count the tiers (else tiers stay 0) */
    int (*cancelled)(void *ctx);   /* polled during the scan; NULL: never */
    void *cancel_ctx;
};

struct ms_group {
    char *key;
    int64_t total;            /* records of the group in the scanned range */
    int64_t *count, *errors;  /* nb buckets each */
};

struct ms_metric {
    char *name;
    double *sum;              /* nb buckets; average = sum / n */
    int64_t *n;
};

struct mseries {
    int64_t series_since, bucket_us;
    int nb;
    struct ms_group *groups;  /* in order of first appearance */
    size_t ngroups;
    struct ms_metric *metrics;
    size_t nmetrics;
    struct tiers tiers;       /* over the rows with a value (opts.tiers) */
    int64_t rows;             /* rows scanned */
    int cancelled;            /* 1: the scan stopped early (incomplete) */
};

/* Scans the records matching p in o's range. Returns 0 or -1 with e
 * filled; free out with mseries_fini() either way. */
int mseries_compute(struct store *s, const struct plan *p, const struct mseries_opts *o,
                    struct mseries *out, struct err *e);
void mseries_fini(struct mseries *m);

/* The group / metric with that key, or NULL. */
const struct ms_group *mseries_group(const struct mseries *m, const char *key);
const struct ms_metric *mseries_metric(const struct mseries *m, const char *name);

#endif
