/* test_config: the config file parser (src/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "src/base/config.h"

static int parse(struct config *c, const char *text, struct err *e)
{
    return config_parse(c, text, strlen(text), "t.yaml", e);
}

static void full(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    assert_int_equal(parse(&c, "sources:\n  - a.log\n  - {path: b.log, format: json, service: api}\n"
                              "store:\n  path: /x/s.db\n  retention: {error: 365d, info: 30d,"
                              " default: 1w}\n  max_size: 2GB\n  max_line: 64KiB\n"
                              "rules: [{name: r}]\nui: {theme: dark}\n", &e), 0);
    assert_int_equal(c.nsources, 2);
    assert_string_equal(c.sources[1].path, "b.log");
    assert_int_equal(c.sources[1].format, FMT_JSON);
    assert_string_equal(c.sources[1].service, "api");
    assert_string_equal(c.store_path, "/x/s.db");
    assert_true(c.retention_us[LVL_ERROR] == 365LL * 86400 * 1000000);
    assert_true(c.retention_us[LVL_INFO] == 30LL * 86400 * 1000000);
    assert_true(c.retention_us[LVL_DEBUG] == 7LL * 86400 * 1000000);
    assert_true(c.max_size == 2LL << 30);
    assert_int_equal(c.max_line, 65536);
    config_fini(&c);
}

static void errors_name_line_col(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    assert_int_equal(parse(&c, "store:\n  retention:\n    bogus: 3d\n", &e), -1);
    assert_int_equal(e.code, 2);
    assert_non_null(strstr(e.msg, "t.yaml:3:5: 'bogus' is not a level"));
    assert_int_equal(parse(&c, "sources: [a, {path: b, format: nope}]\n", &e), -1);
    assert_non_null(strstr(e.msg, "t.yaml:1:32: unknown format 'nope'"));
    assert_int_equal(parse(&c, "colour: red\n", &e), -1);
    assert_non_null(strstr(e.msg, "t.yaml:1:1: unknown key 'colour'"));
    assert_int_equal(parse(&c, "store: {max_size: lots}\n", &e), -1);
    assert_non_null(strstr(e.msg, "not a size"));
    assert_int_equal(parse(&c, "sources:\n - a\n  b: [\n", &e), -1);
    assert_non_null(strstr(e.msg, "t.yaml:"));
}

static void empty_is_fine(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    assert_int_equal(parse(&c, "", &e), 0);
    assert_int_equal(c.nsources, 0);
    config_fini(&c);
    assert_int_equal(config_load(&c, "/nonexistent/x.yaml", 0, &e), 0);
    assert_int_equal(config_load(&c, "/nonexistent/x.yaml", 1, &e), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full),
        cmocka_unit_test(errors_name_line_col),
        cmocka_unit_test(empty_is_fine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
