/* fileid: which stored file is this? Identity of a file is its device and
 * inode plus the hash of its first bytes (up to INGEST_HEAD_BYTES) and the
 * hash of the bytes just before its checkpoint. A file found at a known
 * inode with the same head and tail resumes that checkpoint; a file with a
 * new inode but a known head is the same data renamed across devices,
 * compressed, or copied (copytruncate). Keeps an in-memory index of every
 * known head so that a new file is matched in O(head bytes), whatever the
 * number of files in the store. */
#ifndef LOGDECK_FILEID_H
#define LOGDECK_FILEID_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"

struct fileid_index;

struct fileid_index *fileid_index_new(struct store *s, struct err *e);
void fileid_index_free(struct fileid_index *x);
/* Records a (new or grown) head of a row. */
int fileid_index_add(struct fileid_index *x, int64_t id, uint64_t head_hash, int64_t head_len);

/* What is known about a file just opened. */
struct fileid_probe {
    const char *path;
    int fd;                  /* open plain descriptor (for tail checks) */
    uint64_t dev, ino;
    int64_t size;            /* plain size; -1 for gzip (unknown) */
    int gz;
    const char *head;
    size_t head_n;
};

enum fileid_verdict {
    FID_NEW = 0,      /* never seen: start at 0 */
    FID_RESUME = 1,   /* *out is its checkpoint (maybe under another name) */
    FID_COPY = 2      /* the same data as live row *out: a copy, or compressed
                         while the original is still being read */
};

/* Asks tracked(ctx, id) whether a row's file is currently open by the
 * caller (a follower): such a row is live whatever its path says. */
typedef int (*fileid_tracked_fn)(void *ctx, int64_t id);

/* Decides. *stale gets the id of a row that had this inode but other
 * content (inode reused, or truncated/rewritten), or 0. Returns the
 * verdict, or -1 with e filled. */
int fileid_identify(struct store *s, struct fileid_index *x, const struct fileid_probe *p,
                    fileid_tracked_fn tracked, void *ctx, struct store_file *out,
                    int64_t *stale, struct err *e);

/* 1 if the file at k->path is k's file, with the content k recorded. */
int fileid_live(const struct store_file *k);

#endif
