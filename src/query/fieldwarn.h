/* fieldwarn: a query that names a structured field no record has is most
 * likely a typo (`levle>=error`), and it silently matches nothing. This
 * finds such fields through the store's field catalogue and words the
 * warning with the nearest known names. */
#ifndef LOGDECK_QUERY_FIELDWARN_H
#define LOGDECK_QUERY_FIELDWARN_H

#include <stddef.h>

#include "db/store.h"
#include "src/base/err.h"
#include "src/base/plan.h"

/* Writes "no record has field 'levle' (did you mean 'level'?)" into out
 * for the first field of p the store has never seen (out = "" when every
 * field is known). Returns how many unknown fields p names, or -1 with e
 * filled. */
int fieldwarn_check(struct store *s, const struct plan *p, char *out, size_t cap,
                    struct err *e);

#endif
