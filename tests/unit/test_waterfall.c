/* test_waterfall: lanes and time-axis geometry of a trace (waterfall.h)
 * on a hand-built trace: lanes by service, else logger, else file; bars
 * end at the record's time and start one duration earlier; the axis
 * covers every bar; columns scale to the width. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "src/report/waterfall.h"

#define T0 1714557600000000LL   /* 2024-05-01T10:00:00Z */

static struct trace_step steps[6];
static struct trace tr;

/* 6 records: gateway (bar 2130 ms ending at +2.130 s), api, a text log
 * (logger only), a record with neither (the file names the lane). */
static void build(void)
{
    static const struct {
        int64_t off_ms;
        const char *svc, *logger, *file;
        int level;
        double dur;
    } d[6] = {
        {0, "gateway", NULL, "/l/gateway.jsonl", LVL_INFO, 0},
        {15, "api", "api.request", "/l/api.jsonl", LVL_INFO, 0},
        {40, NULL, "worker.tasks", "/l/worker.log", LVL_WARNING, 0},
        {250, NULL, NULL, "/l/raw.log", LVL_INFO, 200},
        {2120, "api", "api.request", "/l/api.jsonl", LVL_ERROR, 2105},
        {2130, "gateway", NULL, "/l/gateway.jsonl", LVL_ERROR, 2130},
    };
    memset(steps, 0, sizeof steps);
    for (int i = 0; i < 6; i++) {
        struct store_row *r = &steps[i].row;
        r->id = i + 1;
        r->file = d[i].file;
        r->rec.ts = T0 + d[i].off_ms * 1000;
        r->rec.service = d[i].svc;
        r->rec.logger = d[i].logger;
        r->rec.level = d[i].level;
        r->rec.duration_ms = d[i].dur;
        r->rec.has_duration = d[i].dur > 0;
        steps[i].offset_us = d[i].off_ms * 1000;
    }
    memset(&tr, 0, sizeof tr);
    tr.steps = steps;
    tr.n = 6;
    tr.first_ts = T0;
    tr.last_ts = T0 + 2130000;
}

static void test_lanes(void **st)
{
    (void)st;
    struct wf w;
    build();
    assert_int_equal(wf_build(&w, &tr), 0);
    assert_int_equal(w.nlanes, 4);
    assert_string_equal(w.lanes[0].name, "gateway");
    assert_string_equal(w.lanes[0].file, "gateway.jsonl");
    assert_string_equal(w.lanes[1].name, "api");
    assert_string_equal(w.lanes[2].name, "worker.tasks");
    assert_string_equal(w.lanes[3].name, "raw.log");
    int want[6] = {0, 1, 2, 3, 1, 0};
    for (int i = 0; i < 6; i++)
        assert_int_equal(w.lane_of[i], want[i]);
    assert_int_equal(w.lanes[0].count, 2);
    assert_int_equal(w.lanes[0].errors, 1);
    assert_int_equal(w.lanes[2].warnings, 1);
    /* api: its bar starts at 2120 - 2105 = +15 ms, ends at +2120 ms */
    assert_int_equal(w.lanes[1].start_ts, T0 + 15000);
    assert_int_equal(w.lanes[1].end_ts, T0 + 2120000);
    wf_fini(&w);
}

static void test_axis(void **st)
{
    (void)st;
    struct wf w;
    build();
    assert_int_equal(wf_build(&w, &tr), 0);
    /* the gateway bar starts exactly at the first record */
    assert_int_equal(w.t0, T0);
    assert_int_equal(w.t1, T0 + 2130000);
    assert_int_equal(wf_col(&w, T0, 30), 0);
    assert_int_equal(wf_col(&w, T0 + 2130000, 30), 29);
    assert_int_equal(wf_col(&w, T0 + 1065000, 30), 14);   /* half way: 29 / 2 */
    assert_int_equal(wf_col(&w, T0 - 5, 30), 0);          /* clamped */
    assert_int_equal(wf_col(&w, T0 + 9999999, 30), 29);
    struct wf_span sp = wf_step_span(&w, &tr, 5, 30);
    assert_int_equal(sp.x0, 0);
    assert_int_equal(sp.x1, 30);
    assert_true(sp.bar);
    sp = wf_step_span(&w, &tr, 1, 30);    /* an instant at +15 ms: one mark */
    assert_int_equal(sp.x0, 0);
    assert_int_equal(sp.x1, 1);
    assert_false(sp.bar);
    sp = wf_step_span(&w, &tr, 3, 30);    /* 200 ms ending at +250 ms: +50 .. +250 */
    assert_int_equal(sp.x0, (int)(50000LL * 29 / 2130000));
    assert_int_equal(sp.x1, (int)(250000LL * 29 / 2130000) + 1);
    assert_true(sp.bar);
    /* a bar starting before the first record widens the axis */
    steps[1].row.rec.has_duration = 1;
    steps[1].row.rec.duration_ms = 100;
    wf_fini(&w);
    assert_int_equal(wf_build(&w, &tr), 0);
    assert_int_equal(w.t0, T0 + 15000 - 100000);
    assert_int_equal(wf_start(&steps[1].row.rec), T0 - 85000);
    wf_fini(&w);
}

static void test_order_and_empty(void **st)
{
    (void)st;
    struct wf w;
    build();
    assert_int_equal(wf_build(&w, &tr), 0);
    /* later records never land left of earlier instants' columns */
    int prev = -1;
    for (size_t i = 0; i < tr.n; i++) {
        int c = wf_col(&w, tr.steps[i].row.rec.ts, 40);
        assert_true(c >= prev);
        prev = c;
    }
    wf_fini(&w);
    struct trace empty = {0};
    assert_int_equal(wf_build(&w, &empty), 0);
    assert_int_equal(w.nlanes, 0);
    assert_int_equal(wf_col(&w, 123, 10), 0);
    wf_fini(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lanes),
        cmocka_unit_test(test_axis),
        cmocka_unit_test(test_order_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
