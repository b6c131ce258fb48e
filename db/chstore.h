/* chstore: the ClickHouse backend, spoken to over its HTTP interface.
 * store_open() hands a clickhouse:// URL here, and the read API of
 * db/exec.h (query pages, counts, traces, scans, totals) is answered from
 * the logs table; commands and views do not know which backend they use.
 * Writes come only from the shipper (chstore_ship_*): each record carries
 * (host, store id, record id) so that a batch with an unknown outcome is
 * resent from the highest record id the server holds, exactly once.
 *
 * URL: clickhouse://[USER@]HOST:PORT/DB[?password_env=VAR&cluster=NAME&timeout=S]
 * The password is read from the environment variable named by password_env
 * (USER defaults to "default" then); it is never printed, and a variable
 * that is not set is an error naming it (e->code 2). */
#ifndef LOGDECK_CHSTORE_H
#define LOGDECK_CHSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "db/exec.h"
#include "db/store.h"
#include "src/base/err.h"

#define CHSTORE_SCHEMA_VERSION 1
#define CHSTORE_ETEMP 75      /* err code: no answer (EX_TEMPFAIL); exit status stays 1 */

struct chstore;

/* 1 when path is a clickhouse:// URL. */
int chstore_is_url(const char *path);
/* Writes to out the URL url with a user name and a password variable
 * added where url names none (either may be NULL), and checks it as
 * store_open() would, without I/O: a bad URL or an unset password
 * variable is an error (e->code 2). url naming another user than user is
 * an error too. */
int chstore_url_with(const char *url, const char *user, const char *password_env, char *out,
                     size_t cap, struct err *e);

/* Connects and checks the schema: a server without the schema, or with
 * another version, is a clear error naming `logdeck store init`. A server
 * that cannot be reached sets e->code to CHSTORE_ETEMP. */
struct chstore *chstore_open(const char *url, struct err *e);
/* Same, with chstore_give_up(c, give_up, ctx) in force from the first
 * request. */
struct chstore *chstore_open_within(const char *url, int (*give_up)(void *), void *ctx,
                                    struct err *e);
void chstore_close(struct chstore *c);
/* The URL without credentials, for messages. */
const char *chstore_name(const struct chstore *c);

/* Creates the schema (store init), or checks that it is there and of this
 * version (another version is an error and nothing is changed). The DDL
 * follows the server's version() (db/chddl.h: 18.16 gets the plain schema;
 * newer servers codecs, TTL of ttl_days when > 0, skip indexes). cluster:
 * the cluster name from the URL, when the server is one shard of
 * remote_servers: the Distributed tables for reads are created too. *what
 * gets a sentence. */
int chstore_init(const char *url, int64_t ttl_days, char *what, size_t cap, struct err *e);

/* Read API (same contracts as db/exec.h and store_totals()). */
int chstore_query(struct chstore *c, const struct plan *p, const struct store_page *pg,
                  store_row_fn cb, void *ctx, struct err *e);
int chstore_count(struct chstore *c, const struct plan *p, int64_t since, int64_t until,
                  int64_t *out, struct err *e);
int chstore_trace(struct chstore *c, const char *cid, store_row_fn cb, void *ctx,
                  struct err *e);
int64_t chstore_scan(struct chstore *c, const struct plan *p, const struct store_scan_spec *sp,
                     store_scan_fn cb, void *ctx, struct err *e);
int chstore_totals(struct chstore *c, struct store_totals *out, struct err *e);
int chstore_explain(struct chstore *c, const struct plan *p, const struct store_page *pg,
                    char *buf, size_t cap, struct err *e);

/* Retention by dropping partitions (db/chprune.c): drops every day
 * partition of the server's local logs table (and of the (cid, ts) view)
 * in which no record is younger than its level's keep time (keep_us[level]
 * > 0; 0 keeps that level forever, and so the days holding it). fn (may be
 * NULL) is told each day dropped ("2024-03-01") and its records. With no
 * retention at all nothing is read or dropped. 0, or -1 with e (the days
 * dropped before the error stay dropped, and are counted in out). */
struct chstore_pruned {
    int64_t days_dropped, days_kept, records;
};
typedef void (*chstore_prune_fn)(void *ctx, const char *day, int64_t records);
int chstore_prune(struct chstore *c, const int64_t keep_us[LVL_COUNT], int64_t now,
                  chstore_prune_fn fn, void *ctx, struct chstore_pruned *out, struct err *e);

/* Aggregation pushed down (db/chagg.c, contracts of db/agg.h). */
struct store_agg_spec;
struct store_agg;
int chstore_aggregate(struct chstore *c, const struct plan *p, const struct store_agg_spec *sp,
                      struct store_agg *out, struct err *e);
int chstore_agg_explain(struct chstore *c, const struct plan *p, const struct store_agg_spec *sp,
                        char *buf, size_t cap, struct err *e);

/* --- the alert engine's scanner (db/chalert.c) --------------------------------- */

/* How far behind now a running alert engine reads: records are seen once
 * their time is this old, so that shipping lag does not cut windows short. */
#define CHALERT_LAG_US 3000000
struct chscan;
struct adb_scan_row;
int64_t chalert_cursor(void);
struct chscan *chalert_scanner_new(struct chstore *c, const struct plan *p, int value_field,
                                   const char *value_path, int group_field,
                                   const char *group_path, int by_ts, struct err *e);
void chalert_scanner_free(struct chscan *sc);
/* Rows with ts in (lo, hi] ([lo, hi] when by_ts), in time order. */
int64_t chalert_scanner_run(struct chscan *sc, int64_t lo, int64_t hi,
                            int (*cb)(void *, const struct adb_scan_row *), void *ctx,
                            struct err *e);

/* --- shipping ---------------------------------------------------------------- */

/* fn(ctx) is polled while a request waits (about once a second, more
 * often while data moves): when it returns non-zero the request is
 * abandoned with an unknown outcome (as a timeout is; e->code
 * CHSTORE_ETEMP). fn NULL: requests end only by the URL's timeout. fn runs
 * on the thread making the request. */
void chstore_give_up(struct chstore *c, int (*fn)(void *ctx), void *ctx);

/* Highest record id the server holds for (host, store_id); 0 when none.
 * Waits first until no INSERT of this journal is running on the server
 * (every INSERT carries the query id logdeck-ship-HOST-STOREID, so the
 * server also refuses two at once). Call it before the first flush. */
int chstore_max_rid(struct chstore *c, const char *host, const char *store_id, int64_t *out,
                    struct err *e);
/* Adds one stored row to the pending batch (copied). */
int chstore_ship_add(struct chstore *c, const char *host, const char *store_id,
                     const struct store_row *row, struct err *e);
size_t chstore_ship_pending(const struct chstore *c);
/* Bytes of the pending batch's INSERT body. */
size_t chstore_ship_bytes(const struct chstore *c);
/* Sends the pending batch as one INSERT. On error the batch is kept and
 * *unknown is 1 when the server may have stored it (timeout, 5xx, reset):
 * the caller asks chstore_max_rid() and starts again from there. */
int chstore_ship_flush(struct chstore *c, int *unknown, struct err *e);
void chstore_ship_discard(struct chstore *c);

#endif
