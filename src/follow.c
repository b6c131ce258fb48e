/* follow: the follower's loop (follow.h): waiting on inotify and signals,
 * reading the files that changed (rotated files first, oldest first),
 * committing every ~100 ms, letting rotated files go once drained,
 * retention steps, status lines. Sources, scans and rotation handling are
 * in follow_scan.c. */
#include "src/follow_int.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "src/ts.h"

#define MS 1000LL
#define SLICE (8LL << 20)          /* bytes read from a live file before the next file */
#define IDLE_COMMIT_US (10 * MS)   /* commit when nothing arrived for this long */
#define FLUSH_US (100 * MS)        /* a multi-line record is complete after this quiet */
#define GRACE_US (2000 * MS)       /* a rotated file is let go after this quiet */
#define SWEEP_US (2000 * MS)       /* stat every open file (backs inotify up) */
#define FULL_US (10000 * MS)       /* rescan every source */
#define POLL_US (250 * MS)         /* --poll and network file systems */
#define IDLE_CLOSE_US (5000 * MS)  /* idle files may be closed when fds run short */

void follow_warn(struct follower *f, const char *fmt, ...)
{
    if (!f->o.status)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("logdeck index: ", f->o.status);
    vfprintf(f->o.status, fmt, ap);
    fputc('\n', f->o.status);
    va_end(ap);
}

static void raise_fd_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

static size_t fd_budget(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur == RLIM_INFINITY)
        return 60000;
    return r.rlim_cur > 512 ? (size_t)r.rlim_cur - 256 : 256;
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
    f->o.batch_records = o->batch_records > 0 ? o->batch_records : 20000;
    f->o.batch_ms = o->batch_ms > 0 ? o->batch_ms : 100;
    f->ifd = f->sfd = -1;
    hmap_init(&f->by_ino);
    hmap_init(&f->by_path);
    hmap_init(&f->skip);
    struct ingest_opts io = {.max_line = cfg->max_line, .batch_records = INT64_MAX,
                             .parse = o->parse};
    if (!(f->in = ingest_new(s, &io, e)) || fscan_set_sources(f, cfg, e) < 0 ||
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
    if (f->sfd >= 0)
        close(f->sfd);
    free(f);
}

void follow_stop(struct follower *f)
{
    f->stop = 1;
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
    if (hmap_put(&f->by_ino, hmap_key2(t->ck.dev, t->ck.ino), t) < 0 ||
        hmap_put(&f->by_path, t->path_key, t) < 0)
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

static void failed(struct follower *f, struct err *e)
{
    ingest_rollback(f->in);
    f->batch_start = 0;
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
        failed(f, &e);
        return -1;
    }
    f->st.commits++;
    f->batch_start = 0;
    return 0;
}

static int commit_due(const struct follower *f)
{
    return f->batch_start && (f->now - f->batch_start >= f->o.batch_ms * MS ||
                              ingest_pending(f->in) >= f->o.batch_records);
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
        fscan_truncated(f, t);
        return 0;
    }
    for (;;) {
        int64_t n = ingest_read(f->in, t, SLICE, &e);
        if (n < 0) {
            failed(f, &e);
            return -1;
        }
        if (n && !f->batch_start)
            f->batch_start = f->now;
        t->want = n == SLICE;
        if (n < SLICE && (t->away || t->drain) && ingest_flush(f->in, t, t->gz && t->gz_done, &e) < 0) {
            failed(f, &e);   /* a rotated file at its end: its last record is complete */
            return -1;
        }
        if (n < SLICE || !t->away)
            return n > 0;
        if (commit_due(f) && follow_commit(f) < 0)
            return -1;
    }
}

/* Rotated files first, each read to its end; then live files, oldest first. */
static int read_pass(struct follower *f)
{
    int got = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < f->nt && f->now >= f->stall_until; i++) {
            struct tailer *t = f->t[i];
            if (t->want && t->away == !pass) {
                int r = read_one(f, t);
                if (r < 0)
                    return got;
                got |= r;
                if (commit_due(f))
                    follow_commit(f);
            }
        }
    return got;
}

/* --- quiet files ------------------------------------------------------------------------ */

static void release(struct follower *f, struct tailer *t)
{
    struct err e = {0};
    if ((!t->gz || t->gz_done) && ingest_flush(f->in, t, 1, &e) < 0) {
        failed(f, &e);
        return;
    }
    struct stat st;
    int there = t->path && stat(t->path, &st) == 0 && (uint64_t)st.st_ino == t->ck.ino &&
                (uint64_t)st.st_dev == t->ck.dev;
    t->ck.state = there ? FILE_ROTATED : FILE_GONE;
    if (ingest_touch(f->in, t, &e) < 0 || ingest_commit(f->in, &e) < 0) {
        failed(f, &e);
        return;
    }
    follow_forget(f, t);
    hmap_fini(&f->skip);     /* copies of it may be read now */
    hmap_init(&f->skip);
    f->full_scan = 1;
}

static void quiet_files(struct follower *f, int64_t *next)
{
    struct err e = {0};
    size_t open_fds = 0, budget = fd_budget();
    for (size_t i = 0; i < f->nt; i++)
        open_fds += f->t[i]->fd >= 0;
    for (size_t i = f->nt; i-- > 0 && f->now >= f->stall_until;) {
        struct tailer *t = f->t[i];
        int64_t quiet = f->now - (t->last_data_us > t->away_us ? t->last_data_us : t->away_us);
        if (tailer_pending(t) >= 0) {
            if (f->now - t->last_data_us >= FLUSH_US) {
                if (ingest_flush(f->in, t, 0, &e) < 0) {
                    failed(f, &e);
                    return;
                }
                if (!f->batch_start)
                    f->batch_start = f->now;
            } else if (t->last_data_us + FLUSH_US < *next) {
                *next = t->last_data_us + FLUSH_US;
            }
        }
        if (t->away && !t->want) {
            if (quiet >= GRACE_US)
                release(f, t);
            else if (f->now + 200 * MS < *next)
                *next = f->now + 200 * MS;
        } else if (!t->away && !t->want && open_fds > budget && t->fd >= 0 &&
                   f->now - t->last_data_us >= IDLE_CLOSE_US && tailer_pending(t) < 0 &&
                   !t->in_batch) {
            tailer_close_fd(t);
            open_fds--;
        }
    }
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
    st->truncated = is->truncated;
}

static void print_status(struct follower *f)
{
    struct follow_status st;
    follow_get_status(f, &st);
    double secs = f->o.status_interval_s > 0 ? f->o.status_interval_s : 1;
    fprintf(f->o.status, "logdeck index: %.0f records/s, %lld records, %lld files (%lld rotated"
            " draining), lag %lld bytes, lost %lld lines / %lld bytes, truncated %lld%s\n",
            (double)(st.records - f->st_records0) / secs, (long long)st.records,
            (long long)st.files, (long long)st.away, (long long)st.lag_bytes,
            (long long)st.lost_lines, (long long)st.lost_bytes, (long long)st.truncated,
            f->now < f->stall_until ? ", STORE FULL (waiting)" : "");
    fflush(f->o.status);
    f->st_records0 = st.records;
}

static void retention(struct follower *f)
{
    struct err e = {0};
    int64_t n = 0, m = 0;
    f->next_retention = f->now + 10000 * MS;
    if (!config_has_retention(f->cfg) || ingest_pending(f->in))
        return;
    n = store_retention_step(f->s, f->cfg->retention_us, f->now, 2000, &e);
    if (n >= 0)
        m = store_size_step(f->s, f->cfg->max_size, 2000, &e);
    if (n < 0 || m < 0)
        follow_warn(f, "retention: %s", e.msg);
    else if (n + m >= 2000)
        f->next_retention = f->now + 50 * MS;   /* more to do, in small steps */
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
        (f->sfd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
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
    f->full_scan = 1;
    follow_warn(f, "configuration reloaded from %s", c->file ? c->file : "(none)");
}

static void read_signals(struct follower *f)
{
    struct signalfd_siginfo si;
    while (read(f->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGHUP)
            reload(f);
        else
            f->stop = 1;
    }
}

/* --- the loop ------------------------------------------------------------------------------------ */

static int64_t next_wakeup(struct follower *f, int64_t next, int busy)
{
    int64_t t = f->next_sweep;
    if (f->next_full < t)
        t = f->next_full;
    if (f->o.status_interval_s > 0 && f->next_status < t)
        t = f->next_status;
    if (f->next_retention < t)
        t = f->next_retention;
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
    int fast = f->ifd < 0 || f->any_remote;
    if (f->now >= f->next_sweep) {
        for (size_t i = 0; i < f->nt; i++)
            f->t[i]->want = 1;
        f->next_sweep = f->now + (fast ? POLL_US : SWEEP_US);
    }
    if (f->now >= f->next_full) {
        f->full_scan = 1;
        f->next_full = f->now + (fast ? 4 * POLL_US : FULL_US);
    }
    if (f->o.status_interval_s > 0 && f->now >= f->next_status) {
        print_status(f);
        f->next_status = f->now + f->o.status_interval_s * 1000 * MS;
    }
    if (f->now >= f->next_retention)
        retention(f);
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

static void iterate(struct follower *f)
{
    int64_t next = INT64_MAX;
    fscan_run(f);
    if (store_in_batch(f->s) && !f->batch_start)
        f->batch_start = f->now;
    int got = read_pass(f);
    quiet_files(f, &next);
    if (got)
        usleep(3000);   /* let writes gather: one pass per few ms, not per line */
    if (f->batch_start && (commit_due(f) || (f->idle && !got)))
        follow_commit(f);
    periodic(f);
    int64_t wake = next_wakeup(f, next, any_want(f));
    int ms = wake <= f->now ? 0 : (int)((wake - f->now + 999) / 1000);
    struct pollfd pf[2] = {{f->sfd, POLLIN, 0}, {f->ifd, POLLIN, 0}};
    int r = poll(pf, f->ifd >= 0 ? 2 : 1, ms);
    f->now = ts_now();
    f->idle = r == 0;
    if (r > 0 && (pf[0].revents & POLLIN))
        read_signals(f);
    if (r > 0 && f->ifd >= 0 && (pf[1].revents & POLLIN))
        fscan_events(f);
}

int follow_run(struct follower *f, struct err *e)
{
    sigset_t old;
    if (signals_open(f, &old, e) < 0)
        return -1;
    f->now = ts_now();
    f->next_sweep = f->now + SWEEP_US;
    f->next_full = f->now + FULL_US;
    f->next_status = f->now + f->o.status_interval_s * 1000 * MS;
    f->next_retention = f->now + 1000 * MS;
    fscan_watch_all(f);
    int rc = fscan_recover(f, e);   /* ends with a full scan */
    f->counting = 1;
    while (rc == 0 && !f->stop)
        iterate(f);
    if (rc == 0 && ingest_pending(f->in) && ingest_commit(f->in, e) < 0)
        rc = -1;
    if (f->o.status_interval_s > 0 && f->o.status) {
        f->now = ts_now();
        print_status(f);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}
