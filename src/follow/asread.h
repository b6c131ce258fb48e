/* asread: what a tailer read, kept to know that its plain file still holds
 * it (tailer.h's win, done_tail, pend_tail, loff_tail and head). A file
 * truncated and rewritten under the reader (copytruncate while the writer
 * appends on) no longer does: a read after that takes nothing, and a
 * checkpoint's head and tail hashes are those of the bytes read, never of
 * the file read again. For tailer.c; gzip files and backfill readers are
 * not checked. */
#ifndef LOGDECK_ASREAD_H
#define LOGDECK_ASREAD_H

#include <stddef.h>
#include <stdint.h>

#include "src/follow/tailer.h"

/* Into out, the bytes before offset x of chunk b read at pos (x in [pos,
 * pos + its length]): b's, after those of t->win; out->n -1 if unknown. */
void asread_tail_at(const struct tailer *t, const char *b, int64_t pos, int64_t x,
                    struct tailer_tail *out);
/* t->win after the chunk b of n bytes read at t->pos (not yet advanced). */
void asread_push(struct tailer *t, const char *b, size_t n);
/* 1 if the file still holds its first bytes and those before pos as read. */
int asread_same(const struct tailer *t);
/* 1 if the chunk b of n bytes just read at t->pos may be used (the file was
 * not truncated before the read); the head grows from it. */
int asread_chunk(struct tailer *t, const char *b, size_t n);
/* After a seek to ck's offset: its tail bytes (read and checked against its
 * tail_hash unless ck carries them; t->replaced if they differ) become
 * what was read before pos and done. */
void asread_place(struct tailer *t, struct tailer_ck *ck);
/* t->ck's tail bytes and tail_hash for a checkpoint at off (done, or the
 * pending record's start), from the bytes as read. */
void asread_checkpoint(struct tailer *t, int64_t off);

#endif
