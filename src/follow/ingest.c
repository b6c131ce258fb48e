/* ingest: batches and commits over the files being read (ingest.h).
 * Reading one file is tailer.c's job, deciding which stored file it is
 * fileid.c's; this file owns the transaction: which files changed in the
 * open batch, their checkpoints at commit, and the rewind when a commit
 * fails. It also runs the one-pass `logdeck index`. */
#include "src/follow/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/follow/backfill.h"
#include "src/follow/fileid.h"
#include "src/base/hmap.h"
#include "src/follow/tailer.h"
#include "src/base/ts.h"

#define READ_CHUNK (1 << 20)
#define ONE_SHOT_SLICE (64LL << 20)

struct ingest {
    struct store *s;
    struct ingest_opts o;
    struct ingest_stats st, st_committed;
    char *buf;                   /* READ_CHUNK bytes, shared by every file */
    struct fileid_index *idx;    /* loaded on first use */
    struct hmap tracked;         /* row id -> tailer */
    struct tailer **dirty;       /* files changed in the open batch */
    size_t ndirty, capdirty;
    struct hmap retired;         /* row ids retire()d: inode reused, other content */
    struct tailer **fresh;       /* new files open without a row yet (not in idx) */
    size_t nfresh, capfresh;
    int64_t batch_n;
    int64_t expect;              /* ingest_expect: the next file opened is this row */
    struct store_file f;         /* scratch row */
};

struct ingest *ingest_new(struct store *s, const struct ingest_opts *o, struct err *e)
{
    struct ingest *in = calloc(1, sizeof *in);
    if (!in || !(in->buf = malloc(READ_CHUNK))) {
        free(in);
        err_set(e, "out of memory");
        return NULL;
    }
    in->s = s;
    in->o = *o;
    if (!in->o.max_line)
        in->o.max_line = 1 << 20;
    if (!in->o.batch_records)
        in->o.batch_records = 100000;
    hmap_init(&in->tracked);
    hmap_init(&in->retired);
    return in;
}

void ingest_free(struct ingest *in)
{
    if (!in)
        return;
    ingest_rollback(in);
    fileid_index_free(in->idx);
    hmap_fini(&in->tracked);
    hmap_fini(&in->retired);
    free(in->dirty);
    free(in->fresh);
    free(in->buf);
    free(in);
}

const struct ingest_stats *ingest_stats(const struct ingest *in)
{
    return &in->st;
}

struct ingest_stats *ingest_stats_mut(struct ingest *in)
{
    return &in->st;
}

int ingest_retired(const struct ingest *in, int64_t id)
{
    return id && hmap_get(&in->retired, (uint64_t)id) != NULL;
}

int64_t ingest_pending(const struct ingest *in)
{
    return in->ndirty ? (in->batch_n ? in->batch_n : 1) : 0;
}

struct tailer *ingest_tracked(const struct ingest *in, int64_t id)
{
    return id ? hmap_get(&in->tracked, (uint64_t)id) : NULL;
}

static int is_tracked(void *ctx, int64_t id)
{
    return ingest_tracked(ctx, id) != NULL;
}

/* --- the open batch ------------------------------------------------------------ */

/* --- new files not stored yet ------------------------------------------------------ */

/* A new file gets its row (and its place in the head index) at its first
 * read; until then it is "fresh". A file opened meanwhile with the same
 * data (a rotated file compressed at once, opened before the original
 * was read at all) must see it, or both would be read in full. A file
 * started over after a truncation (ingest_restart) while it was empty has
 * a row whose head is empty, in no index: it is fresh too until a commit
 * indexes the bytes it read (the next copytruncate's copy, opened before
 * that commit, was read from 0 as a new file: what the file had read of
 * it was stored twice). */
static void fresh_del(struct ingest *in, const struct tailer *t)
{
    for (size_t i = 0; i < in->nfresh; i++)
        if (in->fresh[i] == t) {
            in->fresh[i] = in->fresh[--in->nfresh];
            return;
        }
}

static int fresh_add(struct ingest *in, struct tailer *t)
{
    if (in->nfresh == in->capfresh) {
        size_t cap = in->capfresh ? in->capfresh * 2 : 16;
        struct tailer **nv = realloc(in->fresh, cap * sizeof *nv);
        if (!nv)
            return -1;
        in->fresh = nv;
        in->capfresh = cap;
    }
    in->fresh[in->nfresh++] = t;
    return 0;
}

/* o, an open file (another inode than t's), holds the same data as t:
 * their heads as read agree over the shorter of the two (o having read
 * nothing yet, nothing tells: t is read as a new file). */
static int twin(const struct tailer *o, const struct tailer *t)
{
    size_t n = o->head_n < t->head_n ? o->head_n : t->head_n;
    return o != t && n &&
           (o->ck.ino != t->ck.ino || o->ck.dev != t->ck.dev || o->ck.gz != t->ck.gz) &&
           memcmp(o->head, t->head, n) == 0;
}

/* An open file whose data t's head shows t holds (twin()): a fresh one;
 * or, when t is shorter than a head the index keeps (a copy shorter than
 * what was read of the file it copies: its head cannot match the row's,
 * and it was read from 0 as a new file), any file being read. */
static const struct tailer *open_twin(const struct ingest *in, const struct tailer *t)
{
    for (size_t i = 0; i < in->nfresh; i++)
        if (twin(in->fresh[i], t))
            return in->fresh[i];
    if (t->head_n >= INGEST_HEAD_BYTES)
        return NULL;
    for (size_t i = 0; i < in->tracked.cap; i++) {
        const struct tailer *o = in->tracked.vals[i];
        if (o && (const void *)o != (const void *)&hmap_tomb && twin(o, t))
            return o;
    }
    return NULL;
}

static int ensure_row(struct ingest *in, struct tailer *t, struct err *e)
{
    if (t->ck.id)
        return 0;
    memset(&in->f, 0, sizeof in->f);
    tailer_ck_to_file(t, &in->f);
    if (store_file_put(in->s, &in->f, e) < 0)
        return -1;
    t->ck.id = in->f.id;
    fresh_del(in, t);
    if (hmap_put(&in->tracked, (uint64_t)t->ck.id, t) < 0 ||
        fileid_index_add(in->idx, t->ck.id, t->ck.head_hash, t->ck.head_len) < 0)
        return err_set(e, "out of memory");
    return 0;
}

int ingest_touch(struct ingest *in, struct tailer *t, struct err *e)
{
    if (store_begin(in->s, e) < 0)
        return -1;
    if (!t->in_batch) {
        if (in->ndirty == in->capdirty) {
            size_t cap = in->capdirty ? in->capdirty * 2 : 64;
            struct tailer **nd = realloc(in->dirty, cap * sizeof *nd);
            if (!nd)
                return err_set(e, "out of memory");
            in->dirty = nd;
            in->capdirty = cap;
        }
        in->dirty[in->ndirty++] = t;
        t->in_batch = 1;
    }
    return ensure_row(in, t, e);
}

void ingest_rollback(struct ingest *in)
{
    store_rollback(in->s);
    for (size_t i = 0; i < in->ndirty; i++) {
        struct tailer *t = in->dirty[i];
        if (!t->saved.id && t->ck.id && hmap_get(&in->tracked, (uint64_t)t->ck.id) == t)
            hmap_del(&in->tracked, (uint64_t)t->ck.id);
        tailer_rewind(t, NULL);
        if (!t->ck.id) {   /* its row went with the batch: fresh again */
            fresh_del(in, t);
            if (fresh_add(in, t) < 0) {
                /* out of memory: a twin opened later may then be read twice */
            }
        }
    }
    in->ndirty = 0;
    in->batch_n = 0;
    in->st = in->st_committed;
}

int ingest_commit(struct ingest *in, struct err *e)
{
    int64_t now = ts_now();
    if (!store_in_batch(in->s) && !in->ndirty)
        return 0;
    for (size_t i = 0; i < in->ndirty; i++) {
        struct tailer *t = in->dirty[i];
        int64_t hl = t->ck.head_len;
        tailer_checkpoint(t, now);
        tailer_ck_to_file(t, &in->f);
        if (store_file_put(in->s, &in->f, e) < 0 ||
            ((t->ck.nranges || t->saved.nranges) && store_file_ranges_put(in->s, &in->f, e) < 0))
            goto fail;
        if (t->ck.head_len != hl &&
            fileid_index_add(in->idx, t->ck.id, t->ck.head_hash, t->ck.head_len) < 0)
            goto fail;
    }
    if (store_commit(in->s, e) < 0)
        goto fail;
    for (size_t i = 0; i < in->ndirty; i++) {
        tailer_committed(in->dirty[i]);
        if (in->nfresh && in->dirty[i]->ck.head_len > 0)   /* its head is indexed now */
            fresh_del(in, in->dirty[i]);
    }
    in->ndirty = 0;
    in->batch_n = 0;
    in->st_committed = in->st;
    return 0;
fail:
    ingest_rollback(in);
    return -1;
}

/* --- files ------------------------------------------------------------------------ */

/* Binary if over 30% of the head is NUL or a control byte no text uses (a
 * log line with a few NUL bytes is still a log, and is stored). */
static int looks_binary(const unsigned char *h, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        if (h[i] == 0 || (h[i] < 0x20 && h[i] != '\t' && h[i] != '\n' && h[i] != '\r' &&
                          h[i] != 0x1b && h[i] != '\f' && h[i] != '\v'))
            bad++;
    return n >= 16 && bad * 10 > n * 3;
}

/* Marks the row that had this inode with other content as superseded. */
static int retire(struct ingest *in, int64_t id, struct err *e)
{
    if (!id || ingest_tracked(in, id) || store_file_by_id(in->s, id, &in->f, e) <= 0)
        return 0;
    if (in->f.state == FILE_ACTIVE && hmap_put(&in->retired, (uint64_t)id, in) < 0)
        return err_set(e, "out of memory");
    in->f.state = FILE_ROTATED;
    return store_begin(in->s, e) < 0 ? -1 : store_file_put(in->s, &in->f, e);
}

static int place(struct ingest *in, struct tailer *t, int verdict, struct err *e)
{
    struct tailer_ck ck;
    memset(&ck, 0, sizeof ck);
    if (verdict == FID_RESUME) {
        if (store_file_ranges_get(in->s, in->f.id, &in->f, e) < 0)
            return -1;
        tailer_ck_from_file(&ck, &in->f);
    } else {
        ck.first_seen = ts_now();
        ck.head_len = (int64_t)t->head_n;
        ck.head_hash = ingest_hash(t->head, t->head_n, INGEST_HASH_SEED);
    }
    ck.dev = t->ck.dev;
    ck.ino = t->ck.ino;
    ck.gz = t->ck.gz;
    ck.state = FILE_ACTIVE;
    if (tailer_place(t, &ck, e) < 0)
        return -1;
    if (ck.id && hmap_put(&in->tracked, (uint64_t)ck.id, t) < 0)
        return err_set(e, "out of memory");
    /* a renamed or compressed file: save its new name and identity soon */
    if (ck.id && (in->f.dev != ck.dev || in->f.ino != ck.ino || strcmp(in->f.path, t->path) ||
                  in->f.state != FILE_ACTIVE || in->f.gz != ck.gz))
        return ingest_touch(in, t, e);
    return 0;
}

/* ingest_expect's check: row id (loaded into in->f) is the file t has
 * open: its head is the row's and it holds at least what was stored. 0 if
 * so; -1, e empty, if not (then it is skipped as a copy); -1, e filled, on
 * error. */
static int expected(struct ingest *in, struct tailer *t, int64_t id, const struct stat *st,
                    struct err *e)
{
    int r = store_file_by_id(in->s, id, &in->f, e);
    if (r <= 0 || ingest_tracked(in, id))
        return -1;
    int64_t hl = in->f.head_len;
    int ok = hl > 0 && (size_t)hl <= t->head_n && !t->ck.gz && st->st_size >= in->f.offset &&
             ingest_hash(t->head, (size_t)hl, INGEST_HASH_SEED) == in->f.head_hash;
    return ok ? 0 : -1;
}

void ingest_expect(struct ingest *in, int64_t id)
{
    in->expect = id;
}

int ingest_note_empty(struct ingest *in, const char *path, const struct stat *st,
                      struct err *e)
{
    int r = store_file_by_inode(in->s, (uint64_t)st->st_dev, (uint64_t)st->st_ino, &in->f, e);
    if (r != 0)
        return r < 0 ? -1 : 0;
    memset(&in->f, 0, sizeof in->f);
    snprintf(in->f.path, sizeof in->f.path, "%s", path);
    in->f.dev = (uint64_t)st->st_dev;
    in->f.ino = (uint64_t)st->st_ino;
    in->f.head_hash = ingest_hash("", 0, INGEST_HASH_SEED);
    in->f.mtime = (int64_t)st->st_mtim.tv_sec;
    in->f.state = FILE_ACTIVE;
    in->f.first_seen = in->f.last_seen = ts_now();
    return store_begin(in->s, e) < 0 ? -1 : store_file_put(in->s, &in->f, e);
}

int ingest_open(struct ingest *in, const char *path, const struct parse_opts *po,
                struct tailer **out, int64_t *copy_of, struct err *e)
{
    return ingest_adopt(in, -1, path, po, out, copy_of, e);
}

int ingest_adopt(struct ingest *in, int fd, const char *path, const struct parse_opts *po,
                 struct tailer **out, int64_t *copy_of, struct err *e)
{
    struct stat st;
    *out = NULL;
    /* the store in a directory it reads: its WAL, lock and stamp are no logs */
    if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) == 0 && store_owns(in->s, st.st_dev, st.st_ino)) {
        if (fd >= 0)
            close(fd);
        return INGEST_OWN;
    }
    if (!in->idx && !(in->idx = fileid_index_new(in->s, e))) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct tailer *t = fd >= 0 ? tailer_adopt(fd, path, po, in->o.max_line, &st, e)
                               : tailer_open(path, po, in->o.max_line, &st, e);
    if (!t)
        return -1;
    int rc = INGEST_EMPTY;
    int64_t expect = in->expect;
    in->expect = 0;
    if (t->head_n == 0)
        goto skip;
    if (expect) {
        if (expected(in, t, expect, &st, e) < 0) {
            rc = e->msg[0] ? -1 : INGEST_COPY;
            *copy_of = expect;
            goto skip;
        }
        if (place(in, t, FID_RESUME, e) < 0) {
            rc = -1;
            goto skip;
        }
        *out = t;
        return INGEST_OPENED;
    }
    if (po->format != FMT_RAW && looks_binary((unsigned char *)t->head, t->head_n)) {
        err_set(e, "%s looks like a binary file (control bytes in its first %zu bytes); "
                "skipped (use --format raw to index it anyway)", path, t->head_n);
        rc = INGEST_BINARY;
        goto skip;
    }
    struct fileid_probe p = {path, t->fd, t->ck.dev, t->ck.ino, t->ck.gz ? -1 : st.st_size,
                             t->ck.gz, t->head, t->head_n};
    int64_t stale = 0;
    int v = fileid_identify(in->s, in->idx, &p, is_tracked, in, &in->f, &stale, e);
    if (v == FID_NEW && open_twin(in, t))
        v = FID_COPY, in->f.id = 0;
    if (v == FID_COPY) {
        *copy_of = in->f.id;
        rc = INGEST_COPY;
        goto skip;
    }
    /* new, or an empty file's row taken up: fresh until its head is indexed */
    if (v < 0 || retire(in, stale, e) < 0 || place(in, t, v, e) < 0 ||
        ((!t->ck.id || !t->ck.head_len) && fresh_add(in, t) < 0 && err_set(e, "out of memory"))) {
        rc = -1;
        goto skip;
    }
    *out = t;
    return INGEST_OPENED;
skip:
    ingest_release(in, t);
    return rc;
}

int64_t ingest_read(struct ingest *in, struct tailer *t, int64_t max, struct err *e)
{
    if (t->fd < 0 || (t->gz && t->gz_done))
        return 0;
    if (!t->gz) {
        struct stat st;
        if (fstat(t->fd, &st) == 0 && st.st_size <= t->pos)
            return 0;
    }
    if (ingest_touch(in, t, e) < 0)
        return -1;
    struct tailer_sink k = {in->s, &in->st, &in->batch_n};
    return tailer_read(t, &k, in->buf, READ_CHUNK, max, e);
}

int64_t ingest_backfill(struct ingest *in, struct tailer *t, int64_t max, struct err *e)
{
    if (!backfill_pending(t) || t->fd < 0)
        return 0;
    if (ingest_touch(in, t, e) < 0)
        return -1;
    struct tailer_sink k = {in->s, &in->st, &in->batch_n};
    return backfill_step(t, &k, in->buf, READ_CHUNK, max, e);
}

int ingest_flush(struct ingest *in, struct tailer *t, int final, struct err *e)
{
    if (tailer_pending(t) < 0 && !(final && t->line_total))
        return 0;
    if (ingest_touch(in, t, e) < 0)
        return -1;
    struct tailer_sink k = {in->s, &in->st, &in->batch_n};
    return final ? tailer_finish(t, &k, e) : tailer_flush(t, &k, e);
}

void ingest_release(struct ingest *in, struct tailer *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->in_batch && i < in->ndirty; i++)
        if (in->dirty[i] == t) {
            in->dirty[i] = in->dirty[--in->ndirty];
            break;
        }
    if (t->ck.id && hmap_get(&in->tracked, (uint64_t)t->ck.id) == t)
        hmap_del(&in->tracked, (uint64_t)t->ck.id);
    fresh_del(in, t);
    tailer_free(t);
}

int ingest_restart(struct ingest *in, struct tailer *t, struct err *e)
{
    if (t->ck.id) {
        tailer_ck_to_file(t, &in->f);
        in->f.state = FILE_ROTATED;
        in->f.offset = t->saved.offset;
        in->f.tail_hash = t->saved.tail_hash;
        in->f.nranges = 0;   /* its history is gone with its content */
        if (store_begin(in->s, e) < 0 || store_file_put(in->s, &in->f, e) < 0 ||
            store_file_ranges_put(in->s, &in->f, e) < 0)
            return -1;
        if (hmap_get(&in->tracked, (uint64_t)t->ck.id) == t)
            hmap_del(&in->tracked, (uint64_t)t->ck.id);
    }
    struct tailer_ck ck;
    memset(&ck, 0, sizeof ck);
    ck.dev = t->ck.dev;
    ck.ino = t->ck.ino;
    ck.first_seen = ts_now();
    ssize_t n = pread(t->fd, t->head, sizeof t->head, 0);
    t->head_n = n > 0 ? (size_t)n : 0;
    ck.head_len = (int64_t)t->head_n;
    ck.head_hash = ingest_hash(t->head, t->head_n, INGEST_HASH_SEED);
    parse_free(t->p);
    t->p = NULL;
    tailer_free(t->bf);
    t->bf = NULL;
    t->seen_size = 0;
    if (tailer_place(t, &ck, e) < 0 || ingest_touch(in, t, e) < 0)
        return -1;
    fresh_del(in, t);   /* its row's head is empty: in no index, fresh (above) */
    if (!t->head_n && fresh_add(in, t) < 0)
        return err_set(e, "out of memory");
    return 0;
}

/* --- one pass (logdeck index) ------------------------------------------------------ */

static void progress(struct ingest *in)
{
    if (in->o.progress)
        in->o.progress(in->o.progress_ctx, &in->st);
}

/* A one-shot commit, then the caller's hook. */
static int commit_pass(struct ingest *in, struct err *e)
{
    if (ingest_commit(in, e) < 0)
        return -1;
    return in->o.on_commit ? in->o.on_commit(in->o.on_commit_ctx, e) : 0;
}

static int read_all(struct ingest *in, struct tailer *t, struct err *e)
{
    for (;;) {
        int64_t n = ingest_read(in, t, ONE_SHOT_SLICE / 16, e);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        progress(in);
        if (in->batch_n >= in->o.batch_records && commit_pass(in, e) < 0)
            return -1;
    }
    struct stat st;
    int quiet = !t->gz && t->line_total && in->o.partial_after_us > 0 && fstat(t->fd, &st) == 0 &&
                ts_now() - ((int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000) >=
                    in->o.partial_after_us;
    if ((t->gz && t->gz_done) || in->o.final || quiet)
        if (ingest_flush(in, t, (t->gz && t->gz_done) || quiet, e) < 0)
            return -1;
    if (t->line_total && !t->gz)
        in->st.partial_held++;
    /* history below what a tail-first reader stored, newest first */
    while (backfill_pending(t)) {
        int64_t n = ingest_backfill(in, t, ONE_SHOT_SLICE / 16, e);
        if (n < 0)
            return -1;
        progress(in);
        if (n == 0)
            break;
        if (in->batch_n >= in->o.batch_records && commit_pass(in, e) < 0)
            return -1;
    }
    return commit_pass(in, e);
}

int ingest_path(struct ingest *in, const char *path, struct err *e)
{
    return ingest_path_with(in, path, &in->o.parse, e);
}

int ingest_path_with(struct ingest *in, const char *path, const struct parse_opts *po,
                     struct err *e)
{
    struct tailer *t = NULL;
    int64_t copy_of = 0;
    int r = ingest_open(in, path, po, &t, &copy_of, e);
    if (r == INGEST_OWN)
        return 0;
    if (r == INGEST_EMPTY || r == INGEST_COPY) {
        in->st.copies += r == INGEST_COPY;
        return ingest_commit(in, e);
    }
    if (r != INGEST_OPENED)
        return -1;
    int rc = read_all(in, t, e);
    if (rc < 0) {
        ingest_rollback(in);
        err_prefix(e, "%s", path);
    } else {
        in->st.files++;
        in->st_committed.files++;
        if (in->o.on_file && t->p)
            in->o.on_file(in->o.on_file_ctx, path, t->p);
    }
    ingest_release(in, t);
    return rc;
}
