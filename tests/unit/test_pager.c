/* test_pager: the TUI's reads through src/query/pager.c on a real store:
 * pages at the newest, the oldest, a time, around a record and at the
 * next or previous match (n N e E) come back
 * from the job thread through the wake fd; counts, totals and `:w`
 * writes are exact; a commit is noticed by pager_changed (a stat, no
 * query); the detail pane's record is read on the job thread. Waits are bounded (5 s). */
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

#include <fcntl.h>
#include <poll.h>

#include "db/store.h"
#include "src/base/ts.h"
#include "src/query/pager.h"
#include "store_tmp.h"

#define N 200
#define T0 1714557600000000LL   /* 2024-05-01T10:00:00Z */

static char dbpath[256];

static void add_records(int from, int to)
{
    struct err e = {0};
    struct store *s = store_open(dbpath, STORE_WRITE, &e);
    if (!s)
        fail_msg("%s", e.msg);
    assert_int_equal(store_begin(s, &e), 0);
    struct store_file sf = {0};
    snprintf(sf.path, sizeof sf.path, "/logs/api.jsonl");
    assert_int_equal(store_file_put(s, &sf, &e), 0);
    for (int id = from; id <= to; id++) {
        char msg[64], raw[128];
        snprintf(msg, sizeof msg, "message %d", id);
        snprintf(raw, sizeof raw, "{\"event\":\"message %d\"}", id);
        struct record r = {.ts = T0 + (int64_t)id * 1000000, .format = FMT_JSON,
                           .level = id % 10 == 0 ? LVL_ERROR : LVL_INFO, .service = "api",
                           .msg = msg, .msg_len = strlen(msg), .raw = raw,
                           .raw_len = strlen(raw), .offset = id * 100, .nlines = 1};
        assert_int_equal(store_add(s, sf.id, &r, &e), 0);
    }
    assert_int_equal(store_commit(s, &e), 0);
    store_close(s);
}

static int setup(void **state)
{
    (void)state;
    setlocale(LC_CTYPE, "C.UTF-8");
    snprintf(dbpath, sizeof dbpath, "/tmp/test_pager.%d.db", (int)getpid());
    unlink(dbpath);
    add_records(1, N);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_tmp_remove(dbpath);
    return 0;
}

struct fixture {
    int fds[2];
    struct pager *p;
};

static void open_pager(struct fixture *f)
{
    struct err e = {0};
    assert_int_equal(pipe2(f->fds, O_NONBLOCK | O_CLOEXEC), 0);
    f->p = pager_open(dbpath, f->fds[1], &e);
    if (!f->p)
        fail_msg("%s", e.msg);
}

static void close_pager(struct fixture *f)
{
    pager_close(f->p);
    close(f->fds[0]);
    close(f->fds[1]);
}

/* Waits for the wake fd, then for one result of kind. */
static struct pager_result next(struct fixture *f, int kind)
{
    struct pager_result r;
    int64_t until = ts_mono_us() + 5000000;
    for (;;) {
        struct pollfd p = {f->fds[0], POLLIN, 0};
        int64_t left = until - ts_mono_us();
        assert_true(left > 0);
        if (poll(&p, 1, (int)(left / 1000) + 1) == 1) {
            char buf[64];
            while (read(f->fds[0], buf, sizeof buf) > 0)
                ;
        }
        while (pager_poll(f->p, &r)) {
            if (r.kind == kind)
                return r;
            logmodel_free(r.page);
        }
    }
}

static int64_t sel_id(const struct logmodel *m)
{
    const struct lrow *r = logmodel_selected(m);
    return r ? r->id : -1;
}

static void test_pages(void **state)
{
    (void)state;
    struct fixture f;
    open_pager(&f);
    assert_int_equal(pager_page(f.p, "", PAGE_NEWEST, 0, 0, 10, 1), 0);
    struct pager_result r = next(&f, PAGER_PAGE);
    assert_int_equal(r.gen, 1);
    assert_int_equal(r.failed, 0);
    assert_int_equal(sel_id(r.page), N);
    assert_int_equal(r.page->at_newest, 1);
    logmodel_free(r.page);

    pager_page(f.p, "level>=error", PAGE_OLDEST, 0, 0, 10, 2);
    r = next(&f, PAGER_PAGE);
    assert_int_equal(sel_id(r.page), 10);
    assert_int_equal(r.page->rows[1].id, 20);
    logmodel_free(r.page);

    pager_page(f.p, "", PAGE_TIME, T0 + 50 * 1000000LL + 1, 0, 10, 3);
    r = next(&f, PAGER_PAGE);
    assert_int_equal(sel_id(r.page), 51);   /* the first at or after the time */
    logmodel_free(r.page);

    pager_page(f.p, "", PAGE_ANCHOR, T0 + 77 * 1000000LL, 77, 10, 4);
    r = next(&f, PAGER_PAGE);
    assert_int_equal(sel_id(r.page), 77);
    logmodel_free(r.page);

    assert_int_equal(pager_find(f.p, "", "level>=error", 1, T0 + 41 * 1000000LL, 41, 10, 6), 0);
    r = next(&f, PAGER_PAGE);
    assert_int_equal(r.n, 1);
    assert_int_equal(sel_id(r.page), 50);   /* the next error after 41 */
    logmodel_free(r.page);
    pager_find(f.p, "", "level>=error", -1, T0 + 41 * 1000000LL, 41, 10, 7);
    r = next(&f, PAGER_PAGE);
    assert_int_equal(sel_id(r.page), 40);   /* the previous one */
    logmodel_free(r.page);
    pager_find(f.p, "", "level>=error", 1, T0 + (int64_t)N * 1000000, N, 10, 8);
    r = next(&f, PAGER_PAGE);
    assert_int_equal(r.n, 0);   /* none below the last record: no page, no error */
    assert_int_equal(r.failed, 0);
    assert_null(r.page);

    pager_page(f.p, "level>=", PAGE_NEWEST, 0, 0, 10, 5);
    r = next(&f, PAGER_PAGE);
    assert_int_equal(r.failed, 1);
    assert_null(r.page);
    assert_true(strlen(r.msg) > 0);
    close_pager(&f);
}

static void test_count_totals_write(void **state)
{
    (void)state;
    struct fixture f;
    char out[300];
    open_pager(&f);
    pager_count(f.p, "level>=error", 9);
    struct pager_result r = next(&f, PAGER_COUNT);
    assert_int_equal(r.gen, 9);
    assert_int_equal(r.n, N / 10);
    pager_totals(f.p);
    r = next(&f, PAGER_TOTALS);
    assert_int_equal(r.totals.records, N);
    assert_int_equal(r.totals.by_level[LVL_ERROR], N / 10);
    assert_int_equal(r.totals.lag_bytes, 0);   /* /logs/api.jsonl does not exist */

    snprintf(out, sizeof out, "%s.out", dbpath);
    unlink(out);
    pager_write(f.p, "level>=error", out, 1, 0);
    r = next(&f, PAGER_WRITE);
    assert_int_equal(r.failed, 0);
    assert_int_equal(r.n, N / 10);
    FILE *fp = fopen(out, "r");
    assert_non_null(fp);
    char line[256];
    int lines = 0;
    while (fgets(line, sizeof line, fp))
        lines++;
    fclose(fp);
    assert_int_equal(lines, N / 10);
    pager_write(f.p, "", out, 1, 0);   /* exists, no force: refused */
    r = next(&f, PAGER_WRITE);
    assert_int_equal(r.failed, 1);
    assert_non_null(strstr(r.msg, "exists"));
    unlink(out);
    close_pager(&f);
}

/* Runs on the job thread: the record's id, on the heap. */
static void *id_of(const struct store_row *row)
{
    int64_t *v = malloc(sizeof *v);
    if (v)
        *v = row->id;
    return v;
}

static void test_changed_and_record(void **state)
{
    (void)state;
    struct fixture f;
    struct err e = {0};
    open_pager(&f);
    assert_int_equal(pager_changed(f.p), 0);
    add_records(N + 1, N + 5);
    assert_int_equal(pager_changed(f.p), 1);
    assert_int_equal(pager_changed(f.p), 0);
    assert_int_equal(pager_record(f.p, T0 + 42 * 1000000LL, 42, id_of, free, 11), 0);
    struct pager_result r = next(&f, PAGER_RECORD);
    assert_int_equal(r.gen, 11);
    assert_int_equal(r.n, 1);
    assert_int_equal(*(int64_t *)r.obj, 42);
    r.obj_free(r.obj);
    pager_record(f.p, T0 + 42 * 1000000LL, 999999, id_of, free, 12);   /* no such id */
    r = next(&f, PAGER_RECORD);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.failed, 0);
    assert_null(r.obj);
    struct logmodel m;
    pager_window_init(f.p, &m);
    logmodel_set_height(&m, 10, &e);
    assert_int_equal(logmodel_newest(&m, &e), 0);
    assert_int_equal(sel_id(&m), N + 5);
    logmodel_fini(&m);
    close_pager(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_count_totals_write),
        cmocka_unit_test(test_changed_and_record),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
