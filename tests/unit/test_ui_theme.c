/* test_ui_theme: the theme format (ui/theme.c): the compiled-in default is
 * exactly themes/dark.theme, every shipped theme parses and names every
 * role, errors name line and column, and lookup honours XDG_CONFIG_HOME. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ui/theme.h"

static const char *root(void)
{
    const char *r = getenv("ROOT");
    return r && *r ? r : ".";
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 16);
    *n = fread(buf, 1, (1 << 16) - 1, f);
    buf[*n] = 0;
    fclose(f);
    return buf;
}

static void test_default_is_dark_theme_file(void **state)
{
    (void)state;
    char path[4096];
    size_t n;
    snprintf(path, sizeof path, "%s/themes/dark.theme", root());
    char *text = slurp(path, &n);
    assert_non_null(text);
    assert_string_equal(theme_default_text(), text);
    free(text);
}

static void test_shipped_themes_are_complete(void **state)
{
    (void)state;
    static const char *const names[] = {"dark", "light", "solarized-dark", "high-contrast",
                                        "monochrome"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4096];
        size_t n;
        snprintf(path, sizeof path, "%s/themes/%s.theme", root(), names[i]);
        char *text = slurp(path, &n);
        assert_non_null(text);
        /* every role is named explicitly (not inherited from the default) */
        for (int r = 0; r < ROLE_COUNT; r++) {
            char needle[64];
            snprintf(needle, sizeof needle, "\n%s ", role_name(r));
            if (!strstr(text, needle))
                fail_msg("%s.theme does not set %s", names[i], role_name(r));
        }
        struct theme t;
        struct err e = {0};
        theme_default(&t);
        assert_int_equal(theme_parse(&t, text, n, &e), 0);
        free(text);
    }
}

static void test_monochrome_has_no_colours(void **state)
{
    (void)state;
    char path[4096];
    size_t n;
    snprintf(path, sizeof path, "%s/themes/monochrome.theme", root());
    char *text = slurp(path, &n);
    struct theme t;
    struct err e = {0};
    theme_default(&t);
    assert_int_equal(theme_parse(&t, text, n, &e), 0);
    for (int r = 0; r < ROLE_COUNT; r++) {
        assert_int_equal(t.role[r].fg, THEME_COLOR_DEFAULT);
        assert_int_equal(t.role[r].bg, THEME_COLOR_DEFAULT);
    }
    assert_true(t.role[ROLE_SELECTION].attrs & TA_REVERSE);
    free(text);
}

static void test_parse_values(void **state)
{
    (void)state;
    struct theme t;
    struct err e = {0};
    theme_default(&t);
    const char *txt = "# comment\n\n  level.error  bright-red  #002b36  bold underline # tail\n"
                      "match 226 default reverse\nselection red\ntime cyan bold\n";
    assert_int_equal(theme_parse(&t, txt, strlen(txt), &e), 0);
    assert_int_equal(t.role[ROLE_LVL_ERROR].fg, 9);
    assert_int_equal(t.role[ROLE_LVL_ERROR].bg, 234);   /* nearest xterm colour to #002b36 */
    assert_int_equal(t.role[ROLE_LVL_ERROR].attrs, TA_BOLD | TA_UNDERLINE);
    assert_int_equal(t.role[ROLE_MATCH].fg, 226);
    assert_int_equal(t.role[ROLE_MATCH].attrs, TA_REVERSE);
    assert_int_equal(t.role[ROLE_SELECTION].fg, 1);
    assert_int_equal(t.role[ROLE_SELECTION].bg, THEME_COLOR_DEFAULT);
    assert_int_equal(t.role[ROLE_TIME].attrs, TA_BOLD);   /* attribute where bg would be */
    int c;
    assert_int_equal(theme_color_parse("256", 3, &c), -1);
    assert_int_equal(theme_color_parse("#12345", 6, &c), -1);
    assert_int_equal(theme_color_parse("grey", 4, &c), 0);
    assert_int_equal(c, 8);
}

static void test_parse_errors_name_line_and_column(void **state)
{
    (void)state;
    struct theme t;
    struct err e = {0};
    theme_default(&t);
    const char *a = "default default default\nlevel.eror red\n";
    assert_int_equal(theme_parse(&t, a, strlen(a), &e), -1);
    assert_int_equal(e.code, 2);
    assert_non_null(strstr(e.msg, "line 2, col 1: unknown role 'level.eror'"));
    const char *b = "time   cyan  blak\n";
    assert_int_equal(theme_parse(&t, b, strlen(b), &e), -1);
    assert_non_null(strstr(e.msg, "line 1, col 14: unknown colour 'blak'"));
    const char *c = "time cyan default bold shiny\n";
    assert_int_equal(theme_parse(&t, c, strlen(c), &e), -1);
    assert_non_null(strstr(e.msg, "line 1, col 24: unknown attribute 'shiny'"));
    const char *d = "time\n";
    assert_int_equal(theme_parse(&t, d, strlen(d), &e), -1);
    assert_non_null(strstr(e.msg, "needs a colour"));
}

static void test_load_from_config_dir(void **state)
{
    (void)state;
    char dir[] = "/tmp/logdeck-theme-XXXXXX", sub[4096], path[4200];
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/logdeck", dir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/logdeck/themes", dir);
    mkdir(sub, 0700);
    snprintf(path, sizeof path, "%s/mine.theme", sub);
    FILE *f = fopen(path, "w");
    fputs("status  yellow  blue  bold\n", f);
    fclose(f);
    setenv("XDG_CONFIG_HOME", dir, 1);
    struct theme t;
    struct err e = {0};
    assert_int_equal(theme_load(&t, "mine", &e), 0);
    assert_string_equal(t.name, "mine");
    assert_int_equal(t.role[ROLE_STATUS].fg, 3);
    assert_int_equal(t.role[ROLE_STATUS].bg, 4);
    /* roles it does not set keep the default */
    struct theme d;
    theme_default(&d);
    assert_memory_equal(&t.role[ROLE_LVL_ERROR], &d.role[ROLE_LVL_ERROR], sizeof d.role[0]);
    assert_int_equal(theme_load(&t, "nope", &e), -1);
    assert_non_null(strstr(e.msg, "unknown theme 'nope'; available: "));
    assert_non_null(strstr(e.msg, "mine"));
    assert_int_equal(theme_load(&t, "../etc/passwd", &e), -1);
    assert_int_equal(theme_load(&t, "dark", &e), 0);
    unlink(path);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/logdeck", dir);
    rmdir(sub);
    rmdir(dir);
}

static void test_role_names_round_trip(void **state)
{
    (void)state;
    for (int r = 0; r < ROLE_COUNT; r++) {
        const char *n = role_name(r);
        assert_int_equal(role_parse(n, strlen(n)), r);
    }
    assert_int_equal(role_for_level(6), ROLE_LVL_ERROR);
    assert_int_equal(role_line_for_level(3), ROLE_DEFAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_is_dark_theme_file),
        cmocka_unit_test(test_shipped_themes_are_complete),
        cmocka_unit_test(test_monochrome_has_no_colours),
        cmocka_unit_test(test_parse_values),
        cmocka_unit_test(test_parse_errors_name_line_and_column),
        cmocka_unit_test(test_load_from_config_dir),
        cmocka_unit_test(test_role_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
