/* alerts_outbox: the outbox of notifications and the notifier status rows
 * (see alerts_db.h). A message is inserted in the same transaction as the
 * state change that caused it and leaves the queue only as sent or failed. */
#include "db/alerts_db.h"
#include "db/alerts_db_int.h"

#include <stdlib.h>
#include <string.h>

#define OB_COLS "id,notifier,rule,grp,kind,history_id,created,next_at,sent_at,attempts,status," \
                "last_error"

int64_t alerts_db_outbox_add(struct store *s, const struct adb_outbox *ob, const char *payload,
                             struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "INSERT INTO outbox(notifier,history_id,rule,grp,kind,payload,created,"
                 "next_at,status) VALUES(?,?,?,?,?,?,?,?,0)", &st, e) < 0)
        return -1;
    adb_text(st, 1, ob->notifier);
    sqlite3_bind_int64(st, 2, ob->history_id);
    adb_text(st, 3, ob->rule);
    adb_text(st, 4, ob->grp);
    adb_text(st, 5, ob->kind);
    adb_text(st, 6, payload);
    sqlite3_bind_int64(st, 7, ob->created);
    sqlite3_bind_int64(st, 8, ob->created);
    if (adb_done(s, st, "queueing a notification", e) < 0)
        return -1;
    return sqlite3_last_insert_rowid(s->db);
}

static void read_ob(sqlite3_stmt *st, struct adb_outbox *ob)
{
    memset(ob, 0, sizeof *ob);
    ob->id = sqlite3_column_int64(st, 0);
    adb_col(st, 1, ob->notifier, sizeof ob->notifier);
    adb_col(st, 2, ob->rule, sizeof ob->rule);
    adb_col(st, 3, ob->grp, sizeof ob->grp);
    adb_col(st, 4, ob->kind, sizeof ob->kind);
    ob->history_id = sqlite3_column_int64(st, 5);
    ob->created = sqlite3_column_int64(st, 6);
    ob->next_at = sqlite3_column_int64(st, 7);
    ob->sent_at = sqlite3_column_int64(st, 8);
    ob->attempts = sqlite3_column_int(st, 9);
    ob->status = sqlite3_column_int(st, 10);
    adb_col(st, 11, ob->last_error, sizeof ob->last_error);
}

int alerts_db_outbox_head(struct store *s, const char *notifier, struct adb_outbox *ob,
                          struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "SELECT " OB_COLS ",payload FROM outbox WHERE notifier = ? AND status IN (0,3)"
                 " ORDER BY id LIMIT 1", &st, e) < 0)
        return -1;
    adb_text(st, 1, notifier);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        read_ob(st, ob);
        const char *p = (const char *)sqlite3_column_text(st, 12);
        ob->payload = strdup(p ? p : "{}");
        found = ob->payload ? 1 : err_set(e, "out of memory reading the outbox");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading the outbox");
    return found;
}

int alerts_db_outbox_update(struct store *s, const struct adb_outbox *ob, struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "UPDATE outbox SET status=?, attempts=?, next_at=?, sent_at=?, last_error=?"
                 " WHERE id=?", &st, e) < 0)
        return -1;
    sqlite3_bind_int(st, 1, ob->status);
    sqlite3_bind_int(st, 2, ob->attempts);
    sqlite3_bind_int64(st, 3, ob->next_at);
    sqlite3_bind_int64(st, 4, ob->sent_at);
    adb_text(st, 5, ob->last_error);
    sqlite3_bind_int64(st, 6, ob->id);
    return adb_done(s, st, "updating the outbox", e);
}

int alerts_db_outbox_list(struct store *s, int status, int limit,
                          int (*cb)(void *, const struct adb_outbox *), void *ctx, struct err *e)
{
    if (!alerts_db_present(s))
        return 0;
    sqlite3_stmt *st;
    if (adb_prep(s, "SELECT " OB_COLS " FROM outbox WHERE ?1 < 0 OR status = ?1"
                 " ORDER BY id DESC LIMIT ?2", &st, e) < 0)
        return -1;
    sqlite3_bind_int(st, 1, status);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
    struct adb_outbox ob;
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_ob(st, &ob);
        n++;
        if (cb(ctx, &ob))
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, e, "listing the outbox");
    return n;
}

int alerts_db_outbox_counts(struct store *s, const char *notifier, int64_t n[4], struct err *e)
{
    memset(n, 0, 4 * sizeof n[0]);
    if (!alerts_db_present(s))
        return 0;
    sqlite3_stmt *st;
    if (adb_prep(s, "SELECT status, count(*) FROM outbox WHERE ?1 IS NULL OR notifier = ?1"
                 " GROUP BY status", &st, e) < 0)
        return -1;
    if (notifier)
        adb_text(st, 1, notifier);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int k = sqlite3_column_int(st, 0);
        if (k >= 0 && k < 4)
            n[k] = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "counting the outbox");
}

static void read_notifier(sqlite3_stmt *st, struct adb_notifier *n)
{
    memset(n, 0, sizeof *n);
    adb_col(st, 0, n->name, sizeof n->name);
    adb_col(st, 1, n->type, sizeof n->type);
    adb_col(st, 2, n->url_masked, sizeof n->url_masked);
    adb_col(st, 3, n->config_hash, sizeof n->config_hash);
    n->state = sqlite3_column_int(st, 4);
    adb_col(st, 5, n->reason, sizeof n->reason);
    n->next_at = sqlite3_column_int64(st, 6);
    n->last_ok = sqlite3_column_int64(st, 7);
    n->last_error_at = sqlite3_column_int64(st, 8);
    n->sent = sqlite3_column_int64(st, 9);
    n->failed = sqlite3_column_int64(st, 10);
    n->queued = sqlite3_column_int64(st, 11);
}

#define NT_SELECT "SELECT name,type,url_masked,config_hash,state,reason,next_at,last_ok," \
    "last_error_at,sent,failed,(SELECT count(*) FROM outbox o WHERE o.notifier = n.name" \
    " AND o.status IN (0,3)) FROM notifiers n"

int alerts_db_notifier_get(struct store *s, const char *name, struct adb_notifier *out,
                           struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, NT_SELECT " WHERE name = ?", &st, e) < 0)
        return -1;
    adb_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_notifier(st, out);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading a notifier");
    return rc == SQLITE_ROW;
}

int alerts_db_notifier_put(struct store *s, const struct adb_notifier *n, struct err *e)
{
    sqlite3_stmt *st;
    if (adb_prep(s, "INSERT OR REPLACE INTO notifiers(name,type,url_masked,config_hash,state,"
                 "reason,next_at,last_ok,last_error_at,sent,failed) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                 &st, e) < 0)
        return -1;
    const char *tv[] = {n->name, n->type, n->url_masked, n->config_hash};
    for (int i = 0; i < 4; i++)
        adb_text(st, 1 + i, tv[i]);
    sqlite3_bind_int(st, 5, n->state);
    adb_text(st, 6, n->reason);
    int64_t iv[] = {n->next_at, n->last_ok, n->last_error_at, n->sent, n->failed};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_int64(st, 7 + i, iv[i]);
    return adb_done(s, st, "saving a notifier's status", e);
}

int alerts_db_notifiers(struct store *s, int (*cb)(void *, const struct adb_notifier *),
                        void *ctx, struct err *e)
{
    if (!alerts_db_present(s))
        return 0;
    sqlite3_stmt *st;
    if (adb_prep(s, NT_SELECT " ORDER BY name", &st, e) < 0)
        return -1;
    struct adb_notifier n;
    int rc, cnt = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_notifier(st, &n);
        cnt++;
        if (cb(ctx, &n))
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, e, "listing notifiers");
    return cnt;
}
