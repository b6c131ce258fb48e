/* exec: the store's read API (db/exec.h): pages of rows with keyset
 * pagination, counts, traces and the aggregation scan, on top of the SQL
 * that exec_sql.c builds from a plan. Also sets up, per connection, the
 * SQL functions (exec_fn.c), the text index's readers (txt.c) and FTS5's
 * tokenizer used to split query words exactly as rec_txt does. */
#include "db/exec_int.h"
#include "db/chstore.h"
#include "db/names.h"
#include "db/rollup.h"
#include "db/txt.h"
#include "src/base/record.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_COLS EXEC_ROW_COLS
#define ROW_FROM EXEC_ROW_FROM

int store_exec_init(struct store *s, struct err *e)
{
    struct exec_state *x = calloc(1, sizeof *x);
    if (!x)
        return err_set(e, "out of memory opening %s", s->path);
    s->exec = x;
    x->s = s;
    /* Without FTS5's tokenizer words are split on ASCII punctuation, which
     * matches unicode61 for ASCII text. */
    x->fts = store_fts5_api(s->db);
    void *ud = NULL;
    if (x->fts && x->fts->xFindTokenizer(x->fts, "unicode61", &ud, &x->tok) == SQLITE_OK &&
        x->tok.xCreate(ud, NULL, 0, &x->tokinst) != SQLITE_OK)
        x->tokinst = NULL;
    if (exec_page_register(s->db) < 0)
        return err_set(e, "registering SQL functions: %s", sqlite3_errmsg(s->db));
    return exec_fn_register(s->db, x, e) < 0 || txt_register(s, e) < 0 ||
           names_register(s, e) < 0 ? -1 : 0;
}

void store_exec_fini(struct store *s)
{
    if (!s || !s->exec)
        return;
    if (s->exec->tokinst)
        s->exec->tok.xDelete(s->exec->tokinst);
    free(s->exec->rowbuf.s);
    free(s->exec->fnbuf.s);
    free(s->exec->msgbuf.s);
    free(s->exec->cidbuf.s);
    free(s->exec);
    s->exec = NULL;
}

void store_exec_oneshot(struct store *s)
{
    if (s->ch)
        return;
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA mmap_size=0; PRAGMA cache_size=-%d", EXEC_ONESHOT_CACHE);
    sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    s->oneshot = EXEC_ONESHOT_ON;
}

/* A scan of a one-shot command maps the store: it may read rows all over
 * the file (the durations of rec_dur's order: `stats --by service
 * 'duration_ms>100'`, 1M records, 3.69 s through the small cache, 1.66 s
 * mapped), where a page reads a few hundred. */
static void scan_map(struct store *s)
{
    if (!(s->oneshot & EXEC_ONESHOT_ON) || (s->oneshot & EXEC_ONESHOT_MAPPED))
        return;
    sqlite3_exec(s->db, "PRAGMA mmap_size=" EXEC_SCAN_MMAP, NULL, NULL, NULL);
    s->oneshot |= EXEC_ONESHOT_MAPPED;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static int run_rows(struct store *s, sqlite3_stmt *st, store_row_fn cb, void *ctx,
                    struct err *e)
{
    return exec_run_rows(s, st, cb, ctx, NULL, e);
}

/* The word or phrase of a plan that is one, optionally AND-ed with time
 * comparisons; NULL otherwise. */
static const struct pnode *lone_word(const struct pnode *n)
{
    if (n->kind == PK_TEXT)
        return n;
    if (n->kind != PK_AND)
        return NULL;
    const struct pnode *w = NULL;
    for (int i = 0; i < n->nkids; i++) {
        const struct pnode *k = n->kids[i];
        if (k->kind == PK_TEXT && !w)
            w = k;
        else if (!(k->kind == PK_CMP && k->field == PF_TS && k->vtype == PV_INT &&
                   k->op >= POP_LT && k->op <= POP_GE))
            return NULL;
    }
    return w;
}

/* A page of one word with some thousands of matches: list the matches,
 * then walk the covering index rec_ts(ts, rowid) newest first keeping the
 * listed ids, so that only the page's rows are read from the table.
 * Returns 1 if written, 0 if another plan suits better. */
static int build_word_page(struct sqlb *b, const struct plan *p, const struct store_page *pg)
{
    static const char *const ops[] = {"=", "", "<", "<=", ">", ">="};
    const struct pnode *w = lone_word(p->root);
    char *expr = w ? exec_fts_expr(b->st, w->text, w->prefix) : NULL;
    if (expr && *expr && w->phrase) {   /* a phrase only when the index answers it exactly */
        char *sx = b->st->old_text ? NULL : txt_snake_expr(b->st, expr, w->text);
        free(expr);
        expr = sx;
    }
    if (!expr || !*expr || exec_fts_choice(b, expr) != EXEC_FTS_SOME) {
        free(expr);
        return 0;
    }
    sqlb_add(b, "SELECT " ROW_COLS ROW_FROM " WHERE r.id IN (SELECT r2.id FROM records r2 "
                "INDEXED BY rec_ts WHERE +r2.id IN (");
    sqlb_ids(b, exec_txt(b->st), expr, 1);
    sqlb_add(b, ")");
    for (int i = 0; p->root->kind == PK_AND && i < p->root->nkids; i++) {
        const struct pnode *k = p->root->kids[i];
        if (k->kind == PK_CMP) {
            sqlb_add(b, " AND r2.ts %s ", ops[k->op]);
            sqlb_int(b, k->i);
        }
    }
    exec_page_tail(b, pg, "r2", 1);
    sqlb_add(b, pg->oldest_first ? ") ORDER BY r.ts, r.id" : ") ORDER BY r.ts DESC, r.id DESC");
    return 1;
}

static int build_page(struct sqlb *b, const struct plan *p, const struct store_page *pg)
{
    if (pg->limit > 0 && build_word_page(b, p, pg))
        return 0;
    sqlb_add(b, "SELECT " ROW_COLS ROW_FROM " WHERE ");
    if (sqlb_cond(b, p->root) < 0)
        return -1;
    exec_page_tail(b, pg, "r", 1);
    return 0;
}

/* A read transaction around several statements when the connection has
 * none open (one snapshot, the read lock taken once): 1 if begun, for
 * read_end. A read transaction's COMMIT only drops the snapshot; if it
 * fails, ROLLBACK: never left open. */
static int read_begin(struct store *s)
{
    return sqlite3_get_autocommit(s->db) &&
           sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

static void read_end(struct store *s, int txn)
{
    if (txn && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_query(struct store *s, const struct plan *p, const struct store_page *pg,
                store_row_fn cb, void *ctx, struct err *e)
{
    if (s->ch)
        return chstore_query(s->ch, p, pg, cb, ctx, e);
    struct store_page rest = {0};
    struct sqlb b;
    sqlite3_stmt *st = NULL;
    int got = 0, n = -1;
    /* One read transaction for the page: a page that reads its rows by
     * point queries would otherwise take and drop the store's read lock
     * (fcntl, the WAL index) for each: 10M records, the first 50 rows of
     * `client_ip:X` made 246 fcntl and 141 stat calls, now 34 and 34
     * (12.5 -> 8.6 ms with store_exec_oneshot). A page is bounded: the
     * snapshot is not held past it. */
    int txn = read_begin(s);
    if (pg) {
        rest = *pg;
        int r = exec_page_query(s, p, &rest, cb, ctx, &got, e);
        if (r != 0) {
            n = r < 0 ? -1 : 0;
            goto out;
        }
    }
    sqlb_init(&b, s, FTS_AUTO, e);
    b.limit = rest.limit;
    if (build_page(&b, p, &rest) == 0 && sqlb_prepare(&b, &st) == 0)
        n = run_rows(s, st, cb, ctx, e);
    sqlite3_finalize(st);
    sqlb_fini(&b);
out:
    read_end(s, txn);
    return n < 0 ? -1 : got + n;
}

static int count_sql(struct store *s, struct sqlb *b, int64_t *out, struct err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlb_prepare(b, &st) == 0) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = 0;
        } else {
            store_sqlerr(s, e, "counting records");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* The cheap forms: everything or one level comparison from the per-level
 * counts table; a plain word straight from the FTS index; a field equality
 * whose token is exact straight from rec_fv. 1 if handled. */
static int count_fast(struct sqlb *b, const struct pnode *n)
{
    if (n->kind == PK_TRUE) {
        sqlb_add(b, "SELECT coalesce(sum(n), 0) FROM counts");
        return 1;
    }
    if (n->kind == PK_CMP && n->field == PF_LEVEL && n->vtype == PV_INT &&
        n->op != POP_GLOB && n->op != POP_EXISTS) {
        static const char *const ops[] = {"=", "", "<", "<=", ">", ">="};
        sqlb_add(b, "SELECT coalesce(sum(n), 0) FROM counts WHERE level %s ", ops[n->op]);
        sqlb_int(b, n->i);
        return 1;
    }
    char *fx;
    int exact;
    if (exec_fv_plan(n, &fx, &exact) == 1) {
        if (exact) {
            free(fx);
            return 0;
        }
        /* a virtual field (service, logger, metric, request path) has one
         * token per record */
        int virt = n->field == PF_SERVICE || n->field == PF_LOGGER || n->field == PF_METRIC ||
                   (n->field == PF_JSON && n->path && strcmp(n->path, "path") == 0);
        if (!virt)
            exec_fv_expand(b->st, &fx);
        if (exec_vocab_count(b, "rec_fv", fx, virt)) {
            free(fx);
            return 1;
        }
        sqlb_add(b, "SELECT count(*) FROM rec_fv WHERE rec_fv MATCH ");
        sqlb_text(b, fx, 1);
        return 1;
    }
    if (n->kind == PK_TEXT) {
        char *expr = exec_fts_expr(b->st, n->text, n->prefix);
        if (expr && *expr && n->phrase) {   /* counted from the index only when runs answer it */
            char *sx = b->st->old_text ? NULL : txt_snake_expr(b->st, expr, n->text);
            free(expr);
            expr = sx;
        }
        if (!expr || !*expr) {
            free(expr);
            return 0;
        }
        /* a document per block: its records holding every token, counted
         * from the positions (txt.h) */
        if (b->st->old_text) {
            sqlb_add(b, "SELECT count(*) FROM rec_fts WHERE rec_fts MATCH ");
            sqlb_text(b, expr, 1);
            return 1;
        }
        sqlb_add(b, "SELECT ld_txt_count(");
        sqlb_text(b, expr, 1);
        sqlb_add(b, ")");
        return 1;
    }
    return 0;
}

/* NOT x: the records in range less those x holds, both counted in one
 * read transaction, each the fastest way it can be (NOT wraps x's
 * condition in coalesce(x, 0): the two sets split the range). A scan
 * checked x row by row: 10M records, -"Request completed" 28.5 s against
 * 2.4 s for the phrase, -level:debug 0.83 s against the per-level counts. */
static int count_not(struct store *s, const struct plan *p, int64_t since, int64_t until,
                     int64_t *out, struct err *e)
{
    struct pnode all = {.kind = PK_TRUE};
    struct plan pa = *p, px = *p;
    pa.root = &all;
    px.root = p->root->kids[0];
    int64_t na = 0, nx = 0;
    int txn = read_begin(s);
    int rc = store_count(s, &pa, since, until, &na, e) < 0 ||
             store_count(s, &px, since, until, &nx, e) < 0 ? -1 : 0;
    read_end(s, txn);
    *out = rc ? 0 : na - nx;
    return rc;
}

/* --- counts from the per-minute rollups (db/rollup.h) ------------------------ */

/* More cells than this in the range's minutes: the SQL count (a long
 * history of many services and paths; 10M records over an hour are 3,420). */
#define ROLL_COUNT_CELLS 200000
/* More records than this in the minutes the range cuts, of which some but
 * not all match: the SQL count (they would be checked one by one). */
#define ROLL_EDGE_ROWS 20000

/* A top-level time comparison: its bound is in plan.since / plan.until. */
static int lifted_time(const struct pnode *n)
{
    return n->kind == PK_CMP && n->field == PF_TS && n->vtype == PV_INT &&
           (n->op == POP_EQ || n->op == POP_LT || n->op == POP_LE || n->op == POP_GT ||
            n->op == POP_GE);
}

/* A top-level comparison of the HTTP status with a number, or status:*:
 * decided from the cells' status classes when it takes each class whole
 * (roll_status). */
static int status_cmp(const struct pnode *n)
{
    return n->kind == PK_CMP && n->field == PF_STATUS &&
           (n->op == POP_EXISTS || (n->op != POP_GLOB && n->vtype != PV_STR));
}

/* 1 for a conjunct the cells decide apart from store_rollup_keeps. */
static int roll_apart(const struct pnode *n)
{
    return lifted_time(n) || status_cmp(n);
}

/* The records a cell counts: all of them (no status condition), or those
 * of the status classes the conditions take whole: class k (1..5, codes
 * k00-k99) when its bit is in mask; the other codes (class 0) all
 * (s0 = S0_ALL: status:* alone), none (the conditions' range lies within
 * 100-599), or not known (a cell with such codes is not decided). */
enum { S0_NONE, S0_ALL, S0_UNKNOWN };
struct roll_status {
    int on, whole;    /* whole: every class in or out, none cut */
    unsigned mask;
    int s0;
};

static void roll_status(const struct pnode *root, struct roll_status *st)
{
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    int ranged = 0;
    *st = (struct roll_status){.whole = 1};
    int nk = root->kind == PK_AND ? root->nkids : 1;
    for (int i = 0; i < nk; i++) {
        const struct pnode *n = root->kind == PK_AND ? root->kids[i] : root;
        if (!status_cmp(n))
            continue;
        st->on = 1;
        if (n->op == POP_EXISTS)
            continue;
        ranged = 1;
        double v = n->vtype == PV_INT ? (double)n->i : n->num;
        v = v < -1e15 ? -1e15 : v > 1e15 ? 1e15 : v;
        int64_t c = (int64_t)ceil(v), f = (int64_t)floor(v);
        if (n->op == POP_GE || n->op == POP_EQ)
            lo = c > lo ? c : lo;
        if (n->op == POP_GT)
            lo = f + 1 > lo ? f + 1 : lo;
        if (n->op == POP_LE || n->op == POP_EQ)
            hi = f < hi ? f : hi;
        if (n->op == POP_LT)
            hi = c - 1 < hi ? c - 1 : hi;
    }
    for (int k = 1; k <= 5; k++) {
        int64_t a = k * 100, b = a + 99;
        if (lo <= a && hi >= b)
            st->mask |= 1u << k;
        else if (hi >= a && lo <= b)
            st->whole = 0;   /* the class is cut */
    }
    st->s0 = !ranged ? S0_ALL : lo >= 100 && hi <= 599 ? S0_NONE : S0_UNKNOWN;
}

/* 1 if the root, its lifted time comparisons aside, is decided per cell. */
static int roll_decidable(const struct pnode *root)
{
    if (roll_apart(root))
        return 1;
    if (root->kind != PK_AND)
        return store_rollup_decidable(root);
    for (int i = 0; i < root->nkids; i++)
        if (!roll_apart(root->kids[i]) && !store_rollup_decidable(root->kids[i]))
            return 0;
    return 1;
}

static int roll_keeps(const struct pnode *n, const struct store_cell *c)
{
    if (n->kind != PK_AND)
        return roll_apart(n) || store_rollup_keeps(n, c);
    for (int i = 0; i < n->nkids; i++)
        if (!roll_apart(n->kids[i]) && !store_rollup_keeps(n->kids[i], c))
            return 0;
    return 1;
}

/* The cells of minutes [elo, ehi]: those of [mlo, mhi] (whole minutes in
 * the range) counted when kept; those of the minutes the range cuts, elo
 * (when lo cuts it: [0]) and ehi ([1]), tallied apart: records in all (w)
 * and kept (k). undecided: a kept cell held status codes outside 100-599
 * that the status conditions may or may not take. */
struct roll_count {
    const struct pnode *root;
    struct roll_status st;
    int64_t mlo, mhi, elo, ehi;
    int64_t n, cells, w[2], k[2];
    int undecided;
};

static int roll_cell(void *ctx, const struct store_cell *c)
{
    struct roll_count *r = ctx;
    if (++r->cells > ROLL_COUNT_CELLS)
        return 1;
    int64_t kept = 0;
    if (roll_keeps(r->root, c)) {
        kept = r->st.on ? 0 : c->n;
        for (int k = 1; k <= 5 && r->st.on; k++)
            kept += r->st.mask & (1u << k) ? c->status[k] : 0;
        if (r->st.on && r->st.s0 == S0_ALL)
            kept += c->status[0];
        if (r->st.on && r->st.s0 == S0_UNKNOWN && c->status[0]) {
            r->undecided = 1;
            return 1;
        }
    }
    if (c->minute >= r->mlo && c->minute <= r->mhi) {
        r->n += kept;
        return 0;
    }
    int i = c->minute == r->elo && r->elo < r->mlo ? 0 : 1;
    r->w[i] += c->n;
    r->k[i] += kept;
    return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b < 0 ? q - 1 : q;
}

/* The records of [lo, hi] (inclusive, µs) matching root (NULL: all),
 * counted by SQL checking each record of the range (FTS_ROW: the range is
 * at most a minute, the terms' lists may be the whole store's). */
static int count_span(struct store *s, const struct pnode *root, int64_t lo, int64_t hi,
                      int64_t *out, struct err *e)
{
    struct sqlb b;
    sqlb_init(&b, s, FTS_ROW, e);
    sqlb_add(&b, "SELECT count(*) FROM records r WHERE ");
    int rc = root && sqlb_cond(&b, root) < 0 ? -1 : 0;
    if (rc == 0) {
        sqlb_add(&b, root ? " AND r.ts >= " : "r.ts >= ");
        sqlb_int(&b, lo);
        sqlb_add(&b, " AND r.ts <= ");
        sqlb_int(&b, hi);
        rc = count_sql(s, &b, out, e);
    }
    sqlb_fini(&b);
    return rc;
}

/* A cut minute's records in [lo, hi]: none kept, none to count; all kept,
 * the range's records; else each checked. */
static int count_cut(struct store *s, const struct roll_count *r, int i, int64_t lo,
                     int64_t hi, int64_t *out, struct err *e)
{
    const int64_t M = ROLLUP_MINUTE_US;
    int64_t m = i ? r->ehi : r->elo;
    int64_t a = lo > m * M ? lo : m * M, b = hi < m * M + M - 1 ? hi : m * M + M - 1;
    *out = 0;
    if (!r->k[i])
        return 0;
    return count_span(s, r->k[i] == r->w[i] ? NULL : r->root, a, b, out, e);
}

/* A count decided by level, service, request path and metric name (and
 * time) from the cells: those of the range's whole minutes, and of the
 * minutes it cuts at either end the records in range, counted by SQL
 * unless no record or every record of the minute's cells is kept; in one
 * read transaction. Exact: a cell counts every record of its minute and
 * key. 1 counted, 0 not this way (no rollups, too many cells, too many
 * records in the cut minutes to check), -1 with e. 10M records, unbounded:
 * `level>=error service:gateway` 554 -> 9.1 ms, `level>=warning
 * -service:gateway` 835 -> 10.4 ms (the SQL read one term's rows to check
 * the other's condition). */
static int count_rollup(struct store *s, const struct plan *p, int64_t since, int64_t until,
                        int64_t *out, struct err *e)
{
    const int64_t M = ROLLUP_MINUTE_US;
    int64_t lo = since && since > p->since ? since : p->since;
    int64_t hi = until && until < p->until ? until : p->until;
    if (lo > hi) {
        *out = 0;
        return 1;
    }
    if ((lo != INT64_MIN && lo > INT64_MAX - M) || (hi != INT64_MAX && hi < INT64_MIN + M))
        return 0;   /* minutes past int64's ends */
    struct roll_count r = {.root = p->root};
    roll_status(p->root, &r.st);
    if (!r.st.whole)
        return 0;
    r.mlo = lo == INT64_MIN ? INT64_MIN : floor_div(lo - 1, M) + 1;
    r.mhi = hi == INT64_MAX ? INT64_MAX : floor_div(hi - M + 1, M);
    r.elo = lo == INT64_MIN ? INT64_MIN : floor_div(lo, M);
    r.ehi = hi == INT64_MAX ? INT64_MAX : floor_div(hi, M);
    /* a range inside one minute cuts it once, as its lower end when lo cuts */
    int cut_lo = r.elo < r.mlo, cut_hi = r.ehi > r.mhi && !(cut_lo && r.ehi == r.elo);
    int txn = read_begin(s);
    int64_t got = store_rollup_scan(s, r.elo, r.ehi, roll_cell, &r, e);
    int rc = got == -1 ? -1 : got < 0 || r.cells > ROLL_COUNT_CELLS || r.undecided ? 0 : 1;
    int64_t walk = (cut_lo && r.k[0] && r.k[0] < r.w[0] ? r.w[0] : 0) +
                   (cut_hi && r.k[1] && r.k[1] < r.w[1] ? r.w[1] : 0);
    if (rc == 1 && walk > ROLL_EDGE_ROWS)
        rc = 0;
    int64_t cut = 0;
    if (rc == 1 && cut_lo)
        rc = count_cut(s, &r, 0, lo, hi, &cut, e) < 0 ? -1 : (r.n += cut, 1);
    if (rc == 1 && cut_hi)
        rc = count_cut(s, &r, 1, lo, hi, &cut, e) < 0 ? -1 : (r.n += cut, 1);
    read_end(s, txn);
    if (rc == 1)
        *out = r.n;
    return rc;
}

int store_count(struct store *s, const struct plan *p, int64_t since, int64_t until,
                int64_t *out, struct err *e)
{
    if (s->ch)
        return chstore_count(s->ch, p, since, until, out, e);
    if (p->root->kind == PK_NOT && p->root->nkids == 1)
        return count_not(s, p, since, until, out, e);
    struct sqlb b;
    *out = 0;
    sqlb_init(&b, s, FTS_IN, e);
    int rc = -1;
    if (since || until || !count_fast(&b, p->root)) {
        /* a lone status condition: rec_status counts its records alone */
        int lone_status = !since && !until && status_cmp(p->root), r;
        if (!lone_status && roll_decidable(p->root) &&
            (r = count_rollup(s, p, since, until, out, e)) != 0) {
            sqlb_fini(&b);
            return r < 0 ? -1 : 0;
        }
        sqlb_fini(&b);
        sqlb_init(&b, s, FTS_IN, e);
        sqlb_add(&b, "SELECT count(*) FROM records r WHERE ");
        if (sqlb_cond(&b, p->root) < 0)
            goto out;
        sqlb_bounds(&b, since, until);
    }
    rc = count_sql(s, &b, out, e);
out:
    sqlb_fini(&b);
    return rc;
}

int store_trace(struct store *s, const char *cid, store_row_fn cb, void *ctx, struct err *e)
{
    if (s->ch)
        return chstore_trace(s->ch, cid, cb, ctx, e);
    struct pnode n = {.kind = PK_CMP, .field = PF_CID, .op = POP_EQ, .vtype = PV_STR,
                      .s = (char *)cid};
    struct sqlb b;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    sqlb_init(&b, s, FTS_IN, e);
    sqlb_add(&b, "SELECT " ROW_COLS ROW_FROM " WHERE ");
    sqlb_cond(&b, &n);
    sqlb_add(&b, " ORDER BY r.ts, r.id");
    if (sqlb_prepare(&b, &st) == 0)
        rc = run_rows(s, st, cb, ctx, e);
    sqlite3_finalize(st);
    sqlb_fini(&b);
    return rc;
}

static int build_scan(struct sqlb *b, const struct plan *p, const struct store_scan_spec *sp)
{
    sqlb_add(b, "SELECT r.ts, r.level, ");
    sqlb_field(b, sp->value_field, sp->value_path, 1);
    sqlb_add(b, ", r.status, ");
    sqlb_field(b, sp->group_field, sp->group_path, 0);   /* service: the naming rule */
    sqlb_add(b, ", r.metric, r.mvalue, CASE WHEN r.level >= ");
    sqlb_int(b, sp->msg_min_level);
    sqlb_add(b, " THEN " EXEC_MSG " END FROM records r ");
    if (sp->dur_range) {
        sqlb_add(b, "INDEXED BY rec_dur WHERE r.duration >= ");
        sqlb_dbl(b, sp->dur_lo);
        sqlb_add(b, " AND r.duration < ");
        sqlb_dbl(b, sp->dur_hi);
        sqlb_add(b, " AND ");
    } else {
        sqlb_add(b, "WHERE ");
    }
    if (sqlb_cond(b, p->root) < 0)
        return -1;
    sqlb_bounds(b, sp->since, sp->until);
    return 0;
}

static void read_scan_row(sqlite3_stmt *st, struct store_scan_row *r)
{
    memset(r, 0, sizeof *r);
    r->ts = sqlite3_column_int64(st, 0);
    r->level = sqlite3_column_int(st, 1);
    if ((r->has_value = sqlite3_column_type(st, 2) != SQLITE_NULL))
        r->value = sqlite3_column_double(st, 2);
    if ((r->has_status = sqlite3_column_type(st, 3) != SQLITE_NULL))
        r->status = sqlite3_column_int64(st, 3);
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
        r->group = col_text(st, 4);
        r->group_len = (size_t)sqlite3_column_bytes(st, 4);
    }
    r->metric = col_text(st, 5);
    if ((r->has_mvalue = sqlite3_column_type(st, 6) != SQLITE_NULL))
        r->mvalue = sqlite3_column_double(st, 6);
    if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
        r->msg = col_text(st, 7);
        r->msg_len = (size_t)sqlite3_column_bytes(st, 7);
    }
}

int64_t store_scan(struct store *s, const struct plan *p, const struct store_scan_spec *spec,
                   store_scan_fn cb, void *ctx, struct err *e)
{
    if (s->ch)
        return chstore_scan(s->ch, p, spec, cb, ctx, e);
    struct store_scan_spec none = {.value_field = -1, .group_field = -1,
                                   .msg_min_level = LVL_COUNT};
    struct sqlb b;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    scan_map(s);
    sqlb_init(&b, s, FTS_IN, e);
    if (build_scan(&b, p, spec ? spec : &none) == 0 && sqlb_prepare(&b, &st) == 0) {
        struct store_scan_row r;
        int rc;
        n = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            read_scan_row(st, &r);
            n++;
            if (cb && cb(ctx, &r))
                break;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            n = store_sqlerr(s, e, "scanning records");
    }
    sqlite3_finalize(st);
    sqlb_fini(&b);
    return n;
}

int store_explain(struct store *s, const struct plan *p, const struct store_page *pg,
                  char *buf, size_t cap, struct err *e)
{
    if (s->ch)
        return chstore_explain(s->ch, p, pg, buf, cap, e);
    struct store_page none = {0};
    struct sqlb b;
    sqlite3_stmt *st = NULL;
    size_t len = 0;
    int rc = -1;
    if (cap)
        buf[0] = '\0';
    int ep = pg ? exec_page_explain(s, p, pg, buf, cap) : 0;
    if (ep == 1)
        return 0;
    if (ep == 2)
        len = strlen(buf);
    sqlb_init(&b, s, FTS_AUTO, e);
    b.limit = pg ? pg->limit : 0;
    sqlb_add(&b, "EXPLAIN QUERY PLAN ");
    if (build_page(&b, p, pg ? pg : &none) == 0 && sqlb_prepare(&b, &st) == 0) {
        len += (size_t)snprintf(buf + len, cap - len, "%s\n", b.sql + 19);
        while (sqlite3_step(st) == SQLITE_ROW && len < cap)
            len += (size_t)snprintf(buf + len, cap - len, "%d %d %s\n",
                                    sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
                                    col_text(st, 3) ? col_text(st, 3) : "");
        rc = 0;
    }
    sqlite3_finalize(st);
    sqlb_fini(&b);
    return rc;
}

/* Every record after after_id in insertion order (store.h, "dump"): for the
 * tools and tests that must see exactly what was stored. */
int64_t store_dump(struct store *s, int64_t after_id, store_row_fn fn, void *ctx,
                   struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT " ROW_COLS ROW_FROM " WHERE r.id > ? ORDER BY r.id",
                           -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "reading records");
    sqlite3_bind_int64(st, 1, after_id);
    int n = run_rows(s, st, fn, ctx, e);
    sqlite3_finalize(st);
    return n;
}
