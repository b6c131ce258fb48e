/* test_grab_copy: the grabber wakes the follower when a file is created
 * under a rotated sibling's name of a rule's file (issue 11, item 4):
 * logrotate's copytruncate makes its copy so, then truncates the file,
 * and the follower, which lets writes gather a few ms between its reads,
 * reads at once until the copy is quiet. Such a copy is not queued (the
 * follower's sibling scans find it once done); a file created under a
 * name that is no rule's sibling wakes nobody. Exact rules and globs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/follow/follow_int.h"   /* fscan_is_sibling: the follower's own test */
#include "src/follow/grab.h"

struct fix {
    char root[64];
    int wfd;
    struct grab *g;
};

/* A grabber watching a new directory with one rule for pat in it. */
static void fix_start(struct fix *x, const char *pat, int exact)
{
    snprintf(x->root, sizeof x->root, "/tmp/test_grab_copy.XXXXXX");
    assert_non_null(mkdtemp(x->root));
    struct err e = {0};
    x->wfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    assert_true(x->wfd >= 0);
    x->g = grab_new(x->wfd, fscan_is_sibling, &e);
    assert_non_null(x->g);
    struct grab_rule r = {.dir = x->root, .pat = pat, .exact = exact};
    assert_int_equal(grab_set_rules(x->g, &r, 1), 0);   /* copied */
    assert_int_equal(grab_watch(x->g, x->root, &e), 0);
}

static void fix_end(struct fix *x)
{
    grab_free(x->g);
    close(x->wfd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", x->root);
    assert_int_equal(system(cmd), 0);
}

static void create(const struct fix *x, const char *name)
{
    char p[160];
    snprintf(p, sizeof p, "%s/%s", x->root, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "x\n", 2), 2);
    close(fd);
}

/* 1 if the wake fd becomes readable within ms (then drained). */
static int woken(const struct fix *x, int ms)
{
    struct pollfd pf = {x->wfd, POLLIN, 0};
    if (poll(&pf, 1, ms) != 1)
        return 0;
    uint64_t v;
    assert_int_equal(read(x->wfd, &v, sizeof v), (ssize_t)sizeof v);
    return 1;
}

/* The queue's length (items freed). */
static size_t taken(struct fix *x)
{
    struct grab_item *it = NULL;
    int64_t ov;
    size_t n = grab_take(x->g, &it, &ov);
    for (size_t i = 0; i < n; i++) {
        if (it[i].fd >= 0)
            close(it[i].fd);
        free(it[i].path);
    }
    free(it);
    return n;
}

static void test_exact_rule(void **st)
{
    (void)st;
    struct fix x;
    fix_start(&x, "app.log", 1);
    create(&x, "notes.txt.1");          /* no rule's sibling: nobody woken */
    assert_false(woken(&x, 300));
    create(&x, "app.log.1");            /* logrotate's copy */
    assert_true(woken(&x, 10000));
    create(&x, "app.log-20261203");     /* dateext */
    assert_true(woken(&x, 10000));
    assert_int_equal(taken(&x), 0);     /* copies are not queued */
    create(&x, "app.log");              /* the file itself: queued, and a wake */
    assert_true(woken(&x, 10000));
    assert_int_equal(taken(&x), 1);
    fix_end(&x);
}

static void test_glob_rule(void **st)
{
    (void)st;
    struct fix x;
    fix_start(&x, "*.log", 0);
    create(&x, "web.txt.1");            /* web.txt is not *.log */
    assert_false(woken(&x, 300));
    create(&x, "web.log.1");            /* a copy of web.log */
    assert_true(woken(&x, 10000));
    create(&x, "api.log-2026-12-03");
    assert_true(woken(&x, 10000));
    assert_int_equal(taken(&x), 0);
    fix_end(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_rule),
        cmocka_unit_test(test_glob_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
