/* tailer: reading one file incrementally into records (tailer.h). File
 * identity lives in fileid.c, batching and commits in ingest.c. */
#include "src/follow/tailer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "src/follow/asread.h"
#include "src/follow/fileid.h"
#include "src/follow/ranges.h"
#include "src/base/ts.h"
#include "src/follow/zipread.h"
#include "src/follow/backfill.h"

struct emit_ctx {
    struct tailer *t;
    const struct tailer_sink *k;
    struct err *e;
};

/* --- opening -------------------------------------------------------------- */

static int open_gz(struct tailer *t)
{
    int fd2 = dup(t->fd);
    gzFile g = fd2 >= 0 ? gzdopen(fd2, "rb") : NULL;
    if (!g) {
        if (fd2 >= 0)
            close(fd2);
        return -1;
    }
    gzbuffer(g, 128 * 1024);
    t->gz = g;
    return 0;
}

static void read_head(struct tailer *t)
{
    ssize_t n;
    if (t->zip) {
        int done = 0;
        size_t got = 0;
        while (got < sizeof t->head && !done &&
               (n = zipread_read(t->gz, t->head + got, sizeof t->head - got, &done)) > 0)
            got += (size_t)n;
        n = (ssize_t)got;
        zipread_seek(t->gz, 0);
    } else if (t->gz) {
        n = gzread((gzFile)t->gz, t->head, sizeof t->head);
        gzclearerr((gzFile)t->gz);
        gzrewind((gzFile)t->gz);
    } else {
        n = pread(t->fd, t->head, sizeof t->head, 0);
    }
    t->head_n = n > 0 ? (size_t)n : 0;
}

struct tailer *tailer_open(const char *path, const struct parse_opts *po, size_t max_line,
                           struct stat *st, struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        err_set(e, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    return tailer_adopt(fd, path, po, max_line, st, e);
}

struct tailer *tailer_adopt(int fd, const char *path, const struct parse_opts *po,
                            size_t max_line, struct stat *st, struct err *e)
{
    struct tailer *t = calloc(1, sizeof *t);
    if (!t || !(t->path = strdup(path))) {
        free(t);
        close(fd);
        err_set(e, "out of memory opening %s", path);
        return NULL;
    }
    t->po = po;
    t->max_line = max_line ? max_line : (1u << 20);
    t->fd = fd;
    if (fstat(t->fd, st) < 0 || !S_ISREG(st->st_mode)) {
        err_set(e, "%s is not a regular file", path);
        goto fail;
    }
    unsigned char magic[4] = {0, 0, 0, 0};
    ssize_t mn = pread(t->fd, magic, 4, 0);
    if (mn >= 2 && magic[0] == 0x1f && magic[1] == 0x8b && open_gz(t) < 0) {
        err_set(e, "cannot read %s as gzip", path);
        goto fail;
    }
    if (zipread_magic(magic, mn > 0 ? (size_t)mn : 0)) {
        if (!(t->gz = zipread_open(t->fd, path, e)))
            goto fail;
        t->zip = 1;
    }
    read_head(t);
    t->ck.dev = (uint64_t)st->st_dev;
    t->ck.ino = (uint64_t)st->st_ino;
    t->ck.gz = t->gz != NULL;
    t->seen_size = st->st_size;
    t->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    t->order_ns = t->mtime_ns;
    t->pend_off = -1;
    race_observe(&t->race, st->st_size, t->mtime_ns, ts_now() * 1000);
    return t;
fail:
    tailer_free(t);
    return NULL;
}

void tailer_free(struct tailer *t)
{
    if (!t)
        return;
    tailer_free(t->bf);
    if (t->zip)
        zipread_close(t->gz);
    else if (t->gz)
        gzclose((gzFile)t->gz);
    if (t->fd >= 0)
        close(t->fd);
    parse_free(t->p);
    free(t->line);
    free(t->path);
    free(t);
}

static int seek_to(struct tailer *t, int64_t off)
{
    t->pos = t->done = off;
    t->line_len = t->line_total = 0;
    t->gz_done = 0;
    if (!t->gz)
        return 0;   /* plain files are read with pread at pos */
    if (t->zip)
        return zipread_seek(t->gz, off);
    gzclearerr((gzFile)t->gz);
    return gzseek((gzFile)t->gz, (z_off_t)off, SEEK_SET) < 0 ? -1 : 0;
}

int tailer_place(struct tailer *t, const struct tailer_ck *ck, struct err *e)
{
    t->ck = *ck;
    t->replaced = 0;
    if (seek_to(t, ck->offset) < 0)
        return err_set(e, "%s: cannot seek to the checkpoint (byte %lld)", t->path,
                       (long long)ck->offset);
    asread_place(t, &t->ck);
    t->saved = t->ck;
    return 0;
}

/* --- covered ranges --------------------------------------------------------- */

/* 1 if the records t reads are history (a backfill reader, a deferred file). */
static int reads_history(const struct tailer *t)
{
    return t->owner != NULL ||
           (t->gz && t->ck.nranges == 1 && t->ck.ranges[0].lo == 0);
}

/* Keeps the earliest record time of the range a record of t fell in. */
static void note_ts(struct tailer *t, int64_t ts)
{
    struct tailer *o = t->owner ? t->owner : t;
    int i = t->owner ? ranges_find(&o->ck, t->bf_lo) : o->ck.nranges - 1;
    if (i < 0 || ts <= 0)
        return;
    struct store_range *r = &o->ck.ranges[i];
    if (!r->lo_ts || ts < r->lo_ts)
        r->lo_ts = ts;
}

/* Part of tailer_checkpoint: the ranges as of the records read. */
static void ranges_checkpoint(struct tailer *t)
{
    struct tailer_ck *c = &t->ck;
    if (!c->nranges)
        return;
    struct store_range *top = &c->ranges[c->nranges - 1];
    if (c->offset >= top->lo)
        top->hi = c->offset;
    if (t->bf) {
        int64_t pend = tailer_pending(t->bf);
        int64_t off = (pend >= 0 && pend < t->bf->done) ? pend : t->bf->done;
        int i = ranges_find(c, t->bf->bf_lo);
        if (i >= 0 && off > c->ranges[i].hi)
            c->ranges[i].hi = off;
    }
    ranges_merge(c);
    if (c->nranges == 1 && c->ranges[0].lo == 0 && !t->bf && (!t->gz || t->gz_done))
        c->nranges = 0;   /* the whole file: [0, offset) */
}

/* --- records and lines ------------------------------------------------------ */

static int emit(void *ctx, const struct record *rec)
{
    struct emit_ctx *c = ctx;
    struct tailer *t = c->t->owner ? c->t->owner : c->t;   /* a backfill reader's file */
    struct ingest_stats *st = c->k->st;
    struct record hr;
    const struct record *r = rec;
    if (reads_history(c->t)) {
        hr = *rec;
        hr.history = 1;
        r = &hr;
        note_ts(c->t, r->ts);
    } else if (t->ck.nranges) {
        note_ts(t, r->ts);
    }
    if (store_add(c->k->s, t->ck.id, r, c->e) < 0)
        return -1;
    /* emitted at its last line's end (done) or later: the span is no less;
     * not a run of zeros (copytruncate's hole before a writer without
     * O_APPEND: rot.c), which is no record's length */
    if (c->t->done - r->offset > t->rec_max && !(r->raw_len && !r->raw[0]))
        t->rec_max = c->t->done - r->offset;
    st->records++;
    t->ck.records++;
    (*c->k->batch_n)++;
    if (r->level >= 0 && r->level < LVL_COUNT)
        st->by_level[r->level]++;
    if (r->format == FMT_RAW) {
        st->unparsed++;
        t->ck.unparsed++;
    }
    if (!st->first_ts || r->ts < st->first_ts)
        st->first_ts = r->ts;
    if (r->ts > st->last_ts)
        st->last_ts = r->ts;
    return 0;
}

static int ensure_parser(struct tailer *t, struct err *e)
{
    if (!t->p && !(t->p = parse_new(t->po, e)))
        return err_prefix(e, "%s", t->path);
    return 0;
}

/* Line l of the file at off..end (complete), n of its total bytes kept;
 * b: the chunk read at bpos it lies in, or NULL (assembled: the bytes
 * before off are t->loff_tail). */
static int push_line(struct emit_ctx *c, const char *l, size_t n, int64_t off, size_t total,
                     int64_t end, const char *b, int64_t bpos)
{
    struct tailer *t = c->t;
    int cut = total > t->max_line;
    if (cut) {
        n = t->max_line;
        c->k->st->truncated++;
        (t->owner ? t->owner : t)->ck.truncated++;
    }
    c->k->st->lines++;
    t->done = end;
    if (ensure_parser(t, c->e) < 0)
        return -1;
    /* Year-less times (syslog, logcat) count back from the file's mtime. */
    parse_set_ref_time(t->p, t->mtime_ns / 1000);
    if (parse_push(t->p, l, n, off, cut, ts_now(), emit, c))
        return -1;
    if (!t->gz && !t->owner && parse_pending_offset(t->p) == off) {   /* a checkpoint may stop here */
        if (b)
            asread_tail_at(t, b, bpos, off, &t->pend_tail);
        else
            t->pend_tail = t->loff_tail;
        t->pend_off = off;
    }
    return 0;
}

/* Appends to the line being assembled, keeping at most max_line + 1 bytes. */
static int line_append(struct tailer *t, const char *b, size_t n)
{
    t->line_total += n;
    size_t room = t->max_line + 1 > t->line_len ? t->max_line + 1 - t->line_len : 0;
    if (n > room)
        n = room;
    if (t->line_len + n > t->line_cap) {
        size_t cap = t->line_cap ? t->line_cap : 4096;
        while (cap < t->line_len + n)
            cap *= 2;
        char *nl = realloc(t->line, cap);
        if (!nl)
            return -1;
        t->line = nl;
        t->line_cap = cap;
    }
    memcpy(t->line + t->line_len, b, n);
    t->line_len += n;
    return 0;
}

static void line_drop(struct tailer *t)
{
    t->line_len = t->line_total = 0;
    if (t->line_cap > 65536) {   /* after a huge line, give the memory back */
        free(t->line);
        t->line = NULL;
        t->line_cap = 0;
    }
}

/* Splits a chunk that starts at absolute offset pos into lines. */
static int feed(struct emit_ctx *c, const char *b, size_t n, int64_t pos)
{
    struct tailer *t = c->t;
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(b + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (b + i)) : n - i;
        if (!nl || t->line_total) {
            if (t->line_total == 0) {
                t->line_off = pos + (int64_t)i;
                if (!t->gz && !t->owner)
                    asread_tail_at(t, b, pos, t->line_off, &t->loff_tail);
            }
            if (line_append(t, b + i, len) < 0)
                return err_set(c->e, "%s: out of memory holding a long line", t->path);
            if (!nl)
                return 0;
        }
        int64_t end = pos + (int64_t)(i + len + 1);
        int rc;
        if (t->line_total) {
            rc = push_line(c, t->line, t->line_len, t->line_off, t->line_total, end, NULL, 0);
            line_drop(t);
        } else {
            rc = push_line(c, b + i, len, pos + (int64_t)i, len, end, b, pos);
        }
        if (rc)
            return -1;
        i += len + 1;
    }
    return 0;
}

/* --- reading ---------------------------------------------------------------- */

/* One gzread: bytes, 0 at the end (gz_done set) or for now (the file
 * still being written), -1 on error. */
static ssize_t gz_step(struct tailer *t, gzFile g, char *buf, size_t n, struct err *e)
{
    int r = gzread(g, buf, (unsigned)n);
    if (r > 0)
        return r;
    int zerr = Z_OK;
    gzerror(g, &zerr);
    if (r == 0 && zerr == Z_OK && gzeof(g)) {
        t->gz_done = 1;
        return 0;
    }
    if (zerr == Z_BUF_ERROR || (r == 0 && zerr == Z_OK)) {   /* still being written */
        gzclearerr(g);
        return 0;
    }
    err_set(e, "%s: corrupt gzip data after byte %lld", t->path, (long long)t->pos);
    return -1;
}

/* One read at pos: bytes, 0 at the end (for now), -1 on error. */
static ssize_t read_some(struct tailer *t, char *buf, size_t n, struct err *e)
{
    if (!t->gz) {
        ssize_t r;
        do
            r = pread(t->fd, buf, n, t->pos);
        while (r < 0 && errno == EINTR);
        if (r < 0)
            err_set(e, "%s: read error at byte %lld: %s", t->path, (long long)t->pos,
                    strerror(errno));
        return r;
    }
    if (t->zip) {
        ssize_t r = zipread_read(t->gz, buf, n, &t->gz_done);
        if (r < 0)
            err_set(e, "%s: corrupt zip data after byte %lld", t->path, (long long)t->pos);
        return r;
    }
    gzFile g = (gzFile)t->gz;
    /* gzseek skips at the next read, and drops what it could not skip when
     * it meets the end of a file still being written: the stream goes on
     * from there, before pos (a .gz resumed at its checkpoint while gzip
     * wrote it gave back the bytes before the checkpoint, stored again).
     * Reach pos first, discarding, as far as the file goes for now. */
    for (z_off_t at = gztell(g); at >= 0 && at < t->pos; at = gztell(g)) {
        char skip[8192];
        int64_t left = t->pos - at;
        size_t k = left < (int64_t)sizeof skip ? (size_t)left : sizeof skip;
        ssize_t r = gz_step(t, g, skip, k, e);
        if (r <= 0)
            return r;
    }
    return gz_step(t, g, buf, n, e);
}

int64_t tailer_hole_end(const struct tailer *t)
{
    char b[4096];
    ssize_t n;
    if (t->fd < 0 || t->gz || pread(t->fd, b, 1, 0) != 1 || b[0])
        return -1;
    off_t at = lseek(t->fd, 0, SEEK_DATA);   /* past whole blocks of the hole */
    int64_t off = at > 0 ? (int64_t)at : 0;
    for (int i = 0; i < 256 && (n = pread(t->fd, b, sizeof b, off)) > 0; i++, off += n)
        for (ssize_t j = 0; j < n; j++)
            if (b[j])
                return off + j;
    return -1;
}

/* Reading a plain file from its start, which is a hole (tailer_hole_end):
 * its zeros were never written, they are no line; reading starts where the
 * writer wrote (the first line after a truncation was stored joined to the
 * zeros before it, its words unreadable). Checked again at each read from
 * the start until the hole has an end; not for --format raw. */
static int skip_hole(struct tailer *t)
{
    if (t->pos || t->done || t->gz || t->owner || t->line_total || t->ck.nranges ||
        (t->po && t->po->format == FMT_RAW))   /* raw: every byte as it is */
        return 0;
    int64_t h = tailer_hole_end(t);
    if (h <= 0)
        return 0;
    /* the head (identity) is the file's first bytes, zeros included: read
     * now, since it would otherwise grow only from bytes read below it */
    ssize_t n = pread(t->fd, t->head, sizeof t->head, 0);
    if (n > (ssize_t)t->head_n)
        t->head_n = (size_t)n;
    t->ck.offset = h;
    t->ck.tail_hash = 0;   /* the zeros before h: checked from the next commit on */
    if (seek_to(t, h) < 0)
        return -1;
    asread_place(t, &t->ck);
    return 0;
}

int64_t tailer_read(struct tailer *t, const struct tailer_sink *k, char *buf, size_t bufsz,
                    int64_t max, struct err *e)
{
    struct emit_ctx c = {t, k, e};
    int64_t got = 0;
    if (t->fd < 0 || (t->gz && t->gz_done) || t->replaced)
        return 0;
    if (skip_hole(t) < 0)
        return 0;
    while (got < max) {
        size_t want = bufsz;
        if ((int64_t)want > max - got)
            want = (size_t)(max - got);
        ssize_t n = read_some(t, buf, want, e);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        if (!asread_chunk(t, buf, (size_t)n)) {   /* truncated (and rewritten) before the read */
            t->replaced = 1;
            break;
        }
        int64_t at = t->done;
        if (feed(&c, buf, (size_t)n, t->pos) < 0)
            return -1;
        if (!t->gz && !t->owner && t->done > at)
            asread_tail_at(t, buf, t->pos, t->done, &t->done_tail);
        asread_push(t, buf, (size_t)n);
        t->pos += n;
        got += n;
        k->st->bytes += n;
    }
    if (got) {
        t->last_data_us = ts_now();
        if (!t->gz && t->pos > t->seen_size)
            t->seen_size = t->pos;
    }
    return got;
}

int tailer_truncated(struct tailer *t)
{
    struct stat st;
    if (t->gz || t->fd < 0)
        return 0;
    if (t->replaced)
        return 1;
    if (fstat(t->fd, &st) < 0)
        return 0;
    int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    int changed = mt != t->mtime_ns || st.st_size != t->seen_size;
    t->mtime_ns = mt;
    /* the checks come after the fstat: when they pass, it saw the content read */
    if (st.st_size < t->pos || st.st_size < t->done || (changed && !asread_same(t)))
        return t->replaced = 1;
    if (st.st_size > t->seen_size)
        t->seen_size = st.st_size;
    race_observe(&t->race, st.st_size, mt, ts_now() * 1000);
    return 0;
}

int tailer_flush(struct tailer *t, const struct tailer_sink *k, struct err *e)
{
    struct emit_ctx c = {t, k, e};
    if (t->p && parse_pending_offset(t->p) >= 0 && parse_flush(t->p, emit, &c))
        return -1;
    return 0;
}

int tailer_finish(struct tailer *t, const struct tailer_sink *k, struct err *e)
{
    struct emit_ctx c = {t, k, e};
    if (t->line_total) {
        if (push_line(&c, t->line, t->line_len, t->line_off, t->line_total, t->pos, NULL, 0))
            return -1;
        line_drop(t);
        t->done_tail = t->win;
    }
    return tailer_flush(t, k, e);
}

int64_t tailer_pending(const struct tailer *t)
{
    return t->p ? parse_pending_offset(t->p) : -1;
}

/* --- checkpoints ------------------------------------------------------------- */

/* The head grows with the bytes read (chunk_ok), never read again. */
static void grow_head(struct tailer *t)
{
    if (t->ck.head_len >= INGEST_HEAD_BYTES || t->ck.offset <= t->ck.head_len)
        return;
    if ((int64_t)t->head_n > t->ck.head_len) {
        t->ck.head_len = (int64_t)t->head_n;
        t->ck.head_hash = ingest_hash(t->head, t->head_n, INGEST_HASH_SEED);
    }
}

void tailer_checkpoint(struct tailer *t, int64_t now_us)
{
    int64_t pend = tailer_pending(t);
    t->ck.offset = (pend >= 0 && pend < t->done) ? pend : t->done;
    asread_checkpoint(t, t->ck.offset);
    t->ck.size = t->gz ? (t->pos > t->ck.size ? t->pos : t->ck.size) : t->seen_size;
    t->ck.mtime = t->mtime_ns / 1000000000;
    t->ck.last_seen = now_us;
    grow_head(t);
    ranges_checkpoint(t);
}

void tailer_committed(struct tailer *t)
{
    t->saved = t->ck;
    t->in_batch = 0;
}

int tailer_rewind(struct tailer *t, struct err *e)
{
    tailer_free(t->bf);   /* the ranges come back with saved: the gap is read again */
    t->bf = NULL;
    t->ck = t->saved;
    t->in_batch = 0;
    parse_free(t->p);
    t->p = NULL;
    line_drop(t);
    if (seek_to(t, t->saved.offset) < 0)
        return err_set(e, "%s: cannot seek back to byte %lld", t->path,
                       (long long)t->saved.offset);
    asread_place(t, &t->saved);
    t->ck = t->saved;
    return 0;
}

void tailer_close_fd(struct tailer *t)
{
    if (t->gz || t->fd < 0)
        return;
    close(t->fd);
    t->fd = -1;
    parse_free(t->p);
    t->p = NULL;
    line_drop(t);
    t->pos = t->done;
    t->win = t->done_tail;
    t->pend_off = -1;
}

int tailer_reopen(struct tailer *t, struct err *e)
{
    if (t->fd >= 0)
        return 1;
    int fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0)
        return errno == ENOENT ? 0 : err_set(e, "cannot open %s: %s", t->path, strerror(errno));
    if (fstat(fd, &st) < 0 || (uint64_t)st.st_dev != t->ck.dev ||
        (uint64_t)st.st_ino != t->ck.ino) {
        close(fd);
        return 0;
    }
    t->fd = fd;
    t->pos = t->done;
    return 1;
}

/* --- conversions -------------------------------------------------------------- */

void tailer_ck_to_file(const struct tailer *t, struct store_file *f)
{
    const struct tailer_ck *c = &t->ck;
    f->id = c->id;
    snprintf(f->path, sizeof f->path, "%s", t->path);
    f->dev = c->dev;
    f->ino = c->ino;
    f->head_hash = c->head_hash;
    f->head_len = c->head_len;
    f->offset = c->offset;
    f->tail_hash = c->tail_hash;
    f->size = c->size;
    f->mtime = c->mtime;
    f->records = c->records;
    f->lost_lines = c->lost_lines;
    f->lost_bytes = c->lost_bytes;
    f->truncated = c->truncated;
    f->unparsed = c->unparsed;
    f->gz = c->gz;
    f->state = c->state;
    f->first_seen = c->first_seen;
    f->last_seen = c->last_seen;
    f->nranges = c->nranges;
    memcpy(f->ranges, c->ranges, sizeof f->ranges);
}

void tailer_ck_from_file(struct tailer_ck *c, const struct store_file *f)
{
    c->id = f->id;
    c->dev = f->dev;
    c->ino = f->ino;
    c->head_hash = f->head_hash;
    c->head_len = f->head_len;
    c->offset = f->offset;
    c->tail_hash = f->tail_hash;
    c->size = f->size;
    c->mtime = f->mtime;
    c->records = f->records;
    c->lost_lines = f->lost_lines;
    c->lost_bytes = f->lost_bytes;
    c->truncated = f->truncated;
    c->unparsed = f->unparsed;
    c->gz = f->gz;
    c->state = f->state;
    c->first_seen = f->first_seen;
    c->last_seen = f->last_seen;
    c->nranges = f->nranges;
    memcpy(c->ranges, f->ranges, sizeof c->ranges);
    c->tail_off = -1;   /* the bytes are read again, and checked, at tailer_place */
    c->tail.n = -1;
}
