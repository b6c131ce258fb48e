/* test_grab_oom: grab_watch out of memory (issue 11, item 18). strdup is
 * made to fail right after realloc moved the directory array: the grabber
 * must keep the moved array (not the freed one), refuse that directory
 * cleanly, and go on watching the others. realloc here always moves, and
 * strdup fails on demand, in this thread only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/base/ts.h"
#include "src/follow/grab.h"

static _Thread_local int fail_strdup;

char *strdup(const char *s)
{
    if (fail_strdup) {
        fail_strdup = 0;
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    return p ? memcpy(p, s, n) : NULL;
}

void *realloc(void *old, size_t n)
{
    if (!n) {
        free(old);
        return NULL;
    }
    void *p = malloc(n);
    if (p && old) {
        size_t o = malloc_usable_size(old);
        memcpy(p, old, o < n ? o : n);
        free(old);   /* the old array is gone, as when realloc moves it */
    }
    return p;
}

static int wait_item(struct grab *g, const char *want)
{
    for (int64_t end = ts_now() + 5000000; ts_now() < end; usleep(20000)) {
        struct grab_item *it = NULL;
        int64_t ov;
        size_t n = grab_take(g, &it, &ov);
        int found = 0;
        for (size_t i = 0; i < n; i++) {
            found |= strcmp(it[i].path, want) == 0;
            if (it[i].fd >= 0)
                close(it[i].fd);
            free(it[i].path);
        }
        free(it);
        if (found)
            return 1;
    }
    return 0;
}

static void test_watch_strdup_fails_after_realloc(void **st)
{
    (void)st;
    char root[] = "/tmp/test_grab_oom.XXXXXX", d[4][300], f[320];
    assert_non_null(mkdtemp(root));
    for (int i = 0; i < 4; i++) {
        snprintf(d[i], sizeof d[i], "%.200s/d%d", root, i);
        assert_int_equal(mkdir(d[i], 0700), 0);
    }
    struct err e = {0};
    int wfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct grab *g = grab_new(wfd, NULL, &e);
    assert_non_null(g);
    char pat[320];
    snprintf(pat, sizeof pat, "%.200s/d*", root);
    struct grab_rule r = {.dir = pat, .pat = NULL};
    assert_int_equal(grab_set_rules(g, &r, 1), 0);
    assert_int_equal(grab_watch(g, d[0], &e), 0);
    assert_int_equal(grab_watch(g, d[1], &e), 0);
    fail_strdup = 1;   /* after realloc has moved the array */
    assert_int_equal(grab_watch(g, d[2], &e), -1);
    assert_non_null(strstr(e.msg, "out of memory"));
    assert_int_equal(grab_watch(g, d[3], &e), 0);
    for (int i = 0; i < 4; i += 3) {   /* the watched ones still report their files */
        snprintf(f, sizeof f, "%.290s/app.log", d[i]);
        int fd = open(f, O_WRONLY | O_CREAT, 0600);
        assert_true(fd >= 0);
        close(fd);
        assert_true(wait_item(g, f));
    }
    grab_free(g);
    close(wfd);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_watch_strdup_fails_after_realloc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
