/* files: the files table, the per-file checkpoints (see store.h). */
#include "db/addq.h"
#include "db/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void store_row_to_file(sqlite3_stmt *st, struct store_file *f)
{
    memset(f, 0, sizeof *f);
    f->id = sqlite3_column_int64(st, 0);
    const unsigned char *p = sqlite3_column_text(st, 1);
    snprintf(f->path, sizeof f->path, "%s", p ? (const char *)p : "");
    f->dev = (uint64_t)sqlite3_column_int64(st, 2);
    f->ino = (uint64_t)sqlite3_column_int64(st, 3);
    f->head_hash = (uint64_t)sqlite3_column_int64(st, 4);
    f->head_len = sqlite3_column_int64(st, 5);
    f->offset = sqlite3_column_int64(st, 6);
    f->tail_hash = (uint64_t)sqlite3_column_int64(st, 7);
    f->size = sqlite3_column_int64(st, 8);
    f->mtime = sqlite3_column_int64(st, 9);
    f->records = sqlite3_column_int64(st, 10);
    f->lost_lines = sqlite3_column_int64(st, 11);
    f->lost_bytes = sqlite3_column_int64(st, 12);
    f->truncated = sqlite3_column_int64(st, 13);
    f->unparsed = sqlite3_column_int64(st, 14);
    f->gz = sqlite3_column_int(st, 15);
    f->state = sqlite3_column_int(st, 16);
    f->first_seen = sqlite3_column_int64(st, 17);
    f->last_seen = sqlite3_column_int64(st, 18);
}

int store_files(struct store *s, struct store_file **out, size_t *n, struct err *e)
{
    if (s->ch) {
        *out = NULL;
        *n = 0;
        return 0;
    }
    *out = NULL;
    *n = 0;
    if (store_prepare(s, &s->st[ST_FILE_ALL], "SELECT " STORE_FILE_COLS " FROM files ORDER BY id", e) < 0)
        return -1;
    sqlite3_stmt *st = s->st[ST_FILE_ALL];
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            struct store_file *nf = realloc(*out, cap * sizeof **out);
            if (!nf) {
                free(*out);
                *out = NULL;
                return err_set(e, "out of memory listing files");
            }
            *out = nf;
        }
        store_row_to_file(st, &(*out)[(*n)++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return store_sqlerr(s, e, "listing files");
    }
    return 0;
}

static int find_one(struct store *s, sqlite3_stmt *st, struct store_file *out, struct err *e)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        store_row_to_file(st, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return store_sqlerr(s, e, "looking up a file");
}

int store_file_by_inode(struct store *s, uint64_t dev, uint64_t ino, struct store_file *out,
                        struct err *e)
{
    if (store_prepare(s, &s->st[ST_FILE_INODE], "SELECT " STORE_FILE_COLS " FROM files "
                      "WHERE dev = ? AND ino = ? ORDER BY id DESC LIMIT 1", e) < 0)
        return -1;
    sqlite3_bind_int64(s->st[ST_FILE_INODE], 1, (int64_t)dev);
    sqlite3_bind_int64(s->st[ST_FILE_INODE], 2, (int64_t)ino);
    return find_one(s, s->st[ST_FILE_INODE], out, e);
}

int store_file_by_head(struct store *s, uint64_t head_hash, int64_t head_len,
                       struct store_file *out, struct err *e)
{
    if (store_prepare(s, &s->st[ST_FILE_HEAD], "SELECT " STORE_FILE_COLS " FROM files "
                      "WHERE head_hash = ? AND head_len = ? ORDER BY id DESC LIMIT 1", e) < 0)
        return -1;
    sqlite3_bind_int64(s->st[ST_FILE_HEAD], 1, (int64_t)head_hash);
    sqlite3_bind_int64(s->st[ST_FILE_HEAD], 2, head_len);
    return find_one(s, s->st[ST_FILE_HEAD], out, e);
}

static void bind_file(sqlite3_stmt *st, const struct store_file *f)
{
    sqlite3_bind_text(st, 1, f->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)f->dev);
    sqlite3_bind_int64(st, 3, (int64_t)f->ino);
    sqlite3_bind_int64(st, 4, (int64_t)f->head_hash);
    sqlite3_bind_int64(st, 5, f->head_len);
    sqlite3_bind_int64(st, 6, f->offset);
    sqlite3_bind_int64(st, 7, (int64_t)f->tail_hash);
    sqlite3_bind_int64(st, 8, f->size);
    sqlite3_bind_int64(st, 9, f->mtime);
    sqlite3_bind_int64(st, 10, f->records);
    sqlite3_bind_int64(st, 11, f->lost_lines);
    sqlite3_bind_int64(st, 12, f->lost_bytes);
    sqlite3_bind_int64(st, 13, f->truncated);
    sqlite3_bind_int64(st, 14, f->unparsed);
    sqlite3_bind_int(st, 15, f->gz);
    sqlite3_bind_int(st, 16, f->state);
    sqlite3_bind_int64(st, 17, f->first_seen);
    sqlite3_bind_int64(st, 18, f->last_seen);
}

int store_file_put(struct store *s, struct store_file *f, struct err *e)
{
    /* A bulk load's failed insert may have ended the batch's transaction:
     * this write must not then commit alone (addq.h). */
    if (addq_drain(s, e) < 0)
        return -1;
    sqlite3_stmt **slot = f->id ? &s->st[ST_FILE_UPDATE] : &s->st[ST_FILE_INSERT];
    const char *sql = f->id
        ? "UPDATE files SET path=?1, dev=?2, ino=?3, head_hash=?4, head_len=?5, offset=?6,"
          " tail_hash=?7, size=?8, mtime=?9, records=?10, lost_lines=?11, lost_bytes=?12,"
          " truncated=?13, unparsed=?14, gz=?15, state=?16, first_seen=?17, last_seen=?18"
          " WHERE id=?19"
        : "INSERT INTO files(path, dev, ino, head_hash, head_len, offset, tail_hash, size,"
          " mtime, records, lost_lines, lost_bytes, truncated, unparsed, gz, state,"
          " first_seen, last_seen) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,"
          "?15,?16,?17,?18)";
    if (store_prepare(s, slot, sql, e) < 0)
        return -1;
    bind_file(*slot, f);
    if (f->id)
        sqlite3_bind_int64(*slot, 19, f->id);
    if (sqlite3_step(*slot) != SQLITE_DONE)
        return store_sqlerr(s, e, "saving a file checkpoint");
    if (!f->id)
        f->id = sqlite3_last_insert_rowid(s->db);
    return 0;
}
