/* blk: the raw text and message of records, compressed in blocks (db
 * internals, store v5).
 *
 * Records are stored with consecutive ids; the raw text, message and cid
 * of up to BLK_RECORDS of them are one zstd frame in rawblk(id = the first
 * record's id, n = records, z = the frame). A block of JSON lines
 * compresses 8-15x (a record's message repeats words of its own text and
 * costs a few bytes), where one record alone compressed 2x with a trained
 * dictionary (v4). A page decodes only the blocks of the rows it shows;
 * a reader keeps the last BLK_CACHE blocks decoded, so a scan in id order
 * decodes each block once.
 *
 * The open block (the newest, not full) lives in the writer's memory and
 * is written at each commit (replaced while it grows), so a follower that
 * commits every few records still fills blocks. A rolled-back batch
 * forgets the open block; the next record starts a new one.
 *
 * records.flags bits 3..6 (ZRAW_ID) are BLK_ZID for a record whose text is
 * in a block (its raw, msg and cid columns are NULL); BLK_HAS_CID says the
 * record has a cid (in the block). */
#ifndef LOGDECK_BLK_H
#define LOGDECK_BLK_H

#include <stddef.h>
#include <stdint.h>

#include "db/store_int.h"

#define BLK_ZID 15
#define BLK_RECORDS 128
#define BLK_HAS_CID 128   /* records.flags bit 7 */

/* A record's strings in a block (not NUL-terminated). */
struct blk_rec {
    const char *raw, *msg, *cid;
    size_t rn, mn, cn;
};

struct blk;
void blk_free(struct blk *b);

/* Writer, inside a batch: the id of the next record, and appends its
 * strings to the open block (writing the block when full). Returns 0 (*id
 * set) or -1 (e filled). */
int blk_add(struct store *s, const struct blk_rec *r, int64_t *id, struct err *e);
/* Writes block it->id of it->bn records, serialized in it->blob (compressed
 * here unless it->zipped), and its text document it->body replacing it->doc (txt.h) (the
 * store thread of a bulk load runs it for blk_add; addq.h). 0 or -1 with e. */
struct row_item;
int blk_put(struct store *s, const struct row_item *it, struct err *e);
/* Writer, before COMMIT: writes the open block as it is now. */
int blk_flush(struct store *s, struct err *e);
/* Writer: the batch rolled back; the open block is forgotten. */
void blk_rollback(struct store *s);
/* Writer, outside a batch: when block id is the open one (retention
 * deleted from it), it takes no more records; the next starts a block. */
void blk_seal(struct store *s, int64_t id);

/* The strings of record id (in a block): pointers borrowed from the
 * store's cache, valid until the next blk_get or blk_* call on s; 0, or -1
 * when no block holds id or it cannot be decoded. */
int blk_get(struct store *s, int64_t id, struct blk_rec *r);

/* Retention: deletes the blocks in [lo, hi] of which no record is left,
 * except the newest block (it keeps the ids used so far from being used
 * again). 0 or -1 (e filled). */
int blk_prune(struct store *s, int64_t lo, int64_t hi, struct err *e);

#endif
