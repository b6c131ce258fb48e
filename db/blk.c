/* blk: records' raw text and messages compressed in blocks (blk.h). */
#include "db/blk.h"
#include "db/addq.h"
#include "db/txt.h"
#include "src/base/vbuf.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#ifndef BLK_LEVEL
#define BLK_LEVEL 3
#endif
#define BLK_CACHE 8

/* String k (BLK_RAW, BLK_MSG, BLK_CID) of record i of a block is
 * data[pos[NS * i + k] ..][.. len[NS * i + k]).
 *
 * A block as stored (then compressed): varint n; per record varint raw
 * length, then for the message and the cid each: varint code, varint
 * length, code 0 when the string's bytes follow the raw text in the data,
 * else 1 + its offset inside the record's raw text (a JSON line's message
 * and cid are usually there as they are: 2-3 bytes instead of a copy that
 * zstd encodes in ~8); then the data: per record its raw text and its
 * strings of code 0. */
enum { BLK_RAW, BLK_MSG, BLK_CID, NS };
struct dec {
    int64_t id;
    int n;                 /* 0: empty slot */
    char *data;
    size_t cap;
    uint32_t pos[NS * BLK_RECORDS], len[NS * BLK_RECORDS];
    uint64_t used;
};

struct blk {
    /* writer: the open block */
    int64_t next_id;       /* 0: to be read from the store */
    int64_t open_id;
    int open_n, dirty;
    char *data;
    size_t len, cap;
    uint32_t pos[NS * BLK_RECORDS], slen[NS * BLK_RECORDS];
    char *ser, *z;         /* serialized (write_open), compressed (blk_put) scratch */
    size_t sercap, zcap;
    char *pz;              /* compressed by write_open (the caller's thread) */
    size_t pzcap;
    ZSTD_CCtx *pcctx;      /* write_open's: blk_put may run on the store thread meanwhile */
    int txt_n;             /* records of the open block in its text document (txt.h) */
    struct txt_doc doc;    /* the open block's slots */
    struct txt_doc prep, old;   /* its prepared document; the one written last (txt_n) */
    struct txt_tok *tok;
    ZSTD_CCtx *cctx;
    sqlite3_stmt *st_put, *st_del;
    /* reader */
    ZSTD_DCtx *dctx;
    sqlite3_stmt *st_get;
    unsigned data_version;
    struct dec cache[BLK_CACHE];
    uint64_t tick;
};

static struct blk *state(struct store *s)
{
    if (!s->blk)
        s->blk = calloc(1, sizeof *s->blk);
    return s->blk;
}

void blk_free(struct blk *b)
{
    if (!b)
        return;
    free(b->data);
    free(b->ser);
    free(b->z);
    free(b->pz);
    ZSTD_freeCCtx(b->pcctx);
    free(b->doc.s);
    free(b->prep.s);
    free(b->old.s);
    txt_tok_free(b->tok);
    ZSTD_freeCCtx(b->cctx);
    ZSTD_freeDCtx(b->dctx);
    sqlite3_finalize(b->st_put);
    sqlite3_finalize(b->st_del);
    sqlite3_finalize(b->st_get);
    for (int i = 0; i < BLK_CACHE; i++)
        free(b->cache[i].data);
    free(b);
}

/* --- writer ------------------------------------------------------------------ */

/* The first id never used: past the newest record and the newest block
 * (whose records may all be gone). */
static int64_t first_free_id(struct store *s)
{
    int64_t a = store_pragma_int(s, "SELECT coalesce(max(id), 0) FROM records");
    int64_t b = store_pragma_int(s, "SELECT coalesce((SELECT id + n - 1 FROM rawblk"
                                    " ORDER BY id DESC LIMIT 1), 0)");
    if (a < 0 || b < 0)
        return -1;
    return (a > b ? a : b) + 1;
}

/* The text document (txt.h) of the open block's first n records. */
static int open_doc(struct blk *b, int n, struct txt_doc *d)
{
    d->len = 0;
    d->slots = 0;
    for (int i = 0; i < n; i++) {
        const uint32_t *p = b->pos + NS * i, *l = b->slen + NS * i;
        if (txt_doc_add(d, b->data + p[BLK_RAW], l[BLK_RAW], b->data + p[BLK_CID], l[BLK_CID],
                        b->data + p[BLK_MSG], l[BLK_MSG]) < 0)
            return -1;
    }
    return 0;
}

/* Compresses n bytes of src into *dst (grown; cap *cap) with *cctx
 * (created on first use): the compressed length, or 0 with e. */
static size_t zip(ZSTD_CCtx **cctx, char **dst, size_t *cap, const void *src, size_t n,
                  struct err *e)
{
    if (vbuf_grow(dst, cap, ZSTD_compressBound(n)) < 0 || (!*cctx && !(*cctx = ZSTD_createCCtx()))) {
        err_set(e, "out of memory compressing records");
        return 0;
    }
    size_t zn = ZSTD_compressCCtx(*cctx, *dst, *cap, src, n, BLK_LEVEL);
    if (ZSTD_isError(zn)) {
        err_set(e, "compressing records: %s", ZSTD_getErrorName(zn));
        return 0;
    }
    return zn;
}

/* Writes the open block (replacing its earlier, shorter version) and its
 * text document: serialized and its words split here; compressed here too
 * when the store thread of a bulk load is the one behind (addq_behind),
 * else by blk_put on that thread. At 1M records the store thread is the
 * longer one (perf: 8.0 s against 4.9 s of CPU), at 100k records mostly
 * the parsing one: the choice follows the queue, block by block. */
static int write_open(struct store *s, struct blk *b, struct err *e)
{
    size_t hdr = 10 + (size_t)b->open_n * (2 * NS - 1) * 10;
    if (vbuf_grow(&b->ser, &b->sercap, hdr + b->len) < 0)
        return err_set(e, "out of memory compressing records");
    unsigned char *o = (unsigned char *)b->ser;
    size_t n = varint_put(o, (uint64_t)b->open_n);
    for (int i = 0; i < b->open_n; i++) {
        const uint32_t *p = b->pos + NS * i, *l = b->slen + NS * i;
        n += varint_put(o + n, l[BLK_RAW]);
        for (int k = BLK_RAW + 1; k < NS; k++) {
            int ref = l[k] && p[k] < p[BLK_RAW] + l[BLK_RAW];
            n += varint_put(o + n, ref ? p[k] - p[BLK_RAW] + 1 : 0);
            n += varint_put(o + n, l[k]);
        }
    }
    memcpy(b->ser + n, b->data, b->len);
    n += b->len;
    /* A bulk load writes on the store thread only (addq.h): a write here
     * that failed would let SQLite end the transaction under the inserts
     * still queued. The words are split here, on the caller's thread
     * (txt_doc_prepare); the document written before (txt_n records) is
     * removed with the very tokens it was written with. */
    if (open_doc(b, b->open_n, &b->doc) < 0 ||
        (!b->tok && !(b->tok = txt_tok_new(s->db, s->cid_words))) ||
        txt_doc_prepare(b->tok, &b->doc, &b->prep) < 0 || txt_tok_runs(b->tok, s) < 0)
        return err_set(e, "out of memory indexing records' text");
    struct row_item it = {.kind = ROW_BLOCK, .id = b->open_id, .bn = b->open_n, .blob = b->ser,
                          .bloblen = n, .body = b->prep.s, .blen = b->prep.len,
                          .doc = b->old.s, .dlen = b->txt_n ? b->old.len : 0};
    if (addq_behind(s)) {
        if (!(it.bloblen = zip(&b->pcctx, &b->pz, &b->pzcap, b->ser, n, e)))
            return -1;
        it.blob = b->pz;
        it.zipped = 1;
    }
    if ((s->addq ? addq_push(s, &it, e) : blk_put(s, &it, e)) < 0)
        return -1;
    struct txt_doc written = b->prep;
    b->prep = b->old;
    b->old = written;
    b->txt_n = b->open_n;
    b->dirty = 0;
    return 0;
}

int blk_put(struct store *s, const struct row_item *it, struct err *e)
{
    struct blk *b = state(s);
    int64_t id = it->id;
    int n = it->bn;
    if (!b)
        return err_set(e, "out of memory storing records' text");
    const void *z = it->blob;
    size_t zn = it->bloblen;
    if (!it->zipped) {
        if (!(zn = zip(&b->cctx, &b->z, &b->zcap, it->blob, it->bloblen, e)))
            return -1;
        z = b->z;
    }
    if (txt_put(s, id, it->doc, it->dlen, it->body, it->blen, e) < 0)
        return -1;
    if (store_prepare(s, &b->st_put, "INSERT OR REPLACE INTO rawblk(id, n, z) VALUES(?, ?, ?)",
                      e) < 0)
        return -1;
    sqlite3_bind_int64(b->st_put, 1, id);
    sqlite3_bind_int(b->st_put, 2, n);
    sqlite3_bind_blob(b->st_put, 3, z, (int)zn, SQLITE_STATIC);
    int rc = sqlite3_step(b->st_put);
    sqlite3_reset(b->st_put);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "storing records' text");
    return 0;
}

int blk_add(struct store *s, const struct blk_rec *r, int64_t *id, struct err *e)
{
    struct blk *b = state(s);
    if (!b)
        return err_set(e, "out of memory storing a record");
    if (b->next_id == 0 && (b->next_id = first_free_id(s)) < 0) {
        b->next_id = 0;
        return store_sqlerr(s, e, "reading the newest record id");
    }
    const char *str[NS] = {r->raw, r->msg, r->cid};
    size_t len[NS] = {r->rn, r->mn, r->cn}, sum = r->rn + r->mn + r->cn;
    if (sum > UINT32_MAX / 4 || b->len + sum > UINT32_MAX / 2)
        return err_set(e, "a record too large to store (%zu bytes)", sum);
    if (b->open_n == 0) {
        b->open_id = b->next_id;
        b->len = 0;
        b->txt_n = 0;
    }
    if (vbuf_grow(&b->data, &b->cap, b->len + sum) < 0)
        return err_set(e, "out of memory storing a record");
    uint32_t *p = b->pos + NS * b->open_n, *l = b->slen + NS * b->open_n;
    const char *raw = b->data + b->len;
    for (int k = 0; k < NS; k++) {
        const char *at = k != BLK_RAW && len[k] ? memmem(raw, len[BLK_RAW], str[k], len[k]) : NULL;
        l[k] = (uint32_t)len[k];
        if (at) {   /* inside the raw text: a reference */
            p[k] = (uint32_t)(at - b->data);
            continue;
        }
        p[k] = (uint32_t)b->len;
        if (len[k])
            memcpy(b->data + b->len, str[k], len[k]);
        b->len += len[k];
    }
    b->open_n++;
    b->dirty = 1;
    *id = b->next_id++;
    if (b->open_n == BLK_RECORDS) {
        if (write_open(s, b, e) < 0)
            return -1;
        b->open_n = 0;
    }
    return 0;
}

int blk_flush(struct store *s, struct err *e)
{
    struct blk *b = s->blk;
    if (!b || !b->open_n || !b->dirty)
        return 0;
    return write_open(s, b, e);
}

void blk_rollback(struct store *s)
{
    struct blk *b = s->blk;
    if (!b)
        return;
    b->open_n = 0;
    b->len = 0;
    b->dirty = 0;
    b->txt_n = 0;
    b->next_id = 0;
    for (int i = 0; i < BLK_CACHE; i++)   /* blocks of the batch may be cached */
        b->cache[i].n = 0;
}

void blk_seal(struct store *s, int64_t id)
{
    struct blk *b = s->blk;
    if (!b || !b->open_n || b->open_id != id)
        return;
    b->open_n = 0;
    b->len = 0;
    b->dirty = 0;
    b->txt_n = 0;
}

int blk_prune(struct store *s, int64_t lo, int64_t hi, struct err *e)
{
    struct blk *b = state(s);
    if (!b)
        return err_set(e, "out of memory");
    if (store_prepare(s, &b->st_del,
                      "DELETE FROM rawblk WHERE id >= (SELECT coalesce(max(id), 0) FROM rawblk"
                      " WHERE id <= ?1) AND id <= ?2"
                      " AND id < (SELECT max(id) FROM rawblk)"
                      " AND NOT EXISTS (SELECT 1 FROM records r WHERE r.id >= rawblk.id"
                      " AND r.id < rawblk.id + rawblk.n)", e) < 0)
        return -1;
    sqlite3_bind_int64(b->st_del, 1, lo);
    sqlite3_bind_int64(b->st_del, 2, hi);
    int rc = sqlite3_step(b->st_del);
    sqlite3_reset(b->st_del);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "deleting old records' text");
    for (int i = 0; i < BLK_CACHE; i++)
        b->cache[i].n = 0;
    return 0;
}

/* --- reader ------------------------------------------------------------------ */

/* Parses a decompressed block of ser_n bytes (in d->data) into d's
 * positions, moving the data to the front (over the header). */
static int parse_block(struct dec *d, size_t ser_n)
{
    const unsigned char *p = (const unsigned char *)d->data, *end = p + ser_n;
    uint64_t n, v[2 * NS - 1];
    if (varint_get(&p, end, &n) < 0 || n == 0 || n > BLK_RECORDS)
        return -1;
    uint64_t cur = 0;
    for (uint64_t i = 0; i < n; i++) {
        for (int k = 0; k < 2 * NS - 1; k++)
            if (varint_get(&p, end, &v[k]) < 0 || v[k] > ser_n)
                return -1;
        uint32_t *ps = d->pos + NS * i, *ls = d->len + NS * i;
        ps[BLK_RAW] = (uint32_t)cur;
        ls[BLK_RAW] = (uint32_t)v[0];
        cur += v[0];
        for (int k = BLK_RAW + 1; k < NS; k++) {
            uint64_t code = v[2 * k - 1], len = v[2 * k];
            if (code && code - 1 + len > v[0])
                return -1;
            ps[k] = (uint32_t)(code ? ps[BLK_RAW] + code - 1 : cur);
            ls[k] = (uint32_t)len;
            cur += code ? 0 : len;
        }
    }
    size_t hdr = (size_t)(p - (const unsigned char *)d->data);
    if (hdr + cur != ser_n)
        return -1;
    memmove(d->data, d->data + hdr, cur);
    d->data[cur] = '\0';
    d->n = (int)n;
    return 0;
}

static struct dec *load(struct store *s, struct blk *b, int64_t id)
{
    if (store_prepare(s, &b->st_get, "SELECT id, n, z FROM rawblk WHERE id <= ?"
                                     " ORDER BY id DESC LIMIT 1", NULL) < 0)
        return NULL;
    sqlite3_bind_int64(b->st_get, 1, id);
    struct dec *d = NULL;
    if (sqlite3_step(b->st_get) == SQLITE_ROW) {
        int64_t bid = sqlite3_column_int64(b->st_get, 0);
        int n = sqlite3_column_int(b->st_get, 1);
        const void *z = sqlite3_column_blob(b->st_get, 2);
        size_t zn = (size_t)sqlite3_column_bytes(b->st_get, 2);
        unsigned long long sz = z ? ZSTD_getFrameContentSize(z, zn) : ZSTD_CONTENTSIZE_ERROR;
        if (id < bid + n && sz != ZSTD_CONTENTSIZE_ERROR && sz != ZSTD_CONTENTSIZE_UNKNOWN &&
            sz < (1ull << 31)) {
            d = &b->cache[0];
            for (int i = 1; i < BLK_CACHE; i++)   /* the least recently used slot */
                if (b->cache[i].used < d->used)
                    d = &b->cache[i];
            d->n = 0;
            if ((!b->dctx && !(b->dctx = ZSTD_createDCtx())) ||
                vbuf_grow(&d->data, &d->cap, (size_t)sz + 1) < 0 ||
                ZSTD_isError(ZSTD_decompressDCtx(b->dctx, d->data, d->cap, z, zn)) ||
                parse_block(d, (size_t)sz) < 0 || d->n != n)
                d = NULL;
            else
                d->id = bid;
        }
    }
    sqlite3_reset(b->st_get);
    return d;
}

static void rec_of(const char *data, const uint32_t *pos, const uint32_t *len, int i,
                   struct blk_rec *r)
{
    const uint32_t *p = pos + NS * i, *l = len + NS * i;
    r->raw = data + p[BLK_RAW];
    r->rn = l[BLK_RAW];
    r->msg = data + p[BLK_MSG];
    r->mn = l[BLK_MSG];
    r->cid = data + p[BLK_CID];
    r->cn = l[BLK_CID];
}

int blk_get(struct store *s, int64_t id, struct blk_rec *r)
{
    struct blk *b = state(s);
    if (!b)
        return -1;
    if (b->open_n && id >= b->open_id && id < b->open_id + b->open_n) {   /* the writer's own */
        rec_of(b->data, b->pos, b->slen, (int)(id - b->open_id), r);
        return 0;
    }
    /* Another connection's commit may have rewritten blocks (retention). */
    unsigned dv = 0;
    if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_DATA_VERSION, &dv) == SQLITE_OK &&
        dv != b->data_version) {
        b->data_version = dv;
        for (int i = 0; i < BLK_CACHE; i++)
            b->cache[i].n = 0;
    }
    struct dec *d = NULL;
    for (int i = 0; i < BLK_CACHE && !d; i++)
        if (b->cache[i].n && id >= b->cache[i].id && id < b->cache[i].id + b->cache[i].n)
            d = &b->cache[i];
    if (!d && !(d = load(s, b, id)))
        return -1;
    d->used = ++b->tick;
    rec_of(d->data, d->pos, d->len, (int)(id - d->id), r);
    return 0;
}
