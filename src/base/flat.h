/* flat: the structured fields of a record as (dotted path, scalar value)
 * pairs, the form the store indexes them in (field=value tokens, the field
 * catalogue) and the form bare words search (every value is text of the
 * record). Nested objects give dotted paths ({"process":{"id":1}} ->
 * "process.id"), literal dotted keys stay as they are ("log.level"), so a
 * path reads the same whichever way the writer spelled it.
 *
 * Values: strings as they are; numbers in a canonical text (integral values
 * as an integer, others with 17 significant digits, which round-trips);
 * true/false. null gives no pair, an object its members, an array each of
 * its elements at the array's own path ({"tags":["a","b"]} -> ("tags","a"),
 * ("tags","b"); {"items":[{"sku":"X"}]} -> ("items.sku","X")), so a path
 * may come more than once in a record. Paths longer than FLAT_PATH_MAX - 1
 * bytes are skipped.
 *
 * The packed form (record.terms) is a sequence of
 *   path NUL kind value NUL
 * with kind 's' (string), 'n' (number) or 'b' (boolean). */
#ifndef LOGDECK_FLAT_H
#define LOGDECK_FLAT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define FLAT_PATH_MAX 256

enum { FLAT_STR = 's', FLAT_NUM = 'n', FLAT_BOOL = 'b' };

/* Called per pair; path and val are NUL-terminated and borrowed. Returns
 * non-zero to stop. */
typedef int (*flat_fn)(void *ctx, const char *path, size_t plen, int kind, const char *val,
                       size_t vlen);

/* Walks the members of obj (an object) depth-first in document order.
 * Returns the callback's non-zero value, or 0. */
int flat_walk(const cJSON *obj, flat_fn fn, void *ctx);

/* Canonical text of a number into buf (>= 32 bytes); returns its length. */
size_t flat_num(double v, char *buf);

/* Iterates a packed terms buffer: *pos starts at 0. Returns 1 and fills
 * the pointers while there is a pair, 0 at the end. */
int flat_next(const char *terms, size_t len, size_t *pos, const char **path, size_t *plen,
              int *kind, const char **val, size_t *vlen);

#endif
