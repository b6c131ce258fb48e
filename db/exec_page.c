/* exec_page: a page of a query with an indexed term among its AND-ed
 * conditions (a word, a field=value token, a cid), read without sorting
 * whole rows. Candidates, in page order, come from one of three sources,
 * and each is checked alone by a point query on its id with the query's
 * whole condition (one row read, its block decoded once), until the page
 * is full:
 *   LIST  the term's posting list (ids ascending) read whole, each id's
 *         ts read and the (ts, id) sorted: for a term held by few records;
 *         where the time range of each group of 1024 ids is known
 *         (db/idts.h), only the ts of the ids in the groups that can still
 *         hold a row of the page are read, newest group first
 *         (db/exec_grp.c): for a term of up to some tens of thousands;
 *   SET   the time index rec_ts walked in page order (~0.3 µs an entry),
 *         keeping the ids of the listed set: for a term of some thousands
 *         of records, which a walk reaches long before reading them all;
 *   WALK  rec_ts walked in page order, every record a candidate: for a
 *         term held by so many records that a page is found in a few
 *         hundred rows; the token's ids of a field read from the text
 *         filter the walk (read by windows of consecutive ids as it
 *         reaches them: db/exec_win.c), so that only its rows are
 *         point-queried.
 * The choice: the posting list is read from its start up to PAGE_FEW ids;
 * if it ends there, LIST. Otherwise the span of ids those cover tells the
 * term's density where it starts: when a page is expected within
 * WALK_TRY rows, a WALK of a bounded number of rows is tried first (and
 * goes on while the matches it found promise the rest within WALK_MORE
 * rows). Then
 * the list is read on up to exec_page_cap ids: LIST or SET if it ends
 * (whichever costs fewer row reads), else an unbounded WALK. A field glob
 * is not listed first (FTS5 merges the lists of all of its prefix's tokens
 * before the first id, costly for common prefixes): a plan whose only
 * indexed term is one gets the bounded WALK, which finds a common glob's
 * page; then its tokens' list from the WALK's cursor on as above (a
 * sparse glob: client_ip:10.0.1.*, 1M records, 29.4 -> 15.0 ms), or, for a
 * glob of no string token, exec.c's plans for what is left. */
#include "db/exec_int.h"
#include "db/exec_pager.h"
#include "db/txt.h"
#include "src/base/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_FEW 2000      /* ids read before choosing */
#define WALK_TRY 1000      /* expected rows of a WALK worth trying */
#define WALK_MIN 400       /* rows a tried WALK may read, at least ... */
#define WALK_MAX 2000      /* ... and at most */
#define WALK_MORE 4000     /* rows a walk goes on for when its matches promise a page */
/* Costs, for LIST against SET, at 10M records: reading a listed id's ts
 * by a point query, ~6,700 instructions and a page of the records table
 * of its own (a page fault of the mapped store, which callgrind does not
 * count: ResourceExhausted, 7k records, LIST 72M instructions but 194 ms
 * of CPU, SET 93M and 49 ms); an entry of rec_ts in a SET's walk (a
 * covering index step and an ld_inset() call), ~400, on pages read in
 * order. */
#define COST_LIST 16
#define COST_SET 1


/* A one-shot command's page of several conditions: its cache grown to
 * EXEC_ONESHOT_GROW (db/exec.h), once. */
static void oneshot_grow(struct store *s)
{
    if (s->oneshot != EXEC_ONESHOT_ON)   /* not one-shot, mapped, or grown already */
        return;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", EXEC_ONESHOT_GROW);
    sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    s->oneshot |= EXEC_ONESHOT_GROWN;
}

/* An indexed term: its posting list, read from the start. */
struct driver {
    const char *table;
    char *expr;
    int exact;              /* its list is the node's whole condition */
    int json;               /* a field token of a field read from the text (not virtual) */
    sqlite3_stmt *st;       /* reading the list */
    int64_t *ids, n, cap;   /* ids read so far (ascending) */
    int done;               /* the list ended */
};

static void driver_free(struct driver *d)
{
    sqlite3_finalize(d->st);
    free(d->expr);
    free(d->ids);
    memset(d, 0, sizeof *d);
}

/* The posting list a node's records must all be in: 1 and d filled, 0
 * when it has none, 2 and d filled for a field glob's prefix token (FTS5
 * merges the lists of all its tokens before the first id: listed only
 * after a bounded WALK), -1 for another field glob. */
static int driver_of(struct store *s, const struct pnode *n, struct driver *d)
{
    int exact = 0;
    memset(d, 0, sizeof *d);
    if (n->kind == PK_TEXT) {
        d->table = exec_txt(s);
        d->expr = exec_fts_expr(s, n->text, n->prefix);
        d->exact = !n->phrase;
        char *sx = d->expr && *d->expr && n->phrase && !s->old_text
                   ? txt_snake_expr(s, d->expr, n->text) : NULL;
        if (sx) {   /* the phrase's records exactly */
            free(d->expr);
            d->expr = sx;
            d->exact = 1;
        }
    } else if (n->kind == PK_CMP && n->field == PF_CID && (n->op == POP_EQ || n->op == POP_GLOB)) {
        int oom;   /* one expression: the token; a 'cidwords' store's are two (exec_sql.c) */
        d->expr = s->cid_words ? NULL : exec_cid_expr(s, n->s ? n->s : "", n->op == POP_GLOB, 0,
                                                      &oom);
        d->table = exec_txt(s);
    } else if (n->kind == PK_CMP && n->field == PF_STATUS && n->op == POP_EQ &&
               n->vtype == PV_NUM) {
        /* status:404: its ids from rec_status, where SQLite would read
         * every such row and sort them (10M: 20k rows, 0.1-0.3 s) */
        if (asprintf(&d->expr, "%.17g", n->num) < 0)
            d->expr = NULL;
        d->table = EXEC_STATUS;
        d->exact = 1;
    } else if (exec_fv_plan(n, &d->expr, &exact) == 1) {
        d->table = EXEC_FV;
        d->exact = !exact;
        d->json = n->field == PF_JSON && n->path && strcmp(n->path, "path") != 0;
        if (n->op == POP_GLOB)
            return d->expr && *d->expr ? 2 : (driver_free(d), -1);
    }
    if (d->expr && !*d->expr) {
        free(d->expr);
        d->expr = NULL;
    }
    return d->expr != NULL;
}

/* Reads d's list on until it holds upto ids or ends. 0, or -1 with e. */
static int driver_read(struct store *s, struct driver *d, int64_t upto, struct err *e)
{
    if (!d->st) {
        if (sqlite3_prepare_v2(s->db, exec_ids_sql(d->table), -1, &d->st, NULL) != SQLITE_OK)
            return store_sqlerr(s, e, "reading an index");
        sqlite3_bind_text(d->st, 1, d->expr, -1, SQLITE_STATIC);
    }
    while (!d->done && d->n < upto) {
        int rc = sqlite3_step(d->st);
        if (rc == SQLITE_DONE) {
            d->done = 1;
            break;
        }
        if (rc != SQLITE_ROW)
            return store_sqlerr(s, e, "reading an index");
        if (d->n == d->cap) {
            int64_t nc = d->cap ? d->cap * 2 : 1024;
            int64_t *ni = realloc(d->ids, (size_t)nc * sizeof *ni);
            if (!ni)
                return err_set(e, "out of memory reading a page");
            d->ids = ni;
            d->cap = nc;
        }
        d->ids[d->n++] = sqlite3_column_int64(d->st, 0);
    }
    return 0;
}

static int64_t records_total(struct store *s)
{
    return store_pragma_int(s, "SELECT coalesce(sum(n), 0) FROM counts");
}

int64_t exec_page_cap(struct store *s, int limit)
{
    const struct exec_state *x = s->exec;
    if (x && x->page_cap)
        return x->page_cap;   /* white-box tests; < 0: never */
    double cap = sqrt(20.0 * (double)limit * (double)records_total(s));
    return cap < FTS_FEW ? FTS_FEW : (int64_t)cap;
}

/* --- candidates, checked one by one ---------------------------------------- */


/* The point query "row id, if it matches cond" (cond NULL: any row). */
static int point_sql(struct pager *g, const struct pnode *cond, struct sqlb *b,
                     sqlite3_stmt **out)
{
    sqlb_init(b, g->s, FTS_ROW, g->e);
    sqlb_add(b, "SELECT " EXEC_ROW_COLS EXEC_ROW_FROM " WHERE r.id = ");
    sqlb_int(b, 0);
    int rc = 0;
    if (cond) {
        sqlb_add(b, " AND ");
        rc = sqlb_cond(b, cond);
    }
    return rc == 0 ? sqlb_prepare(b, out) : -1;
}

/* The point query for candidates of exact driver d (NULL: any other
 * source), prepared on first use; NULL on error (g->e filled). */
static sqlite3_stmt *point(struct pager *g, const struct plan *p, const struct driver *d)
{
    sqlite3_stmt **st = d ? &g->light : &g->full;
    if (!*st && point_sql(g, d ? NULL : p->root, d ? &g->lb : &g->fb, st) < 0)
        *st = NULL;
    return *st;
}

/* LIST: the n ids' ts read, sorted in page order, looked at in turn. */
static int run_list(struct pager *g, sqlite3_stmt *st, const int64_t *ids, int64_t n)
{
    sqlite3_stmt *q = NULL;
    struct cand *c = malloc((size_t)(n ? n : 1) * sizeof *c);
    int64_t k = 0;
    int rc = -1;
    if (!c)
        return err_set(g->e, "out of memory reading a page");
    if (sqlite3_prepare_v2(g->s->db, "SELECT ts FROM records WHERE id = ?", -1, &q, NULL) !=
        SQLITE_OK) {
        store_sqlerr(g->s, g->e, "reading records");
        goto out;
    }
    for (int64_t i = 0; i < n; i++) {
        sqlite3_bind_int64(q, 1, ids[i]);
        g->s->exec->ts_reads++;
        int r = sqlite3_step(q);
        if (r == SQLITE_ROW && exec_pager_in_page(&g->pg, sqlite3_column_int64(q, 0), ids[i])) {
            c[k].ts = sqlite3_column_int64(q, 0);
            c[k++].id = ids[i];
        } else if (r != SQLITE_ROW && r != SQLITE_DONE) {
            store_sqlerr(g->s, g->e, "reading records");
            goto out;
        }
        sqlite3_reset(q);
    }
    qsort(c, (size_t)k, sizeof *c, g->pg.oldest_first ? exec_pager_cmp_old : exec_pager_cmp_new);
    rc = 0;
    for (int64_t i = 0; i < k && !exec_pager_full(g) && rc == 0; i++)
        rc = exec_pager_look(g, st, c[i].ts, c[i].id);
out:
    sqlite3_finalize(q);
    free(c);
    return rc;
}

/* The ids of a SET as a bitmap over [lo, lo + 8 * bytes), handed to
 * ld_inset() as a pointer value. */
struct idset {
    int64_t lo, nbits;
    unsigned char *bits;
};

static int idset_init(struct idset *set, const int64_t *ids, int64_t n)
{
    set->lo = n ? ids[0] : 0;
    set->nbits = n ? ids[n - 1] - ids[0] + 1 : 0;
    set->bits = calloc((size_t)(set->nbits / 8 + 1), 1);
    if (!set->bits)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        int64_t b = ids[i] - set->lo;
        set->bits[b >> 3] |= (unsigned char)(1u << (b & 7));
    }
    return 0;
}
#define IDSET_TYPE "logdeck_idset"

/* ld_inset(set, id): 1 if id is in the set (a SET's walk keeps its ids in
 * SQL: stepping each rec_ts entry out to C cost as much as reading it). */
static void fn_inset(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const struct idset *set = sqlite3_value_pointer(argv[0], IDSET_TYPE);
    int64_t b = set ? sqlite3_value_int64(argv[1]) - set->lo : -1;
    sqlite3_result_int(ctx, b >= 0 && b < set->nbits && (set->bits[b >> 3] >> (b & 7) & 1));
}

int exec_page_register(sqlite3 *db)
{
    return sqlite3_create_function(db, "ld_inset", 2, SQLITE_UTF8, NULL, fn_inset, NULL, NULL) ==
           SQLITE_OK ? 0 : -1;
}

/* SET (ids != NULL: only those) or WALK (ids NULL): rec_ts in page order,
 * at most max entries (< 0: no bound; a SET has none); a WALK with a
 * filter win point-queries only the rows win holds (exec_win.c). 1 if
 * rec_ts ended (or the page is exec_pager_full), 0 if max was reached, -1
 * on error. */
static int run_walk(struct pager *g, sqlite3_stmt *st, const int64_t *ids, int64_t n,
                    int64_t max, struct exec_win *win)
{
    struct sqlb b;
    sqlite3_stmt *w = NULL;
    struct store_page tail = g->pg;
    struct idset set = {0};
    if (!st)
        return -1;   /* the point query could not be prepared (g->e filled) */
    if (ids && idset_init(&set, ids, n) < 0)
        return err_set(g->e, "out of memory reading a page");
    tail.limit = 0;
    sqlb_init(&b, g->s, FTS_ROW, g->e);
    sqlb_add(&b, "SELECT r2.ts, r2.id FROM records r2 INDEXED BY rec_ts WHERE ");
    if (ids) {
        sqlb_add(&b, "ld_inset(");
        sqlb_int(&b, 0);   /* parameter 1: the set, bound below */
        sqlb_add(&b, ", r2.id)");
    } else {
        sqlb_add(&b, "1");
    }
    exec_page_tail(&b, &tail, "r2", 1);
    int rc = sqlb_prepare(&b, &w);
    sqlb_fini(&b);
    if (rc < 0) {
        free(set.bits);
        return -1;
    }
    if (ids)
        sqlite3_bind_pointer(w, 1, &set, IDSET_TYPE, NULL);
    int64_t seen = 0;
    int r = SQLITE_ROW;
    rc = 0;
    while (rc == 0 && !exec_pager_full(g)) {
        if (max >= 0 && seen >= max)
            break;
        if ((r = sqlite3_step(w)) != SQLITE_ROW)
            break;
        seen++;
        int64_t ts = sqlite3_column_int64(w, 0), id = sqlite3_column_int64(w, 1);
        int in = win ? exec_win_has(g->s, win, id, g->e) : 1;
        if (in < 0)
            rc = -1;
        else if (!in)
            exec_pager_skip(g, ts, id);
        else
            rc = exec_pager_look(g, st, ts, id);
    }
    if (rc == 0 && r != SQLITE_ROW && r != SQLITE_DONE)
        rc = store_sqlerr(g->s, g->e, "reading the time index");
    sqlite3_finalize(w);
    free(set.bits);
    if (rc < 0)
        return -1;
    return exec_pager_full(g) || r == SQLITE_DONE ? 1 : 0;
}

/* --- the choice ------------------------------------------------------------ */

/* The AND-ed kids of p's root (or the root alone). */
static int kids_of(const struct plan *p, const struct pnode *const **kids)
{
    const struct pnode *r = p->root;
    if (r->kind == PK_AND) {
        *kids = (const struct pnode *const *)r->kids;
        return r->nkids;
    }
    *kids = (const struct pnode *const *)&p->root;
    return 1;
}

static int64_t knob(int64_t v, int64_t dflt)
{
    return v ? v : dflt;
}

/* Rows a page is expected within, walking, from the span of d's first ids. */
static int64_t walk_rows(const struct driver *d, int limit)
{
    double span = (double)(d->ids[d->n - 1] - d->ids[0] + 1);
    return (int64_t)(limit * span / (double)d->n) + 1;
}

/* The shortest list, or the densest where none ends within few ids: its
 * driver (NULL when there is none); -1 on error. */
static int pick(struct store *s, struct driver *d, int nd, int64_t few, struct driver **best,
                struct err *e)
{
    *best = NULL;
    for (int i = 0; i < nd; i++) {
        if (driver_read(s, &d[i], few, e) < 0)
            return -1;
        struct driver *b = *best;
        if (d[i].done ? !b || !b->done || d[i].n < b->n
                      : !b || (!b->done && walk_rows(&d[i], 1) < walk_rows(b, 1)))
            *best = &d[i];
    }
    return 0;
}

/* *win: the filter of a WALK by best's list when it is the token of a
 * field read from the text (NULL: none). 0, or -1 with e. */
static int walk_filter(struct store *s, const struct driver *best, struct exec_win **win,
                       struct err *e)
{
    const struct exec_state *x = s->exec;
    *win = NULL;
    if (!best || !best->json || (x && x->page_win < 0))
        return 0;
    *win = exec_win_new(s, best->expr, e);
    return *win ? 0 : -1;
}

/* The point query of a WALK's candidates: none but the id when the
 * filter is the query's whole condition. */
static sqlite3_stmt *walk_point(struct pager *g, const struct plan *p, const struct driver *best,
                                const struct exec_win *win, int alone)
{
    return point(g, p, win && alone && best->exact ? best : NULL);
}

/* A WALK of about tw rows, going on while the matches it finds promise
 * the rest of the page within WALK_MORE rows. 1 when the page is done, 0
 * when it stopped (g->pg's cursor then after the rows looked at), -1. */
static int walk_first(struct pager *g, int64_t tw, sqlite3_stmt *st, struct exec_win *win)
{
    for (;;) {
        int r = run_walk(g, st, NULL, 0, tw, win);
        if (r != 0)
            return r;
        g->pg.has_cursor = 1;
        g->pg.cursor_ts = g->last_ts;
        g->pg.cursor_id = g->last_id;
        int64_t more = g->got ? (int64_t)(g->pg.limit - g->got) * g->looked / g->got + 1 : 0;
        if (!g->got || more > WALK_MORE)
            return 0;
        tw = more * 2;
    }
}

/* The page from best's whole list (LIST or SET), or a WALK when it holds
 * more than cap ids. 1, or -1. */
static int from_list(struct pager *g, const struct plan *p, struct driver *best, int alone,
                     int64_t cap, struct exec_win *win)
{
    const struct exec_state *x = g->s->exec;
    if (!best->done && driver_read(g->s, best, cap + 1, g->e) < 0)
        return -1;
    if (!best->done)
        return run_walk(g, walk_point(g, p, best, win, alone), NULL, 0, -1, win) < 0 ? -1 : 1;
    if (!best->n)   /* no record holds the term */
        return 1;
    /* LIST reads each listed row's ts (by groups: those of the few groups
     * that hold the page, and a step over each group); SET an entry of
     * rec_ts for each of the ~limit * total / n rows a walk passes */
    double set = (double)g->pg.limit * (double)records_total(g->s) / (double)(best->n + 1);
    double lim = 4.0 * g->pg.limit, few = (double)best->n < lim ? (double)best->n : lim;
    int list = x && x->page_set ? x->page_set < 0 : (double)best->n * COST_LIST <= set * COST_SET;
    int by_groups = x && x->page_set ? x->page_set < 0
                                     : few * COST_LIST + (double)best->n / 16 <= set * COST_SET;
    struct exec_groups gr = {0};
    int64_t known = by_groups ? exec_grp_of(g, best->ids, best->n, &gr) : 0;
    sqlite3_stmt *st = point(g, p, alone && best->exact ? best : NULL);
    int rc = known < 0 ? -1
             : known > 0 ? exec_grp_run(g, st, best->ids, best->n, &gr)
             : list ? run_list(g, st, best->ids, best->n)
             : run_walk(g, st, best->ids, best->n, -1, NULL);
    exec_grp_free(&gr);
    return rc < 0 ? -1 : 1;
}

/* The page's time bounds narrowed by the plan's AND-ed time comparisons
 * (since:, until:): candidates outside them are not looked at, groups of
 * ids outside them not opened (the point query checks them anyway). */
static void plan_bounds(const struct pnode *const *kids, int nk, struct store_page *pg)
{
    for (int i = 0; i < nk; i++) {
        const struct pnode *k = kids[i];
        if (k->kind != PK_CMP || k->field != PF_TS || k->vtype != PV_INT)
            continue;
        int64_t v = k->i + (k->op == POP_GT) - (k->op == POP_LT);
        if ((k->op == POP_GE || k->op == POP_GT) && v > 0 && v > pg->since)
            pg->since = v;
        if ((k->op == POP_LE || k->op == POP_LT) && v > 0 && (!pg->until || v < pg->until))
            pg->until = v;
    }
}

/* Rows of the first WALK: 0 for none. */
static int64_t walk_budget(const struct exec_state *x, const struct driver *best, int limit)
{
    int64_t tw = knob(x ? x->page_walk : 0, 0);
    if (tw || (best && (best->done || walk_rows(best, limit) > WALK_TRY)))
        return tw < 0 ? 0 : best && best->done ? 0 : tw;
    /* a page is expected within walk_rows: allow for a term's files */
    tw = best ? walk_rows(best, limit) * 8 : WALK_MAX;
    return tw < WALK_MIN ? WALK_MIN : tw > WALK_MAX ? WALK_MAX : tw;
}

int exec_page_query(struct store *s, const struct plan *p, struct store_page *pg,
                    store_row_fn cb, void *ctx, int *delivered, struct err *e)
{
    const struct exec_state *x = s->exec;
    const struct pnode *const *kids;
    int nk = kids_of(p, &kids), globs = 0, nd = 0, rc = -1;
    int64_t cap = exec_page_cap(s, pg->limit);
    *delivered = 0;
    if (pg->limit <= 0 || cap < 0)
        return 0;
    struct driver *d = calloc((size_t)nk, sizeof *d), *best = NULL, gd = {0};
    struct exec_win *win = NULL;
    if (!d)
        return err_set(e, "out of memory reading a page");
    for (int i = 0; i < nk; i++) {
        int k = driver_of(s, kids[i], &d[nd]);
        globs += k < 0 || k == 2;
        if (k == 2 && !gd.expr)   /* the first glob's list, for after the WALK */
            gd = d[nd], memset(&d[nd], 0, sizeof d[nd]);
        else if (k == 2)
            driver_free(&d[nd]);
        nd += k == 1;
    }
    struct pager g = {.s = s, .pg = *pg, .cb = cb, .ctx = ctx, .e = e};
    plan_bounds(kids, nk, &g.pg);
    int conds = 0;   /* conditions other than the time bounds */
    for (int i = 0; i < nk; i++)
        conds += !(kids[i]->kind == PK_CMP && kids[i]->field == PF_TS);
    if (conds > 1)
        oneshot_grow(s);
    if ((!nd && !globs) || pick(s, d, nd, knob(x ? x->page_few : 0, PAGE_FEW), &best, e) < 0) {
        rc = nd || globs ? -1 : 0;
        goto out;
    }
    int64_t tw = walk_budget(x, best, pg->limit);
    rc = tw || (best && !best->done) ? walk_filter(s, best, &win, e) : 0;
    if (rc == 0 && tw)
        rc = walk_first(&g, tw, walk_point(&g, p, best, win, nk == 1), win);
    if (rc == 0 && best)
        rc = from_list(&g, p, best, nk == 1, cap, win);
    else if (rc == 0 && gd.expr && !exec_pager_full(&g)) {   /* a sparse glob: its list, */
        exec_fv_expand(s, &gd.expr);   /* as the OR of its tokens when they are few, */
        rc = from_list(&g, p, &gd, nk == 1, cap, NULL);   /* past the WALK's cursor */
    }
out:
    driver_free(&gd);
    exec_win_free(win);
    for (int i = 0; i < nd; i++)
        driver_free(&d[i]);
    free(d);
    sqlite3_finalize(g.full);
    sqlite3_finalize(g.light);
    sqlb_fini(&g.fb);
    sqlb_fini(&g.lb);
    *delivered = g.got;
    if (rc == 0) {   /* the caller reads the rest */
        pg->limit -= g.got;
        pg->has_cursor = g.pg.has_cursor;
        pg->cursor_ts = g.pg.cursor_ts;
        pg->cursor_id = g.pg.cursor_id;
        if (g.stop || pg->limit <= 0)
            rc = 1;
    }
    return rc;
}

int exec_page_explain(struct store *s, const struct plan *p, const struct store_page *pg,
                      char *buf, size_t cap)
{
    const struct pnode *const *kids;
    int nk = kids_of(p, &kids), globs = 0;
    size_t len = 0;
    char glob[512] = "";   /* the first glob's list: read only when no term is */
    if (pg->limit <= 0 || exec_page_cap(s, pg->limit) < 0)
        return 0;
    for (int i = 0; i < nk; i++) {
        struct driver d;
        int k = driver_of(s, kids[i], &d);
        globs += k < 0 || k == 2;
        if (k == 2 && !glob[0])
            snprintf(glob, sizeof glob, "field glob's tokens: ids from %s MATCH %s%s\n", d.table,
                     d.expr, d.exact ? " (exact)" : "");
        if (k == 1 && len < cap)
            len += (size_t)snprintf(buf + len, cap - len, "indexed term: ids from %s %s %s%s\n",
                                    d.table,
                                    strcmp(d.table, EXEC_STATUS) ? "MATCH" : "WHERE status =",
                                    d.expr, d.exact ? " (exact)" : "");
        driver_free(&d);
    }
    int listed = len > 0;
    if (!listed && glob[0])
        len = (size_t)snprintf(buf, cap, "%s", glob);
    if (!len && !globs)
        return 0;
    if (!len) {   /* a bounded WALK, then exec.c's plan (the caller adds it) */
        snprintf(buf, cap, "page: a field glob: first a bounded walk of rec_ts, each row "
                 "checked by a point query on its id; then:\n");
        return 2;
    }
    if (!listed && len < cap)
        snprintf(buf + len, cap - len,
                 "page: first a bounded walk of rec_ts, each row checked by a point query on its "
                 "id; then, past it, candidates from the glob's tokens' list (LIST), rec_ts "
                 "keeping the listed ids (SET) or every row of rec_ts (WALK), each checked the "
                 "same way\n");
    else if (len < cap)
        snprintf(buf + len, cap - len,
                 "page by candidates in page order, each checked by a point query on its id: "
                 "the term's list (LIST), rec_ts keeping the listed ids (SET) or every row of "
                 "rec_ts (WALK; for a field of the text only the rows its token's ids hold, "
                 "read by windows of 1024 ids), chosen from the first %d ids%s\n",
                 PAGE_FEW, globs ? " (the field glob is checked per row)" : "");
    return 1;
}
