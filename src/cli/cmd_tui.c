/* cmd_tui: `logdeck [PATH|GLOB|DIR ...]` opens the terminal UI on the
 * store. The sources are the config file's plus the command line's; when
 * there are any, they are indexed and followed in this process (the
 * follower of src/follow/follow.h in a thread, with its own write connection and
 * the store's writer lock) while the UI shows what is committed. When
 * another process already writes the store (`logdeck index --follow`),
 * or there are no sources, the UI attaches: it shows the store and picks
 * up whatever that process adds. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/store.h"
#include "src/cli/cli.h"
#include "src/base/config.h"
#include "src/follow/follow.h"
#include "src/base/paths.h"
#include "db/wlock.h"
#include "ui/tui.h"
#include "src/base/thread.h"

struct feeder {
    pthread_t th;
    int started;
    struct store *st;            /* the write connection (follower thread) */
    struct follower *f;
    struct wlock lock;
    const struct config *cfg;    /* borrowed */
    pthread_mutex_t mu;
    int stopping;                /* 1: we asked the follower to stop */
    int failed;
    char error[256];
    char attached[256];          /* why we attach instead of following, or "" */
    char created[1024];          /* "new store at ...": the footprint, or "" */
};

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

static void feeder_status(void *ctx, struct tui_feed_status *out)
{
    struct feeder *fd = ctx;
    pthread_mutex_lock(&fd->mu);
    out->following = fd->started && !fd->failed;
    out->errors = fd->failed;
    snprintf(out->last_error, sizeof out->last_error, "%s", fd->failed ? fd->error : "");
    pthread_mutex_unlock(&fd->mu);
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
        cli_store_note(db, fd->cfg, fd->created, sizeof fd->created);
    return fd->st ? 0 : -1;
}

static int feeder_start(struct feeder *fd, const char *db, const struct config *cfg,
                        struct err *e)
{
    pthread_mutex_init(&fd->mu, NULL);
    fd->lock.fd = -1;
    fd->cfg = cfg;
    int rc = feeder_open(fd, db, e);
    if (rc != 0)
        return rc;
    struct follow_opts fo = {.batch_ms = 50, .status = stderr};
    if (!(fd->f = follow_new(fd->st, cfg, &fo, e)))
        return -1;
    rc = thread_start(&fd->th, feeder_run, fd);
    if (rc != 0)
        return err_set(e, "cannot start the follower thread: %s", strerror(rc));
    fd->started = 1;
    return 0;
}

/* The follower stops on SIGTERM read from its signalfd: a signal aimed at
 * its thread is how another thread asks it to commit and return. */
static void feeder_stop(struct feeder *fd)
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
    pthread_mutex_destroy(&fd->mu);
}


/* Config sources (main parsed the file) plus the arguments; every argument
 * must name something now (a glob may match later). Returns 0, or an exit
 * code. */
static int load_sources(const struct cli *c, int argc, char **argv, struct config *cfg)
{
    struct err e = {0};
    static const struct config none;
    if (config_copy(cfg, c->cfg ? c->cfg : &none, &e) < 0) {
        cli_error("tui", "%s", e.msg);
        return 1;
    }
    config_apply_cap(cfg, c->db_path);
    for (int i = 0; i < argc; i++) {
        struct pathlist pl = {0};
        int rc = paths_expand(&pl, argv[i], &e);
        paths_fini(&pl);
        if ((rc < 0 && !paths_is_glob(argv[i])) ||
            config_add_source(cfg, argv[i], 0, NULL, &e) < 0) {
            cli_error("tui", "%s", e.msg);
            return 2;
        }
    }
    return 0;
}

static int run(const struct cli *c, const char *db, const struct config *cfg)
{
    struct err e = {0};
    char hist[4096], logp[4096];
    struct feeder fd = {0};
    tui_default_paths(hist, logp, sizeof hist);
    struct tui_opts o = {.db_path = db, .theme = c->theme ? c->theme : cfg->ui_theme,
                         .history_path = hist, .log_path = logp, .verbose = c->verbose,
                         .wake_fd = -1, .restore = !c->fresh};
    int rc = 0;
    if (cfg->nsources > 0 && (rc = feeder_start(&fd, db, cfg, &e)) < 0) {
        cli_error("tui", "%s", e.msg);
        feeder_stop(&fd);
        return e.code ? e.code : 1;
    }
    if (cfg->nsources > 0) {
        o.feed_status = feeder_status;
        o.feed_ctx = &fd;
        o.notice = fd.attached[0] ? fd.attached : fd.created[0] ? fd.created : NULL;
    }
    if (cfg->nsources == 0 && strncmp(db, "clickhouse://", 13) != 0 && access(db, F_OK) != 0) {
        cli_error("tui", "no store at %s: give log files to open (logdeck FILE...) or run "
                  "`logdeck index FILE...` first", db);
        return 1;
    }
    rc = tui_run(&o, &e);
    if (cfg->nsources > 0)
        feeder_stop(&fd);
    if (rc < 0) {
        cli_error("tui", "%s", e.msg);
        return e.code ? e.code : 1;
    }
    return rc;
}

static int cmd_tui(const struct cli *c, int argc, char **argv)
{
    struct config cfg;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        cli_error("tui", "the TUI needs a terminal (stdin and stdout are not both a tty); "
                  "for scripts use `logdeck index` and `logdeck query`");
        return 2;
    }
    if (argc > 0 && argv[0][0] == '-') {
        cli_error("tui", "unknown option '%s' (see logdeck --help)", argv[0]);
        return 2;
    }
    int rc = load_sources(c, argc, argv, &cfg);
    if (rc == 0)
        rc = run(c, c->db_path, &cfg);   /* resolved by main, store.path included */
    config_fini(&cfg);
    return rc;
}

const struct cmd_entry cmd_tui_entry = {
    .name = NULL,
    .usage = "[PATH|GLOB|DIR ...]",
    .help = "  Opens the terminal UI on the store; the config's sources and the paths given\n"
            "  are indexed and followed meanwhile. `?` in the UI lists the keys.\n",
    .flags = CMD_CONFIG,
    .exec = cmd_tui,
};
