/* dump: every record in insertion order with its file's path, for tools
 * and tests that must see exactly what was stored (store.h, "dump"). */
#include "db/store_int.h"

#include <string.h>

static const char *text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static void read_row(sqlite3_stmt *st, struct store_row *row)
{
    memset(row, 0, sizeof *row);
    struct record *r = &row->rec;
    row->id = sqlite3_column_int64(st, 0);
    row->file_id = sqlite3_column_int64(st, 1);
    row->file = text(st, 2) ? text(st, 2) : "";
    r->ts = sqlite3_column_int64(st, 3);
    r->level = sqlite3_column_int(st, 4);
    r->format = sqlite3_column_int(st, 5);
    r->offset = sqlite3_column_int64(st, 6);
    r->service = text(st, 7);
    r->logger = text(st, 8);
    r->cid = text(st, 9);
    r->msg = text(st, 10) ? text(st, 10) : "";
    r->msg_len = (size_t)sqlite3_column_bytes(st, 10);
    r->fields = text(st, 11);
    r->raw = sqlite3_column_blob(st, 12);
    r->raw_len = (size_t)sqlite3_column_bytes(st, 12);
    if (!r->raw)
        r->raw = "";
    int flags = sqlite3_column_int(st, 13);
    r->ts_guessed = flags & 1;
    r->truncated = (flags >> 1) & 1;
    r->nlines = flags >> 8 ? flags >> 8 : 1;
}

int64_t store_dump(struct store *s, int64_t after_id, store_row_fn fn, void *ctx,
                   struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT r.id, r.file_id, f.path, r.ts, r.level, r.fmt, r.off,"
                           " r.service, r.logger, r.cid, r.msg, r.fields, r.raw, r.flags"
                           " FROM records r LEFT JOIN files f ON f.id = r.file_id"
                           " WHERE r.id > ? ORDER BY r.id", -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "reading records");
    sqlite3_bind_int64(st, 1, after_id);
    int64_t n = 0;
    int rc;
    struct store_row row;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_row(st, &row);
        n++;
        if (fn(ctx, &row))
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading records");
    return n;
}
