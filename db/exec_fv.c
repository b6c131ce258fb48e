/* exec_fv: field equality (and globs with a fixed prefix) answered from the
 * rec_fv posting lists (db/fv.h) instead of reading every row. A condition
 * is written as the candidate rows of its token(s), AND the exact check
 * only where the token cannot be exact (a value cut at FV_VALUE_MAX, a glob
 * with more than a trailing '*', a quoted number). The alert scanner's
 * statements (FTS_ROW) check rows one by one, as for words. */
#include "db/exec_int.h"
#include "db/fv.h"
#include "src/base/flat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The virtual field a comparison is on, or NULL for a stored JSON path. */
static const char *virt_name(const struct pnode *n)
{
    switch (n->field) {
    case PF_SERVICE: return "service";
    case PF_LOGGER: return "logger";
    case PF_METRIC: return "metric";
    case PF_JSON: return n->path && strcmp(n->path, "path") == 0 ? "path" : NULL;
    default: return NULL;
    }
}

/* "tok" appended to q (quoted for FTS5: tokens hold only [a-z0-9]). */
static int add_tok(char **q, int kind, const char *path, const char *v, size_t vn, int prefix,
                   int *cut)
{
    size_t pl = strlen(path), ql = *q ? strlen(*q) : 0;
    char *nq = realloc(*q, ql + fv_token_cap(pl) + 12);
    if (!nq)
        return -1;
    *q = nq;
    char *o = nq + ql;
    if (ql) {
        memcpy(o, " OR ", 4);
        o += 4;
    }
    *o++ = '"';
    o += fv_token(o, kind, path, pl, v, vn, prefix, cut);
    *o++ = '"';
    if (prefix)
        *o++ = '*';
    *o = '\0';
    return 0;
}

/* 1 if the n bytes at v may begin the text of a number (the glob of a
 * numeric field's value: digits, a sign, one '.', an exponent), which has
 * a number token, not a string one; "10.0.1." (an address) may not. */
static int may_start_number(const char *v, size_t n)
{
    int dots = 0, exps = 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c == '.')
            dots++;
        else if (c == 'e' || c == 'E')
            exps++;
        else if (!(c >= '0' && c <= '9') && c != '+' && c != '-')
            return 0;
    }
    return dots <= 1 && exps <= 1;
}

int exec_fv_plan(const struct pnode *n, char **expr, int *exact)
{
    *expr = NULL;
    *exact = 0;
    if (n->kind != PK_CMP || (n->op != POP_EQ && n->op != POP_GLOB) || !n->s)
        return 0;
    const char *vname = virt_name(n), *v = n->s;
    if (!vname && (n->field != PF_JSON || !n->path || !*n->path))
        return 0;
    int kind = vname ? FV_VIRT : FV_STR, cut = 0, rc = 0;
    const char *path = vname ? vname : n->path;
    if (n->op == POP_GLOB) {
        size_t lit = strcspn(v, "*");
        /* A number's text is never a string token: a prefix that may
         * start a number is not prefiltered. */
        if (lit == 0 || (!vname && may_start_number(v, lit)))
            return 0;
        rc = add_tok(expr, kind, path, v, lit, 1, &cut);
        *exact = !(v[lit] == '*' && v[lit + 1] == '\0') || cut;
    } else if (vname) {
        rc = add_tok(expr, kind, path, v, strlen(v), 0, &cut);
        *exact = cut;
    } else if (n->vtype == PV_NUM) {
        char nb[32];
        rc = add_tok(expr, FV_NUM, path, nb, flat_num(n->num, nb), 0, NULL);
    } else {
        double d;
        char nb[32];
        if (v[0] == '{' || v[0] == '[')   /* objects and arrays have no token */
            return 0;
        rc = add_tok(expr, FV_STR, path, v, strlen(v), 0, &cut);
        *exact = cut;
        if (rc == 0 && fv_text_number(v, strlen(v), &d) == 0) {
            rc = add_tok(expr, FV_NUM, path, nb, flat_num(d, nb), 0, NULL);
            *exact = 1;
        }
    }
    if (rc < 0) {
        free(*expr);
        *expr = NULL;
        return -1;
    }
    return 1;
}

int exec_fv_cond(struct sqlb *b, const struct pnode *n, exec_exact_fn exact_fn)
{
    char *expr;
    int exact;
    int rc = exec_fv_plan(n, &expr, &exact);
    if (rc <= 0) {
        if (rc < 0)
            b->oom = 1;
        return rc < 0;
    }
    if (b->fts_mode == FTS_ROW) {
        free(expr);
        exact_fn(b, n);
        return 1;
    }
    exec_fv_expand(b->st, &expr);
    int choice = b->fts_mode == FTS_IN ? EXEC_FTS_SOME : exec_choice_on(b, "rec_fv", expr);
    sqlb_add(b, "(");
    if (choice != EXEC_FTS_MANY) {
        sqlb_match(b, "rec_fv", expr, choice);
    } else {
        free(expr);
        exact = 1;
        sqlb_add(b, "1");
    }
    if (exact) {
        sqlb_add(b, " AND ");
        exact_fn(b, n);
    }
    sqlb_add(b, ")");
    return 1;
}

/* temp.ld_fv_vocab / temp.ld_fts_vocab: the terms of rec_fv / rec_fts
 * (fts5vocab, 'row': a term's doc is the number of records holding it),
 * created once per connection; a reader's connection is query_only,
 * lifted for the statement (it writes only the temp schema). Returns the
 * table's name, or NULL. */
static const char *vocab_open(struct store *s, const char *table)
{
    struct exec_state *x = s->exec;
    int fts = strcmp(table, "rec_fts") == 0, bit = fts ? 2 : 1;
    const char *name = fts ? "temp.ld_fts_vocab" : "temp.ld_fv_vocab";
    if (x->vocab & (bit << 4))
        return NULL;   /* failed before */
    if (x->vocab & bit)
        return name;
    int ro = s->mode != STORE_WRITE;
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE VIRTUAL TABLE IF NOT EXISTS %s USING fts5vocab(main, %s, row)",
             name, table);
    if (ro)
        sqlite3_exec(s->db, "PRAGMA query_only=0", NULL, NULL, NULL);
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    if (ro)
        sqlite3_exec(s->db, "PRAGMA query_only=1", NULL, NULL, NULL);
    x->vocab |= rc == SQLITE_OK ? bit : bit << 4;
    return rc == SQLITE_OK ? name : NULL;
}

/* The terms of an FTS5 query made only of quoted terms joined by OR
 * ("a" OR "b"), unquoted, in terms[] (malloc'd strings); -1 otherwise. A
 * trailing '*' (one term) sets *prefix. */
static int terms_of(const char *q, char **terms, int max, int *prefix)
{
    int n = 0;
    *prefix = 0;
    while (*q) {
        if (*q != '"' || n == max)
            goto bad;
        const char *e = strchr(q + 1, '"');
        if (!e || e == q + 1)
            goto bad;
        if (!(terms[n++] = strndup(q + 1, (size_t)(e - q - 1))))
            goto bad;
        q = e + 1;
        if (*q == '*' && n == 1 && !q[1]) {
            *prefix = 1;
            q++;
        } else if (strncmp(q, " OR ", 4) == 0) {
            q += 4;
        } else if (*q) {
            goto bad;
        }
    }
    return n ? n : -1;
bad:
    while (n)
        free(terms[--n]);
    return -1;
}

int exec_vocab_count(struct sqlb *b, const char *table, const char *expr, int one_per_record)
{
    char *t[EXEC_VOCAB_MAX];
    int prefix, n = terms_of(expr, t, EXEC_VOCAB_MAX, &prefix);
    const char *v = n > 0 && (n == 1 || one_per_record) && (!prefix || one_per_record)
                    ? vocab_open(b->st, table) : NULL;
    if (!v) {
        while (n > 0)
            free(t[--n]);
        return 0;
    }
    sqlb_add(b, "SELECT coalesce(sum(doc), 0) FROM %s WHERE ", v);
    if (prefix) {   /* one term per record: the sum over the range is exact */
        char *hi = NULL;
        if (asprintf(&hi, "%s~", t[0]) < 0)   /* '~' sorts after [a-z0-9] */
            hi = NULL;
        sqlb_add(b, "term >= ");
        sqlb_text(b, t[0], 1);
        sqlb_add(b, " AND term < ");
        sqlb_text(b, hi, 1);   /* NULL: out of memory, reported by sqlb_prepare */
        return 1;
    }
    sqlb_add(b, "term IN (");
    for (int i = 0; i < n; i++) {
        sqlb_add(b, i ? ", " : "");
        sqlb_text(b, t[i], 1);
    }
    sqlb_add(b, ")");
    return 1;
}

#define EXPAND_MAX 64

void exec_fv_expand(struct store *s, char **expr)
{
    const char *q = *expr;
    size_t n = q ? strlen(q) : 0;
    /* exactly one quoted prefix token: "tok"* */
    if (n < 4 || q[0] != '"' || q[n - 2] != '"' || q[n - 1] != '*' ||
        memchr(q + 1, '"', n - 3) || !s->exec || !vocab_open(s, "rec_fv"))
        return;
    char *lo = strndup(q + 1, n - 3), *hi = NULL, *out = NULL;
    sqlite3_stmt *st = NULL;
    size_t len = 0;
    int k = 0, rc = SQLITE_ERROR;
    if (lo && asprintf(&hi, "%s~", lo) >= 0 &&   /* '~' sorts after [a-z0-9] */
        sqlite3_prepare_v2(s->db, "SELECT term FROM temp.ld_fv_vocab WHERE term >= ? AND "
                           "term < ? LIMIT ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, EXPAND_MAX + 1);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && ++k <= EXPAND_MAX) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            size_t tl = t ? strlen(t) : 0;
            char *no = realloc(out, len + tl + 7);
            if (!no) {
                rc = SQLITE_NOMEM;
                break;
            }
            out = no;
            len += (size_t)sprintf(out + len, "%s\"%s\"", len ? " OR " : "", t ? t : "");
        }
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE && k == 0 && lo) {   /* no such token: what matches nothing */
        free(out);
        out = NULL;
        if (asprintf(&out, "\"%s\"", lo) < 0)
            out = NULL;
    }
    if (rc == SQLITE_DONE && out) {
        free(*expr);
        *expr = out;
        out = NULL;
    }
    free(out);
    free(lo);
    free(hi);
}
