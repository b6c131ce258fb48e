/* tui: the terminal UI's entry point (design.md, Keys). The caller
 * (src/cli/cmd_tui.c) resolves the store and starts whatever feeds it; the
 * TUI opens its own read connection, and notices new data by itself (the
 * store's files change) or sooner through wake_fd. */
#ifndef LOGDECK_UI_TUI_H
#define LOGDECK_UI_TUI_H

#include <stdint.h>

#include "src/base/err.h"

/* What the feeder (the in-process follower) reports for the status bar.
 * Lag and loss counters the UI reads from the store itself (files table),
 * which works the same when another process writes the store. */
struct tui_feed_status {
    int following;          /* 1: files are followed in this process */
    int64_t lag_bytes;      /* bytes written to the files, not yet stored */
    int64_t lost_lines;     /* lines that could not be stored */
    int64_t est_lines;      /* more lines estimated lost in copytruncate races never
                               seen (not in the store's count) */
    int64_t truncated;      /* lines cut at the length limit */
    int64_t errors;         /* the follower failed (1) */
    int64_t commits;        /* commits so far */
    int64_t live_commits;   /* of them, those holding live records (not only history) */
    char last_error[256];   /* "" if none */
};

struct tui_opts {
    const char *db_path;
    const char *theme;          /* theme name or path, or NULL (default) */
    const char *history_path;   /* query history file, or NULL (none kept) */
    const char *log_path;       /* diagnostics while curses runs, or NULL */
    const char *query;          /* initial filter, or NULL */
    const char *notice;         /* shown in the status line at startup, or NULL */
    int verbose;
    /* Called from the UI thread after each wake_fd wakeup and once a
     * second (at most ~25 times a second). */
    void (*feed_status)(void *ctx, struct tui_feed_status *out);
    void *feed_ctx;
    /* Readable when new data was committed (then feed_status says whether
     * live records came); -1: none, the store's files are watched instead. */
    int wake_fd;
    int restore;                /* 1: reopen where the user left off on this store
                                   (ui/session.h), and save it at exit */
};

/* Runs the UI until the user quits. Returns 0, 128 + signal number after
 * SIGTERM/SIGINT/SIGHUP (the terminal restored), or -1 with e filled
 * (e.g. the store cannot be opened, stdin/stdout not a terminal). */
int tui_run(const struct tui_opts *o, struct err *e);

/* The default files under $XDG_STATE_HOME/logdeck (~/.local/state/...):
 * "history" and "logdeck.log". */
void tui_default_paths(char *history, char *log, unsigned cap);

#endif
