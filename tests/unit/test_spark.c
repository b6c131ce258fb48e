/* test_spark: sparkline levels and glyphs (spark.h) and the slow-request
 * tiers of the seeds (tiers.h): fast < 100 ms, normal < 1 s, slow < 5 s,
 * very slow >= 5 s, boundaries included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "src/report/spark.h"
#include "src/report/tiers.h"

static void test_levels(void **st)
{
    (void)st;
    assert_int_equal(spark_level(0, 0, 10, SPARK_ZERO), 0);
    assert_int_equal(spark_level(10, 0, 10, SPARK_ZERO), 8);
    assert_int_equal(spark_level(0.01, 0, 10, SPARK_ZERO), 1);   /* any count shows */
    assert_int_equal(spark_level(5, 0, 10, SPARK_ZERO), 4);
    assert_int_equal(spark_level(5.1, 0, 10, SPARK_ZERO), 5);
    assert_int_equal(spark_level(3, 3, 7, SPARK_RANGE), 1);
    assert_int_equal(spark_level(7, 3, 7, SPARK_RANGE), 8);
    assert_int_equal(spark_level(5, 5, 5, SPARK_RANGE), 4);      /* flat */
    assert_int_equal(spark_level(NAN, 0, 1, SPARK_RANGE), 0);
    assert_int_equal(spark_glyph(0), ' ');
    assert_int_equal(spark_glyph(1), 0x2581);
    assert_int_equal(spark_glyph(8), 0x2588);
    assert_int_equal(spark_glyph(99), 0x2588);
}

static void test_render(void **st)
{
    (void)st;
    char out[64];
    double v[5] = {0, 1, 2, 4, 8};
    assert_int_equal(spark_render(v, NULL, 5, SPARK_ZERO, out, sizeof out), 13);
    assert_string_equal(out, " ▁▂▄█");
    unsigned char present[5] = {1, 0, 1, 1, 1};
    double g[5] = {10, 99, 10, 20, 30};
    spark_render(g, present, 5, SPARK_RANGE, out, sizeof out);
    assert_string_equal(out, "▁ ▁▅█");
    /* a short buffer stops at a whole character */
    assert_int_equal(spark_render(v, NULL, 5, SPARK_ZERO, out, 6), 4);
    assert_string_equal(out, " ▁");
}

static void test_tiers(void **st)
{
    (void)st;
    assert_int_equal(tiers_of(0), TIER_FAST);
    assert_int_equal(tiers_of(99.999), TIER_FAST);
    assert_int_equal(tiers_of(100), TIER_NORMAL);
    assert_int_equal(tiers_of(999.9), TIER_NORMAL);
    assert_int_equal(tiers_of(1000), TIER_SLOW);
    assert_int_equal(tiers_of(4999), TIER_SLOW);
    assert_int_equal(tiers_of(5000), TIER_VERY_SLOW);
    assert_int_equal(tiers_of(-3), TIER_FAST);
    assert_int_equal(tiers_of(NAN), TIER_FAST);
    struct tiers t = {0};
    double d[8] = {1, 50, 100, 700, 1000, 4000, 5000, 60000};
    for (int i = 0; i < 8; i++)
        tiers_add(&t, d[i]);
    assert_int_equal(t.total, 8);
    for (int k = 0; k < TIER_COUNT; k++)
        assert_int_equal(t.n[k], 2);
    assert_true(fabs(tiers_pct(&t, TIER_SLOW) - 25.0) < 1e-9);
    assert_string_equal(tiers_name(TIER_VERY_SLOW), "very slow");
    assert_string_equal(tiers_bound(TIER_NORMAL), "<1s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_tiers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
