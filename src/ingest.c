/* ingest: one pass over a file from its checkpoint to its end (ingest.h).
 * File identity and reading live here; parsing in parse.c; storing in db/. */
#include "src/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "src/ts.h"

#define READ_CHUNK (1 << 20)

struct ingest {
    struct store *s;
    struct ingest_opts o;
    struct ingest_stats st;
    int64_t batch_n;
    struct err *batch_err;     /* set during a file: where emit failures go */
    /* the file being read */
    struct store_file f;
    int fd;
    gzFile gz;
    struct parser *p;
    char *buf;                 /* READ_CHUNK bytes */
    char *line;                /* assembly of a line spanning reads */
    size_t line_len, line_cap;
    int64_t line_off;          /* offset of the line being assembled */
    size_t line_total;         /* its full length, beyond max_line too */
    int64_t done_off;          /* end of the last complete line pushed */
};

uint64_t ingest_hash(const void *p, size_t n, uint64_t h)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

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
    in->fd = -1;
    return in;
}

void ingest_free(struct ingest *in)
{
    if (!in)
        return;
    parse_free(in->p);
    free(in->buf);
    free(in->line);
    free(in);
}

const struct ingest_stats *ingest_stats(const struct ingest *in)
{
    return &in->st;
}

/* --- reading plain and gzip files through one interface ---------------- */

static ssize_t src_read(struct ingest *in, void *b, size_t n)
{
    if (in->gz) {
        int r = gzread(in->gz, b, (unsigned)n);
        return r < 0 ? -1 : r;
    }
    ssize_t r;
    do
        r = read(in->fd, b, n);
    while (r < 0 && errno == EINTR);
    return r;
}

static int src_seek(struct ingest *in, int64_t off)
{
    if (in->gz)
        return gzseek(in->gz, (z_off_t)off, SEEK_SET) == (z_off_t)off ? 0 : -1;
    return lseek(in->fd, off, SEEK_SET) == off ? 0 : -1;
}

static void src_close(struct ingest *in)
{
    if (in->gz)
        gzclose(in->gz);   /* closes fd too */
    else if (in->fd >= 0)
        close(in->fd);
    in->gz = NULL;
    in->fd = -1;
}

static ssize_t read_full(struct ingest *in, char *b, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = src_read(in, b + got, n - got);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Binary if over 10% of the head is NUL or a control byte no text uses. */
static int looks_binary(const unsigned char *h, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        if (h[i] == 0 || (h[i] < 0x20 && h[i] != '\t' && h[i] != '\n' && h[i] != '\r' &&
                          h[i] != 0x1b && h[i] != '\f' && h[i] != '\v'))
            bad++;
    return n >= 16 && bad * 10 > n;
}

/* --- identity ----------------------------------------------------------- */

static int still_at_own_path(const struct store_file *k)
{
    struct stat st;
    return stat(k->path, &st) == 0 && (uint64_t)st.st_ino == k->ino && (uint64_t)st.st_dev == k->dev;
}

static int head_matches(const struct store_file *k, const char *head, size_t n)
{
    return k->head_len > 0 && (size_t)k->head_len <= n &&
           ingest_hash(head, (size_t)k->head_len, INGEST_HASH_SEED) == k->head_hash;
}

/* Finds the checkpoint of the file whose head we read: 1 found (into out),
 * 0 new file, -1 error. A renamed or compressed file is found by its head,
 * unless the file with that head still sits at its own path (a copy). */
static int find_known(struct ingest *in, const struct stat *st, int gz, const char *head,
                      size_t n, struct store_file *out, struct err *e)
{
    int r = 0;
    if (!gz) {
        r = store_file_by_inode(in->s, (uint64_t)st->st_dev, (uint64_t)st->st_ino, out, e);
        if (r < 0)
            return -1;
        if (r == 1 && head_matches(out, head, n))
            return 1;
    }
    struct store_file *all = NULL;
    size_t nall = 0;
    if (store_files(in->s, &all, &nall, e) < 0)
        return -1;
    r = 0;
    for (size_t i = nall; i-- > 0 && !r;) {
        if (!head_matches(&all[i], head, n))
            continue;
        if (!gz && all[i].dev == (uint64_t)st->st_dev && all[i].ino == (uint64_t)st->st_ino)
            r = 1;
        else if (all[i].gz || !still_at_own_path(&all[i]))
            r = 1;
        if (r)
            *out = all[i];
    }
    free(all);
    return r;
}

/* --- records ------------------------------------------------------------ */

static int commit_batch(struct ingest *in, struct err *e);

static int emit(void *ctx, const struct record *r)
{
    struct ingest *in = ctx;
    if (store_add(in->s, in->f.id, r, in->batch_err) < 0)
        return -1;
    in->st.records++;
    in->f.records++;
    if (r->level >= 0 && r->level < LVL_COUNT)
        in->st.by_level[r->level]++;
    if (r->format == FMT_RAW) {
        in->st.unparsed++;
        in->f.unparsed++;
    }
    if (!in->st.first_ts || r->ts < in->st.first_ts)
        in->st.first_ts = r->ts;
    if (r->ts > in->st.last_ts)
        in->st.last_ts = r->ts;
    if (++in->batch_n >= in->o.batch_records)
        return commit_batch(in, in->batch_err);
    return 0;
}

/* The checkpoint: never past the first line of a record not yet emitted. */
static int64_t checkpoint_offset(const struct ingest *in)
{
    int64_t pend = parse_pending_offset(in->p);
    return (pend >= 0 && pend < in->done_off) ? pend : in->done_off;
}

static uint64_t tail_hash_at(struct ingest *in, int64_t off)
{
    if (in->gz || off <= 0)
        return 0;
    char t[INGEST_TAIL_BYTES];
    int64_t start = off > INGEST_TAIL_BYTES ? off - INGEST_TAIL_BYTES : 0;
    ssize_t r = pread(in->fd, t, (size_t)(off - start), start);
    return r > 0 ? ingest_hash(t, (size_t)r, INGEST_HASH_SEED) : 0;
}

static int commit_batch(struct ingest *in, struct err *e)
{
    in->f.offset = checkpoint_offset(in);
    in->f.tail_hash = tail_hash_at(in, in->f.offset);
    in->f.last_seen = ts_now();
    if (store_begin(in->s, e) < 0 || store_file_put(in->s, &in->f, e) < 0 ||
        store_commit(in->s, e) < 0) {
        store_rollback(in->s);
        return -1;
    }
    in->batch_n = 0;
    return store_begin(in->s, e);
}

/* --- lines -------------------------------------------------------------- */

static int push_line(struct ingest *in, const char *l, size_t n, int64_t off, size_t total,
                     int64_t end)
{
    int cut = total > in->o.max_line;
    if (cut) {
        n = in->o.max_line;
        in->st.truncated++;
        in->f.truncated++;
    }
    in->st.lines++;
    in->done_off = end;
    return parse_push(in->p, l, n, off, cut, ts_now(), emit, in);
}

/* Appends to the line being assembled, keeping at most max_line bytes. */
static int line_append(struct ingest *in, const char *b, size_t n)
{
    in->line_total += n;
    size_t room = in->o.max_line + 1 > in->line_len ? in->o.max_line + 1 - in->line_len : 0;
    if (n > room)
        n = room;
    if (in->line_len + n > in->line_cap) {
        size_t cap = in->line_cap ? in->line_cap : 4096;
        while (cap < in->line_len + n)
            cap *= 2;
        char *nl = realloc(in->line, cap);
        if (!nl)
            return -1;
        in->line = nl;
        in->line_cap = cap;
    }
    memcpy(in->line + in->line_len, b, n);
    in->line_len += n;
    return 0;
}

/* Splits a chunk that starts at absolute offset pos into lines. */
static int feed_chunk(struct ingest *in, const char *b, size_t n, int64_t pos, struct err *e)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(b + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (b + i)) : n - i;
        int rc;
        if (!nl) {
            if (in->line_total == 0)
                in->line_off = pos + (int64_t)i;
            if (line_append(in, b + i, len) < 0)
                return err_set(e, "out of memory holding a long line");
            return 0;
        }
        int64_t end = pos + (int64_t)(i + len + 1);
        if (in->line_total) {
            if (line_append(in, b + i, len) < 0)
                return err_set(e, "out of memory holding a long line");
            rc = push_line(in, in->line, in->line_len, in->line_off, in->line_total, end);
            in->line_len = in->line_total = 0;
        } else {
            rc = push_line(in, b + i, len, pos + (int64_t)i, len, end);
        }
        if (rc)
            return -1;
        i += len + 1;
    }
    return 0;
}

/* --- one file ----------------------------------------------------------- */

static int open_file(struct ingest *in, const char *path, struct stat *st, int *gz,
                     struct err *e)
{
    in->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0)
        return err_set(e, "cannot open %s: %s", path, strerror(errno));
    if (fstat(in->fd, st) < 0 || !S_ISREG(st->st_mode)) {
        err_set(e, "%s is not a regular file", path);
        src_close(in);
        return -1;
    }
    unsigned char magic[2] = {0, 0};
    *gz = pread(in->fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    if (*gz) {
        int fd2 = dup(in->fd);
        in->gz = fd2 >= 0 ? gzdopen(fd2, "rb") : NULL;
        if (!in->gz) {
            if (fd2 >= 0)
                close(fd2);
            err_set(e, "cannot read %s as gzip", path);
            src_close(in);
            return -1;
        }
        gzbuffer(in->gz, 256 * 1024);
    }
    return 0;
}

/* Decides where to start: the checkpoint, or 0 for a new, replaced or
 * truncated file. Fills in->f. */
static int place(struct ingest *in, const char *path, const struct stat *st, int gz,
                 const char *head, size_t hn, struct err *e)
{
    struct store_file k;
    int r = find_known(in, st, gz, head, hn, &k, e);
    if (r < 0)
        return -1;
    if (r == 1 && !gz && k.offset > st->st_size)
        r = 0;     /* truncated below the checkpoint: new content */
    if (r == 1 && !gz && k.offset > 0 && k.tail_hash && tail_hash_at(in, k.offset) != k.tail_hash)
        r = 0;     /* same head, other content before the checkpoint */
    if (r == 1) {
        in->f = k;
    } else {
        memset(&in->f, 0, sizeof in->f);
        in->f.first_seen = ts_now();
    }
    snprintf(in->f.path, sizeof in->f.path, "%s", path);
    in->f.dev = (uint64_t)st->st_dev;
    in->f.ino = (uint64_t)st->st_ino;
    in->f.gz = gz;
    in->f.state = FILE_ACTIVE;
    in->f.size = st->st_size;
    in->f.mtime = (int64_t)st->st_mtime;
    if ((size_t)in->f.head_len < hn || !in->f.head_len) {
        in->f.head_len = (int64_t)hn;
        in->f.head_hash = ingest_hash(head, hn, INGEST_HASH_SEED);
    }
    return 0;
}

static int read_rest(struct ingest *in, struct err *e)
{
    int64_t pos = in->f.offset;
    if (src_seek(in, pos) < 0)
        return err_set(e, "cannot seek to the checkpoint (byte %lld)", (long long)pos);
    in->done_off = pos;
    in->line_len = in->line_total = 0;
    for (;;) {
        ssize_t n = read_full(in, in->buf, READ_CHUNK);
        if (n < 0)
            return err_set(e, "read error at byte %lld: %s", (long long)pos,
                           in->gz ? "corrupt gzip data" : strerror(errno));
        if (n == 0)
            break;
        if (feed_chunk(in, in->buf, (size_t)n, pos, e) < 0)
            return -1;
        pos += n;
        in->st.bytes += n;
    }
    if (in->line_total) {
        if (in->gz) {   /* a compressed file never grows: its last line is whole */
            if (push_line(in, in->line, in->line_len, in->line_off, in->line_total, pos))
                return -1;
        } else {
            in->st.partial_held++;
        }
        in->line_len = in->line_total = 0;
    }
    if ((in->o.final || in->gz) && parse_flush(in->p, emit, in))
        return -1;
    return 0;
}

int ingest_path(struct ingest *in, const char *path, struct err *e)
{
    struct stat st;
    int gz = 0, rc = -1;
    char head[INGEST_HEAD_BYTES];
    if (open_file(in, path, &st, &gz, e) < 0)
        return -1;
    ssize_t hn = read_full(in, head, sizeof head);
    if (hn < 0) {
        err_set(e, "cannot read %s: %s", path, gz ? "corrupt gzip data" : strerror(errno));
        goto out;
    }
    if (in->o.parse.format != FMT_RAW && looks_binary((unsigned char *)head, (size_t)hn)) {
        err_set(e, "%s looks like a binary file (control bytes in its first %zd bytes); "
                "skipped (use --format raw to index it anyway)", path, hn);
        goto out;
    }
    rc = 0;
    if (hn == 0)
        goto out;     /* empty: nothing to identify or read yet */
    in->p = parse_new(&in->o.parse, e);
    in->batch_err = e;
    if (!in->p || store_begin(in->s, e) < 0 || place(in, path, &st, gz, head, (size_t)hn, e) < 0 ||
        (!in->f.id && store_file_put(in->s, &in->f, e) < 0) || read_rest(in, e) < 0 ||
        commit_batch(in, e) < 0 || store_commit(in->s, e) < 0) {
        store_rollback(in->s);
        err_prefix(e, "%s", path);
        rc = -1;
    } else {
        in->st.files++;
    }
    parse_free(in->p);
    in->p = NULL;
out:
    src_close(in);
    return rc;
}
