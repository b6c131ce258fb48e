/* rot: the rotations that are more than a rename (follow_int.h):
 * a file truncated in place (copytruncate: read the copy's unread tail,
 * count what the race lost, start the file over), rotated siblings that
 * appeared while the follower lagged, and the recovery at start of files
 * rotated (renamed, compressed, replaced) while logdeck was down. */
#include "src/follow/follow_int.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "src/follow/fileid.h"
#include "src/base/ts.h"
#include "db/follow_db.h"

struct cand {
    char path[PATH_MAX];
    int64_t mtime_ns;
};

struct cands {
    struct cand *v;
    size_t n, cap;
};

static int add_cand(struct cands *c, const char *path, const struct stat *st)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct cand *nv = realloc(c->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        c->v = nv;
        c->cap = cap;
    }
    snprintf(c->v[c->n].path, sizeof c->v[c->n].path, "%s", path);
    c->v[c->n++].mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    return 0;
}

static int by_mtime(const void *a, const void *b)
{
    int64_t x = ((const struct cand *)a)->mtime_ns, y = ((const struct cand *)b)->mtime_ns;
    return x < y ? -1 : x > y;
}

/* Regular files in dir's entries that are rotated siblings of base (or
 * have inode ino), oldest first. */
static void list_siblings(const char *dir, const char *base, uint64_t ino, struct cands *c)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return;
    struct dirent *de;
    char path[PATH_MAX];
    while ((de = readdir(dh))) {
        struct stat st;
        if (de->d_name[0] == '.' || strcmp(de->d_name, base) == 0)
            continue;
        if ((uint64_t)de->d_ino != ino && !fscan_is_sibling(de->d_name, base))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            add_cand(c, path, &st);
    }
    closedir(dh);
    if (c->n > 1)
        qsort(c->v, c->n, sizeof *c->v, by_mtime);
}

static void split(const char *path, char *dir, char *base)
{
    char a[PATH_MAX], b[PATH_MAX];
    snprintf(a, sizeof a, "%s", path);
    snprintf(b, sizeof b, "%s", path);
    snprintf(dir, PATH_MAX, "%s", dirname(a));
    snprintf(base, NAME_MAX + 1, "%s", basename(b));
}

/* --- lagging: siblings rotated before they were ever opened ------------------- */

static int has_head(const char *path, uint64_t k_hash, int64_t k_len);

/* A file this store already read to its end and let go: its inode, size
 * and head (an inode freed by a deleted file is soon reused, and a writer
 * rotating by size makes files of the same size). */
static int fully_read(struct follower *f, const char *path, const struct stat *st)
{
    static __thread struct store_file k;
    return store_file_by_inode(f->s, (uint64_t)st->st_dev, (uint64_t)st->st_ino, &k, NULL) == 1 &&
           k.state != FILE_ACTIVE && (k.gz || k.size == st->st_size) &&
           has_head(path, k.head_hash, k.head_len);
}

/* Opens, as rotated files, the siblings in dir of base (oldest first) that
 * may hold lines not stored yet. A sibling logdeck never stored that was
 * complete before since_us is an old file it never followed: let go (and,
 * with skip_old, not even opened). Files at a source path are left to
 * the scan. Opening more than needed is safe: identity resumes a known
 * file at its checkpoint, and skips a copy of a file being read. */
static void sweep(struct follower *f, const char *dir, const char *base, int si,
                  int64_t since_us, int skip_old)
{
    struct cands c = {0};
    list_siblings(dir, base, 0, &c);
    for (size_t i = 0; i < c.n; i++) {
        struct stat st;
        int old = c.v[i].mtime_ns / 1000 < since_us;
        if ((old && skip_old) || stat(c.v[i].path, &st) < 0 || fscan_tracked(f, &st) ||
            fully_read(f, c.v[i].path, &st) || fscan_source_of(f, c.v[i].path, 1) >= 0)
            continue;
        struct tailer *t = fscan_open(f, c.v[i].path, &st, si, 1);
        if (t && !t->ck.id && old)
            follow_forget(f, t);
    }
    free(c.v);
}

/* The rotated siblings of exact source si changed since the follower
 * started: open those it does not hold (it fell behind the rotations, or
 * they appeared while it was stopped). */
void fscan_siblings(struct follower *f, int si)
{
    const struct fsrc *s = f->sc.src[si];
    if (s->exact)
        sweep(f, s->dir, s->pat, si, f->start_us - 1000000, 1);
}

/* --- copytruncate ------------------------------------------------------------- */

/* 1 if the file at path starts with the head k_hash/k_len describes. */
static int has_head(const char *path, uint64_t k_hash, int64_t k_len)
{
    char h[INGEST_HEAD_BYTES];
    int n = -1;
    gzFile g = gzopen(path, "rb");   /* reads plain files as they are */
    if (g) {
        n = gzread(g, h, (unsigned)k_len);
        gzclose(g);
    }
    return n == k_len && ingest_hash(h, (size_t)n, INGEST_HASH_SEED) == k_hash;
}

/* 1 if the file at path (plain or .gz) starts with the n bytes of head,
 * or is a non-empty prefix of them. */
static int starts_with(const char *path, const char *head, size_t n)
{
    char h[INGEST_HEAD_BYTES];
    int got = -1, end = 0;
    gzFile g = n ? gzopen(path, "rb") : NULL;
    if (g) {
        got = gzread(g, h, (unsigned)n);
        end = got >= 0 && (size_t)got < n && gzeof(g);
        gzclose(g);
    }
    return got > 0 && ((size_t)got == n || end) && memcmp(h, head, (size_t)got) == 0;
}

static int64_t written_size(const char *path);

/* The rotated copy of what t read (copytruncate). */
struct copy {
    char path[PATH_MAX];
    struct stat st;
    int64_t size;              /* as written (a .gz's from its trailer); -1 unknown */
};

/* Finds, among t's rotated siblings, the copy whose first bytes are those
 * t read (t->head: the bytes as read, not as the file holds them now: at
 * commit they were read again, and a file rewritten meanwhile gave the
 * new content's head, so that the copy was never found and later read in
 * full). 1 if found. */
static int find_copy(const struct tailer *t, struct copy *cp)
{
    char dir[PATH_MAX], base[NAME_MAX + 1];
    struct cands c = {0};
    split(t->path, dir, base);
    list_siblings(dir, base, 0, &c);
    size_t at = c.n;
    /* newest first; a plain copy before a compressed one (which may still
     * be being written: logrotate's compress after copytruncate) */
    for (int plain = 1; plain >= 0 && at == c.n; plain--)
        for (size_t i = c.n; i-- > 0 && at == c.n;) {
            if ((fscan_zsuffix(c.v[i].path) > 0) != plain && stat(c.v[i].path, &cp->st) == 0 &&
                (uint64_t)cp->st.st_ino != t->ck.ino &&
                starts_with(c.v[i].path, t->head, t->head_n))
                at = i;
        }
    int found = at < c.n && stat(c.v[at].path, &cp->st) == 0;
    if (found) {
        snprintf(cp->path, sizeof cp->path, "%s", c.v[at].path);
        cp->size = written_size(cp->path);
    }
    free(c.v);
    return found;
}

static struct tailer *open_copy(struct follower *f, const struct copy *cp, int si)
{
    struct stat st;
    if (stat(cp->path, &st) < 0 || st.st_ino != cp->st.st_ino || st.st_dev != cp->st.st_dev ||
        fscan_tracked(f, &st))
        return NULL;
    hmap_del(&f->skip, hmap_key2((uint64_t)st.st_dev, (uint64_t)st.st_ino));
    return fscan_open(f, cp->path, &st, si, 1);
}

static void count_loss(struct follower *f, struct tailer *t, int64_t lost_b, int64_t lines,
                       const char *why)
{
    struct err e = {0};
    struct ingest_stats *st = ingest_stats_mut(f->in);
    t->ck.lost_lines += lines;
    t->ck.lost_bytes += lost_b;
    st->lost_lines += lines;
    st->lost_bytes += lost_b;
    st->low_lines += lines;
    follow_warn(f, "%s: %s: at least %lld lines (%lld bytes) lost", t->path, why,
                (long long)lines, (long long)lost_b);
    if (ingest_touch(f->in, t, &e) < 0)   /* saved with the next commit */
        follow_failed(f, &e);
    else if (!f->batch_start)
        f->batch_start = f->now;
}

/* t's unseen race bytes (race_settle): an estimate from the write rate,
 * kept apart from the lines counted lost (the count holds only what is
 * known lost: an estimate can exceed what was lost, and then would count
 * stored lines). Not saved in the store: this run's figure. */
static void race_count(struct follower *f, struct tailer *t)
{
    int64_t hole = t->race.due_ns ? tailer_hole_end(t) : -1, cut = t->race.cut;
    if (hole > 0) {   /* no estimate: the writer's offset says it all */
        race_settle(&t->race);
        if (hole > cut)
            count_loss(f, t, hole - cut, race_known_lines(cut, 0, 0, hole, t->race.rec_max),
                       "copytruncate race (written between the copy and the truncation "
                       "by a writer without O_APPEND, which left a hole that long)");
        return;
    }
    int64_t unseen = race_settle(&t->race), lines = race_lines(unseen, t->race.avg);
    if (lines <= 0)
        return;
    struct ingest_stats *st = ingest_stats_mut(f->in);
    st->est_lines += lines;
    st->est_bytes += unseen;
    follow_warn(f, "%s: copytruncate race: about %lld more lines (%lld bytes) written between "
                "the copy and the truncation may be lost, never seen (estimated from the write "
                "rate, not counted)", t->path, (long long)lines, (long long)unseen);
}

/* Bytes of the copy's last line when it ends without a newline (0 when it
 * ends with one), looked for within its last max bytes; -1 unknown (a
 * compressed copy, or no newline there). */
static int64_t copy_partial(const struct copy *cp, int64_t max)
{
    if (cp->size <= 0 || max <= 0 || fscan_zsuffix(cp->path))
        return -1;
    char b[4096];
    int64_t want = max < cp->size ? max : cp->size, p = -1;
    want = want < (int64_t)sizeof b ? want : (int64_t)sizeof b;
    int fd = open(cp->path, O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? pread(fd, b, (size_t)want, cp->size - want) : -1;
    if (fd >= 0)
        close(fd);
    for (ssize_t i = r; i-- > 0 && p < 0;)
        if (b[i] == '\n')
            p = r - 1 - i;
    return r == want ? p : -1;
}

/* Lines known lost of the bytes from `covered` (the copy's end, or what
 * was read) to `seen`: a lower bound (race_known_lines). */
static int64_t known_lines(const struct tailer *t, const struct copy *cp, int64_t covered,
                           int64_t seen)
{
    if (covered == t->done)   /* what was read ends a line */
        return race_known_lines(covered, 1, 0, seen, t->rec_max);
    int64_t p = copy_partial(cp, t->rec_max);
    return p < 0 ? race_known_lines(covered, 0, 0, seen, t->rec_max)
                 : race_known_lines(covered - p, 1, p, seen, t->rec_max);
}

void fscan_race(struct follower *f, struct tailer *t, int final)
{
    if (!t->race.due_ns)
        return;
    if (!final && !t->gz && tailer_truncated(t)) {   /* again: read_one counts it first */
        t->want = 1;
        return;
    }
    if (race_due(&t->race, final))
        race_count(f, t);
}

/* t's file was truncated (or replaced in place) under what it read. What
 * it read is stored and checkpointed from the bytes as read; the copy
 * (found by those bytes) is read from that checkpoint on, the file from 0.
 * Lost, and counted: what the file held past both the copy and what was
 * read: the bytes seen at once; those written in the race and never seen
 * once the content after it shows how much the writer wrote (race.h):
 * from the last look when logdeck saw the writer write past the copy's
 * end, else from the copy's completion by its mtime (a writer that paused
 * for the copy, as one that rotates itself does, wrote on right after the
 * truncation: next to nothing is counted). */
void fscan_truncated(struct follower *f, struct tailer *t)
{
    struct err e = {0};
    struct copy cp;
    race_count(f, t);   /* a race before this one: settled with what was seen */
    int64_t pos = t->pos, done = t->done, seen = t->seen_size > pos ? t->seen_size : pos;
    int found = find_copy(t, &cp);
    int64_t cmt = found ? (int64_t)cp.st.st_mtim.tv_sec * 1000000000 + cp.st.st_mtim.tv_nsec : 0;
    double rate = found && cp.size >= 0 ? race_rate(&t->race, cp.size, cmt) : -1;
    /* no copy holds more than was read: the record held is complete */
    if ((!found || (cp.size >= 0 && cp.size < done)) && ingest_flush(f->in, t, 0, &e) < 0) {
        follow_failed(f, &e);
        return;
    }
    if (follow_commit(f) < 0)
        return;
    int64_t k_off = t->saved.offset, krec = t->saved.records, kid = t->ck.id;
    int holed = t->head_n > 0 && !t->head[0];   /* what was read began with a hole */
    if (ingest_restart(f->in, t, &e) < 0) {   /* first: the copy must not see it live */
        follow_warn(f, "%s", e.msg);
        ingest_rollback(f->in);
        return;
    }
    /* The copy is that row: its head, zeros, tells nothing; a plain copy
     * shorter than the row's head (it ends before what was read: the file
     * read past the copy's end before the truncation) cannot match it, and
     * was read from 0 as a new file (what was read of it stored twice) */
    if (found && kid && (holed || !fscan_zsuffix(cp.path)))
        ingest_expect(f->in, kid);
    if (found)
        open_copy(f, &cp, t->src);
    ingest_expect(f->in, 0);
    t->want = 1;
    int64_t csize = !found ? -1 : cp.size >= 0 ? cp.size : seen;   /* a .zip: all it saw */
    int64_t covered = done > csize ? done : csize, known = seen > covered ? seen - covered : 0;
    int64_t avg = krec > 0 && k_off > 0 ? k_off / krec : 100;
    if (avg < 1)
        avg = 1;
    if (known > 0)
        count_loss(f, t, known, known_lines(t, &cp, covered, seen), !found ? "truncated in "
                   "place before it was read, no copy found" : "copytruncate race (written "
                   "between the copy and the truncation, seen, never read)");
    int mode = !found || cp.size < 0 ? RACE_NONE : seen > cp.size ? RACE_SEEN : RACE_COPY;
    race_truncated(&t->race, csize > seen ? csize : seen, avg, rate, mode, found ? cp.size : -1,
                   cmt, ts_now() * 1000);
    t->race.rec_max = t->rec_max;
}

/* --- recovery at start ---------------------------------------------------------- */

struct ids {
    int64_t *v;
    size_t n, cap;
    struct follower *f;
};

static int collect(void *ctx, const struct store_file_status *s)
{
    struct ids *x = ctx;
    if (s->state != FILE_ACTIVE || fscan_source_of(x->f, s->path, 0) < 0)
        return 0;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        int64_t *nv = realloc(x->v, cap * sizeof *nv);
        if (!nv)
            return 1;
        x->v = nv;
        x->cap = cap;
    }
    x->v[x->n++] = s->id;
    return 0;
}

/* Row k's file is not at its path any more: look for it (renamed,
 * compressed) and for the files rotated after it, among the rotated
 * siblings of its source. Every row of the directory is looked for this
 * way, whichever row a sibling turns out to belong to (an inode number
 * reused by a compressed copy must not stop the search). */
static void recover_moved(struct follower *f, const struct store_file *k)
{
    char dir[PATH_MAX], base[NAME_MAX + 1];
    int si = fscan_source_of(f, k->path, 0);
    split(k->path, dir, base);
    if (si >= 0 && f->sc.src[si]->exact)
        snprintf(base, sizeof base, "%s", f->sc.src[si]->pat);
    /* Siblings last written before k was are older than k: files logdeck
     * never followed. One written after it follows it in the stream and is
     * read, however long ago: k's last checkpoint, even its first sighting,
     * may come long after its successors were complete (drained late,
     * opened together and killed before the next one got its row). */
    int64_t since = k->first_seen > 0 ? k->first_seen : k->last_seen;
    if (k->mtime > 0 && k->mtime * 1000000 < since)
        since = k->mtime * 1000000;   /* whole seconds: at most 1 s early */
    sweep(f, dir, base, si, since - 1000000, 0);
}

/* The size of a rotated sibling as written: a plain file's size, a .gz's
 * uncompressed size from its trailer (ISIZE; one member), else -1. */
static int64_t written_size(const char *path)
{
    struct stat st;
    size_t n = strlen(path);
    if (stat(path, &st) < 0)
        return -1;
    if (n < 3 || strcmp(path + n - 3, ".gz") != 0)
        return n > 4 && strcmp(path + n - 4, ".zip") == 0 ? -1 : (int64_t)st.st_size;
    unsigned char b[4];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 && st.st_size >= 18 ? pread(fd, b, 4, st.st_size - 4) : -1;
    if (fd >= 0)
        close(fd);
    return r == 4 ? (int64_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                              (uint32_t)b[3] << 24) : -1;
}

static int by_size(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* How big row k's file most likely grew before it was rotated away and
 * deleted while logdeck was down: when its source rotates by size (its
 * rotated siblings, one or more, all within 5% of their median size),
 * that median when larger; else its size at the last checkpoint (nothing
 * to go by). One sibling is enough: with one backup kept, the file
 * rotated over k's is the only trace of how big files grow. */
static int64_t estimated_size(struct follower *f, const struct store_file *k)
{
    char dir[PATH_MAX], base[NAME_MAX + 1];
    struct cands c = {0};
    int si = fscan_source_of(f, k->path, 0);
    split(k->path, dir, base);
    if (si >= 0 && f->sc.src[si]->exact)
        snprintf(base, sizeof base, "%s", f->sc.src[si]->pat);
    list_siblings(dir, base, 0, &c);
    int64_t *sz = c.n ? malloc(c.n * sizeof *sz) : NULL, est = k->size;
    size_t n = 0;
    for (size_t i = 0; sz && i < c.n; i++)
        if ((sz[n] = written_size(c.v[i].path)) > 0)
            n++;
    if (n >= 1) {
        qsort(sz, n, sizeof *sz, by_size);
        int64_t med = sz[n / 2];
        int even = sz[0] * 20 >= med * 19 && sz[n - 1] * 20 <= med * 21;
        if (even && med > est)
            est = med;
    }
    free(sz);
    free(c.v);
    return est;
}

/* The newest row of a stream: rows whose file is in dir at base (the live
 * name) or at a rotated sibling's name; ids grow in first-seen order. */
struct newest {
    const char *dir, *base;
    int64_t id;
};

static int newest_row(void *ctx, const struct store_file_status *s)
{
    struct newest *n = ctx;
    char dir[PATH_MAX], base[NAME_MAX + 1];
    split(s->path, dir, base);
    if (s->id > n->id && !strcmp(dir, n->dir) &&
        (!strcmp(base, n->base) || fscan_is_sibling(base, n->base)))
        n->id = s->id;
    return 0;
}

/* 1 if a rotated sibling in dir of base, written since k last was (whole
 * seconds), holds bytes this store has not read: the rotation went on. */
static int rotated_after(struct follower *f, const char *dir, const char *base,
                         const struct store_file *k)
{
    struct cands c = {0};
    int found = 0;
    list_siblings(dir, base, 0, &c);
    for (size_t i = 0; i < c.n && !found; i++) {
        struct stat st;
        found = c.v[i].mtime_ns / 1000000000 >= k->mtime && stat(c.v[i].path, &st) == 0 &&
                !fully_read(f, c.v[i].path, &st);
    }
    free(c.v);
    return found;
}

/* 1 if row k (gone) was the newest file of its stream, the one its writer
 * appended to, and rotated files newer than it are there: it was rotated
 * while logdeck was down, and the files rotated after it may have been
 * deleted too, whole (rotation deletes the oldest first: had k been kept,
 * so would they). Nothing left shows how many there were: the kept
 * siblings' sizes and times say how big files grow and how fast they were
 * written, not how many were written while logdeck was away (a burst and
 * a quiet night look the same), so no estimate. (Gone with no rotated
 * file newer than it: deleted or replaced, not rotated, as far as anything
 * shows; recover_gone says that lines appended to it, if any, are lost.) */
static int newest_gone(struct follower *f, const struct store_file *k, struct err *e)
{
    char dir[PATH_MAX], base[NAME_MAX + 1];
    int si = fscan_source_of(f, k->path, 0);
    if (si < 0 || (!f->sc.src[si]->exact && fscan_source_of(f, k->path, 1) < 0))
        return 0;   /* a rotated sibling of a glob's file: its live name unknown */
    split(k->path, dir, base);
    if (f->sc.src[si]->exact)
        snprintf(base, sizeof base, "%s", f->sc.src[si]->pat);
    struct newest n = {dir, base, 0};
    if (store_file_status(f->s, 0, newest_row, &n, e) < 0)
        return -1;
    return n.id == k->id && rotated_after(f, dir, base, k);
}

/* Row k's file was found nowhere: what it held past its checkpoint is
 * lost; and what was appended to it after logdeck stopped, estimated from
 * the sizes its rotated siblings reached (said so). When k was its
 * stream's newest file, the files rotated after it and deleted too are a
 * loss of unknown size: said, and counted as one (store_gap_add). */
static int recover_gone(struct follower *f, struct store_file *k, struct err *e)
{
    int64_t size = estimated_size(f, k), covered = k->offset;
    int gap = newest_gone(f, k, e);
    if (gap < 0 || store_file_ranges_get(f->s, k->id, k, e) < 0)
        return -1;
    if (k->nranges) {   /* history it never got to (tail-first indexing) is lost too */
        covered = 0;
        for (int i = 0; i < k->nranges; i++)
            covered += k->ranges[i].hi - k->ranges[i].lo;
        k->nranges = 0;
        if (store_begin(f->s, e) < 0 || store_file_ranges_put(f->s, k, e) < 0)
            return -1;
    }
    int64_t lost_b = size > covered ? size - covered : 0;
    int64_t avg = k->records > 0 && covered > 0 ? covered / k->records : 100;
    int64_t lines = lost_b ? (lost_b + avg - 1) / (avg ? avg : 1) : 0;
    k->lost_bytes += lost_b;
    k->lost_lines += lines;
    k->state = FILE_GONE;
    struct ingest_stats *st = ingest_stats_mut(f->in);
    if (lost_b) {
        st->lost_bytes += lost_b;
        st->lost_lines += lines;
        follow_warn(f, "%s: rotated away while logdeck was down and not found: %lld unread "
                    "bytes (about %lld lines%s) lost", k->path, (long long)lost_b,
                    (long long)lines, size > k->size ? ", estimated from the sizes its rotated "
                    "siblings reached" : "");
    } else if (!gap) {
        follow_warn(f, "%s: rotated away while logdeck was down and not found: lines "
                    "appended to it after logdeck stopped, if any, are lost (how many is "
                    "unknown)", k->path);
    }
    char at[32];
    if (gap && lost_b)
        follow_warn(f, "%s (read up to byte %lld): any files rotated after it while logdeck "
                    "was down and deleted before it came back were never read either: how many "
                    "lines is unknown (counted as a loss of unknown size)", k->path,
                    (long long)k->offset);
    else if (gap)
        follow_warn(f, "%s: read up to byte %lld (last written %s), then rotated away and "
                    "deleted while logdeck was down: the lines written to it after that, and "
                    "to any files rotated after it and deleted before logdeck came back, were "
                    "never read; how many is unknown (counted as a loss of unknown size)",
                    k->path, (long long)k->offset, ts_format(k->mtime * 1000000, at));
    st->gaps += gap;
    if (store_begin(f->s, e) < 0 || (gap && store_gap_add(f->s, e) < 0))
        return -1;
    return store_file_put(f->s, k, e);
}

/* Pass 1 for row k, being read when logdeck stopped: still at its path
 * (the scan resumes it; a rotated one still being drained is opened
 * here, and so are the siblings rotated after it), or moved. */
static void recover_find(struct follower *f, const struct store_file *k)
{
    struct stat st;
    if (!fileid_live(k)) {
        recover_moved(f, k);
        return;
    }
    if (fscan_source_of(f, k->path, 1) >= 0)
        return;
    if (stat(k->path, &st) == 0)
        fscan_open(f, k->path, &st, fscan_source_of(f, k->path, 0), 1);
    /* at a rotated name: the files rotated after it may have no row yet (a
     * run killed while draining it, the oldest, had opened them and read
     * none): they were never looked for again, and lost uncounted */
    recover_moved(f, k);
}

static int collect_done(void *ctx, const struct store_file_status *s)
{
    struct ids *x = ctx;
    int si = s->state == FILE_ACTIVE ? -1 : fscan_source_of(x->f, s->path, 0);
    if (si < 0 || !x->f->sc.src[si]->exact)
        return 0;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        int64_t *nv = realloc(x->v, cap * sizeof *nv);
        if (!nv)
            return 1;
        x->v = nv;
        x->cap = cap;
    }
    x->v[x->n++] = s->id;
    return 0;
}

/* Files rotated behind one this store finished with, while no row being
 * read was there to find them (the one before was let go, the next one
 * never got its row: killed first, or created while logdeck was down): a
 * sibling written after the oldest file its source let go belongs to the
 * stream logdeck follows and is opened; one already read is skipped by its
 * identity (a gap left by a crash loop may lie before newer files read). */
static int recover_after_done(struct follower *f, struct store_file *k, struct err *e)
{
    struct ids x = {NULL, 0, 0, f};
    size_t ns = f->sc.nsrc;
    int64_t *oldest = ns ? calloc(ns, sizeof *oldest) : NULL;
    int rc = !ns ? 0 : oldest ? store_file_status(f->s, 0, collect_done, &x, e)
                              : err_set(e, "out of memory");
    for (size_t i = 0; rc == 0 && i < x.n; i++) {
        int r = store_file_by_id(f->s, x.v[i], k, e), si;
        if (r < 0)
            rc = -1;
        else if (r == 1 && (si = fscan_source_of(f, k->path, 0)) >= 0 && k->mtime > 0 &&
                 (!oldest[si] || k->mtime < oldest[si]))
            oldest[si] = k->mtime;
    }
    for (size_t si = 0; rc == 0 && si < ns; si++)
        if (oldest[si] > 0 && f->sc.src[si]->exact && !f->sc.src[si]->retired)
            sweep(f, f->sc.src[si]->dir, f->sc.src[si]->pat, (int)si,
                  (oldest[si] - 1) * 1000000, 0);
    free(oldest);
    free(x.v);
    return rc;
}

/* Recovery at start: every row being read when logdeck stopped is found
 * (pass 1, then the full scan), or counted gone (pass 2). */
int fscan_recover(struct follower *f, struct err *e)
{
    struct ids x = {NULL, 0, 0, f};
    struct store_file *k = malloc(sizeof *k);
    int rc = k ? store_file_status(f->s, 1, collect, &x, e) : err_set(e, "out of memory");
    for (size_t i = 0; rc == 0 && i < x.n; i++) {
        int r = store_file_by_id(f->s, x.v[i], k, e);
        if (r < 0)
            rc = -1;
        else if (r == 1 && !ingest_tracked(f->in, k->id))
            recover_find(f, k);
    }
    if (rc == 0 && k)
        rc = recover_after_done(f, k, e);
    f->full_scan = 1;
    if (rc == 0)
        fscan_run(f);
    for (size_t i = 0; rc == 0 && i < x.n; i++) {
        int r = store_file_by_id(f->s, x.v[i], k, e);
        if (r < 0)
            rc = -1;
        else if (r == 1 && (k->state == FILE_ACTIVE || ingest_retired(f->in, k->id)) &&
                 !ingest_tracked(f->in, k->id) && !fileid_live(k))
            rc = recover_gone(f, k, e);
    }
    free(k);
    free(x.v);
    if (rc == 0)
        follow_history_rows(f);
    if (rc == 0 && follow_commit(f) < 0)
        return err_set(e, "cannot save the recovered checkpoints (see above)");
    return rc;
}
