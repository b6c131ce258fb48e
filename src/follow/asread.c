/* asread: the bytes a tailer read, kept to know that its file still holds
 * them (asread.h). */
#include "src/follow/asread.h"

#include <string.h>
#include <unistd.h>

static int tail_len(int64_t off)
{
    return off < INGEST_TAIL_BYTES ? (int)off : INGEST_TAIL_BYTES;
}

/* The bytes before offset x of chunk b, read at pos (x in [pos, pos + its
 * length]): b's, after those of t->win (the bytes before pos). n -1:
 * unknown (the bytes before pos are). */
void asread_tail_at(const struct tailer *t, const char *b, int64_t pos, int64_t x,
                    struct tailer_tail *out)
{
    size_t want = (size_t)tail_len(x), in_b = (size_t)(x - pos);
    size_t take_b = in_b < want ? in_b : want, take_w = want - take_b;
    if (t->win.n < 0 || take_w > (size_t)t->win.n) {
        out->n = -1;
        return;
    }
    memcpy(out->b, t->win.b + t->win.n - take_w, take_w);
    memcpy(out->b + take_w, b + in_b - take_b, take_b);
    out->n = (int)want;
}

/* t->win after the chunk b of n bytes read at t->pos (not yet advanced). */
void asread_push(struct tailer *t, const char *b, size_t n)
{
    struct tailer_tail *w = &t->win;
    size_t need = (size_t)tail_len(t->pos + (int64_t)n);
    if (n >= need) {
        memcpy(w->b, b + n - need, need);
        w->n = (int)need;
        return;
    }
    if (w->n < 0)
        return;   /* still unknown */
    size_t keep = need - n;   /* <= w->n: the window was full, or the file's start */
    memmove(w->b, w->b + (size_t)w->n - keep, keep);
    memcpy(w->b + keep, b, n);
    w->n = (int)need;
}

/* 1 if the file still holds, at its start and just before pos, the bytes
 * read there. Once a file is truncated its bytes there are gone or others,
 * so a chunk read at pos before this check succeeds is the content read so
 * far. Both ends: lines padded to a fixed width end alike (the bytes before
 * pos of the next content were those read), and a content begins with a
 * line of its own. */
int asread_same(const struct tailer *t)
{
    char b[INGEST_HEAD_BYTES];
    size_t hn = (int64_t)t->head_n < t->pos ? t->head_n : (size_t)t->pos;
    if (t->win.n < 0 || (hn && (pread(t->fd, b, hn, 0) != (ssize_t)hn || memcmp(b, t->head, hn))))
        return 0;
    if (t->win.n == 0)
        return 1;
    ssize_t r = pread(t->fd, b, (size_t)t->win.n, t->pos - t->win.n);
    return r == t->win.n && memcmp(b, t->win.b, (size_t)t->win.n) == 0;
}

/* A plain chunk b of n bytes just read at pos may be used: the bytes
 * before it are unchanged, and where it overlaps the head read at open it
 * agrees with it (the file was not replaced under the head). The head then
 * grows from it, so that it is the bytes read, never read again. */
int asread_chunk(struct tailer *t, const char *b, size_t n)
{
    if (t->gz || t->owner)
        return 1;
    if (!asread_same(t))
        return 0;
    size_t pos = (size_t)t->pos;
    if (pos < t->head_n &&
        memcmp(b, t->head + pos, n < t->head_n - pos ? n : t->head_n - pos) != 0)
        return 0;
    if (pos <= t->head_n && pos + n > t->head_n && t->head_n < sizeof t->head) {
        size_t add = pos + n - t->head_n;
        if (add > sizeof t->head - t->head_n)
            add = sizeof t->head - t->head_n;
        memcpy(t->head + t->head_n, b + (t->head_n - pos), add);
        t->head_n += add;
    }
    return 1;
}

/* The checkpoint's tail bytes, unless it carries them: read before its
 * offset, and checked against its tail_hash (the file changed since it
 * was identified: replaced). */
static void load_tail(struct tailer *t, struct tailer_ck *ck)
{
    if (ck->tail_off == ck->offset && ck->tail.n == tail_len(ck->offset))
        return;
    ck->tail_off = ck->offset;
    ck->tail.n = -1;
    if (t->gz || t->fd < 0)
        return;
    int n = tail_len(ck->offset);
    ssize_t r = pread(t->fd, ck->tail.b, (size_t)n, ck->offset - n);
    if (r == n && (!ck->tail_hash || !n ||
                   ingest_hash(ck->tail.b, (size_t)n, INGEST_HASH_SEED) == ck->tail_hash))
        ck->tail.n = n;
    else
        t->replaced = 1;
}

/* After a seek to ck's offset: the bytes before it are its tail. */
void asread_place(struct tailer *t, struct tailer_ck *ck)
{
    load_tail(t, ck);
    t->win = t->done_tail = ck->tail;
    t->pend_off = -1;
}

/* The tail of the checkpoint at off, from the bytes as read. */
void asread_checkpoint(struct tailer *t, int64_t off)
{
    struct tailer_ck *c = &t->ck;
    if (off == c->tail_off && c->tail.n == tail_len(off)) {
        /* unchanged */
    } else if (t->gz || t->owner) {
        c->tail.n = -1;
    } else if (off == t->done) {
        c->tail = t->done_tail;
    } else if (off == t->pend_off) {
        c->tail = t->pend_tail;
    } else {
        c->tail.n = -1;
    }
    c->tail_off = off;
    c->tail_hash = c->tail.n > 0 ? ingest_hash(c->tail.b, (size_t)c->tail.n, INGEST_HASH_SEED) : 0;
}

