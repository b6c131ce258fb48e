/* alerts_db: the alert engine's tables in the store (created by
 * alerts_db_init with CREATE TABLE IF NOT EXISTS until they join a schema
 * migration): per rule+group state, the history of transitions, the
 * outbox of notifications, notifier delivery status and silences.
 * Strings in the row structs are fixed arrays, copied in and out: nothing
 * is borrowed. Every function returns 0 (or a count/id) and -1 with e
 * filled on an SQLite error. Readers tolerate a store where the tables do
 * not exist yet (they report nothing). */
#ifndef LOGDECK_ALERTS_DB_H
#define LOGDECK_ALERTS_DB_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"

enum alert_st { AST_OK = 0, AST_PENDING = 1, AST_FIRING = 2, AST_RESOLVED = 3 };
enum outbox_st { OB_QUEUED = 0, OB_SENT = 1, OB_FAILED = 2, OB_RETRYING = 3 };
enum notifier_st { NS_OK = 0, NS_RETRYING = 1, NS_BROKEN = 2 };

struct adb_state {
    char rule[128], grp[256];  /* grp "": no group_by; "*": a grouped rule's summary */
    int state;                 /* enum alert_st */
    int severity;              /* enum severity (rules.h) */
    int64_t since;             /* µs: entered this state */
    int64_t pending_since, fired_at, clear_since, last_notified, last_eval;
    double value;
    int64_t count;             /* records behind value (window) */
    int acked, silenced;       /* read-only here: set by alerts_db_ack / silences */
    char threshold[48];
    int64_t episode;           /* alert_history id of the firing event */
    char summary[512];
    char query[1024];          /* query text of the records that made it fire */
    int64_t win_since, win_until;
};

struct adb_event {
    int64_t id;
    char rule[128], grp[256];
    char event[16];            /* pending firing repeat resolved ack silence */
    int64_t ts;
    double value;
    char threshold[48];
    int severity;
    int64_t count;
    char summary[512];
    char query[1024];
    int64_t win_since, win_until;
};

struct adb_outbox {
    int64_t id;
    char notifier[128], rule[128], grp[256], kind[16];
    int64_t history_id, created, next_at, sent_at;
    int attempts;
    int status;                /* enum outbox_st */
    char last_error[256];
    char *payload;             /* malloc'd by the reader; caller frees */
};

struct adb_notifier {
    char name[128], type[16], url_masked[256], config_hash[17];
    int state;                 /* enum notifier_st */
    char reason[256];
    int64_t next_at, last_ok, last_error_at;
    int64_t sent, failed, queued;   /* queued: counted from outbox on read */
};

int alerts_db_init(struct store *s, struct err *e);
/* 1 if the alert tables exist in s. */
int alerts_db_present(struct store *s);
/* A write transaction (joins an open ingest batch: see store_begin). */
int alerts_db_begin(struct store *s, struct err *e);
int alerts_db_commit(struct store *s, struct err *e);
void alerts_db_rollback(struct store *s);
/* Highest records.id (0 when empty), and the ts range of (after, upto]. */
int64_t alerts_db_last_id(struct store *s);

int alerts_db_state_put(struct store *s, const struct adb_state *st, struct err *e);
/* Calls cb for each state row (rule, grp order); stops when cb != 0. */
int alerts_db_states(struct store *s, int (*cb)(void *, const struct adb_state *), void *ctx,
                     struct err *e);
/* Deletes the state rows of rules not in names[0..n). */
int alerts_db_state_prune(struct store *s, const char *const *names, int n, struct err *e);
int alerts_db_ack(struct store *s, const char *rule, const char *grp, int on, struct err *e);
/* 1 if acked, 0 if not (or no row), -1 on error. */
int alerts_db_acked(struct store *s, const char *rule, const char *grp, struct err *e);

int64_t alerts_db_event_add(struct store *s, const struct adb_event *ev, struct err *e);
/* Newest first, at most limit. */
int alerts_db_events(struct store *s, int limit, int (*cb)(void *, const struct adb_event *),
                     void *ctx, struct err *e);

/* Silences: rule and grp are fnmatch(3) globs ("*" for any). */
int64_t alerts_db_silence_add(struct store *s, const char *rule, const char *grp, int64_t until,
                              const char *comment, struct err *e);
/* 1 if rule/grp is silenced at now, 0 if not, -1 on error. */
int alerts_db_silenced(struct store *s, const char *rule, const char *grp, int64_t now,
                       struct err *e);

int64_t alerts_db_outbox_add(struct store *s, const struct adb_outbox *ob, const char *payload,
                             struct err *e);
/* The oldest undelivered (queued or retrying) message of notifier: 1 found
 * (ob->payload malloc'd), 0 none, -1 error. */
int alerts_db_outbox_head(struct store *s, const char *notifier, struct adb_outbox *ob,
                          struct err *e);
/* Writes status, attempts, next_at, sent_at and last_error of ob->id. */
int alerts_db_outbox_update(struct store *s, const struct adb_outbox *ob, struct err *e);
/* Newest first; payload is NULL in listings. status < 0: any. */
int alerts_db_outbox_list(struct store *s, int status, int limit,
                          int (*cb)(void *, const struct adb_outbox *), void *ctx, struct err *e);
/* Counts per status of notifier (NULL: all) into n[4] (enum outbox_st). */
int alerts_db_outbox_counts(struct store *s, const char *notifier, int64_t n[4], struct err *e);

/* 1 found, 0 not found, -1 error. */
int alerts_db_notifier_get(struct store *s, const char *name, struct adb_notifier *out,
                           struct err *e);
int alerts_db_notifier_put(struct store *s, const struct adb_notifier *n, struct err *e);
int alerts_db_notifiers(struct store *s, int (*cb)(void *, const struct adb_notifier *),
                        void *ctx, struct err *e);

/* --- scanner: a rule's incremental read of matching records --------------
 * by_ts 0: run(lo, hi) reads the records with lo < id <= hi (what was
 * committed since the last evaluation); by_ts 1: those with lo <= ts <= hi
 * and id <= upto_id (warm-up, dry runs). value/group fields as in
 * store_scan_spec (exec.h): enum pfield or -1, path for PF_JSON. */
struct adb_scan_spec {
    const struct plan *plan;    /* borrowed; must outlive the scanner */
    int value_field;
    const char *value_path;
    int group_field;
    const char *group_path;
    int by_ts;
};
struct adb_scan_row {
    int64_t id, ts;
    int has_value;
    double value;
    const char *group;          /* borrowed during the callback; NULL: none */
    size_t group_len;
};
struct adb_scanner;
struct adb_scanner *alerts_db_scanner_new(struct store *s, const struct adb_scan_spec *sp,
                                          struct err *e);
void alerts_db_scanner_free(struct adb_scanner *sc);   /* NULL is a no-op */
/* Returns rows read, or -1. cb returning non-zero stops early. */
int64_t alerts_db_scanner_run(struct adb_scanner *sc, int64_t lo, int64_t hi, int64_t upto_id,
                              int (*cb)(void *, const struct adb_scan_row *), void *ctx,
                              struct err *e);

/* Number of rule+group states currently firing (0 without tables); the
 * per rule summary rows of grouped rules (grp "*") are not counted. */
int64_t alerts_db_firing_count(struct store *s);

#endif
