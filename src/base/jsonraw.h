/* jsonraw: parsing a log line's raw JSON text with cJSON when it may hold
 * raw NUL bytes. cJSON's strings are C strings, so a NUL inside a string
 * would cut it (and the rest of the object) short: each raw NUL goes to
 * cJSON as U+2400 SYMBOL FOR NULL (JSONRAW_NUL_MARK), a visible mark the
 * fields keep. The parser (src/parse/json.c) and every re-parse of stored
 * raw text (query output, field filters, the detail pane) use this rule. */
#ifndef LOGDECK_JSONRAW_H
#define LOGDECK_JSONRAW_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define JSONRAW_NUL_MARK "\xE2\x90\x80"

/* Like cJSON_ParseWithLengthOpts(s, n, end, 0). With raw NULs in s, *end
 * (if end) is s + n when everything after the value is white space, else
 * NULL. Returns the tree (cJSON_Delete it) or NULL. */
cJSON *jsonraw_parse(const char *s, size_t n, const char **end);

#endif
