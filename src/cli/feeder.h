/* feeder: the follower that feeds the TUI in this process: the sources
 * (the config's plus the command line's) indexed and followed in a thread
 * with its own write connection and the store's writer lock, while the UI
 * shows what is committed. When another process already writes the store
 * (`logdeck index --follow`), feeder_start attaches instead. No curses:
 * ui/cmd_tui.c runs the UI on top of it. */
#ifndef LOGDECK_CLI_FEEDER_H
#define LOGDECK_CLI_FEEDER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "db/wlock.h"
#include "src/base/config.h"
#include "src/base/err.h"

struct store;
struct follower;

struct feeder {
    pthread_t th;
    int started;
    struct store *st;            /* the write connection (follower thread) */
    struct follower *f;
    struct wlock lock;
    const struct config *cfg;    /* borrowed */
    pthread_mutex_t mu;
    int wake;                    /* eventfd: readable after each commit, -1 none */
    int64_t commits;             /* commits so far (under mu) */
    int64_t live_commits;        /* of them, those that held records read at a
                                    file's live end (the tails, appends) */
    int64_t est_lines;           /* follow_status.est_lines at the last commit (under mu) */
    int stopping;                /* 1: we asked the follower to stop */
    int failed;
    char error[256];
    char attached[256];          /* why we attach instead of following, or "" */
    char created[2048];          /* "new store at ...": the footprint (forms of it: cli_store_notes), or "" */
};

/* Opens db for writing, takes its lock and starts the follower on cfg's
 * sources. Returns 0 following (fd->wake is then an eventfd that becomes
 * readable after every commit), 1 attached (another process writes the
 * store: fd->attached says so; fd->wake is -1), or -1 with e filled.
 * feeder_stop undoes whatever was done, in every case. */
int feeder_start(struct feeder *fd, const char *db, const struct config *cfg, struct err *e);
void feeder_stop(struct feeder *fd);
/* Whether it follows, whether it failed and why (for the status bar;
 * called from the UI thread). */
void feeder_status(struct feeder *fd, int *following, int64_t *errors, char *last_error,
                   size_t cap);
/* The commits so far, and those of them that held live records (any
 * thread): a commit of history only cannot change the newest records the
 * UI shows, so it need not be shown at once. */
void feeder_commits(struct feeder *fd, int64_t *commits, int64_t *live_commits);
/* Lines estimated lost in copytruncate races never seen, as of the last
 * commit (follow_status.est_lines: not in the store's lost count). */
int64_t feeder_est_lines(struct feeder *fd);

#endif
