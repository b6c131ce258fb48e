/* bfbench: the TUI's indexing path without the UI, run to completion.
 *
 *   bfbench --db DB [--config FILE] PATH...
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
 * measures the same thing through tmux). Without --config, no size cap. */
#include <stdio.h>
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

int main(int argc, char **argv)
{
    const char *db = NULL, *cfgfile = NULL;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--config"))
            cfgfile = argv[i + 1];
        else
            break;
    }
    if (!db || i >= argc) {
        fprintf(stderr, "usage: bfbench --db DB [--config FILE] PATH...\n");
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
    while (!complete(rd, &records)) {
        int following;
        int64_t errors;
        char last[256];
        feeder_status(&fd, &following, &errors, last, sizeof last);
        if (errors) {
            fprintf(stderr, "bfbench: %s\n", last);
            break;
        }
        usleep(250000);
    }
    store_close(rd);
    struct follow_status fs;
    follow_get_status(fd.f, &fs);   /* racy, for a count only */
    feeder_stop(&fd);
    double secs = now_s() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double u = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    double sy = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    struct timespec mt;   /* this thread's: the polls above, not the indexing */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mt);
    double poll = (double)mt.tv_sec + (double)mt.tv_nsec / 1e9;
    printf("RESULT secs=%.2f user=%.2f sys=%.2f cpu=%.2f poll_cpu=%.2f records=%lld "
           "commits=%lld\n", secs, u, sy, u + sy - poll, poll, (long long)records,
           (long long)fs.commits);
    config_fini(&cfg);
    return 0;
}
