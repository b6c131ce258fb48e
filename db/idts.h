/* idts: the time range of each group of IDTS_GROUP consecutive record ids
 * (db internals). Table idts(g = id >> IDTS_SHIFT, lo, hi): no record of
 * group g has a ts outside [lo, hi] (retention only narrows what is left,
 * so a range may be wider than its records, never narrower). meta
 * 'idts_upto' is the first id the table does not cover: a record of a
 * larger id (written by a logdeck before this table, or not yet seen by
 * the writer) has no known range.
 *
 * Why: a page of a term held by a few hundred records read each listed
 * record's ts, one row of the records table and, on a cold process, one
 * page of the mapped store each (10M records: 299 ids, 10-13 ms of a 29 ms
 * page). With the ranges, the groups are visited newest first and only the
 * ids of groups that can still hold a record of the page are read. */
#ifndef LOGDECK_IDTS_H
#define LOGDECK_IDTS_H

#include <stdint.h>

#include "db/store_int.h"

#define IDTS_SHIFT 10
#define IDTS_GROUP (1 << IDTS_SHIFT)

struct idts_state;
void idts_free(struct store *s);

/* Writer, at open: creates the table when missing and records the ranges
 * of the records it does not cover yet (every record of an older store: a
 * scan of the records table, ~0.6 s per million; else none), in their own
 * transaction. 0, or -1 with e. */
int idts_open(struct store *s, struct err *e);
/* Writer, in a batch, for each record added (ids ascending): kept in
 * memory until idts_flush. */
int idts_add(struct store *s, int64_t id, int64_t ts);
/* Writer, before COMMIT: the batch's ranges widened into the table. */
int idts_flush(struct store *s, struct err *e);
/* Writer: the batch rolled back. */
void idts_discard(struct store *s);

/* A group's range as idts_read gives it. */
struct idts_grp {
    int64_t g, lo, hi;
};
/* Reader: fills lo and hi of the ng groups (g ascending) from the table;
 * a group without a row gets [INT64_MIN, INT64_MAX]. *upto: 'idts_upto'
 * (0 when the store has no table): a range holds for the group's records
 * of smaller ids only. Returns the number of groups with a row, or -1
 * with e. */
int64_t idts_read(struct store *s, struct idts_grp *gs, int64_t ng, int64_t *upto,
                  struct err *e);

#endif
