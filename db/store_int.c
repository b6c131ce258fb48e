/* store_int: the helpers every db/ file shares (store_int.h): errors with
 * a sentence for a full disk or a corrupt file, cached statements,
 * single-value reads, the cid token of the full-text index, the store's
 * parent directories.
 * The bottom of db/: it calls nothing else of db/. */
#include "db/store_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

fts5_api *store_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

int store_sqlerr(struct store *s, struct err *e, const char *what)
{
    int rc = sqlite3_extended_errcode(s->db);
    if (rc == SQLITE_FULL || (rc & 0xff) == SQLITE_FULL)
        return err_set(e, "%s: %s: the store is full (disk or size limit); "
                       "nothing past the last commit was stored", s->path, what);
    if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
        return err_set(e, "%s: %s: the store is corrupt (%s); it was not modified; "
                       "move it aside to start a new one", s->path, what,
                       sqlite3_errmsg(s->db));
    return err_set(e, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

int store_prepare(struct store *s, sqlite3_stmt **st, const char *sql, struct err *e)
{
    if (*st) {
        sqlite3_reset(*st);
        sqlite3_clear_bindings(*st);
        return 0;
    }
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "preparing a statement");
    return 0;
}

int64_t store_pragma_int(struct store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

size_t store_cid_token(const char *cid, char *out)
{
    char *p = out;
    *p++ = ' ';
    *p++ = 'c';
    *p++ = 'i';
    *p++ = 'd';
    for (const char *c = cid; *c; c++)
        if ((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z'))
            *p++ = *c;
        else if (*c >= 'A' && *c <= 'Z')
            *p++ = (char)(*c - 'A' + 'a');
    return (size_t)(p - out);
}

int store_make_parent(const char *path, struct err *e)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return err_set(e, "cannot create directory %s: %s", dir, strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return err_set(e, "cannot create directory %s: %s", dir, strerror(errno));
    return 0;
}
