/* sql_dump: a test helper shared by the tokenizer tests: every row of a
 * query as one string, each column hex-encoded and ended by '|', so two
 * tables (or FTS5 vocabularies) compare with one string equality. The
 * caller frees the result. Include after cmocka.h. */
#ifndef LOGDECK_TEST_SQL_DUMP_H
#define LOGDECK_TEST_SQL_DUMP_H

#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

static char *sql_dump(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 1 << 16, n = 0;
    char *out = calloc(1, cap);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *t = sqlite3_column_blob(st, c);
            int l = sqlite3_column_bytes(st, c);
            while (n + 2 * (size_t)l + 4 >= cap)
                out = realloc(out, cap *= 2);
            for (int k = 0; k < l; k++)
                n += (size_t)sprintf(out + n, "%02x", t[k]);
            out[n++] = '|';
            out[n] = '\0';
        }
    sqlite3_finalize(st);
    return out;
}

#endif
