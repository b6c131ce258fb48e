/* fileid: file identity and the in-memory index of known heads (fileid.h). */
#include "src/follow/fileid.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/base/hmap.h"
#include "src/follow/ingest.h"

/* A head hash maps to a short list of row ids (copies share heads). */
struct head_ids {
    int64_t *ids;
    size_t n, cap;
};

struct fileid_index {
    struct hmap by_hash;                        /* head_hash -> struct head_ids */
    unsigned char lens[INGEST_HEAD_BYTES + 1];  /* head lengths in use */
};

uint64_t ingest_hash(const void *p, size_t n, uint64_t h)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

int fileid_index_add(struct fileid_index *x, int64_t id, uint64_t hash, int64_t len)
{
    if (len <= 0 || len > INGEST_HEAD_BYTES)
        return 0;
    x->lens[len] = 1;
    struct head_ids *h = hmap_get(&x->by_hash, hash);
    if (!h) {
        if (!(h = calloc(1, sizeof *h)) || hmap_put(&x->by_hash, hash, h) < 0) {
            free(h);
            return -1;
        }
    }
    for (size_t i = 0; i < h->n; i++)
        if (h->ids[i] == id)
            return 0;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 2;
        int64_t *ni = realloc(h->ids, cap * sizeof *ni);
        if (!ni)
            return -1;
        h->ids = ni;
        h->cap = cap;
    }
    h->ids[h->n++] = id;
    return 0;
}

static int add_cb(void *ctx, int64_t id, uint64_t hash, int64_t len)
{
    return fileid_index_add(ctx, id, hash, len);
}

struct fileid_index *fileid_index_new(struct store *s, struct err *e)
{
    struct fileid_index *x = calloc(1, sizeof *x);
    if (!x) {
        err_set(e, "out of memory");
        return NULL;
    }
    hmap_init(&x->by_hash);
    if (store_file_heads(s, add_cb, x, e) < 0) {
        fileid_index_free(x);
        return NULL;
    }
    return x;
}

void fileid_index_free(struct fileid_index *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->by_hash.cap; i++) {
        struct head_ids *h = x->by_hash.vals[i];
        if (h && (void *)h != (void *)&hmap_tomb) {
            free(h->ids);
            free(h);
        }
    }
    hmap_fini(&x->by_hash);
    free(x);
}

/* --- checks ------------------------------------------------------------------ */

static int head_matches(const struct store_file *k, const char *head, size_t n)
{
    return k->head_len > 0 && (size_t)k->head_len <= n &&
           ingest_hash(head, (size_t)k->head_len, INGEST_HASH_SEED) == k->head_hash;
}

static int tail_ok(int fd, const struct store_file *k)
{
    if (k->offset <= 0 || !k->tail_hash)
        return 1;
    char b[INGEST_TAIL_BYTES];
    int64_t start = k->offset > INGEST_TAIL_BYTES ? k->offset - INGEST_TAIL_BYTES : 0;
    ssize_t r = pread(fd, b, (size_t)(k->offset - start), start);
    return r == k->offset - start && ingest_hash(b, (size_t)r, INGEST_HASH_SEED) == k->tail_hash;
}

/* The plain file p holds k's data up to k's checkpoint. */
static int content_ok(const struct fileid_probe *p, const struct store_file *k)
{
    if (p->gz)
        return 1;   /* cannot check cheaply; the head matched */
    return k->offset <= p->size && tail_ok(p->fd, k);
}

int fileid_live(const struct store_file *k)
{
    struct stat st;
    if (k->gz || k->state != FILE_ACTIVE || stat(k->path, &st) < 0 ||
        (uint64_t)st.st_dev != k->dev || (uint64_t)st.st_ino != k->ino)
        return 0;
    int fd = open(k->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 0;
    char head[INGEST_HEAD_BYTES];
    ssize_t n = pread(fd, head, sizeof head, 0);
    int ok = n > 0 && head_matches(k, head, (size_t)n) && st.st_size >= k->offset &&
             tail_ok(fd, k);
    close(fd);
    return ok;
}

/* --- identify ------------------------------------------------------------------ */

/* Row ids whose head is a prefix of p's head, newest first. */
static size_t candidates(const struct fileid_index *x, const struct fileid_probe *p,
                         int64_t *ids, size_t max)
{
    size_t n = 0;
    uint64_t h = INGEST_HASH_SEED;
    for (size_t len = 1; len <= p->head_n; len++) {
        h = ingest_hash(p->head + len - 1, 1, h);
        if (!x->lens[len])
            continue;
        const struct head_ids *hi = hmap_get(&x->by_hash, h);
        for (size_t i = 0; hi && i < hi->n && n < max; i++)
            ids[n++] = hi->ids[i];
    }
    for (size_t i = 1; i < n; i++)   /* insertion sort, descending */
        for (size_t j = i; j > 0 && ids[j] > ids[j - 1]; j--) {
            int64_t t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    return n;
}

static int by_inode(struct store *s, const struct fileid_probe *p, struct store_file *out,
                    int64_t *stale, struct err *e)
{
    if (p->gz)
        return 0;
    int r = store_file_by_inode(s, p->dev, p->ino, out, e);
    if (r <= 0)
        return r;
    if (head_matches(out, p->head, p->head_n) && content_ok(p, out))
        return 1;
    if (out->state == FILE_ACTIVE)
        *stale = out->id;
    return 0;
}

int fileid_identify(struct store *s, struct fileid_index *x, const struct fileid_probe *p,
                    fileid_tracked_fn tracked, void *ctx, struct store_file *out,
                    int64_t *stale, struct err *e)
{
    *stale = 0;
    int r = by_inode(s, p, out, stale, e);
    if (r != 0)
        return r < 0 ? -1 : FID_RESUME;
    /* the row of this inode while it was empty (ingest_note_empty): its
     * content is new unless a stored head claims it (a copy that got an
     * empty file's inode number) */
    int64_t empty = *stale && out->head_len == 0 && out->offset == 0 ? *stale : 0;
    int64_t ids[64];
    size_t n = candidates(x, p, ids, 64);
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == *stale || (i > 0 && ids[i] == ids[i - 1]))
            continue;
        r = store_file_by_id(s, ids[i], out, e);
        if (r < 0)
            return -1;
        if (r == 0 || !head_matches(out, p->head, p->head_n))
            continue;   /* stale index entry */
        if (!p->gz && out->dev == p->dev && out->ino == p->ino)
            continue;   /* that inode's older content: not this file */
        if ((tracked && tracked(ctx, out->id)) || fileid_live(out))
            return FID_COPY;
        if (content_ok(p, out))
            return FID_RESUME;
        if (!p->gz && out->offset > p->size)
            return FID_COPY;   /* an older copy of stored data: nothing new in it */
    }
    if (empty) {
        r = store_file_by_id(s, empty, out, e);
        if (r < 0)
            return -1;
        if (r > 0) {
            *stale = 0;
            return FID_RESUME;
        }
    }
    return FID_NEW;
}
