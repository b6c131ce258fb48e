/* store_count: a test helper shared by the tests that count a query's
 * records in a store they built: store_count() of q compiled at now, the
 * test failing with the query and the error when either step fails.
 * Include after cmocka.h, db/exec.h and src/query/query.h. */
#ifndef LOGDECK_TEST_STORE_COUNT_H
#define LOGDECK_TEST_STORE_COUNT_H

#include <stdint.h>

/* The same within [since, until] (0: unbounded), as a view counts. */
static int64_t store_count_in(struct store *s, const char *q, int64_t now, int64_t since,
                              int64_t until)
{
    struct err e = {0};
    struct plan *p = query_compile(q, now, NULL, &e);
    if (!p)
        fail_msg("[%s]: %s", q, e.msg);
    int64_t n = -1;
    if (store_count(s, p, since, until, &n, &e) < 0)
        fail_msg("[%s]: %s", q, e.msg);
    query_free(p);
    return n;
}

static int64_t store_count_at(struct store *s, const char *q, int64_t now)
{
    return store_count_in(s, q, now, 0, 0);
}

#endif
