/* store: opening, migrations, batched ingest and totals of the SQLite
 * store (see store.h). The tables' DDL is db/schema.c, the helpers every
 * db/ file shares db/store_int.c, file checkpoints db/files.c, query
 * execution db/exec.c (set up here at open, one way: exec never calls
 * back into this file). */
#include "db/store.h"
#include "db/store_int.h"
#include "db/fv.h"
#include "db/schema.h"
#include "db/chstore.h"
#include "db/rollup.h"
#include "db/zraw.h"
#include "db/blk.h"
#include "db/addq.h"
#include "db/txt.h"
#include "db/idts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_APP_ID 0x4c474443   /* 'LGDC' in PRAGMA application_id */

static int exec(struct store *s, const char *sql, struct err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* A non-empty file must start with SQLite's magic; anything else is not
 * ours and must not be touched. Returns 1 if the file is empty/missing. */
static int check_magic(const char *path, struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 1 : err_set(e, "cannot open store %s: %s", path, strerror(errno));
    char hdr[16];
    ssize_t n = read(fd, hdr, sizeof hdr);
    close(fd);
    if (n == 0)
        return 1;
    if (n != 16 || memcmp(hdr, "SQLite format 3", 16) != 0)
        return err_set(e, "%s is not a logdeck store (not an SQLite database); "
                       "it was left untouched", path);
    return 0;
}

static int create_file(const char *path, struct err *e)
{
    if (store_make_parent(path, e) < 0)
        return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, "cannot create store %s: %s", path, strerror(errno));
    close(fd);
    return 0;
}

/* Checks that the file is ours and not newer, before anything writes to
 * it. Returns the schema version (0: empty), or -1. */
static int64_t validate(struct store *s, struct err *e)
{
    int64_t ver = store_pragma_int(s, "PRAGMA user_version");
    int64_t app = store_pragma_int(s, "PRAGMA application_id");
    if (ver < 0)
        return store_sqlerr(s, e, "reading the schema version");
    if (ver > STORE_SCHEMA_VERSION)
        return err_set(e, "%s has schema version %lld, newer than this logdeck "
                       "understands (%d); upgrade logdeck; the store was not modified",
                       s->path, (long long)ver, STORE_SCHEMA_VERSION);
    if ((ver > 0 && app != STORE_APP_ID) ||
        (ver == 0 && store_pragma_int(s, "SELECT count(*) FROM sqlite_master") != 0))
        return err_set(e, "%s is an SQLite database but not a logdeck store; "
                       "it was left untouched", s->path);
    if (ver == 0 && s->mode != STORE_WRITE)
        return err_set(e, "%s is empty: index some logs first (logdeck index PATH)", s->path);
    if (ver > 0 && ver < 4)   /* checked before anything is written */
        return err_set(e, "%s has schema version %lld, written by an older logdeck; this one "
                       "needs version %d, which indexes every field and compresses the text, "
                       "so every record must be read again. The store was not modified. "
                       "Rebuild it from the logs (alert states are not carried over): "
                       "mv '%s' '%s.v%lld' && logdeck --db '%s' index PATH...  "
                       "(the files it held: sqlite3 '%s.v%lld' 'SELECT path FROM files')",
                       s->path, (long long)ver, STORE_SCHEMA_VERSION, s->path, s->path,
                       (long long)ver, s->path, s->path, (long long)ver);
    return ver;
}

/* Version 4, 5 or 6 -> 7: the rollup tables, filled from the records (a scan
 * of them, not a re-read of the logs), inside the migration's transaction. */
static int add_rollups(struct store *s, struct err *e)
{
    if (exec(s, schema_rollups, e) < 0 || rollup_rebuild(s, 1, e) < 0 || rollup_flush(s, e) < 0) {
        rollup_discard(s);
        return err_prefix(e, "adding the rollups (schema version 7)");
    }
    return 0;
}

/* Version 4 to 7 -> 8: the text index per block (txt.h) replaces the one
 * per record, built from the store's own blocks (and v4 rows): a scan that
 * tokenizes the stored text, ~10 s per million records, not a re-read of
 * the logs. */
static int add_text_index(struct store *s, struct err *e)
{
    if (exec(s, schema_v8, e) < 0 || txt_rebuild(s, e) < 0 || txt_flush(s, e) < 0 ||
        exec(s, "DROP TABLE IF EXISTS rec_fts", e) < 0)
        return err_prefix(e, "building the text index per block (schema version 8)");
    return 0;
}

/* Creates the schema of STORE_SCHEMA_VERSION in an empty store, or brings
 * a version 4 to 7 store to 8 in place (v4 rows keep their text, new
 * records go to blocks; the rollups are built from the records, the text
 * index from the stored text), in one transaction. A reader reads an older
 * store as it is (stats scan the records, words go through rec_fts: one
 * row per record). A store of version 1 to 3 is not converted: it needs every
 * record re-read (tokens of every field, the whole text searchable), which
 * for a large store takes minutes and must not happen behind the user's
 * back; validate()'s message names the command. */
static int migrate(struct store *s, int64_t ver, struct err *e)
{
    if (ver >= 8)   /* how its text index holds cids (txt.h) */
        s->cid_words = store_pragma_int(s, "SELECT instr(sql, 'cidwords') > 0 FROM sqlite_schema"
                                           " WHERE name = 'rec_txt'") > 0;
    if (ver == STORE_SCHEMA_VERSION)
        return 0;
    if (s->mode != STORE_WRITE) {   /* read as it is: v4-v7, the text index of one row per record */
        s->old_text = ver >= 4 && ver <= 7;
        return ver >= 4 ? 0 : err_set(e, "%s is empty: index some logs first "
                                      "(logdeck index PATH)", s->path);
    }
    if (ver <= 7)
        s->cid_words = 1;   /* schema_v8 */
    char tail[128];
    snprintf(tail, sizeof tail, "PRAGMA application_id=%d; PRAGMA user_version=%d;",
             STORE_APP_ID, STORE_SCHEMA_VERSION);
    int rc = exec(s, ver ? "BEGIN IMMEDIATE" : "BEGIN", e);
    if (rc == 0 && ver == 0)
        rc = exec(s, schema_records, e) < 0 || exec(s, schema_v8, e) < 0 ||
             exec(s, schema_v9, e) < 0 ||
             exec(s, schema_alerts, e) < 0 ||
             exec(s, schema_ranges, e) < 0 || exec(s, schema_rollups, e) < 0 ? -1 : 0;
    if (rc == 0 && ver == 4)
        rc = exec(s, schema_v5, e);
    if (rc == 0 && ver >= 4 && ver <= 6)
        rc = add_rollups(s, e);
    if (rc == 0 && ver >= 4 && ver <= 7)
        rc = add_text_index(s, e);
    if (rc == 0 && ver >= 4 && ver <= 8)
        rc = exec(s, schema_v9, e);
    if (rc < 0 || exec(s, tail, e) < 0 || exec(s, "COMMIT", e) < 0) {
        exec(s, "ROLLBACK", NULL);
        return err_prefix(e, ver ? "migrating the schema" : "creating the schema");
    }
    return 0;
}

static int configure(struct store *s, struct err *e)
{
    sqlite3_busy_timeout(s->db, 5000);
    if (s->mode == STORE_WRITE) {
        /* page_size only takes effect on a new file, before WAL is on:
         * 16 KiB pages measured +28% ingest over 4 KiB (tests/bench). A
         * 16 MiB cache indexes 1M records with the CPU time of a 64 MiB
         * one (10.1 s against 10.4) and peaks at 29 MB RSS instead of 80. */
        if (exec(s, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                    "PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY;"
                    "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;", e) < 0)
            return -1;
    } else if (exec(s, "PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY;"
                       "PRAGMA query_only=1;", e) < 0) {
        return -1;
    }
    return 0;
}

/* Process-wide SQLite settings, before its first use: no memory statistics
 * (a global mutex around every malloc) and no per-connection mutexes (each
 * connection is used by one thread at a time). */
static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}

struct store *store_open(const char *path, int mode, struct err *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_setup);
    if (chstore_is_url(path))
        return store_open_ch(path, mode, e);
    int fresh = check_magic(path, e);
    if (fresh < 0)
        return NULL;
    if (fresh && mode != STORE_WRITE) {
        err_set(e, "no store at %s: index some logs first (logdeck index PATH)", path);
        return NULL;
    }
    if (fresh && create_file(path, e) < 0)
        return NULL;
    struct store *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, "out of memory opening %s", path);
        return NULL;
    }
    s->mode = mode;
    s->created = fresh;
    snprintf(s->path, sizeof s->path, "%s", path);
    int flags = mode == STORE_WRITE ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &s->db, flags | (mode == STORE_WRITE ? SQLITE_OPEN_FULLMUTEX : SQLITE_OPEN_NOMUTEX), NULL) != SQLITE_OK) {
        store_sqlerr(s, e, "opening");
        store_close(s);
        return NULL;
    }
    char real[PATH_MAX];
    if (realpath(path, real) && strlen(real) < sizeof s->real)
        memcpy(s->real, real, strlen(real) + 1);
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);   /* a writer closing (its last checkpoint) */
    if (mode == STORE_WRITE && !fresh) {   /* before anything writes (WAL mode included) */
        if (store_check(s, e) < 0) {
            store_close(s);
            return NULL;
        }
    }
    s->checked = mode == STORE_WRITE;
    int64_t ver = validate(s, e);
    if (ver < 0 || configure(s, e) < 0 || fv_register(s, e) < 0 || store_exec_init(s, e) < 0 ||
        migrate(s, ver, e) < 0 || (mode == STORE_WRITE && idts_open(s, e) < 0) ||
        (mode == STORE_WRITE && store_wal_start(s, e) < 0)) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    if (s->ch) {
        chstore_close(s->ch);
        free(s);
        return;
    }
    if (s->in_batch)
        store_rollback(s);
    addq_stop(s);
    if (s->mode == STORE_WRITE)
        zraw_close(s);
    store_wal_stop(s);
    store_exec_fini(s);
    names_free(s);
    fv_free(s->fv);
    rollup_free(s);
    idts_free(s);
    zraw_free(s->zraw);
    blk_free(s->blk);
    txt_free(s->txt);
    for (size_t i = 0; i < sizeof s->st / sizeof s->st[0]; i++)
        sqlite3_finalize(s->st[i]);
    int stamp = s->checked && sqlite3_close(s->db) == SQLITE_OK;
    if (!stamp)
        sqlite3_close(s->db);
    if (stamp)
        store_check_stamp(s->path);
    free(s);
}

const char *store_path(const struct store *s)
{
    return s->path;
}

/* Its own files: the database, SQLite's -wal, -shm and -journal beside it,
 * and logdeck's "-checked" stamp (db/check.c; written as "-checked.tmp",
 * then renamed) and "<real path>.lock" (db/wlock.c). */
static const char *const own_side[] = {"", "-wal", "-shm", "-journal", "-checked",
                                       "-checked.tmp", ".lock"};

int store_owns(const struct store *s, dev_t dev, ino_t ino)
{
    char p[sizeof s->path + 16];
    struct stat st;
    if (!s->db)
        return 0;   /* ClickHouse: no file of its own here */
    for (size_t i = 0; i < sizeof own_side / sizeof own_side[0]; i++) {
        int lock = own_side[i][0] == '.';   /* named after the resolved path */
        snprintf(p, sizeof p, "%s%s", lock && s->real[0] ? s->real : s->path, own_side[i]);
        if (stat(p, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
            return 1;
    }
    return 0;
}

/* The resolved directory of path and its last name; -1 if it resolves not. */
static int split_real(const char *path, char *dir, const char **name)
{
    const char *slash = strrchr(path, '/');
    char d[PATH_MAX];
    *name = slash ? slash + 1 : path;
    snprintf(d, sizeof d, "%.*s", slash ? (int)(slash == path ? 1 : slash - path) : 1,
             slash ? path : ".");
    return realpath(d, dir) ? 0 : -1;
}

/* name is base followed by one of own_side's. */
static int side_of(const char *name, const char *base)
{
    size_t l = strlen(base);
    if (strncmp(name, base, l) != 0)
        return 0;
    for (size_t i = 0; i < sizeof own_side / sizeof own_side[0]; i++)
        if (strcmp(name + l, own_side[i]) == 0)
            return 1;
    return 0;
}

int store_owns_name(const struct store *s, const char *path)
{
    char dir[PATH_MAX], odir[PATH_MAX];
    const char *name, *oname;
    if (!s->db)
        return 0;
    const char *last = strrchr(path, '/');
    last = last ? last + 1 : path;
    /* first without a system call: a name not of the store's files (as
     * given or resolved) is none of them; then their directories */
    for (int k = 0; k < 2; k++) {
        const char *sp = k ? s->real : s->path, *sb = strrchr(sp, '/');
        if (!sp[0] || !side_of(last, sb ? sb + 1 : sp))
            continue;
        if (split_real(path, dir, &name) == 0 && split_real(sp, odir, &oname) == 0 &&
            strcmp(dir, odir) == 0)
            return 1;
    }
    return 0;
}

int store_created(const struct store *s)
{
    return s->created;
}

int store_begin(struct store *s, struct err *e)
{
    if (s->ch)
        return err_set(e, "%s: records reach ClickHouse through the shipper "
                       "(logdeck index --follow --ship URL)", s->path);
    if (s->in_batch)
        return 0;
    store_wal_before_batch(s);
    if (exec(s, "BEGIN IMMEDIATE", e) < 0)
        return -1;
    s->in_batch = 1;
    memset(s->batch_levels, 0, sizeof s->batch_levels);
    return 0;
}

void store_rollback(struct store *s)
{
    if (!s->in_batch)
        return;
    addq_drain(s, NULL);   /* the inserts queued so far run, then go with the batch */
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_batch = 0;
    fv_discard(s);
    rollup_discard(s);
    idts_discard(s);
    zraw_batch_end(s, 0);
    blk_rollback(s);
    txt_discard(s);
    names_forget(s);
}

int store_in_batch(const struct store *s)
{
    return s->in_batch;
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static int step_fts(struct store *s, int which, const char *sql, int64_t id, const char *txt,
                    size_t n, struct err *e)
{
    if (store_prepare(s, &s->st[which], sql, e) < 0)
        return -1;
    sqlite3_stmt *st = s->st[which];
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, txt, (int)n, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        return store_sqlerr(s, e, "indexing a record");
    return 0;
}

#define REC_COLS "id,ts,level,fmt,file_id,off,service,logger,duration,status,metric,mvalue," \
                 "fields,flags,path"
#define REC_NCOL 15

/* Binds record it as parameters base + 1 .. base + REC_NCOL of st (whose
 * bindings were cleared: absent values stay NULL). */
static void bind_record(sqlite3_stmt *st, int base, const struct row_item *it)
{
    sqlite3_bind_int64(st, base + 1, it->id);
    sqlite3_bind_int64(st, base + 2, it->ts);
    sqlite3_bind_int(st, base + 3, it->level);
    sqlite3_bind_int(st, base + 4, it->fmt);
    sqlite3_bind_int64(st, base + 5, it->file_id);
    sqlite3_bind_int64(st, base + 6, it->off);
    static const int name_col[3] = {7, 8, 15};   /* service, logger, path: ids (names.h) */
    for (int k = 0; k < 3; k++)
        if (it->nidlen[k])
            sqlite3_bind_blob(st, base + name_col[k], it->nid[k], it->nidlen[k], SQLITE_STATIC);
    bind_opt_text(st, base + 7, it->service);
    bind_opt_text(st, base + 8, it->logger);
    if (it->has_duration)
        sqlite3_bind_double(st, base + 9, it->duration);
    if (it->has_status)
        sqlite3_bind_int64(st, base + 10, it->status);
    bind_opt_text(st, base + 11, it->metric);
    if (it->has_mvalue)
        sqlite3_bind_double(st, base + 12, it->mvalue);
    bind_opt_text(st, base + 13, it->fields);
    sqlite3_bind_int(st, base + 14, it->flags);
    bind_opt_text(st, base + 15, it->path);
}

/* The record's service, logger and path as ids where they have one. */
static int name_ids(struct store *s, struct row_item *it, struct err *e)
{
    const char **v[3] = {&it->service, &it->logger, &it->path};
    for (int k = 0; k < 3; k++) {
        int n = names_id(s, *v[k], it->nid[k], e);
        if (n < 0)
            return -1;
        if ((it->nidlen[k] = n) > 0)
            *v[k] = NULL;
    }
    return 0;
}

static int insert_record(struct store *s, const struct row_item *it, struct err *e)
{
    if (store_prepare(s, &s->st[ST_INSERT], "INSERT INTO records(" REC_COLS ") VALUES(?,?,?,?,?,"
                      "?,?,?,?,?,?,?,?,?,?)", e) < 0)
        return -1;
    bind_record(s->st[ST_INSERT], 0, it);
    if (sqlite3_step(s->st[ST_INSERT]) != SQLITE_DONE)
        return store_sqlerr(s, e, "storing a record");
    return 0;
}

/* The records the store thread holds (queued_rows), STORE_ROWS to an
 * INSERT: one statement's cost (reset, bindings cleared, the table's and
 * indexes' cursors opened, halt) shared by STORE_ROWS rows instead of paid
 * by each (callgrind, 100k records: store thread 3.98 -> 3.53 G). OR FAIL,
 * because a statement that may abort after writing rows opens a statement
 * savepoint, at which FTS5 writes out its pending postings (rec_fv,
 * rec_txt): with a plain INSERT the store thread cost 7.36 G. A failure
 * fails the batch either way. Fewer rows (the queue ran empty,
 * addq_flush_fn) go one by one. failed: only freed. */
static int flush_rows(struct store *s, int failed, struct err *e)
{
    int rc = 0, n = s->nrows;
    s->nrows = 0;
    if (!failed && n && sqlite3_get_autocommit(s->db))
        rc = err_set(e, "%s: the batch was rolled back", s->path);
    if (!failed && rc == 0 && n == STORE_ROWS) {
        if (!s->st[ST_INSERT_N]) {
            size_t len = 64 + sizeof REC_COLS + (size_t)STORE_ROWS * (REC_NCOL * 2 + 3);
            char *sql = malloc(len), *o = sql;
            if (!sql)
                rc = err_set(e, "out of memory storing records");
            for (int r = 0; sql && r < STORE_ROWS; r++) {
                o += sprintf(o, r ? ",(" : "INSERT OR FAIL INTO records(" REC_COLS ") VALUES(");
                for (int c = 0; c < REC_NCOL; c++)
                    *o++ = '?', *o++ = c + 1 < REC_NCOL ? ',' : ')';
                *o = '\0';
            }
            rc = rc ? rc : store_prepare(s, &s->st[ST_INSERT_N], sql, e);
            free(sql);
        } else {
            rc = store_prepare(s, &s->st[ST_INSERT_N], NULL, e);
        }
        for (int r = 0; rc == 0 && r < n; r++)
            bind_record(s->st[ST_INSERT_N], r * REC_NCOL, s->rows[r]);
        if (rc == 0 && sqlite3_step(s->st[ST_INSERT_N]) != SQLITE_DONE)
            rc = store_sqlerr(s, e, "storing records");
    } else {
        for (int r = 0; !failed && rc == 0 && r < n; r++)
            rc = insert_record(s, s->rows[r], e);
    }
    for (int r = 0; r < n; r++)
        free(s->rows[r]);
    return rc;
}

/* The inserts of one record or block (addq_insert_fn) on the store thread
 * of a bulk load: a record's row is kept (flush_rows), the rest written. */
static int queued_rows(struct store *s, struct row_item *it, struct err *e)
{
    int rc = 0;
    if (sqlite3_get_autocommit(s->db))   /* an error ended the batch's transaction */
        rc = err_set(e, "%s: the batch was rolled back", s->path);
    else if (it->kind == ROW_BLOCK)
        rc = blk_put(s, it, e);
    else if (it->dlen && step_fts(s, ST_FV, "INSERT INTO rec_fv(rowid, tok) VALUES(?, ?)",
                                  it->id, it->doc, it->dlen, e) < 0)
        rc = -1;
    if (rc < 0 || it->kind == ROW_BLOCK) {
        free(it);
        return rc;
    }
    s->rows[s->nrows++] = it;
    return s->nrows == STORE_ROWS ? flush_rows(s, 0, e) : 0;
}

/* The inserts of one record or block on the caller's thread. */
static int insert_rows(struct store *s, const struct row_item *it, struct err *e)
{
    if (it->kind == ROW_BLOCK)
        return blk_put(s, it, e);
    if (insert_record(s, it, e) < 0)
        return -1;
    if (it->dlen && step_fts(s, ST_FV, "INSERT INTO rec_fv(rowid, tok) VALUES(?, ?)", it->id,
                             it->doc, it->dlen, e) < 0)
        return -1;
    return 0;
}

int store_bulk(struct store *s, struct err *e)
{
    if (s->ch || s->mode != STORE_WRITE)
        return 0;
    return addq_start(s, queued_rows, flush_rows, e);
}

int store_add(struct store *s, int64_t file_id, const struct record *r, struct err *e)
{
    int64_t id;
    struct fv_out fo;
    if (fv_record(s, file_id, r, &fo) < 0)
        return err_set(e, "out of memory indexing a record");
    struct blk_rec br = {.raw = r->raw ? r->raw : "", .rn = r->raw ? r->raw_len : 0,
                         .msg = r->msg ? r->msg : "", .mn = r->msg ? r->msg_len : 0,
                         .cid = r->cid ? r->cid : "", .cn = r->cid ? strlen(r->cid) : 0};
    if (blk_add(s, &br, &id, e) < 0)
        return -1;
    struct row_item it = {
        .id = id, .ts = r->ts, .file_id = file_id, .off = r->offset, .status = r->status,
        .duration = r->duration_ms, .mvalue = r->metric_value, .level = r->level,
        .fmt = r->format, .has_duration = r->has_duration, .has_status = r->has_status,
        .has_mvalue = r->has_metric, .service = r->service, .logger = r->logger,
        .metric = r->metric_name, .fields = r->fields, .path = fo.path,
        .doc = fo.doc, .dlen = fo.dlen,
        .flags = (r->ts_guessed ? 1 : 0) | (r->truncated ? 2 : 0) | (r->history ? 4 : 0) |
                 (BLK_ZID << 3) | (r->cid ? BLK_HAS_CID : 0) | (r->nlines << 8)};
    if (name_ids(s, &it, e) < 0)
        return -1;
    if ((s->addq ? addq_push(s, &it, e) : insert_rows(s, &it, e)) < 0)
        return -1;
    if (rollup_add(s, id, r, fo.service, fo.path) < 0 || idts_add(s, id, r->ts) < 0)
        return err_set(e, "out of memory indexing a record");
    if (r->level >= 0 && r->level < LVL_COUNT)
        s->batch_levels[r->level]++;
    return 0;
}

int store_commit(struct store *s, struct err *e)
{
    if (!s->in_batch)
        return 0;
    if (blk_flush(s, e) < 0 || addq_drain(s, e) < 0)   /* the open block is queued too */
        goto fail;
    for (int l = 0; l < LVL_COUNT; l++) {
        if (!s->batch_levels[l])
            continue;
        if (store_prepare(s, &s->st[ST_COUNTS], "INSERT INTO counts(level, n) VALUES(?, ?) "
                          "ON CONFLICT(level) DO UPDATE SET n = n + excluded.n", e) < 0)
            goto fail;
        sqlite3_bind_int(s->st[ST_COUNTS], 1, l);
        sqlite3_bind_int64(s->st[ST_COUNTS], 2, s->batch_levels[l]);
        if (sqlite3_step(s->st[ST_COUNTS]) != SQLITE_DONE) {
            store_sqlerr(s, e, "updating level counts");
            goto fail;
        }
    }
    if (rollup_flush(s, e) < 0 || fv_flush(s, e) < 0 || txt_flush(s, e) < 0 ||
        idts_flush(s, e) < 0 || exec(s, "COMMIT", e) < 0)
        goto fail;
    s->in_batch = 0;
    zraw_batch_end(s, 1);
    return 0;
fail:
    store_rollback(s);
    return -1;
}

int store_totals(struct store *s, struct store_totals *out, struct err *e)
{
    if (s->ch)
        return chstore_totals(s->ch, out, e);
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    const char *sql =
        "SELECT level, n FROM counts;"
        "SELECT (SELECT min(ts) FROM records), (SELECT max(ts) FROM records),"
        " (SELECT count(*) FROM files), (SELECT coalesce(sum(unparsed),0) FROM files),"
        " (SELECT coalesce(sum(lost_lines),0) FROM files),"
        " (SELECT coalesce(sum(truncated),0) FROM files),"
        " (SELECT count(*) FROM files WHERE size < 0);";
    const char *tail = sql;
    for (int q = 0; q < 2; q++) {
        if (sqlite3_prepare_v2(s->db, tail, -1, &st, &tail) != SQLITE_OK)
            return store_sqlerr(s, e, "reading totals");
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (q == 0) {
                int l = sqlite3_column_int(st, 0);
                if (l >= 0 && l < LVL_COUNT)
                    out->by_level[l] = sqlite3_column_int64(st, 1);
                out->records += sqlite3_column_int64(st, 1);
            } else {
                out->first_ts = sqlite3_column_int64(st, 0);
                out->last_ts = sqlite3_column_int64(st, 1);
                out->files = sqlite3_column_int64(st, 2);
                out->unparsed = sqlite3_column_int64(st, 3);
                out->lost_lines = sqlite3_column_int64(st, 4);
                out->truncated = sqlite3_column_int64(st, 5);
                out->lost_files = sqlite3_column_int64(st, 6);
            }
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return store_sqlerr(s, e, "reading totals");
    }
    out->db_bytes = store_pragma_int(s, "PRAGMA page_count") * store_pragma_int(s, "PRAGMA page_size");
    out->cap_dropped = store_pragma_int(s, "SELECT coalesce((SELECT value FROM meta"
                                           " WHERE key = 'cap_dropped'), 0)");
    out->cap_dropped_at = store_pragma_int(s, "SELECT coalesce((SELECT value FROM meta"
                                              " WHERE key = 'cap_dropped_at'), 0)");
    out->lost_gaps = store_pragma_int(s, "SELECT coalesce((SELECT value FROM meta"
                                         " WHERE key = 'lost_gaps'), 0)");
    return store_coverage(s, &out->cov, e);
}

/* Each full-text table of the store merged into one segment ('optimize'):
 * a bulk load leaves a dozen, each holding again the terms the others hold
 * (1M records of gen --wide: rec_txt 48.3 -> 43.1 MB, rec_fv 9.3 -> 8.9 MB,
 * 1.1 s), then VACUUM gives the freed pages back and packs the indexes,
 * and the WAL it grew to is truncated. */
int store_vacuum(struct store *s, struct err *e)
{
    static const char *const fts[] = {"rec_txt", "rec_fv", "rec_fts"};
    if (s->in_batch)
        return err_set(e, "%s: cannot vacuum inside a batch", s->path);
    for (size_t i = 0; i < sizeof fts / sizeof *fts; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_schema WHERE name = '%s'", fts[i]);
        if (store_pragma_int(s, sql) != 1)
            continue;
        snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES('optimize')", fts[i], fts[i]);
        if (exec(s, sql, e) < 0)
            return -1;
    }
    /* VACUUM copies the whole store into a temporary database: in a file
     * (SQLITE_TMPDIR, else /var/tmp or /tmp), not in memory as the store's
     * connection keeps its temporary tables (10M records: peak RSS 1.6 GB
     * -> 32 MB). On a connection of its own: changing temp_store drops
     * the temporary tables (the vocabularies) of the one that has them. */
    sqlite3 *v = NULL;
    int rc = sqlite3_open_v2(s->path, &v, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(v, 5000);
        rc = sqlite3_exec(v, "PRAGMA temp_store=FILE; VACUUM", NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK)
        err_set(e, "%s: vacuum: %s", s->path, v ? sqlite3_errmsg(v) : sqlite3_errstr(rc));
    sqlite3_close(v);
    return rc != SQLITE_OK ? -1 : exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", e);
}
