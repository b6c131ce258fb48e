/* mseries: per-bucket series and tiers in one scan (see mseries.h). Groups
 * and metric names are found through an hmap keyed by a 64-bit hash of the
 * name; a hash collision falls back to a linear search. */
#include "src/report/mseries.h"

#include <stdlib.h>
#include <string.h>

#include "db/exec.h"
#include "src/base/hmap.h"

#define CANCEL_EVERY 4096

struct acc {
    struct mseries *m;
    const struct mseries_opts *o;
    struct hmap gmap, mmap;   /* hash -> index + 1 */
    int oom;
};

static uint64_t hash_n(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int key_is(const char *k, const char *s, size_t n)
{
    return strlen(k) == n && memcmp(k, s, n) == 0;
}

static long find_group(struct acc *a, const char *s, size_t n, uint64_t h)
{
    uintptr_t v = (uintptr_t)hmap_get(&a->gmap, h);
    if (v && key_is(a->m->groups[v - 1].key, s, n))
        return (long)v - 1;
    if (!v)
        return -1;
    for (size_t i = 0; i < a->m->ngroups; i++)   /* a hash collision */
        if (key_is(a->m->groups[i].key, s, n))
            return (long)i;
    return -1;
}

static struct ms_group *group_of(struct acc *a, const char *s, size_t n)
{
    struct mseries *m = a->m;
    uint64_t h = hash_n(s, n);
    long i = find_group(a, s, n, h);
    if (i >= 0)
        return &m->groups[i];
    struct ms_group *ng = realloc(m->groups, (m->ngroups + 1) * sizeof *ng);
    if (!ng)
        return NULL;
    m->groups = ng;
    struct ms_group *g = &ng[m->ngroups];
    memset(g, 0, sizeof *g);
    g->key = strndup(s, n);
    g->count = calloc((size_t)m->nb, sizeof *g->count);
    g->errors = calloc((size_t)m->nb, sizeof *g->errors);
    if (!g->key || !g->count || !g->errors) {
        free(g->key);
        free(g->count);
        free(g->errors);
        return NULL;
    }
    if (!hmap_get(&a->gmap, h) && hmap_put(&a->gmap, h, (void *)(uintptr_t)(m->ngroups + 1)) < 0)
        return NULL;
    return &m->groups[m->ngroups++];
}

static struct ms_metric *metric_of(struct acc *a, const char *name)
{
    struct mseries *m = a->m;
    size_t n = strlen(name);
    uint64_t h = hash_n(name, n);
    uintptr_t v = (uintptr_t)hmap_get(&a->mmap, h);
    if (v && strcmp(m->metrics[v - 1].name, name) == 0)
        return &m->metrics[v - 1];
    for (size_t i = 0; v && i < m->nmetrics; i++)
        if (strcmp(m->metrics[i].name, name) == 0)
            return &m->metrics[i];
    struct ms_metric *nm = realloc(m->metrics, (m->nmetrics + 1) * sizeof *nm);
    if (!nm)
        return NULL;
    m->metrics = nm;
    struct ms_metric *x = &nm[m->nmetrics];
    x->name = strdup(name);
    x->sum = calloc((size_t)m->nb, sizeof *x->sum);
    x->n = calloc((size_t)m->nb, sizeof *x->n);
    if (!x->name || !x->sum || !x->n) {
        free(x->name);
        free(x->sum);
        free(x->n);
        return NULL;
    }
    if (!v && hmap_put(&a->mmap, h, (void *)(uintptr_t)(m->nmetrics + 1)) < 0)
        return NULL;
    return &m->metrics[m->nmetrics++];
}

/* Bucket of ts in the series, or -1 outside it. */
static int bucket_of(const struct mseries *m, int64_t ts)
{
    if (ts < m->series_since)
        return -1;
    int64_t b = (ts - m->series_since) / m->bucket_us;
    return b < m->nb ? (int)b : -1;
}

static int on_row(void *ctx, const struct store_scan_row *r)
{
    struct acc *a = ctx;
    struct mseries *m = a->m;
    const struct mseries_opts *o = a->o;
    if (++m->rows % CANCEL_EVERY == 0 && o->cancelled && o->cancelled(o->cancel_ctx))
        return m->cancelled = 1;
    if (r->has_value)
        tiers_add(&m->tiers, r->value);
    int b = bucket_of(m, r->ts);
    if (o->group_field >= 0) {
        struct ms_group *g = group_of(a, r->group ? r->group : "-", r->group ? r->group_len : 1);
        if (!g)
            return a->oom = 1;
        g->total++;
        if (b >= 0) {
            g->count[b]++;
            g->errors[b] += r->level >= LVL_ERROR;
        }
    }
    if (o->metrics && b >= 0 && r->metric && r->has_mvalue) {
        struct ms_metric *x = metric_of(a, r->metric);
        if (!x)
            return a->oom = 1;
        x->sum[b] += r->mvalue;
        x->n[b]++;
    }
    return 0;
}

int mseries_compute(struct store *s, const struct plan *p, const struct mseries_opts *o,
                    struct mseries *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (o->bucket_us <= 0 || o->nb < 1 || o->nb > 1024)
        return err_set(e, "bad series: %d buckets of %lld us", o->nb, (long long)o->bucket_us);
    out->series_since = o->series_since;
    out->bucket_us = o->bucket_us;
    out->nb = o->nb;
    struct acc a = {.m = out, .o = o};
    hmap_init(&a.gmap);
    hmap_init(&a.mmap);
    struct store_scan_spec spec = {
        .value_field = o->value_field, .value_path = o->value_path,
        .group_field = o->group_field, .group_path = o->group_path, .group_source = 1,
        .msg_min_level = LVL_COUNT, .since = o->since, .until = o->until,
    };
    int rc = store_scan(s, p, &spec, on_row, &a, e) < 0 ? -1 : 0;
    if (rc == 0 && a.oom)
        rc = err_set(e, "out of memory computing series");
    hmap_fini(&a.gmap);
    hmap_fini(&a.mmap);
    return rc;
}

void mseries_fini(struct mseries *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ngroups; i++) {
        free(m->groups[i].key);
        free(m->groups[i].count);
        free(m->groups[i].errors);
    }
    for (size_t i = 0; i < m->nmetrics; i++) {
        free(m->metrics[i].name);
        free(m->metrics[i].sum);
        free(m->metrics[i].n);
    }
    free(m->groups);
    free(m->metrics);
    memset(m, 0, sizeof *m);
}

const struct ms_group *mseries_group(const struct mseries *m, const char *key)
{
    for (size_t i = 0; i < m->ngroups; i++)
        if (strcmp(m->groups[i].key, key) == 0)
            return &m->groups[i];
    return NULL;
}

const struct ms_metric *mseries_metric(const struct mseries *m, const char *name)
{
    for (size_t i = 0; i < m->nmetrics; i++)
        if (strcmp(m->metrics[i].name, name) == 0)
            return &m->metrics[i];
    return NULL;
}
