/* test_exec: plan execution, traces and stats on a temporary store filled
 * through store_add() with a generated corpus whose truth this test
 * computes on its own: exact rows and order per query, keyset pagination
 * without duplicates or gaps, counts, traces across JSON and text files,
 * nearest-rank percentiles, template grouping, metrics, histogram. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/exec.h"
#include "db/exec_int.h"
#include "src/query/query.h"
#include "src/report/stats.h"
#include "src/base/lhist.h"
#include "src/report/trace.h"
#include "store_tmp.h"

#define N 600
#define T0 1700000000000000LL
#define NTRACE 8

struct trec {
    int64_t id, ts;
    int level, file, kind, pid, has_dur, has_status, has_metric, health;
    const char *service, *metric;
    double dur, mval;
    int64_t status;
    char cid[40], msg[128], raw[512], fields[160];
};

static struct trec recs[N];
static char dbpath[256];
static const char *const files[3] = {"/logs/api.jsonl", "/logs/app.log", "/logs/worker.log"};
static const int fmts[3] = {FMT_JSON, FMT_PYTHON, FMT_LOGFMT};
static const struct tzspec utc = {.fixed = 1, .offset_s = 0};

static void trace_cid(int t, int upper, char out[40])
{
    snprintf(out, 40, "%08x-aaaa-4bbb-8ccc-%012d", 0x3f2a0000 + t, t);
    for (char *c = out; upper && *c; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 32);
}

static void make_msg(struct trec *r, int i)
{
    switch (r->kind) {
    case 0: snprintf(r->msg, sizeof r->msg, "request finished in %d ms", i % 97); break;
    case 1: snprintf(r->msg, sizeof r->msg, "Connection reset by peer"); break;
    case 2: snprintf(r->msg, sizeof r->msg, "user %d not found", i); break;
    case 3: snprintf(r->msg, sizeof r->msg, "timeout calling upstream %08x-1234-4abc-8def-0123456789ab", i); break;
    case 4: snprintf(r->msg, sizeof r->msg, "connection pool reset"); break;
    default: snprintf(r->msg, sizeof r->msg, "cache miss for key 'k%d'", i); break;
    }
}

static void make_rec(struct trec *out, int i)
{
    static const int levels[10] = {3, 3, 3, 2, 5, 3, 6, 3, 7, 1};
    static const char *const svcs[4] = {"api", "worker", "gateway", NULL};
    struct trec local, *r = &local;   /* built apart from recs[]: no aliasing */
    memset(r, 0, sizeof *r);
    r->file = i % 3;
    r->ts = T0 + (int64_t)(i / 2) * 1000000;   /* pairs share a ts */
    r->level = levels[(i * 7) % 10];
    r->service = svcs[i % 4];
    r->kind = i % 6;
    r->pid = i % 5;
    r->health = i % 2;
    make_msg(r, i);
    if (i % 5 == 0)
        trace_cid((i / 5) % NTRACE, r->file == 1, r->cid);
    if ((r->has_dur = i % 3 == 0))
        r->dur = (double)((i * 37) % 1000) + 0.5;
    if ((r->has_status = i % 4 == 1))
        r->status = (i % 10 < 3) ? 500 + i % 4 : 200;
    if ((r->has_metric = i % 10 == 9)) {
        r->metric = (i / 10) % 2 ? "cpu" : "mem";
        r->mval = i / 10.0;
    }
    const char *path = r->health ? "/health" : "/api/v1/items";
    if (r->file == 0)
        snprintf(r->raw, sizeof r->raw, "{\"event\":\"%.127s\",\"process\":{\"id\":%d},\"path\":\"%s\","
                 "\"http.request.method\":\"%s\",\"ok\":true}", r->msg, r->pid, path,
                 i % 4 ? "GET" : "POST");
    else
        snprintf(r->raw, sizeof r->raw, "line %d: %.127s", i, r->msg);
    if (r->file == 2)
        snprintf(r->fields, sizeof r->fields, "{\"path\":\"%s\",\"process\":{\"id\":%d},"
                 "\"http\":{\"request\":{\"method\":\"%s\"}}}", path, r->pid, i % 4 ? "GET" : "POST");
    *out = local;
}

static void fill(struct store *s, int64_t fid[3])
{
    struct err e = {0};
    for (int i = 0; i < N; i++) {
        struct trec *t = &recs[i];
        struct record r = {
            .ts = t->ts, .level = t->level, .format = fmts[t->file], .cid = t->cid[0] ? t->cid : NULL,
            .service = t->service, .logger = "app.core", .msg = t->msg, .msg_len = strlen(t->msg),
            .raw = t->raw, .raw_len = strlen(t->raw), .fields = t->fields[0] ? t->fields : NULL,
            .duration_ms = t->dur, .has_duration = t->has_dur, .status = t->status,
            .has_status = t->has_status, .metric_name = t->metric, .metric_value = t->mval,
            .has_metric = t->has_metric, .offset = i * 100, .nlines = 1,
        };
        assert_int_equal(store_add(s, fid[t->file], &r, &e), 0);
        t->id = i + 1;
    }
}

static int setup(void **st)
{
    (void)st;
    struct err e = {0};
    snprintf(dbpath, sizeof dbpath, "/tmp/test_exec.%d.db", (int)getpid());
    unlink(dbpath);
    struct store *s = store_open(dbpath, STORE_WRITE, &e);
    if (!s)
        fail_msg("%s", e.msg);
    for (int i = 0; i < N; i++)
        make_rec(&recs[i], i);
    int64_t fid[3];
    assert_int_equal(store_begin(s, &e), 0);
    for (int f = 0; f < 3; f++) {
        struct store_file sf = {0};
        snprintf(sf.path, sizeof sf.path, "%s", files[f]);
        assert_int_equal(store_file_put(s, &sf, &e), 0);
        fid[f] = sf.id;
    }
    fill(s, fid);
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

static struct store *ro(void)
{
    return store_tmp_open(dbpath, STORE_READ);
}

/* --- truth ---------------------------------------------------------------- */

typedef int (*pred_fn)(const struct trec *r);

static int is_svc(const struct trec *r, const char *s)
{
    return r->service && strcmp(r->service, s) == 0;
}

static int structured(const struct trec *r)
{
    return r->file != 1;
}

static int trace_no(const struct trec *r)
{
    return r->cid[0] ? (int)((r->id - 1) / 5 % NTRACE) : -1;
}

static int p_all(const struct trec *r) { (void)r; return 1; }
static int p_err(const struct trec *r) { return r->level >= 6; }
static int p_warn_api(const struct trec *r) { return r->level >= 5 && is_svc(r, "api"); }
static int p_worker(const struct trec *r) { return is_svc(r, "worker"); }
static int p_not_worker(const struct trec *r) { return !is_svc(r, "worker"); }
static int p_warn_eq(const struct trec *r) { return r->level == 5; }
static int p_timeout(const struct trec *r) { return r->kind == 3; }
static int p_phrase(const struct trec *r) { return r->kind == 1; }
static int p_conn(const struct trec *r) { return r->kind == 1 || r->kind == 4; }
static int p_5xx(const struct trec *r) { return r->has_status && r->status >= 500; }
static int p_slow(const struct trec *r) { return r->has_dur && r->dur > 500; }
static int p_pid3(const struct trec *r) { return structured(r) && r->pid == 3; }
static int p_post(const struct trec *r) { return structured(r) && (r->id - 1) % 4 == 0; }
static int p_api_path(const struct trec *r) { return structured(r) && !r->health; }
static int p_not_health(const struct trec *r) { return !(structured(r) && r->health); }
static int p_trace3(const struct trec *r) { return trace_no(r) == 3; }
static int p_trace2(const struct trec *r) { return trace_no(r) == 2; }
static int p_bool(const struct trec *r)
{
    return (r->level == 6 || r->level == 7) && !is_svc(r, "api");
}
static int p_applog(const struct trec *r) { return r->file == 1; }
static int p_json(const struct trec *r) { return r->file == 0; }
static int p_window(const struct trec *r)
{
    return r->ts >= T0 + 100000000LL && r->ts <= T0 + 160000000LL;
}
static int p_cpu(const struct trec *r) { return r->has_metric && strcmp(r->metric, "cpu") == 0; }
static int p_mv30(const struct trec *r) { return r->has_metric && r->mval >= 30; }
static int p_user(const struct trec *r) { return r->kind == 2; }
static int p_warn_not_timeout(const struct trec *r) { return r->level >= 5 && r->kind != 3; }
static int p_pid_ge3(const struct trec *r) { return structured(r) && r->pid >= 3; }
static int p_has_cid(const struct trec *r) { return r->cid[0] != 0; }
static int p_pool(const struct trec *r) { return r->kind == 4; }
static int p_or_words(const struct trec *r) { return r->kind == 2 || r->kind == 3; }

static const struct qcase {
    const char *q;
    pred_fn p;
} cases[] = {
    {"", p_all},
    {"level>=error", p_err},
    {"level>=warning service:api", p_warn_api},
    {"service:worker", p_worker},
    {"-service:worker", p_not_worker},
    {"level:warn", p_warn_eq},
    {"timeout", p_timeout},
    {"\"connection reset\"", p_phrase},
    {"conn*", p_conn},
    {"status>=500", p_5xx},
    {"duration_ms>500", p_slow},
    {"process.id:3", p_pid3},
    {"http.request.method:POST", p_post},
    {"path:/api/v1/*", p_api_path},
    {"-path:/health", p_not_health},
    {"cid:3f2a0003*", p_trace3},
    {"cid:3F2A0002-AAAA-4BBB-8CCC-000000000002", p_trace2},
    {"(level:error OR level:critical) AND NOT service:api", p_bool},
    {"file:app.log", p_applog},
    {"format:json", p_json},
    {"since:\"2023-11-14 22:15:00\" until:\"2023-11-14 22:16:00\"", p_window},
    {"ok:true", p_json},
    {"metric:cpu", p_cpu},
    {"metric.value>=30", p_mv30},
    {"user", p_user},
    {"-timeout level>=warning", p_warn_not_timeout},
    {"process.id>=3", p_pid_ge3},
    {"request_id:*", p_has_cid},
    {"msg:\"connection pool reset\"", p_pool},
    {"user OR timeout", p_or_words},
};

/* Indices of the matching records, newest first (ts desc, id desc). */
static int expected(pred_fn p, int *out)
{
    int n = 0;
    for (int i = N - 1; i >= 0; i--)
        if (p(&recs[i]))
            out[n++] = i;
    /* ids ascend with ts here, so reverse id order is newest first */
    return n;
}

struct collect {
    int64_t ids[N + 10];
    int n;
    int64_t last_ts, last_id;
};

static int collect_row(void *ctx, const struct store_row *row)
{
    struct collect *c = ctx;
    if (c->n < N + 10)
        c->ids[c->n++] = row->id;
    c->last_ts = row->rec.ts;
    c->last_id = row->id;
    return 0;
}

static struct plan *compile(const char *q)
{
    struct err e = {0};
    struct plan *p = query_compile(q, T0 + 3600000000LL, &utc, &e);
    if (!p)
        fail_msg("[%s]: %s", q, e.msg);
    return p;
}

static void check_case(struct store *s, const struct qcase *c)
{
    static int want[N];
    struct err e = {0};
    int n = expected(c->p, want);
    struct plan *p = compile(c->q);
    int64_t cnt = -1;
    if (store_count(s, p, 0, 0, &cnt, &e) < 0)
        fail_msg("[%s] count: %s", c->q, e.msg);
    if (cnt != n)
        fail_msg("[%s] count %lld, want %d", c->q, (long long)cnt, n);
    struct collect got = {0};
    struct store_page pg = {0};
    if (store_query(s, p, &pg, collect_row, &got, &e) != n)
        fail_msg("[%s] query returned %d rows, want %d (%s)", c->q, got.n, n, e.msg);
    for (int i = 0; i < n; i++)
        if (got.ids[i] != recs[want[i]].id)
            fail_msg("[%s] row %d is id %lld, want %lld", c->q, i, (long long)got.ids[i],
                     (long long)recs[want[i]].id);
    struct collect rev = {0};
    pg.oldest_first = 1;
    assert_int_equal(store_query(s, p, &pg, collect_row, &rev, &e), n);
    for (int i = 0; i < n; i++)
        assert_int_equal(rev.ids[i], recs[want[n - 1 - i]].id);
    query_free(p);
}

static void test_queries(void **st)
{
    (void)st;
    struct store *s = ro();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(s, &cases[i]);
    store_close(s);
}

/* A one-shot reader (store_exec_oneshot: a small cache, no map) answers
 * every case as the long-lived one does; its cache grows for a page of two
 * conditions besides time, not for one, and a scan maps the store. */
static void test_oneshot(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *s = ro();
    store_exec_oneshot(s);
    assert_int_equal(store_pragma_int(s, "PRAGMA cache_size"), -EXEC_ONESHOT_CACHE);
    assert_int_equal(store_pragma_int(s, "PRAGMA mmap_size"), 0);
    struct plan *p = compile("timeout since:\"2023-11-14 22:15:00\"");
    struct store_page pg = {.limit = 5};
    assert_true(store_query(s, p, &pg, NULL, NULL, &e) >= 0);
    query_free(p);
    assert_int_equal(store_pragma_int(s, "PRAGMA cache_size"), -EXEC_ONESHOT_CACHE);
    p = compile("level>=warning service:api");
    assert_true(store_query(s, p, &pg, NULL, NULL, &e) >= 0);
    assert_int_equal(store_pragma_int(s, "PRAGMA cache_size"), -EXEC_ONESHOT_GROW);
    assert_int_equal(store_pragma_int(s, "PRAGMA mmap_size"), 0);
    assert_true(store_scan(s, p, NULL, NULL, NULL, &e) > 0);
    assert_true(store_pragma_int(s, "PRAGMA mmap_size") > 0);
    query_free(p);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(s, &cases[i]);
    store_close(s);
}

static void test_level_counts(void **st)
{
    (void)st;
    struct store *s = ro();
    struct err e = {0};
    for (int l = 0; l < LVL_COUNT; l++) {
        char q[32];
        int64_t want = 0, got = -1;
        for (int i = 0; i < N; i++)
            want += recs[i].level == l;
        snprintf(q, sizeof q, "level:%s", level_name(l));
        if (l == 0)
            continue;   /* "unknown" is not a level name users type */
        struct plan *p = compile(q);
        assert_int_equal(store_count(s, p, 0, 0, &got, &e), 0);
        assert_int_equal(got, want);
        query_free(p);
    }
    store_close(s);
}

/* Pages of 7 rows concatenate to the full list: no duplicates, no gaps. */
static void check_pages(struct store *s, const char *q, int oldest)
{
    static int want[N];
    struct err e = {0};
    struct plan *p = compile(q);
    (void)want;
    int idx[N], k = 0;
    for (int i = 0; i < N; i++)
        if (recs[i].level >= LVL_INFO)
            idx[k++] = i;
    struct store_page pg = {.limit = 7, .oldest_first = oldest};
    int seen = 0, pages = 0;
    for (;;) {
        struct collect c = {0};
        int got = store_query(s, p, &pg, collect_row, &c, &e);
        assert_true(got >= 0 && got <= 7);
        for (int i = 0; i < got; i++, seen++) {
            int want_i = oldest ? idx[seen] : idx[k - 1 - seen];
            assert_int_equal(c.ids[i], recs[want_i].id);
        }
        pages++;
        if (got < 7)
            break;
        pg.has_cursor = 1;
        pg.cursor_ts = c.last_ts;
        pg.cursor_id = c.last_id;
    }
    assert_int_equal(seen, k);
    assert_int_equal(pages, k / 7 + 1);
    query_free(p);
}

static void test_pagination(void **st)
{
    (void)st;
    struct store *s = ro();
    check_pages(s, "level>=info", 0);
    check_pages(s, "level>=info", 1);
    /* a stopping callback ends the page early without an error */
    struct plan *p = compile("");
    struct err e = {0};
    struct store_page pg = {.limit = 50};
    assert_int_equal(store_query(s, p, &pg, NULL, NULL, &e), 50);
    query_free(p);
    store_close(s);
}

/* Every way of finding a word's rows on a page (exec_page's LIST, SET and
 * WALK, bounded or not, and the plans after a bounded walk; listed
 * rowids, the covering rec_ts walk over the FTS list, the ld_words walk)
 * gives the same pages; also for field tokens. */
static void test_fts_strategies(void **st)
{
    (void)st;
    static const char *const words[] = {
        "timeout", "conn*", "user", "reset", "timeout since:\"2023-11-14 22:15:00\"",
        "-timeout level>=warning", "\"connection reset\"", "nosuchword",
        "path:/api/*", "path:/health", "process.id:3", "service:api timeout",
        "cid:3f2a000*", "http.request.method:POST reset", "path:/nosuch*",
        "http.request.method:PO*", "http.request.method:P* timeout", "path:/api/* level>=warning",
    };
    /* page: exec_page's cap; pfew: ids it reads before choosing; pwalk:
     * rows of its bounded walk (-1: none); pset: SET (1) or LIST (-1) */
    static const struct { int few; int64_t cap, page, pfew, pwalk; int pset; } modes[] = {
        {0, 0, 0, 0, 0, 0}, {1, 1000000, -1, 0, 0, 0}, {1, 1, -1, 0, 0, 0},
        {0, 0, -1, 0, 0, 0}, {0, 0, 3, 0, 0, 0},
        {0, 0, 0, 0, 0, 1}, {0, 0, 0, 0, 0, -1},        /* SET, LIST */
        {0, 0, 0, 2, 1, 1}, {0, 0, 0, 2, 3, -1},        /* a walk of 1 or 3 rows, then SET/LIST */
        {0, 0, 0, 2, -1, 0}, {0, 0, 30, 2, 5, 0},       /* no walk; a walk then an unbounded one */
        {1, 1, 0, 1, 2, 0}};
    struct store *s = ro();
    struct err e = {0};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        struct plan *p = compile(words[w]);
        struct collect all = {0};
        struct store_page pg = {0};
        assert_true(store_query(s, p, &pg, collect_row, &all, &e) >= 0);
        /* each mode with a WALK's window filter (exec_win.c) and without */
        for (size_t mw = 0; mw < 2 * (sizeof modes / sizeof modes[0]); mw++) {
            size_t m = mw / 2;
            s->exec->page_win = mw % 2 ? -1 : 0;
            s->exec->fts_few = modes[m].few;
            s->exec->fts_cap = modes[m].cap;
            s->exec->page_cap = modes[m].page;
            s->exec->page_few = modes[m].pfew;
            s->exec->page_walk = modes[m].pwalk;
            s->exec->page_set = modes[m].pset;
            for (int oldest = 0; oldest < 2; oldest++) {
                struct store_page pp = {.limit = 7, .oldest_first = oldest};
                int seen = 0;
                for (;;) {
                    struct collect c = {0};
                    int got = store_query(s, p, &pp, collect_row, &c, &e);
                    if (got < 0)
                        fail_msg("[%s] mode %zu: %s", words[w], m, e.msg);
                    for (int i = 0; i < got; i++, seen++) {
                        int64_t want = all.ids[oldest ? all.n - 1 - seen : seen];
                        if (c.ids[i] != want)
                            fail_msg("[%s] mode %zu oldest %d: row %d is %lld, want %lld",
                                     words[w], m, oldest, seen, (long long)c.ids[i],
                                     (long long)want);
                    }
                    if (got < 7)
                        break;
                    pp.has_cursor = 1;
                    pp.cursor_ts = c.last_ts;
                    pp.cursor_id = c.last_id;
                }
                if (seen != all.n)
                    fail_msg("[%s] mode %zu oldest %d: %d rows, want %d", words[w], m, oldest,
                             seen, all.n);
            }
        }
        s->exec->fts_few = 0;
        s->exec->fts_cap = 0;
        s->exec->page_cap = 0;
        s->exec->page_few = 0;
        s->exec->page_walk = 0;
        s->exec->page_set = 0;
        s->exec->page_win = 0;
        query_free(p);
    }
    store_close(s);
}

/* A WALK for a field read from the text point-queries only the rows its
 * token's ids hold (exec_win.c): before, each row walked was read, its
 * text decoded and its JSON parsed (~6 rows a match here, ~18 for
 * http.request.method:POST in tests/bench/bench_store.sh's 1M corpus).
 * The pages are the truth's, newest first, with and without the filter. */
static void test_walk_filter(void **st)
{
    (void)st;
    static const struct { const char *q; pred_fn pred; } qs[] = {
        {"http.request.method:POST", p_post}, {"process.id:3", p_pid3}};
    struct store *s = ro();
    struct err e = {0};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        int want[N], nw = 0;
        for (int i = N - 1; i >= 0; i--)
            if (qs[k].pred(&recs[i]))
                want[nw++] = (int)recs[i].id;
        assert_true(nw > 20);
        struct plan *p = compile(qs[k].q);
        for (int win = 0; win < 2; win++) {
            s->exec->page_win = win ? 0 : -1;
            s->exec->page_few = 2;        /* the list not read to its end ... */
            s->exec->page_walk = 10000;   /* ... and a WALK for the whole page */
            s->exec->point_reads = s->exec->win_reads = 0;
            struct store_page pg = {.limit = 7};
            struct collect c = {0};
            assert_int_equal(store_query(s, p, &pg, collect_row, &c, &e), 7);
            for (int i = 0; i < 7; i++)
                assert_int_equal(c.ids[i], want[i]);
            if (win) {   /* one window (600 ids), one point query a row shown */
                assert_int_equal(s->exec->win_reads, 1);
                assert_int_equal(s->exec->point_reads, 7);
            } else {     /* every row walked down to the 7th match */
                assert_int_equal(s->exec->win_reads, 0);
                assert_true(s->exec->point_reads > 20);
            }
        }
        query_free(p);
    }
    s->exec->page_win = 0;
    s->exec->page_few = 0;
    s->exec->page_walk = 0;
    store_close(s);
}

/* --- traces ---------------------------------------------------------------- */

static void test_trace(void **st)
{
    (void)st;
    struct store *s = ro();
    struct err e = {0};
    int files_seen = 0;
    for (int t = 0; t < NTRACE; t++) {
        char cid[40];
        trace_cid(t, 0, cid);
        struct trace tr;
        assert_int_equal(trace_load(s, cid, &tr, &e), 0);
        int k = 0, errs = 0, first_err = -1;
        for (int i = 0; i < N; i++) {
            if (trace_no(&recs[i]) != t)
                continue;
            assert_true((size_t)k < tr.n);
            assert_int_equal(tr.steps[k].row.id, recs[i].id);
            assert_int_equal(tr.steps[k].offset_us, recs[i].ts - tr.steps[0].row.rec.ts);
            assert_string_equal(tr.steps[k].row.file, files[recs[i].file]);
            files_seen |= 1 << recs[i].file;
            if (recs[i].level >= LVL_ERROR && first_err < 0)
                first_err = k;
            errs += recs[i].level >= LVL_ERROR;
            k++;
        }
        assert_int_equal(tr.n, (size_t)k);
        assert_int_equal(tr.errors, errs);
        assert_int_equal(tr.first_error, first_err);
        assert_int_equal(tr.span_us, tr.last_ts - tr.first_ts);
        int64_t per = 0;
        for (size_t i = 0; i < tr.nservices; i++)
            per += tr.services[i].count;
        assert_int_equal(per, k);
        trace_fini(&tr);
    }
    assert_int_equal(files_seen, 7);   /* JSON, text and logfmt files */
    struct trace tr;
    assert_int_equal(trace_load(s, "no-such-id", &tr, &e), 0);
    assert_int_equal(tr.n, 0);
    trace_fini(&tr);
    store_close(s);
}

/* --- stats ----------------------------------------------------------------- */

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double rank(const double *v, int n, int pct)
{
    int r = (pct * n + 99) / 100;   /* ceil(pct/100 * n) in integers */
    return v[(r < 1 ? 1 : r) - 1];
}

static void check_latency(const struct stats *stt)
{
    static double v[N];
    int n = 0;
    for (int i = 0; i < N; i++)
        if (recs[i].has_dur)
            v[n++] = recs[i].dur;
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    assert_int_equal(stt->latency.n, n);
    assert_true(stt->latency.p50 == rank(v, n, 50));
    assert_true(stt->latency.p95 == rank(v, n, 95));
    assert_true(stt->latency.p99 == rank(v, n, 99));
    assert_true(stt->latency.max == v[n - 1]);
}

static void check_templates(const struct stats *stt)
{
    static const char *const tmpl[6] = {
        "request finished in <num> ms", "Connection reset by peer", "user <num> not found",
        "timeout calling upstream <uuid>", "connection pool reset", "cache miss for key <str>",
    };
    int64_t cnt[6] = {0};
    for (int i = 0; i < N; i++)
        if (recs[i].level >= LVL_ERROR)
            cnt[recs[i].kind]++;
    size_t kinds = 0;
    for (int k = 0; k < 6; k++)
        kinds += cnt[k] > 0;
    assert_int_equal(stt->ntemplates, kinds);
    for (size_t j = 0; j < stt->ntemplates; j++) {
        int k = 0;
        while (k < 6 && strcmp(tmpl[k], stt->templates[j].template) != 0)
            k++;
        if (k == 6)
            fail_msg("unexpected template [%s]", stt->templates[j].template);
        assert_int_equal(stt->templates[j].count, cnt[k]);
        if (j)
            assert_true(stt->templates[j - 1].count >= stt->templates[j].count);
    }
}

static void check_metrics(const struct stats *stt)
{
    assert_int_equal(stt->nmetrics, 2);
    for (size_t m = 0; m < 2; m++) {
        const struct stats_metric *x = &stt->metrics[m];
        double mn = 1e9, mx = -1e9, sum = 0, last = 0;
        int64_t c = 0;
        for (int i = 0; i < N; i++) {
            if (!recs[i].has_metric || strcmp(recs[i].metric, x->name) != 0)
                continue;
            mn = recs[i].mval < mn ? recs[i].mval : mn;
            mx = recs[i].mval > mx ? recs[i].mval : mx;
            sum += recs[i].mval;
            last = recs[i].mval;
            c++;
        }
        assert_string_equal(x->name, m == 0 ? "cpu" : "mem");
        assert_int_equal(x->count, c);
        assert_true(x->min == mn && x->max == mx && x->last == last);
        assert_true(x->avg > sum / (double)c - 1e-9 && x->avg < sum / (double)c + 1e-9);
    }
}

static void check_hist(const struct stats *stt)
{
    int64_t total = 0;
    assert_int_equal(stt->bucket_us, 5 * 60000000LL);   /* 300 s span: 1-minute buckets fit */
    for (size_t b = 0; b < stt->nhist; b++) {
        int64_t want = 0;
        for (int i = 0; i < N; i++)
            want += recs[i].ts >= stt->hist[b].start && recs[i].ts < stt->hist[b].start + stt->bucket_us;
        assert_int_equal(stt->hist[b].count, want);
        total += stt->hist[b].count;
    }
    assert_int_equal(total, N);
}

static void test_stats(void **st)
{
    (void)st;
    struct store *s = ro();
    struct err e = {0};
    struct plan *p = compile("");
    struct stats_opts o;
    stats_opts_init(&o);
    o.by_field = PF_SERVICE;
    o.max_buckets = 2;
    struct stats stt;
    assert_int_equal(stats_compute(s, p, &o, &stt, &e), 0);
    int64_t lv[LVL_COUNT] = {0}, errs = 0, c5 = 0, c2 = 0;
    for (int i = 0; i < N; i++) {
        lv[recs[i].level]++;
        errs += recs[i].level >= LVL_ERROR;
        c5 += recs[i].has_status && recs[i].status >= 500;
        c2 += recs[i].has_status && recs[i].status < 300;
    }
    assert_int_equal(stt.count, N);
    for (int l = 0; l < LVL_COUNT; l++)
        assert_int_equal(stt.by_level[l], lv[l]);
    assert_int_equal(stt.errors, errs);
    assert_true(stt.error_rate == (double)errs / N);
    assert_int_equal(stt.status_class[5], c5);
    assert_int_equal(stt.status_class[2], c2);
    check_latency(&stt);
    check_templates(&stt);
    check_metrics(&stt);
    check_hist(&stt);
    assert_int_equal(stt.ngroups, 4);
    for (size_t g = 0; g < stt.ngroups; g++) {
        int64_t c = 0, ge = 0;
        for (int i = 0; i < N; i++) {
            /* service, else the logger every record here has */
            const char *k = recs[i].service ? recs[i].service : "app.core";
            if (strcmp(k, stt.groups[g].key) == 0) {
                c++;
                ge += recs[i].level >= LVL_ERROR;
            }
        }
        assert_int_equal(stt.groups[g].count, c);
        assert_int_equal(stt.groups[g].errors, ge);
    }
    stats_fini(&stt);
    query_free(p);
    store_close(s);
}


/* --- stats from the rollups ------------------------------------------------- */

static void near(double got, double want, double rel, const char *what, const char *q, int by)
{
    double tol = rel * fabs(want) + 1e-9;
    if (fabs(got - want) > tol)
        fail_msg("[%s] by %d: %s %.9g, the scan says %.9g", q, by, what, got, want);
}

static void same_latency(const struct stats_latency *r, const struct stats_latency *x,
                         const char *q, int by)
{
    assert_int_equal(r->n, x->n);
    near(r->min, x->min, 0, "min", q, by);
    near(r->max, x->max, 0, "max", q, by);
    near(r->avg, x->avg, 1e-12, "avg", q, by);
    near(r->p50, x->p50, LHIST_REL_ERR, "p50", q, by);
    near(r->p95, x->p95, LHIST_REL_ERR, "p95", q, by);
    near(r->p99, x->p99, LHIST_REL_ERR, "p99", q, by);
}

/* Every figure of stats from the rollups equals the scan's (percentiles
 * within 1%). */
static void same_stats(const struct stats *r, const struct stats *x, const char *q, int by)
{
    if (strncmp(r->how, "rollups:", 8) != 0)
        fail_msg("[%s] by %d: not from the rollups: %s", q, by, r->how);
    assert_int_equal(r->count, x->count);
    for (int l = 0; l < LVL_COUNT; l++)
        assert_int_equal(r->by_level[l], x->by_level[l]);
    assert_int_equal(r->errors, x->errors);
    assert_true(r->error_rate == x->error_rate);
    assert_int_equal(r->first_ts, x->first_ts);
    assert_int_equal(r->last_ts, x->last_ts);
    for (int c = 0; c < 6; c++)
        assert_int_equal(r->status_class[c], x->status_class[c]);
    assert_int_equal(r->with_status, x->with_status);
    same_latency(&r->latency, &x->latency, q, by);
    assert_true(r->approx == LHIST_REL_ERR && x->approx == 0);
    assert_int_equal(r->nhist, x->nhist);
    assert_int_equal(r->bucket_us, x->bucket_us);
    for (size_t i = 0; i < r->nhist; i++) {
        assert_int_equal(r->hist[i].start, x->hist[i].start);
        assert_int_equal(r->hist[i].count, x->hist[i].count);
        for (int l = 0; l < LVL_COUNT; l++)
            assert_int_equal(r->hist[i].by_level[l], x->hist[i].by_level[l]);
    }
    assert_int_equal(r->ngroups, x->ngroups);
    assert_int_equal(r->ngroups_total, x->ngroups_total);
    for (size_t i = 0; i < r->ngroups; i++) {
        assert_string_equal(r->groups[i].key, x->groups[i].key);
        assert_int_equal(r->groups[i].count, x->groups[i].count);
        assert_int_equal(r->groups[i].errors, x->groups[i].errors);
        same_latency(&r->groups[i].lat, &x->groups[i].lat, q, by);
    }
    assert_int_equal(r->ntemplates, x->ntemplates);
    assert_int_equal(r->ntemplates_total, x->ntemplates_total);
    for (size_t i = 0; i < r->ntemplates; i++) {
        assert_string_equal(r->templates[i].template, x->templates[i].template);
        assert_int_equal(r->templates[i].count, x->templates[i].count);
        assert_int_equal(r->templates[i].first, x->templates[i].first);
        assert_int_equal(r->templates[i].last, x->templates[i].last);
    }
    assert_int_equal(r->nmetrics, x->nmetrics);
    for (size_t i = 0; i < r->nmetrics; i++) {
        assert_string_equal(r->metrics[i].name, x->metrics[i].name);
        assert_int_equal(r->metrics[i].count, x->metrics[i].count);
        near(r->metrics[i].min, x->metrics[i].min, 0, "metric min", q, by);
        near(r->metrics[i].max, x->metrics[i].max, 0, "metric max", q, by);
        near(r->metrics[i].last, x->metrics[i].last, 0, "metric last", q, by);
        assert_int_equal(r->metrics[i].last_ts, x->metrics[i].last_ts);
        near(r->metrics[i].avg, x->metrics[i].avg, 1e-12, "metric avg", q, by);
    }
}

static void compare_stats(struct store *s, const char *q, int by, const char *by_path)
{
    struct err e = {0};
    struct plan *p = compile(q);
    struct stats_opts o;
    stats_opts_init(&o);
    o.by_field = by;
    o.by_path = by_path;
    struct stats r, x;
    o.from = STATS_ROLLUPS;
    if (stats_compute(s, p, &o, &r, &e) != 0)
        fail_msg("[%s]: %s", q, e.msg);
    o.from = STATS_SCAN;
    if (stats_compute(s, p, &o, &x, &e) != 0)
        fail_msg("[%s]: %s", q, e.msg);
    same_stats(&r, &x, q, by);
    stats_fini(&r);
    stats_fini(&x);
    query_free(p);
}

/* T0 is 22:13:20 UTC: the bounds below cut minutes at both ends. */
static const char *const roll_queries[] = {
    "", "level>=error", "service:api", "-path:/health", "path:/api/*", "metric:cpu OR level:debug",
    "since:2023-11-14T22:14:35Z until:2023-11-14T22:17:10Z",
    "level>=warning service:worker since:2023-11-14T22:14:00Z",
    "NOT (service:gateway OR level:info) until:2023-11-14T22:16:59.5Z", "path:* metric:mem",
};

static void test_stats_rollups(void **st)
{
    (void)st;
    struct store *s = ro();
    static const struct { int f; const char *path; } bys[] = {
        {-1, NULL}, {PF_SERVICE, "service"}, {PF_JSON, "path"}, {PF_LEVEL, "level"},
        {PF_METRIC, "metric"}};
    for (size_t q = 0; q < sizeof roll_queries / sizeof roll_queries[0]; q++)
        for (size_t b = 0; b < sizeof bys / sizeof bys[0]; b++)
            compare_stats(s, roll_queries[q], bys[b].f, bys[b].path);
    /* a small store, a word, another field: an exact scan, saying why */
    struct err e = {0};
    static const char *const scans[] = {"", "timeout", "process.id:3"};
    for (size_t i = 0; i < 3; i++) {
        struct plan *p = compile(scans[i]);
        struct stats_opts o;
        stats_opts_init(&o);
        o.from = i ? STATS_ROLLUPS : STATS_AUTO;
        struct stats x;
        assert_int_equal(stats_compute(s, p, &o, &x, &e), 0);
        if (strncmp(x.how, "scan:", 5) != 0)
            fail_msg("[%s]: %s", scans[i], x.how);
        assert_int_equal(x.approx == 0, 1);
        stats_fini(&x);
        query_free(p);
    }
    store_close(s);
}

static void test_stats_filtered(void **st)
{
    (void)st;
    struct store *s = ro();
    struct err e = {0};
    struct plan *p = compile("service:api");
    struct stats stt;
    struct stats_opts o;
    stats_opts_init(&o);
    o.by_field = PF_JSON;
    o.by_path = "path";
    assert_int_equal(stats_compute(s, p, &o, &stt, &e), 0);
    int64_t c = 0, health = 0;
    for (int i = 0; i < N; i++)
        if (is_svc(&recs[i], "api")) {
            c++;
            health += structured(&recs[i]) && recs[i].health;
        }
    assert_int_equal(stt.count, c);
    int found = 0;
    for (size_t g = 0; g < stt.ngroups; g++)
        if (strcmp(stt.groups[g].key, "/health") == 0) {
            assert_int_equal(stt.groups[g].count, health);
            found = 1;
        }
    assert_int_equal(found, health > 0);
    stats_fini(&stt);
    query_free(p);
    store_close(s);
}

static void test_templates(void **st)
{
    (void)st;
    static const char *const tcases[][2] = {
        {"user 42 not found", "user <num> not found"},
        {"took 12.5 ms", "took <num> ms"},
        {"id 550e8400-e29b-41d4-a716-446655440000 gone", "id <uuid> gone"},
        {"ptr 0x7ffd1234 bad", "ptr <hex> bad"},
        {"hash deadbeef12 mismatch", "hash <hex> mismatch"},
        {"key 'abc' and \"x y\" missing", "key <str> and <str> missing"},
        {"Traceback line 1\n  File x", "Traceback line <num>"},
        {"no variables here", "no variables here"},
        {"don't stop", "don't stop"},
    };
    for (size_t i = 0; i < sizeof tcases / sizeof tcases[0]; i++) {
        char *t = stats_template(tcases[i][0], strlen(tcases[i][0]));
        assert_string_equal(t, tcases[i][1]);
        free(t);
    }
    double v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assert_true(stats_percentile(v, 10, 50) == 5);
    assert_true(stats_percentile(v, 10, 95) == 10);
    assert_true(stats_percentile(v, 10, 10) == 1);
    assert_true(stats_percentile(v, 10, 11) == 2);
    assert_true(stats_percentile(v, 1, 99) == 1);
}

static struct store *rw(void)
{
    return store_tmp_open(dbpath, STORE_WRITE);
}

/* A one-line record of service svc at ts, added to w's open batch. */
static void add_late(struct store *w, const char *svc, int64_t ts)
{
    struct err e = {0};
    struct record rec = {.ts = ts, .level = 3, .format = FMT_RAW, .service = svc,
                         .msg = "late", .msg_len = 4, .raw = "late", .raw_len = 4, .nlines = 1};
    assert_int_equal(store_add(w, 1, &rec, &e), 0);
}

/* A reader sees committed rows only, while a writer holds a batch. */
static void test_concurrent_reader(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *w = rw(), *r = ro();
    struct plan *p = compile("service:late");
    int64_t n = -1;
    assert_int_equal(store_begin(w, &e), 0);
    add_late(w, "late", T0);
    assert_int_equal(store_count(r, p, 0, 0, &n, &e), 0);
    assert_int_equal(n, 0);
    store_rollback(w);
    assert_int_equal(store_count(r, p, 0, 0, &n, &e), 0);
    assert_int_equal(n, 0);
    query_free(p);
    store_close(r);
    store_close(w);
}

static int stop_row(void *ctx, const struct store_row *row)
{
    (void)row;
    ++*(int *)ctx;
    return 1;
}

/* A batch of one "late2" record at ts, committed. */
static void commit_late(struct store *w, int64_t ts)
{
    struct err e = {0};
    assert_int_equal(store_begin(w, &e), 0);
    add_late(w, "late2", ts);
    assert_int_equal(store_commit(w, &e), 0);
}

/* A page is one read transaction (exec.c): it ends with the page, also
 * when the caller stops early, so the next page sees what was committed
 * meanwhile; and a one-shot reader (small cache, no map) reads the same. */
static void test_page_sees_commits(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *w = rw(), *r = ro();
    store_exec_oneshot(r);
    struct plan *p = compile("service:late2");
    struct store_page pg = {0};
    struct collect got = {0};
    assert_int_equal(store_query(r, p, &pg, collect_row, &got, &e), 0);
    commit_late(w, T0 + 1000);
    commit_late(w, T0 + 2000);
    int stopped = 0;
    assert_int_equal(store_query(r, p, &pg, stop_row, &stopped, &e), 1);
    assert_int_equal(stopped, 1);
    commit_late(w, T0 + 3000);
    memset(&got, 0, sizeof got);
    assert_int_equal(store_query(r, p, &pg, collect_row, &got, &e), 3);
    assert_int_equal(got.n, 3);
    assert_true(got.ids[0] > got.ids[1] && got.ids[1] > got.ids[2]);   /* newest first */
    int64_t n = -1;
    assert_int_equal(store_count(r, p, 0, 0, &n, &e), 0);
    assert_int_equal(n, 3);
    query_free(p);
    store_close(r);
    store_close(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queries),       cmocka_unit_test(test_oneshot),
        cmocka_unit_test(test_level_counts),
        cmocka_unit_test(test_pagination),    cmocka_unit_test(test_fts_strategies),
        cmocka_unit_test(test_walk_filter),
        cmocka_unit_test(test_trace),
        cmocka_unit_test(test_stats),         cmocka_unit_test(test_stats_filtered),
        cmocka_unit_test(test_stats_rollups),
        cmocka_unit_test(test_templates),     cmocka_unit_test(test_concurrent_reader),
        cmocka_unit_test(test_page_sees_commits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
