/* Unit tests for level names and aliases (src/level.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "src/base/record.h"

static int lp(const char *s)
{
    return level_parse(s, strlen(s));
}

static void test_aliases(void **st)
{
    (void)st;
    static const struct { const char *s; int want; } cases[] = {
        {"info", LVL_INFO},        {"INFO", LVL_INFO},         {"Information", LVL_INFO},
        {"SUCCESS", LVL_INFO},     {"WARN", LVL_WARNING},      {"warning", LVL_WARNING},
        {"ERR", LVL_ERROR},        {"Error", LVL_ERROR},       {"FATAL", LVL_CRITICAL},
        {"CRIT", LVL_CRITICAL},    {"EMERG", LVL_CRITICAL},    {"trace", LVL_TRACE},
        {"debug", LVL_DEBUG},      {"notice", LVL_NOTICE},     {" info ", LVL_INFO},
        {"0", LVL_CRITICAL},       {"3", LVL_ERROR},           {"4", LVL_WARNING},
        {"6", LVL_INFO},           {"7", LVL_DEBUG},           {"8", -1},
        {"", -1},                  {"inform", -1},             {"errors", -1},
        {"informationalxyz", -1},  {"loud", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (lp(cases[i].s) != cases[i].want)
            fail_msg("level_parse(\"%s\") = %d, want %d", cases[i].s, lp(cases[i].s), cases[i].want);
    }
}

/* Bytes after a NUL are part of the value: "inf\0" is not "inf". */
static void test_embedded_nul(void **st)
{
    (void)st;
    assert_int_equal(level_parse("inf\0", 4), -1);
    assert_int_equal(level_parse("err\0x", 5), -1);
    assert_int_equal(level_parse("info", 3), LVL_INFO);     /* "inf" */
    assert_int_equal(level_parse("warning", 4), LVL_WARNING);  /* "warn" */
}

static void test_names(void **st)
{
    (void)st;
    assert_string_equal(level_name(LVL_WARNING), "warning");
    assert_string_equal(level_name(LVL_UNKNOWN), "unknown");
    assert_string_equal(level_name(99), "unknown");
    assert_int_equal(fmt_parse("json"), FMT_JSON);
    assert_int_equal(fmt_parse("text"), FMT_PYTHON);
    assert_int_equal(fmt_parse("nope"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
