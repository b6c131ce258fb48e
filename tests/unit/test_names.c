/* test_names: service, logger and path stored as ids (db/names.h).
 * - Rows read back with their names, and queries on them exact, in a new
 *   store; the ids are BLOBs and the names stored once.
 * - A rolled-back batch gives its new names' ids again: the writer's map
 *   and ld_name's cache (filled inside the batch) forget them, so a row of
 *   the next batch shows its own name, not the rolled-back one.
 * - Past NAMES_MAX distinct names, a name is kept as text, and reads and
 *   queries do not tell the difference.
 * - A v8 store (names as text, no names table) is read as it is, and a
 *   writer brings it to v9: old rows keep their text, new ones get ids,
 *   and both are found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/exec.h"
#include "db/names.h"
#include "db/store.h"
#include "src/query/query.h"
#include "tests/unit/store_count.h"
#include "tests/unit/store_tmp.h"

#define T0 1700000000000000LL

static char dbpath[256];
static int64_t file_id;
static int nrec;

static struct store *open_w(void)
{
    return store_tmp_open(dbpath, STORE_WRITE);
}

static void add(struct store *s, const char *svc, const char *logger, const char *path)
{
    struct err e = {0};
    char raw[256];
    int n = snprintf(raw, sizeof raw, "{\"service\": \"%s\", \"logger\": \"%s\", \"path\": \"%s\","
                     " \"i\": %d}", svc ? svc : "", logger ? logger : "", path ? path : "", nrec);
    struct record r = {.ts = T0 + (int64_t)nrec * 1000, .level = LVL_INFO, .format = FMT_JSON,
                       .service = svc, .logger = logger, .path = path, .msg = "m", .msg_len = 1,
                       .raw = raw, .raw_len = (size_t)n, .nlines = 1};
    nrec++;
    if (store_add(s, file_id, &r, &e) < 0)
        fail_msg("store_add: %s", e.msg);
}

static void begin_file(struct store *s)
{
    struct err e = {0};
    struct store_file sf = {0};
    snprintf(sf.path, sizeof sf.path, "/logs/n.jsonl");
    assert_int_equal(store_begin(s, &e), 0);
    if (!file_id) {
        assert_int_equal(store_file_put(s, &sf, &e), 0);
        file_id = sf.id;
    }
}

static void commit(struct store *s)
{
    struct err e = {0};
    if (store_commit(s, &e) < 0)
        fail_msg("commit: %s", e.msg);
}

static int count_of(struct store *s, const char *q)
{
    return (int)store_count_at(s, q, T0 + 3600000000LL);
}

/* The service|logger|path of the rows of q, newest first, one per line. */
struct rows {
    char out[4096];
    size_t len;
};

static int take(void *ctx, const struct store_row *row)
{
    struct rows *r = ctx;
    int n = snprintf(r->out + r->len, sizeof r->out - r->len, "%s|%s|%s\n",
                     row->rec.service ? row->rec.service : "-",
                     row->rec.logger ? row->rec.logger : "-", row->rec.path ? row->rec.path : "-");
    if (n > 0 && (size_t)n < sizeof r->out - r->len)
        r->len += (size_t)n;
    return 0;
}

static const char *rows_of(struct store *s, const char *q, struct rows *r)
{
    struct err e = {0};
    struct plan *p = query_compile(q, T0 + 3600000000LL, NULL, &e);
    if (!p)
        fail_msg("[%s]: %s", q, e.msg);
    struct store_page pg = {0};
    r->len = 0;
    r->out[0] = '\0';
    if (store_query(s, p, &pg, take, r, &e) < 0)
        fail_msg("[%s]: %s", q, e.msg);
    query_free(p);
    return r->out;
}

static int64_t sql_int(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static int setup(void **st)
{
    (void)st;
    snprintf(dbpath, sizeof dbpath, "/tmp/test_names.%d.db", (int)getpid());
    store_tmp_remove(dbpath);
    file_id = 0;
    nrec = 0;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    store_tmp_remove(dbpath);
    return 0;
}

static void test_ids_and_reads(void **st)
{
    (void)st;
    struct store *s = open_w();
    begin_file(s);
    for (int i = 0; i < 30; i++)
        add(s, i % 3 ? "tts-api" : "gateway", "api.request", i % 2 ? "/api/v1/tts" : NULL);
    add(s, NULL, "app.jobs", "");
    commit(s);
    struct rows r;
    assert_int_equal(count_of(s, "service:tts-api"), 20);
    assert_int_equal(count_of(s, "service:gateway"), 10);
    assert_int_equal(count_of(s, "logger:api.request"), 30);
    assert_int_equal(count_of(s, "path:/api/v1/tts"), 15);
    assert_int_equal(count_of(s, "service:app.jobs"), 1);   /* the naming rule: its logger */
    assert_string_equal(rows_of(s, "i<=2 OR i:30", &r),
                        "-|app.jobs|\ntts-api|api.request|-\ntts-api|api.request|/api/v1/tts\n"
                        "gateway|api.request|-\n");
    store_close(s);
    assert_int_equal(sql_int("SELECT count(*) FROM names"), 5);
    assert_int_equal(sql_int("SELECT count(*) FROM records WHERE typeof(service) = 'blob'"), 30);
    assert_int_equal(sql_int("SELECT count(*) FROM records WHERE typeof(path) = 'blob'"), 15);
    assert_int_equal(sql_int("SELECT max(length(service)) FROM records"), 1);
    assert_int_equal(sql_int("PRAGMA user_version"), 9);
}

static void test_rollback_gives_ids_again(void **st)
{
    (void)st;
    struct store *s = open_w();
    struct rows r;
    begin_file(s);
    add(s, "alpha", "l1", "/a");
    commit(s);
    begin_file(s);
    add(s, "beta", "l1", "/b");
    /* read inside the batch: ld_name caches beta's and /b's ids */
    assert_string_equal(rows_of(s, "service:beta", &r), "beta|l1|/b\n");
    store_rollback(s);
    begin_file(s);
    add(s, "gamma", "l1", "/c");
    commit(s);
    assert_string_equal(rows_of(s, "service:gamma", &r), "gamma|l1|/c\n");
    assert_int_equal(count_of(s, "service:beta"), 0);
    assert_int_equal(count_of(s, "path:/b"), 0);
    assert_int_equal(count_of(s, "path:/c"), 1);
    store_close(s);
    /* gamma took beta's id: ids stay dense */
    assert_int_equal(sql_int("SELECT max(id) FROM names"), 5);
    assert_int_equal(sql_int("SELECT id FROM names WHERE v = 'gamma'"), 4);
    struct err e = {0};
    s = store_open(dbpath, STORE_READ, &e);
    assert_non_null(s);
    assert_string_equal(rows_of(s, "", &r), "gamma|l1|/c\nalpha|l1|/a\n");
    store_close(s);
}

static void test_past_max_as_text(void **st)
{
    (void)st;
    struct store *s = open_w();
    begin_file(s);
    char path[64];
    for (int i = 0; i < NAMES_MAX + 5; i++) {
        snprintf(path, sizeof path, "/p/%d", i);
        add(s, "svc", NULL, path);
    }
    commit(s);
    struct rows r;
    assert_int_equal(count_of(s, "path:/p/7"), 1);
    assert_int_equal(count_of(s, "path:/p/65538"), 1);
    assert_int_equal(count_of(s, "path:/p/6553*"), 11);
    assert_string_equal(rows_of(s, "path:/p/65538 OR path:/p/3", &r), "svc|-|/p/65538\nsvc|-|/p/3\n");
    store_close(s);
    /* svc and the first NAMES_MAX - 1 paths have ids; the rest is text */
    assert_int_equal(sql_int("SELECT count(*) FROM names"), NAMES_MAX);
    assert_int_equal(sql_int("SELECT count(*) FROM records WHERE typeof(path) = 'text'"), 6);
}

static void test_v8_store(void **st)
{
    (void)st;
    struct store *s = open_w();
    begin_file(s);
    add(s, "old-svc", "old.log", "/old");
    add(s, "old-svc", NULL, NULL);
    commit(s);
    store_close(s);
    /* back to v8: the names as text (ids < 128: one byte), no names table */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE records SET"
                                  " service = (SELECT v FROM names WHERE printf('%02X', id) = hex(service)),"
                                  " logger = (SELECT v FROM names WHERE printf('%02X', id) = hex(logger)),"
                                  " path = (SELECT v FROM names WHERE printf('%02X', id) = hex(path));"
                                  "DROP TABLE names; PRAGMA user_version = 8;",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(sql_int("SELECT count(*) FROM records WHERE typeof(service) = 'text'"), 2);
    struct err e = {0};
    struct rows r;
    s = store_open(dbpath, STORE_READ, &e);
    if (!s)
        fail_msg("%s", e.msg);
    assert_string_equal(rows_of(s, "", &r), "old-svc|-|-\nold-svc|old.log|/old\n");
    assert_int_equal(count_of(s, "service:old-svc"), 2);
    store_close(s);
    assert_int_equal(sql_int("PRAGMA user_version"), 8);
    s = open_w();
    begin_file(s);
    add(s, "old-svc", "new.log", "/old");
    commit(s);
    assert_int_equal(count_of(s, "service:old-svc"), 3);
    assert_int_equal(count_of(s, "path:/old"), 2);
    assert_string_equal(rows_of(s, "", &r), "old-svc|new.log|/old\nold-svc|-|-\nold-svc|old.log|/old\n");
    store_close(s);
    assert_int_equal(sql_int("PRAGMA user_version"), 9);
    assert_int_equal(sql_int("SELECT count(*) FROM names"), 3);
    assert_int_equal(sql_int("SELECT count(*) FROM records WHERE typeof(service) = 'blob'"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ids_and_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_gives_ids_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_past_max_as_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v8_store, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
