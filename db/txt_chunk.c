/* txt_chunk: a document of the text index rebuilt from the records still
 * stored (txt.h): retention rewrites each block it deletes from, the v7
 * migration builds them all. */
#include "db/txt.h"
#include "db/blk.h"
#include "db/exec_int.h"

#include <stdlib.h>
#include <string.h>

int txt_chunk_of(struct store *s, int64_t id, struct txt_chunk *c, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, n FROM rawblk WHERE id <= ? ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "finding a record's block");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && id < sqlite3_column_int64(st, 0) + sqlite3_column_int(st, 1)) {
        c->lo = sqlite3_column_int64(st, 0);
        c->n = sqlite3_column_int(st, 1);
        c->v4 = 0;
    } else {   /* a row of a v4 store: the aligned chunk */
        c->lo = (id - 1) / TXT_SLOTS * TXT_SLOTS + 1;
        c->n = TXT_SLOTS;
        c->v4 = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, e, "finding a record's block");
    return 0;
}

/* The document of chunk [lo, lo + n) from its live records: slots up to
 * the last live one, a dead slot empty. A block's chunk holds its block
 * rows, an aligned chunk (v4) its rows that are not in a block. */
static int chunk_doc(struct store *s, const struct txt_chunk *c, struct txt_doc *d,
                     struct err *e)
{
    int64_t lo = c->lo;
    sqlite3_stmt *st = NULL;
    struct exec_state *x = s->exec;
    d->len = 0;
    d->slots = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT id, raw, flags, cid, msg FROM records WHERE id >= ?"
                           " AND id < ? ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "reading records' text");
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, lo + c->n);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        int flags = sqlite3_column_int(st, 2);
        int inblk = ZRAW_ID(flags) == BLK_ZID;
        if (inblk == c->v4)
            continue;
        struct blk_rec br;
        const char *raw = NULL, *cid = NULL, *msg = NULL;
        size_t rn = 0, cn = 0, mn = 0;
        if (inblk && blk_get(s, id, &br) == 0) {
            raw = br.raw, rn = br.rn, msg = br.msg, mn = br.mn;
            if (flags & BLK_HAS_CID)
                cid = br.cid, cn = br.cn;
        } else if (!inblk) {
            raw = exec_raw(x, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
                           flags, id, &x->fnbuf, &rn);
            cid = (const char *)sqlite3_column_text(st, 3);
            cn = cid ? strlen(cid) : 0;
            msg = (const char *)sqlite3_column_text(st, 4);
            mn = msg ? (size_t)sqlite3_column_bytes(st, 4) : 0;
        }
        if (!raw) {
            sqlite3_finalize(st);
            return err_set(e, "reading record %lld's text: it cannot be decoded", (long long)id);
        }
        int apart = mn && !(msg >= raw && msg + mn <= raw + rn);
        if (txt_note_runs(s, raw, rn) < 0 || (apart && txt_note_runs(s, msg, mn) < 0))
            goto oom;
        while (lo + d->slots < id)
            if (txt_doc_add(d, "", 0, "", 0, "", 0) < 0)
                goto oom;
        if (txt_doc_add(d, raw, rn, cid ? cid : "", cn, msg ? msg : "", mn) < 0)
            goto oom;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading records' text");
    return 0;
oom:
    sqlite3_finalize(st);
    return err_set(e, "out of memory indexing records' text");
}

int txt_chunk_remove(struct store *s, const struct txt_chunk *c, struct err *e)
{
    struct txt_doc d = {0};
    int rc = chunk_doc(s, c, &d, e) < 0 ? -1 : txt_put(s, c->lo, d.s, d.len, NULL, 0, e);
    free(d.s);
    return rc;
}

int txt_chunk_add(struct store *s, const struct txt_chunk *c, struct err *e)
{
    struct txt_doc d = {0};
    int rc = chunk_doc(s, c, &d, e) < 0 ? -1 : txt_put(s, c->lo, NULL, 0, d.s, d.len, e);
    free(d.s);
    return rc;
}

int txt_rebuild(struct store *s, struct err *e)
{
    sqlite3_stmt *st = NULL;
    /* blocks, then the aligned chunks of rows not in a block (v4) */
    if (sqlite3_prepare_v2(s->db, "SELECT id, n, 0 FROM rawblk UNION ALL SELECT DISTINCT"
                           " (id - 1) / 128 * 128 + 1, 128, 1 FROM records WHERE"
                           " ((flags >> 3) & 15) != 15", -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "reading the blocks of text");
    int rc, bad = 0;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct txt_chunk c = {sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
                              sqlite3_column_int(st, 2)};
        bad = txt_chunk_add(s, &c, e) < 0;
    }
    sqlite3_finalize(st);
    if (bad)
        return -1;
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading the blocks of text");
    return 0;
}
