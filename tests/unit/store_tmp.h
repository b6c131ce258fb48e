/* store_tmp: test helpers shared by the tests that build a store in a
 * temporary file: open it or fail the test (include after cmocka.h), and
 * remove the store and its WAL and shared-memory files. */
#ifndef LOGDECK_TEST_STORE_TMP_H
#define LOGDECK_TEST_STORE_TMP_H

#include <stdio.h>
#include <unistd.h>

#include "db/store.h"

/* Opens db in mode (enum store_mode), or fails the running test. */
static inline struct store *store_tmp_open(const char *db, int mode)
{
    struct err e = {0};
    struct store *s = store_open(db, mode, &e);
    if (!s)
        fail_msg("opening %s: %s", db, e.msg);
    return s;
}

static void store_tmp_remove(const char *db)
{
    static const char *const ext[] = {"", "-wal", "-shm"};
    char p[4200];
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        snprintf(p, sizeof p, "%s%s", db, ext[i]);
        unlink(p);
    }
}

#endif
