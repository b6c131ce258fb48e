/* tmpl: the template of an error message (its first line): quoted
 * strings, uuids, hex and numbers replaced by <str>, <uuid>, <hex>, <num>
 * (src/base/tmpl.c). */
#ifndef LOGDECK_TMPL_H
#define LOGDECK_TMPL_H

#include <stddef.h>

/* A malloc'd string, or NULL when out of memory. */
char *tmpl_of(const char *msg, size_t len);

#endif
