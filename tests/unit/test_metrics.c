/* test_metrics: the metrics view's numbers (metrics.h, mseries.h) on a
 * small store filled through store_add(): per-bucket series per service
 * and per metric name, and tiers, against counts this test keeps itself;
 * the parts agree with stats_compute; ranges, buckets, number formats,
 * table order and the template query. */
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
#include "src/report/metrics.h"
#include "src/query/query.h"

#define N 240
#define MIN 60000000LL
#define T0 (1714557600000000LL)   /* 2024-05-01T10:00:00Z, a whole hour */

static char dbpath[256];
static const char *const svcs[3] = {"api", "worker", NULL};
static int64_t want_count[3][10], want_err[3][10], want_tier[TIER_COUNT];
static double want_msum[10];
static int64_t want_mn[10];

static void fill(struct store *s, int64_t fid)
{
    struct err e = {0};
    char msg[64];
    for (int i = 0; i < N; i++) {
        int sv = i % 3, level = i % 11 == 0 ? LVL_ERROR : LVL_INFO;
        int64_t ts = T0 + (int64_t)i * 15000000;   /* 4 a minute, 60 minutes */
        double dur = (double)((i * 37) % 7000);
        int has_dur = i % 2 == 0, has_metric = i % 4 == 3;
        snprintf(msg, sizeof msg, "request %d done", i);
        struct record r = {
            .ts = ts, .level = level, .format = FMT_JSON, .service = svcs[sv],
            .msg = msg, .msg_len = strlen(msg), .raw = msg, .raw_len = strlen(msg),
            .duration_ms = dur, .has_duration = has_dur, .metric_name = "queue_length",
            .metric_value = i % 13, .has_metric = has_metric, .nlines = 1,
        };
        r.metric_name = has_metric ? "queue_length" : NULL;
        assert_int_equal(store_add(s, fid, &r, &e), 0);
        int b = (int)((ts - (T0 + 50 * MIN)) / (MIN));   /* series: the last 10 minutes */
        if (ts >= T0 + 50 * MIN && b < 10) {
            want_count[sv][b]++;
            want_err[sv][b] += level >= LVL_ERROR;
            if (has_metric) {
                want_msum[b] += i % 13;
                want_mn[b]++;
            }
        }
        if (has_dur)
            want_tier[tiers_of(dur)]++;
    }
}

static int setup(void **st)
{
    (void)st;
    struct err e = {0};
    snprintf(dbpath, sizeof dbpath, "/tmp/test_metrics.%d.db", (int)getpid());
    unlink(dbpath);
    struct store *s = store_open(dbpath, STORE_WRITE, &e);
    if (!s)
        fail_msg("%s", e.msg);
    struct store_file sf = {0};
    snprintf(sf.path, sizeof sf.path, "/logs/app.jsonl");
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_file_put(s, &sf, &e), 0);
    fill(s, sf.id);
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

static void test_series(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *s = store_open(dbpath, STORE_READ, &e);
    struct plan *p = query_compile("", T0, NULL, &e);
    assert_non_null(s);
    assert_non_null(p);
    struct metrics_req *rq = metrics_req_new("", T0, T0, T0 + 60 * MIN, MIN, 10);
    struct metrics_part *se = metrics_part_compute(s, p, rq, MK_SERIES_SVC, NULL, NULL);
    struct metrics_part *sv = metrics_part_compute(s, p, rq, MK_SERVICES, NULL, NULL);
    assert_false(se->failed);
    assert_false(sv->failed);
    assert_int_equal(se->se.nb, 10);
    assert_int_equal(se->se.series_since, T0 + 50 * MIN);
    for (int k = 0; k < 3; k++) {
        /* no service and no logger: the file's name, /logs/app.jsonl -> app */
        const struct ms_group *g = mseries_group(&se->se, svcs[k] ? svcs[k] : "app");
        assert_non_null(g);
        assert_int_equal(g->total, N / 3);
        for (int b = 0; b < 10; b++) {
            assert_int_equal(g->count[b], want_count[k][b]);
            assert_int_equal(g->errors[b], want_err[k][b]);
        }
    }
    for (int t = 0; t < TIER_COUNT; t++)
        assert_int_equal(se->se.tiers.n[t], want_tier[t]);
    const struct ms_metric *m = mseries_metric(&se->se, "queue_length");
    assert_non_null(m);
    for (int b = 0; b < 10; b++) {
        assert_int_equal(m->n[b], want_mn[b]);
        assert_true(m->sum[b] == want_msum[b]);
    }
    /* the same groups and totals as stats_compute */
    assert_int_equal(sv->st.count, N);
    assert_int_equal(sv->st.nhist, 60);
    assert_int_equal(sv->st.hist[0].start, T0);
    assert_int_equal(sv->st.ngroups, 3);
    for (size_t i = 0; i < sv->st.ngroups; i++)
        assert_int_equal(mseries_group(&se->se, sv->st.groups[i].key)->total, sv->st.groups[i].count);
    metrics_part_free(se);
    metrics_part_free(sv);
    metrics_req_free(rq);
    query_free(p);
    store_close(s);
}

static void test_ranges(void **st)
{
    (void)st;
    char b[16];
    assert_int_equal(metrics_bucket(60 * MIN, 73), MIN);
    assert_int_equal(metrics_bucket(60 * MIN, 50), 2 * MIN);
    assert_int_equal(metrics_bucket(1440 * MIN, 73), 30 * MIN);
    assert_int_equal(metrics_bucket(1440 * MIN, 113), 15 * MIN);
    int64_t since, until;
    metrics_range(T0 + 59 * MIN + 40000000, 60 * MIN, MIN, &since, &until);
    assert_int_equal(until, T0 + 60 * MIN);
    assert_int_equal(since, T0);
    assert_int_equal(metrics_live_end(T0 + 300 * MIN, T0, 60 * MIN), T0);   /* old logs */
    assert_int_equal(metrics_live_end(T0 + 30 * MIN, T0, 60 * MIN), T0 + 30 * MIN);
    assert_string_equal(metrics_fmt_width(60 * MIN, b), "1h");
    assert_string_equal(metrics_fmt_width(15 * MIN, b), "15m");
    assert_string_equal(metrics_fmt_width(1440 * MIN, b), "24h");
    assert_string_equal(metrics_fmt_width(4320 * MIN, b), "3d");
    assert_string_equal(metrics_fmt_ms(0.42, 1, b), "0.42ms");
    assert_string_equal(metrics_fmt_ms(8.5, 1, b), "8.5ms");
    assert_string_equal(metrics_fmt_ms(812, 1, b), "812ms");
    assert_string_equal(metrics_fmt_ms(1234, 1, b), "1.23s");
    assert_string_equal(metrics_fmt_ms(12345, 1, b), "12.3s");
    assert_string_equal(metrics_fmt_ms(123456, 1, b), "123s");
    assert_string_equal(metrics_fmt_ms(5, 0, b), "-");
}

static void test_sort(void **st)
{
    (void)st;
    struct stats_group g[3] = {
        {.key = "b", .count = 5, .error_rate = 0.2, .lat = {.n = 1, .p95 = 10}},
        {.key = "a", .count = 9, .error_rate = 0.0, .lat = {.n = 1, .p95 = 300}},
        {.key = "c", .count = 5, .error_rate = 0.5, .lat = {.n = 0}},
    };
    metrics_sort_groups(g, 3, MCOL_COUNT, 1);
    assert_string_equal(g[0].key, "a");
    assert_string_equal(g[1].key, "b");   /* ties: name */
    metrics_sort_groups(g, 3, MCOL_ERR, 1);
    assert_string_equal(g[0].key, "c");
    metrics_sort_groups(g, 3, MCOL_P95, 1);
    assert_string_equal(g[0].key, "a");
    assert_string_equal(g[2].key, "c");   /* no latency sorts last */
    metrics_sort_groups(g, 3, MCOL_NAME, 0);
    assert_string_equal(g[0].key, "a");
    assert_string_equal(g[2].key, "c");
}

static void test_template_query(void **st)
{
    (void)st;
    char q[512];
    assert_int_equal(metrics_template_query("task <num> failed: voice model missing", "", T0,
                                            T0 + 60 * MIN, q, sizeof q), 0);
    assert_string_equal(q, "level>=error \"task\" \"failed: voice model missing\" "
                           "since:2024-05-01T10:00:00.000000Z until:2024-05-01T10:59:59.999999Z");
    assert_int_equal(metrics_template_query("Gemini API error request_id=<uuid> code \"x\"",
                                            "service:api", T0, T0 + MIN, q, sizeof q), 0);
    assert_string_equal(q, "(service:api) level>=error \"Gemini API error request_id=\" \"code\" "
                           "\"x\" since:2024-05-01T10:00:00.000000Z until:2024-05-01T10:00:59.999999Z");
    assert_int_equal(metrics_template_query("<num> <hex>", "", T0, T0 + MIN, q, sizeof q), -1);
    assert_int_equal(metrics_template_query("a long template", "", T0, T0 + MIN, q, 20), -1);
    /* the query compiles and finds exactly those records */
    struct err e = {0};
    struct plan *p = query_compile("level>=error \"request\" \"done\"", T0, NULL, &e);
    assert_non_null(p);
    struct store *s = store_open(dbpath, STORE_READ, &e);
    int64_t n = 0;
    assert_int_equal(store_count(s, p, 0, 0, &n, &e), 0);
    assert_int_equal(n, (N + 10) / 11);
    store_close(s);
    query_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_series),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_template_query),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
