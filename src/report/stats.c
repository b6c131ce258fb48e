/* stats: the aggregates of the records a plan matches (stats.h), asked of
 * the store in one store_aggregate() (db/agg.h: one scan on SQLite, one
 * GROUP BY statement on ClickHouse), then shaped here: level names for
 * --by level, groups sorted and cut to the top, per-minute cells merged
 * into the histogram's buckets, error messages merged by template
 * (tmpl.c), metric averages. Nothing here knows which backend answered. */
#include "src/report/stats.h"
#include "db/agg.h"
#include "src/base/hmap.h"
#include "src/base/tmpl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MINUTE_US 60000000LL

char *stats_template(const char *msg, size_t len)
{
    return tmpl_of(msg, len);
}

double stats_percentile(const double *sorted, size_t n, double pct)
{
    return store_agg_percentile(sorted, n, pct);
}

static void latency_of(const struct store_agg_val *v, struct stats_latency *l)
{
    memset(l, 0, sizeof *l);
    if (v->n <= 0)
        return;
    l->n = v->n;
    l->p50 = v->p50;
    l->p95 = v->p95;
    l->p99 = v->p99;
    l->min = v->min;
    l->max = v->max;
    l->avg = v->sum / (double)v->n;
}

static int cmp_group(const void *x, const void *y)
{
    const struct stats_group *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

static int cmp_tmpl(const void *x, const void *y)
{
    const struct stats_template *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->template, b->template);
}

static int cmp_metric(const void *x, const void *y)
{
    return strcmp(((const struct stats_metric *)x)->name, ((const struct stats_metric *)y)->name);
}

static int finish_groups(struct store_agg *a, const struct stats_opts *o, struct stats *s,
                         size_t top)
{
    if (!a->ngroups)
        return 0;
    if (!(s->groups = calloc(a->ngroups, sizeof *s->groups)))
        return -1;
    for (size_t i = 0; i < a->ngroups; i++) {
        struct store_agg_group *g = &a->groups[i];
        struct stats_group *og = &s->groups[i];
        if (o->by_field == PF_LEVEL && strcmp(g->key, "-") != 0) {
            int l = atoi(g->key);
            og->key = strdup(level_name(l >= 0 && l < LVL_COUNT ? l : 0));
            if (!og->key)
                return -1;
        } else {
            og->key = g->key;
            g->key = NULL;
        }
        s->ngroups = i + 1;
        og->count = g->count;
        og->errors = g->errors;
        og->error_rate = g->count ? (double)g->errors / (double)g->count : 0;
        latency_of(&g->v, &og->lat);
    }
    s->ngroups_total = a->ngroups;
    qsort(s->groups, s->ngroups, sizeof *s->groups, cmp_group);
    for (; s->ngroups > top; s->ngroups--)
        free(s->groups[s->ngroups - 1].key);
    return 0;
}

/* Error messages merged by template. */
static int finish_templates(const struct store_agg *a, struct stats *s, size_t top)
{
    struct hmap m;
    int rc = 0;
    hmap_init(&m);
    if (a->nmsgs && !(s->templates = calloc(a->nmsgs, sizeof *s->templates)))
        rc = -1;
    for (size_t i = 0; rc == 0 && i < a->nmsgs; i++) {
        const struct store_agg_msg *g = &a->msgs[i];
        char *t = a->templated ? strdup(g->msg) : stats_template(g->msg, g->len);
        if (!t) {
            rc = -1;
            break;
        }
        uint64_t h = hmap_key_str(t);
        uintptr_t v = (uintptr_t)hmap_get(&m, h);
        struct stats_template *st = NULL;
        if (v && strcmp(s->templates[v - 1].template, t) == 0)
            st = &s->templates[v - 1];
        for (size_t j = 0; v && !st && j < s->ntemplates; j++)   /* a hash collision */
            if (strcmp(s->templates[j].template, t) == 0)
                st = &s->templates[j];
        if (st) {
            free(t);
            st->count += g->count;
            st->first = g->first < st->first ? g->first : st->first;
            st->last = g->last > st->last ? g->last : st->last;
            continue;
        }
        st = &s->templates[s->ntemplates++];
        *st = (struct stats_template){.template = t, .count = g->count, .first = g->first,
                                      .last = g->last};
        if (!v && hmap_put(&m, h, (void *)(uintptr_t)s->ntemplates) < 0)
            rc = -1;
    }
    hmap_fini(&m);
    if (s->ntemplates > 1)
        qsort(s->templates, s->ntemplates, sizeof *s->templates, cmp_tmpl);
    s->ntemplates_total = s->ntemplates;
    for (; s->ntemplates > top; s->ntemplates--)
        free(s->templates[s->ntemplates - 1].template);
    return rc;
}

static int finish_metrics(const struct store_agg *a, struct stats *s)
{
    if (a->nmetrics && !(s->metrics = calloc(a->nmetrics, sizeof *s->metrics)))
        return -1;
    for (size_t i = 0; i < a->nmetrics; i++) {
        const struct store_agg_metric *x = &a->metrics[i];
        struct stats_metric *m = &s->metrics[i];
        if (!(m->name = strdup(x->name)))
            return -1;
        s->nmetrics = i + 1;
        m->count = x->count;
        m->avg = x->count ? x->sum / (double)x->count : 0;
        m->min = x->min;
        m->max = x->max;
        m->last = x->last;
        m->last_ts = x->last_ts;
    }
    if (s->nmetrics > 1)
        qsort(s->metrics, s->nmetrics, sizeof *s->metrics, cmp_metric);
    return 0;
}

/* Bucket width: opts, else the first of these (minutes) that gives at most
 * max_buckets buckets over [lo, hi]. */
static int64_t bucket_width(const struct stats_opts *o, int64_t lo, int64_t hi)
{
    static const int64_t mins[] = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440,
                                   2880, 10080, 20160, 43200, 129600, 525600};
    if (o->bucket_us > 0)
        return ((o->bucket_us + MINUTE_US - 1) / MINUTE_US) * MINUTE_US;
    int64_t maxb = o->max_buckets > 0 ? o->max_buckets : 120, span = hi - lo;
    size_t i = 0;
    while (i + 1 < sizeof mins / sizeof mins[0] && span / (mins[i] * MINUTE_US) + 1 > maxb)
        i++;
    return mins[i] * MINUTE_US;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int finish_hist(const struct store_agg *a, const struct stats_opts *o,
                       const struct plan *p, struct stats *s)
{
    if (!s->count)
        return 0;
    int64_t lo = s->first_ts, hi = s->last_ts;
    int64_t since = o->since ? o->since : p->since, until = o->until ? o->until : p->until;
    if (since != INT64_MIN && since < lo)
        lo = since;
    if (until != INT64_MAX && until > hi && until - lo < 400LL * 86400 * 1000000)
        hi = until;
    int64_t w = bucket_width(o, lo, hi), b0 = floor_div(lo, w), b1 = floor_div(hi, w);
    s->bucket_us = w;
    s->nhist = (size_t)(b1 - b0 + 1);
    if (!(s->hist = calloc(s->nhist, sizeof *s->hist)))
        return -1;
    for (size_t i = 0; i < s->nhist; i++)
        s->hist[i].start = (b0 + (int64_t)i) * w;
    for (size_t i = 0; i < a->ncells; i++) {
        int64_t b = floor_div(a->cells[i].bucket * MINUTE_US, w) - b0;
        if (b < 0 || b >= (int64_t)s->nhist)
            continue;
        for (int l = 0; l < LVL_COUNT; l++) {
            s->hist[b].by_level[l] += a->cells[i].by_level[l];
            s->hist[b].count += a->cells[i].by_level[l];
        }
    }
    return 0;
}

void stats_opts_init(struct stats_opts *o)
{
    memset(o, 0, sizeof *o);
    o->by_field = -1;
    o->value_field = PF_DURATION;
}

static void put_totals(const struct store_agg *a, struct stats *out)
{
    out->count = a->count;
    memcpy(out->by_level, a->by_level, sizeof out->by_level);
    out->errors = a->errors;
    out->first_ts = a->first_ts;
    out->last_ts = a->last_ts;
    out->with_status = a->with_status;
    memcpy(out->status_class, a->status_class, sizeof out->status_class);
    out->error_rate = out->count ? (double)out->errors / (double)out->count : 0;
    latency_of(&a->v, &out->latency);
    out->approx = a->approx;
    memcpy(out->how, a->how, sizeof out->how);
}

void stats_agg_spec(const struct stats_opts *o, struct store_agg_spec *sp)
{
    *sp = (struct store_agg_spec){
        .value_field = o->value_field, .value_path = o->value_path,
        .group_field = o->by_field, .group_path = o->by_path, .group_source = 1,
        .since = o->since, .until = o->until, .quantiles = 1, .bucket_us = MINUTE_US,
        .msg_min_level = LVL_ERROR, .metrics = 1, .from = o->from,   /* STATS_* = AGG_* */
    };
    if (o->groups_only) {
        sp->bucket_us = 0;
        sp->msg_min_level = LVL_COUNT;
        sp->metrics = 0;
    }
}

int stats_compute(struct store *st, const struct plan *p, const struct stats_opts *o,
                  struct stats *out, struct err *e)
{
    struct stats_opts def;
    if (!o) {
        stats_opts_init(&def);
        o = &def;
    }
    memset(out, 0, sizeof *out);
    struct store_agg_spec sp;
    struct store_agg a;
    stats_agg_spec(o, &sp);
    if (store_aggregate(st, p, &sp, &a, e) < 0) {
        store_agg_fini(&a);
        return -1;
    }
    put_totals(&a, out);
    out->unit = o->value_field == PF_DURATION ? "ms" : NULL;
    int rc = 0;
    if (finish_groups(&a, o, out, o->top > 0 ? (size_t)o->top : 50) < 0 ||
        (!o->groups_only && finish_hist(&a, o, p, out) < 0) ||
        finish_templates(&a, out, o->top > 0 ? (size_t)o->top : 10) < 0 ||
        finish_metrics(&a, out) < 0)
        rc = err_set(e, "out of memory computing stats");
    store_agg_fini(&a);
    return rc;
}

void stats_fini(struct stats *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ngroups; i++)
        free(s->groups[i].key);
    for (size_t i = 0; i < s->ntemplates; i++)
        free(s->templates[i].template);
    for (size_t i = 0; i < s->nmetrics; i++)
        free(s->metrics[i].name);
    free(s->groups);
    free(s->templates);
    free(s->metrics);
    free(s->hist);
    memset(s, 0, sizeof *s);
}
