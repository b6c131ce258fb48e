/* alerts_db_int: statement helpers shared by db/alerts_db.c and
 * db/alerts_outbox.c. Not a public API. */
#ifndef LOGDECK_ALERTS_DB_INT_H
#define LOGDECK_ALERTS_DB_INT_H

#include <stddef.h>

#include "db/alerts_db.h"
#include "db/store_int.h"

/* Prepares sql (not cached: alert writes are rare). 0 or -1 with e. */
int adb_prep(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e);
/* Steps a write statement to SQLITE_DONE and finalizes it. */
int adb_done(struct store *s, sqlite3_stmt *st, const char *what, struct err *e);
/* Copies text column i into dst[cap] ("" for NULL). */
void adb_col(sqlite3_stmt *st, int i, char *dst, size_t cap);
/* Binds a copy of v. */
void adb_text(sqlite3_stmt *st, int i, const char *v);

#endif
