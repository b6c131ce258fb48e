/* ranges: the covered byte ranges of files indexed tail-first (the
 * file_ranges table, schema version 3; see store.h) and what the store
 * covers as a whole (store_coverage). A file with no rows is covered
 * [0, offset). Rows are written in the batch that stores the records they
 * cover, so a crash leaves ranges and records consistent. */
#include "db/addq.h"
#include "db/store_int.h"

#include <string.h>

int store_file_ranges_get(struct store *s, int64_t id, struct store_file *f, struct err *e)
{
    sqlite3_stmt *st = NULL;
    f->nranges = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT lo, hi, lo_ts FROM file_ranges WHERE file_id = ?"
                           " ORDER BY lo", -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "reading a file's ranges");
    sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (f->nranges == STORE_MAX_RANGES) {   /* never written so: not ours to guess */
            sqlite3_finalize(st);
            return err_set(e, "file %lld has more than %d covered byte ranges in the store",
                           (long long)id, STORE_MAX_RANGES);
        }
        struct store_range *r = &f->ranges[f->nranges++];
        r->lo = sqlite3_column_int64(st, 0);
        r->hi = sqlite3_column_int64(st, 1);
        r->lo_ts = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_sqlerr(s, e, "reading a file's ranges");
    return 0;
}

int store_file_ranges_put(struct store *s, const struct store_file *f, struct err *e)
{
    /* A bulk load's failed insert may have ended the batch's transaction:
     * this write must not then commit alone (addq.h). */
    if (addq_drain(s, e) < 0)
        return -1;
    sqlite3_stmt *del = NULL, *ins = NULL;
    int ok = sqlite3_prepare_v2(s->db, "DELETE FROM file_ranges WHERE file_id = ?", -1, &del,
                                NULL) == SQLITE_OK &&
             sqlite3_prepare_v2(s->db, "INSERT INTO file_ranges(file_id, lo, hi, lo_ts)"
                                " VALUES(?, ?, ?, ?)", -1, &ins, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(del, 1, f->id);
        ok = sqlite3_step(del) == SQLITE_DONE;
    }
    for (int i = 0; ok && i < f->nranges; i++) {
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, f->id);
        sqlite3_bind_int64(ins, 2, f->ranges[i].lo);
        sqlite3_bind_int64(ins, 3, f->ranges[i].hi);
        sqlite3_bind_int64(ins, 4, f->ranges[i].lo_ts);
        ok = sqlite3_step(ins) == SQLITE_DONE;
    }
    if (!ok)
        store_sqlerr(s, e, "saving a file's ranges");
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    return ok ? 0 : -1;
}

/* Files with ranges: bytes not covered, and the time from which the file's
 * newest range is stored (its lo_ts, else the file's mtime when nothing of
 * it is stored yet: its records are older than that). */
int store_coverage(struct store *s, struct store_coverage *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    const char *sql =
        "SELECT f.id, f.size, f.mtime, coalesce(sum(r.hi - r.lo), 0),"
        " (SELECT lo_ts FROM file_ranges t WHERE t.file_id = f.id ORDER BY t.hi DESC LIMIT 1),"
        " (SELECT hi - lo FROM file_ranges t WHERE t.file_id = f.id ORDER BY t.hi DESC LIMIT 1),"
        " count(r.lo)"
        " FROM files f LEFT JOIN file_ranges r ON r.file_id = f.id"
        " WHERE f.state != 2 AND f.size > 0 GROUP BY f.id";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "reading the coverage");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t size = sqlite3_column_int64(st, 1), covered = sqlite3_column_int64(st, 3);
        out->bytes_total += size;
        if (sqlite3_column_int64(st, 6) == 0)
            continue;
        out->files_partial++;
        out->bytes_left += size > covered ? size - covered : 0;
        int64_t since = sqlite3_column_int64(st, 4);
        if (!since || sqlite3_column_int64(st, 5) == 0)
            since = sqlite3_column_int64(st, 2) * 1000000;
        if (since > out->covered_since)
            out->covered_since = since;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading the coverage");
    return 0;
}
