/* test_ui_text: the TUI's safe text rendering (ui/text.c, ui/screen.c):
 * control characters and escape sequences become visible escapes, invalid
 * UTF-8 becomes U+FFFD, wide characters take two columns, combining marks
 * attach, and nothing written to a screen is ever a control character. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/screen.h"
#include "ui/text.h"

static char out[1024];

static const char *san(const char *s, size_t n)
{
    text_sanitize(s, n, out, sizeof out);
    return out;
}
#define SAN(lit) san(lit, sizeof(lit) - 1)

static int setup(void **state)
{
    (void)state;
    return setlocale(LC_CTYPE, "C.UTF-8") ? 0 : -1;
}

static void test_escape_sequences_are_visible(void **state)
{
    (void)state;
    assert_string_equal(SAN("a\x1b[31mred\x1b[0m"), "a^[[31mred^[[0m");
    assert_string_equal(SAN("title\x1b]0;pwned\x07"), "title^[]0;pwned^G");
    assert_string_equal(SAN("del\x7f"), "del^?");
    assert_string_equal(SAN("nul\0x"), "nul^@x");
    assert_string_equal(SAN("cr\rlf\n"), "cr^Mlf^J");
    /* C1 controls (8-bit CSI) arrive as UTF-8 U+009B: escaped too */
    assert_string_equal(SAN("c1\xc2\x9b" "2J"), "c1\\u009b2J");
    /* bidi override (Trojan source) and zero-width space */
    assert_string_equal(SAN("x\xe2\x80\xaey"), "x\\u202ey");
    assert_string_equal(SAN("x\xe2\x80\x8by"), "x\\u200by");
}

static void test_invalid_utf8_becomes_replacement(void **state)
{
    (void)state;
    assert_string_equal(SAN("a\xff" "b"), "a\xef\xbf\xbd" "b");
    assert_string_equal(SAN("\xc3"), "\xef\xbf\xbd");                  /* truncated */
    assert_string_equal(SAN("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");  /* overlong */
    assert_string_equal(SAN("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
    assert_string_equal(SAN("\xf4\x90\x80\x80"),
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  /* > U+10FFFF */
}

static void test_widths(void **state)
{
    (void)state;
    const char *vi = "Xử lý yêu cầu";   /* precomposed Vietnamese: 1 column each */
    assert_int_equal(text_width(vi, strlen(vi)), 13);
    const char *ja = "日本語";
    assert_int_equal(text_width(ja, strlen(ja)), 6);
    /* decomposed: e + combining circumflex + combining acute = one column */
    const char *dec = "e\xcc\x82\xcc\x81!";
    assert_int_equal(text_width(dec, strlen(dec)), 2);
    assert_int_equal(text_width("\x1b[0m", 4), 5);   /* "^[[0m" */
    assert_int_equal(text_width("a\tb", 3), 9);
    int used;
    assert_int_equal(text_fit(ja, strlen(ja), 5, &used), 6);   /* two characters */
    assert_int_equal(used, 4);
}

static void row(struct screen *s, int y, char *buf)
{
    screen_row_text(s, y, buf, 512);
}

static void test_screen_alignment(void **state)
{
    (void)state;
    struct screen s = {0};
    char buf[512];
    assert_int_equal(screen_resize(&s, 12, 3), 0);
    int x = screen_puts(&s, 0, 0, 12, "日本語abc", 0);
    assert_int_equal(x, 9);
    row(&s, 0, buf);
    assert_string_equal(buf, "日本語abc   ");
    /* a wide character that would straddle the edge becomes a space */
    screen_puts(&s, 1, 0, 5, "ab日本", 0);
    row(&s, 1, buf);
    assert_string_equal(buf, "ab日        ");
    screen_put(&s, 1, 0, 4, "abc日", 6, 0, -1, 0);
    row(&s, 1, buf);
    assert_string_equal(buf, "abc         ");
    /* overwriting half of a wide character clears the other half */
    screen_puts(&s, 0, 1, 12, "X", 0);
    row(&s, 0, buf);
    assert_string_equal(buf, " X本語abc   ");
    screen_fini(&s);
}

static void test_screen_never_holds_controls(void **state)
{
    (void)state;
    struct screen s = {0};
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i;
    screen_resize(&s, 200, 8);
    for (int y = 0; y < 8; y++)
        screen_put(&s, y, 0, 200, all + y * 32, 32, 0, 1, 0);
    for (int i = 0; i < 200 * 8; i++) {
        uint32_t c = s.cells[i].ch;
        assert_true(c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0));
    }
    screen_fini(&s);
}

static void test_escape_role(void **state)
{
    (void)state;
    struct screen s = {0};
    screen_resize(&s, 10, 1);
    screen_put(&s, 0, 0, 10, "a\x1b" "b", 3, 1, 7, 0);
    assert_int_equal(s.cells[0].role, 1);
    assert_int_equal(s.cells[1].role, 7);   /* '^' */
    assert_int_equal(s.cells[2].role, 7);   /* '[' */
    assert_int_equal(s.cells[3].role, 1);
    screen_fini(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_sequences_are_visible),
        cmocka_unit_test(test_invalid_utf8_becomes_replacement),
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_screen_alignment),
        cmocka_unit_test(test_screen_never_holds_controls),
        cmocka_unit_test(test_escape_role),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
