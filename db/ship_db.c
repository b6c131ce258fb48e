/* ship_db: the local store's identity for shipping: a random id kept in
 * the meta table, which with the host name and the record id makes every
 * shipped record's key (see db/chstore.h). */
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
