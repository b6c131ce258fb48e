/* test_store_v3: the v3 store on records added through store_add():
 * field equality through the field tokens agrees with a row-by-row check
 * for every value (strings, numbers, numeric strings, nested and dotted
 * paths, long values); words find field values and text records' whole
 * text; the field catalogue (store_fields, store_field_known); raw text
 * read back byte for byte after compression; and retention removing
 * records together with their words and tokens (contentless FTS5 deletes
 * must repeat the indexed documents exactly: a wrong one leaves counts
 * that include deleted records), their fields from the catalogue and
 * their counts from the per-minute rollups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/exec.h"
#include "db/store.h"
#include "db/store_int.h"
#include "tests/unit/store_tmp.h"
#include "src/query/query.h"
#include "tests/unit/store_count.h"
#include "src/report/stats.h"

#define N 6000
#define T0 1700000000000000LL

static char dbpath[256];
static char raws[N][200];

static void make_raw(int i, char *out, size_t cap)
{
    if (i % 5 == 4)   /* a text record with a traceback */
        snprintf(out, cap, "2023-11-14 22:13:20,000 - app.jobs - ERROR - job %d failed\n"
                           "Traceback (most recent call last):\n  File \"x.py\", line %d\n"
                           "QuotaError%d: over", i, i % 7, i % 3);
    else
        snprintf(out, cap, "{\"event\": \"req %d\", \"cust\": \"C_%d\", \"n\": %d, \"s\": \"%d\","
                           " \"http\": {\"code\": %d}, \"a.b\": %s, \"long\": \"%062d%d\"}",
                 i, i % 37, i % 11, i % 13, 200 + i % 4, i % 2 ? "true" : "false", 0, i % 3);
}

static int count_of(struct store *s, const char *q)
{
    return (int)store_count_at(s, q, T0 + 3600000000LL);
}

static int setup(void **st)
{
    (void)st;
    struct err e = {0};
    snprintf(dbpath, sizeof dbpath, "/tmp/test_store_v3.%d.db", (int)getpid());
    unlink(dbpath);
    struct store *s = store_open(dbpath, STORE_WRITE, &e);
    if (!s)
        fail_msg("%s", e.msg);
    struct store_file sf = {0};
    snprintf(sf.path, sizeof sf.path, "/logs/app.jsonl");
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_file_put(s, &sf, &e), 0);
    for (int i = 0; i < N; i++) {
        make_raw(i, raws[i], sizeof raws[i]);
        int text = i % 5 == 4;
        struct record r = {
            .ts = T0 + (int64_t)i * 1000000, .level = text ? LVL_ERROR : LVL_INFO,
            .format = text ? FMT_PYTHON : FMT_JSON, .logger = text ? "app.jobs" : NULL,
            .msg = "m", .msg_len = 1, .raw = raws[i], .raw_len = strlen(raws[i]),
            .nlines = text ? 4 : 1,
        };
        assert_int_equal(store_add(s, sf.id, &r, &e), 0);
        if (i % 1000 == 999) {   /* several batches: the dictionary arrives mid-way */
            assert_int_equal(store_commit(s, &e), 0);
            assert_int_equal(store_begin(s, &e), 0);
        }
    }
    assert_int_equal(store_commit(s, &e), 0);
    store_close(s);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char p[300];
    const char *suf[3] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", dbpath, suf[i]);
        unlink(p);
    }
    return 0;
}

static int truth(int (*pred)(int i))
{
    int n = 0;
    for (int i = 0; i < N; i++)
        n += pred(i);
    return n;
}

static int j(int i) { return i % 5 != 4; }
static int g_k;
static int p_cust(int i) { return j(i) && i % 37 == g_k; }
static int p_n(int i) { return j(i) && i % 11 == g_k; }
static int p_s(int i) { return j(i) && i % 13 == g_k; }
static int p_code(int i) { return j(i) && 200 + i % 4 == g_k; }
static int p_true(int i) { return j(i) && i % 2; }
static int p_long(int i) { return j(i) && i % 3 == g_k; }
static int p_quota(int i) { return !j(i) && i % 3 == g_k; }

static void test_equality(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *s = store_open(dbpath, STORE_READ, &e);
    assert_non_null(s);
    char q[200];
    for (g_k = 0; g_k < 37; g_k++) {
        snprintf(q, sizeof q, "cust:C_%d", g_k);
        assert_int_equal(count_of(s, q), truth(p_cust));
    }
    for (g_k = 0; g_k < 11; g_k++) {
        snprintf(q, sizeof q, "n:%d", g_k);   /* a number */
        assert_int_equal(count_of(s, q), truth(p_n));
    }
    for (g_k = 0; g_k < 13; g_k++) {
        snprintf(q, sizeof q, "s:%d.0", g_k);   /* a numeric string, as a number */
        assert_int_equal(count_of(s, q), truth(p_s));
    }
    for (g_k = 200; g_k < 204; g_k++) {
        snprintf(q, sizeof q, "http.code:%d", g_k);   /* nested */
        assert_int_equal(count_of(s, q), truth(p_code));
    }
    assert_int_equal(count_of(s, "a.b:true"), truth(p_true));   /* dotted literal key */
    for (g_k = 0; g_k < 3; g_k++) {   /* 63 bytes: longer than a token spells */
        snprintf(q, sizeof q, "long:%062d%d", 0, g_k);
        assert_int_equal(count_of(s, q), truth(p_long));
    }
    int sum = 0;   /* a prefix glob: C_1, C_10 .. C_19 */
    for (g_k = 0; g_k < 37; g_k++)
        if (g_k == 1 || (g_k >= 10 && g_k <= 19))
            sum += truth(p_cust);
    assert_int_equal(count_of(s, "cust:C_1*"), sum);
    for (g_k = 0; g_k < 3; g_k++) {   /* words in a traceback's last line */
        snprintf(q, sizeof q, "QuotaError%d", g_k);
        assert_int_equal(count_of(s, q), truth(p_quota));
    }
    assert_int_equal(count_of(s, "C_5"), truth((g_k = 5, p_cust)));   /* a field value */
    assert_int_equal(count_of(s, "service:app.jobs"), N / 5);   /* the logger */
    assert_int_equal(count_of(s, "service:app"), N - N / 5);    /* the file's stem */
    store_close(s);
}

struct fields {
    char names[16][32];
    int64_t n[16], num[16];
    int k;
};

static int on_field(void *ctx, const char *path, int64_t records, int64_t numeric)
{
    struct fields *f = ctx;
    if (f->k < 16) {
        snprintf(f->names[f->k], sizeof f->names[f->k], "%s", path);
        f->n[f->k] = records;
        f->num[f->k++] = numeric;
    }
    return 0;
}

static void test_catalogue(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *s = store_open(dbpath, STORE_READ, &e);
    struct fields f = {0};
    assert_int_equal(store_fields(s, 0, on_field, &f, &e), 7);
    const char *want[] = {"a.b", "cust", "event", "http.code", "long", "n", "s"};
    for (int i = 0; i < 7; i++) {
        assert_string_equal(f.names[i], want[i]);
        assert_int_equal(f.n[i], N - N / 5);
    }
    assert_int_equal(f.num[3], N - N / 5);   /* http.code: numbers */
    assert_int_equal(f.num[6], 0);           /* s: strings */
    assert_int_equal(store_field_known(s, "http.code", &e), 1);
    assert_int_equal(store_field_known(s, "http", &e), 1);
    assert_int_equal(store_field_known(s, "htt", &e), 0);
    assert_int_equal(store_field_known(s, "levle", &e), 0);
    store_close(s);
}

static int g_seen, g_bad;

static int on_row(void *ctx, const struct store_row *row)
{
    (void)ctx;
    int i = (int)(row->id - 1);
    g_seen++;
    if (i < 0 || i >= N || row->rec.raw_len != strlen(raws[i]) ||
        memcmp(row->rec.raw, raws[i], row->rec.raw_len) != 0)
        g_bad++;
    return 0;
}

static void test_raw_back(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *s = store_open(dbpath, STORE_READ, &e);
    g_seen = g_bad = 0;
    assert_int_equal(store_dump(s, 0, on_row, NULL, &e), N);
    assert_int_equal(g_seen, N);
    assert_int_equal(g_bad, 0);
    store_close(s);
}

/* stats of store s from the rollups agree with a scan, and count n. */
static void rollups_agree(struct store *s, int64_t n, int64_t first, int64_t last)
{
    struct err e = {0};
    struct plan *p = query_compile("", T0, NULL, &e);
    struct stats_opts o;
    struct stats r, x;
    stats_opts_init(&o);
    o.by_field = PF_SERVICE;
    o.from = STATS_ROLLUPS;
    assert_int_equal(stats_compute(s, p, &o, &r, &e), 0);
    o.from = STATS_SCAN;
    assert_int_equal(stats_compute(s, p, &o, &x, &e), 0);
    assert_int_equal(strncmp(r.how, "rollups:", 8), 0);
    assert_int_equal(r.count, n);
    assert_int_equal(x.count, n);
    assert_int_equal(r.first_ts, first);
    assert_int_equal(r.last_ts, last);
    for (int l = 0; l < LVL_COUNT; l++)
        assert_int_equal(r.by_level[l], x.by_level[l]);
    assert_int_equal(r.nhist, x.nhist);
    for (size_t i = 0; i < r.nhist; i++)
        assert_int_equal(r.hist[i].count, x.hist[i].count);
    assert_int_equal(r.ngroups, x.ngroups);
    for (size_t i = 0; i < r.ngroups; i++) {
        assert_string_equal(r.groups[i].key, x.groups[i].key);
        assert_int_equal(r.groups[i].count, x.groups[i].count);
    }
    stats_fini(&r);
    stats_fini(&x);
    query_free(p);
}

static int64_t count_in(struct store *s, const char *q, int64_t since, int64_t until)
{
    return store_count_in(s, q, T0 + 3600000000LL, since, until);
}

/* NOT x counted as the records in range less x's: the same as the scan
 * (a time bound inside the query makes one), with and without a range. */
static void test_count_not(void **st)
{
    (void)st;
    struct store *s = store_tmp_open(dbpath, STORE_READ);
    static const char *const qs[] = {"level:info", "QuotaError1", "cust:C_3", "service:app.j*",
                                     "\"req 1\"", "n>5", "level:error OR cust:C_4"};
    static const int64_t rs[][2] = {{0, 0}, {T0 + 1000000000LL, 0},
                                    {T0 + 500000000LL, T0 + 3000000000LL}};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        for (size_t k = 0; k < sizeof rs / sizeof *rs; k++) {
            char neg[128], scan[160];
            snprintf(neg, sizeof neg, "-(%s)", qs[i]);
            snprintf(scan, sizeof scan, "-(%s) until:2100-01-01T00:00:00Z", qs[i]);
            int64_t n = count_in(s, neg, rs[k][0], rs[k][1]);
            assert_int_equal(n, count_in(s, scan, rs[k][0], rs[k][1]));
            assert_int_equal(n, count_in(s, "", rs[k][0], rs[k][1]) -
                                count_in(s, qs[i], rs[k][0], rs[k][1]));
            if (!(n > 0 && n < N))
                fail_msg("%s in range %zu: %lld", neg, k, (long long)n);
        }
    assert_int_equal(count_in(s, "-level:info", 0, 0), N / 5);
    store_close(s);
}

/* A copy of the store at from, made at to with VACUUM INTO, then changed
 * by the statement update: the tests that show what a count reads. */
static void tampered_copy(const char *from, const char *to, const char *update)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *vi = NULL;
    store_tmp_remove(to);
    assert_int_equal(sqlite3_open(from, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "VACUUM INTO ?", -1, &vi, NULL), SQLITE_OK);
    sqlite3_bind_text(vi, 1, to, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(vi), SQLITE_DONE);
    sqlite3_finalize(vi);
    sqlite3_close(db);
    assert_int_equal(sqlite3_open(to, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, update, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* The one integer sql (binding arg to ?1) gives on store s. */
static int64_t sql_int(struct store *s, const char *sql, int64_t arg)
{
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_int64(q, 1, arg);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* Counts decided by level, service, path and metric come from the
 * per-minute cells, the minutes a range cuts counted record by record:
 * each the same as the SQL count (a word the store lacks, NOT-ed, makes
 * the query undecidable by cells), for ranges cutting no minute, one
 * minute at either end or both, inside one minute, across two. T0 is
 * 20 s into its minute, a record a second: minutes start at T0 + 40 s +
 * k * 60 s. */
static void test_count_rollup(void **st)
{
    (void)st;
    const int64_t S = 1000000LL, M0 = T0 + 40 * S;
    struct store *s = store_tmp_open(dbpath, STORE_READ);
    static const char *const qs[] = {"", "level:error", "service:app",
                                     "level>=info -service:app.jobs", "service:app* level:error",
                                     "level:error OR service:app", "path:*",
                                     "metric:* OR level:info"};
    const int64_t rs[][2] = {
        {0, 0}, {M0, 0}, {0, M0 + 600 * S - 1}, {M0 + 60 * S, M0 + 120 * S - 1},
        {M0 + 1500 * S / 10, M0 + 1000 * S + 250000}, {M0 + 60 * S, M0 + 90 * S},
        {M0 + 90 * S, M0 + 120 * S - 1}, {M0 + 55 * S, M0 + 85 * S},
        {M0 + 70 * S, M0 + 80 * S}, {M0 + 70 * S, M0 + 70 * S}, {M0 + 80 * S, M0 + 70 * S},
        {T0 - 3600 * S, T0 + 30 * S}, {T0 + (N - 30) * S, T0 + 7200 * S},
    };
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        for (size_t k = 0; k < sizeof rs / sizeof *rs; k++) {
            char sql[160];
            snprintf(sql, sizeof sql, "(%s) -zzqqxxnothere", *qs[i] ? qs[i] : "*");
            int64_t n = count_in(s, qs[i], rs[k][0], rs[k][1]);
            if (n != count_in(s, sql, rs[k][0], rs[k][1]))
                fail_msg("[%s] in range %zu: %lld, SQL %lld", qs[i], k, (long long)n,
                         (long long)count_in(s, sql, rs[k][0], rs[k][1]));
        }
    /* against the records written: 12 errors a minute, one every 5 s */
    assert_int_equal(count_in(s, "level:error", M0 + 60 * S, M0 + 120 * S - 1), 12);
    assert_int_equal(count_in(s, "service:app", M0 + 60 * S, M0 + 90 * S), 31 - 6);
    assert_int_equal(count_in(s, "level:error service:app.jobs", 0, 0), N / 5);
    assert_int_equal(count_in(s, "level:error service:app.jobs since:2023-11-14T22:14:00Z "
                                 "until:2023-11-14T22:14:59.999999Z", 0, 0), 12);
    assert_int_equal(count_in(s, "", M0 + 70 * S, M0 + 70 * S), 1);
    store_close(s);

    /* The cells are what is read: a copy whose cells say one record more
     * each counts more, as long as the query is decided by them. */
    char copy[300];
    snprintf(copy, sizeof copy, "%s.cells", dbpath);
    tampered_copy(dbpath, copy, "UPDATE rollup SET n = n + 1");
    s = store_tmp_open(copy, STORE_READ);
    int64_t cells = sql_int(s, "SELECT count(*) FROM rollup WHERE level = ?1", LVL_ERROR);
    assert_true(cells > 0);
    assert_int_equal(count_in(s, "level:error service:app.jobs", 0, 0), N / 5 + cells);
    assert_int_equal(count_in(s, "level:error service:app.jobs -zzqqxxnothere", 0, 0), N / 5);
    store_close(s);
    store_tmp_remove(copy);
}

/* Status conditions counted from the cells' status classes (1xx..5xx and
 * the other codes): a store of its own, a record every 0.5 s with a
 * status of 200, 302, 470, 500, 503 or none in turn, and 600 in minute 3
 * only. Each count is the SQL count; the classes are what is read when
 * the conditions take each class whole and no kept cell holds another
 * code. */
static void test_count_status(void **st)
{
    (void)st;
    enum { NS2 = 1200 };
    const int64_t S = 1000000LL, M0 = T0 + 40 * S, H = S / 2;
    char path[300];
    snprintf(path, sizeof path, "%s.status", dbpath);
    store_tmp_remove(path);
    struct err e = {0};
    struct store *s = store_tmp_open(path, STORE_WRITE);
    struct store_file sf = {0};
    snprintf(sf.path, sizeof sf.path, "/logs/st.log");
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_file_put(s, &sf, &e), 0);
    static const int codes[] = {200, 302, 470, 500, 503, -1};
    for (int i = 0; i < NS2; i++) {
        int64_t ts = M0 + i * H;
        int c = codes[i % 6];
        if (ts >= M0 + 180 * S && ts < M0 + 240 * S && c == 302)
            c = 600;
        char raw[64];
        snprintf(raw, sizeof raw, "line %d", i);
        struct record r = {.ts = ts, .level = i % 3 ? LVL_INFO : LVL_WARNING, .format = FMT_LOGFMT,
                           .logger = i % 2 ? "svc.a" : "svc.b", .msg = raw, .msg_len = strlen(raw),
                           .raw = raw, .raw_len = strlen(raw), .nlines = 1,
                           .status = c, .has_status = c >= 0};
        assert_int_equal(store_add(s, sf.id, &r, &e), 0);
    }
    assert_int_equal(store_commit(s, &e), 0);
    store_close(s);
    s = store_tmp_open(path, STORE_READ);
    static const char *const qs[] = {
        "status>=500 service:svc.a", "status>=400 status<500", "status:* service:svc.b",
        "status<400 -service:svc.a", "status>=450 service:svc.a", "status:500 service:svc.a",
        "status>499.5 level:info", "status>=500 status<600 level:warning", "status>=500",
        "status<=460 level:info"};
    const int64_t rs[][2] = {{0, 0}, {M0, M0 + 180 * S - 1}, {M0 + 15 * S, M0 + 170 * S},
                             {M0 + 150 * S, M0 + 300 * S}, {M0 + 200 * S, M0 + 210 * S},
                             {M0 + 240 * S, 0}};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        for (size_t k = 0; k < sizeof rs / sizeof *rs; k++) {
            char sql[160];
            snprintf(sql, sizeof sql, "%s -zzqqxxnothere", qs[i]);
            int64_t n = count_in(s, qs[i], rs[k][0], rs[k][1]);
            int64_t m = count_in(s, sql, rs[k][0], rs[k][1]);
            if (n != m)
                fail_msg("[%s] in range %zu: %lld, SQL %lld", qs[i], k, (long long)n, (long long)m);
        }
    /* 120 records a minute, 20 of each code; svc.a (odd i) holds the 500s
     * (i % 6 == 3), svc.b the 200s, 470s and 503s */
    assert_int_equal(count_in(s, "status>=500", M0, M0 + 180 * S - 1), 3 * 40);
    assert_int_equal(count_in(s, "status>=500 service:svc.a", M0, M0 + 180 * S - 1), 3 * 20);
    assert_int_equal(count_in(s, "status>=600", 0, 0), 20);
    assert_int_equal(count_in(s, "status:* service:svc.b", M0, M0 + 60 * S - 1), 60);
    store_close(s);

    /* Where no kept cell holds an odd code the classes are read: a copy
     * whose 5xx classes say one more each counts more there only. */
    char copy[320];
    snprintf(copy, sizeof copy, "%s.x", path);
    tampered_copy(path, copy, "UPDATE rollup SET s5 = s5 + 1");
    s = store_tmp_open(copy, STORE_READ);
    /* minutes 0-2: the cells of svc.a (one per level) */
    int64_t cells = sql_int(s, "SELECT count(*) FROM rollup c JOIN rolldim d ON d.id = c.svc"
                               " WHERE d.value = 'svc.a' AND c.minute >= ?1 AND c.minute < ?1 + 3",
                            M0 / (60 * S));
    assert_true(cells > 0);
    assert_int_equal(count_in(s, "status>=500 service:svc.a", M0, M0 + 180 * S - 1), 60 + cells);
    /* minute 3: svc.a's cells hold the 600s, so its records are counted:
     * 20 500s and 20 600s, not the classes' 20 + 2 */
    assert_int_equal(count_in(s, "status>=500 service:svc.a", M0 + 180 * S, M0 + 240 * S - 1), 40);
    store_close(s);
    store_tmp_remove(copy);
    store_tmp_remove(path);
}

static void test_retention(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *s = store_open(dbpath, STORE_WRITE, &e);
    assert_non_null(s);
    rollups_agree(s, N, T0, T0 + (N - 1) * 1000000LL);
    /* counts from the vocabulary: a virtual field's prefix (one token per
     * record), one token */
    assert_int_equal(count_of(s, "service:app*"), N);
    assert_int_equal(count_of(s, "service:app"), N - N / 5);
    int64_t keep[LVL_COUNT] = {0};
    keep[LVL_INFO] = 1;   /* every info record is older than now */
    int64_t gone = 0, k;
    /* One step: the oldest 1000 info records leave the catalogue's counts
     * and the rollups (the minutes they were in are rebuilt). */
    k = store_retention_step(s, keep, T0 + 2 * 3600000000LL, 1000, &e);
    assert_int_equal(k, 1000);
    gone += k;
    struct fields f = {0};
    assert_int_equal(store_fields(s, 0, on_field, &f, &e), 7);
    for (int i = 0; i < 7; i++)
        assert_int_equal(f.n[i], N - N / 5 - 1000);
    assert_int_equal(f.num[3], N - N / 5 - 1000);
    rollups_agree(s, N - 1000, T0 + 4 * 1000000LL, T0 + (N - 1) * 1000000LL);
    while ((k = store_retention_step(s, keep, T0 + 2 * 3600000000LL, 1000, &e)) > 0)
        gone += k;
    assert_int_equal(k, 0);
    assert_int_equal(gone, N - N / 5);
    /* The exact counts (tokens, words) now agree with the rows left. */
    assert_int_equal(count_of(s, "cust:C_3"), 0);
    assert_int_equal(count_of(s, "n:4"), 0);
    assert_int_equal(count_of(s, "C_5"), 0);
    assert_int_equal(count_of(s, "service:app"), 0);
    assert_int_equal(count_of(s, "service:app.jobs"), N / 5);
    assert_int_equal(count_of(s, "service:app*"), N / 5);   /* deleted tokens not counted */
    for (g_k = 0; g_k < 3; g_k++) {
        char q[32];
        snprintf(q, sizeof q, "QuotaError%d", g_k);
        assert_int_equal(count_of(s, q), truth(p_quota));
    }
    assert_int_equal(count_of(s, ""), N / 5);
    /* no JSON record is left: no field either */
    assert_int_equal(store_fields(s, 0, NULL, NULL, &e), 0);
    assert_int_equal(store_field_known(s, "cust", &e), 0);
    rollups_agree(s, N / 5, T0 + 4 * 1000000LL, T0 + (N - 1) * 1000000LL);
    store_close(s);
}

/* store_vacuum after retention: refused inside a batch; the full-text
 * tables merged, every count the same (the connection keeps its temporary
 * vocabulary tables: VACUUM runs on a connection of its own), the file no
 * larger. */
static void test_vacuum(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *s = store_tmp_open(dbpath, STORE_WRITE);
    static const char *const qs[] = {"", "QuotaError1", "service:app.jobs", "service:app*",
                                     "cust:C_3", "level>=error"};
    int before[sizeof qs / sizeof *qs];
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        before[i] = count_of(s, qs[i]);
    assert_int_equal(before[1], N / 5 / 3);
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_vacuum(s, &e), -1);
    assert_non_null(strstr(e.msg, "cannot vacuum inside a batch"));
    assert_int_equal(store_commit(s, &e), 0);
    int64_t used = store_used_bytes(s);
    memset(&e, 0, sizeof e);
    assert_int_equal(store_vacuum(s, &e), 0);
    assert_true(store_used_bytes(s) <= used);
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        assert_int_equal(count_of(s, qs[i]), before[i]);
    assert_int_equal(store_pragma_int(s, "SELECT count(DISTINCT segid) FROM rec_txt_idx"), 1);
    assert_int_equal(store_pragma_int(s, "PRAGMA temp_store"), 2);
    store_close(s);
}

/* store_owns_name: the store's own files by name, however the path is
 * written (relative, through "." or a link to its directory); others not */
static void test_owns_name(void **st)
{
    (void)st;
    struct err e = {0};
    char dir[] = "/tmp/logdeck-own.XXXXXX", db[300], p[400], link[300];
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/own.db", dir);
    struct store *s = store_open(db, STORE_WRITE, &e);
    assert_non_null(s);
    static const char *const yes[] = {"own.db", "own.db-wal", "own.db-shm", "own.db-journal",
                                      "own.db-checked", "own.db-checked.tmp", "own.db.lock"};
    static const char *const no[] = {"own.dbx", "own.db-walx", "own.db.1", "ow.db", "app.log",
                                     "own.db.lock.1"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        snprintf(p, sizeof p, "%s/./%s", dir, yes[i]);
        assert_int_equal(store_owns_name(s, p), 1);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, no[i]);
        assert_int_equal(store_owns_name(s, p), 0);
    }
    snprintf(link, sizeof link, "%s-link", dir);
    assert_int_equal(symlink(dir, link), 0);
    snprintf(p, sizeof p, "%s/own.db-wal", link);
    assert_int_equal(store_owns_name(s, p), 1);
    assert_int_equal(store_owns_name(s, "own.db-wal"), 0);   /* another directory */
    store_close(s);
    unlink(link);
    store_tmp_remove(db);
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, yes[i]);
        unlink(p);
    }
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equality), cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_raw_back), cmocka_unit_test(test_count_not),
        cmocka_unit_test(test_count_rollup),
        cmocka_unit_test(test_count_status),
        cmocka_unit_test(test_retention),
        cmocka_unit_test(test_vacuum), cmocka_unit_test(test_owns_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
