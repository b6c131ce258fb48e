/* zraw: compressed raw text of records with trained dictionaries (zraw.h). */
#include "db/zraw.h"
#include "src/base/thread.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <zdict.h>
#include <zstd.h>

#define DICT_CAP (16 * 1024)
#define NDICT 16
#ifndef ZRAW_LEVEL
#define ZRAW_LEVEL 1
#endif

struct samples {
    char *buf;
    size_t len, cap;
    size_t *sizes;
    unsigned n, capn;
    int done;             /* trained, or given up */
    /* Training runs on a thread of its own (ZDICT_trainFromBuffer takes
     * ~0.4 s: a follower must not stall that long); its result is taken
     * by the next zraw_pack() of the format once ready is set. */
    int running;
    pthread_t th;
    atomic_int ready;
    void *dict;
    size_t dl;
};

struct zraw {
    ZSTD_CCtx *cctx;
    ZSTD_DCtx *dctx;
    ZSTD_CDict *cdict[NDICT];
    ZSTD_DDict *ddict[NDICT];
    int tried[NDICT];     /* reader: looked the dictionary up */
    int pending[NDICT];   /* writer: trained in the open batch */
    struct samples smp[NDICT];
    char *out;
    size_t outcap;
};

static void samples_reset(struct samples *sm);
static int load_cdict(struct store *s, struct zraw *z, int id);

static struct zraw *zr(struct store *s)
{
    if (!s->zraw)
        s->zraw = calloc(1, sizeof *s->zraw);
    return s->zraw;
}

void zraw_free(struct zraw *z)
{
    if (!z)
        return;
    ZSTD_freeCCtx(z->cctx);
    ZSTD_freeDCtx(z->dctx);
    for (int i = 0; i < NDICT; i++) {
        ZSTD_freeCDict(z->cdict[i]);
        ZSTD_freeDDict(z->ddict[i]);
        if (z->smp[i].running)
            pthread_join(z->smp[i].th, NULL);
        samples_reset(&z->smp[i]);
    }
    free(z->out);
    free(z);
}

static int sample(struct samples *sm, const char *raw, size_t len)
{
    if (len > 2048)
        len = 2048;
    if (sm->len + len > sm->cap) {
        size_t cap = sm->cap ? sm->cap * 2 : 256 * 1024;
        while (cap < sm->len + len)
            cap *= 2;
        char *nb = realloc(sm->buf, cap);
        if (!nb)
            return -1;
        sm->buf = nb;
        sm->cap = cap;
    }
    if (sm->n == sm->capn) {
        unsigned cap = sm->capn ? sm->capn * 2 : 1024;
        size_t *ns = realloc(sm->sizes, cap * sizeof *ns);
        if (!ns)
            return -1;
        sm->sizes = ns;
        sm->capn = cap;
    }
    memcpy(sm->buf + sm->len, raw, len);
    sm->len += len;
    sm->sizes[sm->n++] = len;
    return 0;
}

static void *train_main(void *arg)
{
    struct samples *sm = arg;
    /* The lowest priority: a follower's ingest comes first. */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
    sm->dict = malloc(DICT_CAP);
    sm->dl = sm->dict ? ZDICT_trainFromBuffer(sm->dict, DICT_CAP, sm->buf, sm->sizes, sm->n) : 0;
    if (!sm->dict || ZDICT_isError(sm->dl))
        sm->dl = 0;
    atomic_store_explicit(&sm->ready, 1, memory_order_release);
    return NULL;
}

static void samples_reset(struct samples *sm)
{
    free(sm->buf);
    free(sm->sizes);
    free(sm->dict);
    sm->buf = sm->dict = NULL;
    sm->sizes = NULL;
    sm->len = sm->cap = sm->dl = 0;
    sm->n = sm->capn = 0;
}

/* Takes a finished training of dictionary id: stores it (inside the open
 * batch) and makes it current. A failure to train (too little variety) is
 * not an error: the format stays plain. */
static int take_dict(struct store *s, struct zraw *z, int id, struct err *e)
{
    struct samples *sm = &z->smp[id];
    pthread_join(sm->th, NULL);
    sm->running = 0;
    sm->done = 1;
    int rc = 0;
    if (sm->dl) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO zdict(id, dict) VALUES(?, ?)", -1,
                               &st, NULL) != SQLITE_OK)
            rc = store_sqlerr(s, e, "storing a compression dictionary");
        if (st) {
            sqlite3_bind_int(st, 1, id);
            sqlite3_bind_blob(st, 2, sm->dict, (int)sm->dl, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = store_sqlerr(s, e, "storing a compression dictionary");
            sqlite3_finalize(st);
        }
        if (rc == 0) {
            z->cdict[id] = ZSTD_createCDict(sm->dict, sm->dl, ZRAW_LEVEL);
            z->ddict[id] = ZSTD_createDDict(sm->dict, sm->dl);
            z->tried[id] = 1;
            z->pending[id] = 1;
        }
    }
    samples_reset(sm);
    return rc;
}

int zraw_pack(struct store *s, int format, const char *raw, size_t len, const void **out,
              size_t *outlen, int *zid, struct err *e)
{
    struct zraw *z = zr(s);
    int id = format > 0 && format < NDICT ? format : 0;
    *out = raw, *outlen = len, *zid = 0;
    if (!z || !id || len < ZRAW_MIN)
        return 0;
    if (!z->cdict[id] && !z->smp[id].done && !z->smp[id].running && load_cdict(s, z, id)) {
        /* a dictionary from an earlier run: records compressed with it must
         * stay decodable, so it is never replaced */
    }
    if (!z->cdict[id]) {
        struct samples *sm = &z->smp[id];
        if (sm->running && atomic_load_explicit(&sm->ready, memory_order_acquire) &&
            take_dict(s, z, id, e) < 0)
            return -1;
        if (sm->done || sm->running)
            return z->cdict[id] ? zraw_pack(s, format, raw, len, out, outlen, zid, e) : 0;
        if (sample(sm, raw, len) < 0)
            return 0;
        if (sm->n >= ZRAW_SAMPLES || sm->len >= ZRAW_SAMPLE_BYTES) {
            atomic_store(&sm->ready, 0);
            sm->running = thread_start("ld-ztrain", &sm->th, train_main, sm) == 0;
            sm->done = !sm->running;   /* no thread: stay plain */
        }
        return 0;
    }
    size_t bound = ZSTD_compressBound(len);
    if (bound > z->outcap) {
        char *nb = realloc(z->out, bound);
        if (!nb)
            return 0;
        z->out = nb;
        z->outcap = bound;
    }
    if (!z->cctx && !(z->cctx = ZSTD_createCCtx()))
        return 0;
    /* No dictionary id in the frame: flags name the dictionary (4 bytes
     * less per record). */
    ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_dictIDFlag, 0);
    ZSTD_CCtx_refCDict(z->cctx, z->cdict[id]);
    size_t n = ZSTD_compress2(z->cctx, z->out, z->outcap, raw, len);
    if (ZSTD_isError(n) || n >= len)
        return 0;
    *out = z->out, *outlen = n, *zid = id;
    return 0;
}

static ZSTD_DDict *ddict(struct store *s, struct zraw *z, int id);

/* Writer: the store's dictionary id, if it has one (1), made current. */
static int load_cdict(struct store *s, struct zraw *z, int id)
{
    sqlite3_stmt *st = NULL;
    if (z->smp[id].n)   /* sampling: there was none at the first look */
        return 0;
    if (sqlite3_prepare_v2(s->db, "SELECT dict FROM zdict WHERE id = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const void *d = sqlite3_column_blob(st, 0);
            size_t n = (size_t)sqlite3_column_bytes(st, 0);
            z->cdict[id] = ZSTD_createCDict(d, n, ZRAW_LEVEL);
            if (!z->ddict[id])
                z->ddict[id] = ZSTD_createDDict(d, n);
            z->tried[id] = 1;
            z->smp[id].done = 1;
        }
    }
    sqlite3_finalize(st);
    return z->cdict[id] != NULL;
}

static ZSTD_DDict *ddict(struct store *s, struct zraw *z, int id)
{
    if (z->ddict[id] || z->tried[id])
        return z->ddict[id];
    z->tried[id] = 1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT dict FROM zdict WHERE id = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW)
            z->ddict[id] = ZSTD_createDDict(sqlite3_column_blob(st, 0),
                                            (size_t)sqlite3_column_bytes(st, 0));
    }
    sqlite3_finalize(st);
    if (!z->ddict[id])
        z->tried[id] = 0;   /* a reader may see it once the writer commits it */
    return z->ddict[id];
}

const char *zraw_unpack(struct store *s, int zid, const void *blob, size_t len, struct zbuf *slot,
                        size_t *outlen)
{
    struct zraw *z = zr(s);
    if (!zid) {
        *outlen = len;
        return blob ? blob : "";
    }
    if (!z || zid >= NDICT || !blob)
        return NULL;
    ZSTD_DDict *d = ddict(s, z, zid);
    unsigned long long n = ZSTD_getFrameContentSize(blob, len);
    if (!d || n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n > (1u << 30))
        return NULL;
    if (n + 1 > slot->cap) {
        char *nb = realloc(slot->s, (size_t)n + 1);
        if (!nb)
            return NULL;
        slot->s = nb;
        slot->cap = (size_t)n + 1;
    }
    if (!z->dctx && !(z->dctx = ZSTD_createDCtx()))
        return NULL;
    size_t got = ZSTD_decompress_usingDDict(z->dctx, slot->s, slot->cap, blob, len, d);
    if (ZSTD_isError(got))
        return NULL;
    slot->s[got] = '\0';
    *outlen = got;
    return slot->s;
}

void zraw_batch_end(struct store *s, int committed)
{
    struct zraw *z = s->zraw;
    for (int i = 0; z && i < NDICT; i++) {
        if (!z->pending[i])
            continue;
        z->pending[i] = 0;
        if (committed)
            continue;
        /* The dictionary's row was rolled back with the records using it. */
        ZSTD_freeCDict(z->cdict[i]);
        ZSTD_freeDDict(z->ddict[i]);
        z->cdict[i] = NULL;
        z->ddict[i] = NULL;
        z->tried[i] = 0;
        z->smp[i].done = 0;
    }
}

void zraw_close(struct store *s)
{
    struct zraw *z = s->zraw;
    for (int i = 0; z && i < NDICT; i++) {
        if (!z->smp[i].running)
            continue;
        /* A training still running at close: wait for it and keep its
         * dictionary, so that the next run compresses from its first record. */
        if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            continue;
        struct err e = {0};
        if (take_dict(s, z, i, &e) == 0)
            sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
        else
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        z->pending[i] = 0;
    }
}
