/* query: the query language (design.md, Query language) compiled from text
 * to an AST to a plan (plan.h) that db/ executes.
 *
 *   level>=warning service:api "connection reset" -path:/health since:15m
 *   cid:3f2a9c1e-*   status>=500   duration_ms>1000   until:2026-01-01T10:00Z
 *   (level:error OR level:critical) AND NOT component:metrics
 */
#ifndef LOGDECK_QUERY_H
#define LOGDECK_QUERY_H

#include <stdint.h>

#include "src/base/err.h"
#include "src/base/plan.h"
#include "src/base/ts.h"

/* Limits: the text at most QUERY_MAX_BYTES, at most QUERY_MAX_TERMS terms
 * where an OR-ed list of equalities on one field (seq:1 OR seq:2 ...)
 * counts as one term (it is one set lookup), and at most 4096 terms
 * parsed in all; beyond, an error with e->code 2. */
#define QUERY_MAX_BYTES 65536
#define QUERY_MAX_TERMS 256

/* Compiles text. now_us anchors relative times (since:15m); tz is used for
 * zone-less absolute times (NULL: local zone). Returns NULL on a bad query
 * and fills e with the 1-based column and what was expected, e.g.
 * "unknown level 'loud' at col 8; expected one of trace, debug, info,
 * notice, warning, error, critical"; e->code is 2. */
struct plan *query_compile(const char *text, int64_t now_us, const struct tzspec *tz,
                           struct err *e);
void query_free(struct plan *p);    /* NULL is a no-op */

/* Field name (as typed by users) to enum pfield; unknown names map to
 * PF_JSON. Aliases: status_code/status, duration_ms/duration, msg/message,
 * logger/name, time/ts, metric/metric.name, ... */
int query_field(const char *name);

/* 1 if p's result may be incomplete: the store still misses history of
 * files_partial files (tail-first indexing), everything stored from
 * covered_since (µs) on, and p asks for records before that. */
int query_partial(const struct plan *p, int64_t files_partial, int64_t covered_since);

/* Writes a canonical text form of the plan (for tests and `--explain`). */
int query_describe(const struct plan *p, char *buf, int cap);

#endif
