/* follow: the follower's core (follow_int.h): the set of open files,
 * reading the files that changed (rotated files first, oldest first),
 * commits (and the on_commit hook), letting rotated files go once
 * drained. The bottom of src/follow's files: it calls none of them (a
 * truncation goes up to rot.c through f->up). Its life, the loop, signals
 * and timers are in loop.c; sources and scans in scan.c, rotations in
 * rot.c, files held from their creation in grabwatch.c. */
#include "src/follow/follow_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <unistd.h>

#include "db/follow_db.h"
#include "src/follow/backfill.h"
#include "src/base/ts.h"

#define SLICE (8LL << 20)          /* bytes read from a live file before the next file */
#define FLUSH_US (100 * MS)        /* a multi-line record is complete after this quiet */
#define GRACE_US (2000 * MS)       /* a rotated file is let go after this quiet */
#define IDLE_CLOSE_US (5000 * MS)  /* idle files may be closed when fds run short */
#define EARLY_COMMITS 16                 /* commits at the start: one per tail-first file
                                            or history slice (the newest shown at once) */
#define HISTORY_BATCH_RECORDS 100000     /* a batch of history only: committed at this
                                            size (the one-shot index's batch) */
#define LIVE_HIST_PCT 50          /* live records beside history: committed at this share
                                     of batch_ms (the commit takes longer: it flushes the
                                     history read meanwhile too) */
#define HISTORY_BATCH_MAX_US (10000 * MS) /* or after this long (a very slow machine) */

void follow_warn(struct follower *f, const char *fmt, ...)
{
    if (!f->o.status)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(f->o.status, "%s: ", f->o.name ? f->o.name : "logdeck index");
    vfprintf(f->o.status, fmt, ap);
    fputc('\n', f->o.status);
    va_end(ap);
}

static size_t fd_budget(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur == RLIM_INFINITY)
        return 60000;
    return r.rlim_cur > 512 ? (size_t)r.rlim_cur - 256 : 256;
}

void follow_stop(struct follower *f)
{
    uint64_t one = 1;
    atomic_store(&f->stop, 1);
    if (write(f->wfd, &one, sizeof one) < 0)
        return;   /* the counter is full: a wakeup is pending anyway */
}

/* --- the set of open files ------------------------------------------------------- */

int follow_add(struct follower *f, struct tailer *t, int src, int away)
{
    if (f->nt == f->capt) {
        size_t cap = f->capt ? f->capt * 2 : 64;
        struct tailer **nt = realloc(f->t, cap * sizeof *nt);
        if (!nt)
            return -1;
        f->t = nt;
        f->capt = cap;
    }
    size_t i = f->nt;
    while (i > 0 && f->t[i - 1]->order_ns > t->order_ns)
        i--;
    memmove(&f->t[i + 1], &f->t[i], (f->nt - i) * sizeof *f->t);
    f->t[i] = t;
    f->nt++;
    t->src = src;
    t->away = away;
    t->away_us = away ? f->now : 0;
    t->want = 1;
    t->path_key = hmap_key_str(t->path);
    /* history not stored yet: the newest end first; a source not written
     * to for a while: all of it later. A rotated file (away) is the
     * continuation of a stream the store follows: read at once, in order. */
    struct err e = {0};
    int live = t->mtime_ns / 1000 >= f->now - BACKFILL_LIVE_US;
    int placed = away ? 0 : backfill_start(t, live ? BACKFILL_TAIL_BYTES : 0);
    if (placed == BACKFILL_FULL)
        follow_warn(f, "%s: %d byte ranges stored with history between them (the most a "
                    "file keeps): what was appended meanwhile is read from the checkpoint on, "
                    "oldest first", t->path, t->ck.nranges);
    else if (placed && ingest_touch(f->in, t, &e) < 0)
        follow_failed(f, &e);
    if (hmap_put(&f->by_ino, hmap_key2(t->ck.dev, t->ck.ino), t) < 0)
        return -1;
    /* a rotated file known by a name another file has now leaves that name to it */
    if ((!away || !hmap_get(&f->by_path, t->path_key)) && hmap_put(&f->by_path, t->path_key, t) < 0)
        return -1;
    return 0;
}

void follow_forget(struct follower *f, struct tailer *t)
{
    for (size_t i = 0; i < f->nt; i++)
        if (f->t[i] == t) {
            memmove(&f->t[i], &f->t[i + 1], (f->nt - i - 1) * sizeof *f->t);
            f->nt--;
            break;
        }
    uint64_t k = hmap_key2(t->ck.dev, t->ck.ino);
    if (hmap_get(&f->by_ino, k) == t)
        hmap_del(&f->by_ino, k);
    if (hmap_get(&f->by_path, t->path_key) == t)
        hmap_del(&f->by_path, t->path_key);
    ingest_release(f->in, t);
}

void follow_repath(struct follower *f, struct tailer *t, const char *path)
{
    char *np = strdup(path);
    if (!np)
        return;
    if (hmap_get(&f->by_path, t->path_key) == t)
        hmap_del(&f->by_path, t->path_key);
    free(t->path);
    t->path = np;
    t->path_key = hmap_key_str(np);
    hmap_put(&f->by_path, t->path_key, t);
}

/* --- commits ------------------------------------------------------------------------ */

void follow_failed(struct follower *f, struct err *e)
{
    ingest_rollback(f->in);
    f->batch_start = f->bf_start = 0;
    f->bf_newest = 0;
    f->stall_until = f->now + 1000 * MS;
    for (size_t i = 0; i < f->nt; i++)
        f->t[i]->want = 1;
    if (strstr(e->msg, "full"))
        f->st.store_full++;
    if (f->now - f->last_err_us >= 5000 * MS) {
        follow_warn(f, "%s; retrying", e->msg);
        f->last_err_us = f->now;
    }
}

int follow_commit(struct follower *f)
{
    struct err e = {0};
    if (!ingest_pending(f->in) && !store_in_batch(f->s))
        return 0;
    if (ingest_commit(f->in, &e) < 0) {
        follow_failed(f, &e);
        return -1;
    }
    follow_committed(f);
    return 0;
}

void follow_committed(struct follower *f)
{
    int live = f->batch_start != 0 || !f->bf_start;
    f->st.commits++;
    f->batch_start = f->bf_start = 0;
    f->bf_newest = 0;
    if (!f->o.on_commit)
        return;
    struct follow_commit_info ci = {.max_record_id = store_last_record_id(f->s),
                                    .records = ingest_stats(f->in)->records,
                                    .commits = f->st.commits, .live = live,
                                    .est_lines = ingest_stats(f->in)->est_lines};
    f->o.on_commit(f->o.hook_ctx, &ci);
}

/* A batch holding live records is committed within batch_ms (they are
 * shown within 250 ms), within half of it when history was read into the
 * batch too: its commit takes longer (FTS5 flushes the history's pending
 * postings with it, ~5 us a record), so the live records' latency is the
 * window plus that commit (bfbench --append at load 11-13, 1M lines,
 * 200 lines/s: p50 189 -> 115 ms, p99 566 -> 458 ms, 187 -> 246 commits);
 * one holding only history at HISTORY_BATCH_RECORDS,
 * as the one-shot index commits (each commit flushes the full-text and
 * posting indexes as small segments that are merged again later: a commit
 * per slice made the backfill 1.2-1.8x slower than `logdeck index`).
 * By size, not by time: with a batch of 1 s, a loaded machine, or a large
 * store (read slower), cut it at 30,000-50,000 records and the backfill
 * made 2-3x the one-shot's commits (115-145 against 55 at 5M lines).
 * HISTORY_BATCH_MAX_US only keeps the progress moving on a very slow
 * machine. Among the first EARLY_COMMITS, a slice that read the newest end
 * of a file none of which was stored (every file older than an hour: its
 * newest records reach the screen that way) is committed at once; any
 * other slice waits for the batch: the live files' tails are on screen
 * already, and a commit per slice for the first 16 cost the TUI's backfill
 * 0.1-0.3 s at 1M. */
int follow_history_due(int64_t pending, int64_t age_us, int newest)
{
    return age_us >= HISTORY_BATCH_MAX_US || pending >= HISTORY_BATCH_RECORDS || newest;
}

int follow_commit_due(const struct follower *f)
{
    int64_t n = ingest_pending(f->in);
    if (f->batch_start) {
        int64_t w = f->o.batch_ms * MS;
        if (f->bf_start)
            w = w * LIVE_HIST_PCT / 100;
        return f->now - f->batch_start >= w || n >= f->o.batch_records;
    }
    return f->bf_start && follow_history_due(n, f->now - f->bf_start, f->bf_newest);
}

/* --- reading -------------------------------------------------------------------------- */

static int read_one(struct follower *f, struct tailer *t)
{
    struct err e = {0};
    if (t->fd < 0) {
        int r = tailer_reopen(t, &e);
        if (r <= 0) {   /* replaced while closed: the scan will sort it out */
            t->want = 0;
            f->full_scan = 1;
            return 0;
        }
    }
    if (!t->gz && tailer_truncated(t)) {
        f->up.truncated(f, t);
        return 0;
    }
    if (race_due(&t->race, 0))
        f->up.race(f, t, 0);
    for (;;) {
        int64_t n = ingest_read(f->in, t, SLICE, &e);
        if (n < 0) {
            follow_failed(f, &e);
            return -1;
        }
        if (n && !f->batch_start)
            f->batch_start = f->now;
        if (t->replaced) {   /* truncated under the read: what it read before is kept */
            f->up.truncated(f, t);
            return n > 0;
        }
        t->want = n == SLICE;
        if (n < SLICE && (t->away || t->drain) && ingest_flush(f->in, t, t->gz && t->gz_done, &e) < 0) {
            follow_failed(f, &e);   /* a rotated file at its end: its last record is complete */
            return -1;
        }
        if (n < SLICE || !t->away)
            return n > 0;
        if (follow_commit_due(f) && follow_commit(f) < 0)
            return -1;
    }
}

/* Which files pass p of follow_read_pass reads: 0 rotated files, 1 live
 * files placed tail-first (history below what they read), 2 the other
 * live files. */
static int in_pass(const struct tailer *t, int p)
{
    if (t->away)
        return p == 0;
    return backfill_pending(t) ? p == 1 : p == 2;
}

/* Rotated files first, each read to its end, oldest first (the order they
 * were written in); then the live files placed tail-first, newest first
 * (the newest end of the newest file reaches the screen before the rest:
 * they are out of order anyway, their history comes later); then the other
 * live files, oldest first (a glob's files keep their order). Until the
 * files found at the start are caught up, each of the first tail-first
 * files is committed once read, so that its newest records show at once
 * (not thousands of them: a commit costs a few ms). */
int follow_read_pass(struct follower *f)
{
    int got = 0;
    for (int pass = 0; pass < 3; pass++)
        for (size_t k = 0; k < f->nt && f->now >= f->stall_until; k++) {
            struct tailer *t = f->t[pass == 1 ? f->nt - 1 - k : k];
            if (t->want && backfill_deferred(t))
                t->want = 0;   /* history: read by follow_backfill */
            if (!t->want || !in_pass(t, pass))
                continue;
            int r = read_one(f, t);
            if (r < 0)
                return got;
            got |= r;
            if (follow_commit_due(f) ||
                (r > 0 && pass == 1 && !f->lp.caught_up && f->st.commits < EARLY_COMMITS))
                follow_commit(f);
        }
    return got;
}

/* --- history (tail-first indexing) -------------------------------------------------------- */

#define BACKFILL_SLICE (512LL << 10)   /* history read per loop turn: live files stay prompt */
#define BACKFILL_LIVE_SLICE (128LL << 10)   /* the same with live records in the batch */

/* The file whose history is read next: one being backfilled, else live
 * files before rotated ones before compressed ones, newest first. */
static struct tailer *next_backfill(struct follower *f)
{
    struct tailer *best = NULL;
    int bc = 3;
    for (size_t i = f->nt; i-- > 0;) {
        struct tailer *t = f->t[i];
        if (t->fd < 0 || t->bf_retry_us > f->now || !backfill_pending(t))
            continue;
        if (t->bf)
            return t;
        int c = (t->gz || backfill_deferred(t)) ? 2 : t->away ? 1 : 0;
        if (c < bc) {
            best = t;
            bc = c;
        }
    }
    return best;
}

void follow_history_rows(struct follower *f)
{
    struct err e = {0};
    for (size_t i = 0; i < f->nt; i++) {
        struct tailer *t = f->t[i];
        if (!t->ck.id && backfill_pending(t) && ingest_touch(f->in, t, &e) < 0) {
            follow_failed(f, &e);
            return;
        }
    }
}

int follow_backfill(struct follower *f)
{
    struct err e = {0};
    if (f->now < f->stall_until)
        return 0;
    if (f->cfg->max_size > 0 && f->now >= f->cap_check_us) {   /* history would only be dropped */
        f->cap_check_us = f->now + 1000 * MS;
        int capped = store_used_bytes(f->s) >= f->cfg->max_size / 10 * 9;
        if (capped && !f->bf_capped)
            follow_warn(f, "the store is near its size cap (%lld MiB): older history is not "
                        "indexed (raise store.max_size to keep more)",
                        (long long)(f->cfg->max_size >> 20));
        f->bf_capped = capped;
    }
    if (f->bf_capped)
        return 0;
    struct tailer *t = next_backfill(f);
    if (!t)
        return 0;
    int newest = backfill_none_stored(t) && f->st.commits < EARLY_COMMITS;
    /* live records wait in the batch: a short slice, so that their commit
     * (at batch_ms) is not held up by the history read before it */
    int64_t n = ingest_backfill(f->in, t, f->batch_start ? BACKFILL_LIVE_SLICE : BACKFILL_SLICE, &e);
    if (n < 0) {
        follow_failed(f, &e);
        return 0;
    }
    if (n == 0)
        t->bf_retry_us = f->now + 1000 * MS;
    else if (!f->bf_start)
        f->bf_start = f->now;
    f->bf_newest |= n > 0 && newest;
    return 1;
}

/* --- quiet files ------------------------------------------------------------------------ */

static void release(struct follower *f, struct tailer *t)
{
    struct err e = {0};
    if ((!t->gz || t->gz_done) && ingest_flush(f->in, t, 1, &e) < 0) {
        follow_failed(f, &e);
        return;
    }
    struct stat st;
    int there = t->path && stat(t->path, &st) == 0 && (uint64_t)st.st_ino == t->ck.ino &&
                (uint64_t)st.st_dev == t->ck.dev;
    t->ck.state = there ? FILE_ROTATED : FILE_GONE;
    if (ingest_touch(f->in, t, &e) < 0 || ingest_commit(f->in, &e) < 0) {
        follow_failed(f, &e);
        return;
    }
    follow_committed(f);
    follow_forget(f, t);
    hmap_fini(&f->skip);     /* copies of it may be read now */
    hmap_init(&f->skip);
    f->full_scan = 1;
}

/* A live file whose last line has had no newline for store.partial_line_after
 * (no byte arrived, mtime that old too): the line is stored as it is; what
 * the writer may append to it later reads as a line of its own. 1 if it
 * was stored, -1 on error. */
static int quiet_partial(struct follower *f, struct tailer *t, int64_t *next)
{
    struct err e = {0};
    struct stat st;
    int64_t after = f->cfg && f->cfg->partial_after_us ? f->cfg->partial_after_us
                                                       : CONFIG_PARTIAL_AFTER_US;
    if (!t->line_total || t->gz || t->fd < 0 || fstat(t->fd, &st) < 0)
        return 0;
    int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000;
    int64_t last = t->last_data_us > mt ? t->last_data_us : mt;
    if (f->now - last < after) {
        if (last + after < *next)
            *next = last + after;
        return 0;
    }
    if (ingest_flush(f->in, t, 1, &e) < 0) {
        follow_failed(f, &e);
        return -1;
    }
    if (!f->batch_start)
        f->batch_start = f->now;
    return 1;
}

void follow_quiet_files(struct follower *f, int64_t *next)
{
    struct err e = {0};
    size_t open_fds = 0, budget = fd_budget();
    for (size_t i = 0; i < f->nt; i++)
        open_fds += f->t[i]->fd >= 0;
    for (size_t i = f->nt; i-- > 0 && f->now >= f->stall_until;) {
        struct tailer *t = f->t[i];
        int64_t quiet = f->now - (t->last_data_us > t->away_us ? t->last_data_us : t->away_us);
        if (!t->away && quiet_partial(f, t, next) < 0)
            return;
        if (t->race.due_ns && f->now * 1000 >= t->race.due_ns)
            f->up.race(f, t, 0);   /* the file went quiet: as it is now */
        else if (t->race.due_ns && t->race.due_ns / 1000 < *next)
            *next = t->race.due_ns / 1000;
        if (tailer_pending(t) >= 0) {
            if (f->now - t->last_data_us >= FLUSH_US) {
                if (ingest_flush(f->in, t, 0, &e) < 0) {
                    follow_failed(f, &e);
                    return;
                }
                if (!f->batch_start)
                    f->batch_start = f->now;
            } else if (t->last_data_us + FLUSH_US < *next) {
                *next = t->last_data_us + FLUSH_US;
            }
        }
        if (t->away && !t->want && !backfill_pending(t)) {
            if (quiet >= GRACE_US)
                release(f, t);
            else if (f->now + 200 * MS < *next)
                *next = f->now + 200 * MS;
        } else if (!t->away && !t->want && open_fds > budget && t->fd >= 0 &&
                   f->now - t->last_data_us >= IDLE_CLOSE_US && tailer_pending(t) < 0 &&
                   !t->in_batch && !backfill_pending(t)) {
            tailer_close_fd(t);
            open_fds--;
        }
    }
}
