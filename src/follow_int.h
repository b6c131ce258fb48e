/* follow_int: the follower's state shared by follow.c (the loop, reading,
 * commits, signals, status) and follow_scan.c (sources, directories,
 * inotify watches, scans, rotation and recovery). Internal. */
#ifndef LOGDECK_FOLLOW_INT_H
#define LOGDECK_FOLLOW_INT_H

#include "src/follow.h"
#include "src/hmap.h"
#include "src/tailer.h"

/* One configured source, split into a directory and a name pattern.
 * Sources are never freed before the follower: tailers borrow their po. */
struct fsrc {
    char *dir;            /* directory (may itself hold wildcards) */
    char *pat;            /* name pattern; NULL: every file of dir */
    int exact;            /* pat is a literal name */
    int dirglob;          /* dir has wildcards */
    int retired;          /* dropped by a config reload */
    struct parse_opts po;
    char *service, *cid_regex;
};

struct fdir {
    char *path;
    int wd;               /* inotify watch, -1 none */
    int remote;           /* network file system: polled */
    int is_src;           /* holds sources (else: a symlink target's dir) */
    int scan;             /* rescan requested */
    int64_t creates;      /* files created here since the last scan (events) */
    int64_t found;        /* new files the scans met since */
};

struct follower {
    struct store *s;
    struct ingest *in;
    struct follow_opts o;
    const struct config *cfg;
    struct fsrc **src;
    size_t nsrc;
    struct fdir *dirs;
    size_t ndirs, capdirs;
    int ifd, sfd;
    struct tailer **t;            /* open files, ordered by order_ns */
    size_t nt, capt;
    struct hmap by_ino, by_path;
    struct hmap skip;             /* (dev,ino) -> size+1 of files not to open again */
    int full_scan, stop, any_remote, idle, counting;
    uint64_t gen;                 /* scan generation */
    int64_t now, batch_start, next_sweep, next_full, next_status, next_retention;
    int64_t stall_until, last_err_us;
    struct follow_status st;
    int64_t st_records0;
};

/* follow_scan.c */
int fscan_set_sources(struct follower *f, const struct config *cfg, struct err *e);
void fscan_fini(struct follower *f);
int fscan_watch_all(struct follower *f);
void fscan_events(struct follower *f);
void fscan_run(struct follower *f);          /* requested scans (or a full one) */
int fscan_recover(struct follower *f, struct err *e);
void fscan_truncated(struct follower *f, struct tailer *t);
void fscan_siblings(struct follower *f, struct tailer *gone);
struct tailer *fscan_open(struct follower *f, const char *path, const struct stat *st, int si,
                          int away);
struct tailer *fscan_tracked(struct follower *f, const struct stat *st);
int fscan_is_sibling(const char *name, const char *base);
/* The source path matches (or, unless direct, is a rotated sibling of): index or -1. */
int fscan_source_of(struct follower *f, const char *path, int direct);

/* follow.c */
int follow_add(struct follower *f, struct tailer *t, int src, int away);
void follow_forget(struct follower *f, struct tailer *t);
void follow_repath(struct follower *f, struct tailer *t, const char *path);
int follow_commit(struct follower *f);   /* -1: rolled back, stalled a while */
void follow_warn(struct follower *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
