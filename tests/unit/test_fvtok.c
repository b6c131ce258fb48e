/* test_fvtok: rec_fv's own tokenizer (ldfv, db/fv.c) splits field tokens
 * exactly as unicode61 did (stores made before it keep unicode61): the
 * same documents in two FTS5 tables, one per tokenizer, give the same
 * vocabulary and document counts, and the same answers to token and
 * prefix queries, for tokens fv_token() spells from awkward values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/fv.h"
#include "tests/unit/sql_dump.h"
#include "db/store_int.h"

static char *doc_of(int i)
{
    static const char *const vals[] = {"POST", "/api/v1/tts", "Cu_7", "a b\tc", "é ü \xff",
                                       "", "x", "QQZZqz", "10.0.1.213", "-1.5e3"};
    static const char *const paths[] = {"method", "url.path", "customer_id", "Tags", "ünï"};
    static char doc[4096];
    size_t n = 0;
    for (int k = 0; k < 4; k++) {
        const char *p = paths[(i + k) % 5], *v = vals[(i * 7 + k) % 10];
        char tok[1024];
        fv_token(tok, k & 1 ? FV_NUM : FV_STR, p, strlen(p), v, strlen(v), 0, NULL);
        n += (size_t)snprintf(doc + n, sizeof doc - n, "%s%s", n ? " " : "", tok);
    }
    return doc;
}

static void fill(sqlite3 *db, const char *table)
{
    char sql[256];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "INSERT INTO %s(rowid, tok) VALUES(?, ?)", table);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    for (int i = 1; i <= 300; i++) {
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_text(st, 2, doc_of(i), -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

static void test_same_as_unicode61(void **state)
{
    (void)state;
    struct store s = {0};
    struct err e = {0};
    assert_int_equal(sqlite3_open(":memory:", &s.db), SQLITE_OK);
    assert_int_equal(fv_register(&s, &e), 0);
    assert_int_equal(sqlite3_exec(s.db,
                                  "CREATE VIRTUAL TABLE a USING fts5(tok, content='', detail=none,"
                                  " columnsize=0);"
                                  "CREATE VIRTUAL TABLE b USING fts5(tok, content='', detail=none,"
                                  " columnsize=0, tokenize=ldfv);"
                                  "CREATE VIRTUAL TABLE va USING fts5vocab(a, row);"
                                  "CREATE VIRTUAL TABLE vb USING fts5vocab(b, row);",
                                  NULL, NULL, NULL), SQLITE_OK);
    fill(s.db, "a");
    fill(s.db, "b");
    char *x = sql_dump(s.db, "SELECT term, doc FROM va ORDER BY term"),
         *y = sql_dump(s.db, "SELECT term, doc FROM vb ORDER BY term");
    assert_true(strlen(x) > 100);
    assert_string_equal(x, y);
    free(x);
    free(y);
    char tok[1024], q[1200];
    fv_token(tok, FV_STR, "method", 6, "POST", 4, 0, NULL);
    const char *const match[] = {"\"%s\"", "\"%.6s\"*", "\"%s\" OR \"zz\"", "\"SQX\"*"};
    for (size_t i = 0; i < sizeof match / sizeof match[0]; i++) {
        char sa[1400], sb[1400];
        snprintf(q, sizeof q, match[i], tok);
        snprintf(sa, sizeof sa, "SELECT rowid FROM a WHERE a MATCH '%s' ORDER BY rowid", q);
        snprintf(sb, sizeof sb, "SELECT rowid FROM b WHERE b MATCH '%s' ORDER BY rowid", q);
        x = sql_dump(s.db, sa);
        y = sql_dump(s.db, sb);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    sqlite3_close(s.db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_same_as_unicode61)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
