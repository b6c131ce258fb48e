/* test_ui_input: the query bar's pieces without a terminal: the line
 * editor (ui/lineedit.c), the persisted history (ui/history.c) and the
 * key map with its help (ui/keys.c). */
#include <locale.h>
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

#include "ui/history.h"
#include "ui/keys.h"
#include "ui/lineedit.h"

static int setup(void **state)
{
    (void)state;
    return setlocale(LC_CTYPE, "C.UTF-8") ? 0 : -1;
}

static void type(struct lineedit *l, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        lineedit_insert(l, *p < 0x80 ? *p : 0xfffd);
}

/* Issue 11, item 18: a text cut at LINEEDIT_MAX keeps no partial
 * character: neither a lead byte alone nor a lead with part of its tail. */
static void test_lineedit_cut_utf8(void **state)
{
    (void)state;
    static const char *const tails[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x9a\xa8"};
    static struct lineedit l;
    char text[LINEEDIT_MAX + 8];
    for (int t = 0; t < 3; t++)
        for (size_t pad = LINEEDIT_MAX - 4; pad <= LINEEDIT_MAX; pad++) {
            memset(text, 'a', pad);
            snprintf(text + pad, sizeof text - pad, "%s", tails[t]);
            lineedit_set(&l, text);
            size_t whole = pad + strlen(tails[t]);
            size_t want = whole <= LINEEDIT_MAX ? whole : pad < LINEEDIT_MAX ? pad : LINEEDIT_MAX;
            assert_int_equal(l.len, want);
            assert_int_equal(strlen(l.buf), want);
            assert_int_equal(l.cur, want);
            if (want > pad)
                assert_memory_equal(l.buf + pad, tails[t], strlen(tails[t]));
        }
    memset(text, 'a', LINEEDIT_MAX - 1);   /* a stray continuation byte at the cut */
    memcpy(text + LINEEDIT_MAX - 1, "\x80\x80", 3);
    lineedit_set(&l, text);
    assert_int_equal(l.len, LINEEDIT_MAX - 1);
}

static void test_lineedit(void **state)
{
    (void)state;
    struct lineedit l;
    lineedit_set(&l, "level>=error");
    assert_int_equal(l.cur, 12);
    lineedit_word_left(&l);
    assert_int_equal(l.cur, 0);
    lineedit_set(&l, "service:api level>=error");
    lineedit_kill_word(&l);
    assert_string_equal(l.buf, "service:api ");
    type(&l, "\"conn reset\"");
    assert_string_equal(l.buf, "service:api \"conn reset\"");
    l.cur = 3;
    lineedit_kill_to_start(&l);
    assert_string_equal(l.buf, "vice:api \"conn reset\"");
    assert_int_equal(l.cur, 0);
    lineedit_kill_to_end(&l);
    assert_string_equal(l.buf, "");
    /* multi-byte: backspace removes a whole character, columns count width */
    lineedit_set(&l, "ưu");
    lineedit_insert(&l, 0x65e5);   /* 日 */
    assert_int_equal(lineedit_cursor_col(&l), 4);
    lineedit_left(&l);
    assert_int_equal(lineedit_cursor_col(&l), 2);
    lineedit_backspace(&l);
    assert_string_equal(l.buf, "ư日");
    lineedit_delete(&l);
    assert_string_equal(l.buf, "ư");
    /* control characters are refused */
    assert_int_equal(lineedit_insert(&l, 0x1b), -1);
    assert_string_equal(l.buf, "ư");
}

static void test_history_persists(void **state)
{
    (void)state;
    char dir[] = "/tmp/logdeck-hist-XXXXXX", path[4096];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sub/history", dir);
    struct history h;
    struct err e = {0};
    assert_int_equal(history_load(&h, path, 3, &e), 0);   /* missing: empty */
    assert_int_equal(h.n, 0);
    assert_int_equal(history_add(&h, "level>=error", &e), 0);
    assert_int_equal(history_add(&h, "  service:api  ", &e), 0);
    assert_int_equal(history_add(&h, "   ", &e), 0);             /* blank: ignored */
    assert_int_equal(history_add(&h, "level>=error", &e), 0);    /* moves to the end */
    assert_int_equal(history_add(&h, "a\x1b" "b", &e), 0);
    assert_int_equal(history_add(&h, "since:15m", &e), 0);       /* drops the oldest */
    history_fini(&h);

    assert_int_equal(history_load(&h, path, 3, &e), 0);
    assert_int_equal(h.n, 3);
    assert_string_equal(history_get(&h, 0), "level>=error");
    assert_string_equal(history_get(&h, 1), "a b");
    assert_string_equal(history_get(&h, 2), "since:15m");
    assert_null(history_get(&h, 3));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    history_fini(&h);
    unlink(path);
    snprintf(path, sizeof path, "%s/sub", dir);
    rmdir(path);
    rmdir(dir);
}

static void test_keys_of_the_design(void **state)
{
    (void)state;
    /* design.md, Keys: every key there does something */
    static const int keys[] = {'?', 'q', K_ESC, '/', 'n', 'N', 'j', 'k', K_UP, K_DOWN, K_PGUP,
                               K_PGDN, 'g', 'G', 'F', K_ENTER, 'e', 'E', 't', 'm', 'a', 'l',
                               'A', 's', ':', 'x', 'u', 'U', 'T'};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_int_not_equal(keys_action(keys[i]), A_NONE);
    assert_int_equal(keys_action('z'), A_NONE);   /* an unbound key */
    assert_int_equal(keys_action('x'), A_MARK);
    assert_int_equal(keys_action('T'), A_TIME_MODE);
    /* and the help lists each of them */
    const struct keyhelp *h;
    int n = keys_help(&h);
    static const char *const names[] = {"?", "q", "Esc", "/", "n N", "j k", "Up", "Down",
                                        "PgUp", "PgDn", "g G", "F", "Enter", "e E", "t", "m",
                                        "a", "l", "A s", ":", "x", "u U", "T"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int found = 0;
        for (int k = 0; k < n && !found; k++)
            found = h[k].keys && strstr(h[k].keys, names[i]) != NULL;
        if (!found)
            fail_msg("help does not list %s", names[i]);
    }
    char buf[16];
    assert_string_equal(keys_name(K_CTRL('w'), buf), "^W");
    assert_string_equal(keys_name(K_PGDN, buf), "PgDn");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lineedit), cmocka_unit_test(test_lineedit_cut_utf8),
        cmocka_unit_test(test_history_persists),
        cmocka_unit_test(test_keys_of_the_design),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
