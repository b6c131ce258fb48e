/* store: the SQLite store. The only module family that includes
 * <sqlite3.h>. Owns the schema and its migrations (PRAGMA user_version),
 * batched ingest of records, file checkpoints (committed in the same
 * transaction as the records they cover), and executes query plans.
 *
 * Schema (version 9), for readers of db/ code:
 *   files(id, path, dev, ino, head_hash, head_len, offset, tail_hash, size,
 *         mtime, records, lost_lines, lost_bytes, truncated, unparsed, gz,
 *         state, first_seen, last_seen)
 *   records(id INTEGER PRIMARY KEY  -- insertion order
 *           ts, level, fmt, file_id, off, service, logger, cid, msg,
 *           duration, status, metric, mvalue, fields, raw, flags, path)
 *     since v5 raw and msg are NULL and the text and message are in
 *     rawblk (flags bits 3..6 = 15, db/blk.h); rows of a v4 store keep raw
 *     (compressed with a per-format zstd dictionary when flags bits 3..6
 *     say so, db/zraw.h) and msg; path is the request path (path,
 *     url.path, endpoint); since v9 service, logger and path hold the id of
 *     a row of names(id, v) as a BLOB, read through ld_name() (db/names.h);
 *     index rec_ts(ts); partial indexes rec_warn(ts) WHERE level >= 5,
 *     rec_dur(duration), rec_status(status) (non-null rows only);
 *   rec_txt: contentless FTS5 (detail=full), one document per block of
 *     records (rowid = the block's id), a word's positions in it = the
 *     records holding it (db/txt.h): each record's whole text (message,
 *     traceback, continuation lines, field values) plus one token for the
 *     cid ("cid" + the cid's letters and digits), and the runs of letters
 *     and '_' (listed once each in txt_runs(run)). Phrases and cids are
 *     matched by it then checked exactly where the index cannot tell.
 *   rec_fv: contentless FTS5 (detail=none), one field=value token per
 *     scalar field, array element and virtual field (service by the naming
 *     rule, request path, logger, metric), split by fv.c's tokenizer ldfv
 *     (registered on every connection; unicode61 in stores made before):
 *     see db/fv.h.
 *   fieldcat(file_id, path, n, nnum): the field catalogue (store_fields).
 *   zdict(id, dict): the compression dictionaries (v4 rows).
 *   rawblk(id, n, z): records id .. id+n-1's raw text and messages, one
 *     zstd frame (db/blk.h).
 *   file_ranges(file_id, lo, hi, lo_ts)  (db/ranges.c): the byte
 *     ranges of a file stored so far when that is not simply [0, offset)
 *     (tail-first indexing: the newest end first, older content backfilled
 *     newest to oldest). A file without rows is covered [0, offset).
 *   records.flags: 1 time guessed, 2 line cut, 4 history (stored by the
 *     backfill: never fed to the alert engine as new), bits 3..6 the raw
 *     text's dictionary (0: plain; 15: in rawblk), nlines << 8.
 *   rollup(minute, level, svc, path, metric, n, ...), rolldim(id, kind,
 *     value), rollmsg(minute, ..., tmpl, n, first_ts, last_ts): per-minute
 *     aggregates and error templates kept at ingest (db/rollup.h).
 *   idts(g, lo, hi): the time range of the records of ids g << 10 ..
 *     (g + 1) << 10 - 1, below meta 'idts_upto' (db/idts.h): a page of a
 *     listed term reads the ts of the records of the groups it needs only.
 *   counts(level, n), meta, and the alert tables (db/alerts_db.c).
 */
#ifndef LOGDECK_STORE_H
#define LOGDECK_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/base/err.h"
#include "src/base/plan.h"
#include "src/base/record.h"

/* 2: alert tables (db/alerts_db.c); 3: file_ranges (tail-first); 4: field=
 * value tokens (rec_fv), the field catalogue (fieldcat), compressed raw text
 * (zdict), the request path column and the duration/status indexes; 5: raw
 * text and messages in compressed blocks (rawblk; v4 rows stay readable, so
 * a v4 store is migrated in place); 6: the per-minute rollups (rollup,
 * rolldim); 7: the error templates per minute (rollmsg); 8: the text index
 * per block of records (rec_txt, db/txt.h) replaces the one per record
 * (rec_fts); 9: service, logger and path as ids of names(id, v)
 * (db/names.h; rows of a v8 store keep their text). A v4 to v8 store is
 * migrated in place by a writer. */
#define STORE_SCHEMA_VERSION 9

enum store_mode {
    STORE_READ = 0,     /* existing store, read-only queries */
    STORE_WRITE = 1     /* create (mode 0600) or migrate; ingest */
};

struct store;

/* Opens path. STORE_READ fails if the file does not exist. A file that is
 * not a logdeck store, is corrupt, or has a newer schema is reported in e
 * and never modified. */
struct store *store_open(const char *path, int mode, struct err *e);
void store_close(struct store *s);   /* NULL is a no-op; rolls back an open batch */
const char *store_path(const struct store *s);
/* 1 if the file dev/ino is one of the store's own (the database, its
 * -wal, -shm, -journal, -checked and .lock files): never read as a log. */
int store_owns(const struct store *s, dev_t dev, ino_t ino);
/* The same by name: path names one of them (it need not exist). */
int store_owns_name(const struct store *s, const char *path);
/* 1 if store_open created the file (a new, empty store). */
int store_created(const struct store *s);

/* --- files and checkpoints --------------------------------------------- */

enum file_state { FILE_ACTIVE = 0, FILE_ROTATED = 1, FILE_GONE = 2 };

/* One covered byte range [lo, hi) of a file; lo_ts: the earliest record
 * time stored from it (0: none yet). Ranges that touch are merged, so a
 * file keeps one range per gap of history not read yet: one for its
 * tail-first start plus one per restart that caught up tail-first before
 * the backfill was done. At STORE_MAX_RANGES - 1 such ranges a restart
 * reads on from the checkpoint instead (the follower says so); one slot
 * stays free for the backfill reader's range. */
struct store_range {
    int64_t lo, hi, lo_ts;
};
#define STORE_MAX_RANGES 16

struct store_file {
    int64_t id;             /* 0 until added */
    char path[4096];
    uint64_t dev, ino;
    uint64_t head_hash;     /* hash of the first head_len bytes */
    int64_t head_len;
    int64_t offset;         /* bytes of the file stored so far */
    uint64_t tail_hash;     /* hash of the bytes just before offset */
    int64_t size, mtime;    /* as last seen */
    int64_t records, lost_lines, lost_bytes, truncated, unparsed;
    int gz;                 /* 1: a gzip file; offset counts uncompressed bytes */
    int state;              /* enum file_state */
    int64_t first_seen, last_seen;   /* µs */
    /* The covered set when it is not [0, offset): ranges in ascending
     * order, the last one ending at offset (0 ranges: [0, offset)). Saved
     * by store_file_ranges_put, not by store_file_put. */
    int nranges;
    struct store_range ranges[STORE_MAX_RANGES];
};

/* Loads every known file (caller frees *out with free()). */
int store_files(struct store *s, struct store_file **out, size_t *n, struct err *e);
/* Finds by (dev, ino): 1 found, 0 not found, -1 error. */
int store_file_by_inode(struct store *s, uint64_t dev, uint64_t ino,
                        struct store_file *out, struct err *e);
/* Finds the most recent file whose head hash and length match: 1/0/-1. */
int store_file_by_head(struct store *s, uint64_t head_hash, int64_t head_len,
                       struct store_file *out, struct err *e);
/* Inserts f (f->id is set) or, when f->id != 0, updates every column.
 * Inside a batch it joins the batch's transaction. */
int store_file_put(struct store *s, struct store_file *f, struct err *e);

/* The covered ranges of file id into f->ranges/nranges (db/ranges.c):
 * 0, or -1 with e filled. */
int store_file_ranges_get(struct store *s, int64_t id, struct store_file *f, struct err *e);
/* Replaces file id's ranges by f's (none: the file is covered [0, offset)),
 * inside the open batch. */
int store_file_ranges_put(struct store *s, const struct store_file *f, struct err *e);

/* What the store covers of the files it knows (tail-first indexing). */
struct store_coverage {
    int64_t files_partial;  /* files with bytes not stored yet below what is stored */
    int64_t bytes_total;    /* sizes of the files known */
    int64_t bytes_left;     /* history not stored yet */
    int64_t covered_since;  /* µs: every record from then on is stored (0: all) */
};
int store_coverage(struct store *s, struct store_coverage *out, struct err *e);

/* --- ingest -------------------------------------------------------------- */

/* A bulk load (`logdeck index`; the follower too): from now on store_add()
 * queues the SQLite inserts of each record to a thread of the store
 * (db/addq.h), so that the caller parses the next records meanwhile;
 * commits and rollbacks wait for the queue, and so do the writes of file
 * rows and ranges. Any other statement may run meanwhile (the connection
 * is serialized). A no-op for a reader or a ClickHouse store. 0, or -1
 * with e. */
int store_bulk(struct store *s, struct err *e);

/* A batch is one write transaction: store_add() records and store_file_put()
 * checkpoints, then store_commit(). Either all of it is stored or none. */
int store_begin(struct store *s, struct err *e);
int store_add(struct store *s, int64_t file_id, const struct record *r, struct err *e);
int store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);
int store_in_batch(const struct store *s);

/* --- reading ------------------------------------------------------------- */

/* struct store_row (a stored record as handed to a row callback: rec's
 * strings and file are borrowed, valid only during the callback) and
 * store_row_fn live in src/base/record.h: a leaf type the views and
 * reports hold without including db/. */

struct store_totals {
    int64_t records;
    int64_t by_level[LVL_COUNT];
    int64_t unparsed;       /* records of FMT_RAW */
    int64_t files;
    int64_t first_ts, last_ts;   /* 0 when empty */
    int64_t lost_lines, truncated;
    int64_t lost_files;     /* files gone before any of their bytes were read */
    int64_t lost_gaps;      /* losses of unknown size: a file's lines after its
                               checkpoint, and any files rotated after it, deleted
                               while logdeck was down (store_gap_add) */
    int64_t db_bytes;
    int64_t cap_dropped, cap_dropped_at;   /* records the size cap dropped; when (µs) */
    struct store_coverage cov;
};
int store_totals(struct store *s, struct store_totals *out, struct err *e);

/* The name records of a local store carry as their host: $LOGDECK_HOST,
 * else the machine's hostname. Static storage, valid for the process. */
const char *store_host(void);

/* The store's random id for shipping (db/ship_db.c): read from the meta
 * table, created there on a STORE_WRITE store the first time. */
int store_ship_id(struct store *s, char *out, size_t cap, struct err *e);
/* Records with id > after_id (the ones a shipper has yet to send), or -1. */
int64_t store_count_after(struct store *s, int64_t after_id, struct err *e);
/* The highest record id a shipping target (any text naming the server
 * and the host the records are shipped as) last confirmed holding, noted
 * in the journal so that a run that cannot reach it still knows what is
 * left; get: 0 when never noted. set needs a STORE_WRITE store. */
int store_ship_mark_get(struct store *s, const char *target, int64_t *out, struct err *e);
int store_ship_mark_set(struct store *s, const char *target, int64_t rid, struct err *e);


/* --- follower support (db/follow_db.c) ------------------------------------ */

/* Finds a files row by id: 1 found, 0 not, -1 error. */
int store_file_by_id(struct store *s, int64_t id, struct store_file *out, struct err *e);
/* Calls fn for every files row's (id, head_hash, head_len); stops early
 * and returns -1 when fn returns non-zero. */
typedef int (*store_head_fn)(void *ctx, int64_t id, uint64_t head_hash, int64_t head_len);
int store_file_heads(struct store *s, store_head_fn fn, void *ctx, struct err *e);

/* Per-file counters for status views (index --follow, the TUI). path is
 * borrowed, valid during the callback only. lag = size - offset: bytes
 * seen in the file but not stored yet (as of the last commit). */
struct store_file_status {
    int64_t id;
    const char *path;
    int state;              /* enum file_state */
    int gz;
    int64_t records, lost_lines, lost_bytes, truncated, unparsed;
    int64_t offset, size, lag, last_seen;
};
typedef int (*store_status_fn)(void *ctx, const struct store_file_status *f);
/* Rows in id order; active_only: only FILE_ACTIVE rows and rows with losses. */
int store_file_status(struct store *s, int active_only, store_status_fn fn, void *ctx,
                      struct err *e);

/* Hard limit on the store's size in pages (PRAGMA max_page_count), to
 * simulate a full disk; 0 lifts it. */
int store_set_max_pages(struct store *s, int64_t pages, struct err *e);
/* VACUUM: gives the pages of deleted records back to the file system. */
int store_vacuum(struct store *s, struct err *e);
/* Bytes of the store in use (pages in use * page size). */
int64_t store_used_bytes(struct store *s);

/* --- field catalogue (db/fv.c) ------------------------------------------------ */

/* The structured fields seen, per source file: dotted path (nested objects
 * and literal dotted keys read the same), records holding it, and how many
 * of those held a number. For completion and "unknown field" warnings.
 * path is borrowed, valid during the callback. file_id 0: every file, one
 * row per path with the counts summed. Rows in path order. Returns the rows
 * delivered, or -1. */
typedef int (*store_field_fn)(void *ctx, const char *path, int64_t records, int64_t numeric);
int64_t store_fields(struct store *s, int64_t file_id, store_field_fn fn, void *ctx,
                     struct err *e);
/* 1 if some record has field path (or an object under it, "process" for
 * "process.id"), 0 if none does, -1 on error. */
int store_field_known(struct store *s, const char *path, struct err *e);

/* --- retention (db/retention.c) --------------------------------------------- */

/* Deletes at most max_rows records older than their level's keep time
 * (keep_us[level] > 0; 0 keeps forever), oldest first, with their FTS rows
 * and level counts, in one transaction. Returns the rows deleted or -1. */
int64_t store_retention_step(struct store *s, const int64_t keep_us[LVL_COUNT], int64_t now_us,
                             int max_rows, struct err *e);
/* While the store uses more than max_bytes, deletes at most max_rows of the
 * oldest records (below warning first). Returns rows deleted or -1. */
int64_t store_size_step(struct store *s, int64_t max_bytes, int max_rows, struct err *e);

/* --- dump (db/exec.c) --------------------------------------------------------- */

/* Every record with id > after_id in id order, with its file's path
 * (rec strings borrowed during the callback). Returns rows or -1. */
int64_t store_dump(struct store *s, int64_t after_id, store_row_fn fn, void *ctx,
                   struct err *e);

#endif
