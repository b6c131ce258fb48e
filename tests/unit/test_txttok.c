/* test_txttok: the text index's tokenizer (ldrec, db/txt_tok.c).
 * - A prepared document (txt_doc_prepare, made on the parsing thread) gives
 *   the index the same tokens as its document of slots: the same blocks
 *   written both ways, in the same order (with an earlier, shorter version
 *   of a block deleted first, as a batch's commit does), leave byte-equal
 *   FTS5 tables and the same posting lists.
 * - ldrec splits ASCII text without unicode61 (its own fold table): the
 *   words it gives a one-record document are unicode61's, for every ASCII
 *   byte, and unicode61 still reads text holding other bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/txt.h"
#include "tests/unit/sql_dump.h"

static uint64_t rng = 88172645463325252ull;

static unsigned next(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* Record i's raw text: seed-shaped JSON and Python lines, tracebacks,
 * escapes, non-ASCII words, and random ASCII (every byte but NUL). */
static size_t raw_of(int i, char *out, size_t cap)
{
    static const char *const shapes[] = {
        "{\"timestamp\": \"2026-01-0%dT10:00:00Z\", \"level\": \"INFO\", \"event\": \"request_done\","
        " \"path\": \"/api/v1/tts\", \"status_code\": %d, \"duration_ms\": 12.5}",
        "2026-01-01 10:00:0%d - app.tts - ERROR - generate_content failed (%d)\nTraceback (most "
        "recent call last):\n  File \"x.py\", line 3, in <module>\ngoogle.api_core.exceptions."
        "ResourceExhausted: 429",
        "{\"@timestamp\":\"2026-01-01T10:00:0%dZ\",\"log.level\":\"warn\",\"message\":\"\\u001b[31m"
        "red\\u001b[0m %d\",\"trace.correlation_id\":\"abc\"}",
        "\x1b[1mbold\x1b[0m %d caf\xc3\xa9 na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac %d",
        "metric cpu_load=0.%d host=web-%d",
    };
    int k = i % 7;
    if (k < 5)
        return (size_t)snprintf(out, cap, shapes[k], i % 9, i);
    size_t n = 20 + next(200);
    for (size_t j = 0; j < n && j + 1 < cap; j++)
        out[j] = (char)(1 + next(127));
    return n;
}

/* A document of n slots starting at record first. */
static void doc_of(struct txt_doc *d, int first, int n)
{
    d->len = 0;
    d->slots = 0;
    for (int i = first; i < first + n; i++) {
        char raw[600], cid[64], msg[64];
        size_t rn = raw_of(i, raw, 512);
        int cn = i % 3 ? snprintf(cid, sizeof cid, "3f2a9c1e-%04x-Req_%d", i, i % 11) : 0;
        if (cn && i % 2 == 0)   /* the cid in the text, as a parser finds it */
            rn += (size_t)snprintf(raw + rn, sizeof raw - rn, " req=%s", cid);
        int mn = i % 5 == 0 ? snprintf(msg, sizeof msg, "kept_apart message %d", i % 13) : 0;
        assert_int_equal(txt_doc_add(d, raw, rn, cid, (size_t)cn, msg, (size_t)mn), 0);
    }
}

static void step(sqlite3 *db, const char *sql, int64_t id, const struct txt_doc *d)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_blob(st, 2, d->s, (int)d->len, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

static int one_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static sqlite3 *open_db(struct store *s)
{
    struct err e = {0};
    memset(s, 0, sizeof *s);
    s->mode = STORE_WRITE;
    assert_int_equal(sqlite3_open(":memory:", &s->db), SQLITE_OK);
    assert_int_equal(txt_register(s, &e), 0);
    return s->db;
}

/* cid_words: the tables and the writer's tokenizer index a cid as its
 * words ('ldrec cidwords', new stores) or as one token ('ldrec', stores
 * made before). */
static void prepared_same_index(int cid_words)
{
    struct store s;
    sqlite3 *db = open_db(&s);
    char ddl[1024];
    const char *tk = cid_words ? "ldrec cidwords" : "ldrec";
    snprintf(ddl, sizeof ddl,
             "CREATE VIRTUAL TABLE a USING fts5(body, content='', detail=full,"
             " columnsize=0, tokenize='%s');"
             "CREATE VIRTUAL TABLE b USING fts5(body, content='', detail=full,"
             " columnsize=0, tokenize='%s');"
             "CREATE VIRTUAL TABLE va USING fts5vocab(a, instance);"
             "CREATE VIRTUAL TABLE vb USING fts5vocab(b, instance);", tk, tk);
    assert_int_equal(sqlite3_exec(db, ddl, NULL, NULL, NULL), SQLITE_OK);
    struct txt_tok *tok = txt_tok_new(db, cid_words);
    assert_non_null(tok);
    struct txt_doc d = {0}, p = {0}, old = {0}, oldp = {0};
    for (int blk = 0; blk < 40; blk++) {
        int64_t id = 1 + (int64_t)blk * TXT_SLOTS;
        int n = blk % 4 == 3 ? 1 + blk : TXT_SLOTS;   /* full blocks: complement terms */
        if (blk % 5 == 1) {   /* written short first, then removed and written whole */
            doc_of(&old, (int)id, n / 3 + 1);
            assert_int_equal(txt_doc_prepare(tok, &old, &oldp), 0);
            step(db, "INSERT INTO a(rowid, body) VALUES(?, ?)", id, &old);
            step(db, "INSERT INTO b(rowid, body) VALUES(?, ?)", id, &oldp);
            step(db, "INSERT INTO a(a, rowid, body) VALUES('delete', ?, ?)", id, &old);
            step(db, "INSERT INTO b(b, rowid, body) VALUES('delete', ?, ?)", id, &oldp);
        }
        doc_of(&d, (int)id, n);
        assert_int_equal(txt_doc_prepare(tok, &d, &p), 0);
        assert_int_equal(p.slots, d.slots);
        step(db, "INSERT INTO a(rowid, body) VALUES(?, ?)", id, &d);
        step(db, "INSERT INTO b(rowid, body) VALUES(?, ?)", id, &p);
    }
    char *x = sql_dump(db, "SELECT term, doc, offset FROM va ORDER BY term, doc, offset"),
         *y = sql_dump(db, "SELECT term, doc, offset FROM vb ORDER BY term, doc, offset");
    assert_true(strlen(x) > 100000);
    assert_string_equal(x, y);
    free(x);
    free(y);
    /* the cids "3f2a9c1e-%04x-Req_%d" (records i % 3 != 0), in the text of
     * the even records: a token each, or ('cidwords') only for the records
     * whose text lacks the cid's words; "0002" only in record 2's text and
     * cid, "0001" only in record 1's cid */
    int with_cid = 0, odd = 0;
    for (int blk = 0; blk < 40; blk++)
        for (int i = 1 + blk * TXT_SLOTS, k = 0; k < (blk % 4 == 3 ? 1 + blk : TXT_SLOTS); k++) {
            with_cid += (i + k) % 3 != 0;
            odd += (i + k) % 3 != 0 && (i + k) % 2;
        }
    assert_true(odd > 1000 && with_cid > odd + 1000);
    assert_int_equal(one_int(db, "SELECT count(*) FROM va WHERE term GLOB 'cid3f2a9c1e*'"),
                     cid_words ? odd : with_cid);
    assert_int_equal(one_int(db, "SELECT count(*) FROM va WHERE term = 'cid3f2a9c1e0002req2'"),
                     !cid_words);
    assert_int_equal(one_int(db, "SELECT count(*) FROM va WHERE term = 'cid3f2a9c1e0001req1'"), 1);
    assert_int_equal(one_int(db, "SELECT count(*) FROM va WHERE term = '0002' AND doc = 1"
                             " AND offset = 1"), 1);
    assert_int_equal(one_int(db, "SELECT count(*) FROM va WHERE term = '0001'"), 0);
    x = sql_dump(db, "SELECT id, block FROM a_data ORDER BY id");
    y = sql_dump(db, "SELECT id, block FROM b_data ORDER BY id");
    assert_string_equal(x, y);
    free(x);
    free(y);
    /* a prepared document cut short is refused, not indexed in part */
    p.len -= 1;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO b(rowid, body) VALUES(9999, ?)", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_blob(st, 1, p.s, (int)p.len, SQLITE_STATIC);
    assert_int_not_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    free(d.s);
    free(p.s);
    free(old.s);
    free(oldp.s);
    txt_tok_free(tok);
    sqlite3_close(db);
}

static void test_prepared_same_index(void **state)
{
    (void)state;
    prepared_same_index(1);
}

static void test_prepared_same_index_cid_token(void **state)
{
    (void)state;
    prepared_same_index(0);
}

static void test_ascii_as_unicode61(void **state)
{
    (void)state;
    struct store s;
    sqlite3 *db = open_db(&s);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE VIRTUAL TABLE u USING fts5(body);"
                                  "CREATE VIRTUAL TABLE r USING fts5(body, content='', detail=full,"
                                  " columnsize=0, tokenize='ldrec');"
                                  "CREATE VIRTUAL TABLE vu USING fts5vocab(u, row);"
                                  "CREATE VIRTUAL TABLE vr USING fts5vocab(r, row);",
                                  NULL, NULL, NULL), SQLITE_OK);
    struct txt_doc d = {0};
    sqlite3_stmt *su = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO u(rowid, body) VALUES(?, ?)", -1, &su,
                                        NULL), SQLITE_OK);
    for (int i = 1; i <= 3000; i++) {
        char raw[512];
        size_t rn;
        if (i <= 127) {   /* each byte between two words */
            rn = (size_t)snprintf(raw, sizeof raw, "Ab%c9z", i);
        } else {
            rn = raw_of(i, raw, sizeof raw);
        }
        if (memchr(raw, 0x1b, rn) || memmem(raw, rn, "\\u001", 5))
            continue;   /* terminal escapes are spaces to ldrec (fv_words_text) */
        for (size_t k = 0; k < rn; k++)   /* '_' makes runs, which unicode61 has not */
            raw[k] = raw[k] == '_' ? '-' : raw[k];
        sqlite3_bind_int(su, 1, i);
        sqlite3_bind_text(su, 2, raw, (int)rn, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(su), SQLITE_DONE);
        sqlite3_reset(su);
        d.len = 0;
        d.slots = 0;
        assert_int_equal(txt_doc_add(&d, raw, rn, "", 0, "", 0), 0);
        step(db, "INSERT INTO r(rowid, body) VALUES(?, ?)", i, &d);
    }
    sqlite3_finalize(su);
    /* ldrec's own terms start with a byte below 6 (filler, complements) */
    char *x = sql_dump(db, "SELECT term, doc FROM vu ORDER BY term"),
         *y = sql_dump(db, "SELECT term, doc FROM vr WHERE substr(term, 1, 1) >= ' ' ORDER BY term");
    assert_true(strlen(x) > 10000);
    assert_string_equal(x, y);
    free(x);
    free(y);
    free(d.s);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepared_same_index),
        cmocka_unit_test(test_prepared_same_index_cid_token),
        cmocka_unit_test(test_ascii_as_unicode61),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
