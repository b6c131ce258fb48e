/* cid: finds the correlation id in a text log line. The default matcher is
 * hand-written (it runs on every text line): the leftmost of a bracketed
 * UUID "[3f2a9c1e-...]", "request_id=VALUE", "correlation_id=VALUE" or
 * "request_id: VALUE" (VALUE bare, or quoted with '"' or '\''). A custom
 * POSIX extended regex replaces it: the first capture group is the cid
 * (the whole match if the regex has no group). */
#ifndef LOGDECK_CID_H
#define LOGDECK_CID_H

#include <stddef.h>

#include "src/base/err.h"

struct cid;

/* regex NULL or "": the default matcher. Returns NULL and fills e if the
 * regex does not compile (the message quotes it). */
struct cid *cid_new(const char *regex, struct err *e);
void cid_free(struct cid *c);   /* NULL is a no-op */

/* Looks for a cid in s[0..n) (not NUL-terminated; may hold NUL bytes).
 * Returns 1 and the cid's position in *off and *len, or 0 if there is none.
 * Not const: a custom regex needs a scratch copy of the line kept in c. */
int cid_find(struct cid *c, const char *s, size_t n, size_t *off, size_t *len);

#endif
