/* qparser: the query parser's cursor, nodes and errors (query_int.h),
 * shared by query.c (expressions) and term.c (terms); calls neither. */
#include "src/query/query_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qp_skip_ws(struct qparser *p)
{
    while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                             p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

int qp_col(const struct qparser *p, size_t pos)
{
    int col = 1;
    for (size_t i = 0; i < pos && i < p->n; i++)
        if (((unsigned char)p->s[i] & 0xC0) != 0x80)
            col++;
    return col;
}

int qp_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct pnode *qp_node(struct qparser *p, int kind, size_t pos)
{
    struct pnode *n = calloc(1, sizeof *n);
    if (!n) {
        qp_fail(p, pos, "out of memory compiling the query");
        return NULL;
    }
    n->kind = kind;
    n->col = qp_col(p, pos);
    if ((kind == PK_TEXT || kind == PK_CMP || kind == PK_REGEX) && ++p->leaves > QP_MAX_LEAVES) {
        free(n);
        qp_fail(p, pos, "too many terms at col %d: at most %d in a query", qp_col(p, pos),
                QP_MAX_LEAVES);
        return NULL;
    }
    return n;
}

void qp_node_free(struct pnode *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->nkids; i++)
        qp_node_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n->path);
    free(n->s);
    free(n);
}

/* Writes the error once (the first failure wins) and returns -1. */
int qp_fail(struct qparser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return -1;
    p->failed = 1;
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    (void)pos;
    err_setc(p->e, 2, "%s", msg);
    return -1;
}

/* Copies at most 40 bytes of s[0..n) for a message, control bytes as '?'. */
const char *qp_quote(char buf[64], const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < 40; i++)
        buf[k++] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    if (n > 40) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}
