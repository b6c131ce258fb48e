/* alerts_db: the alert tables (see alerts_db.h): schema, rule states,
 * history events and silences. The outbox and notifier rows live in
 * db/alerts_outbox.c. */
#include "db/chstore.h"
#include "db/alerts_db.h"
#include "db/alerts_db_int.h"
#include "db/schema.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int alerts_db_init(struct store *s, struct err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, schema_alerts, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, "%s: creating the alert tables: %s", s->path, msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int alerts_db_present(struct store *s)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                "('alert_state','alert_history','outbox','notifiers','silences')",
                                -1, &st, NULL) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 5;
    sqlite3_finalize(st);
    return ok;
}

int alerts_db_begin(struct store *s, struct err *e)
{
    return store_begin(s, e);
}

int alerts_db_commit(struct store *s, struct err *e)
{
    return store_commit(s, e);
}

void alerts_db_rollback(struct store *s)
{
    store_rollback(s);
}

int64_t alerts_db_last_id(struct store *s)
{
    if (s->ch)
        return chalert_cursor();   /* on ClickHouse the cursor is a time */
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM records", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int adb_prep(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "preparing an alert query");
    return 0;
}

/* Steps a write statement to DONE and finalizes it. */
int adb_done(struct store *s, sqlite3_stmt *st, const char *what, struct err *e)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, what);
}

void adb_col(sqlite3_stmt *st, int i, char *dst, size_t cap)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    snprintf(dst, cap, "%s", v ? (const char *)v : "");
}

void adb_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

int alerts_db_state_put(struct store *s, const struct adb_state *a, struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "INSERT INTO alert_state(rule,grp,state,severity,since,pending_since,"
                 "fired_at,clear_since,last_notified,last_eval,value,count,threshold,episode,"
                 "summary,query,win_since,win_until,acked) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)"
                 " ON CONFLICT(rule,grp) DO UPDATE SET state=excluded.state,"
                 " severity=excluded.severity, since=excluded.since,"
                 " pending_since=excluded.pending_since, fired_at=excluded.fired_at,"
                 " clear_since=excluded.clear_since, last_notified=excluded.last_notified,"
                 " last_eval=excluded.last_eval, value=excluded.value, count=excluded.count,"
                 " threshold=excluded.threshold, episode=excluded.episode,"
                 " summary=excluded.summary, query=excluded.query, win_since=excluded.win_since,"
                 " win_until=excluded.win_until,"
                 " acked=CASE WHEN excluded.state IN (1,2) THEN acked ELSE 0 END", &st, e) < 0)
        return -1;
    adb_text(st, 1, a->rule);
    adb_text(st, 2, a->grp);
    sqlite3_bind_int(st, 3, a->state);
    sqlite3_bind_int(st, 4, a->severity);
    int64_t iv[] = {a->since, a->pending_since, a->fired_at, a->clear_since, a->last_notified,
                    a->last_eval};
    for (int i = 0; i < 6; i++)
        sqlite3_bind_int64(st, 5 + i, iv[i]);
    sqlite3_bind_double(st, 11, a->value);
    sqlite3_bind_int64(st, 12, a->count);
    adb_text(st, 13, a->threshold);
    sqlite3_bind_int64(st, 14, a->episode);
    adb_text(st, 15, a->summary);
    adb_text(st, 16, a->query);
    sqlite3_bind_int64(st, 17, a->win_since);
    sqlite3_bind_int64(st, 18, a->win_until);
    return adb_done(s, st, "saving an alert state", e);
}

static void read_state(sqlite3_stmt *st, struct adb_state *a)
{
    memset(a, 0, sizeof *a);
    adb_col(st, 0, a->rule, sizeof a->rule);
    adb_col(st, 1, a->grp, sizeof a->grp);
    a->state = sqlite3_column_int(st, 2);
    a->severity = sqlite3_column_int(st, 3);
    int64_t *iv[] = {&a->since, &a->pending_since, &a->fired_at, &a->clear_since,
                     &a->last_notified, &a->last_eval};
    for (int i = 0; i < 6; i++)
        *iv[i] = sqlite3_column_int64(st, 4 + i);
    a->value = sqlite3_column_double(st, 10);
    a->count = sqlite3_column_int64(st, 11);
    a->acked = sqlite3_column_int(st, 12);
    adb_col(st, 13, a->threshold, sizeof a->threshold);
    a->episode = sqlite3_column_int64(st, 14);
    adb_col(st, 15, a->summary, sizeof a->summary);
    adb_col(st, 16, a->query, sizeof a->query);
    a->win_since = sqlite3_column_int64(st, 17);
    a->win_until = sqlite3_column_int64(st, 18);
    a->silenced = sqlite3_column_int(st, 19);
}

int alerts_db_states(struct store *s, int (*cb)(void *, const struct adb_state *), void *ctx,
                     struct err *e)
{
    if (!alerts_db_present(s))
        return 0;
    sqlite3_stmt *st;
    if (adb_prep(s, "SELECT rule,grp,state,severity,since,pending_since,fired_at,clear_since,"
                 "last_notified,last_eval,value,count,acked,threshold,episode,summary,query,"
                 "win_since,win_until,0 FROM alert_state ORDER BY rule, grp", &st, e) < 0)
        return -1;
    struct adb_state a;
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_state(st, &a);
        n++;
        if (cb(ctx, &a))
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading alert states");
    return n;
}

int alerts_db_state_prune(struct store *s, const char *const *names, int n, struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "SELECT DISTINCT rule FROM alert_state", &st, e) < 0)
        return -1;
    char gone[64][128];
    int ng = 0;
    while (sqlite3_step(st) == SQLITE_ROW && ng < 64) {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        int keep = 0;
        for (int i = 0; r && i < n && !keep; i++)
            keep = strcmp(names[i], r) == 0;
        if (r && !keep)
            snprintf(gone[ng++], sizeof gone[0], "%s", r);
    }
    sqlite3_finalize(st);
    for (int i = 0; i < ng; i++) {
        if (adb_prep(s, "DELETE FROM alert_state WHERE rule = ?", &st, e) < 0)
            return -1;
        adb_text(st, 1, gone[i]);
        if (adb_done(s, st, "removing an old rule's state", e) < 0)
            return -1;
    }
    return ng;
}

int alerts_db_ack(struct store *s, const char *rule, const char *grp, int on, struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "UPDATE alert_state SET acked = ? WHERE rule = ? AND grp = ? AND state IN (1,2)",
                 &st, e) < 0)
        return -1;
    sqlite3_bind_int(st, 1, on ? 1 : 0);
    adb_text(st, 2, rule);
    adb_text(st, 3, grp);
    if (adb_done(s, st, "acknowledging an alert", e) < 0)
        return -1;
    return sqlite3_changes(s->db) > 0 ? 0 : err_set(e, "no pending or firing alert %s%s%s to "
                                                    "acknowledge", rule, *grp ? "/" : "", grp);
}

int alerts_db_acked(struct store *s, const char *rule, const char *grp, struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "SELECT acked FROM alert_state WHERE rule = ? AND grp = ?", &st, e) < 0)
        return -1;
    adb_text(st, 1, rule);
    adb_text(st, 2, grp);
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return v ? 1 : 0;
}

int64_t alerts_db_event_add(struct store *s, const struct adb_event *ev, struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "INSERT INTO alert_history(rule,grp,event,ts,value,threshold,severity,count,"
                 "summary,query,win_since,win_until) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", &st, e) < 0)
        return -1;
    adb_text(st, 1, ev->rule);
    adb_text(st, 2, ev->grp);
    adb_text(st, 3, ev->event);
    sqlite3_bind_int64(st, 4, ev->ts);
    sqlite3_bind_double(st, 5, ev->value);
    adb_text(st, 6, ev->threshold);
    sqlite3_bind_int(st, 7, ev->severity);
    sqlite3_bind_int64(st, 8, ev->count);
    adb_text(st, 9, ev->summary);
    adb_text(st, 10, ev->query);
    sqlite3_bind_int64(st, 11, ev->win_since);
    sqlite3_bind_int64(st, 12, ev->win_until);
    if (adb_done(s, st, "recording an alert event", e) < 0)
        return -1;
    return sqlite3_last_insert_rowid(s->db);
}

int alerts_db_events(struct store *s, int limit, int (*cb)(void *, const struct adb_event *),
                     void *ctx, struct err *e)
{
    if (!alerts_db_present(s))
        return 0;
    sqlite3_stmt *st;
    if (adb_prep(s, "SELECT id,rule,grp,event,ts,value,threshold,severity,count,summary,query,"
                 "win_since,win_until FROM alert_history ORDER BY id DESC LIMIT ?", &st, e) < 0)
        return -1;
    sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
    struct adb_event ev;
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&ev, 0, sizeof ev);
        ev.id = sqlite3_column_int64(st, 0);
        adb_col(st, 1, ev.rule, sizeof ev.rule);
        adb_col(st, 2, ev.grp, sizeof ev.grp);
        adb_col(st, 3, ev.event, sizeof ev.event);
        ev.ts = sqlite3_column_int64(st, 4);
        ev.value = sqlite3_column_double(st, 5);
        adb_col(st, 6, ev.threshold, sizeof ev.threshold);
        ev.severity = sqlite3_column_int(st, 7);
        ev.count = sqlite3_column_int64(st, 8);
        adb_col(st, 9, ev.summary, sizeof ev.summary);
        adb_col(st, 10, ev.query, sizeof ev.query);
        ev.win_since = sqlite3_column_int64(st, 11);
        ev.win_until = sqlite3_column_int64(st, 12);
        n++;
        if (cb(ctx, &ev))
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading alert history");
    return n;
}

int64_t alerts_db_silence_add(struct store *s, const char *rule, const char *grp, int64_t until,
                              const char *comment, struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "INSERT INTO silences(rule, grp, until, created, comment) "
                 "VALUES(?, ?, ?, strftime('%s','now') * 1000000, ?)", &st, e) < 0)
        return -1;
    adb_text(st, 1, rule && *rule ? rule : "*");
    adb_text(st, 2, grp ? grp : "*");
    sqlite3_bind_int64(st, 3, until);
    adb_text(st, 4, comment ? comment : "");
    if (adb_done(s, st, "adding a silence", e) < 0)
        return -1;
    return sqlite3_last_insert_rowid(s->db);
}

int alerts_db_silenced(struct store *s, const char *rule, const char *grp, int64_t now,
                       struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "SELECT rule, grp FROM silences WHERE until > ?", &st, e) < 0)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    int hit = 0;
    while (!hit && sqlite3_step(st) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        const char *g = (const char *)sqlite3_column_text(st, 1);
        hit = r && g && fnmatch(r, rule, 0) == 0 && fnmatch(g, grp, 0) == 0;
    }
    sqlite3_finalize(st);
    return hit;
}

int64_t alerts_db_firing_count(struct store *s)
{
    if (!alerts_db_present(s))
        return 0;
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM alert_state WHERE state = 2 AND grp != '*'",
                           -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}
