/* exec: the read API of the store. Executes a compiled query plan
 * (src/base/plan.h) as SQL with every value bound as a parameter, and offers
 * the primitives the trace and stats modules (and through them the TUI and
 * the alert engine) are built on: keyset-paginated pages of rows, counts,
 * one correlation id's rows, and a single-pass scan of the aggregation
 * columns. Nothing here prints; rows are handed to callbacks and are
 * borrowed, valid only during the callback (struct store_row, store.h).
 *
 * Works on STORE_READ and STORE_WRITE stores; a reader sees the last
 * committed state (WAL) while a writer ingests. */
#ifndef LOGDECK_EXEC_H
#define LOGDECK_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"
#include "src/base/plan.h"

/* A page request. Zero-initialised it means: newest first, no cursor, no
 * limit, no extra time bounds. Rows are ordered by (ts, id): newest first
 * is ts DESC, id DESC; oldest_first is ts ASC, id ASC. With has_cursor the
 * page starts strictly after the row (cursor_ts, cursor_id) in that order:
 * pass the last row of the previous page to get the next one (keyset
 * pagination: no OFFSET, no duplicates, no gaps). */
struct store_page {
    int limit;              /* rows at most; <= 0: no limit */
    int oldest_first;
    int has_cursor;
    int64_t cursor_ts, cursor_id;
    int64_t since, until;   /* extra inclusive ts bounds (µs); 0 = unbounded */
};

/* Calls cb for each matching row in page order until the limit or until
 * cb returns non-zero (which stops early and is not an error). Returns
 * the number of rows delivered, or -1 with e filled. */
int store_query(struct store *s, const struct plan *p, const struct store_page *pg,
                store_row_fn cb, void *ctx, struct err *e);

/* Number of records matching p within [since, until] (0 = unbounded). */
int store_count(struct store *s, const struct plan *p, int64_t since, int64_t until,
                int64_t *out, struct err *e);

/* Every record whose cid equals cid (ASCII case-insensitive), oldest first.
 * Returns the number of rows, or -1. */
int store_trace(struct store *s, const char *cid, store_row_fn cb, void *ctx, struct err *e);

/* --- aggregation scan ------------------------------------------------------ */

/* What store_scan() reads besides ts/level/status/metric. A field is an enum
 * pfield (path for PF_JSON), or -1 for none. */
struct store_scan_spec {
    int value_field;        /* numeric value per row, e.g. PF_DURATION; -1 none */
    const char *value_path;
    int group_field;        /* group key per row (text), e.g. PF_SERVICE; -1 none */
    const char *group_path;
    int group_source;       /* 1: a PF_SERVICE key falls back to the logger, then
                               the file's name (as recout_source_name() does) */
    int msg_min_level;      /* msg is read for rows at or above this level */
    int64_t since, until;   /* extra inclusive ts bounds; 0 = unbounded */
    int dur_range;          /* 1: only rows with dur_lo <= duration < dur_hi, read
                               through the index rec_dur (SQLite only: the exact
                               tiers of db/agg_roll.c) */
    double dur_lo, dur_hi;
};

/* One scanned row; strings borrowed, valid only during the callback. */
struct store_scan_row {
    int64_t ts;
    int level;
    int has_value;
    double value;
    int has_status;
    int64_t status;
    const char *group;      /* NULL when the row has no such field */
    size_t group_len;
    const char *metric;     /* metric name or NULL */
    int has_mvalue;
    double mvalue;
    const char *msg;        /* only when level >= msg_min_level, else NULL */
    size_t msg_len;
};
typedef int (*store_scan_fn)(void *ctx, const struct store_scan_row *r);

/* One pass over every record matching p (in no particular order), so that
 * stats of any kind cost one read of the matching rows. Returns the number
 * of rows scanned or -1. cb returning non-zero stops the scan. */
int64_t store_scan(struct store *s, const struct plan *p, const struct store_scan_spec *spec,
                   store_scan_fn cb, void *ctx, struct err *e);

/* For one-shot commands (query, trace, stats), which read a few hundred
 * pages once each: no memory map and a page cache of EXEC_ONESHOT_CACHE
 * KiB, so that the pages read reuse the same few buffers. Each page first
 * touched costs a page fault, whether a page of the mapped file or fresh
 * heap for the cache, and on a virtual machine a fault is dearer than the
 * pread that copies a page into a warm buffer (10M records, first page of
 * `client_ip:X`: mapped 14.0 ms, 16 MiB cache 22.5 ms, 256 KiB cache 10.4).
 * Not for long-lived processes such as the TUI, which keep their pages.
 * Errors are ignored (it only tunes). */
#define EXEC_ONESHOT_CACHE 256
void store_exec_oneshot(struct store *s);
/* struct store's oneshot bits: store_exec_oneshot was called; a scan has
 * mapped the file; a page of several terms has grown the cache. */
enum { EXEC_ONESHOT_ON = 1, EXEC_ONESHOT_MAPPED = 2, EXEC_ONESHOT_GROWN = 4 };
/* The cache of a one-shot command's page of two or more conditions besides
 * time (their lists, rec_ts and the rows are read in turn: more pages than
 * 256 KiB hold; 10M, `status:500 method:POST` 258 -> 91 ms, where a single
 * term's page is slower with it, 17 -> 21 ms). */
#define EXEC_ONESHOT_GROW 1024   /* KiB (exec_page.c) */
/* What a one-shot command's scan (store_scan) maps of the store, at most:
 * a scan may read rows all over the file, where the map costs a fault per
 * page once and the small cache a pread per row. */
#define EXEC_SCAN_MMAP "68719476736"

/* Writes the SQL and the EXPLAIN QUERY PLAN lines the first page of p would
 * use into buf (for tests, benchmarks and `query --explain`). */
int store_explain(struct store *s, const struct plan *p, const struct store_page *pg,
                  char *buf, size_t cap, struct err *e);

#endif
