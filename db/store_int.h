/* store_int: the store's internals shared by the db/ modules only
 * (store.c, files.c, exec.c, ...). Nothing outside db/ includes this. */
#ifndef LOGDECK_STORE_INT_H
#define LOGDECK_STORE_INT_H

#include <sqlite3.h>

#include "db/store.h"

enum store_stmt {
    ST_INSERT, ST_INSERT_N, ST_FTS, ST_TXT_DEL, ST_FV, ST_COUNTS,
    ST_FILE_INODE, ST_FILE_HEAD, ST_FILE_INSERT, ST_FILE_UPDATE, ST_FILE_ALL,
    ST_COUNT_
};

struct exec_state;   /* owned by db/exec.c */
struct chstore;      /* db/chstore.h: set when the store is a clickhouse:// URL */
struct fv_state;     /* owned by db/fv.c */
struct zraw;         /* owned by db/zraw.c */
struct blk;          /* owned by db/blk.c */
struct addq;         /* owned by db/addq.c */
struct rollup_state; /* owned by db/rollup.c */
struct txt_state;    /* owned by db/txt.c */
struct idts_state;   /* owned by db/idts.c */
struct row_item;     /* db/addq.h */
#define STORE_ROWS 32        /* records to one INSERT on the store thread */

struct store {
    sqlite3 *db;
    struct chstore *ch;              /* the ClickHouse backend (then db is NULL) */
    int mode;
    int in_batch;
    int created;                     /* this open created the file */
    char path[4096];
    char real[4096];                 /* path resolved once open ("": as given; store_owns) */
    sqlite3_stmt *st[ST_COUNT_];     /* prepared lazily, finalized on close */
    int64_t batch_levels[LVL_COUNT];
    struct exec_state *exec;
    struct fv_state *fv;             /* writer: tokens and catalogue (fv.c) */
    struct zraw *zraw;               /* v4 compression dictionaries (zraw.c) */
    struct blk *blk;                 /* compressed blocks of text (blk.c) */
    struct txt_state *txt;           /* writer: the runs of the text seen (txt.c) */
    struct names *names;             /* service, logger, path ids (names.c) */
    struct addq *addq;               /* the store thread of a bulk load (addq.c) */
    struct row_item *rows[STORE_ROWS];   /* its records not yet inserted (store.c) */
    int nrows;
    struct rollup_state *rollup;     /* writer: the batch's rollup cells (rollup.c) */
    struct idts_state *idts;         /* writer: the batch's id groups' time ranges (idts.c) */
    struct wal_ckpt *wal;            /* writer only: db/wal.c */
    int wal_frames;                  /* frames in the WAL after the last commit */
    int checked;                     /* writer: passed store_check() at open */
    int old_text;                    /* reader of a v4-v7 store: words are in rec_fts */
    int cid_words;                   /* rec_txt indexes a cid as its words (txt.h) */
    int oneshot;                     /* EXEC_ONESHOT_* bits (db/exec.h) */
};

/* Prepares *st once (persistent) or resets it for reuse. */
int store_prepare(struct store *s, sqlite3_stmt **st, const char *sql, struct err *e);
/* The first column of the first row of sql (a PRAGMA or a count), or -1. */
int64_t store_pragma_int(struct store *s, const char *sql);
/* The connection's FTS5 API (to register tokenizers and read tokenizers);
 * NULL when SQLite was built without FTS5. */
fts5_api *store_fts5_api(sqlite3 *db);
/* Fills e from the connection's last error, naming what was being done;
 * disk-full and corruption get sentences of their own. Returns -1. */
int store_sqlerr(struct store *s, struct err *e, const char *what);
/* The files table's columns in the order store_row_to_file() reads them,
 * and the decoder of one such row (db/files.c). */
#define STORE_FILE_COLS "id, path, dev, ino, head_hash, head_len, offset, tail_hash, size, " \
                        "mtime, records, lost_lines, lost_bytes, truncated, unparsed, gz, "  \
                        "state, first_seen, last_seen"
void store_row_to_file(sqlite3_stmt *st, struct store_file *f);

/* Writes " cid<letters and digits of cid, lower-cased>" into out (which
 * must hold strlen(cid) + 5 bytes); returns the bytes written. */
size_t store_cid_token(const char *cid, char *out);

/* mkdir -p of path's parent directory, mode 0700 for what it creates (the
 * XDG state directory on a fresh machine). 0, or -1 with e. */
int store_make_parent(const char *path, struct err *e);

/* db/wal.c: the background WAL checkpointer of a writer store. */
int store_wal_start(struct store *s, struct err *e);
void store_wal_kick(struct store *s);   /* after a commit */
void store_wal_before_batch(struct store *s);
void store_wal_stop(struct store *s);

/* db/check.c: a writer's integrity check at open (0, or -1 with e saying
 * the store is corrupt; nothing was written), skipped when the database
 * file is as a writer left it; the stamp a writer leaves after each
 * checkpoint and at close (db: the store file's path). */
int store_check(struct store *s, struct err *e);
void store_check_stamp(const char *db);
/* db/store_ch.c: a store backed by ClickHouse (path is a clickhouse:// URL). */
struct store *store_open_ch(const char *url, int mode, struct err *e);

/* db/exec.c: set up / tear down query execution state (SQL functions). */
int store_exec_init(struct store *s, struct err *e);
void store_exec_fini(struct store *s);

#endif
