/* follow_db: store queries the follower needs beyond db/store.h (the rest
 * of db/follow_db.c is declared there, under "follower support"). */
#ifndef LOGDECK_FOLLOW_DB_H
#define LOGDECK_FOLLOW_DB_H

#include <stdint.h>

#include "db/store.h"

/* The largest record id stored (committed or in the open batch), 0 when
 * there is none or on error. */
int64_t store_last_record_id(struct store *s);

/* Counts one loss of unknown size (the meta row "lost_gaps", read by
 * store_totals): the lines after a file's checkpoint, and any files rotated
 * after it, deleted while logdeck was down. Joins the open batch (call
 * store_begin first); 0 or -1 (e filled). */
int store_gap_add(struct store *s, struct err *e);

#endif
