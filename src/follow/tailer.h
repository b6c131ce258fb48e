/* tailer: one file being read: its descriptor (plain, or gzip through
 * zlib; or the first entry of a .zip), its parser, the assembly of a line that spans reads, and its
 * checkpoint (what the next commit saves) next to the checkpoint as last
 * committed, so that a failed commit can rewind the file exactly.
 *
 * Offsets: pos is the next byte to read; done is the end of the last
 * complete line handed to the parser; the checkpoint is never past done
 * nor past the first line of a record the parser still holds. A line with
 * no newline yet is held (never checkpointed) until its newline arrives or
 * tailer_finish() declares the file complete. Lines longer than max_line
 * are cut (flagged, counted); the offsets of the lines after them are
 * those of the file. */
#ifndef LOGDECK_TAILER_H
#define LOGDECK_TAILER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "db/store.h"
#include "src/base/err.h"
#include "src/follow/ingest.h"
#include "src/follow/race.h"
#include "src/parse/parse.h"

/* The bytes just before an offset, as they were read (at most
 * INGEST_TAIL_BYTES; fewer only at the start of a file). */
struct tailer_tail {
    unsigned char b[INGEST_TAIL_BYTES];
    int n;
};

/* The numeric part of a files row (struct store_file without its path),
 * and the bytes its tail_hash is the hash of. */
struct tailer_ck {
    int64_t id;
    uint64_t dev, ino, head_hash, tail_hash;
    int64_t head_len, offset, size, mtime;
    int64_t records, lost_lines, lost_bytes, truncated, unparsed;
    int gz, state;
    int64_t first_seen, last_seen;
    int nranges;                /* covered ranges (store.h); 0: [0, offset) */
    struct store_range ranges[STORE_MAX_RANGES];
    struct tailer_tail tail;    /* the bytes before tail_off, as read */
    int64_t tail_off;           /* != offset: tail unknown (read at tailer_place) */
};

/* Where emitted records go: the store's open batch and run totals. */
struct tailer_sink {
    struct store *s;
    struct ingest_stats *st;
    int64_t *batch_n;       /* incremented per record */
};

struct tailer {
    char *path;                 /* last known name (owned) */
    int fd;                     /* -1 while closed (idle) */
    void *gz;                   /* the file is compressed: a gzFile, or with zip a
                                   struct zipread (its first entry, zipread.h) */
    int zip;
    struct parser *p;           /* NULL until data arrives; dropped when idle */
    const struct parse_opts *po;   /* borrowed from the source/config */
    size_t max_line;
    struct tailer_ck ck, saved;
    int64_t pos, done;
    char *line;
    size_t line_len, line_cap, line_total;
    int64_t line_off;
    char head[INGEST_HEAD_BYTES];
    size_t head_n;              /* bytes of head: read at open, grown by the reads */
    int64_t seen_size;          /* largest size seen by fstat (plain) */
    int64_t rec_max;            /* most bytes a record read spanned (no less than it
                                   did): bytes lost hold at least bytes / rec_max of
                                   such records (rot.c) */
    int64_t mtime_ns;           /* of the file when last checked */
    int64_t last_data_us;       /* when bytes last arrived */
    int gz_done;                /* gzip stream read to its clean end */
    int in_batch;               /* changed since the last commit */
    /* --- what was read, kept to know the file still holds it (plain) ------
     * The checkpoint's head and tail hashes are of these bytes, never read
     * again from a file that may have been truncated and rewritten since;
     * each read is kept only once the bytes before it are found unchanged
     * after it (a file truncated before the read fails that check). */
    struct tailer_tail win;     /* before pos */
    struct tailer_tail done_tail;   /* before done */
    struct tailer_tail pend_tail;   /* before pend_off */
    struct tailer_tail loff_tail;   /* before line_off (a line being assembled) */
    int64_t pend_off;           /* the pending record's first line pend_tail is for */
    int replaced;               /* no longer holds what was read: truncated, rewritten */
    struct race race;           /* its sizes as seen: copytruncate's unseen lines (rot.c) */
    /* --- the follower's bookkeeping (follow.c) -------------------------- */
    int away;                   /* no longer at a source path: drain, release */
    int src;                    /* index of the source that matched */
    int want;                   /* 1: read at the next pass */
    int64_t order_ns;           /* mtime at discovery: older files read first */
    int64_t away_us;            /* when it was found away */
    uint64_t path_key;          /* key in the follower's path map */
    uint64_t seen_gen;          /* last scan that found it at a source path */
    int drain;                  /* renamed: at its end, its last record is complete */
    int credited;               /* new data met since the start, not known as created
                                   then: may be a file the grabber missed (grabwatch.c) */
    /* --- tail-first indexing (backfill.c) --------------------------------- */
    struct tailer *bf;          /* reader of the gap being backfilled (owned), or NULL */
    struct tailer *owner;       /* of a backfill reader: the file's tailer */
    int64_t bf_lo, bf_end;      /* a backfill reader's start and where it stops */
    int64_t bf_retry_us;        /* history could not be read: not before then */
};

/* Opens path (following symlinks), reads its head. Returns the tailer, or
 * NULL with e filled. *st gets the fstat of the open file. */
struct tailer *tailer_open(const char *path, const struct parse_opts *po, size_t max_line,
                           struct stat *st, struct err *e);
/* Same with a descriptor already open on the file (taken: closed on failure). */
struct tailer *tailer_adopt(int fd, const char *path, const struct parse_opts *po,
                            size_t max_line, struct stat *st, struct err *e);
void tailer_free(struct tailer *t);      /* NULL is a no-op; closes the file */

/* Starts reading at ck->offset (a checkpoint, or 0). Returns 0 or -1. */
int tailer_place(struct tailer *t, const struct tailer_ck *ck, struct err *e);

/* Reads at most max bytes of new data, handing complete lines to the
 * parser and records to sink. Returns the bytes read (0: nothing new), or
 * -1 with e filled (the file must then be rewound). For gzip files a
 * stream that ends early (still being written) reads as 0. */
int64_t tailer_read(struct tailer *t, const struct tailer_sink *k, char *buf, size_t bufsz,
                    int64_t max, struct err *e);

/* Where a plain file's content starts when it starts with a hole (zeros):
 * the file truncated under a writer without O_APPEND, which writes on at
 * its own offset (or a copy of such a file). That offset, or -1 (no hole:
 * the content starts at 0; or none found within 1 MiB of data). */
int64_t tailer_hole_end(const struct tailer *t);

/* 1 if the plain file was truncated or rewritten below what was read
 * (copytruncate, or replaced in place: its size is below what was read, or
 * the bytes before pos differ from those read), 0 if not; refreshes
 * seen_size and the write rate's observations (t->race). */
int tailer_truncated(struct tailer *t);

/* Completes the pending multi-line record (the file went quiet). */
int tailer_flush(struct tailer *t, const struct tailer_sink *k, struct err *e);
/* The file will not grow: its held partial line becomes a record. */
int tailer_finish(struct tailer *t, const struct tailer_sink *k, struct err *e);

/* Fills t->ck.offset/tail_hash/size/last_seen (and a longer head) for the
 * next commit, from the bytes as read (never from the file again). */
void tailer_checkpoint(struct tailer *t, int64_t now_us);
/* After the commit: t->saved = t->ck. */
void tailer_committed(struct tailer *t);
/* Back to the last commit: drops the parser and held line, seeks back. */
int tailer_rewind(struct tailer *t, struct err *e);

/* Closes the descriptor of an idle plain file (reopened by tailer_reopen). */
void tailer_close_fd(struct tailer *t);
/* Reopens path; 1 if it is still the same file (seeks back to pos), 0 if
 * another file (or none) is there now, -1 on error. */
int tailer_reopen(struct tailer *t, struct err *e);

/* Bytes of the partial line being held, pending record offset or -1. */
int64_t tailer_pending(const struct tailer *t);

/* Copies the checkpoint to/from a files row. */
void tailer_ck_to_file(const struct tailer *t, struct store_file *f);
void tailer_ck_from_file(struct tailer_ck *ck, const struct store_file *f);

#endif
