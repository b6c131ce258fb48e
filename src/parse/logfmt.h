/* logfmt: key=value key="quoted value" lines. Internal to the parser. */
#ifndef LOGDECK_PARSE_LOGFMT_H
#define LOGDECK_PARSE_LOGFMT_H

#include "src/parse/env.h"

/* Same contract as text.h's functions; every pair also goes into
 * r->fields as a JSON object (numbers as numbers, the rest as strings).
 * Strict (env->loose 0): every token must be a key=value pair and there
 * must be at least two. Loose (format forced): bare words are flags
 * (true) and one pair suffices. */
int parse_logfmt(struct parse_env *env, const char *s, size_t n, struct record *r);

#endif
