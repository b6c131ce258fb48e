/* ingest: reads log files into the store, exactly once. For each file it
 * finds the file's checkpoint (by device+inode and a hash of its first
 * bytes, or by that hash alone when the file was renamed or compressed
 * since), reads from the checkpoint to the end, parses the lines and stores
 * the records in batches whose transaction also carries the new offset.
 *
 * One struct ingest per store writer. Used by `logdeck index` (one pass)
 * and by the follower (index --follow, the TUI, alerts run). */
#ifndef LOGDECK_INGEST_H
#define LOGDECK_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/err.h"
#include "src/parse.h"

#define INGEST_HEAD_BYTES 1024     /* bytes hashed to identify a file */
#define INGEST_TAIL_BYTES 64       /* bytes before the offset, re-checked on resume */

struct ingest_opts {
    size_t max_line;               /* longer lines are cut (marker, counted); 0: 1 MiB */
    int64_t batch_records;         /* commit after this many records; 0: 100000 */
    struct parse_opts parse;       /* defaults for every file */
    int final;                     /* 1: files are complete (one-shot index): a
                                      pending multi-line record is completed at EOF */
};

/* What one run added (also per file in ingest_file_stats). */
struct ingest_stats {
    int64_t records;
    int64_t by_level[LVL_COUNT];
    int64_t unparsed;
    int64_t truncated;             /* lines cut at max_line */
    int64_t bytes;                 /* bytes consumed */
    int64_t lines;
    int64_t partial_held;          /* files ending in a line with no newline yet */
    int64_t files;                 /* files that were read */
    int64_t first_ts, last_ts;     /* of the records added; 0 if none */
};

struct ingest;

/* s is borrowed and must outlive the ingest. */
struct ingest *ingest_new(struct store *s, const struct ingest_opts *o, struct err *e);
void ingest_free(struct ingest *in);    /* NULL is a no-op; commits nothing */

/* Reads path (plain or .gz) from its checkpoint to its end and commits.
 * Returns 0, or -1 with e filled (the file is skipped; nothing it had
 * stored is lost, earlier batches stay committed). */
int ingest_path(struct ingest *in, const char *path, struct err *e);

/* Totals of everything this ingest added so far. */
const struct ingest_stats *ingest_stats(const struct ingest *in);

/* 64-bit FNV-1a, used for file identity. */
uint64_t ingest_hash(const void *p, size_t n, uint64_t seed);
#define INGEST_HASH_SEED 0xcbf29ce484222325ULL

#endif
