/* test_suggest: "did you mean" distances and choices (src/base/suggest.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "src/base/suggest.h"

static void test_distance(void **st)
{
    (void)st;
    assert_int_equal(suggest_distance("query", "query"), 0);
    assert_int_equal(suggest_distance("qurey", "query"), 1);   /* swap */
    assert_int_equal(suggest_distance("levle", "level"), 1);
    assert_int_equal(suggest_distance("Query", "query"), 0);   /* case folded */
    assert_int_equal(suggest_distance("qry", "query"), 2);
    assert_int_equal(suggest_distance("", "abc"), 3);
    assert_int_equal(suggest_distance("abc", ""), 3);
    assert_int_equal(suggest_distance("kitten", "sitting"), 3);
    assert_int_equal(suggest_distance("stats", "state"), 1);
}

static void test_nearest(void **st)
{
    (void)st;
    static const char *const cmds[] = {"index", "query", "trace", "stats", "alerts",
                                        "store", "demo", "themes", "fields"};
    const char *out[4];
    assert_int_equal(suggest_nearest("qurey", cmds, 9, out, 4), 1);
    assert_string_equal(out[0], "query");
    /* "stat" is 1 from stats and 2 from state/store: nearest first */
    assert_int_equal(suggest_nearest("stat", cmds, 9, out, 4), 1);
    assert_string_equal(out[0], "stats");
    assert_int_equal(suggest_nearest("stor", cmds, 9, out, 4), 1);
    assert_string_equal(out[0], "store");
    /* an exact match is no suggestion; nothing near a far word */
    assert_int_equal(suggest_nearest("query", cmds, 9, out, 4), 0);
    assert_int_equal(suggest_nearest("xyzzy", cmds, 9, out, 4), 0);
    /* short words get a reach of 1 */
    assert_int_equal(suggest_nearest("dem", cmds, 9, out, 4), 1);
    assert_string_equal(out[0], "demo");
    assert_int_equal(suggest_nearest("do", cmds, 9, out, 4), 0);
    /* ties keep the candidates' order; max is honoured */
    static const char *const f[] = {"path", "pat", "bath", "math"};
    assert_int_equal(suggest_nearest("oath", f, 4, out, 2), 2);
    assert_string_equal(out[0], "path");
    assert_string_equal(out[1], "bath");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_nearest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
