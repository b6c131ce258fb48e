/* rollup: per-minute aggregates of the records, kept at ingest in the same
 * transaction as the records (schema version 5), so that stats over whole
 * minutes read a few thousand cells instead of every record.
 *
 * One cell per (minute, level, service, request path, metric name): the
 * service by the naming rule every view shows (field, else logger, else
 * the file's stem), the request path as records.path holds it. A cell
 * holds the records' count, first and last time, HTTP status classes, the
 * duration's count, sum, min, max and log histogram (src/base/lhist.h:
 * percentiles within 1%), and the metric values' count, sum, min, max and
 * last value (at the latest time, then the highest id). Records of level
 * >= error also count, per cell, under their message's template
 * (src/base/tmpl.h) with its first and last time (rollmsg).
 *
 * Retention and the size cap rebuild the cells of every minute they
 * deleted records from (min and max cannot be subtracted). */
#ifndef LOGDECK_ROLLUP_H
#define LOGDECK_ROLLUP_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"
#include "src/base/plan.h"
#include "src/base/record.h"

#define ROLLUP_MINUTE_US 60000000LL
#define ROLLUP_MSG_LEVEL LVL_ERROR   /* records whose message templates are kept */

/* One cell as read; strings and the histogram blob are borrowed, valid
 * during the callback only. */
struct store_cell {
    int64_t minute;                  /* floor(ts / 60 s) */
    int level;
    const char *service, *path, *metric;   /* NULL: the records have none */
    int64_t n, first_ts, last_ts;
    int64_t status[6];               /* [1..5] 1xx..5xx, [0] other codes */
    int64_t dn;                      /* records with a duration */
    double dsum, dmin, dmax;
    const void *dhist;               /* lhist blob of the durations */
    size_t dhist_len;
    int64_t mn;                      /* records with a metric value */
    double msum, mmin, mmax, mlast;
    int64_t mlast_ts, mlast_id;
};
typedef int (*store_cell_fn)(void *ctx, const struct store_cell *c);

/* 1 if the truth of n on a record depends only on a cell's level, service,
 * path and metric (comparisons on those, combined with AND, OR, NOT). */
int store_rollup_decidable(const struct pnode *n);
/* n (decidable) on the records of cell c: 1 or 0. */
int store_rollup_keeps(const struct pnode *n, const struct store_cell *c);

/* Every cell of minutes [min_lo, min_hi], in no order. Returns the cells
 * read, -2 when the store keeps no rollups (an older store, ClickHouse),
 * -1 with e. cb returning non-zero stops. */
int64_t store_rollup_scan(struct store *s, int64_t min_lo, int64_t min_hi, store_cell_fn cb,
                          void *ctx, struct err *e);

/* Every template cell of minutes [min_lo, min_hi]: c holds the cell's key
 * (minute, level, service, path, metric) and the template's n, first_ts,
 * last_ts. Returns as store_rollup_scan. */
typedef int (*store_msg_fn)(void *ctx, const struct store_cell *c, const char *tmpl, size_t len);
int64_t store_rollup_msgs(struct store *s, int64_t min_lo, int64_t min_hi, store_msg_fn cb,
                          void *ctx, struct err *e);

/* --- db internals (store.c, retention.c) ------------------------------- */

/* Counts record id (r, its service by the naming rule and request path)
 * in the batch's cells. 0, or -1 when out of memory. */
int rollup_add(struct store *s, int64_t id, const struct record *r, const char *service,
               const char *path);
/* Writes the batch's cells into the rollup table (inside the open
 * transaction). 0 or -1 with e. */
int rollup_flush(struct store *s, struct err *e);
/* Forgets a rolled-back batch's cells. */
void rollup_discard(struct store *s);
void rollup_free(struct store *s);
/* Notes that a record of time ts was deleted: its minute is rebuilt by
 * rollup_rebuild(). */
int rollup_forget(struct store *s, int64_t ts);
/* Rebuilds the cells of the minutes noted (or of every minute with
 * all = 1: the migration from version 4) from the records left. 0 or -1. */
int rollup_rebuild(struct store *s, int all, struct err *e);

#endif
