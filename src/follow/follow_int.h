/* follow_int: the follower's state, split into the part each file owns:
 * follow.c the open files, reading and commits (struct follower's own
 * fields), scan.c the sources, directories, watches and scans
 * (fscan_state; rot.c adds rotation and recovery), grabwatch.c the files
 * held open from their creation and the files lost unread (fgrab_state),
 * loop.c the life, loop, signals, timers and status (floop_state). They
 * call each other one way: follow.c < scan.c < rot.c < grabwatch.c <
 * loop.c, and back up only through struct follow_up. Internal. */
#ifndef LOGDECK_FOLLOW_INT_H
#define LOGDECK_FOLLOW_INT_H

#include <stdatomic.h>

#include "src/follow/follow.h"
#include "src/follow/grab.h"
#include "src/base/hmap.h"
#include "src/follow/tailer.h"

/* One configured source, split into a directory and a name pattern.
 * Sources are never freed before the follower: tailers borrow their po. */
struct fsrc {
    char *dir;            /* directory (may itself hold wildcards) */
    char *pat;            /* name pattern; NULL: every file of dir */
    int exact;            /* pat is a literal name */
    int dirglob;          /* dir has wildcards */
    int retired;          /* dropped by a config reload */
    struct parse_opts po;
    char *service, *cid_regex, *layout_regex, *layout_ts;
};

struct fdir {
    char *path;
    int wd;               /* inotify watch, -1 none */
    int remote;           /* network file system: polled */
    int is_src;           /* holds sources (else: a symlink target's dir) */
    int scan;             /* rescan requested */
};

/* What scan.c owns (rot.c and grabwatch.c read the sources): the sources,
 * their directories and the scans over them. */
struct fscan_state {
    struct fsrc **src;
    size_t nsrc;
    struct fdir *dirs;
    size_t ndirs, capdirs;
    int any_remote;               /* a directory on a network file system: polled */
    uint64_t gen;                 /* scan generation */
    int64_t open_warn_us, open_warn_n;   /* open errors: last warning, since then */
    int64_t hurry_until;          /* a rotated sibling of a followed file is being
                                     written (a copytruncate's copy): read at once */
};

/* What grabwatch.c owns: the grabber and the files it reported. */
struct fgrab_state {
    struct grab *grab;            /* holds new files open (NULL: no inotify) */
    struct grab_item *held;       /* grabbed files not opened yet (empty so far) */
    size_t nheld, capheld;
    char **suspect;               /* files the grabber missed, maybe found since */
    int64_t *suspect_us;          /* when each was reported */
    size_t nsuspect, capsuspect;
    int64_t credits, credit_us;   /* new files not known as created: pay misses back */
    char **unread;                /* files lost unread, not saved yet */
    size_t nunread, capunread;
};

/* What loop.c owns: the signals, the timers and the progress it reports. */
struct floop_state {
    int sfd;                      /* signalfd, -1 none */
    int idle, caught_up;
    int64_t next_tick;
    int64_t next_sweep, next_full, next_status, next_retention;
    int64_t st_records0;
};

/* The calls back up from follow.c and scan.c to the rotation and grab
 * handling, set by follow_new: the only way up, so that the files call
 * each other one way, follow.c < scan.c < rot.c < grabwatch.c < loop.c. */
struct follow_up {
    void (*truncated)(struct follower *f, struct tailer *t);      /* fscan_truncated */
    void (*siblings)(struct follower *f, int si);                  /* fscan_siblings */
    void (*watch_dir)(struct follower *f, const char *dir);        /* fgrab_watch */
    void (*known)(struct follower *f, const struct tailer *t);     /* fgrab_known */
    void (*race)(struct follower *f, struct tailer *t, int final);  /* fscan_race */
};

/* The follower. The open files, their reading and the commits are
 * follow.c's (the fields at the top); each other file owns its part. */
struct follower {
    struct store *s;
    struct ingest *in;
    struct follow_opts o;
    const struct config *cfg;
    int ifd;                      /* inotify, -1: polling */
    struct tailer **t;            /* open files, ordered by order_ns */
    size_t nt, capt;
    struct hmap by_ino, by_path;
    struct hmap skip;             /* (dev,ino) -> size+1 of files not to open again */
    int full_scan;                /* a full scan is due (any file may have changed) */
    atomic_int stop;              /* follow_stop(): any thread, or a signal handler */
    int wfd;                      /* eventfd: wakes the loop (grabbed files, follow_stop) */
    int counting;                 /* recovery done: new files pay misses back */
    int64_t start_us;
    int64_t now, batch_start;     /* batch_start: live records (or rows) wait in the batch */
    int64_t bf_start;             /* history waits in the batch (follow_backfill), since */
    int bf_newest;                /* it holds the newest end of a file none of which
                                     was stored: committed at once (the early commits) */
    int64_t stall_until, last_err_us;
    int64_t cap_check_us, cap_warn_us;   /* size cap: last check of the store's size, warning */
    int bf_capped;                /* the store is near its size cap: no more history */
    struct follow_status st;
    struct fscan_state sc;        /* scan.c */
    struct fgrab_state gw;        /* grabwatch.c */
    struct floop_state lp;        /* loop.c */
    struct follow_up up;
};

/* scan.c */
int fscan_set_sources(struct follower *f, const struct config *cfg, struct err *e);
void fscan_fini(struct follower *f);
int fscan_watch_all(struct follower *f);
void fscan_events(struct follower *f);
void fscan_run(struct follower *f);          /* requested scans (or a full one) */
int fscan_recover(struct follower *f, struct err *e);
void fscan_truncated(struct follower *f, struct tailer *t);
/* Counts t's unseen race lines once due (race.h), unless t was truncated
 * again (the read pass handles that first); final: now, due or not. */
void fscan_race(struct follower *f, struct tailer *t, int final);
void fscan_siblings(struct follower *f, int si);   /* opens rotated siblings not held */
struct tailer *fscan_open(struct follower *f, const char *path, const struct stat *st, int si,
                          int away);
/* Same through fd (>= 0: taken) open on path's file. */
struct tailer *fscan_adopt(struct follower *f, int fd, const char *path, const struct stat *st,
                           int si, int away);
void fscan_dir_changed(struct follower *f, const char *path);   /* rescan path's directory */
struct tailer *fscan_tracked(struct follower *f, const struct stat *st);
int fscan_is_sibling(const char *name, const char *base);
/* The length of name's compressed suffix (".gz" 3, ".zip" 4), else 0. */
size_t fscan_zsuffix(const char *name);
/* The source path matches (or, unless direct, is a rotated sibling of): index or -1. */
int fscan_source_of(struct follower *f, const char *path, int direct);

/* grabwatch.c: files held open by the grabber (grab.h), files lost unread */
int fgrab_start(struct follower *f, struct err *e);
void fgrab_stop(struct follower *f);
void fgrab_rules(struct follower *f);
void fgrab_watch(struct follower *f, const char *dir);
void fgrab_known(struct follower *f, const struct tailer *t);
void fgrab_collect(struct follower *f);   /* takes the grabbed files, opens those with data */
void fgrab_save_unread(struct follower *f);
void fgrab_finish(struct follower *f);    /* at the end: last grabs, deleted files drained */

/* follow.c */
#define MS 1000LL
int follow_add(struct follower *f, struct tailer *t, int src, int away);
void follow_forget(struct follower *f, struct tailer *t);
void follow_repath(struct follower *f, struct tailer *t, const char *path);
int follow_commit(struct follower *f);   /* -1: rolled back, stalled a while */
void follow_committed(struct follower *f);   /* after any commit: counts, on_commit hook */
void follow_failed(struct follower *f, struct err *e);   /* rolls back, stalls a while */
int follow_commit_due(const struct follower *f);
/* Whether a batch holding only history is due: pending records in it,
 * opened age_us ago; newest: it holds the newest end of a file none of
 * which was stored before, and the start's EARLY_COMMITS are not spent. */
int follow_history_due(int64_t pending, int64_t age_us, int newest);
/* Files with history to backfill and no row yet (a rotated file the sibling
 * sweep kept): their row and ranges go into the batch, so that a restart
 * finds them. */
void follow_history_rows(struct follower *f);
/* Reads a slice of history (backfill.h) into the batch; 1 if there was some to read. */
int follow_backfill(struct follower *f);
int follow_read_pass(struct follower *f);   /* 1 if anything was read */
void follow_quiet_files(struct follower *f, int64_t *next);   /* flushes, lets go; *next: when again */
void follow_warn(struct follower *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
