/* check: a writer never writes into a store that fails SQLite's
 * integrity check (store_int.h). PRAGMA quick_check reads every page
 * (measured ~1.6 s for a 500 MB store), so a writer leaves a stamp beside
 * the store, "<db>-checked": the database file's inode, size, mtime and
 * ctime as it left them, after each checkpoint (db/wal.c: only
 * checkpoints write the database file in WAL mode) and at a clean close.
 * The next writer skips the check when the file still matches the stamp:
 * nobody else wrote to it since (ctime cannot be set back from user
 * space), and a crash (kill -9) leaves the file as the last checkpoint
 * did, the WAL after it being SQLite's own checksummed journal. Anything
 * else (another program, a restored backup, a crash mid-checkpoint) means
 * a full check before the first write. */
#include "db/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void stamp_path(const char *db, char *out, size_t n)
{
    snprintf(out, n, "%s-checked", db);
}

/* The stamp a clean close of the file at db leaves; 0, or -1 if no file. */
static int stamp_of(const char *db, char *out, size_t n)
{
    struct stat st;
    if (stat(db, &st) < 0)
        return -1;
    snprintf(out, n, "logdeck-checked %llu %llu %lld %lld.%09ld %lld.%09ld\n",
             (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
             (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
             (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    return 0;
}

static int stamp_matches(const char *db)
{
    char path[4200], want[160], got[160] = "";
    if (stamp_of(db, want, sizeof want) < 0)
        return 0;
    stamp_path(db, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, got, sizeof got - 1) : -1;
    if (fd >= 0)
        close(fd);
    got[r > 0 ? r : 0] = '\0';
    return strcmp(want, got) == 0;
}

int store_check(struct store *s, struct err *e)
{
    if (stamp_matches(s->path))
        return 0;
    sqlite3_stmt *st = NULL;
    char first[200] = "";
    int n = 0, rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(5)", -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(st, 0);
        if (n++ == 0)
            snprintf(first, sizeof first, "%s", m ? m : "");
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE && !first[0])
        snprintf(first, sizeof first, "%s", sqlite3_errmsg(s->db));
    for (char *c = first; *c; c++)
        if (*c == '\n')
            *c = ' ';
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE && n == 1 && strcmp(first, "ok") == 0) {
        store_check_stamp(s->path);
        return 0;
    }
    return err_set(e, "%s is corrupt (SQLite's integrity check: %s); logdeck will not write "
                   "to it. Move it aside and index again, or recover it with sqlite3's "
                   ".recover; it was left untouched", s->path, first);
}

void store_check_stamp(const char *db)
{
    char path[4200], tmp[4300], line[160];
    if (stamp_of(db, line, sizeof line) < 0)
        return;
    stamp_path(db, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    size_t len = strlen(line);
    int ok = fd >= 0 && write(fd, line, len) == (ssize_t)len;
    if (fd >= 0)
        close(fd);
    if (!ok || rename(tmp, path) < 0)
        unlink(tmp);
}
