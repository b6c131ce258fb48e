/* exec_row: reading rows of records (EXEC_ROW_COLS) into struct store_row
 * and the tail of a page's SQL (bounds, keyset cursor, order, limit):
 * shared by exec.c and exec_page.c, below both. */
#include "db/exec_int.h"
#include "src/base/record.h"

#include <string.h>

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* Reads one EXEC_ROW_COLS row; strings are borrowed from st. */
static void read_row(struct store *s, sqlite3_stmt *st, struct store_row *row)
{
    memset(row, 0, sizeof *row);
    struct record *r = &row->rec;
    row->id = sqlite3_column_int64(st, 0);
    row->file_id = sqlite3_column_int64(st, 1);
    row->file = col_text(st, 2) ? col_text(st, 2) : "";
    r->ts = sqlite3_column_int64(st, 3);
    r->level = sqlite3_column_int(st, 4);
    r->format = sqlite3_column_int(st, 5);
    r->offset = sqlite3_column_int64(st, 6);
    r->service = col_text(st, 7);
    r->logger = col_text(st, 8);
    r->cid = col_text(st, 9);
    if (!r->cid) {
        size_t cn;
        r->cid = exec_cid(s->exec, sqlite3_column_int(st, 17), row->id, &s->exec->cidbuf, &cn);
    }
    int flags = sqlite3_column_int(st, 17);
    r->msg = col_text(st, 10);
    r->msg_len = (size_t)sqlite3_column_bytes(st, 10);
    if (!r->msg)
        r->msg = exec_msg(s->exec, flags, row->id, &s->exec->msgbuf, &r->msg_len);
    if (!r->msg)
        r->msg = "", r->msg_len = 0;
    if ((r->has_duration = sqlite3_column_type(st, 11) != SQLITE_NULL))
        r->duration_ms = sqlite3_column_double(st, 11);
    if ((r->has_status = sqlite3_column_type(st, 12) != SQLITE_NULL))
        r->status = sqlite3_column_int64(st, 12);
    r->metric_name = col_text(st, 13);
    if ((r->has_metric = sqlite3_column_type(st, 14) != SQLITE_NULL))
        r->metric_value = sqlite3_column_double(st, 14);
    r->fields = col_text(st, 15);
    r->raw = exec_raw(s->exec, sqlite3_column_blob(st, 16), (size_t)sqlite3_column_bytes(st, 16),
                      flags, row->id, &s->exec->rowbuf, &r->raw_len);
    if (!r->raw) {
        r->raw = "[logdeck: this record's text cannot be decoded]";
        r->raw_len = strlen(r->raw);
    }
    r->path = col_text(st, 18);
    r->ts_guessed = flags & 1;
    r->truncated = (flags >> 1) & 1;
    r->history = (flags >> 2) & 1;
    r->nlines = flags >> 8;
    if (r->nlines < 1)
        r->nlines = 1;
}

int exec_run_rows(struct store *s, sqlite3_stmt *st, store_row_fn cb, void *ctx, int *stopped,
                  struct err *e)
{
    int n = 0, rc;
    struct store_row row;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_row(s, st, &row);
        n++;
        if (cb && cb(ctx, &row)) {
            if (stopped)
                *stopped = 1;
            return n;
        }
    }
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading records");
    return n;
}

void exec_page_tail(struct sqlb *b, const struct store_page *pg, const char *a, int order)
{
    const char *cmp = pg->oldest_first ? ">" : "<";
    if (pg->since) {
        sqlb_add(b, " AND %s.ts >= ", a);
        sqlb_int(b, pg->since);
    }
    if (pg->until) {
        sqlb_add(b, " AND %s.ts <= ", a);
        sqlb_int(b, pg->until);
    }
    if (pg->has_cursor) {
        sqlb_add(b, " AND %s.ts %s= ", a, cmp);
        sqlb_int(b, pg->cursor_ts);
        sqlb_add(b, " AND (%s.ts %s ", a, cmp);
        sqlb_int(b, pg->cursor_ts);
        sqlb_add(b, " OR %s.id %s ", a, cmp);
        sqlb_int(b, pg->cursor_id);
        sqlb_add(b, ")");
    }
    if (!order)
        return;
    sqlb_add(b, pg->oldest_first ? " ORDER BY %s.ts, %s.id" : " ORDER BY %s.ts DESC, %s.id DESC",
             a, a);
    if (pg->limit > 0) {
        sqlb_add(b, " LIMIT ");
        sqlb_int(b, pg->limit);
    }
}

