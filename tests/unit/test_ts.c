/* test_ts: timestamp parsing in every form the seeds write, local-zone
 * handling across DST, epoch magnitudes, formatting and durations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/ts.h"

#define T0 1704110400000000LL   /* 2024-01-01T12:00:00Z */

static const struct tzspec UTC = {1, 0};

static int64_t parse(const char *s, const struct tzspec *tz)
{
    int64_t v = -42;
    if (ts_parse(s, strlen(s), tz, &v, NULL) != 0)
        fail_msg("ts_parse(\"%s\") failed", s);
    return v;
}

static int bad(const char *s)
{
    int64_t v;
    return ts_parse(s, strlen(s), &UTC, &v, NULL) == -1;
}

static void t_rfc3339(void **state)
{
    (void)state;
    assert_int_equal(parse("2024-01-01T12:00:00Z", &UTC), T0);
    assert_int_equal(parse("2024-01-01t12:00:00z", &UTC), T0);
    assert_int_equal(parse("2024-01-01T12:00:00.123456Z", &UTC), T0 + 123456);
    assert_int_equal(parse("2024-01-01T12:00:00.000Z", &UTC), T0);
    assert_int_equal(parse("2024-01-01T12:00:00.1Z", &UTC), T0 + 100000);
    assert_int_equal(parse("2024-01-01T12:00:00.123456789Z", &UTC), T0 + 123456);
    assert_int_equal(parse("2024-01-01T12:00:00.123456+00:00", &UTC), T0 + 123456);
    assert_int_equal(parse("2024-01-01T14:00:00+02:00", &UTC), T0);
    assert_int_equal(parse("2024-01-01T14:00:00+0200", &UTC), T0);
    assert_int_equal(parse("2024-01-01T14:00:00+02", &UTC), T0);
    assert_int_equal(parse("2024-01-01T06:30:00-05:30", &UTC), T0);
    assert_int_equal(parse("2024-01-01 12:00:00.000000+00:00", &UTC), T0);
    assert_int_equal(parse("2024-01-01T12:00Z", &UTC), T0);
}

static void t_python_and_short_forms(void **state)
{
    (void)state;
    assert_int_equal(parse("2024-01-01 12:00:00,123", &UTC), T0 + 123000);
    assert_int_equal(parse("2024-01-01 12:00:00.500", &UTC), T0 + 500000);
    assert_int_equal(parse("2024-01-01 12:00:00", &UTC), T0);
    assert_int_equal(parse("2024-01-01 12:00", &UTC), T0);
    assert_int_equal(parse("2024-01-01", &UTC), T0 - 12 * 3600 * 1000000LL);
    assert_int_equal(parse("2024-01-01 12:00:00  ", &UTC), T0);   /* trailing blanks */
    struct tzspec plus1 = {1, 3600};
    assert_int_equal(parse("2024-01-01 13:00:00", &plus1), T0);
    /* an explicit zone wins over the zone-less rule */
    assert_int_equal(parse("2024-01-01T12:00:00Z", &plus1), T0);
}

static void t_prefix_used(void **state)
{
    (void)state;
    const char *s = "2024-01-01 12:00:00,123 - app - INFO - hi";
    int64_t v;
    size_t used = 0;
    assert_int_equal(ts_parse(s, strlen(s), &UTC, &v, &used), 0);
    assert_int_equal(used, 23);
    assert_int_equal(v, T0 + 123000);
    /* not NUL-terminated: n bounds the read */
    assert_int_equal(ts_parse(s, 19, &UTC, &v, &used), 0);
    assert_int_equal(used, 19);
    assert_int_equal(v, T0);
    assert_int_equal(ts_parse(s, 16, &UTC, &v, NULL), 0);
    assert_int_equal(v, T0);
    /* a "-" after the time that is not a zone ends the time */
    s = "2024-01-01 12:00:00 - x";
    assert_int_equal(ts_parse(s, strlen(s), &UTC, &v, &used), 0);
    assert_int_equal(used, 19);
    /* trailing text without *used: not a time */
    assert_int_equal(ts_parse(s, strlen(s), &UTC, &v, NULL), -1);
}

static void t_epoch(void **state)
{
    (void)state;
    assert_int_equal(parse("1704110400", &UTC), T0);
    assert_int_equal(parse("1704110400.123", &UTC), T0 + 123000);
    assert_int_equal(parse("1704110400.123456", &UTC), T0 + 123456);
    assert_int_equal(parse("1704110400123", &UTC), T0 + 123000);
    assert_int_equal(parse("1704110400123.5", &UTC), T0 + 123500);
    assert_int_equal(parse("1704110400123456", &UTC), T0 + 123456);
    assert_int_equal(parse("1704110400123456789", &UTC), T0 + 123456);
    assert_int_equal(ts_from_epoch(1704110400.0), T0);
    assert_int_equal(ts_from_epoch(1704110400.123), T0 + 123000);
    assert_int_equal(ts_from_epoch(1704110402.25), T0 + 2250000);
    assert_int_equal(ts_from_epoch(1704110400123.0), T0 + 123000);
    assert_int_equal(ts_from_epoch(1704110400123456.0), T0 + 123456);
    assert_int_equal(ts_from_epoch(1.704110400123456e18), T0 + 123456);
    assert_int_equal(ts_from_epoch(0.5), 500000);
}

static void t_invalid(void **state)
{
    (void)state;
    assert_true(bad(""));
    assert_true(bad("hello"));
    assert_true(bad("2024-13-01"));
    assert_true(bad("2024-00-10"));
    assert_true(bad("2024-02-30"));
    assert_true(bad("2023-02-29"));
    assert_false(bad("2024-02-29"));
    assert_true(bad("2024-01-01T25:00:00Z"));
    assert_true(bad("2024-01-01T12:61:00Z"));
    assert_true(bad("2024-01-01T12:00:00+25:00"));
    assert_true(bad("2024-1-01"));
    assert_true(bad("12345678901234567890123"));   /* too many digits */
    assert_true(bad("1704110400 x"));
    int64_t v;
    assert_int_equal(ts_parse(NULL, 0, &UTC, &v, NULL), -1);
    assert_int_equal(ts_parse("2024-01-01", 0, &UTC, &v, NULL), -1);
}

static void t_local_zone(void **state)
{
    (void)state;
    /* A POSIX TZ rule needs no tzdata: US Eastern, DST from March to November. */
    setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
    tzset();
    ts_tz_reset();
    const struct tzspec local = {0, 0};
    assert_int_equal(parse("2024-01-01 07:00:00", &local), T0);
    assert_int_equal(parse("2024-07-01 08:00:00", &local), parse("2024-07-01T12:00:00Z", &UTC));
    /* same wall hour, cached: still right */
    assert_int_equal(parse("2024-07-01 08:30:00,250", &local),
                     parse("2024-07-01T12:30:00.25Z", &UTC));
    /* the hours either side of the spring-forward change (2024-03-10 02:00) */
    assert_int_equal(parse("2024-03-10 01:30:00", &local), parse("2024-03-10T06:30:00Z", &UTC));
    assert_int_equal(parse("2024-03-10 03:30:00", &local), parse("2024-03-10T07:30:00Z", &UTC));
    setenv("TZ", "UTC0", 1);
    tzset();
    ts_tz_reset();
    assert_int_equal(parse("2024-01-01 12:00:00", &local), T0);
}

static void t_format(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(ts_format(0, b), "1970-01-01T00:00:00.000000Z");
    assert_string_equal(ts_format(T0 + 123456, b), "2024-01-01T12:00:00.123456Z");
    assert_string_equal(ts_format(-1, b), "1969-12-31T23:59:59.999999Z");
    assert_string_equal(ts_format(951782400000000LL, b), "2000-02-29T00:00:00.000000Z");
    assert_string_equal(ts_format_short(T0 + 123456, 1, b), "2024-01-01 12:00:00.123");
    assert_true(strlen(ts_format(INT64_MAX, b)) <= 31);   /* absurd input: no overflow */
    ts_format(INT64_MIN, b);
}

/* format -> parse gives back the same µs over two centuries. */
static void t_roundtrip(void **state)
{
    (void)state;
    char b[32];
    unsigned seed = 7;
    for (int i = 0; i < 20000; i++) {
        int64_t us = (int64_t)(((uint64_t)rand_r(&seed) << 31) ^ (uint64_t)rand_r(&seed));
        us = us % (200LL * 365 * 86400 * 1000000) - 70LL * 365 * 86400 * 1000000;
        ts_format(us, b);
        if (parse(b, &UTC) != us)
            fail_msg("roundtrip %lld -> %s", (long long)us, b);
    }
}

static void t_duration(void **state)
{
    (void)state;
    int64_t v;
    static const struct { const char *s; int64_t us; } ok[] = {
        {"90s", 90000000LL},           {"15m", 900000000LL},
        {"2h", 7200000000LL},          {"7d", 604800000000LL},
        {"1w", 604800000000LL},        {"500ms", 500000LL},
        {"1h30m", 5400000000LL},       {"1.5h", 5400000000LL},
        {"250us", 250LL},              {"0s", 0},
        {"1d2h3m4s", 93784000000LL},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(ts_parse_duration(ok[i].s, &v), 0);
        assert_int_equal(v, ok[i].us);
    }
    static const char *const ko[] = {"", "abc", "15", "15x", "-5m", "m", "5 m", "1h30", "99999999999999999999s"};
    for (size_t i = 0; i < sizeof ko / sizeof ko[0]; i++)
        if (ts_parse_duration(ko[i], &v) != -1)
            fail_msg("\"%s\" accepted", ko[i]);
    assert_int_equal(ts_parse_duration(NULL, &v), -1);
}

static void t_now(void **state)
{
    (void)state;
    int64_t a = ts_now();
    assert_true(a > T0);
    assert_true(ts_now() >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_rfc3339),  cmocka_unit_test(t_python_and_short_forms),
        cmocka_unit_test(t_prefix_used), cmocka_unit_test(t_epoch),
        cmocka_unit_test(t_invalid),  cmocka_unit_test(t_local_zone),
        cmocka_unit_test(t_format),   cmocka_unit_test(t_roundtrip),
        cmocka_unit_test(t_duration), cmocka_unit_test(t_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
