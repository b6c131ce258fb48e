/* query: the query language compiler (query.h): a recursive-descent parser
 * from text straight to plan nodes (the AST is the plan tree), followed by
 * a normalisation pass (flatten nested AND/OR, drop double NOT) and the
 * lifting of top-level time bounds into plan->since/until. Term syntax
 * (field:value, comparisons, values, times) lives in term.c, the parser's
 * cursor, nodes and errors in qparser.c.
 *
 *   query   := or EOF
 *   or      := and ( "OR" and )*
 *   and     := unary ( ["AND"] unary )*        implicit AND
 *   unary   := "NOT" unary | "-" unary | primary
 *   primary := "(" or ")" | "\"phrase\"" | term
 *
 * Keywords are upper case (OR, AND, NOT); lower-case "or" is a word. */
#include "src/query/query.h"
#include "src/query/query_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUERY_MAX_DEPTH 64

static struct pnode *parse_or(struct qparser *p);

/* 1 if the keyword kw stands at the cursor as a whole word. */
static int at_keyword(const struct qparser *p, const char *kw)
{
    size_t k = strlen(kw);
    if (p->pos + k > p->n || memcmp(p->s + p->pos, kw, k) != 0)
        return 0;
    if (p->pos + k == p->n)
        return 1;
    char c = p->s[p->pos + k];
    return qp_is_space(c) || c == '(' || c == ')' || c == '"';
}

static int at_end_of_group(const struct qparser *p)
{
    return p->pos >= p->n || p->s[p->pos] == ')';
}

static int add_kid(struct qparser *p, struct pnode *parent, struct pnode *kid)
{
    struct pnode **k = realloc(parent->kids, (size_t)(parent->nkids + 1) * sizeof *k);
    if (!k) {
        qp_node_free(kid);
        return qp_fail(p, 0, "out of memory compiling the query");
    }
    parent->kids = k;
    parent->kids[parent->nkids++] = kid;
    return 0;
}

static struct pnode *wrap_not(struct qparser *p, size_t pos, struct pnode *kid)
{
    if (!kid)
        return NULL;
    struct pnode *n = qp_node(p, PK_NOT, pos);
    if (!n || add_kid(p, n, kid) < 0) {
        if (!n)
            qp_node_free(kid);
        qp_node_free(n);
        return NULL;
    }
    return n;
}

static struct pnode *parse_unary(struct qparser *p);

static struct pnode *parse_group(struct qparser *p)
{
    size_t open = p->pos++;
    if (++p->depth > QUERY_MAX_DEPTH) {
        qp_fail(p, open, "too deeply nested at col %d; expected at most %d levels of "
                "parentheses", qp_col(p, open), QUERY_MAX_DEPTH);
        return NULL;
    }
    qp_skip_ws(p);
    if (p->pos < p->n && p->s[p->pos] == ')') {
        qp_fail(p, open, "empty parentheses at col %d; expected a term inside '()'",
                qp_col(p, open));
        return NULL;
    }
    struct pnode *n = parse_or(p);
    if (!n)
        return NULL;
    qp_skip_ws(p);
    if (p->pos >= p->n || p->s[p->pos] != ')') {
        qp_fail(p, open, "unbalanced parenthesis: '(' at col %d is never closed; "
                "expected ')'", qp_col(p, open));
        qp_node_free(n);
        return NULL;
    }
    p->pos++;
    p->depth--;
    return n;
}

static struct pnode *parse_primary(struct qparser *p)
{
    qp_skip_ws(p);
    if (p->pos >= p->n) {
        qp_fail(p, p->pos, "unexpected end of query at col %d; expected a term",
                qp_col(p, p->pos));
        return NULL;
    }
    char c = p->s[p->pos];
    if (c == '(')
        return parse_group(p);
    if (c == ')') {
        qp_fail(p, p->pos, "unexpected ')' at col %d; no '(' to close", qp_col(p, p->pos));
        return NULL;
    }
    if (at_keyword(p, "OR") || at_keyword(p, "AND")) {
        const char *kw = at_keyword(p, "OR") ? "OR" : "AND";
        qp_fail(p, p->pos, "%s at col %d has nothing before it; expected a term before %s",
                kw, qp_col(p, p->pos), kw);
        return NULL;
    }
    if (c == '"')
        return qp_phrase(p);
    return qp_term(p);
}

/* After NOT, '-', AND or OR there must be a term. */
static int expect_term_after(struct qparser *p, const char *what, size_t at)
{
    qp_skip_ws(p);
    if (at_end_of_group(p) || at_keyword(p, "OR") || at_keyword(p, "AND"))
        return qp_fail(p, at, "dangling %s at col %d; expected a term after it", what,
                       qp_col(p, at));
    return 0;
}

static struct pnode *parse_unary(struct qparser *p)
{
    qp_skip_ws(p);
    size_t at = p->pos;
    if (at_keyword(p, "NOT")) {
        p->pos += 3;
        if (expect_term_after(p, "NOT", at) < 0)
            return NULL;
        return wrap_not(p, at, parse_unary(p));
    }
    if (p->pos < p->n && p->s[p->pos] == '-') {
        if (p->pos + 1 >= p->n || qp_is_space(p->s[p->pos + 1]) || p->s[p->pos + 1] == ')') {
            qp_fail(p, at, "dangling '-' at col %d; expected a term after it (-word, "
                    "-field:value)", qp_col(p, at));
            return NULL;
        }
        p->pos++;
        return wrap_not(p, at, parse_unary(p));
    }
    return parse_primary(p);
}

/* Parses "first (op next)*" for AND (implicit or explicit) or OR. */
static struct pnode *parse_chain(struct qparser *p, int kind)
{
    size_t start = p->pos;
    struct pnode *first = kind == PK_OR ? parse_chain(p, PK_AND) : parse_unary(p);
    struct pnode *n = NULL;
    if (!first)
        return NULL;
    for (;;) {
        qp_skip_ws(p);
        if (at_end_of_group(p) || (kind == PK_AND && at_keyword(p, "OR")))
            break;
        if (kind == PK_OR && !at_keyword(p, "OR"))
            break;
        size_t at = p->pos;
        const char *kw = kind == PK_OR ? "OR" : (at_keyword(p, "AND") ? "AND" : NULL);
        if (kw) {
            p->pos += strlen(kw);
            if (expect_term_after(p, kw, at) < 0)
                goto fail;
        }
        struct pnode *next = kind == PK_OR ? parse_chain(p, PK_AND) : parse_unary(p);
        if (!next)
            goto fail;
        if (!n) {
            n = qp_node(p, kind, start);
            if (!n || add_kid(p, n, first) < 0) {
                qp_node_free(next);
                goto fail;
            }
        }
        if (add_kid(p, n, next) < 0)
            goto fail;
    }
    return n ? n : first;
fail:
    if (n)
        qp_node_free(n);
    else
        qp_node_free(first);
    return NULL;
}

static struct pnode *parse_or(struct qparser *p)
{
    return parse_chain(p, PK_OR);
}

/* Flattens AND-in-AND and OR-in-OR, removes NOT NOT x. */
static struct pnode *normalise(struct pnode *n)
{
    for (int i = 0; i < n->nkids; i++)
        n->kids[i] = normalise(n->kids[i]);
    if (n->kind == PK_NOT && n->kids[0]->kind == PK_NOT) {
        struct pnode *inner = n->kids[0]->kids[0];
        n->kids[0]->nkids = 0;
        qp_node_free(n);
        return inner;
    }
    if (n->kind != PK_AND && n->kind != PK_OR)
        return n;
    int total = 0;
    for (int i = 0; i < n->nkids; i++)
        total += n->kids[i]->kind == n->kind ? n->kids[i]->nkids : 1;
    if (total == n->nkids)
        return n;
    struct pnode **k = calloc((size_t)total, sizeof *k);
    if (!k)
        return n;   /* unflattened is still correct */
    int j = 0;
    for (int i = 0; i < n->nkids; i++) {
        struct pnode *c = n->kids[i];
        if (c->kind != n->kind) {
            k[j++] = c;
            continue;
        }
        for (int m = 0; m < c->nkids; m++)
            k[j++] = c->kids[m];
        c->nkids = 0;
        qp_node_free(c);
    }
    free(n->kids);
    n->kids = k;
    n->nkids = total;
    return n;
}

/* Narrows [since, until] with one top-level time comparison. */
static void lift_one(struct plan *pl, const struct pnode *n)
{
    if (n->kind != PK_CMP || n->field != PF_TS || n->vtype != PV_INT)
        return;
    int64_t v = n->i;
    if ((n->op == POP_GE || n->op == POP_EQ) && v > pl->since)
        pl->since = v;
    if (n->op == POP_GT && v != INT64_MAX && v + 1 > pl->since)
        pl->since = v + 1;
    if ((n->op == POP_LE || n->op == POP_EQ) && v < pl->until)
        pl->until = v;
    if (n->op == POP_LT && v != INT64_MIN && v - 1 < pl->until)
        pl->until = v - 1;
}

static void lift_bounds(struct plan *pl)
{
    pl->since = INT64_MIN;
    pl->until = INT64_MAX;
    if (pl->root->kind == PK_AND)
        for (int i = 0; i < pl->root->nkids; i++)
            lift_one(pl, pl->root->kids[i]);
    else
        lift_one(pl, pl->root);
}

/* Terms of the plan, an OR-ed list of equalities on one field counting once. */
static int count_terms(const struct pnode *n)
{
    if (n->kind != PK_AND && n->kind != PK_OR && n->kind != PK_NOT)
        return n->kind == PK_TRUE ? 0 : 1;
    int c = 0;
    for (int i = 0; i < n->nkids; i++) {
        const struct pnode *k = n->kids[i];
        int counted = 0;
        for (int j = 0; n->kind == PK_OR && plan_eq_settable(k) && j < i && !counted; j++)
            counted = plan_eq_settable(n->kids[j]) && plan_eq_same_set(k, n->kids[j]);
        if (!counted)
            c += count_terms(k);
    }
    return c;
}

struct plan *query_compile(const char *text, int64_t now_us, const struct tzspec *tz,
                           struct err *e)
{
    if (!text)
        text = "";
    size_t len = strlen(text);
    if (len > QUERY_MAX_BYTES) {
        err_setc(e, 2, "the query is %zu bytes; at most %d are accepted", len, QUERY_MAX_BYTES);
        return NULL;
    }
    struct qparser p = {.s = text, .n = strlen(text), .now = now_us, .tz = tz, .e = e};
    struct plan *pl = calloc(1, sizeof *pl);
    if (!pl || !(pl->text = strdup(text))) {
        free(pl);
        err_setc(e, 1, "out of memory compiling the query");
        return NULL;
    }
    qp_skip_ws(&p);
    if (p.pos >= p.n) {
        pl->root = qp_node(&p, PK_TRUE, 0);
    } else {
        pl->root = parse_or(&p);
        qp_skip_ws(&p);
        if (pl->root && p.pos < p.n) {
            qp_fail(&p, p.pos, "unexpected ')' at col %d; no '(' to close", qp_col(&p, p.pos));
            qp_node_free(pl->root);
            pl->root = NULL;
        }
    }
    if (!pl->root) {
        if (!p.failed)
            err_setc(e, 2, "bad query");
        free(pl->text);
        free(pl);
        return NULL;
    }
    pl->root = normalise(pl->root);
    int terms = count_terms(pl->root);
    if (terms > QUERY_MAX_TERMS) {
        err_setc(e, 2, "the query has %d terms; at most %d are accepted (field:a OR "
                 "field:b OR ... on one field counts as one)", terms, QUERY_MAX_TERMS);
        query_free(pl);
        return NULL;
    }
    lift_bounds(pl);
    return pl;
}

void query_free(struct plan *p)
{
    if (!p)
        return;
    qp_node_free(p->root);
    free(p->text);
    free(p);
}

int query_partial(const struct plan *p, int64_t files_partial, int64_t covered_since)
{
    return files_partial > 0 && (!p || p->since < covered_since);
}
