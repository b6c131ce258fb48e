/* loop: the follower's life and loop (follow.h): follow_new/follow_free,
 * follow_run() waiting on inotify, the grabber's wakeups and signals;
 * timers (stat sweeps, full scans, status lines, retention steps, the
 * on_tick hook); SIGHUP reloads. The top of src/follow's files: it calls
 * them all, none calls it. follow_stop, reading and commits are
 * follow.c's. */
#include "src/follow/follow_int.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "src/base/ts.h"

#define IDLE_COMMIT_US (10 * MS)   /* commit when nothing arrived for this long */
#define SWEEP_US (2000 * MS)       /* stat every open file (backs inotify up) */
#define FULL_US (10000 * MS)       /* rescan every source */
#define POLL_US (250 * MS)         /* --poll and network file systems */
#define GATHER_MS 3                /* writes gather between passes that read */

/* --- life ---------------------------------------------------------------------------------- */

static void raise_fd_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

struct follower *follow_new(struct store *s, const struct config *cfg,
                            const struct follow_opts *o, struct err *e)
{
    struct follower *f = calloc(1, sizeof *f);
    if (!f) {
        err_set(e, "out of memory");
        return NULL;
    }
    f->s = s;
    f->o = *o;
    f->up = (struct follow_up){.truncated = fscan_truncated, .siblings = fscan_siblings,
                               .watch_dir = fgrab_watch, .known = fgrab_known,
                               .race = fscan_race};
    f->o.batch_records = o->batch_records > 0 ? o->batch_records : 20000;
    f->o.batch_ms = o->batch_ms > 0 ? o->batch_ms : 100;
    f->ifd = f->lp.sfd = -1;
    f->wfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    hmap_init(&f->by_ino);
    hmap_init(&f->by_path);
    hmap_init(&f->skip);
    struct ingest_opts io = {.max_line = cfg->max_line, .batch_records = INT64_MAX,
                             .parse = o->parse};
    if (f->wfd < 0) {
        err_set(e, "cannot create an eventfd: %s", strerror(errno));
        follow_free(f);
        return NULL;
    }
    /* the SQLite inserts run on the store's thread while this one parses,
     * as in the one-shot index: the backfill of a large history costs no
     * more than `logdeck index` (on one thread, 1.1-1.2x its CPU time) */
    if (store_bulk(s, e) < 0 || !(f->in = ingest_new(s, &io, e)) ||
        fscan_set_sources(f, cfg, e) < 0 ||
        (cfg->max_pages && store_set_max_pages(s, cfg->max_pages, e) < 0)) {
        follow_free(f);
        return NULL;
    }
    f->cfg = cfg;
    if (!o->poll && (f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
        follow_warn(f, "inotify unavailable (%s): polling instead", strerror(errno));
    raise_fd_limit();
    return f;
}

void follow_free(struct follower *f)
{
    if (!f)
        return;
    fgrab_stop(f);
    ingest_rollback(f->in);
    while (f->nt)
        follow_forget(f, f->t[f->nt - 1]);
    free(f->t);
    ingest_free(f->in);
    fscan_fini(f);
    hmap_fini(&f->by_ino);
    hmap_fini(&f->by_path);
    hmap_fini(&f->skip);
    if (f->ifd >= 0)
        close(f->ifd);
    if (f->lp.sfd >= 0)
        close(f->lp.sfd);
    if (f->wfd >= 0)
        close(f->wfd);
    free(f);
}

/* --- status -------------------------------------------------------------------------------- */

void follow_get_status(const struct follower *f, struct follow_status *st)
{
    const struct ingest_stats *is = ingest_stats(f->in);
    *st = f->st;
    st->records = is->records;
    st->bytes = is->bytes;
    st->files = (int64_t)f->nt;
    st->away = 0;
    st->lag_bytes = 0;
    st->lost_lines = st->lost_bytes = st->truncated = 0;
    for (size_t i = 0; i < f->nt; i++) {
        const struct tailer *t = f->t[i];
        st->away += t->away;
        if (!t->gz && t->seen_size > t->done)
            st->lag_bytes += t->seen_size - t->done;
    }
    st->lost_lines = is->lost_lines;
    st->lost_bytes = is->lost_bytes;
    st->low_lines = is->low_lines;
    st->est_lines = is->est_lines;
    st->est_bytes = is->est_bytes;
    st->lost_gaps = is->gaps;
    st->truncated = is->truncated;
}

static void print_status(struct follower *f)
{
    struct follow_status st;
    struct store_coverage cov = {0};
    follow_get_status(f, &st);
    store_coverage(f->s, &cov, NULL);
    char hist[64] = "";
    if (cov.files_partial)
        snprintf(hist, sizeof hist, ", history %lld MiB left in %lld files",
                 (long long)(cov.bytes_left >> 20), (long long)cov.files_partial);
    double secs = f->o.status_interval_s > 0 ? f->o.status_interval_s : 1;
    /* copytruncate races never seen: their own figure, an estimate, never
     * added to the count (which holds only lines known lost) */
    char est[128] = "";
    if (st.est_lines > 0)
        snprintf(est, sizeof est, ", ~%lld more lines / %lld bytes estimated (copytruncate "
                 "races, never seen)", (long long)st.est_lines, (long long)st.est_bytes);
    /* deleted while logdeck was down: nothing shows how many lines */
    char gaps[160] = "";
    if (st.lost_gaps > 0)
        snprintf(gaps, sizeof gaps, ", and an unknown number after %lld checkpoint%s (files "
                 "rotated away and deleted while logdeck was down)", (long long)st.lost_gaps,
                 st.lost_gaps > 1 ? "s" : "");
    fprintf(f->o.status, "%s: %.0f records/s, %lld records, %lld files (%lld rotated"
            " draining), lag %lld bytes, lost %s%lld lines / %lld bytes%s / %lld files unread%s%s,"
            " truncated %lld%s%s\n",
            f->o.name ? f->o.name : "logdeck index",
            (double)(st.records - f->lp.st_records0) / secs, (long long)st.records,
            (long long)st.files, (long long)st.away, (long long)st.lag_bytes,
            st.lost_lines <= 0 ? "" : st.low_lines == st.lost_lines ? "at least " : "~",
            (long long)st.lost_lines, (long long)st.lost_bytes,
            st.lost_lines <= 0 ? "" : st.low_lines == st.lost_lines ? " (known, never read)"
                                 : " (estimated: lines never read)", (long long)st.lost_files, est, gaps,
            (long long)st.truncated, hist, f->now < f->stall_until ? ", STORE FULL (waiting)" : "");
    fflush(f->o.status);
    f->lp.st_records0 = st.records;
}

static void retention(struct follower *f)
{
    struct err e = {0};
    int64_t n = 0, m = 0;
    f->lp.next_retention = f->now + 10000 * MS;
    if (!config_has_retention(f->cfg) || ingest_pending(f->in))
        return;
    n = store_retention_step(f->s, f->cfg->retention_us, f->now, 2000, &e);
    if (n >= 0)
        m = store_size_step(f->s, f->cfg->max_size, 2000, &e);
    if (m > 0 && f->now - f->cap_warn_us >= 60000 * MS) {
        f->cap_warn_us = f->now;
        follow_warn(f, "the store reached its size cap (%lld MiB): dropping the oldest records "
                    "(%lld so far in this step)", (long long)(f->cfg->max_size >> 20),
                    (long long)m);
    }
    if (n < 0 || m < 0)
        follow_warn(f, "retention: %s", e.msg);
    else if (n + m >= 2000)
        f->lp.next_retention = f->now + 50 * MS;   /* more to do, in small steps */
}

/* --- signals ---------------------------------------------------------------------------------- */

int follow_block_signals(sigset_t *old)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGTERM);
    sigaddset(&m, SIGINT);
    sigaddset(&m, SIGHUP);
    return pthread_sigmask(SIG_BLOCK, &m, old);
}

static int signals_open(struct follower *f, sigset_t *old, struct err *e)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGTERM);
    sigaddset(&m, SIGINT);
    sigaddset(&m, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &m, old) < 0 ||
        (f->lp.sfd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
        return err_set(e, "cannot set up signal handling: %s", strerror(errno));
    return 0;
}

static void reload(struct follower *f)
{
    struct err e = {0};
    const struct config *c = NULL;
    if (!f->o.reload)
        return;
    if (f->o.reload(f->o.reload_ctx, &c, &e) < 0 || fscan_set_sources(f, c, &e) < 0) {
        follow_warn(f, "SIGHUP: %s; keeping the previous configuration", e.msg);
        return;
    }
    f->cfg = c;
    if (store_set_max_pages(f->s, c->max_pages, &e) < 0)
        follow_warn(f, "%s", e.msg);
    f->stall_until = 0;
    fscan_watch_all(f);
    fgrab_rules(f);
    f->full_scan = 1;
    follow_warn(f, "configuration reloaded from %s", c->file ? c->file : "(none)");
}

static void read_signals(struct follower *f)
{
    struct signalfd_siginfo si;
    while (read(f->lp.sfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGHUP)
            reload(f);
        else
            atomic_store(&f->stop, 1);
    }
}

/* --- the loop ------------------------------------------------------------------------------------ */

static int64_t next_wakeup(struct follower *f, int64_t next, int busy)
{
    int64_t t = f->lp.next_sweep;
    if (f->lp.next_full < t)
        t = f->lp.next_full;
    if (f->o.status_interval_s > 0 && f->lp.next_status < t)
        t = f->lp.next_status;
    if (f->lp.next_retention < t)
        t = f->lp.next_retention;
    if (f->lp.caught_up && f->o.on_tick && f->lp.next_tick < t)
        t = f->lp.next_tick;
    if (next < t)
        t = next;
    if (f->stall_until > f->now && f->stall_until < t)
        t = f->stall_until;
    if (f->batch_start) {
        int64_t dl = f->batch_start + f->o.batch_ms * MS;
        if (dl < t)
            t = dl;
        if (f->now + IDLE_COMMIT_US < t)
            t = f->now + IDLE_COMMIT_US;
    }
    if (busy)
        t = f->now;
    return t;
}

static void periodic(struct follower *f)
{
    int fast = f->ifd < 0 || f->sc.any_remote;
    if (f->now >= f->lp.next_sweep) {
        for (size_t i = 0; i < f->nt; i++)
            f->t[i]->want = 1;
        f->lp.next_sweep = f->now + (fast ? POLL_US : SWEEP_US);
    }
    if (f->now >= f->lp.next_full) {
        f->full_scan = 1;
        f->lp.next_full = f->now + (fast ? 4 * POLL_US : FULL_US);
    }
    if (f->o.status_interval_s > 0 && f->now >= f->lp.next_status) {
        print_status(f);
        f->lp.next_status = f->now + f->o.status_interval_s * 1000 * MS;
    }
    if (f->now >= f->lp.next_retention)
        retention(f);
    if (f->lp.caught_up && f->o.on_tick && f->now >= f->lp.next_tick) {
        f->lp.next_tick = f->now + (f->o.tick_ms > 0 ? f->o.tick_ms : 1000) * MS;
        if (follow_commit(f) == 0)   /* no open batch: the hook may write */
            f->o.on_tick(f->o.hook_ctx, f->now);
    }
}

static int any_want(const struct follower *f)
{
    if (f->now < f->stall_until)
        return 0;
    for (size_t i = 0; i < f->nt; i++)
        if (f->t[i]->want)
            return 1;
    return 0;
}

/* Every file found at the start read to its end: the hooks' "caught up". */
static void check_caught_up(struct follower *f, int got)
{
    if (f->lp.caught_up || got || any_want(f) || ingest_pending(f->in))
        return;
    f->lp.caught_up = 1;
    f->lp.next_tick = f->now;
}

static void wait_events(struct follower *f, int64_t next)
{
    int64_t wake = next_wakeup(f, next, any_want(f));
    int ms = wake <= f->now ? 0 : (int)((wake - f->now + 999) / 1000);
    struct pollfd pf[3] = {{f->lp.sfd, POLLIN, 0}, {f->wfd, POLLIN, 0}, {f->ifd, POLLIN, 0}};
    int r = atomic_load(&f->stop) ? 0 : poll(pf, f->ifd >= 0 ? 3 : 2, ms);
    f->now = ts_now();
    f->lp.idle = r == 0;
    if (r > 0 && (pf[0].revents & POLLIN))
        read_signals(f);
    if (r > 0 && (pf[1].revents & POLLIN)) {
        uint64_t n;
        if (read(f->wfd, &n, sizeof n) < 0 && errno != EAGAIN)
            follow_warn(f, "reading the wakeup eventfd: %s", strerror(errno));
    }
    if (r > 0 && f->ifd >= 0 && (pf[2].revents & POLLIN))
        fscan_events(f);
}

/* Lets writes gather after a pass that read: one pass per few ms, not per
 * line (half the CPU of a file written steadily). Cut short by a wakeup
 * (the grabber's: a new file, or a copy being made, which a truncation
 * may follow; follow_stop), left readable for wait_events. */
static void gather(struct follower *f)
{
    struct pollfd pf = {f->wfd, POLLIN, 0};
    if (poll(&pf, 1, GATHER_MS) < 0 && errno != EINTR)
        usleep(GATHER_MS * 1000);
}

static void iterate(struct follower *f)
{
    int64_t next = INT64_MAX;
    fgrab_collect(f);
    fscan_run(f);
    follow_history_rows(f);
    if (store_in_batch(f->s) && !f->batch_start && !f->bf_start)
        f->batch_start = f->now;
    int got = follow_read_pass(f), hist = 0;
    /* history once the live files are caught up: hooks (the alert engine)
     * start from there, and history is never taken for new records. A
     * slice of it after the live files in every turn, lines appended or
     * not: skipping it while lines arrived (200 a second) made the
     * backfill take 2-3x as long (bfbench --append) */
    if (f->lp.caught_up && !any_want(f) && (hist = follow_backfill(f)))
        next = f->now;   /* more history: come back at once */
    follow_quiet_files(f, &next);
    if (got && !hist && f->now >= f->sc.hurry_until)
        gather(f);
    /* live records as soon as nothing else arrives, or, while history is
     * read (a turn is never idle then), when follow_commit_due says (half
     * of batch_ms): each commit flushes the history in the batch too
     * (FTS5's pending postings), so not one per line; history alone in
     * large batches, the last one when there is no more */
    if ((f->batch_start && (follow_commit_due(f) || (f->lp.idle && !got && !hist))) ||
        (f->bf_start && (follow_commit_due(f) || !hist)))
        follow_commit(f);
    int was = f->lp.caught_up;
    check_caught_up(f, got);
    /* the history starts at once, not at the next timer; and after a turn
     * that read, the next one sees at once whether all is read: waiting
     * for the next timer (a quiet file's last record, 100 ms later) held
     * the history back 0.2-0.5 s */
    if ((!was && f->lp.caught_up) || (got && !f->lp.caught_up))
        next = f->now;
    periodic(f);
    wait_events(f, next);
}

int follow_run(struct follower *f, struct err *e)
{
    sigset_t old;
    if (signals_open(f, &old, e) < 0)
        return -1;
    f->now = f->start_us = ts_now();
    f->lp.next_sweep = f->now + SWEEP_US;
    f->lp.next_full = f->now + FULL_US;
    f->lp.next_status = f->now + f->o.status_interval_s * 1000 * MS;
    f->lp.next_retention = f->now + 1000 * MS;
    fgrab_start(f, e);
    fscan_watch_all(f);
    int rc = fscan_recover(f, e);   /* ends with a full scan */
    f->counting = 1;
    if (rc == 0 && f->o.status_interval_s > 0 && f->o.status)
        follow_warn(f, "following %zu files in %zu directories", f->nt, f->sc.ndirs);
    while (rc == 0 && !atomic_load(&f->stop))
        iterate(f);
    if (rc == 0)
        fgrab_finish(f);
    for (size_t i = 0; rc == 0 && i < f->nt; i++)   /* what was written meanwhile tells */
        fscan_race(f, f->t[i], 1);
    if (rc == 0 && ingest_pending(f->in)) {
        if (ingest_commit(f->in, e) < 0)
            rc = -1;
        else
            follow_committed(f);
    }
    if (f->o.status_interval_s > 0 && f->o.status) {
        f->now = ts_now();
        print_status(f);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}
