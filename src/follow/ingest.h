/* ingest: reads log files into the store, exactly once. For each file it
 * finds the file's checkpoint (fileid.h: by device+inode and a hash of its
 * first bytes, or by that hash alone when the file was renamed or
 * compressed since), reads from the checkpoint on (tailer.h), parses the
 * lines and stores the records in batches whose transaction also carries
 * the new offsets of every file they came from.
 *
 * One struct ingest per store writer. `logdeck index` uses ingest_path()
 * (one pass per file); the follower (index --follow, the TUI, alerts run)
 * keeps files open with ingest_open()/ingest_read() and commits every
 * ~100 ms with ingest_commit(). A failed commit (disk full) rolls back and
 * rewinds every file it covered to its last committed checkpoint. */
#ifndef LOGDECK_INGEST_H
#define LOGDECK_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "db/store.h"
#include "src/base/err.h"
#include "src/parse/parse.h"

#define INGEST_HEAD_BYTES 1024     /* bytes hashed to identify a file */
#define INGEST_TAIL_BYTES 64       /* bytes before the offset, re-checked on resume */

struct ingest_stats;

struct ingest_opts {
    size_t max_line;               /* longer lines are cut (marker, counted); 0: 1 MiB */
    int64_t batch_records;         /* commit after this many records; 0: 100000 */
    struct parse_opts parse;       /* defaults for every file */
    int final;                     /* 1: files are complete (one-shot index): a
                                      pending multi-line record is completed at EOF */
    /* Called by ingest_path*() for each file it read lines of, with the
     * file's parser (borrowed for the call): the per-file lines of `index`. */
    void (*on_file)(void *ctx, const char *path, const struct parser *p);
    void *on_file_ctx;
    int64_t partial_after_us;      /* one-shot: a last line with no newline in a
                                      file unchanged this long is stored; 0: never */
    /* Called after every slice read and every commit (one-shot index), with
     * the totals so far; NULL: none. */
    void (*progress)(void *ctx, const struct ingest_stats *st);
    void *progress_ctx;
    /* Called after every commit of ingest_path*() (no batch is open then:
     * it may write to the store, e.g. apply the size cap); NULL: none.
     * Returns 0, or -1 with e filled (the run stops with that error). */
    int (*on_commit)(void *ctx, struct err *e);
    void *on_commit_ctx;
};

/* What one run added (also per file in ingest_file_stats). */
struct ingest_stats {
    int64_t records;
    int64_t by_level[LVL_COUNT];
    int64_t unparsed;
    int64_t truncated;             /* lines cut at max_line */
    int64_t bytes;                 /* bytes consumed */
    int64_t lines;
    int64_t partial_held;          /* files ending in a line with no newline yet,
                                      held (stored once the file is rotated or quiet) */
    int64_t files;                 /* files that were read */
    int64_t first_ts, last_ts;     /* of the records added; 0 if none */
    int64_t copies;                /* files skipped: a copy of a file being read */
    int64_t lost_lines, lost_bytes;   /* losses detected (follower) */
    int64_t low_lines;                /* of lost_lines, those counted as a lower bound
                                         (seen, never read); the others are estimated
                                         from bytes */
    int64_t est_lines, est_bytes;     /* copytruncate races never seen: estimated from
                                         the write rate, not in lost_* (rot.c) */
    int64_t gaps;                     /* losses of unknown size found (rot.c:
                                         store_gap_add), not in lost_* */
};

struct ingest;
struct tailer;

/* 1 if row id was being read and has been superseded in this run: its
 * inode now holds other content (the file was deleted, the inode reused). */
int ingest_retired(const struct ingest *in, int64_t id);

/* s is borrowed and must outlive the ingest. */
struct ingest *ingest_new(struct store *s, const struct ingest_opts *o, struct err *e);
void ingest_free(struct ingest *in);    /* NULL is a no-op; commits nothing */

/* Reads path (plain or .gz) from its checkpoint to its end and commits.
 * Returns 0, or -1 with e filled (the file is skipped; nothing it had
 * stored is lost, earlier batches stay committed). */
int ingest_path(struct ingest *in, const char *path, struct err *e);
/* Same with the parse options of a configured source (po borrowed during the call). */
int ingest_path_with(struct ingest *in, const char *path, const struct parse_opts *po,
                     struct err *e);

/* Totals of everything this ingest added so far. */
const struct ingest_stats *ingest_stats(const struct ingest *in);

/* 64-bit FNV-1a, used for file identity. */
uint64_t ingest_hash(const void *p, size_t n, uint64_t seed);
#define INGEST_HASH_SEED 0xcbf29ce484222325ULL

/* --- incremental use (the follower) ----------------------------------------- */

enum ingest_open_result {
    INGEST_OPENED = 1,    /* *out is placed at its checkpoint (or 0) */
    INGEST_EMPTY = 2,     /* nothing to identify yet: try again when it grows */
    INGEST_COPY = 3,      /* same data as a file being read (or still live):
                             skipped for now, *copy_of = that row's id */
    INGEST_BINARY = 4,    /* not a log: skipped (e says why) */
    INGEST_OWN = 5        /* one of the store's own files (store_owns): skipped */
};
/* path (st: its stat) is a followed file that is empty (ingest_adopt said
 * INGEST_EMPTY): unless a row has its inode, it gets one at offset 0 with
 * no head (in the open batch: the caller commits it), so that lines
 * written to it while logdeck is down are found where it was rotated to,
 * not lost with no word. A row of an empty file is taken up (RESUME from
 * 0) by the next content of its inode that no stored head claims. 0, or
 * -1 with e filled. */
int ingest_note_empty(struct ingest *in, const char *path, const struct stat *st,
                      struct err *e);
/* Opens and identifies path; po is borrowed and must outlive the tailer.
 * Returns an enum ingest_open_result, or -1 with e filled. */
int ingest_open(struct ingest *in, const char *path, const struct parse_opts *po,
                struct tailer **out, int64_t *copy_of, struct err *e);
/* Same with fd, a descriptor open on the file (taken: closed unless a
 * tailer now holds it); path is the name to record for it. */
int ingest_adopt(struct ingest *in, int fd, const char *path, const struct parse_opts *po,
                 struct tailer **out, int64_t *copy_of, struct err *e);
/* The next ingest_open/ingest_adopt opens the file as row id, at its
 * checkpoint, if the file starts with that row's head and holds at least
 * its offset; else skips it as a copy of that row. For a copy found by the
 * bytes its row read when they do not tell it from other files: the copy
 * of a file truncated under a writer without O_APPEND starts with the
 * hole's zeros, as every other such file does (identified by its head, it
 * was skipped as binary, its unread lines lost uncounted). */
void ingest_expect(struct ingest *in, int64_t id);
/* Reads at most max bytes of t's new data into the open batch. Returns
 * bytes read, or -1 with e filled (call ingest_rollback()). */
int64_t ingest_read(struct ingest *in, struct tailer *t, int64_t max, struct err *e);
/* Reads at most max bytes of t's history below what it stored (tail-first
 * indexing, backfill.h) into the open batch. Returns bytes read (0: none
 * to read now), or -1 with e filled (call ingest_rollback()). */
int64_t ingest_backfill(struct ingest *in, struct tailer *t, int64_t max, struct err *e);
/* Completes t's pending record (quiet file) or, final, its partial line too. */
int ingest_flush(struct ingest *in, struct tailer *t, int final, struct err *e);
/* Marks t changed in the open batch (counters, state) so the next commit saves it. */
int ingest_touch(struct ingest *in, struct tailer *t, struct err *e);
/* Commits the open batch with every touched file's checkpoint. On failure
 * everything is rolled back and rewound (ingest_rollback) and -1 returned. */
int ingest_commit(struct ingest *in, struct err *e);
void ingest_rollback(struct ingest *in);
/* Records in the open batch (0: nothing to commit). */
int64_t ingest_pending(const struct ingest *in);
/* Forgets t (it must have no uncommitted change) and frees it. */
void ingest_release(struct ingest *in, struct tailer *t);
/* The tailer reading row id, or NULL. */
struct tailer *ingest_tracked(const struct ingest *in, int64_t id);
/* Starts t over as a new file at 0 under a new row (it was truncated or
 * replaced in place); its old row becomes FILE_ROTATED. */
int ingest_restart(struct ingest *in, struct tailer *t, struct err *e);
/* The in-memory stats sink, for the follower's loss accounting. */
struct ingest_stats *ingest_stats_mut(struct ingest *in);

#endif
