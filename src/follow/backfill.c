/* backfill: tail-first placement, the covered ranges and the backfill
 * reader of one file (backfill.h). */
#include "src/follow/backfill.h"
#include "src/follow/ranges.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALIGN_WINDOW (256 * 1024)   /* bytes searched for a record start */

/* --- record starts ------------------------------------------------------------- */

static char shape(unsigned char c)
{
    if (isdigit(c))
        return '9';
    if (isupper(c))
        return 'A';
    if (islower(c))
        return 'a';
    if (c == ' ' || c == '\t')
        return ' ';
    return (char)c;
}

/* A line starts a record if it is a JSON object or looks like the file's
 * first line in its first four bytes (a timestamp's digits, syslog's
 * month name): continuation lines (tracebacks) start otherwise. */
static int starts_record(const char *l, size_t n, const char *head, size_t hn)
{
    if (n == 0)
        return 0;
    if (l[0] == '{')
        return 1;
    if (hn == 0 || head[0] == ' ' || head[0] == '\t')
        return l[0] != ' ' && l[0] != '\t';
    for (size_t i = 0; i < 4; i++) {
        if (i >= hn || head[i] == '\n')
            return 1;
        if (i >= n || shape((unsigned char)l[i]) != shape((unsigned char)head[i]))
            return 0;
    }
    return 1;
}

int64_t backfill_align(const struct tailer *t, int64_t off)
{
    struct stat st;
    if (off <= 0)
        return 0;
    if (t->gz || t->fd < 0 || fstat(t->fd, &st) < 0)
        return -1;
    if (off >= st.st_size)
        return st.st_size;
    char *b = malloc(ALIGN_WINDOW);
    if (!b)
        return -1;
    ssize_t n = pread(t->fd, b, ALIGN_WINDOW, off - 1);
    int64_t found = -1;
    size_t i = 0;
    while (n > 0 && i < (size_t)n) {
        char *nl = memchr(b + i, '\n', (size_t)n - i);
        if (!nl)
            break;
        size_t ls = (size_t)(nl - b) + 1;   /* a line starts here */
        char *end = memchr(b + ls, '\n', (size_t)n - ls);
        if (!end && off - 1 + n < st.st_size)
            break;
        size_t len = end ? (size_t)(end - (b + ls)) : (size_t)n - ls;
        if (ls == (size_t)n || starts_record(b + ls, len, t->head, t->head_n)) {
            found = off - 1 + (int64_t)ls;
            break;
        }
        i = ls;
    }
    free(b);
    return found;
}

/* --- ranges -------------------------------------------------------------------- */


int backfill_none_stored(const struct tailer *t)
{
    for (int i = 0; i < t->ck.nranges; i++)
        if (t->ck.ranges[i].hi > t->ck.ranges[i].lo)
            return 0;
    return 1;
}

int backfill_deferred(const struct tailer *t)
{
    return !t->owner && t->gz && !t->gz_done && t->ck.nranges == 1 && t->ck.ranges[0].lo == 0;
}

int backfill_pending(const struct tailer *t)
{
    const struct tailer_ck *c = &t->ck;
    return c->nranges > 1 || (c->nranges == 1 && (c->ranges[0].lo > 0 || backfill_deferred(t)));
}

/* A file stored up to its checkpoint with much appended since (the
 * follower was down): the newest end first again, the gap above the
 * checkpoint becomes history. */
static int catch_up(struct tailer *t, int64_t tail_bytes)
{
    struct tailer_ck ck = t->ck;
    if (t->gz || t->pos != ck.offset ||
        t->seen_size - ck.offset <= (tail_bytes > BACKFILL_SMALL ? tail_bytes : BACKFILL_SMALL))
        return 0;
    if (ck.nranges >= STORE_MAX_RANGES - 1)   /* one more, and the reader's, must fit */
        return BACKFILL_FULL;
    int64_t s = backfill_align(t, t->seen_size - tail_bytes);
    if (s <= ck.offset)
        return 0;
    if (ck.nranges == 0) {
        ck.ranges[0] = (struct store_range){0, ck.offset, 0};
        ck.nranges = 1;
    }
    ck.ranges[ck.nranges++] = (struct store_range){s, s, 0};
    ck.offset = s;
    ck.tail_hash = 0;   /* checked again from the next commit on */
    return tailer_place(t, &ck, NULL) < 0 ? 0 : 1;
}

int backfill_start(struct tailer *t, int64_t tail_bytes)
{
    if (t->ck.id)
        return catch_up(t, tail_bytes);
    /* a small live file is read at once, in order: it costs a few ms; a
     * file not written to for a while (tail_bytes 0) is history however
     * small: a directory of many old files would otherwise all be read
     * before the live files' newest lines */
    if (t->ck.nranges || t->pos || (t->seen_size <= BACKFILL_SMALL && tail_bytes > 0))
        return 0;
    if (t->gz) {
        t->ck.nranges = 1;
        t->ck.ranges[0] = (struct store_range){0, 0, 0};
        t->ck.size = t->seen_size;   /* compressed: a lower bound */
        t->saved = t->ck;
        return 1;
    }
    if (t->seen_size <= tail_bytes)
        return 0;
    int64_t s = backfill_align(t, t->seen_size - tail_bytes);
    if (s <= 0)
        return 0;
    struct tailer_ck ck = t->ck;
    ck.offset = s;
    ck.nranges = 1;
    ck.ranges[0] = (struct store_range){s, s, 0};
    return tailer_place(t, &ck, NULL) < 0 ? 0 : 1;
}

/* --- the backfill reader ----------------------------------------------------------- */

/* The newest gap [*lo, *hi) below the stored ranges: 1, or 0 if none. */
static int newest_gap(const struct tailer_ck *c, int64_t *lo, int64_t *hi)
{
    for (int i = c->nranges - 1; i >= 0; i--) {
        int64_t below = i > 0 ? c->ranges[i - 1].hi : 0;
        if (below < c->ranges[i].lo) {
            *lo = below;
            *hi = c->ranges[i].lo;
            return 1;
        }
    }
    return 0;
}

static int open_reader(struct tailer *t, struct err *e)
{
    int64_t lo, hi;
    if (t->fd < 0 || !newest_gap(&t->ck, &lo, &hi))
        return 0;
    int64_t a = lo;
    /* nothing of the file stored yet (not written to for a while: all of
     * it is history): its newest end first, as small as a live file's */
    const struct store_range *top = &t->ck.ranges[t->ck.nranges - 1];
    int64_t chunk = top->lo == top->hi && hi == top->lo ? BACKFILL_TAIL_BYTES : BACKFILL_CHUNK;
    if (!t->gz && hi - lo > chunk) {
        int64_t s = backfill_align(t, hi - chunk);
        if (s > lo && s < hi)
            a = s;
    }
    if (ranges_insert(&t->ck, a) < 0)
        return 0;
    int fd = dup(t->fd);
    struct stat st;
    struct tailer *r = fd >= 0 ? tailer_adopt(fd, t->path, t->po, t->max_line, &st, e) : NULL;
    struct tailer_ck ck;
    memset(&ck, 0, sizeof ck);
    ck.id = t->ck.id;
    ck.offset = a;
    if (!r || tailer_place(r, &ck, e) < 0) {
        tailer_free(r);
        ranges_merge(&t->ck);
        return err_set(e, "%s: cannot open a second reader for the backfill", t->path);
    }
    r->owner = t;
    r->bf_lo = a;
    r->bf_end = hi;
    t->bf = r;
    return 1;
}

/* The reader reached the range above: its gap is filled. */
static int close_reader(struct tailer *t, const struct tailer_sink *k, struct err *e)
{
    struct tailer *r = t->bf;
    if (tailer_finish(r, k, e) < 0)
        return -1;
    int i = ranges_find(&t->ck, r->bf_lo);
    if (i >= 0 && t->ck.ranges[i].hi < r->bf_end)
        t->ck.ranges[i].hi = r->bf_end;
    ranges_merge(&t->ck);
    tailer_free(r);
    t->bf = NULL;
    return 0;
}

int64_t backfill_step(struct tailer *t, const struct tailer_sink *k, char *buf, size_t bufsz,
                      int64_t max, struct err *e)
{
    if (backfill_deferred(t)) {
        int64_t n = tailer_read(t, k, buf, bufsz, max, e);
        if (n == 0 && t->gz_done && tailer_finish(t, k, e) < 0)
            return -1;
        return n;
    }
    if (!t->bf) {
        int r = open_reader(t, e);
        if (r <= 0)
            return r;
    }
    struct tailer *r = t->bf;
    int64_t want = r->bf_end - r->pos;
    if (want > max)
        want = max;
    int64_t n = want > 0 ? tailer_read(r, k, buf, bufsz, want, e) : 0;
    if (n < 0)
        return -1;
    if ((r->pos >= r->bf_end || n == 0) && close_reader(t, k, e) < 0)
        return -1;
    return n > 0 ? n : 1;
}
