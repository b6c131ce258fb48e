/* backfill: tail-first indexing of one file (design.md, src/follow). A
 * file met with history not stored yet is read from near its end first
 * (backfill_start); what lies below is read afterwards, newest to oldest,
 * by a second reader of the same file (t->bf) that fills the highest gap
 * of the covered ranges one chunk at a time, reading each chunk forward.
 * The covered ranges are part of the checkpoint (t->ck.ranges) and are
 * committed with the records they cover, so a crash or a failed commit
 * resumes exactly where the store stopped. Records the backfill stores are
 * flagged history: the alert engine does not take them for new ones.
 * A compressed file with no stored range at all is read whole, forward,
 * as history (its ranges: one [0, offset) that grows). */
#ifndef LOGDECK_BACKFILL_H
#define LOGDECK_BACKFILL_H

#include <stddef.h>
#include <stdint.h>

#include "src/follow/tailer.h"

#define BACKFILL_TAIL_BYTES (512LL << 10) /* read first at the end of a live file */
#define BACKFILL_CHUNK (8LL << 20)        /* a backfill reader's span */
#define BACKFILL_SMALL (256LL << 10)      /* files up to this size are read at once */
#define BACKFILL_LIVE_US (3600LL * 1000000) /* a file written to since is live: its tail first */

/* Places t, a file with no stored row yet, tail-first: a plain file at the
 * first record start of its last tail_bytes (0: at its end), a compressed
 * one as history to read later; a plain file with a row and much appended
 * past its checkpoint likewise (the gap becomes history). Returns 1 if so,
 * 0 if t reads on from its checkpoint (or 0), BACKFILL_FULL if it would
 * have been caught up tail-first but already has the most ranges a file
 * keeps (store.h): it reads on from its checkpoint, which the caller says. */
#define BACKFILL_FULL 2
int backfill_start(struct tailer *t, int64_t tail_bytes);
/* 1 while t has history below what it stored (or is deferred history). */
int backfill_pending(const struct tailer *t);
/* 1 if no byte of t is stored yet (every covered range is empty): what
 * the backfill reads of it next is its newest end. */
int backfill_none_stored(const struct tailer *t);
/* 1 if t (a compressed file read whole as history) is read only by
 * backfill_step, never by the live read pass. */
int backfill_deferred(const struct tailer *t);
/* Reads at most max bytes of t's newest gap into k. Returns the bytes
 * read (0: nothing to do now), or -1 with e filled (rewind the batch). */
int64_t backfill_step(struct tailer *t, const struct tailer_sink *k, char *buf, size_t bufsz,
                      int64_t max, struct err *e);
/* The first record start at or after off (a plain file), off itself when
 * it is 0 or the file's end; -1 when none is found nearby. */
int64_t backfill_align(const struct tailer *t, int64_t off);

#endif
