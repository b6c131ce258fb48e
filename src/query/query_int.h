/* query_int: the parser state (qparser.c) shared by query.c (expressions)
 * and term.c (terms, values, field names, describe). Not a public API. */
#ifndef LOGDECK_QUERY_INT_H
#define LOGDECK_QUERY_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "src/base/err.h"
#include "src/base/plan.h"
#include "src/base/ts.h"

#define QP_MAX_LEAVES 4096       /* terms parsed, before grouping (fails early) */

struct qparser {
    const char *s;
    size_t n, pos;
    int depth;
    int failed;
    int leaves;                  /* terms created so far (at most QP_MAX_LEAVES) */
    int64_t now;
    const struct tzspec *tz;
    struct err *e;
};

void qp_skip_ws(struct qparser *p);
int qp_is_space(char c);
int qp_col(const struct qparser *p, size_t pos);
int qp_fail(struct qparser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *qp_quote(char buf[64], const char *s, size_t n);
struct pnode *qp_node(struct qparser *p, int kind, size_t pos);
void qp_node_free(struct pnode *n);

/* At a '"': a quoted phrase (full-text). */
struct pnode *qp_phrase(struct qparser *p);
/* At any other term start: a word, word*, field:value or field OP value. */
struct pnode *qp_term(struct qparser *p);

#endif
