/* follow_db: store queries the follower needs beyond db/store.h (the rest
 * of db/follow_db.c is declared there, under "follower support"). */
#ifndef LOGDECK_FOLLOW_DB_H
#define LOGDECK_FOLLOW_DB_H

#include <stdint.h>

#include "db/store.h"

/* The largest record id stored (committed or in the open batch), 0 when
 * there is none or on error. */
int64_t store_last_record_id(struct store *s);

#endif
