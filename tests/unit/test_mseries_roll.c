/* test_mseries_roll: the metrics view's series and tiers (the spec
 * src/report/mseries.c asks of store_aggregate) from the per-minute
 * rollups equal one scan of the records: per-group bucket counts and
 * errors (by service with the source fallback naming, by path), per-metric
 * bucket sums and counts, and the slow-request tiers exact although
 * durations sit at and around the cuts. The range cuts a minute at either
 * end; a filter the cells cannot decide is answered by the scan; the `how`
 * string says which path answered. */
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

#include "db/agg.h"
#include "src/query/query.h"
#include "src/report/metrics.h"
#include "src/report/tiers.h"
#include "store_tmp.h"

#define N 70000   /* above AGG_SCAN_MAX: AGG_AUTO takes the rollups when it can */
#define MIN 60000000LL
#define T0 (1714557600000000LL)   /* 2024-05-01T10:00:00Z */

static char dbpath[256];

/* durations at, just below and just above the tier cuts, in the cuts'
 * histogram buckets and outside them */
static const double durs[] = {0,      0.5,   12,     98.9,   99.5,    99.99, 100,
                              100.4,  101.9, 250,    990,    999.9,   999.99, 1000,
                              1000.5, 1001,  1019.9, 4950,   4999.99, 5000,   5000.01,
                              5050,   12000, 99.999, 1000.01,
                              /* just above and below the lower bounds of the cuts' buckets */
                              98.909929, 98.909910, 983.693534, 983.693337, 4989.693866,
                              4989.692868};
#define NDURS (sizeof durs / sizeof *durs)

static void fill(struct store *s, int64_t fid)
{
    static const char *const svcs[] = {"api", "worker", NULL, NULL};
    static const char *const loggers[] = {NULL, "celery", "app.tts", NULL};
    static const char *const paths[] = {"/api/v1/a", "/api/v1/b", "/health", NULL};
    static const char *const metrics[] = {"queue_length", "cache_hits"};
    static const int levels[] = {LVL_INFO,  LVL_INFO, LVL_WARNING, LVL_ERROR,
                                 LVL_DEBUG, LVL_INFO, LVL_CRITICAL};
    struct err e = {0};
    char msg[64], raw[256];
    for (int i = 0; i < N; i++) {
        int sv = i % 4, pa = (i / 4) % 4, lv = levels[i % 7];
        int64_t ts = T0 + (int64_t)i * (60 * MIN / N) + i % 7;
        int has_dur = i % 5 != 4, has_metric = i % 9 == 2;
        double dur = durs[(size_t)(i / 3) % NDURS];
        snprintf(msg, sizeof msg, "request %d done", i);
        if (paths[pa])
            snprintf(raw, sizeof raw, "{\"msg\":\"%s\",\"path\":\"%s\"}", msg, paths[pa]);
        else
            snprintf(raw, sizeof raw, "{\"msg\":\"%s\"}", msg);
        struct record r = {
            .ts = ts, .level = lv, .format = FMT_JSON, .service = svcs[sv],
            .logger = loggers[sv], .msg = msg, .msg_len = strlen(msg), .raw = raw,
            .raw_len = strlen(raw), .path = paths[pa], .duration_ms = dur,
            .has_duration = has_dur, .nlines = 1,
        };
        if (has_metric) {
            r.metric_name = metrics[i % 2];
            r.metric_value = (i % 13) * 0.25;
            r.has_metric = 1;
        }
        assert_int_equal(store_add(s, fid, &r, &e), 0);
    }
}

static int setup(void **st)
{
    (void)st;
    struct err e = {0};
    snprintf(dbpath, sizeof dbpath, "/tmp/test_mseries_roll.%d.db", (int)getpid());
    store_tmp_remove(dbpath);
    struct store *s = store_open(dbpath, STORE_WRITE, &e);
    if (!s)
        fail_msg("%s", e.msg);
    struct store_file sf = {0};
    snprintf(sf.path, sizeof sf.path, "/logs/gateway.jsonl");
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
    store_tmp_remove(dbpath);
    return 0;
}

/* The spec mseries_compute asks (src/report/mseries.c). */
static struct store_agg_spec series_spec(int paths, int64_t since, int64_t until,
                                         int64_t origin, int64_t bucket_us, int nb, int from)
{
    return (struct store_agg_spec){
        .value_field = PF_DURATION, .group_field = paths ? PF_JSON : PF_SERVICE,
        .group_path = paths ? "path" : "service", .group_source = 1, .since = since,
        .until = until, .bucket_us = bucket_us, .origin = origin, .nb = nb,
        .msg_min_level = LVL_COUNT, .metrics = !paths, .tiers = 1,
        .cuts = {TIER_NORMAL_MS, TIER_SLOW_MS, TIER_VERY_SLOW_MS}, .from = from,
    };
}

static const struct store_agg_group *group(const struct store_agg *a, const char *key)
{
    for (size_t i = 0; i < a->ngroups; i++)
        if (strcmp(a->groups[i].key, key) == 0)
            return &a->groups[i];
    return NULL;
}

static const struct store_agg_metric *metric(const struct store_agg *a, const char *name)
{
    for (size_t i = 0; i < a->nmetrics; i++)
        if (strcmp(a->metrics[i].name, name) == 0)
            return &a->metrics[i];
    return NULL;
}

/* Every series figure of got equals want's (sums within rounding). */
static void same(const struct store_agg *want, const struct store_agg *got, int nb)
{
    assert_int_equal(got->count, want->count);
    for (int l = 0; l < LVL_COUNT; l++)
        assert_int_equal(got->by_level[l], want->by_level[l]);
    assert_int_equal(got->tiered, want->tiered);
    for (int t = 0; t <= AGG_NCUT; t++)
        assert_int_equal(got->tier[t], want->tier[t]);
    assert_int_equal(got->ngroups, want->ngroups);
    for (size_t i = 0; i < want->ngroups; i++) {
        const struct store_agg_group *w = &want->groups[i], *g = group(got, w->key);
        assert_non_null(g);
        assert_int_equal(g->count, w->count);
        assert_int_equal(g->errors, w->errors);
        for (int b = 0; b < nb; b++) {
            assert_int_equal(g->bcount[b], w->bcount[b]);
            assert_int_equal(g->berrors[b], w->berrors[b]);
        }
    }
    assert_int_equal(got->nmetrics, want->nmetrics);
    for (size_t i = 0; i < want->nmetrics; i++) {
        const struct store_agg_metric *w = &want->metrics[i], *m = metric(got, w->name);
        assert_non_null(m);
        assert_int_equal(m->count, w->count);
        for (int b = 0; b < nb; b++) {
            assert_int_equal(m->bn[b], w->bn[b]);
            assert_true(fabs(m->bsum[b] - w->bsum[b]) <= 1e-9 * (1 + fabs(w->bsum[b])));
        }
    }
}

/* AGG_SCAN against AGG_AUTO for query q; returns whether the rollups
 * answered (how). */
static int compare(struct store *s, const char *q, int paths, int64_t since, int64_t until,
                   int64_t origin, int64_t bucket_us, int nb)
{
    struct err e = {0};
    struct plan *p = query_compile(q, T0, NULL, &e);
    assert_non_null(p);
    struct store_agg_spec scan = series_spec(paths, since, until, origin, bucket_us, nb, AGG_SCAN);
    struct store_agg_spec roll = series_spec(paths, since, until, origin, bucket_us, nb, AGG_AUTO);
    struct store_agg want, got;
    assert_int_equal(store_aggregate(s, p, &scan, &want, &e), 0);
    assert_int_equal(store_aggregate(s, p, &roll, &got, &e), 0);
    assert_true(want.count > 0);
    assert_true(want.tier[0] && want.tier[1] && want.tier[2] && want.tier[3]);
    same(&want, &got, nb);
    int rolled = strncmp(got.how, "rollups:", 8) == 0;
    if (!rolled)
        print_message("%s: %s\n", q, got.how);
    store_agg_fini(&want);
    store_agg_fini(&got);
    query_free(p);
    return rolled;
}

static void test_rollups_equal_scan(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *s = store_open(dbpath, STORE_READ, &e);
    assert_non_null(s);
    /* the view's hour, minute buckets (the range holds every record: the
     * tiers from rec_dur alone); then 2-minute buckets and a range cut 30 s
     * into its first minute and 20 s before the end of its last */
    int64_t since = T0 + 30000000, until = T0 + 60 * MIN - 20000000;
    for (int paths = 0; paths < 2; paths++) {
        assert_true(compare(s, "", paths, T0, T0 + 60 * MIN - 1, T0 + 50 * MIN, MIN, 10));
        assert_true(compare(s, "", paths, since, until, T0 + 40 * MIN, 2 * MIN, 10));
        assert_true(compare(s, "", paths, since, until, since - 30000000 + 50 * MIN, 5 * MIN, 3));
        /* whole minutes inside the records' span: rec_dur read with each record */
        assert_true(compare(s, "", paths, T0 + MIN, T0 + 59 * MIN - 1, T0 + 40 * MIN, MIN, 10));
        /* the whole span, a filter: the same */
        assert_true(compare(s, "service:api OR service:app.tts", paths, T0, T0 + 60 * MIN - 1,
                            T0 + 50 * MIN, MIN, 10));
        /* filters the cells decide */
        assert_true(compare(s, "level>=warn", paths, since, until, T0 + 40 * MIN, 2 * MIN, 10));
        assert_true(compare(s, "service:api OR service:app.tts", paths, since, until,
                            T0 + 40 * MIN, 2 * MIN, 10));
        assert_true(compare(s, "path:/api/v1/*", paths, since, until, T0 + 40 * MIN, MIN, 20));
        /* a word is not in the cells: the scan */
        assert_false(compare(s, "done", paths, since, until, T0 + 40 * MIN, 2 * MIN, 10));
    }
    store_close(s);
}

static int polls;
static int stop_now(void *ctx)
{
    (void)ctx;
    polls++;
    return 1;
}

/* The rollup path polls the caller's cancel as the scan does: asked to stop,
 * it says the result is incomplete, both where the durations at the cuts
 * come from rec_dur alone (the whole span) and with each record (a filter). */
static void test_rollups_cancel(void **st)
{
    (void)st;
    static const char *const qs[] = {"", "service:api OR service:app.tts"};
    struct err e = {0};
    struct store *s = store_open(dbpath, STORE_READ, &e);
    assert_non_null(s);
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        struct plan *p = query_compile(qs[i], T0, NULL, &e);
        assert_non_null(p);
        struct store_agg_spec sp = series_spec(0, T0, T0 + 60 * MIN - 1, T0 + 50 * MIN, MIN, 10,
                                               AGG_AUTO);
        sp.cancelled = stop_now;
        polls = 0;
        struct store_agg a;
        assert_int_equal(store_aggregate(s, p, &sp, &a, &e), 0);
        assert_string_equal(strncmp(a.how, "rollups:", 8) == 0 ? "rollups:" : a.how, "rollups:");
        assert_int_equal(a.cancelled, 1);
        assert_int_equal(polls, 1);
        store_agg_fini(&a);
        query_free(p);
    }
    store_close(s);
}

/* The metrics view's own parts (metrics_part_compute) give the scan's
 * numbers too. */
static void test_view_parts(void **st)
{
    (void)st;
    struct err e = {0};
    struct store *s = store_open(dbpath, STORE_READ, &e);
    struct plan *p = query_compile("", T0, NULL, &e);
    assert_non_null(s);
    assert_non_null(p);
    struct metrics_req *rq = metrics_req_new("", T0, T0, T0 + 60 * MIN, MIN, 30);
    struct metrics_part *se = metrics_part_compute(s, p, rq, MK_SERIES_SVC, NULL, NULL);
    assert_false(se->failed);
    struct store_agg_spec scan = series_spec(0, T0, T0 + 60 * MIN - 1, T0 + 30 * MIN, MIN, 30,
                                             AGG_SCAN);
    struct store_agg want;
    assert_int_equal(store_aggregate(s, p, &scan, &want, &e), 0);
    assert_int_equal(se->se.rows, N);
    for (int t = 0; t < TIER_COUNT; t++)
        assert_int_equal(se->se.tiers.n[t], want.tier[t]);
    assert_int_equal(se->se.ngroups, want.ngroups);
    for (size_t i = 0; i < want.ngroups; i++) {
        const struct ms_group *g = mseries_group(&se->se, want.groups[i].key);
        assert_non_null(g);
        for (int b = 0; b < 30; b++)
            assert_int_equal(g->count[b], want.groups[i].bcount[b]);
    }
    /* the fallback names: a logger, else the file's stem */
    assert_non_null(mseries_group(&se->se, "app.tts"));
    assert_non_null(mseries_group(&se->se, "gateway"));
    store_agg_fini(&want);
    metrics_part_free(se);
    metrics_req_free(rq);
    query_free(p);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rollups_equal_scan),
        cmocka_unit_test(test_view_parts),
        cmocka_unit_test(test_rollups_cancel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
