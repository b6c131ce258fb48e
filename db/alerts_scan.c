/* alerts_scan: the alert engine's incremental read of records (see
 * alerts_db.h, "scanner"). A scanner is one prepared statement per rule
 * plan, built with the query engine's SQL builder (db/exec_sql.c), re-run
 * with new bounds at every evaluation: either the rowid range of records
 * committed since the last one (never misses a late record, never counts
 * one twice), or a time range (warm-up and dry runs). */
#include "db/alerts_db.h"
#include "db/exec_int.h"
#include "db/chstore.h"

#include <stdlib.h>
#include <string.h>

struct adb_scanner {
    struct sqlb b;
    sqlite3_stmt *st;
    struct err berr;     /* the builder's error sink (it keeps the pointer) */
    int by_ts;
    int param[3];        /* indexes of the bounds' parameters */
    struct chscan *ch;   /* on ClickHouse: db/chalert.c does the work */
};

struct adb_scanner *alerts_db_scanner_new(struct store *s, const struct adb_scan_spec *sp,
                                          struct err *e)
{
    struct adb_scanner *sc = calloc(1, sizeof *sc);
    if (!sc) {
        err_set(e, "out of memory preparing a rule");
        return NULL;
    }
    sc->by_ts = sp->by_ts;
    if (s->ch) {
        sc->ch = chalert_scanner_new(s->ch, sp->plan, sp->value_field, sp->value_path,
                                     sp->group_field, sp->group_path, sp->by_ts, e);
        if (!sc->ch) {
            free(sc);
            return NULL;
        }
        return sc;
    }
    /* The statement is prepared once and re-run: FTS matches must be found
     * at run time. New rows (a rowid range) are few: check each one; a time
     * range (warm-up, dry run) asks rec_fts at every run. */
    sqlb_init(&sc->b, s, sp->by_ts ? FTS_IN : FTS_ROW, &sc->berr);
    sqlb_add(&sc->b, "SELECT r.id, r.ts, ");
    sqlb_field(&sc->b, sp->value_field, sp->value_path, 1);
    sqlb_add(&sc->b, ", ");
    sqlb_field(&sc->b, sp->group_field, sp->group_path, 0);
    static const char *const ts_sql[] = {" FROM records r WHERE r.ts >= ", " AND r.ts <= ",
                                         " AND r.id <= "};
    /* The new rows are a rowid range: no index can do better, and a partial
     * index (level >= warning) would walk the whole history. */
    /* Records stored by the backfill (flags & 4: history, tail-first
     * indexing) are older than what the engine has seen: never new. */
    static const char *const id_sql[] = {" FROM records r NOT INDEXED WHERE (r.flags & 4) = 0"
                                         " AND r.id > ",
                                         " AND r.id <= ", " AND 1 = "};
    for (int i = 0; i < 3; i++) {
        sqlb_add(&sc->b, "%s", sp->by_ts ? ts_sql[i] : id_sql[i]);
        sc->param[i] = sc->b.np + 1;
        sqlb_int(&sc->b, 1);
    }
    sqlb_add(&sc->b, " AND (");
    if (sqlb_cond(&sc->b, sp->plan->root) < 0 || (sqlb_add(&sc->b, ")"), 0) ||
        sqlb_prepare(&sc->b, &sc->st) < 0) {
        err_set(e, "%s", sc->berr.msg);
        alerts_db_scanner_free(sc);
        return NULL;
    }
    return sc;
}

void alerts_db_scanner_free(struct adb_scanner *sc)
{
    if (!sc)
        return;
    chalert_scanner_free(sc->ch);
    sqlite3_finalize(sc->st);
    sqlb_fini(&sc->b);
    free(sc);
}

int64_t alerts_db_scanner_run(struct adb_scanner *sc, int64_t lo, int64_t hi, int64_t upto_id,
                              int (*cb)(void *, const struct adb_scan_row *), void *ctx,
                              struct err *e)
{
    if (sc->ch)
        return chalert_scanner_run(sc->ch, lo, hi, cb, ctx, e);
    sqlite3_stmt *st = sc->st;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, sc->param[0], lo);
    sqlite3_bind_int64(st, sc->param[1], hi);
    sqlite3_bind_int64(st, sc->param[2], sc->by_ts ? upto_id : 1);
    struct adb_scan_row r;
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&r, 0, sizeof r);
        r.id = sqlite3_column_int64(st, 0);
        r.ts = sqlite3_column_int64(st, 1);
        if ((r.has_value = sqlite3_column_type(st, 2) != SQLITE_NULL))
            r.value = sqlite3_column_double(st, 2);
        if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
            r.group = (const char *)sqlite3_column_text(st, 3);
            r.group_len = (size_t)sqlite3_column_bytes(st, 3);
        }
        n++;
        if (cb(ctx, &r))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        n = store_sqlerr(sc->b.st, e, "scanning records for a rule");
    sqlite3_reset(st);
    return n;
}
