/* test_notify: notification bodies (Slack blocks, webhook document, always
 * redacted) and the delivery bookkeeping without a server: a refused
 * connection backs off, an old message is marked failed (notify.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/alerts_db.h"
#include "src/alert/notice.h"
#include "src/notify/notify.h"
#include "src/base/ts.h"

static const struct alert_notice notice = {
    .rule = "api-error-rate", .grp = "/login", .kind = "firing", .severity = SEV_CRITICAL,
    .type = RULE_RATIO, .value = 0.073, .value_text = "7.3%", .threshold = "> 0.05",
    .window = 300000000, .count = 146, .ts = 1767225600000000LL, .started = 1767225600000000LL,
    .summary = "/login: 7.3% errors <b> & token=abc123secret",
    .sample = "auth failed for bob password=hunter2 Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.x",
    .query = "(service:api) (level>=error) path:\"/login\"",
    .win_since = 1767225300000000LL, .win_until = 1767225600000000LL, .dedupe = "k1",
};

static void test_slack(void **st)
{
    (void)st;
    char *body = notice_render(NOTIFIER_SLACK, &notice);
    assert_non_null(body);
    assert_null(strstr(body, "hunter2"));
    assert_null(strstr(body, "abc123secret"));
    assert_null(strstr(body, "eyJhbGci"));
    cJSON *j = cJSON_Parse(body);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "text")->valuestring,
                        "\xf0\x9f\x9a\xa8 CRITICAL: /login: 7.3% errors &lt;b&gt; &amp; token=[REDACTED]");
    cJSON *blocks = cJSON_GetObjectItem(j, "blocks");
    assert_int_equal(cJSON_GetArraySize(blocks), 3);
    cJSON *fields = cJSON_GetObjectItem(cJSON_GetArrayItem(blocks, 0), "fields");
    assert_string_equal(cJSON_GetArrayItem(fields, 2)->child->next->valuestring,
                        "*Value*\n7.3% (threshold &gt; 0.05)");
    assert_non_null(strstr(body, "&lt;b&gt; &amp;"));        /* mrkdwn escaped in blocks */
    const char *ctx = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(blocks, 2),
                                                             "elements"), 0)->child->next->valuestring;
    assert_string_equal(ctx, "`logdeck query '(service:api) (level&gt;=error) path:\"/login\" "
                             "since:2025-12-31T23:55:00.000000Z until:2026-01-01T00:00:00.000000Z'`");
    cJSON_Delete(j);
    free(body);
}

static void test_webhook(void **st)
{
    (void)st;
    char *body = notice_render(NOTIFIER_WEBHOOK, &notice);
    cJSON *j = cJSON_Parse(body);
    assert_non_null(j);
    assert_int_equal(cJSON_GetObjectItem(j, "version")->valueint, 1);
    assert_string_equal(cJSON_GetObjectItem(j, "status")->valuestring, "firing");
    assert_string_equal(cJSON_GetObjectItem(j, "group")->valuestring, "/login");
    assert_string_equal(cJSON_GetObjectItem(j, "window")->valuestring, "5m");
    assert_int_equal(cJSON_GetObjectItem(j, "count")->valueint, 146);
    assert_string_equal(cJSON_GetObjectItem(j, "sample")->valuestring,
                        "auth failed for bob password=[REDACTED] Bearer [REDACTED]");
    assert_string_equal(cJSON_GetObjectItem(j, "dedupe_key")->valuestring, "k1");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "description")));
    cJSON_Delete(j);
    free(body);
}

/* Issue 11, item 11: no mention, no link from a log line, in any mrkdwn
 * string of a Slack body (text, fields, sections, sample, context). */
static void test_slack_mentions(void **st)
{
    (void)st;
    static const char *const evil[] = {"<!channel>", "<!everyone>", "<!here>", "<@U123>",
                                       "<https://evil.example|click>", "<#C42>"};
    struct alert_notice n = notice;
    char sum[300], sample[400], grp[100], desc[100], q[200];
    snprintf(sum, sizeof sum, "s %s %s %s %s %s %s", evil[0], evil[1], evil[2], evil[3], evil[4],
             evil[5]);
    snprintf(sample, sizeof sample, "sample %s", sum);
    snprintf(grp, sizeof grp, "/x%s", evil[2]);
    snprintf(desc, sizeof desc, "d %s", evil[4]);
    snprintf(q, sizeof q, "path:\"%s\"", evil[0]);
    n.summary = sum, n.sample = sample, n.grp = grp, n.description = desc, n.query = q;
    n.rule = "r<!here>", n.value_text = "1<@U1>", n.threshold = "> 0 <!channel>";
    char *body = notice_render(NOTIFIER_SLACK, &n);
    assert_non_null(body);
    cJSON *j = cJSON_Parse(body);
    assert_non_null(j);
    char *flat = cJSON_PrintUnformatted(j);
    assert_null(strchr(flat, '<'));   /* not one '<' or '>' anywhere in the body */
    assert_null(strchr(flat, '>'));
    assert_non_null(strstr(cJSON_GetObjectItem(j, "text")->valuestring,
                           "s &lt;!channel&gt; &lt;!everyone&gt; &lt;!here&gt; &lt;@U123&gt; "
                           "&lt;https://evil.example|click&gt; &lt;#C42&gt;"));
    free(flat);
    cJSON_Delete(j);
    free(body);
}

/* Issue 11, item 12: one redaction pass over every string that goes out,
 * ids and keys included (the dedupe key, the rule, the group...). */
static void test_every_string_redacted(void **st)
{
    (void)st;
    const char *dsn = "postgres://app:hunter2@db/prod";
    struct alert_notice n = notice;
    n.rule = "rule password=hunter2", n.grp = dsn, n.summary = dsn, n.description = dsn;
    n.sample = "AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    n.query = "path:\"postgres://app:hunter2@db/prod\"", n.value_text = "token=hunter2";
    n.threshold = "> 1 secret=hunter2", n.dedupe = "r/token=hunter2/1/firing/2";
    for (int type = 0; type < 2; type++) {
        char *body = notice_render(type == 0 ? NOTIFIER_SLACK : NOTIFIER_WEBHOOK, &n);
        assert_non_null(body);
        assert_null(strstr(body, "hunter2"));
        assert_null(strstr(body, "wJalrXUtnFEMI"));
        assert_null(strstr(body, "AKIAIOSFODNN7"));
        assert_non_null(strstr(body, "postgres://app:[REDACTED]@db/prod"));
        free(body);
    }
}

static void queue_one(const char *db, int64_t created)
{
    struct err e = {0};
    struct store *s = store_open(db, STORE_WRITE, &e);
    assert_non_null(s);
    assert_int_equal(alerts_db_init(s, &e), 0);
    struct adb_outbox ob = {.created = created};
    strcpy(ob.notifier, "dead");
    strcpy(ob.kind, "firing");
    assert_true(alerts_db_outbox_add(s, &ob, "{}", &e) > 0);
    store_close(s);
}

static int64_t status_of(const char *db, struct adb_outbox *out)
{
    struct err e = {0};
    struct store *s = store_open(db, STORE_READ, &e);
    int64_t n[4];
    alerts_db_outbox_counts(s, "dead", n, &e);
    struct adb_notifier nt;
    assert_int_equal(alerts_db_notifier_get(s, "dead", &nt, &e), 1);
    if (out && alerts_db_outbox_head(s, "dead", out, &e) == 1)
        free(out->payload);
    store_close(s);
    return n[OB_FAILED] * 100 + n[OB_RETRYING] * 10 + nt.state;
}

static void test_backoff_then_fail(void **st)
{
    (void)st;
    char dir[] = "/tmp/test_notify.XXXXXX", db[128], cmd[160];
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/s.db", dir);
    const char *y = "notifiers:\n  dead: {type: webhook, url: 'http://127.0.0.1:1/x', "
                    "backoff: 10s, max_age: 1h}\n";
    struct err e = {0};
    struct ruleset *rs = rules_parse(y, strlen(y), "n.yaml", &e);
    int64_t now = ts_now();
    queue_one(db, now);
    struct notify *n = notify_new(db, rs, NULL, &e);
    assert_non_null(n);
    assert_int_equal(notify_pass(n, now, &e), 1);
    struct adb_outbox ob;
    assert_int_equal(status_of(db, &ob), 10 + NS_RETRYING);     /* retrying, not failed */
    assert_int_equal(ob.attempts, 1);
    assert_true(ob.next_at >= now + 5000000 && ob.next_at <= ts_now() + 10000000);
    assert_non_null(strstr(ob.last_error, "onnect"));
    assert_int_equal(notify_pass(n, ts_now(), &e), 0);          /* backing off */
    notify_free(n);
    rules_free(rs);
    /* Older than max_age: marked failed at the next attempt. */
    y = "notifiers:\n  dead: {type: webhook, url: 'http://127.0.0.1:1/x', max_age: 1s}\n";
    rs = rules_parse(y, strlen(y), "n.yaml", &e);
    queue_one(db, now - 5000000);
    n = notify_new(db, rs, NULL, &e);
    assert_int_equal(notify_pass(n, now + 20000000, &e), 1);    /* the first, due again */
    assert_int_equal(notify_pass(n, now + 40000000, &e), 1);
    assert_int_equal(status_of(db, NULL) / 100, 2);
    notify_free(n);
    rules_free(rs);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void queue_for(const char *db, const char *notifier)
{
    struct err e = {0};
    struct store *s = store_open(db, STORE_WRITE, &e);
    assert_non_null(s);
    assert_int_equal(alerts_db_init(s, &e), 0);
    struct adb_outbox ob = {.created = ts_now()};
    strcpy(ob.notifier, notifier);
    strcpy(ob.kind, "firing");
    assert_true(alerts_db_outbox_add(s, &ob, "{}", &e) > 0);
    store_close(s);
}

/* Attempts made on notifier's oldest queued message (-1: none queued). */
static int attempts_of(const char *db, const char *notifier)
{
    struct err e = {0};
    struct store *s = store_open(db, STORE_READ, &e);
    struct adb_outbox ob;
    int a = alerts_db_outbox_head(s, notifier, &ob, &e) == 1 ? ob.attempts : -1;
    if (a >= 0)
        free(ob.payload);
    store_close(s);
    return a;
}

static void exec_sql(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

/* A reload that fails (here: the store refuses the new rows) changes
 * nothing: the old notifiers keep delivering, the new ones do not exist. */
static void test_reload_all_or_nothing(void **st)
{
    (void)st;
    char dir[] = "/tmp/test_notify.XXXXXX", db[128], cmd[160];
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/s.db", dir);
    const char *y1 = "notifiers:\n  a: {type: webhook, url: 'http://127.0.0.1:1/a'}\n";
    const char *y2 = "notifiers:\n  b: {type: webhook, url: 'http://127.0.0.1:1/b'}\n"
                     "  c: {type: webhook, url: 'http://127.0.0.1:1/c'}\n";
    struct err e = {0};
    struct ruleset *rs1 = rules_parse(y1, strlen(y1), "1.yaml", &e);
    struct ruleset *rs2 = rules_parse(y2, strlen(y2), "2.yaml", &e);
    assert_non_null(rs1);
    assert_non_null(rs2);
    queue_for(db, "a");
    struct notify *n = notify_new(db, rs1, NULL, &e);
    assert_non_null(n);
    exec_sql(db, "DROP TABLE notifiers");
    assert_int_equal(notify_reload(n, rs2, &e), -1);
    assert_non_null(strstr(e.msg, "notifier"));
    exec_sql(db, "CREATE TABLE notifiers(name TEXT PRIMARY KEY, type TEXT, url_masked TEXT,"
                 " config_hash TEXT, state INTEGER NOT NULL DEFAULT 0, reason TEXT, next_at INTEGER,"
                 " last_ok INTEGER, last_error_at INTEGER, sent INTEGER NOT NULL DEFAULT 0,"
                 " failed INTEGER NOT NULL DEFAULT 0);"
                 "INSERT INTO notifiers(name, state) VALUES('a', 0), ('b', 0), ('c', 0)");
    queue_for(db, "b");
    queue_for(db, "c");
    assert_int_equal(notify_pass(n, ts_now(), &e), 1);
    assert_int_equal(attempts_of(db, "a"), 1);   /* the old set delivers */
    assert_int_equal(attempts_of(db, "b"), 0);   /* nothing of the new one */
    assert_int_equal(attempts_of(db, "c"), 0);
    /* The same reload, once the store accepts it, takes effect whole. */
    e.msg[0] = '\0';
    assert_int_equal(notify_reload(n, rs2, &e), 0);
    assert_int_equal(notify_pass(n, ts_now(), &e), 2);
    assert_int_equal(attempts_of(db, "a"), 1);
    assert_int_equal(attempts_of(db, "b"), 1);
    assert_int_equal(attempts_of(db, "c"), 1);
    notify_free(n);
    rules_free(rs1);
    rules_free(rs2);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slack), cmocka_unit_test(test_webhook),
        cmocka_unit_test(test_slack_mentions), cmocka_unit_test(test_every_string_redacted),
        cmocka_unit_test(test_backoff_then_fail), cmocka_unit_test(test_reload_all_or_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
