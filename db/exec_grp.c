/* exec_grp: a page's LIST read by groups of ids, newest (oldest) group
 * first, from the groups' time ranges (db/idts.h): the ts of a listed
 * record is read only when its group can still hold a row of the page. */
#include "db/exec_pager.h"

#include <stdlib.h>
#include <string.h>

void exec_grp_free(struct exec_groups *gr)
{
    free(gr->gs);
    free(gr->at);
    memset(gr, 0, sizeof *gr);
}

/* gr from ids (ascending) with the groups' ranges: the number of groups
 * whose range is known, or -1. */
int64_t exec_grp_of(struct pager *g, const int64_t *ids, int64_t n, struct exec_groups *gr)
{
    memset(gr, 0, sizeof *gr);
    gr->gs = malloc((size_t)(n ? n : 1) * sizeof *gr->gs);
    gr->at = malloc((size_t)(n + 1) * sizeof *gr->at);
    if (!gr->gs || !gr->at)
        return err_set(g->e, "out of memory reading a page");
    for (int64_t i = 0; i < n; i++) {
        int64_t k = ids[i] >> IDTS_SHIFT;
        if (!gr->ng || gr->gs[gr->ng - 1].g != k) {
            gr->gs[gr->ng].g = k;
            gr->at[gr->ng++] = i;
        }
    }
    gr->at[gr->ng] = n;
    int64_t upto, known = idts_read(g->s, gr->gs, gr->ng, &upto, g->e);
    for (int64_t k = 0; known > 0 && k < gr->ng; k++)
        if (ids[gr->at[k + 1] - 1] >= upto && gr->gs[k].hi != INT64_MAX) {
            gr->gs[k].lo = INT64_MIN;   /* a record no range covers (an older writer's) */
            gr->gs[k].hi = INT64_MAX;
            known--;
        }
    return known;
}

/* Candidates in page order, first at c[0]: a binary heap. */
struct heap {
    struct cand *c;
    int64_t n;
    int (*cmp)(const void *, const void *);
};

static void heap_push(struct heap *h, struct cand v)
{
    int64_t i = h->n++;
    while (i > 0 && h->cmp(&v, &h->c[(i - 1) / 2]) < 0) {
        h->c[i] = h->c[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->c[i] = v;
}

static struct cand heap_pop(struct heap *h)
{
    struct cand top = h->c[0], v = h->c[--h->n];
    int64_t i = 0;
    for (;;) {
        int64_t k = 2 * i + 1;
        if (k >= h->n)
            break;
        if (k + 1 < h->n && h->cmp(&h->c[k + 1], &h->c[k]) < 0)
            k++;
        if (h->cmp(&h->c[k], &v) >= 0)
            break;
        h->c[i] = h->c[k];
        i = k;
    }
    if (h->n)
        h->c[i] = v;
    return top;
}

/* A group in the order its records may come: key is its range's newest
 * (newest first) or oldest end (oldest first, negated). */
struct gkey {
    int64_t key, i;
};

static int cmp_key(const void *a, const void *b)
{
    int64_t x = ((const struct gkey *)a)->key, y = ((const struct gkey *)b)->key;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The groups that may hold a record of the page (their range meets its
 * bounds and the side of its cursor), in the order their newest (oldest)
 * record may come: *out (malloc'd), their number or -1. */
static int64_t groups_order(struct pager *g, const struct exec_groups *gr, int64_t **out)
{
    *out = NULL;
    const struct store_page *pg = &g->pg;
    int64_t wlo = pg->since ? pg->since : INT64_MIN, whi = pg->until ? pg->until : INT64_MAX, k = 0;
    if (pg->has_cursor && pg->oldest_first && pg->cursor_ts > wlo)
        wlo = pg->cursor_ts;
    if (pg->has_cursor && !pg->oldest_first && pg->cursor_ts < whi)
        whi = pg->cursor_ts;
    struct gkey *o = malloc((size_t)(gr->ng ? gr->ng : 1) * sizeof *o);
    if (!o)
        return err_set(g->e, "out of memory reading a page");
    for (int64_t i = 0; i < gr->ng; i++)
        if (gr->gs[i].hi >= wlo && gr->gs[i].lo <= whi)   /* -1 - lo: -lo, never overflowing */
            o[k++] = (struct gkey){pg->oldest_first ? -1 - gr->gs[i].lo : gr->gs[i].hi, i};
    qsort(o, (size_t)k, sizeof *o, cmp_key);
    if ((*out = malloc((size_t)(k ? k : 1) * sizeof **out)))
        for (int64_t i = 0; i < k; i++)
            (*out)[i] = o[i].i;
    free(o);
    return *out ? k : err_set(g->e, "out of memory reading a page");
}

/* LIST when the groups' ranges are known: the groups are opened (their
 * ids' ts read) in the order of their newest (oldest) possible record,
 * each candidate looked at once no group left unopened can hold one that
 * comes before it. */
int exec_grp_run(struct pager *g, sqlite3_stmt *st, const int64_t *ids, int64_t n,
                 const struct exec_groups *gr)
{
    sqlite3_stmt *q = NULL;
    int64_t *ord = NULL, no = groups_order(g, gr, &ord), next = 0;
    struct heap h = {.c = malloc((size_t)(n ? n : 1) * sizeof *h.c),
                     .cmp = g->pg.oldest_first ? exec_pager_cmp_old : exec_pager_cmp_new};
    int rc = -1;
    if (no < 0 || !h.c) {
        if (no >= 0)
            err_set(g->e, "out of memory reading a page");
        goto out;
    }
    if (sqlite3_prepare_v2(g->s->db, "SELECT ts FROM records WHERE id = ?", -1, &q, NULL) !=
        SQLITE_OK) {
        store_sqlerr(g->s, g->e, "reading records");
        goto out;
    }
    rc = 0;
    while (rc == 0 && !exec_pager_full(g)) {
        /* open every group whose range reaches the best candidate's ts */
        while (next < no) {
            const struct idts_grp *k = &gr->gs[ord[next]];
            if (h.n && (g->pg.oldest_first ? k->lo > h.c[0].ts : k->hi < h.c[0].ts))
                break;
            for (int64_t i = gr->at[ord[next]]; i < gr->at[ord[next] + 1] && rc == 0; i++) {
                sqlite3_bind_int64(q, 1, ids[i]);
                g->s->exec->ts_reads++;
                int r = sqlite3_step(q);
                if (r == SQLITE_ROW && exec_pager_in_page(&g->pg, sqlite3_column_int64(q, 0), ids[i]))
                    heap_push(&h, (struct cand){sqlite3_column_int64(q, 0), ids[i]});
                else if (r != SQLITE_ROW && r != SQLITE_DONE)
                    rc = store_sqlerr(g->s, g->e, "reading records");
                sqlite3_reset(q);
            }
            next++;
        }
        if (rc < 0 || !h.n)
            break;
        struct cand c = heap_pop(&h);
        rc = exec_pager_look(g, st, c.ts, c.id);
    }
    (void)n;
out:
    sqlite3_finalize(q);
    free(ord);
    free(h.c);
    return rc;
}
