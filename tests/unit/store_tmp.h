/* store_tmp: a test helper shared by the tests that build a store in a
 * temporary file: removes the store and its WAL and shared-memory files. */
#ifndef LOGDECK_TEST_STORE_TMP_H
#define LOGDECK_TEST_STORE_TMP_H

#include <stdio.h>
#include <unistd.h>

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
