/* schema: the DDL of the store's tables (store.c creates a version 9 store
 * with schema_records, schema_v8, schema_v9, schema_alerts, schema_ranges,
 * schema_rollups; alerts_db.c creates the alert tables on demand). Data
 * only. See store.h for what each table holds. */
#include "db/schema.h"

/* The FTS5 tables' 'hashsize' (the pending postings held before a segment
 * is written) is 1 MiB, FTS5's default, written out because 5892ef6 made
 * it 4 MiB on instruction counts at 100k records (store thread -16%:
 * fewer, larger first-level segments, fewer merges). In time at 1M records
 * the larger hash is the slower: each posting written looks its term up
 * in the hash, and a larger hash misses the caches more (logdeck index,
 * 1M gen --wide records, store thread CPU in 6 interleaved rounds: 4 MiB
 * 9.09-11.64 s, 10.05 on average, 1 MiB 8.18-9.72 s, 8.94, faster in
 * every round; peak RSS 46 -> 33 MB; 13 against 11 segments of rec_txt at
 * the end). A store made with 4 MiB keeps it. */
const char schema_records[] =
    "CREATE TABLE files("
    " id INTEGER PRIMARY KEY, path TEXT NOT NULL, dev INTEGER, ino INTEGER,"
    " head_hash INTEGER, head_len INTEGER, offset INTEGER NOT NULL DEFAULT 0,"
    " tail_hash INTEGER, size INTEGER, mtime INTEGER,"
    " records INTEGER NOT NULL DEFAULT 0, lost_lines INTEGER NOT NULL DEFAULT 0,"
    " lost_bytes INTEGER NOT NULL DEFAULT 0, truncated INTEGER NOT NULL DEFAULT 0,"
    " unparsed INTEGER NOT NULL DEFAULT 0, gz INTEGER NOT NULL DEFAULT 0,"
    " state INTEGER NOT NULL DEFAULT 0, first_seen INTEGER, last_seen INTEGER);"
    "CREATE INDEX files_inode ON files(dev, ino);"
    "CREATE INDEX files_head ON files(head_hash, head_len);"
    "CREATE TABLE records("
    " id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, level INTEGER NOT NULL,"
    " fmt INTEGER NOT NULL, file_id INTEGER NOT NULL, off INTEGER NOT NULL,"
    " service TEXT, logger TEXT, cid TEXT, msg TEXT, duration REAL,"
    " status INTEGER, metric TEXT, mvalue REAL, fields TEXT, raw BLOB,"
    " flags INTEGER NOT NULL DEFAULT 0, path TEXT);"
    "CREATE INDEX rec_ts ON records(ts);"
    "CREATE INDEX rec_warn ON records(ts) WHERE level >= 5;"
    "CREATE INDEX rec_dur ON records(duration) WHERE duration IS NOT NULL;"
    "CREATE INDEX rec_status ON records(status) WHERE status IS NOT NULL;"
    "CREATE VIRTUAL TABLE rec_fv USING fts5(tok, content='', detail=none, columnsize=0,"
    " tokenize=ldfv);"
    "INSERT INTO rec_fv(rec_fv, rank) VALUES('automerge', 8);"
    "INSERT INTO rec_fv(rec_fv, rank) VALUES('hashsize', 1048576);"
    "CREATE TABLE fieldcat(file_id INTEGER NOT NULL, path TEXT NOT NULL,"
    " n INTEGER NOT NULL, nnum INTEGER NOT NULL, PRIMARY KEY(file_id, path)) WITHOUT ROWID;"
    "CREATE TABLE zdict(id INTEGER PRIMARY KEY, dict BLOB NOT NULL);"
    "CREATE TABLE rawblk(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, z BLOB NOT NULL);"
    "CREATE TABLE counts(level INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value);";

const char schema_alerts[] =
    "CREATE TABLE IF NOT EXISTS alert_state("
    " rule TEXT NOT NULL, grp TEXT NOT NULL DEFAULT '', state INTEGER NOT NULL,"
    " severity INTEGER NOT NULL DEFAULT 1, since INTEGER NOT NULL,"
    " pending_since INTEGER, fired_at INTEGER, clear_since INTEGER,"
    " last_notified INTEGER, last_eval INTEGER, value REAL, count INTEGER,"
    " acked INTEGER NOT NULL DEFAULT 0, threshold TEXT, episode INTEGER,"
    " summary TEXT, query TEXT, win_since INTEGER, win_until INTEGER,"
    " PRIMARY KEY(rule, grp)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS alert_history("
    " id INTEGER PRIMARY KEY, rule TEXT NOT NULL, grp TEXT NOT NULL DEFAULT '',"
    " event TEXT NOT NULL, ts INTEGER NOT NULL, value REAL, threshold TEXT,"
    " severity INTEGER, count INTEGER, summary TEXT, query TEXT,"
    " win_since INTEGER, win_until INTEGER);"
    "CREATE TABLE IF NOT EXISTS outbox("
    " id INTEGER PRIMARY KEY, notifier TEXT NOT NULL, history_id INTEGER,"
    " rule TEXT, grp TEXT, kind TEXT, payload TEXT NOT NULL,"
    " created INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " next_at INTEGER NOT NULL, status INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT, sent_at INTEGER);"
    "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(notifier, id) WHERE status IN (0, 3);"
    "CREATE TABLE IF NOT EXISTS notifiers("
    " name TEXT PRIMARY KEY, type TEXT, url_masked TEXT, config_hash TEXT,"
    " state INTEGER NOT NULL DEFAULT 0, reason TEXT, next_at INTEGER,"
    " last_ok INTEGER, last_error_at INTEGER, sent INTEGER NOT NULL DEFAULT 0,"
    " failed INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS silences("
    " id INTEGER PRIMARY KEY, rule TEXT NOT NULL DEFAULT '*', grp TEXT NOT NULL DEFAULT '*',"
    " until INTEGER NOT NULL, created INTEGER NOT NULL, comment TEXT);";

/* v7 -> v8 (and in a new store): the text index per block (db/txt.h).
 * 'cidwords': a record's cid has a token of its own only when its text
 * lacks one of the cid's words (stores made before 2026-12-03 say 'ldrec'
 * alone: a token for every cid; store.c reads which from this
 * declaration). */
const char schema_v8[] =
    "CREATE VIRTUAL TABLE IF NOT EXISTS rec_txt USING fts5(body, content='', detail=full,"
    " columnsize=0, tokenize='ldrec cidwords');"
    "CREATE TABLE IF NOT EXISTS txt_runs(run TEXT PRIMARY KEY) WITHOUT ROWID;"
    "INSERT INTO rec_txt(rec_txt, rank) VALUES('automerge', 8);"
    "INSERT INTO rec_txt(rec_txt, rank) VALUES('hashsize', 1048576);";

/* v8 -> v9 (and in a new store): the service, logger and path names
 * (db/names.h); rows written before keep their text. */
const char schema_v9[] =
    "CREATE TABLE IF NOT EXISTS names(id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE);";

/* v4 -> v5: v4 rows keep their raw text; new ones go to blocks. */
const char schema_v5[] =
    "CREATE TABLE IF NOT EXISTS rawblk(id INTEGER PRIMARY KEY, n INTEGER NOT NULL,"
    " z BLOB NOT NULL);";

const char schema_ranges[] =
    "CREATE TABLE IF NOT EXISTS file_ranges(file_id INTEGER NOT NULL, lo INTEGER NOT NULL,"
    " hi INTEGER NOT NULL, lo_ts INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(file_id, lo))"
    " WITHOUT ROWID;";

const char schema_rollups[] =
    "CREATE TABLE IF NOT EXISTS rolldim(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
    " value TEXT NOT NULL, UNIQUE(kind, value));"
    "CREATE TABLE IF NOT EXISTS rollup(minute INTEGER NOT NULL, level INTEGER NOT NULL,"
    " svc INTEGER NOT NULL, path INTEGER NOT NULL, metric INTEGER NOT NULL,"
    " n INTEGER NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
    " s0 INTEGER NOT NULL, s1 INTEGER NOT NULL, s2 INTEGER NOT NULL, s3 INTEGER NOT NULL,"
    " s4 INTEGER NOT NULL, s5 INTEGER NOT NULL,"
    " dn INTEGER NOT NULL, dsum REAL, dmin REAL, dmax REAL, dhist BLOB,"
    " mn INTEGER NOT NULL, msum REAL, mmin REAL, mmax REAL, mlast REAL, mlast_ts INTEGER,"
    " mlast_id INTEGER, PRIMARY KEY(minute, level, svc, path, metric)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS rollmsg(minute INTEGER NOT NULL, level INTEGER NOT NULL,"
    " svc INTEGER NOT NULL, path INTEGER NOT NULL, metric INTEGER NOT NULL, tmpl TEXT NOT NULL,"
    " n INTEGER NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
    " PRIMARY KEY(minute, level, svc, path, metric, tmpl)) WITHOUT ROWID;";
