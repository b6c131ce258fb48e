/* names: the service, logger and request path of a record as a number
 * (db internals, store v9).
 *
 * A name is stored once in names(id, v); a record's service, logger and
 * path columns hold its id as a BLOB (a varint of 1 to 3 bytes: a column
 * of TEXT affinity would turn an INTEGER into text, a BLOB it keeps), so
 * "api.request" costs a record 1 byte instead of 11 (1M records of gen
 * --wide: the records table 66.1 -> 47.2 MB, README). Rows of a store
 * made before, and names past NAMES_MAX (a path with an id in it, say),
 * keep their text: every reader goes through ld_name(), which gives a
 * BLOB's name and any other value as it is.
 *
 * rolldim (rollup.c) is the rollups' own dictionary of the same kind of
 * names, older than this one and looked up per cell at a commit; the two
 * are not merged (the rollup tables' ids would have to be rewritten).
 *
 * Writer (the thread that calls store_add): names_id() gives a name's id,
 * inserting a new one into names in the open batch; names_forget() after
 * a rollback. Readers: ld_name(col) on every connection (names_register),
 * its cache dropped with names_forget() too (ids of a rolled-back batch
 * are given again). */
#ifndef LOGDECK_NAMES_H
#define LOGDECK_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "db/store_int.h"

#define NAMES_MAX 65536   /* distinct names kept as ids; later ones as text */
#define NAMES_IDLEN 3     /* the longest id blob: 3 varint bytes, 2^21 ids */

/* v's id blob into out (NAMES_IDLEN bytes): its length, or 0 when v is
 * stored as text (NULL or empty, past NAMES_MAX), or -1 with e. */
int names_id(struct store *s, const char *v, unsigned char *out, struct err *e);
/* After a rollback: the writer's map and ld_name's cache are dropped. */
void names_forget(struct store *s);
void names_free(struct store *s);
/* ld_name(value) on s's connection. 0, or -1 with e. */
int names_register(struct store *s, struct err *e);

#endif
