/* exec_page: a page of a query whose records all carry one indexed token
 * (a word, a field=value token, a cid), read in two steps instead of
 * sorting whole rows or walking the time index:
 *   1. the token's posting list (rec_txt or rec_fv) joined with records
 *      reads only (id, ts) of each candidate, sorted here in page order;
 *   2. whole rows are read in chunks of that order, newest first, with the
 *      query's whole condition checked row by row (FTS_ROW: exact), until
 *      the page is full.
 * Step 1 costs ~0.5 µs a candidate (no text is decoded), so it is used up
 * to EXEC_PAGE_CAP(limit, records) candidates; beyond that a walk of
 * rec_ts finds a page's rows sooner and exec.c's plans are used. */
#include "db/exec_int.h"
#include "db/txt.h"
#include "src/base/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cand {
    int64_t ts, id;
};

/* The posting list a node's records must all be in: table and FTS5
 * query (malloc'd), or 0 when it has none. */
static int driver_of(struct store *s, const struct pnode *n, const char **table, char **expr)
{
    int exact;
    *expr = NULL;
    if (n->kind == PK_TEXT) {
        *table = exec_txt(s);
        *expr = exec_fts_expr(s, n->text, n->prefix);
        char *sx = *expr && **expr && n->phrase && !s->old_text
                   ? txt_snake_expr(s, *expr, n->text) : NULL;
        if (sx) {   /* the phrase's records exactly (its rows are checked anyway) */
            free(*expr);
            *expr = sx;
        }
    } else if (n->kind == PK_CMP && n->field == PF_CID && (n->op == POP_EQ || n->op == POP_GLOB)) {
        const char *v = n->s ? n->s : "";
        size_t lit = n->op == POP_GLOB ? strcspn(v, "*") : strlen(v);
        char *lp = strndup(v, lit), *tok = malloc(lit + 8);
        size_t tl = (lp && tok) ? store_cid_token(lp, tok) : 0;
        if (tok)
            tok[tl] = '\0';
        if (tl > 4 && asprintf(expr, "\"%s\"%s", tok + 1, n->op == POP_GLOB ? "*" : "") < 0)
            *expr = NULL;
        free(lp);
        free(tok);
        *table = exec_txt(s);
    } else if (exec_fv_plan(n, expr, &exact) == 1) {
        *table = EXEC_FV;
        exec_fv_expand(s, expr);
    }
    if (*expr && !**expr) {
        free(*expr);
        *expr = NULL;
    }
    return *expr != NULL;
}

/* Matches of expr in table, counting at most cap + 1. */
static int64_t probe(struct store *s, const char *table, const char *expr, int64_t cap)
{
    char sql[160];
    sqlite3_stmt *st = NULL;
    int64_t n = cap + 1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (%s LIMIT ?)", exec_ids_sql(table));
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, cap + 1);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

static int64_t records_total(struct store *s)
{
    return store_pragma_int(s, "SELECT coalesce(sum(n), 0) FROM counts");
}

/* The most candidates of a words driver: its records are scattered over
 * the whole history (a word in tracebacks, say), so each candidate's row
 * read is a page of its own (at 10M records, 7k candidates: ~110 ms of
 * user+sys CPU, where exec.c's walk of rec_ts newest first checking each
 * id against the matches read ~100 pages: ~50 ms). A field value's records
 * cluster (a service's file) and keep cap. */
static int64_t txt_cap(struct store *s, int64_t cap)
{
    const struct exec_state *x = s->exec;
    if (x && x->page_cap)
        return cap;   /* white-box tests */
    double c = sqrt(0.05 * 50 * (double)records_total(s));
    int64_t t = c < FTS_FEW ? FTS_FEW : (int64_t)c;
    return t < cap ? t : cap;
}

/* The driver of plan p with the fewest matches, if at most cap. */
static int pick_driver(struct store *s, const struct plan *p, int64_t cap, const char **table,
                       char **expr, int64_t *m)
{
    const struct pnode *r = p->root;
    const struct pnode *const *kids = r->kind == PK_AND ? (const struct pnode *const *)r->kids : &r;
    int nk = r->kind == PK_AND ? r->nkids : 1;
    *expr = NULL;
    *m = cap + 1;
    for (int i = 0; i < nk; i++) {
        const char *t = NULL;
        char *x;
        if (!driver_of(s, kids[i], &t, &x))
            continue;
        int64_t tc = strcmp(t, EXEC_TXT) == 0 ? txt_cap(s, cap) : cap;
        int64_t k = probe(s, t, x, tc);
        if (k > tc)
            k = cap + 1;
        if (k < *m) {
            free(*expr);
            *expr = x;
            *table = t;
            *m = k;
        } else {
            free(x);
        }
    }
    if (*expr && *m > cap) {
        free(*expr);
        *expr = NULL;
    }
    return *expr != NULL;
}

static int cmp_new(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? 1 : -1;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

static int cmp_old(const void *a, const void *b)
{
    return cmp_new(b, a);
}

/* Step 1: the candidates within the page's bounds and after its cursor,
 * in page order. Returns how many (*out malloc'd), or -1. */
static int64_t candidates(struct store *s, const char *table, const char *expr,
                          const struct store_page *pg, int64_t m, struct cand **out,
                          struct err *e)
{
    struct sqlb b;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    struct cand *c = malloc((size_t)(m + 1) * sizeof *c);
    sqlb_init(&b, s, FTS_IN, e);
    sqlb_add(&b, "SELECT r.id, r.ts FROM records r WHERE r.id IN (");
    sqlb_ids(&b, table, (char *)expr, 0);
    sqlb_add(&b, ")");
    struct store_page bounds = *pg;
    bounds.limit = 0;
    exec_page_tail(&b, &bounds, "r", 0);
    if (c && sqlb_prepare(&b, &st) == 0) {
        int rc;
        n = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && n <= m) {
            c[n].id = sqlite3_column_int64(st, 0);
            c[n].ts = sqlite3_column_int64(st, 1);
            n++;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            n = store_sqlerr(s, e, "reading records");
    } else if (!c) {
        err_set(e, "out of memory reading a page");
    }
    sqlite3_finalize(st);
    sqlb_fini(&b);
    if (n < 0) {
        free(c);
        return -1;
    }
    qsort(c, (size_t)n, sizeof *c, pg->oldest_first ? cmp_old : cmp_new);
    *out = c;
    return n;
}

/* The SQL of one chunk: whole rows of c[0..k) matching p, in page order. */
static int chunk_sql(struct sqlb *b, const struct plan *p, const struct store_page *pg,
                     const struct cand *c, int64_t k, int want)
{
    sqlb_add(b, "SELECT " EXEC_ROW_COLS EXEC_ROW_FROM " WHERE r.id IN (");
    for (int64_t i = 0; i < k; i++) {
        sqlb_add(b, i ? ", " : "");
        sqlb_int(b, c[i].id);
    }
    sqlb_add(b, ") AND ");
    if (sqlb_cond(b, p->root) < 0)
        return -1;
    sqlb_add(b, pg->oldest_first ? " ORDER BY r.ts, r.id" : " ORDER BY r.ts DESC, r.id DESC");
    if (want > 0) {
        sqlb_add(b, " LIMIT ");
        sqlb_int(b, want);
    }
    return 0;
}

int64_t exec_page_cap(struct store *s, int limit)
{
    const struct exec_state *x = s->exec;
    if (x && x->page_cap)
        return x->page_cap;   /* white-box tests; < 0: never */
    double cap = sqrt(20.0 * (double)limit * (double)records_total(s));
    return cap < FTS_FEW ? FTS_FEW : (int64_t)cap;
}

int exec_page_query(struct store *s, const struct plan *p, const struct store_page *pg,
                    store_row_fn cb, void *ctx, struct err *e)
{
    const char *table;
    char *expr;
    int64_t m, cap = exec_page_cap(s, pg->limit);
    if (pg->limit <= 0 || cap < 0 || !pick_driver(s, p, cap, &table, &expr, &m))
        return -2;
    struct cand *c = NULL;
    int64_t n = candidates(s, table, expr, pg, m, &c, e);
    free(expr);
    if (n < 0)
        return -1;
    int got = 0, stop = 0;
    for (int64_t i = 0, k = pg->limit; i < n && got < pg->limit && !stop; i += k, k *= 2) {
        struct sqlb b;
        sqlite3_stmt *st = NULL;
        sqlb_init(&b, s, FTS_ROW, e);
        int r = -1;
        if (chunk_sql(&b, p, pg, c + i, i + k > n ? n - i : k, pg->limit - got) == 0 &&
            sqlb_prepare(&b, &st) == 0)
            r = exec_run_rows(s, st, cb, ctx, &stop, e);
        sqlite3_finalize(st);
        sqlb_fini(&b);
        if (r < 0) {
            free(c);
            return -1;
        }
        got += r;
    }
    free(c);
    return got;
}

int exec_page_explain(struct store *s, const struct plan *p, const struct store_page *pg,
                      char *buf, size_t cap)
{
    const char *table;
    char *expr;
    int64_t m;
    if (pg->limit <= 0 || exec_page_cap(s, pg->limit) < 0 ||
        !pick_driver(s, p, exec_page_cap(s, pg->limit), &table, &expr, &m))
        return 0;
    snprintf(buf, cap, "page in two steps: %lld candidates from %s MATCH %s, their (ts, id) "
             "sorted, then whole rows in chunks with the whole condition checked per row\n",
             (long long)m, table, expr);
    free(expr);
    return 1;
}
