/* addq: the store thread of a bulk load (db internals).
 *
 * With store_bulk(s) (`logdeck index`, and the follower), store_add() does the
 * record's CPU work on the caller's thread (field tokens, the text block,
 * rollups) and queues the SQLite inserts (records, rec_fts, rec_fv), which
 * a thread of the store runs in order on the same connection (opened
 * serialized: SQLITE_OPEN_FULLMUTEX), so parsing overlaps the writes. The
 * batch transaction stays the caller's: store_commit() and
 * store_rollback() first wait for the queue to drain. An insert that fails
 * fails the batch: the error is returned by the next store_add() or by the
 * commit, which then rolls back. */
#ifndef LOGDECK_ADDQ_H
#define LOGDECK_ADDQ_H

#include <stddef.h>
#include <stdint.h>

#include "db/names.h"
#include "db/store_int.h"

/* What one record's inserts need (the strings may be NULL), or a block of
 * text to write (kind ROW_BLOCK: id, bn, blob: serialized, compressed when
 * zipped, else compressed by the store thread). */
enum { ROW_RECORD, ROW_BLOCK };
struct row_item {
    struct row_item *next;
    int kind, bn, zipped;
    const void *blob;
    size_t bloblen;
    int64_t id, ts, file_id, off, status;
    double duration, mvalue;
    int level, fmt, flags, has_duration, has_status, has_mvalue;
    const char *service, *logger, *metric, *fields, *path, *body, *doc;
    size_t blen, dlen;
    /* service, logger, path as ids (names.h) when nidlen[k] > 0 (the
     * string is then NULL) */
    unsigned char nid[3][NAMES_IDLEN];
    int nidlen[3];
};

/* Runs one item's inserts (store.c) and owns it (frees it, at once or once
 * written): 0, or -1 with e. */
typedef int (*addq_insert_fn)(struct store *s, struct row_item *it, struct err *e);
/* Writes what fn kept, whenever the queue runs empty (so before addq_drain
 * returns); failed: an insert of the batch failed, only free it. 0 or -1
 * with e. */
typedef int (*addq_flush_fn)(struct store *s, int failed, struct err *e);

struct addq;
/* Starts the thread. 0, or -1 with e. */
int addq_start(struct store *s, addq_insert_fn fn, addq_flush_fn flush, struct err *e);
/* Queues a copy of it (waits while the queue is full). -1 with e when an
 * earlier insert of the batch failed. */
int addq_push(struct store *s, const struct row_item *it, struct err *e);
/* 1 when the store thread is the one holding the load up (a quarter of
 * the queue or more is waiting for it), else 0 (also without a store
 * thread): work that either thread can do is then better done by the
 * caller's. */
int addq_behind(struct store *s);
/* Waits until every queued insert ran. -1 with e when one failed; the
 * failure is then forgotten (the caller rolls the batch back). */
int addq_drain(struct store *s, struct err *e);
/* Drains, stops and joins the thread (s->addq NULL after). */
void addq_stop(struct store *s);

#endif
