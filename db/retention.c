/* retention: deleting old records in small steps: per-level age limits and
 * a size cap (store.h, "retention"). A record leaves with its entries in
 * rec_fv (contentless: a delete must repeat the exact indexed document,
 * which fv_record_stored() rebuilds from the row as fv_record() built it
 * at ingest), its slot in its block's text document (the document of each
 * block it deletes from is rewritten from the records left, txt.h) and
 * its count in the counts table, in one transaction, which also takes its
 * fields off the field catalogue and rebuilds the rollup cells of the
 * minutes it touched (rollup.h); a block of text (blk.h) leaves with its
 * last record. */
#include "db/exec_int.h"
#include "db/fv.h"
#include "db/blk.h"
#include "db/rollup.h"
#include "db/store_int.h"
#include "db/txt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct doomed {
    sqlite3_stmt *fv, *del, *cnt;
    int64_t by_level[LVL_COUNT];
    int64_t lo, hi;    /* the ids deleted lie in [lo, hi] (0, 0: none) */
    struct txt_chunk *ch;   /* the chunks of text deleted from, their */
    size_t nch, capch;      /* documents removed (rewritten by finish) */
};

/* The columns delete_one() reads, in its order. */
#define DOOMED_COLS "id, level, fmt, file_id, raw, flags, fields, cid, ld_name(service), " \
                    "ld_name(logger), metric, ld_name(path), ts"


static int prep(struct store *s, sqlite3_stmt **st, const char *sql, struct err *e)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "preparing a retention statement");
    return 0;
}

static int doomed_init(struct store *s, struct doomed *d, struct err *e)
{
    memset(d, 0, sizeof *d);
    if (prep(s, &d->fv, "INSERT INTO rec_fv(rec_fv, rowid, tok) VALUES('delete', ?, ?)", e) ||
        prep(s, &d->del, "DELETE FROM records WHERE id = ?", e) ||
        prep(s, &d->cnt, "UPDATE counts SET n = max(n - ?, 0) WHERE level = ?", e))
        return -1;
    return 0;
}

static void doomed_fini(struct doomed *d)
{
    free(d->ch);
    sqlite3_finalize(d->fv);
    sqlite3_finalize(d->del);
    sqlite3_finalize(d->cnt);
}

static const char *text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static int fts_delete(struct store *s, sqlite3_stmt *st, int64_t id, const char *doc, size_t n,
                      struct err *e)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, doc, (int)n, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        return store_sqlerr(s, e, "removing an old record from the text index");
    return 0;
}

/* Before record id is deleted: the first time its chunk of text is met,
 * its document (of the records still there) leaves the index. */
static int leave_chunk(struct store *s, struct doomed *d, int64_t id, struct err *e)
{
    for (size_t i = 0; i < d->nch; i++)
        if (id >= d->ch[i].lo && id < d->ch[i].lo + d->ch[i].n)
            return 0;
    struct txt_chunk c;
    if (txt_chunk_of(s, id, &c, e) < 0)
        return -1;
    if (d->nch == d->capch) {
        size_t nc = d->capch ? d->capch * 2 : 16;
        struct txt_chunk *n = realloc(d->ch, nc * sizeof *n);
        if (!n)
            return err_set(e, "out of memory deleting old records");
        d->ch = n;
        d->capch = nc;
    }
    d->ch[d->nch++] = c;
    return txt_chunk_remove(s, &c, e);
}

/* After the deletes: the chunks' documents of the records left. */
static int rewrite_chunks(struct store *s, struct doomed *d, struct err *e)
{
    for (size_t i = 0; i < d->nch; i++) {
        if (txt_chunk_add(s, &d->ch[i], e) < 0)
            return -1;
        if (!d->ch[i].v4)   /* the writer's open block, if it was one, is done */
            blk_seal(s, d->ch[i].lo);
    }
    return 0;
}

/* Deletes the row sel is on (DOOMED_COLS). */
static int delete_one(struct store *s, struct doomed *d, sqlite3_stmt *sel, struct err *e)
{
    int64_t id = sqlite3_column_int64(sel, 0);
    int level = sqlite3_column_int(sel, 1);
    struct record r = {.level = level, .format = sqlite3_column_int(sel, 2), .fields = text(sel, 6),
                       .cid = text(sel, 7), .service = text(sel, 8), .logger = text(sel, 9),
                       .metric_name = text(sel, 10), .path = text(sel, 11)};
    r.raw = exec_raw(s->exec, sqlite3_column_blob(sel, 4), (size_t)sqlite3_column_bytes(sel, 4),
                     sqlite3_column_int(sel, 5), id, &s->exec->fnbuf, &r.raw_len);
    if (!r.raw)
        return err_set(e, "deleting an old record: its text cannot be decoded");
    size_t cn;
    if (!r.cid)
        r.cid = exec_cid(s->exec, sqlite3_column_int(sel, 5), id, &s->exec->cidbuf, &cn);
    struct fv_out fo;
    if (fv_record_stored(s, sqlite3_column_int64(sel, 3), &r, &fo) < 0)
        return err_set(e, "out of memory deleting old records");
    if ((fo.dlen && fts_delete(s, d->fv, id, fo.doc, fo.dlen, e) < 0) ||
        leave_chunk(s, d, id, e) < 0)
        return -1;
    sqlite3_reset(d->del);
    sqlite3_bind_int64(d->del, 1, id);
    if (sqlite3_step(d->del) != SQLITE_DONE)
        return store_sqlerr(s, e, "deleting an old record");
    if (level >= 0 && level < LVL_COUNT)
        d->by_level[level]++;
    if (!d->lo || id < d->lo)
        d->lo = id;
    if (id > d->hi)
        d->hi = id;
    if (rollup_forget(s, sqlite3_column_int64(sel, 12)) < 0)   /* rebuilt at commit */
        return err_set(e, "out of memory deleting old records");
    return 0;
}

static int fix_counts(struct store *s, struct doomed *d, struct err *e)
{
    for (int l = 0; l < LVL_COUNT; l++) {
        if (!d->by_level[l])
            continue;
        sqlite3_reset(d->cnt);
        sqlite3_bind_int64(d->cnt, 1, d->by_level[l]);
        sqlite3_bind_int(d->cnt, 2, l);
        if (sqlite3_step(d->cnt) != SQLITE_DONE)
            return store_sqlerr(s, e, "updating level counts");
    }
    return 0;
}

/* Runs sel (bound by the caller) and deletes every row it yields. */
static int64_t delete_selected(struct store *s, struct doomed *d, sqlite3_stmt *sel,
                               struct err *e)
{
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        if (delete_one(s, d, sel, e) < 0)
            return -1;
        n++;
    }
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "selecting old records");
    return n;
}

static int64_t finish(struct store *s, struct doomed *d, int64_t n, struct err *e)
{
    if (n >= 0 && (fix_counts(s, d, e) < 0 || rewrite_chunks(s, d, e) < 0 ||
                   (d->lo && blk_prune(s, d->lo, d->hi, e) < 0) || store_commit(s, e) < 0))
        n = -1;
    if (n < 0)
        store_rollback(s);
    doomed_fini(d);
    return n;
}

int64_t store_retention_step(struct store *s, const int64_t keep_us[LVL_COUNT], int64_t now_us,
                             int max_rows, struct err *e)
{
    struct doomed d;
    sqlite3_stmt *sel = NULL;
    if (store_in_batch(s))
        return 0;
    if (doomed_init(s, &d, e) < 0 || prep(s, &sel, "SELECT " DOOMED_COLS " FROM records"
                                          " WHERE level = ? AND ts < ? ORDER BY ts LIMIT ?", e) < 0 ||
        store_begin(s, e) < 0) {
        sqlite3_finalize(sel);
        doomed_fini(&d);
        return -1;
    }
    int64_t n = 0;
    for (int l = 0; l < LVL_COUNT && n >= 0 && n < max_rows; l++) {
        if (keep_us[l] <= 0)
            continue;
        sqlite3_reset(sel);
        sqlite3_bind_int(sel, 1, l);
        sqlite3_bind_int64(sel, 2, now_us - keep_us[l]);
        sqlite3_bind_int64(sel, 3, max_rows - n);
        int64_t k = delete_selected(s, &d, sel, e);
        n = k < 0 ? -1 : n + k;
    }
    sqlite3_finalize(sel);
    return finish(s, &d, n, e);
}

/* The records the size cap dropped, and when: meta rows the status bar
 * and `store info` show ("cap_dropped", "cap_dropped_at"). */
static int count_dropped(struct store *s, int64_t n, struct err *e)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(s->db, "INSERT INTO meta(key, value) VALUES('cap_dropped', ?1),"
                                " ('cap_dropped_at', ?2) ON CONFLICT(key) DO UPDATE SET value ="
                                " CASE key WHEN 'cap_dropped' THEN value + ?1 ELSE ?2 END",
                                -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(st, 1, n);
        sqlite3_bind_int64(st, 2, (int64_t)time(NULL) * 1000000);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return ok ? 0 : store_sqlerr(s, e, "counting records dropped by the size cap");
}

int64_t store_size_step(struct store *s, int64_t max_bytes, int max_rows, struct err *e)
{
    if (max_bytes <= 0 || store_in_batch(s) || store_used_bytes(s) <= max_bytes)
        return 0;
    struct doomed d;
    sqlite3_stmt *sel = NULL;
    if (doomed_init(s, &d, e) < 0 || prep(s, &sel, "SELECT " DOOMED_COLS " FROM records"
                                          " WHERE level < ? ORDER BY ts LIMIT ?", e) < 0 ||
        store_begin(s, e) < 0) {
        sqlite3_finalize(sel);
        doomed_fini(&d);
        return -1;
    }
    sqlite3_bind_int(sel, 1, LVL_WARNING);
    sqlite3_bind_int(sel, 2, max_rows);
    int64_t n = delete_selected(s, &d, sel, e);
    if (n == 0) {   /* nothing below warning left: the oldest of any level */
        sqlite3_reset(sel);
        sqlite3_bind_int(sel, 1, LVL_COUNT);
        n = delete_selected(s, &d, sel, e);
    }
    sqlite3_finalize(sel);
    if (n > 0 && count_dropped(s, n, e) < 0)
        n = -1;
    return finish(s, &d, n, e);
}
