/* stats: one-pass aggregation of the records a plan matches (stats.h).
 * store_scan() hands each row to on_row(), which updates per-minute
 * buckets, groups, templates and metrics kept in small hash maps; finish()
 * then sorts values for nearest-rank percentiles and picks the histogram's
 * bucket width. Message templating lives in tmpl.c. */
#include "src/report/stats.h"
#include "db/exec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MINUTE_US 60000000LL

/* --- an open-addressing map from a 64-bit hash (+ key check) to an index */

struct map {
    uint64_t *h;
    int32_t *ix;          /* -1: empty */
    size_t cap, n;
};

/* keyeq(ctx, idx) says whether entry idx holds the key looked up. */
typedef int (*map_eq_fn)(const void *ctx, int32_t idx);

static int map_grow(struct map *m)
{
    size_t nc = m->cap ? m->cap * 2 : 64;
    uint64_t *nh = malloc(nc * sizeof *nh);
    int32_t *nx = malloc(nc * sizeof *nx);
    if (!nh || !nx) {
        free(nh);
        free(nx);
        return -1;
    }
    memset(nx, 0xff, nc * sizeof *nx);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->ix[i] < 0)
            continue;
        size_t j = m->h[i] & (nc - 1);
        while (nx[j] >= 0)
            j = (j + 1) & (nc - 1);
        nh[j] = m->h[i];
        nx[j] = m->ix[i];
    }
    free(m->h);
    free(m->ix);
    m->h = nh;
    m->ix = nx;
    m->cap = nc;
    return 0;
}

/* Returns the index for (h, key), or -1 with *slot set for map_put. */
static int32_t map_get(struct map *m, uint64_t h, map_eq_fn eq, const void *ctx, size_t *slot)
{
    if ((m->n + 1) * 2 > m->cap && map_grow(m) < 0) {
        *slot = (size_t)-1;
        return -1;
    }
    size_t j = h & (m->cap - 1);
    for (; m->ix[j] >= 0; j = (j + 1) & (m->cap - 1))
        if (m->h[j] == h && (!eq || eq(ctx, m->ix[j])))
            return m->ix[j];
    *slot = j;
    return -1;
}

static void map_put(struct map *m, size_t slot, uint64_t h, int32_t idx)
{
    m->h[slot] = h;
    m->ix[slot] = idx;
    m->n++;
}

static void map_free(struct map *m)
{
    free(m->h);
    free(m->ix);
}

static uint64_t hash_str(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* --- accumulators --------------------------------------------------------- */

struct dvec {
    double *v;
    size_t n, cap;
};

struct gacc {
    char *key;
    int64_t count, errors;
    struct dvec vals;
};

struct minute {
    int64_t minute;
    int64_t by_level[LVL_COUNT];
};

struct acc {
    struct stats *out;
    const struct stats_opts *o;
    struct dvec vals;
    struct gacc *groups;
    size_t ngroups;
    struct minute *mins;
    size_t nmins;
    struct map gmap, tmap, mmap, minmap;
    const char *key;      /* the key being looked up, for the eq callbacks */
    size_t klen;
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

/* Grows *arr (of elem bytes) so that it holds n + 1 entries: capacity is
 * 16, then doubles at each power of two; new entries are zeroed. */
static void *grow(void *arr, size_t n, size_t elem)
{
    size_t cap;
    if (n == 0)
        cap = 16;
    else if (n >= 16 && (n & (n - 1)) == 0)
        cap = n * 2;
    else
        return arr;
    char *na = realloc(arr, cap * elem);
    if (na)
        memset(na + n * elem, 0, (cap - n) * elem);
    return na;
}

static int eq_group(const void *ctx, int32_t idx)
{
    const struct acc *a = ctx;
    const char *k = a->groups[idx].key;
    return strlen(k) == a->klen && memcmp(k, a->key, a->klen) == 0;
}

static int eq_tmpl(const void *ctx, int32_t idx)
{
    const struct acc *a = ctx;
    return strcmp(a->out->templates[idx].template, a->key) == 0;
}

static int eq_metric(const void *ctx, int32_t idx)
{
    const struct acc *a = ctx;
    return strcmp(a->out->metrics[idx].name, a->key) == 0;
}

static struct gacc *group_of(struct acc *a, const char *key, size_t klen)
{
    size_t slot;
    uint64_t h = hash_str(key, klen);
    a->key = key;
    a->klen = klen;
    int32_t i = map_get(&a->gmap, h, eq_group, a, &slot);
    if (i >= 0)
        return &a->groups[i];
    struct gacc *ng;
    if (slot == (size_t)-1 || !(ng = grow(a->groups, a->ngroups, sizeof *ng)))
        return NULL;
    a->groups = ng;
    if (!(ng[a->ngroups].key = strndup(key, klen)))
        return NULL;
    map_put(&a->gmap, slot, h, (int32_t)a->ngroups);
    return &ng[a->ngroups++];
}

static int add_template(struct acc *a, const struct store_scan_row *r)
{
    struct stats *s = a->out;
    char *t = stats_template(r->msg, r->msg_len);
    size_t slot;
    if (!t)
        return -1;
    a->key = t;
    uint64_t h = hash_str(t, strlen(t));
    int32_t i = map_get(&a->tmap, h, eq_tmpl, a, &slot);
    struct stats_template *st;
    if (i >= 0) {
        free(t);
        st = &s->templates[i];
    } else {
        struct stats_template *nt;
        if (slot == (size_t)-1 || !(nt = grow(s->templates, s->ntemplates, sizeof *nt))) {
            free(t);
            return -1;
        }
        s->templates = nt;
        st = &nt[s->ntemplates];
        st->template = t;
        st->first = st->last = r->ts;
        map_put(&a->tmap, slot, h, (int32_t)s->ntemplates++);
    }
    st->count++;
    if (r->ts < st->first)
        st->first = r->ts;
    if (r->ts > st->last)
        st->last = r->ts;
    return 0;
}

static int add_metric(struct acc *a, const struct store_scan_row *r)
{
    struct stats *s = a->out;
    size_t slot;
    a->key = r->metric;
    uint64_t h = hash_str(r->metric, strlen(r->metric));
    int32_t i = map_get(&a->mmap, h, eq_metric, a, &slot);
    struct stats_metric *m;
    if (i < 0) {
        struct stats_metric *nm;
        if (slot == (size_t)-1 || !(nm = grow(s->metrics, s->nmetrics, sizeof *nm)))
            return -1;
        s->metrics = nm;
        m = &nm[s->nmetrics];
        if (!(m->name = strdup(r->metric)))
            return -1;
        m->min = m->max = m->last = r->mvalue;
        m->last_ts = r->ts;
        map_put(&a->mmap, slot, h, (int32_t)s->nmetrics++);
    } else {
        m = &s->metrics[i];
    }
    m->count++;
    m->avg += r->mvalue;   /* the sum until finish() */
    m->min = r->mvalue < m->min ? r->mvalue : m->min;
    m->max = r->mvalue > m->max ? r->mvalue : m->max;
    if (r->ts >= m->last_ts) {
        m->last_ts = r->ts;
        m->last = r->mvalue;
    }
    return 0;
}

static int add_minute(struct acc *a, int64_t ts, int level)
{
    int64_t mi = ts >= 0 ? ts / MINUTE_US : -((-ts + MINUTE_US - 1) / MINUTE_US);
    size_t slot;
    uint64_t h = (uint64_t)mi * 0x9E3779B97F4A7C15ULL;
    int32_t i = -1;
    /* the hash is a bijection of the minute: equal hash, equal minute */
    i = map_get(&a->minmap, h, NULL, NULL, &slot);
    if (i < 0) {
        struct minute *nm;
        if (slot == (size_t)-1 || !(nm = grow(a->mins, a->nmins, sizeof *nm)))
            return -1;
        a->mins = nm;
        nm[a->nmins].minute = mi;
        i = (int32_t)a->nmins++;
        map_put(&a->minmap, slot, h, i);
    }
    a->mins[i].by_level[level]++;
    return 0;
}

static int on_row(void *ctx, const struct store_scan_row *r)
{
    struct acc *a = ctx;
    struct stats *s = a->out;
    int level = (r->level >= 0 && r->level < LVL_COUNT) ? r->level : 0;
    if (!s->count++ || r->ts < s->first_ts)
        s->first_ts = r->ts;
    if (s->count == 1 || r->ts > s->last_ts)
        s->last_ts = r->ts;
    s->by_level[level]++;
    s->errors += level >= LVL_ERROR;
    if (r->has_status) {
        s->with_status++;
        s->status_class[(r->status >= 100 && r->status < 600) ? r->status / 100 : 0]++;
    }
    if ((r->has_value && dvec_push(&a->vals, r->value) < 0) || add_minute(a, r->ts, level) < 0)
        return a->oom = 1;
    if (a->o->by_field >= 0) {
        char lv[16];
        const char *k = r->group ? r->group : "-";
        size_t kl = r->group ? r->group_len : 1;
        if (r->group && a->o->by_field == PF_LEVEL) {
            k = level_name(atoi(r->group));
            kl = strlen(strcpy(lv, k));
        }
        struct gacc *g = group_of(a, k, kl);
        if (!g || (r->has_value && dvec_push(&g->vals, r->value) < 0))
            return a->oom = 1;
        g->count++;
        g->errors += level >= LVL_ERROR;
    }
    if ((r->msg && add_template(a, r) < 0) ||
        (r->metric && r->has_mvalue && add_metric(a, r) < 0))
        return a->oom = 1;
    return 0;
}

/* --- finishing ------------------------------------------------------------ */

static int cmp_dbl(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

double stats_percentile(const double *sorted, size_t n, double pct)
{
    if (!n)
        return 0;
    double r = ceil(pct * (double)n / 100.0 - 1e-9);
    size_t rank = r < 1 ? 1 : (size_t)r;
    return sorted[(rank > n ? n : rank) - 1];
}

static void latency_of(struct dvec *d, struct stats_latency *l)
{
    memset(l, 0, sizeof *l);
    if (!d->n)
        return;
    qsort(d->v, d->n, sizeof *d->v, cmp_dbl);
    double sum = 0;
    for (size_t i = 0; i < d->n; i++)
        sum += d->v[i];
    l->n = (int64_t)d->n;
    l->p50 = stats_percentile(d->v, d->n, 50);
    l->p95 = stats_percentile(d->v, d->n, 95);
    l->p99 = stats_percentile(d->v, d->n, 99);
    l->min = d->v[0];
    l->max = d->v[d->n - 1];
    l->avg = sum / (double)d->n;
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

static int finish_groups(struct acc *a, size_t top)
{
    struct stats *s = a->out;
    if (!a->ngroups)
        return 0;
    if (!(s->groups = calloc(a->ngroups, sizeof *s->groups)))
        return -1;
    for (size_t i = 0; i < a->ngroups; i++) {
        struct gacc *g = &a->groups[i];
        struct stats_group *o = &s->groups[i];
        o->key = g->key;
        g->key = NULL;
        o->count = g->count;
        o->errors = g->errors;
        o->error_rate = g->count ? (double)g->errors / (double)g->count : 0;
        latency_of(&g->vals, &o->lat);
    }
    s->ngroups = s->ngroups_total = a->ngroups;
    qsort(s->groups, s->ngroups, sizeof *s->groups, cmp_group);
    for (; s->ngroups > top; s->ngroups--)
        free(s->groups[s->ngroups - 1].key);
    return 0;
}

static void finish_lists(struct stats *s, size_t top)
{
    if (s->ntemplates > 1)
        qsort(s->templates, s->ntemplates, sizeof *s->templates, cmp_tmpl);
    s->ntemplates_total = s->ntemplates;
    for (; s->ntemplates > top; s->ntemplates--)
        free(s->templates[s->ntemplates - 1].template);
    for (size_t i = 0; i < s->nmetrics; i++)
        s->metrics[i].avg /= (double)s->metrics[i].count;
    if (s->nmetrics > 1)
        qsort(s->metrics, s->nmetrics, sizeof *s->metrics, cmp_metric);
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

static int finish_hist(struct acc *a, const struct plan *p)
{
    struct stats *s = a->out;
    const struct stats_opts *o = a->o;
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
    for (size_t i = 0; i < a->nmins; i++) {
        int64_t b = floor_div(a->mins[i].minute * MINUTE_US, w) - b0;
        if (b < 0 || b >= (int64_t)s->nhist)
            continue;
        for (int l = 0; l < LVL_COUNT; l++) {
            s->hist[b].by_level[l] += a->mins[i].by_level[l];
            s->hist[b].count += a->mins[i].by_level[l];
        }
    }
    return 0;
}

static void acc_free(struct acc *a)
{
    for (size_t i = 0; i < a->ngroups; i++) {
        free(a->groups[i].key);
        free(a->groups[i].vals.v);
    }
    free(a->groups);
    free(a->vals.v);
    free(a->mins);
    map_free(&a->gmap);
    map_free(&a->tmap);
    map_free(&a->mmap);
    map_free(&a->minmap);
}

void stats_opts_init(struct stats_opts *o)
{
    memset(o, 0, sizeof *o);
    o->by_field = -1;
    o->value_field = PF_DURATION;
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
    struct acc a = {.out = out, .o = o};
    struct store_scan_spec spec = {
        .value_field = o->value_field, .value_path = o->value_path,
        .group_field = o->by_field, .group_path = o->by_path, .group_source = 1,
        .msg_min_level = LVL_ERROR, .since = o->since, .until = o->until,
    };
    int rc = -1;
    if (store_scan(st, p, &spec, on_row, &a, e) < 0)
        goto out;
    if (a.oom) {
        err_set(e, "out of memory computing stats");
        goto out;
    }
    out->error_rate = out->count ? (double)out->errors / (double)out->count : 0;
    latency_of(&a.vals, &out->latency);
    out->unit = o->value_field == PF_DURATION ? "ms" : NULL;
    if (finish_groups(&a, o->top > 0 ? (size_t)o->top : 50) < 0 || finish_hist(&a, p) < 0) {
        err_set(e, "out of memory computing stats");
        goto out;
    }
    finish_lists(out, o->top > 0 ? (size_t)o->top : 10);
    rc = 0;
out:
    acc_free(&a);
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
