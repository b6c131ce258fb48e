/* test_idts: the time range of each group of record ids (db/idts.h) and
 * the pages read by groups (db/exec_page.c's LIST): the table holds exactly
 * each group's [min ts, max ts] after batches and a rollback, an older
 * store gets it at its first writer open, records past 'idts_upto' (as an
 * older logdeck writes them) are read as of no known range, and pages by
 * groups equal the truth computed here, row by row, in both orders, with
 * cursors and time bounds, while reading the ts of few listed records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/exec.h"
#include "db/exec_int.h"
#include "db/idts.h"
#include "src/query/query.h"
#include "store_tmp.h"

#define N 6000
#define T0 1700000000000000LL
#define CHUNK 700   /* records of one chunk: ascending times, chunks newest first */

struct trec {
    int64_t id, ts;
    int word;   /* holds the word "needle" */
};
static struct trec recs[N];
static char dbpath[256];
static const struct tzspec utc = {.fixed = 1, .offset_s = 0};

/* Tail-first order: chunk c (of CHUNK records) is older than chunk c - 1;
 * inside a chunk times ascend and pairs share a ts. One record in 9 holds
 * the word. */
static int64_t ts_of(int i)
{
    int c = i / CHUNK, k = i % CHUNK;
    return T0 + (int64_t)(N / CHUNK + 1 - c) * CHUNK * 1000000 + (int64_t)(k / 2) * 1000000;
}

static void add(struct store *s, int64_t fid, int i)
{
    struct err e = {0};
    char raw[64];
    recs[i].ts = ts_of(i);
    recs[i].word = i % 9 == 4;
    snprintf(raw, sizeof raw, "record %d %s", i, recs[i].word ? "needle" : "hay");
    struct record r = {.ts = recs[i].ts, .level = LVL_INFO, .format = FMT_PYTHON,
                       .service = "api", .msg = raw, .msg_len = strlen(raw), .raw = raw,
                       .raw_len = strlen(raw), .offset = i * 64, .nlines = 1};
    assert_int_equal(store_add(s, fid, &r, &e), 0);
    recs[i].id = i + 1;
}

static struct store *open_rw(void)
{
    return store_tmp_open(dbpath, STORE_WRITE);
}

static int setup(void **st)
{
    (void)st;
    struct err e = {0};
    snprintf(dbpath, sizeof dbpath, "/tmp/test_idts.%d.db", (int)getpid());
    unlink(dbpath);
    struct store *s = open_rw();
    struct store_file sf = {0};
    snprintf(sf.path, sizeof sf.path, "/logs/app.log");
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_file_put(s, &sf, &e), 0);
    for (int i = 0; i < N / 2; i++)
        add(s, sf.id, i);
    assert_int_equal(store_commit(s, &e), 0);
    /* a rolled-back batch leaves no range behind */
    assert_int_equal(store_begin(s, &e), 0);
    for (int i = N / 2; i < N / 2 + 50; i++)
        add(s, sf.id, i);
    store_rollback(s);
    store_close(s);
    s = open_rw();   /* ids go on after the rolled-back ones' */
    assert_int_equal(store_begin(s, &e), 0);
    for (int i = N / 2; i < N; i++)
        add(s, sf.id, i);
    assert_int_equal(store_commit(s, &e), 0);
    store_close(s);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    store_tmp_remove(dbpath);
    return 0;
}

static int64_t one(struct store *s, const char *sql)
{
    return store_pragma_int(s, sql);
}

/* The table equals the groups' ranges computed from the records. */
static void check_table(struct store *s)
{
    assert_int_equal(one(s, "SELECT count(*) FROM idts"),
                     one(s, "SELECT count(DISTINCT id >> 10) FROM records"));
    assert_int_equal(one(s, "SELECT count(*) FROM idts i JOIN (SELECT id >> 10 g, min(ts) lo,"
                            " max(ts) hi FROM records GROUP BY 1) r"
                            " ON r.g = i.g AND r.lo = i.lo AND r.hi = i.hi"),
                     one(s, "SELECT count(*) FROM idts"));
    assert_int_equal(one(s, "SELECT value FROM meta WHERE key = 'idts_upto'"),
                     one(s, "SELECT max(id) + 1 FROM records"));
}

static void test_table(void **st)
{
    (void)st;
    struct store *s = open_rw();
    assert_int_equal(one(s, "SELECT count(*) FROM records"), N);
    check_table(s);
    store_close(s);
}

struct collect {
    int64_t ids[N];
    int n;
    int64_t last_ts, last_id;
};

static int collect_row(void *ctx, const struct store_row *row)
{
    struct collect *c = ctx;
    if (c->n < N)
        c->ids[c->n++] = row->id;
    c->last_ts = row->rec.ts;
    c->last_id = row->id;
    return 0;
}

static int cmp_new(const void *a, const void *b)
{
    const struct trec *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? 1 : -1;
    return x->id < y->id ? 1 : -1;
}

/* The pages of 7 rows of q (records with the word, ts in [lo, hi]) by
 * groups, against the truth, in both orders; the ts read per page. */
static void check_pages(struct store *s, const char *q, int64_t lo, int64_t hi, int64_t most)
{
    static struct trec want[N];
    int k = 0;
    for (int i = 0; i < N; i++)
        if (recs[i].word && recs[i].ts >= lo && recs[i].ts <= hi)
            want[k++] = recs[i];
    qsort(want, (size_t)k, sizeof want[0], cmp_new);
    struct err e = {0};
    struct plan *p = query_compile(q, T0 + 86400000000LL, &utc, &e);
    if (!p)
        fail_msg("%s", e.msg);
    for (int oldest = 0; oldest < 2; oldest++) {
        struct store_page pg = {.limit = 7, .oldest_first = oldest};
        int seen = 0;
        for (;;) {
            struct collect c = {0};
            int64_t before = s->exec->ts_reads;
            int got = store_query(s, p, &pg, collect_row, &c, &e);
            if (got < 0)
                fail_msg("[%s] %s", q, e.msg);
            for (int i = 0; i < got; i++, seen++)
                if (c.ids[i] != want[oldest ? k - 1 - seen : seen].id)
                    fail_msg("[%s] oldest %d: row %d is %lld, want %lld", q, oldest, seen,
                             (long long)c.ids[i],
                             (long long)want[oldest ? k - 1 - seen : seen].id);
            /* a page opens the groups reaching its rows, not all 6 */
            if (getenv("LDX_D"))
                fprintf(stderr, "page: %lld reads\n", (long long)(s->exec->ts_reads - before));
            if (s->exec->ts_reads - before > most)
                fail_msg("[%s] oldest %d: %lld ts read for a page of %d (of %d listed)", q,
                         oldest, (long long)(s->exec->ts_reads - before), got, k);
            if (got < 7)
                break;
            pg.has_cursor = 1;
            pg.cursor_ts = c.last_ts;
            pg.cursor_id = c.last_id;
        }
        if (seen != k)
            fail_msg("[%s] oldest %d: %d rows, want %d", q, oldest, seen, k);
    }
    query_free(p);
}

static void test_pages(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *s = store_open(dbpath, STORE_READ, &e);
    if (!s)
        fail_msg("%s", e.msg);
    s->exec->page_set = -1;   /* LIST: by groups, their ranges being known */
    check_pages(s, "needle", INT64_MIN, INT64_MAX, 400);
    char q[128];
    int64_t lo = ts_of(2 * CHUNK + 100), hi = ts_of(CHUNK + 500);
    time_t a = (time_t)(lo / 1000000), b = (time_t)(hi / 1000000);
    char sa[32], sb[32];
    strftime(sa, sizeof sa, "%Y-%m-%dT%H:%M:%SZ", gmtime(&a));
    strftime(sb, sizeof sb, "%Y-%m-%dT%H:%M:%SZ", gmtime(&b));
    snprintf(q, sizeof q, "needle since:%s until:%s", sa, sb);
    check_pages(s, q, lo, hi, 400);
    store_close(s);
}

/* An older store (no table) gets it whole at its first writer open; records
 * an older logdeck added past 'idts_upto' are caught up at the next. */
static void test_catch_up(void **st)
{
    (void)st;
    struct store *s = open_rw();
    assert_int_equal(sqlite3_exec(s->db, "DROP TABLE idts; DELETE FROM meta"
                                  " WHERE key = 'idts_upto'", NULL, NULL, NULL), SQLITE_OK);
    store_close(s);
    s = open_rw();
    check_table(s);
    /* as if an older logdeck had written the last 300 records, newer than
     * their group's range says: upto before them */
    assert_int_equal(sqlite3_exec(s->db, "UPDATE meta SET value = value - 300"
                                  " WHERE key = 'idts_upto'; UPDATE records SET ts = ts +"
                                  " 1000000000 WHERE id >= (SELECT value FROM meta WHERE"
                                  " key = 'idts_upto')", NULL, NULL, NULL), SQLITE_OK);
    for (int i = N - 300; i < N; i++)
        recs[i].ts += 1000000000;
    assert_true(one(s, "SELECT hi FROM idts ORDER BY g DESC LIMIT 1") <
                one(s, "SELECT max(ts) FROM records"));
    struct idts_grp gs[2] = {{.g = 0}, {.g = (N - 1) >> IDTS_SHIFT}};
    struct err e = {0};
    int64_t upto = 0;
    assert_int_equal(idts_read(s, gs, 2, &upto, &e), 2);
    assert_int_equal(upto, N + 1 - 300);
    assert_true(gs[0].lo == ts_of(CHUNK) && gs[0].hi == ts_of(CHUNK - 1));
    store_close(s);
    /* a page by groups reads the records past upto as of no known range */
    s = store_open(dbpath, STORE_READ, &e);
    if (!s)
        fail_msg("%s", e.msg);
    s->exec->page_set = -1;
    check_pages(s, "needle", INT64_MIN, INT64_MAX, 600);
    store_close(s);
    s = open_rw();   /* caught up from upto: widened back to the truth */
    check_table(s);
    store_close(s);
}

/* idts_read walks the table over the groups' span or looks each group up
 * (groups sparse in their span): both give every group its row's range,
 * and a group without a row the widest. */
static void test_read_sparse(void **st)
{
    (void)st;
    struct store *s = open_rw();
    struct err e = {0};
    int64_t upto = 0, ng = (N - 1) / IDTS_GROUP + 1, lo[8], hi[8];
    assert_true(ng <= 6);
    for (int64_t g = 0; g < ng; g++) {
        char q[128];
        snprintf(q, sizeof q, "SELECT min(ts) FROM records WHERE id >> %d = %lld", IDTS_SHIFT,
                 (long long)g);
        lo[g] = one(s, q);
        snprintf(q, sizeof q, "SELECT max(ts) FROM records WHERE id >> %d = %lld", IDTS_SHIFT,
                 (long long)g);
        hi[g] = one(s, q);
    }
    assert_int_equal(sqlite3_exec(s->db, "INSERT INTO idts(g, lo, hi) VALUES(100, 7, 9)", NULL,
                                  NULL, NULL), SQLITE_OK);
    struct idts_grp all[8], sparse[3] = {{.g = 1}, {.g = 50}, {.g = 100}};
    for (int64_t g = 0; g < ng; g++)
        all[g].g = g;
    assert_int_equal(idts_read(s, all, ng, &upto, &e), ng);   /* dense: walked */
    for (int64_t g = 0; g < ng; g++)
        assert_true(all[g].lo == lo[g] && all[g].hi == hi[g]);
    assert_int_equal(idts_read(s, sparse, 3, &upto, &e), 2);   /* sparse: looked up */
    assert_true(sparse[0].lo == lo[1] && sparse[0].hi == hi[1]);
    assert_true(sparse[1].lo == INT64_MIN && sparse[1].hi == INT64_MAX);
    assert_true(sparse[2].lo == 7 && sparse[2].hi == 9);
    all[ng].g = 100;   /* ng + 1 groups over a span of 101 */
    assert_int_equal(idts_read(s, all, ng + 1, &upto, &e), ng + 1);
    for (int64_t g = 0; g < ng; g++)
        assert_true(all[g].lo == lo[g] && all[g].hi == hi[g]);
    assert_true(all[ng].lo == 7 && all[ng].hi == 9);
    assert_int_equal(sqlite3_exec(s->db, "DELETE FROM idts WHERE g = 100", NULL, NULL, NULL),
                     SQLITE_OK);
    check_table(s);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_read_sparse),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_catch_up),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
