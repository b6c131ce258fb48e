/* text: the text formats that start with a time or a syslog header:
 * Python logging (%(asctime)s - %(name)s - %(levelname)s - %(message)s),
 * loguru's default and the health checker's console format, and syslog
 * (RFC 3164 with or without <PRI>, RFC 5424, rsyslog's RFC 3339 files).
 * Internal to the parser. */
#ifndef LOGDECK_PARSE_TEXT_H
#define LOGDECK_PARSE_TEXT_H

#include "src/parse/env.h"

/* Each takes a line of n bytes (not NUL-terminated, ANSI colours already
 * removed) and a record set up with parse_record_init. Returns 1 and fills
 * r (every string copied into env->arena; raw is left to the caller), or
 * 0 if the line is not in that format (r then holds garbage). */

/* Lines starting with "YYYY-MM-DD": Python, loguru, rsyslog RFC 3339. */
int parse_text_dated(struct parse_env *env, const char *s, size_t n, struct record *r);
/* Lines starting with "<PRI>" or a month name ("Oct 11 22:14:15 host ..."). */
int parse_text_syslog(struct parse_env *env, const char *s, size_t n, struct record *r);

#endif
