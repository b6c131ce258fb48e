/* test_ui_marks: the marked records' set (ui/marks.c): toggling keeps it
 * sorted in the log's order, next/previous and the anchor for the
 * since-mark time column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/marks.h"

static void test_marks(void **st)
{
    (void)st;
    struct marks m = {0};
    assert_null(marks_anchor(&m, 5, 5));
    assert_null(marks_next(&m, 5, 5, 1));
    assert_int_equal(marks_toggle(&m, 300, 3), 1);
    assert_int_equal(marks_toggle(&m, 100, 9), 1);
    assert_int_equal(marks_toggle(&m, 100, 7), 1);   /* same ts: ordered by id */
    assert_int_equal(marks_toggle(&m, 200, 1), 1);
    assert_int_equal(m.n, 4);
    assert_true(m.k[0].ts == 100 && m.k[0].id == 7);
    assert_true(m.k[1].ts == 100 && m.k[1].id == 9);
    assert_true(m.k[2].ts == 200 && m.k[3].ts == 300);
    assert_true(marks_has(&m, 200, 1));
    assert_false(marks_has(&m, 200, 2));
    /* next / previous from a mark and from between marks */
    assert_int_equal(marks_next(&m, 100, 9, 1)->ts, 200);
    assert_int_equal(marks_next(&m, 100, 9, -1)->id, 7);
    assert_null(marks_next(&m, 100, 7, -1));
    assert_null(marks_next(&m, 300, 3, 1));
    assert_int_equal(marks_next(&m, 250, 0, 1)->ts, 300);
    assert_int_equal(marks_next(&m, 250, 0, -1)->ts, 200);
    /* the anchor: at or before, else the first */
    assert_int_equal(marks_anchor(&m, 250, 0)->ts, 200);
    assert_int_equal(marks_anchor(&m, 200, 1)->ts, 200);
    assert_int_equal(marks_anchor(&m, 50, 0)->id, 7);
    /* unmarking */
    assert_int_equal(marks_toggle(&m, 100, 9), 0);
    assert_int_equal(m.n, 3);
    assert_false(marks_has(&m, 100, 9));
    for (int i = 0; i < 100; i++)   /* growth */
        assert_int_equal(marks_toggle(&m, 1000 + i, i), 1);
    assert_int_equal(m.n, 103);
    assert_int_equal(marks_next(&m, 300, 3, 1)->ts, 1000);
    marks_clear(&m);
    assert_int_equal(m.n, 0);
    marks_fini(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_marks)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
