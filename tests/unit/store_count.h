/* store_count: a test helper shared by the tests that count a query's
 * records in a store they built: store_count() of q compiled at now, the
 * test failing with the query and the error when either step fails.
 * Include after cmocka.h, db/exec.h and src/query/query.h. */
#ifndef LOGDECK_TEST_STORE_COUNT_H
#define LOGDECK_TEST_STORE_COUNT_H

#include <stdint.h>

static int64_t store_count_at(struct store *s, const char *q, int64_t now)
{
    struct err e = {0};
    struct plan *p = query_compile(q, now, NULL, &e);
    if (!p)
        fail_msg("[%s]: %s", q, e.msg);
    int64_t n = -1;
    if (store_count(s, p, 0, 0, &n, &e) < 0)
        fail_msg("[%s]: %s", q, e.msg);
    query_free(p);
    return n;
}

#endif
