/* follow: `logdeck index --follow`: keeps reading the sources' files as
 * they grow, through every rotation scheme, exactly once.
 *
 * Directories are watched with inotify (create, move, delete, modify,
 * close-write); a glob or directory source picks up files that appear
 * later; a renamed or deleted file is read to its end through its open
 * descriptor before it is let go; a file truncated in place (copytruncate)
 * restarts at 0 after the copy's unread tail is read; a compressed rotated
 * file (.gz, or a .zip of one entry as loguru's compression="zip" writes)
 * is read only where it holds lines not stored yet; an inotify queue
 * overflow triggers a full rescan. A stat sweep every few seconds backs
 * inotify up; --poll, and directories on network file systems (statfs),
 * poll instead. A thread holds every new file open from its creation
 * (grab.h), so that a rotation chain that deletes files before the loop
 * gets to them loses nothing. Records are committed with their
 * checkpoints every ~100 ms (or N records). Losses that cannot be avoided
 * are counted per file; a file deleted before it could be opened at all
 * is a files row of its own (state gone, size -1: its size is unknown).
 * SIGTERM/SIGINT stop after a last commit (deleted files still held are
 * read first, for up to 3 s; what is left of them is counted lost, line
 * for line); SIGHUP asks the caller for a new config. */
#ifndef LOGDECK_FOLLOW_H
#define LOGDECK_FOLLOW_H

#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "db/store.h"
#include "src/base/config.h"
#include "src/base/err.h"
#include "src/follow/ingest.h"

/* What a commit stored, for the on_commit hook. */
struct follow_commit_info {
    int64_t max_record_id;      /* largest record id in the store (0: none) */
    int64_t records;            /* records stored since follow_run started */
    int64_t commits;            /* commits since then, this one included */
    int live;                   /* 1: it held records read at a file's live end
                                   (or file rows), 0: history only (backfill) */
    int64_t est_lines;          /* follow_status.est_lines */
};

struct follow_opts {
    int poll;                   /* 1: never use inotify */
    int status_interval_s;      /* status line period; 0: none */
    FILE *status;               /* where status lines and warnings go, or NULL */
    const char *name;           /* their prefix; NULL: "logdeck index" */
    int64_t batch_records;      /* commit at this many records; 0: 20000 */
    int batch_ms;               /* commit at least this often; 0: 100 */
    struct parse_opts parse;    /* defaults for command-line sources */
    /* Called on SIGHUP: fills *out with a new config the caller owns and
     * keeps alive until the next call or the end of follow_run. */
    int (*reload)(void *ctx, const struct config **out, struct err *e);
    void *reload_ctx;
    /* Hooks, called in follow_run's thread between two reads (the store
     * has no open batch then; ci is borrowed for the call): on_commit
     * after every commit; on_tick once the files found at the start have
     * been read to their end (caught up), then every tick_ms (0: 1000). */
    void (*on_commit)(void *ctx, const struct follow_commit_info *ci);
    void (*on_tick)(void *ctx, int64_t now_us);
    int tick_ms;
    void *hook_ctx;
};

/* What the follower has done, for status lines and views. */
struct follow_status {
    int64_t records, bytes;     /* stored since the start */
    int64_t files, away;        /* files open; of them rotated, being drained */
    int64_t lost_lines, lost_bytes, truncated;
    int64_t low_lines;          /* of lost_lines, a lower bound (the rest estimated) */
    int64_t est_lines, est_bytes;  /* more lines lost in copytruncate races, never
                                      seen: estimated, not in lost_* */
    int64_t lost_files;         /* deleted before they could be opened: size unknown */
    int64_t lost_gaps;          /* files whose lines after the checkpoint, and any files
                                   rotated after them, were deleted while logdeck was
                                   down: how many lines is unknown (found in this run) */
    int64_t lag_bytes;          /* bytes seen in files but not stored yet */
    int64_t commits, store_full;
    int remote_dirs;            /* directories polled (network file systems) */
};

struct follower;

/* s and cfg are borrowed: s for the follower's life, cfg until the next
 * reload. Returns NULL with e filled. */
struct follower *follow_new(struct store *s, const struct config *cfg,
                            const struct follow_opts *o, struct err *e);
void follow_free(struct follower *f);   /* NULL is a no-op */

/* Runs until SIGTERM or SIGINT (or follow_stop), then commits. 0, or -1
 * with e filled when the last commit failed or the sources cannot be
 * watched at all. */
int follow_run(struct follower *f, struct err *e);
/* Makes follow_run commit and return soon. Safe from any thread, from a
 * signal handler and from the hooks. */
void follow_stop(struct follower *f);
void follow_get_status(const struct follower *f, struct follow_status *st);
/* Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and the threads
 * it starts later, such as the store.s WAL checkpointer), so that only
 * follow_run receives them. Call before store_open(). */
int follow_block_signals(sigset_t *old);

#endif
