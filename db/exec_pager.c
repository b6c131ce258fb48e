/* exec_pager: the candidates of a page, each checked by a point query
 * (exec_pager.h). */
#include "db/exec_pager.h"

/* Candidate (ts, id), in page order: delivers it if it matches. 0, or -1. */
int exec_pager_look(struct pager *g, sqlite3_stmt *st, int64_t ts, int64_t id)
{
    if (!st)
        return -1;
    g->last_ts = ts;
    g->last_id = id;
    g->looked++;
    g->s->exec->point_reads++;
    sqlite3_bind_int64(st, 1, id);
    int n = exec_run_rows(g->s, st, g->cb, g->ctx, &g->stop, g->e);
    sqlite3_reset(st);
    if (n < 0)
        return -1;
    g->got += n;
    return 0;
}

void exec_pager_skip(struct pager *g, int64_t ts, int64_t id)
{
    g->last_ts = ts;
    g->last_id = id;
    g->looked++;
}

int exec_pager_full(const struct pager *g)
{
    return g->stop || g->got >= g->pg.limit;
}

int exec_pager_cmp_new(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? 1 : -1;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

int exec_pager_cmp_old(const void *a, const void *b)
{
    return exec_pager_cmp_new(b, a);
}

/* 1 if (ts, id) is within the page's bounds and after its cursor. */
int exec_pager_in_page(const struct store_page *pg, int64_t ts, int64_t id)
{
    if ((pg->since && ts < pg->since) || (pg->until && ts > pg->until))
        return 0;
    if (!pg->has_cursor)
        return 1;
    if (pg->oldest_first)
        return ts > pg->cursor_ts || (ts == pg->cursor_ts && id > pg->cursor_id);
    return ts < pg->cursor_ts || (ts == pg->cursor_ts && id < pg->cursor_id);
}
