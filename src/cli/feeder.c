/* feeder: the TUI's in-process follower (feeder.h). */
#include "src/cli/feeder.h"
#include "db/store.h"
#include "src/base/thread.h"
#include "src/cli/cli.h"
#include "src/follow/follow.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>


/* The follower reads SIGTERM/SIGINT from a signalfd, which can take a
 * signal meant for the whole process before the UI thread's handler runs.
 * When it stops without being asked, that is what happened: the signal is
 * passed on to the process (the follower no longer listens). */
static void *feeder_run(void *arg)
{
    struct feeder *fd = arg;
    struct err e = {0};
    int rc = follow_run(fd->f, &e);
    pthread_mutex_lock(&fd->mu);
    if (rc < 0) {
        fd->failed = 1;
        snprintf(fd->error, sizeof fd->error, "following stopped: %.200s", e.msg);
    }
    int asked = fd->stopping;
    pthread_mutex_unlock(&fd->mu);
    if (rc == 0 && !asked)
        kill(getpid(), SIGTERM);
    return NULL;
}

void feeder_status(struct feeder *fd, int *following, int64_t *errors, char *last_error,
                   size_t cap)
{
    pthread_mutex_lock(&fd->mu);
    *following = fd->started && !fd->failed;
    *errors = fd->failed;
    snprintf(last_error, cap, "%s", fd->failed ? fd->error : "");
    pthread_mutex_unlock(&fd->mu);
}

void feeder_commits(struct feeder *fd, int64_t *commits, int64_t *live_commits)
{
    pthread_mutex_lock(&fd->mu);
    *commits = fd->commits;
    *live_commits = fd->live_commits;
    pthread_mutex_unlock(&fd->mu);
}

int64_t feeder_est_lines(struct feeder *fd)
{
    pthread_mutex_lock(&fd->mu);
    int64_t n = fd->est_lines;
    pthread_mutex_unlock(&fd->mu);
    return n;
}

/* The follower's on_commit hook (its thread): counts, then wakes the UI. */
static void on_commit(void *ctx, const struct follow_commit_info *ci)
{
    struct feeder *fd = ctx;
    uint64_t one = 1;
    pthread_mutex_lock(&fd->mu);
    fd->commits++;
    fd->live_commits += ci->live;
    fd->est_lines = ci->est_lines;
    pthread_mutex_unlock(&fd->mu);
    if (write(fd->wake, &one, sizeof one) < 0) {
        /* EAGAIN: the counter is full, the UI is woken already */
    }
}

/* Opens the store for writing and takes its lock; a store another process
 * writes (or a read-only one) means attaching instead: returns 1. */
static int feeder_open(struct feeder *fd, const char *db, struct err *e)
{
    struct err le = {0};
    if (wlock_acquire(&fd->lock, db, &le) < 0) {
        const char *pid = strstr(le.msg, "(pid ");
        snprintf(fd->attached, sizeof fd->attached, "attached: another logdeck indexer %.*s"
                 "writes this store; showing what it stores",
                 pid ? (int)(strcspn(pid, ")") + 2) : 0, pid ? pid : "");
        return 1;
    }
    fd->st = store_open(db, STORE_WRITE, e);   /* its thread starts with signals blocked */
    if (fd->st && store_created(fd->st))
        cli_store_notes(db, fd->cfg, fd->created, sizeof fd->created);
    return fd->st ? 0 : -1;
}

int feeder_start(struct feeder *fd, const char *db, const struct config *cfg,
                        struct err *e)
{
    pthread_mutex_init(&fd->mu, NULL);
    fd->lock.fd = -1;
    fd->wake = -1;
    fd->cfg = cfg;
    int rc = feeder_open(fd, db, e);
    if (rc != 0)
        return rc;
    if ((fd->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
        return err_set(e, "cannot create an eventfd: %s", strerror(errno));
    struct follow_opts fo = {.batch_ms = 50, .status = stderr, .on_commit = on_commit,
                             .hook_ctx = fd};
    if (!(fd->f = follow_new(fd->st, cfg, &fo, e)))
        return -1;
    rc = thread_start("ld-follow", &fd->th, feeder_run, fd);
    if (rc != 0)
        return err_set(e, "cannot start the follower thread: %s", strerror(rc));
    fd->started = 1;
    return 0;
}

/* The follower stops on SIGTERM read from its signalfd: a signal aimed at
 * its thread is how another thread asks it to commit and return. */
void feeder_stop(struct feeder *fd)
{
    if (fd->started) {
        pthread_mutex_lock(&fd->mu);
        fd->stopping = 1;
        pthread_mutex_unlock(&fd->mu);
        pthread_kill(fd->th, SIGTERM);
        pthread_join(fd->th, NULL);
    }
    follow_free(fd->f);
    store_close(fd->st);
    wlock_release(&fd->lock);
    if (fd->wake >= 0)
        close(fd->wake);
    fd->wake = -1;
    pthread_mutex_destroy(&fd->mu);
}


