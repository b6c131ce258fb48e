/* bfbench: the TUI's indexing path without the UI, run to completion.
 *
 *   bfbench --db DB [--config FILE] [--append FILE [--rate N]] PATH...
 *
 * Starts the TUI's in-process follower exactly as `logdeck PATH...` does
 * (src/cli/feeder.c: tail-first, then the history backfill), waits until
 * every byte of the files is stored (store coverage complete, every file's
 * checkpoint at its size), stops it and prints one line:
 *
 *   RESULT secs=W user=U sys=S cpu=C poll_cpu=P records=N commits=K
 *
 * C: the CPU time of the process (every thread: U + S) less P, this
 * thread's (the completion polls, 4 a second), to compare with a plain
 * `logdeck index PATH...` on the same files (tests/bench/bench_first.sh
 * measures the same thing through tmux). Without --config, no size cap.
 *
 * --append FILE: while history is left, a thread appends N lines a second
 * (default 200) to FILE, one of the followed files (it is modified: give
 * a copy), JSON lines "LIVE <seq>" with the current time, and the line
 * after RESULT says how long each took from its write to its commit (the
 * file's checkpoint past its end, read after each commit: the feeder's
 * wake fd) and how the commits went:
 *
 *   APPEND lines=L commits=K live_commits=K2 p50_ms=A p90_ms=B p99_ms=C max_ms=D
 *
 * Appending stops once no history is left; the run ends when the last
 * appended line is stored too. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "db/store.h"
#include "src/base/config.h"
#include "src/cli/feeder.h"
#include "src/follow/follow.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct lag {
    int64_t left;
};

static int add_lag(void *ctx, const struct store_file_status *f)
{
    struct lag *l = ctx;
    if (f->state == 0 && f->size > f->offset)
        l->left += f->size - f->offset;
    return 0;
}

/* 1 once every byte is stored: no file with history left below its
 * ranges, every live file's checkpoint at its size. */
static int complete(struct store *s, int64_t *records)
{
    struct err e = {0};
    struct store_coverage cov;
    struct store_totals tot;
    struct lag l = {0};
    int done = s && store_coverage(s, &cov, &e) == 0 && cov.files_partial == 0 &&
               store_file_status(s, 1, add_lag, &l, &e) == 0 && l.left == 0 &&
               store_totals(s, &tot, &e) == 0 && tot.records > 0;
    if (done)
        *records = tot.records;
    return done;
}

/* --- the appender ------------------------------------------------------------ */

struct appender {
    const char *path;
    int rate;
    pthread_t th;
    pthread_mutex_t mu;
    int stop;
    int64_t n, cap;           /* lines written (under mu) */
    int64_t *end;             /* each line's end offset in the file */
    double *at;               /* when it was written (now_s) */
    double *seen;             /* when its commit was seen, 0 not yet (main thread) */
    int64_t nseen;            /* lines 0..nseen-1 seen */
    double cpu;               /* the thread's CPU time, when it ends */
};

static int push(struct appender *a, int64_t end, double at)
{
    if (a->n == a->cap) {
        int64_t cap = a->cap ? 2 * a->cap : 4096;
        int64_t *e2 = realloc(a->end, (size_t)cap * sizeof *e2);
        if (e2)
            a->end = e2;
        double *a2 = e2 ? realloc(a->at, (size_t)cap * sizeof *a2) : NULL;
        if (a2)
            a->at = a2;
        double *s2 = a2 ? realloc(a->seen, (size_t)cap * sizeof *s2) : NULL;
        if (!s2)
            return -1;
        a->seen = s2;
        a->cap = cap;
    }
    a->end[a->n] = end;
    a->at[a->n] = at;
    a->seen[a->n] = 0;
    a->n++;
    return 0;
}

static void *append_main(void *arg)
{
    struct appender *a = arg;
    int fd = open(a->path, O_WRONLY | O_APPEND | O_CLOEXEC);
    double t0 = now_s();
    int64_t seq = 0;
    if (fd < 0) {
        fprintf(stderr, "bfbench: %s: %s\n", a->path, strerror(errno));
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(&a->mu);
        int stop = a->stop;
        pthread_mutex_unlock(&a->mu);
        if (stop)
            break;
        int64_t due = (int64_t)((now_s() - t0) * a->rate);
        for (; seq < due; seq++) {
            char line[256], ts[40];
            struct timespec rt;
            struct tm tm;
            clock_gettime(CLOCK_REALTIME, &rt);
            gmtime_r(&rt.tv_sec, &tm);
            strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
            int n = snprintf(line, sizeof line, "{\"event\": \"LIVE %lld\", \"level\": \"info\", "
                             "\"timestamp\": \"%s.%06ldZ\", \"service\": \"bfbench\"}\n",
                             (long long)seq, ts, rt.tv_nsec / 1000);
            double at = now_s();
            if (write(fd, line, (size_t)n) != n)
                break;
            off_t end = lseek(fd, 0, SEEK_CUR);
            pthread_mutex_lock(&a->mu);
            int ok = push(a, (int64_t)end, at);
            pthread_mutex_unlock(&a->mu);
            if (ok < 0)
                break;
        }
        usleep(2000);
    }
    close(fd);
    struct timespec ct;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ct);
    a->cpu = (double)ct.tv_sec + (double)ct.tv_nsec / 1e9;   /* read after the join */
    return NULL;
}

struct live_off {
    const char *path;
    int64_t offset;
};

static int live_offset(void *ctx, const struct store_file_status *f)
{
    struct live_off *l = ctx;
    char rp[4096];
    if (realpath(f->path, rp) && !strcmp(rp, l->path) && f->offset > l->offset)
        l->offset = f->offset;
    return 0;
}

/* After a commit: the appended lines the file's checkpoint now covers. */
static void mark_seen(struct appender *a, struct store *rd)
{
    struct err e = {0};
    char rp[4096];
    struct live_off l = {realpath(a->path, rp) ? rp : a->path, 0};
    if (store_file_status(rd, 1, live_offset, &l, &e) < 0)
        return;
    double now = now_s();
    pthread_mutex_lock(&a->mu);
    while (a->nseen < a->n && a->end[a->nseen] <= l.offset)
        a->seen[a->nseen++] = now;
    pthread_mutex_unlock(&a->mu);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void append_report(const struct appender *a, int64_t commits, int64_t live)
{
    double *lat = malloc((size_t)(a->nseen ? a->nseen : 1) * sizeof *lat);
    if (!lat)
        return;
    for (int64_t i = 0; i < a->nseen; i++)
        lat[i] = (a->seen[i] - a->at[i]) * 1000;
    qsort(lat, (size_t)a->nseen, sizeof *lat, cmp_double);
    int64_t n = a->nseen;
    printf("APPEND lines=%lld seen=%lld commits=%lld live_commits=%lld p50_ms=%.1f p90_ms=%.1f "
           "p99_ms=%.1f max_ms=%.1f\n", (long long)a->n, (long long)n, (long long)commits,
           (long long)live, n ? lat[n / 2] : 0, n ? lat[n * 9 / 10] : 0, n ? lat[n * 99 / 100] : 0,
           n ? lat[n - 1] : 0);
    free(lat);
}

/* History left (coverage): the appender stops once there is none. */
static int history_left(struct store *s)
{
    struct err e = {0};
    struct store_coverage cov;
    return !s || store_coverage(s, &cov, &e) < 0 || cov.files_partial > 0;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *cfgfile = NULL;
    struct appender ap = {.rate = 200};
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--config"))
            cfgfile = argv[i + 1];
        else if (!strcmp(argv[i], "--append"))
            ap.path = argv[i + 1];
        else if (!strcmp(argv[i], "--rate"))
            ap.rate = atoi(argv[i + 1]);
        else
            break;
    }
    if (!db || i >= argc || ap.rate <= 0) {
        fprintf(stderr, "usage: bfbench --db DB [--config FILE] [--append FILE [--rate N]] "
                "PATH...\n");
        return 2;
    }
    struct err e = {0};
    struct config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (cfgfile && config_load(&cfg, cfgfile, 1, &e) < 0) {
        fprintf(stderr, "bfbench: %s\n", e.msg);
        return 1;
    }
    config_apply_cap(&cfg, db);
    if (!cfgfile)
        cfg.max_size = 0;
    for (; i < argc; i++)
        if (config_add_source(&cfg, argv[i], 0, NULL, &e) < 0) {
            fprintf(stderr, "bfbench: %s\n", e.msg);
            return 1;
        }
    double t0 = now_s();
    struct feeder fd = {0};
    int rc = feeder_start(&fd, db, &cfg, &e);
    if (rc != 0) {
        fprintf(stderr, "bfbench: %s\n", rc < 0 ? e.msg : fd.attached);
        feeder_stop(&fd);
        return 1;
    }
    int64_t records = 0;
    struct store *rd = store_open(db, STORE_READ, &e);   /* one reader, as the UI has */
    if (!rd) {
        fprintf(stderr, "bfbench: %s\n", e.msg);
        feeder_stop(&fd);
        return 1;
    }
    pthread_mutex_init(&ap.mu, NULL);
    int appending = ap.path && pthread_create(&ap.th, NULL, append_main, &ap) == 0;
    double next_check = 0;
    for (;;) {
        /* appending: wake on each commit (the feeder's fd) to see the lines */
        struct pollfd p = {fd.wake, POLLIN, 0};
        if (ap.path)
            poll(&p, 1, 250);
        else
            usleep(250000);
        uint64_t v;
        if (ap.path && (p.revents & POLLIN) && read(fd.wake, &v, sizeof v) > 0)
            mark_seen(&ap, rd);
        if (now_s() < next_check)
            continue;
        next_check = now_s() + 0.25;
        int following;
        int64_t errors;
        char last[256];
        feeder_status(&fd, &following, &errors, last, sizeof last);
        if (errors) {
            fprintf(stderr, "bfbench: %s\n", last);
            break;
        }
        if (appending && !history_left(rd)) {
            pthread_mutex_lock(&ap.mu);
            ap.stop = 1;
            pthread_mutex_unlock(&ap.mu);
            pthread_join(ap.th, NULL);
            appending = 0;
        }
        if (!appending && ap.path)
            mark_seen(&ap, rd);   /* a line pushed after the commit that stored it was seen */
        if (!appending && complete(rd, &records) && (!ap.path || ap.nseen == ap.n))
            break;
    }
    if (appending) {
        pthread_mutex_lock(&ap.mu);
        ap.stop = 1;
        pthread_mutex_unlock(&ap.mu);
        pthread_join(ap.th, NULL);
    }
    store_close(rd);
    struct follow_status fs;
    int64_t commits = 0, live = 0;
    follow_get_status(fd.f, &fs);   /* racy, for a count only */
    feeder_commits(&fd, &commits, &live);
    feeder_stop(&fd);
    double secs = now_s() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double u = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    double sy = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    struct timespec mt;   /* this thread's: the polls above, not the indexing */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mt);
    double poll = (double)mt.tv_sec + (double)mt.tv_nsec / 1e9 + ap.cpu;   /* + the appender's */
    printf("RESULT secs=%.2f user=%.2f sys=%.2f cpu=%.2f poll_cpu=%.2f records=%lld "
           "commits=%lld\n", secs, u, sy, u + sy - poll, poll, (long long)records,
           (long long)fs.commits);
    if (ap.path)
        append_report(&ap, commits, live);
    free(ap.end);
    free(ap.at);
    free(ap.seen);
    pthread_mutex_destroy(&ap.mu);
    config_fini(&cfg);
    return 0;
}
