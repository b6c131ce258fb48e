/* test_ui_model: what the TUI shows, without a terminal: the log window
 * (ui/logmodel.c) on a real temporary store (newest at the bottom, keyset
 * paging with no gaps or duplicates, a bounded window, goto by time,
 * anchoring, find next error, resize keeping the selection) and the
 * detail pane's content (ui/detail.c: nested fields by dotted path, pretty
 * JSON, tracebacks whole). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/exec.h"
#include "src/query/query.h"
#include "ui/views/detail_model.h"
#include "src/query/logmodel.h"
#include "store_tmp.h"

#define N 1000
#define T0 1714557600000000LL   /* 2024-05-01T10:00:00Z */

static char dbpath[256];

/* Record i (1-based id): ts T0 + i s, except that pairs 2k, 2k+1 share a
 * ts; every 10th is an error. */
static int64_t ts_of(int id)
{
    return T0 + (int64_t)(id / 2) * 1000000;
}

static int level_of(int id)
{
    return id % 10 == 0 ? LVL_ERROR : LVL_INFO;
}

static int setup(void **state)
{
    (void)state;
    struct err e = {0};
    setlocale(LC_CTYPE, "C.UTF-8");
    snprintf(dbpath, sizeof dbpath, "/tmp/test_ui_model.%d.db", (int)getpid());
    unlink(dbpath);
    struct store *s = store_open(dbpath, STORE_WRITE, &e);
    if (!s)
        fail_msg("%s", e.msg);
    assert_int_equal(store_begin(s, &e), 0);
    struct store_file sf = {0};
    snprintf(sf.path, sizeof sf.path, "/logs/api.jsonl");
    assert_int_equal(store_file_put(s, &sf, &e), 0);
    for (int id = 1; id <= N; id++) {
        char msg[64], raw[128];
        snprintf(msg, sizeof msg, "message %d", id);
        snprintf(raw, sizeof raw, "{\"event\":\"message %d\",\"process\":{\"id\":%d}}", id, id);
        struct record r = {.ts = ts_of(id), .level = level_of(id), .format = FMT_JSON,
                           .service = "api", .msg = msg, .msg_len = strlen(msg), .raw = raw,
                           .raw_len = strlen(raw), .offset = id * 100, .nlines = 1};
        assert_int_equal(store_add(s, sf.id, &r, &e), 0);
    }
    assert_int_equal(store_commit(s, &e), 0);
    store_close(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_tmp_remove(dbpath);
    return 0;
}

static struct store *ro(void)
{
    return store_tmp_open(dbpath, STORE_READ);
}

static int64_t sel_id(const struct logmodel *m)
{
    const struct lrow *r = logmodel_selected(m);
    return r ? r->id : -1;
}

static void test_newest_at_the_bottom(void **state)
{
    (void)state;
    struct store *s = ro();
    struct logmodel m;
    struct err e = {0};
    logmodel_init(&m, s);
    logmodel_set_height(&m, 20, &e);
    assert_int_equal(logmodel_newest(&m, &e), 0);
    assert_int_equal(sel_id(&m), N);
    assert_int_equal(m.top + 20, m.n);            /* the screen ends at the newest */
    for (int i = m.top; i < m.n - 1; i++)          /* oldest first */
        assert_true(m.rows[i].id + 1 == m.rows[i + 1].id);
    assert_string_equal(m.rows[m.n - 1].text, "message 1000");
    assert_int_equal(m.at_newest, 1);
    logmodel_fini(&m);
    store_close(s);
}

static void test_walk_everything_without_gaps(void **state)
{
    (void)state;
    struct store *s = ro();
    struct logmodel m;
    struct err e = {0};
    logmodel_init(&m, s);
    logmodel_set_height(&m, 10, &e);
    assert_int_equal(logmodel_oldest(&m, &e), 0);
    assert_int_equal(sel_id(&m), 1);
    for (int id = 2; id <= N; id++) {
        assert_int_equal(logmodel_move(&m, 1, 0, &e), 0);
        assert_int_equal(sel_id(&m), id);
        assert_true(m.n <= 300);   /* the window stays bounded */
    }
    assert_int_equal(logmodel_move(&m, 1, 0, &e), 0);   /* at the end: stays */
    assert_int_equal(sel_id(&m), N);
    for (int id = N - 7; id >= 1; id -= 7) {           /* and back up, in steps */
        assert_int_equal(logmodel_move(&m, -7, 0, &e), 0);
        assert_int_equal(sel_id(&m), id);
    }
    assert_int_equal(logmodel_move(&m, -100, 0, &e), 0);
    assert_int_equal(sel_id(&m), 1);
    logmodel_fini(&m);
    store_close(s);
}

static void test_paging_and_resize(void **state)
{
    (void)state;
    struct store *s = ro();
    struct logmodel m;
    struct err e = {0};
    logmodel_init(&m, s);
    logmodel_set_height(&m, 20, &e);
    assert_int_equal(logmodel_newest(&m, &e), 0);
    assert_int_equal(logmodel_move(&m, -20, 1, &e), 0);   /* page up */
    assert_int_equal(sel_id(&m), N - 20);
    assert_int_equal(m.rows[m.top].id, N - 39);           /* the view moved a page too */
    assert_int_equal(logmodel_move(&m, -5, 0, &e), 0);
    int64_t before = sel_id(&m);
    logmodel_set_height(&m, 7, &e);                            /* smaller terminal */
    assert_int_equal(sel_id(&m), before);
    assert_true(m.sel >= m.top && m.sel < m.top + 7);
    logmodel_set_height(&m, 40, &e);
    assert_int_equal(sel_id(&m), before);
    logmodel_fini(&m);
    store_close(s);
}

static void test_goto_anchor_and_find(void **state)
{
    (void)state;
    struct store *s = ro();
    struct logmodel m;
    struct err e = {0};
    logmodel_init(&m, s);
    logmodel_set_height(&m, 20, &e);
    /* goto: the first record at or after the time (ids 500 and 501 share it) */
    assert_int_equal(logmodel_goto_ts(&m, ts_of(500), &e), 0);
    assert_int_equal(sel_id(&m), 500);
    assert_int_equal(logmodel_goto_ts(&m, ts_of(500) + 1, &e), 0);
    assert_int_equal(sel_id(&m), 502);
    /* a filter; anchoring at a record it excludes selects the nearest older match */
    struct plan *p = query_compile("level>=error", T0, NULL, &e);
    assert_non_null(p);
    logmodel_set_plan(&m, p);
    assert_int_equal(logmodel_anchor(&m, ts_of(505), 505, &e), 0);
    assert_int_equal(sel_id(&m), 500);
    for (int i = m.top; i < m.n; i++)
        assert_int_equal(m.rows[i].level, LVL_ERROR);
    logmodel_set_plan(&m, NULL);
    assert_int_equal(logmodel_anchor(&m, ts_of(503), 503, &e), 0);
    assert_int_equal(sel_id(&m), 503);
    /* find: next / previous error from the selection */
    assert_int_equal(logmodel_find(&m, p, 1, &e), 1);
    assert_int_equal(sel_id(&m), 510);
    assert_int_equal(logmodel_find(&m, p, -1, &e), 1);
    assert_int_equal(sel_id(&m), 500);
    assert_int_equal(logmodel_newest(&m, &e), 0);
    assert_int_equal(logmodel_find(&m, p, 1, &e), 0);   /* none below the newest */
    query_free(p);
    logmodel_fini(&m);
    store_close(s);
}

static void test_empty_result(void **state)
{
    (void)state;
    struct store *s = ro();
    struct logmodel m;
    struct err e = {0};
    logmodel_init(&m, s);
    logmodel_set_height(&m, 20, &e);
    struct plan *p = query_compile("service:nothing", T0, NULL, &e);
    logmodel_set_plan(&m, p);
    assert_int_equal(logmodel_newest(&m, &e), 0);
    assert_null(logmodel_selected(&m));
    assert_int_equal(logmodel_move(&m, 5, 1, &e), 0);
    assert_int_equal(m.n, 0);
    query_free(p);
    logmodel_fini(&m);
    store_close(s);
}

static int line_index(const struct detail *d, const char *text)
{
    for (int i = 0; i < d->n; i++)
        if (d->lines[i].len == strlen(text) && memcmp(d->lines[i].text, text, d->lines[i].len) == 0)
            return i;
    return -1;
}

static void test_detail_content(void **state)
{
    (void)state;
    const char *raw = "{\"timestamp\":\"2024-05-01T10:00:00Z\",\"level\":\"INFO\","
                      "\"message\":\"ok\",\"process\":{\"name\":\"Main\",\"id\":4321},"
                      "\"tags\":[1,2.50],\"vi\":\"Xin ch\\u00e0o\",\"esc\":\"\\u001b[2J\"}";
    struct store_row row = {.id = 7, .file = "/logs/gw.jsonl"};
    row.rec = (struct record){.ts = T0, .level = LVL_INFO, .format = FMT_JSON, .msg = "ok",
                              .msg_len = 2, .raw = raw, .raw_len = strlen(raw),
                              .offset = 1234, .nlines = 1};
    struct detail d = {0};
    assert_int_equal(detail_build(&d, &row), 0);
    assert_true(line_index(&d, "process.id    4321") >= 0);
    assert_true(line_index(&d, "process.name  Main") >= 0);
    assert_true(line_index(&d, "tags[1]       2.5") >= 0);
    assert_true(line_index(&d, "file        /logs/gw.jsonl") >= 0);
    assert_true(line_index(&d, "offset      1234   (1 line, format json)") >= 0);
    assert_true(line_index(&d, "  \"process\": {") >= 0);
    assert_true(line_index(&d, "    \"id\": 4321") >= 0);
    assert_true(line_index(&d, "  \"tags\": [") >= 0);
    assert_true(line_index(&d, "    2.50") >= 0);           /* numbers keep their digits */
    assert_true(line_index(&d, "  \"vi\": \"Xin chào\",") >= 0);
    assert_true(line_index(&d, "  \"esc\": \"\\u001b[2J\"") >= 0);   /* stays escaped */
    int k = line_index(&d, "    \"id\": 4321");
    assert_int_equal(d.lines[k].roles[5], 28 /* ROLE_JSON_KEY */);
    assert_true(line_index(&d, raw) >= 0);                  /* the raw line */
    /* wrapping: every row fits the width */
    assert_int_equal(detail_layout(&d, 30), 0);
    assert_true(d.nrows > d.n);
    detail_fini(&d);
}

static void test_detail_traceback_whole(void **state)
{
    (void)state;
    const char *raw = "2024-05-01 10:00:00,000 - worker - ERROR - task failed\n"
                      "Traceback (most recent call last):\n"
                      "  File \"/app/w.py\", line 3, in run\n"
                      "ValueError: empty";
    struct store_row row = {.id = 9, .file = "/logs/worker.log"};
    row.rec = (struct record){.ts = T0, .level = LVL_ERROR, .format = FMT_PYTHON,
                              .msg = "task failed", .msg_len = 11, .raw = raw,
                              .raw_len = strlen(raw), .nlines = 4};
    struct detail d = {0};
    assert_int_equal(detail_build(&d, &row), 0);
    int a = line_index(&d, "Traceback (most recent call last):");
    assert_true(a >= 0);
    assert_int_equal(line_index(&d, "  File \"/app/w.py\", line 3, in run"), a + 1);
    assert_int_equal(line_index(&d, "ValueError: empty"), a + 2);
    detail_fini(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newest_at_the_bottom),
        cmocka_unit_test(test_walk_everything_without_gaps),
        cmocka_unit_test(test_paging_and_resize),
        cmocka_unit_test(test_goto_anchor_and_find),
        cmocka_unit_test(test_empty_result),
        cmocka_unit_test(test_detail_content),
        cmocka_unit_test(test_detail_traceback_whole),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
