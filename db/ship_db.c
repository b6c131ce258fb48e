/* ship_db: the local store as a shipping journal: its identity, a random
 * id kept in the meta table, which with the host name and the record id
 * makes every shipped record's key (see db/chstore.h); and how many
 * records a shipper has left to send. */
#include "db/store.h"
#include "db/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

int store_ship_id(struct store *s, char *out, size_t cap, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (s->ch)
        return err_set(e, "%s: a ClickHouse store cannot be a shipping journal", s->path);
    if (store_prepare(s, &st, "SELECT value FROM meta WHERE key = 'store_id'", e) < 0)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        return 0;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (s->mode != STORE_WRITE)
        return err_set(e, "%s: no store id yet (open it for writing once)", s->path);
    unsigned char rnd[8];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
        return err_set(e, "cannot read random bytes for a store id");
    char id[17];
    for (int i = 0; i < 8; i++)
        snprintf(id + 2 * i, 3, "%02x", rnd[i]);
    if (store_prepare(s, &st, "INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', ?)",
                      e) < 0)
        return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "writing the store id");
    return store_ship_id(s, out, cap, e);
}

int64_t store_count_after(struct store *s, int64_t after_id, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (s->ch)
        return err_set(e, "%s: a ClickHouse store cannot be a shipping journal", s->path);
    if (store_prepare(s, &st, "SELECT count(*) FROM records WHERE id > ?", e) < 0)
        return -1;
    sqlite3_bind_int64(st, 1, after_id);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n < 0 ? store_sqlerr(s, e, "counting the records not shipped") : n;
}

int store_ship_mark_get(struct store *s, const char *target, int64_t *out, struct err *e)
{
    sqlite3_stmt *st = NULL;
    *out = 0;
    if (store_prepare(s, &st, "SELECT value FROM meta WHERE key = 'shipped ' || ?", e) < 0)
        return -1;
    sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        *out = strtoll((const char *)sqlite3_column_text(st, 0), NULL, 10);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "reading a ship mark");
}

int store_ship_mark_set(struct store *s, const char *target, int64_t rid, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (store_prepare(s, &st, "INSERT OR REPLACE INTO meta(key, value) VALUES ('shipped ' || ?, ?)",
                      e) < 0)
        return -1;
    sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, rid);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "writing a ship mark");
}
