/* agg: store_aggregate() on the SQLite store: one store_scan() of the
 * matching rows, aggregated here (db/agg.h). Keys are found through an
 * hmap from a 64-bit hash to index + 1, a collision falling back to a
 * linear search. Values are kept, sorted at the end, and summed in
 * ascending order: the ClickHouse backend (db/chagg.c) sums them in the
 * same order, so both print the same digits. */
#include "db/agg.h"
#include "db/chstore.h"
#include "db/exec.h"
#include "db/store_int.h"
#include "src/base/hmap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dvec {
    double *v;
    size_t n, cap;
};

struct acc {
    struct store_agg *a;
    const struct store_agg_spec *sp;
    struct dvec vals, *gvals, *mvals;   /* total, per group, per metric */
    struct hmap gmap, cmap, mmap, xmap;
    int64_t rows;
    int oom;
};

static int dvec_push(struct dvec *d, double v)
{
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 16;
        double *nv = realloc(d->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        d->v = nv;
        d->cap = nc;
    }
    d->v[d->n++] = v;
    return 0;
}

static uint64_t hash_n(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* Grows *arr (n entries of elem bytes) to hold one more, zeroed; the
 * parallel dvec array *dv too when dv is not NULL. */
static int grow(void **arr, size_t n, size_t elem, struct dvec **dv)
{
    if (n && (n & (n - 1)))
        return 0;   /* capacity is the next power of two */
    size_t cap = n ? n * 2 : 1;
    char *na = realloc(*arr, cap * elem);
    if (!na)
        return -1;
    memset(na + n * elem, 0, (cap - n) * elem);
    *arr = na;
    if (dv) {
        struct dvec *nd = realloc(*dv, cap * sizeof *nd);
        if (!nd)
            return -1;
        memset(nd + n, 0, (cap - n) * sizeof *nd);
        *dv = nd;
    }
    return 0;
}

static int key_is(const char *k, size_t kl, const char *s, size_t n)
{
    return kl == n && memcmp(k, s, n) == 0;
}

static long find_group(struct acc *x, const char *s, size_t n, uint64_t h)
{
    uintptr_t v = (uintptr_t)hmap_get(&x->gmap, h);
    struct store_agg_group *g = x->a->groups;
    if (!v)
        return -1;
    if (key_is(g[v - 1].key, strlen(g[v - 1].key), s, n))
        return (long)v - 1;
    for (size_t i = 0; i < x->a->ngroups; i++)   /* a hash collision */
        if (key_is(g[i].key, strlen(g[i].key), s, n))
            return (long)i;
    return -1;
}

static struct store_agg_group *group_of(struct acc *x, const char *s, size_t n)
{
    struct store_agg *a = x->a;
    uint64_t h = hash_n(s, n);
    long i = find_group(x, s, n, h);
    if (i >= 0)
        return &a->groups[i];
    if (grow((void **)&a->groups, a->ngroups, sizeof *a->groups, &x->gvals) < 0)
        return NULL;
    struct store_agg_group *g = &a->groups[a->ngroups];
    int nb = x->sp->nb;
    if (!(g->key = strndup(s, n)) ||
        (nb > 0 && (!(g->bcount = calloc((size_t)nb, sizeof *g->bcount)) ||
                    !(g->berrors = calloc((size_t)nb, sizeof *g->berrors)))))
        return NULL;
    if (!hmap_get(&x->gmap, h) && hmap_put(&x->gmap, h, (void *)(uintptr_t)(a->ngroups + 1)) < 0)
        return NULL;
    return &a->groups[a->ngroups++];
}

static struct store_agg_msg *msg_of(struct acc *x, const char *s, size_t n, int64_t ts)
{
    struct store_agg *a = x->a;
    uint64_t h = hash_n(s, n);
    uintptr_t v = (uintptr_t)hmap_get(&x->mmap, h);
    if (v && key_is(a->msgs[v - 1].msg, a->msgs[v - 1].len, s, n))
        return &a->msgs[v - 1];
    for (size_t i = 0; v && i < a->nmsgs; i++)   /* a hash collision */
        if (key_is(a->msgs[i].msg, a->msgs[i].len, s, n))
            return &a->msgs[i];
    if (grow((void **)&a->msgs, a->nmsgs, sizeof *a->msgs, NULL) < 0)
        return NULL;
    struct store_agg_msg *m = &a->msgs[a->nmsgs];
    if (!(m->msg = malloc(n + 1)))
        return NULL;
    memcpy(m->msg, s, n);
    m->msg[n] = '\0';
    m->len = n;
    m->first = m->last = ts;
    if (!v && hmap_put(&x->mmap, h, (void *)(uintptr_t)(a->nmsgs + 1)) < 0)
        return NULL;
    return &a->msgs[a->nmsgs++];
}

static struct store_agg_metric *metric_of(struct acc *x, const char *name, const struct store_scan_row *r)
{
    struct store_agg *a = x->a;
    size_t n = strlen(name);
    uint64_t h = hash_n(name, n);
    uintptr_t v = (uintptr_t)hmap_get(&x->xmap, h);
    if (v && strcmp(a->metrics[v - 1].name, name) == 0)
        return &a->metrics[v - 1];
    for (size_t i = 0; v && i < a->nmetrics; i++)
        if (strcmp(a->metrics[i].name, name) == 0)
            return &a->metrics[i];
    if (grow((void **)&a->metrics, a->nmetrics, sizeof *a->metrics, &x->mvals) < 0)
        return NULL;
    struct store_agg_metric *m = &a->metrics[a->nmetrics];
    int nb = x->sp->nb;
    if (!(m->name = strdup(name)) ||
        (nb > 0 && (!(m->bsum = calloc((size_t)nb, sizeof *m->bsum)) ||
                    !(m->bn = calloc((size_t)nb, sizeof *m->bn)))))
        return NULL;
    m->min = m->max = m->last = r->mvalue;
    m->last_ts = r->ts;
    if (!v && hmap_put(&x->xmap, h, (void *)(uintptr_t)(a->nmetrics + 1)) < 0)
        return NULL;
    return &a->metrics[a->nmetrics++];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int add_cell(struct acc *x, int64_t b, int level)
{
    struct store_agg *a = x->a;
    uintptr_t v = (uintptr_t)hmap_get(&x->cmap, (uint64_t)b);
    if (!v) {
        if (grow((void **)&a->cells, a->ncells, sizeof *a->cells, NULL) < 0)
            return -1;
        a->cells[a->ncells].bucket = b;
        v = ++a->ncells;
        if (hmap_put(&x->cmap, (uint64_t)b, (void *)v) < 0)
            return -1;
    }
    a->cells[v - 1].by_level[level]++;
    return 0;
}

static int add_totals(struct acc *x, const struct store_scan_row *r, int level)
{
    struct store_agg *a = x->a;
    const struct store_agg_spec *sp = x->sp;
    if (!a->count++ || r->ts < a->first_ts)
        a->first_ts = r->ts;
    if (a->count == 1 || r->ts > a->last_ts)
        a->last_ts = r->ts;
    a->by_level[level]++;
    a->errors += level >= LVL_ERROR;
    if (r->has_status) {
        a->with_status++;
        a->status_class[(r->status >= 100 && r->status < 600) ? r->status / 100 : 0]++;
    }
    if (r->has_value && sp->tiers) {
        int t = 0;
        while (t < AGG_NCUT && r->value >= sp->cuts[t])
            t++;
        a->tier[t]++;
        a->tiered++;
    }
    if (r->has_value && sp->quantiles && dvec_push(&x->vals, r->value) < 0)
        return -1;
    if (sp->nb == 0 && sp->bucket_us > 0)
        return add_cell(x, floor_div(r->ts - sp->origin, sp->bucket_us), level);
    return 0;
}

static int on_row(void *ctx, const struct store_scan_row *r)
{
    struct acc *x = ctx;
    const struct store_agg_spec *sp = x->sp;
    if (++x->rows % AGG_CANCEL_EVERY == 0 && sp->cancelled && sp->cancelled(sp->cancel_ctx))
        return x->a->cancelled = 1;
    int level = (r->level >= 0 && r->level < LVL_COUNT) ? r->level : 0;
    if (add_totals(x, r, level) < 0)
        return x->oom = 1;
    int b = -1;
    if (sp->nb > 0 && r->ts >= sp->origin && (r->ts - sp->origin) / sp->bucket_us < sp->nb)
        b = (int)((r->ts - sp->origin) / sp->bucket_us);
    if (sp->group_field >= 0) {
        struct store_agg_group *g = group_of(x, r->group ? r->group : "-",
                                             r->group ? r->group_len : 1);
        if (!g || (r->has_value && sp->quantiles &&
                   dvec_push(&x->gvals[g - x->a->groups], r->value) < 0))
            return x->oom = 1;
        g->count++;
        g->errors += level >= LVL_ERROR;
        if (b >= 0) {
            g->bcount[b]++;
            g->berrors[b] += level >= LVL_ERROR;
        }
    }
    if (r->msg) {
        struct store_agg_msg *m = msg_of(x, r->msg, r->msg_len, r->ts);
        if (!m)
            return x->oom = 1;
        m->count++;
        m->first = r->ts < m->first ? r->ts : m->first;
        m->last = r->ts > m->last ? r->ts : m->last;
    }
    if (sp->metrics && r->metric && r->has_mvalue) {
        struct store_agg_metric *m = metric_of(x, r->metric, r);
        if (!m || dvec_push(&x->mvals[m - x->a->metrics], r->mvalue) < 0)
            return x->oom = 1;
        m->count++;
        m->min = r->mvalue < m->min ? r->mvalue : m->min;
        m->max = r->mvalue > m->max ? r->mvalue : m->max;
        if (r->ts >= m->last_ts) {
            m->last_ts = r->ts;
            m->last = r->mvalue;
        }
        if (b >= 0) {
            m->bsum[b] += r->mvalue;
            m->bn[b]++;
        }
    }
    return 0;
}

/* --- finishing ------------------------------------------------------------ */

static int cmp_dbl(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

double store_agg_percentile(const double *sorted, size_t n, double pct)
{
    if (!n)
        return 0;
    double r = ceil(pct * (double)n / 100.0 - 1e-9);
    size_t rank = r < 1 ? 1 : (size_t)r;
    return sorted[(rank > n ? n : rank) - 1];
}

/* Sorts d and fills v; the sum is taken in ascending order. */
static void val_of(struct dvec *d, struct store_agg_val *v)
{
    memset(v, 0, sizeof *v);
    if (!d->n)
        return;
    qsort(d->v, d->n, sizeof *d->v, cmp_dbl);
    for (size_t i = 0; i < d->n; i++)
        v->sum += d->v[i];
    v->n = (int64_t)d->n;
    v->p50 = store_agg_percentile(d->v, d->n, 50);
    v->p95 = store_agg_percentile(d->v, d->n, 95);
    v->p99 = store_agg_percentile(d->v, d->n, 99);
    v->min = d->v[0];
    v->max = d->v[d->n - 1];
}

static int cmp_cell(const void *x, const void *y)
{
    int64_t a = ((const struct store_agg_cell *)x)->bucket;
    int64_t b = ((const struct store_agg_cell *)y)->bucket;
    return a < b ? -1 : a > b;
}

static void finish(struct acc *x)
{
    struct store_agg *a = x->a;
    val_of(&x->vals, &a->v);
    for (size_t i = 0; i < a->ngroups; i++)
        val_of(&x->gvals[i], &a->groups[i].v);
    for (size_t i = 0; i < a->nmetrics; i++) {
        struct store_agg_val v;
        val_of(&x->mvals[i], &v);
        a->metrics[i].sum = v.sum;   /* in ascending order, as ClickHouse sums */
    }
    if (a->ncells > 1)
        qsort(a->cells, a->ncells, sizeof *a->cells, cmp_cell);
    if (!a->count)
        a->first_ts = a->last_ts = 0;
}

static void acc_fini(struct acc *x)
{
    struct store_agg *a = x->a;
    free(x->vals.v);
    for (size_t i = 0; x->gvals && i < a->ngroups; i++)
        free(x->gvals[i].v);
    for (size_t i = 0; x->mvals && i < a->nmetrics; i++)
        free(x->mvals[i].v);
    free(x->gvals);
    free(x->mvals);
    hmap_fini(&x->gmap);
    hmap_fini(&x->cmap);
    hmap_fini(&x->mmap);
    hmap_fini(&x->xmap);
}

static int spec_ok(const struct store_agg_spec *sp, struct err *e)
{
    if (sp->nb < 0 || sp->nb > 1024 || (sp->nb > 0 && sp->bucket_us <= 0))
        return err_set(e, "bad aggregation: %d buckets of %lld us", sp->nb,
                       (long long)sp->bucket_us);
    return 0;
}

int store_aggregate(struct store *s, const struct plan *p, const struct store_agg_spec *sp,
                    struct store_agg *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (spec_ok(sp, e) < 0)
        return -1;
    if (s->ch)
        return chstore_aggregate(s->ch, p, sp, out, e);
    int r = agg_rollups(s, p, sp, out, e);
    if (r != 0)
        return r > 0 ? 0 : -1;
    struct acc x = {.a = out, .sp = sp};
    hmap_init(&x.gmap);
    hmap_init(&x.cmap);
    hmap_init(&x.mmap);
    hmap_init(&x.xmap);
    struct store_scan_spec scan = {
        .value_field = sp->value_field, .value_path = sp->value_path,
        .group_field = sp->group_field, .group_path = sp->group_path,
        .group_source = sp->group_source, .msg_min_level = sp->msg_min_level,
        .since = sp->since, .until = sp->until,
    };
    int rc = store_scan(s, p, &scan, on_row, &x, e) < 0 ? -1 : 0;
    if (rc == 0 && x.oom)
        rc = err_set(e, "out of memory aggregating records");
    if (rc == 0)
        finish(&x);
    acc_fini(&x);
    return rc;
}

int store_agg_explain(struct store *s, const struct plan *p, const struct store_agg_spec *sp,
                      char *buf, size_t cap, struct err *e)
{
    if (spec_ok(sp, e) < 0)
        return -1;
    if (s->ch)
        return chstore_agg_explain(s->ch, p, sp, buf, cap, e);
    struct store_agg a;
    memset(&a, 0, sizeof a);
    int r = agg_rollups(s, p, sp, &a, e);   /* cheap when it answers; tells why when not */
    if (r > 0)
        snprintf(buf, cap, "sqlite: %s (%s)\n", a.how, s->path);
    else if (r == 0)
        snprintf(buf, cap, "sqlite: one scan of the matching records, aggregated in C (%s); %s\n",
                 s->path, a.how);
    store_agg_fini(&a);
    return r < 0 ? -1 : 0;
}

void store_agg_fini(struct store_agg *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->ngroups; i++) {
        free(a->groups[i].key);
        free(a->groups[i].bcount);
        free(a->groups[i].berrors);
    }
    for (size_t i = 0; i < a->nmsgs; i++)
        free(a->msgs[i].msg);
    for (size_t i = 0; i < a->nmetrics; i++) {
        free(a->metrics[i].name);
        free(a->metrics[i].bsum);
        free(a->metrics[i].bn);
    }
    free(a->groups);
    free(a->cells);
    free(a->msgs);
    free(a->metrics);
    memset(a, 0, sizeof *a);
}
