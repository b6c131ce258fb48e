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
    assert_string_equal(c.ui_theme, "dark");
    config_fini(&c);
}

/* ui: is read here too (the file is parsed once), with the errors the TUI
 * used to give. */
static void ui_section(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    assert_int_equal(parse(&c, "ui:\n  colour: red\n", &e), -1);
    assert_int_equal(e.code, 2);
    assert_string_equal(e.msg, "t.yaml:2:3: ui: unknown key 'colour' (expected theme: NAME)");
    struct err e2 = {0};
    assert_int_equal(parse(&c, "ui: [dark]\n", &e2), -1);
    assert_string_equal(e2.msg, "t.yaml:1:5: ui: expected a mapping (theme: NAME)");
    struct err e3 = {0};
    assert_int_equal(parse(&c, "ui:\n", &e3), 0);
    assert_null(c.ui_theme);
    config_fini(&c);
}

/* A copy owns its strings: the original can go first. */
static void copy_is_deep(void **state)
{
    (void)state;
    struct config c, d;
    struct err e = {0};
    assert_int_equal(parse(&c, "sources:\n  - {path: a.log, service: api, cid_regex: 'r=(x)',"
                              " layout: {regex: '(?<ts>\\S+) (?<msg>.*)'}, timezone: '+02:00'}\n"
                              "store: {path: /s.db, max_line: 4KiB}\nui: {theme: light}\n", &e), 0);
    assert_int_equal(config_copy(&d, &c, &e), 0);
    config_fini(&c);
    assert_int_equal(d.nsources, 1);
    assert_string_equal(d.sources[0].path, "a.log");
    assert_string_equal(d.sources[0].service, "api");
    assert_string_equal(d.sources[0].cid_regex, "r=(x)");
    assert_string_equal(d.sources[0].layout_regex, "(?<ts>\\S+) (?<msg>.*)");
    assert_int_equal(d.sources[0].tz_fixed, 1);
    assert_int_equal(d.sources[0].tz_offset_s, 7200);
    assert_string_equal(d.store_path, "/s.db");
    assert_string_equal(d.ui_theme, "light");
    assert_int_equal(d.max_line, 4096);
    assert_int_equal(config_add_source(&d, "b.log", 0, NULL, &e), 0);
    assert_int_equal(d.nsources, 2);
    config_fini(&d);
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

/* ship: a URL alone or a mapping; copied deep; no password in the file. */
static void ship_section(void **state)
{
    (void)state;
    struct config c, d;
    struct err e = {0};
    assert_int_equal(parse(&c, "ship: clickhouse://h:8123/logs\n", &e), 0);
    assert_string_equal(c.ship.url, "clickhouse://h:8123/logs");
    assert_null(c.ship.user);
    config_fini(&c);
    assert_int_equal(parse(&c, "ship:\n  url: clickhouse://h:8123/logs\n  user: ld\n"
                              "  password_env: CH_PW\n  host: web-3\n  timeout: 90s\n", &e), 0);
    assert_int_equal(config_copy(&d, &c, &e), 0);
    config_fini(&c);
    assert_string_equal(d.ship.url, "clickhouse://h:8123/logs");
    assert_string_equal(d.ship.user, "ld");
    assert_string_equal(d.ship.password_env, "CH_PW");
    assert_string_equal(d.ship.host, "web-3");
    assert_true(d.ship.timeout_us == 90000000);
    config_fini(&d);
    assert_int_equal(parse(&c, "ship:\n  url: clickhouse://h:1/l\n  password: hunter2\n", &e), -1);
    assert_int_equal(e.code, 2);
    assert_non_null(strstr(e.msg, "t.yaml:3:3: ship: no password in the config"));
    assert_null(strstr(e.msg, "hunter2"));
    assert_int_equal(parse(&c, "ship: {url: clickhouse://h:1/l, password_env: 'A B'}\n", &e), -1);
    assert_non_null(strstr(e.msg, "password_env takes the name of an environment variable"));
    assert_int_equal(parse(&c, "ship: {user: ld}\n", &e), -1);
    assert_non_null(strstr(e.msg, "ship: needs url"));
    assert_int_equal(parse(&c, "ship: http://h/\n", &e), -1);
    assert_non_null(strstr(e.msg, "t.yaml:1:7: ship: the url must be clickhouse://"));
    assert_int_equal(parse(&c, "ship: {url: clickhouse://h:1/l, timeout: soon}\n", &e), -1);
    assert_non_null(strstr(e.msg, "'soon' is not a duration"));
    assert_int_equal(parse(&c, "ship: {url: clickhouse://h:1/l, batch: 5}\n", &e), -1);
    assert_non_null(strstr(e.msg, "ship: unknown key 'batch'"));
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

/* Sizes said in binary units, labelled so, at each unit's edges. */
static void size_text(void **st)
{
    (void)st;
    static const struct { int64_t b; const char *spaced, *compact; } c[] = {
        {-1, "unknown", "unknown"},
        {0, "0 B", "0B"},
        {1023, "1023 B", "1023B"},
        {1024, "1.0 KiB", "1.0KiB"},
        {1048575, "1024.0 KiB", "1024.0KiB"},
        {1048576, "1.0 MiB", "1.0MiB"},
        {173457408, "165.4 MiB", "165.4MiB"},
        {INT64_C(1073741824), "1.00 GiB", "1.00GiB"},
        {INT64_C(1691123712), "1.57 GiB", "1.57GiB"},
    };
    char out[32];
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        config_size_text(c[i].b, 0, out, sizeof out);
        assert_string_equal(out, c[i].spaced);
        config_size_text(c[i].b, 1, out, sizeof out);
        assert_string_equal(out, c[i].compact);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full),
        cmocka_unit_test(errors_name_line_col),
        cmocka_unit_test(empty_is_fine),
        cmocka_unit_test(ui_section),
        cmocka_unit_test(copy_is_deep),
        cmocka_unit_test(ship_section),
        cmocka_unit_test(size_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
