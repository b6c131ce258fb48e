/* follow_db: what the follower needs from the store besides batches:
 * file rows by id, the heads index source, per-file status, the size
 * limits (store.h, "follower support"), the last record id (follow_db.h).
 * A files row with size -1 is a file lost unread, its size unknown
 * (src/follow/grabwatch.c): status views list it with the losses. The
 * meta row "lost_gaps" counts losses whose size nothing shows (rot.c). */
#include "db/follow_db.h"
#include "db/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


int store_file_by_id(struct store *s, int64_t id, struct store_file *out, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT " STORE_FILE_COLS " FROM files WHERE id = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "looking up a file");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        store_row_to_file(st, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "looking up a file");
}

int store_file_heads(struct store *s, store_head_fn fn, void *ctx, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, head_hash, head_len FROM files", -1, &st,
                           NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "listing file heads");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
               sqlite3_column_int64(st, 2))) {
            sqlite3_finalize(st);
            return err_set(e, "out of memory listing file heads");
        }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "listing file heads");
}

int store_file_status(struct store *s, int active_only, store_status_fn fn, void *ctx,
                      struct err *e)
{
    if (s->ch)
        return 0;
    sqlite3_stmt *st = NULL;
    const char *sql = active_only
        ? "SELECT id, path, state, gz, records, lost_lines, lost_bytes, truncated, unparsed,"
          " offset, size, last_seen FROM files WHERE state = 0 OR lost_lines > 0"
          " OR lost_bytes > 0 OR size < 0 ORDER BY id"
        : "SELECT id, path, state, gz, records, lost_lines, lost_bytes, truncated, unparsed,"
          " offset, size, last_seen FROM files ORDER BY id";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "reading file status");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_file_status f = {0};
        f.id = sqlite3_column_int64(st, 0);
        f.path = (const char *)sqlite3_column_text(st, 1);
        f.path = f.path ? f.path : "";
        f.state = sqlite3_column_int(st, 2);
        f.gz = sqlite3_column_int(st, 3);
        f.records = sqlite3_column_int64(st, 4);
        f.lost_lines = sqlite3_column_int64(st, 5);
        f.lost_bytes = sqlite3_column_int64(st, 6);
        f.truncated = sqlite3_column_int64(st, 7);
        f.unparsed = sqlite3_column_int64(st, 8);
        f.offset = sqlite3_column_int64(st, 9);
        f.size = sqlite3_column_int64(st, 10);
        f.lag = f.size > f.offset ? f.size - f.offset : 0;
        f.last_seen = sqlite3_column_int64(st, 11);
        if (fn(ctx, &f))
            break;
    }
    sqlite3_finalize(st);
    return (rc == SQLITE_DONE || rc == SQLITE_ROW) ? 0 : store_sqlerr(s, e, "reading file status");
}

int store_set_max_pages(struct store *s, int64_t pages, struct err *e)
{
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
             (long long)(pages > 0 ? pages : 0xfffffffeLL));
    if (store_pragma_int(s, sql) < 0)
        return store_sqlerr(s, e, "setting the page limit");
    return 0;
}

int64_t store_used_bytes(struct store *s)
{
    int64_t pc = store_pragma_int(s, "PRAGMA page_count"), fl = store_pragma_int(s, "PRAGMA freelist_count");
    int64_t ps = store_pragma_int(s, "PRAGMA page_size");
    return (pc - (fl > 0 ? fl : 0)) * ps;
}


int64_t store_last_record_id(struct store *s)
{
    int64_t v = store_pragma_int(s, "SELECT max(id) FROM records");
    return v > 0 ? v : 0;
}

int store_gap_add(struct store *s, struct err *e)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(s->db, "INSERT INTO meta(key, value) VALUES('lost_gaps', 1)"
                                " ON CONFLICT(key) DO UPDATE SET value = value + 1",
                                -1, &st, NULL) == SQLITE_OK;
    ok = ok && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok ? 0 : store_sqlerr(s, e, "counting a loss of unknown size");
}
