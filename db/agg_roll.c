/* agg_roll: store_aggregate() answered from the per-minute rollups
 * (db/rollup.h) instead of a scan of every record (db/agg.h, AGG_AUTO):
 * the cells of the query's whole minutes are read and filtered by the
 * query (store_rollup_keeps); the minutes its time range cuts at either end
 * are scanned; the error messages come from a scan of the matching records
 * at or above msg_min_level (the partial index rec_warn). Durations merge
 * as log histograms (src/base/lhist.h): p50/p95/p99 within 1%, every other
 * figure exact. The metrics view's series (nb buckets of whole minutes per
 * group and per metric) add whole cells to their bucket. Its tiers stay
 * exact: a cell's histogram bucket lies below or above a cut but for the
 * cut's own, whose durations below the cut are counted from the index
 * rec_dur (cell_tiers). Below db/agg.c, which calls it; calls nothing of
 * it. */
#include "db/agg.h"
#include "db/exec.h"
#include "db/rollup.h"
#include "db/store_int.h"
#include "src/base/hmap.h"
#include "src/base/lhist.h"
#include "src/base/tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hacc {
    struct lhist h;
    int64_t n;
    double sum, min, max;
};

struct racc {
    struct store_agg *a;
    const struct store_agg_spec *sp;
    const struct pnode *root;
    struct hacc v, *gv;          /* total, per group (parallel to a->groups) */
    int64_t *mlast_id;           /* per metric: id of its last value (-1: a row) */
    struct lhist th;             /* spec.tiers: the durations of the cells read */
    int64_t tdn;                 /* and how many */
    int tier_blind;              /* a cell of several durations without a histogram */
    struct hmap gmap, cmap, xmap, mmap;
    int msgs;                    /* MSG_NONE, MSG_CELLS (templates), MSG_SCAN */
    int oom;
};

enum { MSG_NONE, MSG_CELLS, MSG_SCAN };

static uint64_t hash_n(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* Room for one more entry in *arr (n of elem bytes), zeroed; capacity the
 * next power of two. */
static int grow(void **arr, size_t n, size_t elem)
{
    if (n && (n & (n - 1)))
        return 0;
    size_t cap = n ? n * 2 : 1;
    char *na = realloc(*arr, cap * elem);
    if (!na)
        return -1;
    memset(na + n * elem, 0, (cap - n) * elem);
    *arr = na;
    return 0;
}

/* Index of key (s, n) among count entries named by name(i), through map;
 * -1 if absent. */
static long find(struct hmap *map, uint64_t h, const char *s, size_t n, size_t count,
                 const char *(*name)(const struct racc *, size_t, size_t *), const struct racc *x)
{
    uintptr_t v = (uintptr_t)hmap_get(map, h);
    size_t kl;
    if (!v)
        return -1;
    const char *k = name(x, v - 1, &kl);
    if (kl == n && memcmp(k, s, n) == 0)
        return (long)v - 1;
    for (size_t i = 0; i < count; i++) {   /* a hash collision */
        k = name(x, i, &kl);
        if (kl == n && memcmp(k, s, n) == 0)
            return (long)i;
    }
    return -1;
}

static const char *group_name(const struct racc *x, size_t i, size_t *n)
{
    *n = strlen(x->a->groups[i].key);
    return x->a->groups[i].key;
}

static const char *metric_name(const struct racc *x, size_t i, size_t *n)
{
    *n = strlen(x->a->metrics[i].name);
    return x->a->metrics[i].name;
}

static const char *msg_name(const struct racc *x, size_t i, size_t *n)
{
    *n = x->a->msgs[i].len;
    return x->a->msgs[i].msg;
}

static long group_of(struct racc *x, const char *s, size_t n)
{
    struct store_agg *a = x->a;
    uint64_t h = hash_n(s, n);
    long i = find(&x->gmap, h, s, n, a->ngroups, group_name, x);
    if (i >= 0)
        return i;
    size_t nb = (size_t)x->sp->nb;
    struct store_agg_group *g;
    if (grow((void **)&a->groups, a->ngroups, sizeof *a->groups) < 0 ||
        grow((void **)&x->gv, a->ngroups, sizeof *x->gv) < 0 ||
        !((g = &a->groups[a->ngroups])->key = strndup(s, n)) ||
        (nb && (!(g->bcount = calloc(nb, sizeof *g->bcount)) ||
                !(g->berrors = calloc(nb, sizeof *g->berrors)))))
        return -1;
    if (!hmap_get(&x->gmap, h) && hmap_put(&x->gmap, h, (void *)(uintptr_t)(a->ngroups + 1)) < 0)
        return -1;
    return (long)a->ngroups++;
}

static int hacc_add(struct hacc *h, const struct store_cell *c)
{
    if (!c->dn)
        return 0;
    h->min = !h->n || c->dmin < h->min ? c->dmin : h->min;
    h->max = !h->n || c->dmax > h->max ? c->dmax : h->max;
    h->sum += c->dsum;
    h->n += c->dn;
    return c->dhist_len ? lhist_merge_blob(&h->h, c->dhist, c->dhist_len)
                        : lhist_add(&h->h, c->dmin, c->dn);
}

/* The series bucket (spec.nb > 0) of a minute, or -1: buckets are whole
 * minutes from a whole minute (spec_fits), so a minute's records share
 * one, as the scan finds it from their times. */
static int series_bucket(const struct store_agg_spec *sp, int64_t minute)
{
    int64_t t = minute * ROLLUP_MINUTE_US;
    if (sp->nb <= 0 || t < sp->origin || (t - sp->origin) / sp->bucket_us >= sp->nb)
        return -1;
    return (int)((t - sp->origin) / sp->bucket_us);
}

static int add_minute(struct racc *x, int64_t minute, int level, int64_t n)
{
    struct store_agg *a = x->a;
    const struct store_agg_spec *sp = x->sp;
    if (sp->bucket_us <= 0 || sp->nb > 0)
        return 0;
    int64_t b = minute - sp->origin / ROLLUP_MINUTE_US;   /* one-minute buckets from origin */
    uintptr_t v = (uintptr_t)hmap_get(&x->cmap, (uint64_t)b);
    if (!v) {
        if (grow((void **)&a->cells, a->ncells, sizeof *a->cells) < 0)
            return -1;
        a->cells[a->ncells].bucket = b;
        v = ++a->ncells;
        if (hmap_put(&x->cmap, (uint64_t)b, (void *)v) < 0)
            return -1;
    }
    a->cells[v - 1].by_level[level] += n;
    return 0;
}

static int add_metric(struct racc *x, const struct store_cell *c, int b)
{
    struct store_agg *a = x->a;
    size_t n = strlen(c->metric);
    uint64_t h = hash_n(c->metric, n);
    long i = find(&x->xmap, h, c->metric, n, a->nmetrics, metric_name, x);
    if (i < 0) {
        if (grow((void **)&a->metrics, a->nmetrics, sizeof *a->metrics) < 0 ||
            grow((void **)&x->mlast_id, a->nmetrics, sizeof *x->mlast_id) < 0 ||
            !(a->metrics[a->nmetrics].name = strdup(c->metric)))
            return -1;
        struct store_agg_metric *m = &a->metrics[a->nmetrics];
        size_t nb = (size_t)x->sp->nb;
        if (nb && (!(m->bsum = calloc(nb, sizeof *m->bsum)) ||
                   !(m->bn = calloc(nb, sizeof *m->bn))))
            return -1;
        m->min = c->mmin;
        m->max = c->mmax;
        m->last = c->mlast;
        m->last_ts = c->mlast_ts;
        x->mlast_id[a->nmetrics] = c->mlast_id;
        if (!hmap_get(&x->xmap, h) && hmap_put(&x->xmap, h, (void *)(uintptr_t)(a->nmetrics + 1)) < 0)
            return -1;
        i = (long)a->nmetrics++;
    }
    struct store_agg_metric *m = &a->metrics[i];
    m->count += c->mn;
    m->sum += c->msum;
    if (b >= 0) {
        m->bsum[b] += c->msum;
        m->bn[b] += c->mn;
    }
    m->min = c->mmin < m->min ? c->mmin : m->min;
    m->max = c->mmax > m->max ? c->mmax : m->max;
    /* the last value: latest time, then the highest id; rows (id -1) in
     * scan order, as db/agg.c takes them */
    if (c->mlast_ts > m->last_ts || (c->mlast_ts == m->last_ts && c->mlast_id >= x->mlast_id[i])) {
        m->last = c->mlast;
        m->last_ts = c->mlast_ts;
        x->mlast_id[i] = c->mlast_id;
    }
    return 0;
}

/* Adds a cell (or a scanned row made a cell of one) of group key (NULL: "-"). */
static int add_cell(struct racc *x, const struct store_cell *c, const char *key, size_t klen)
{
    struct store_agg *a = x->a;
    int level = (c->level >= 0 && c->level < LVL_COUNT) ? c->level : 0;
    if (!c->n)
        return 0;
    if (!a->count || c->first_ts < a->first_ts)
        a->first_ts = c->first_ts;
    if (!a->count || c->last_ts > a->last_ts)
        a->last_ts = c->last_ts;
    a->count += c->n;
    a->by_level[level] += c->n;
    a->errors += level >= LVL_ERROR ? c->n : 0;
    for (int i = 0; i < 6; i++) {
        a->status_class[i] += c->status[i];
        a->with_status += c->status[i];
    }
    if ((x->sp->quantiles && hacc_add(&x->v, c) < 0) || add_minute(x, c->minute, level, c->n) < 0)
        return -1;
    int b = series_bucket(x->sp, c->minute);
    if (x->sp->group_field >= 0) {
        long g = group_of(x, key ? key : "-", key ? klen : 1);
        if (g < 0 || (x->sp->quantiles && hacc_add(&x->gv[g], c) < 0))
            return -1;
        struct store_agg_group *gr = &a->groups[g];
        gr->count += c->n;
        gr->errors += level >= LVL_ERROR ? c->n : 0;
        if (b >= 0) {
            gr->bcount[b] += c->n;
            gr->berrors[b] += level >= LVL_ERROR ? c->n : 0;
        }
    }
    return x->sp->metrics && c->mn && c->metric ? add_metric(x, c, b) : 0;
}

/* Counts n messages (or templates) text between first and last. */
static int add_msg(struct racc *x, const char *text, size_t len, int64_t n, int64_t first,
                   int64_t last)
{
    struct store_agg *a = x->a;
    uint64_t h = hash_n(text, len);
    long i = find(&x->mmap, h, text, len, a->nmsgs, msg_name, x);
    if (i < 0) {
        if (grow((void **)&a->msgs, a->nmsgs, sizeof *a->msgs) < 0 ||
            !(a->msgs[a->nmsgs].msg = malloc(len + 1)))
            return -1;
        struct store_agg_msg *m = &a->msgs[a->nmsgs];
        memcpy(m->msg, text, len);
        m->msg[len] = '\0';
        m->len = len;
        m->first = first;
        m->last = last;
        if (!hmap_get(&x->mmap, h) && hmap_put(&x->mmap, h, (void *)(uintptr_t)(a->nmsgs + 1)) < 0)
            return -1;
        i = (long)a->nmsgs++;
    }
    struct store_agg_msg *m = &a->msgs[i];
    m->count += n;
    m->first = first < m->first ? first : m->first;
    m->last = last > m->last ? last : m->last;
    return 0;
}

static int on_msg(void *ctx, const struct store_scan_row *r)
{
    struct racc *x = ctx;
    return r->msg && add_msg(x, r->msg, r->msg_len, 1, r->ts, r->ts) < 0 ? (x->oom = 1) : 0;
}

/* A scanned row's message as its template (the rollups keep templates). */
static int unit_msg(struct racc *x, const struct store_scan_row *r)
{
    char *t = tmpl_of(r->msg, r->msg_len);
    int rc = t ? add_msg(x, t, strlen(t), 1, r->ts, r->ts) : -1;
    free(t);
    return rc;
}

static int is_time_cmp(const struct pnode *n)
{
    return n->kind == PK_CMP && n->field == PF_TS;
}

/* The query on a cell; its top-level time bounds are applied apart. */
static int keeps(const struct racc *x, const struct store_cell *c)
{
    const struct pnode *r = x->root;
    int keep = 1;
    if (r->kind == PK_AND) {
        for (int i = 0; i < r->nkids && keep; i++)
            keep = is_time_cmp(r->kids[i]) || store_rollup_keeps(r->kids[i], c);
    } else if (!is_time_cmp(r)) {
        keep = store_rollup_keeps(r, c);
    }
    return keep;
}

static int on_msgcell(void *ctx, const struct store_cell *c, const char *tmpl, size_t len)
{
    struct racc *x = ctx;
    if (c->level < x->sp->msg_min_level || !keeps(x, c))
        return 0;
    return add_msg(x, tmpl, len, c->n, c->first_ts, c->last_ts) < 0 ? (x->oom = 1) : 0;
}

/* Keeps the durations of cell c for the tiers (cell_tiers). */
static int tier_cell(struct racc *x, const struct store_cell *c)
{
    if (!c->dn)
        return 0;
    x->tdn += c->dn;
    if (c->dhist_len)
        return lhist_merge_blob(&x->th, c->dhist, c->dhist_len);
    if (c->dmin != c->dmax)
        x->tier_blind = 1;   /* several values, none kept: the tiers are a scan's */
    return lhist_add(&x->th, c->dmin, c->dn);
}

static int on_cell(void *ctx, const struct store_cell *c)
{
    struct racc *x = ctx;
    if (!keeps(x, c))
        return 0;
    const char *key = NULL;
    char lv[16];
    switch (x->sp->group_field) {
    case PF_SERVICE: key = c->service; break;
    case PF_METRIC: key = c->metric; break;
    case PF_LEVEL: snprintf(lv, sizeof lv, "%d", c->level), key = lv; break;   /* as r.level reads */
    case PF_JSON: key = c->path; break;
    default: break;
    }
    if (x->sp->tiers && tier_cell(x, c) < 0)
        return x->oom = 1;
    return add_cell(x, c, key, key ? strlen(key) : 0) < 0 ? (x->oom = 1) : 0;
}

/* The tier of v as db/agg.c counts it: not >= cuts[0] (NaN too) is 0. */
static int tier_of(const struct store_agg_spec *sp, double v)
{
    int t = 0;
    while (t < AGG_NCUT && v >= sp->cuts[t])
        t++;
    return t;
}

static int64_t minute_of(int64_t ts)
{
    return ts >= 0 ? ts / ROLLUP_MINUTE_US : -((-ts + ROLLUP_MINUTE_US - 1) / ROLLUP_MINUTE_US);
}

/* A scanned row of a minute the query's time range cuts, as a cell of one. */
static int on_unit(void *ctx, const struct store_scan_row *r)
{
    struct racc *x = ctx;
    struct store_cell c = {.minute = minute_of(r->ts), .level = r->level, .n = 1,
                           .first_ts = r->ts, .last_ts = r->ts, .metric = r->metric,
                           .mlast_ts = r->ts, .mlast_id = -1};
    if (r->has_status)
        c.status[(r->status >= 100 && r->status < 600) ? r->status / 100 : 0] = 1;
    if (r->has_value) {
        c.dn = 1;
        c.dsum = c.dmin = c.dmax = r->value;
        if (x->sp->tiers)
            x->a->tier[tier_of(x->sp, r->value)]++, x->a->tiered++;
    }
    if (r->metric && r->has_mvalue) {
        c.mn = 1;
        c.msum = c.mmin = c.mmax = c.mlast = r->mvalue;
    }
    if (r->msg && unit_msg(x, r) < 0)
        return x->oom = 1;
    return add_cell(x, &c, r->group, r->group_len) < 0 ? (x->oom = 1) : 0;
}

/* The query's top-level time bounds into [*lo, *hi]; 0 when the rest of
 * it does not decide on cells (or a bound is not a plain time). */
static int time_bounds(const struct pnode *r, int64_t *lo, int64_t *hi)
{
    const struct pnode *const *k = r->kind == PK_AND ? (const struct pnode *const *)r->kids : &r;
    int nk = r->kind == PK_AND ? r->nkids : 1;
    for (int i = 0; i < nk; i++) {
        const struct pnode *n = k[i];
        if (!is_time_cmp(n)) {
            if (!store_rollup_decidable(n))
                return 0;
            continue;
        }
        if (n->vtype != PV_INT)
            return 0;
        int64_t v = n->i;
        switch (n->op) {
        case POP_EQ: *lo = v > *lo ? v : *lo; *hi = v < *hi ? v : *hi; break;
        case POP_GE: *lo = v > *lo ? v : *lo; break;
        case POP_GT: *lo = v + 1 > *lo ? v + 1 : *lo; break;
        case POP_LE: *hi = v < *hi ? v : *hi; break;
        case POP_LT: *hi = v - 1 < *hi ? v - 1 : *hi; break;
        default: return 0;
        }
    }
    return 1;
}

static int64_t div_floor(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Scans the records of p in [lo, hi] (neither 0: store_scan reads 0 as
 * unbounded) with cb. */
static int scan_range(struct store *s, const struct plan *p, struct racc *x, int64_t lo,
                      int64_t hi, int msgs, struct err *e)
{
    const struct store_agg_spec *sp = x->sp;
    struct store_scan_spec scan = {
        .value_field = msgs ? -1 : sp->value_field, .value_path = sp->value_path,
        .group_field = msgs ? -1 : sp->group_field, .group_path = sp->group_path,
        .group_source = sp->group_source,
        .msg_min_level = msgs || x->msgs == MSG_CELLS ? sp->msg_min_level : LVL_COUNT,
        .since = lo == INT64_MIN ? 0 : lo, .until = hi == INT64_MAX ? 0 : hi,
    };
    struct pnode lvl = {.kind = PK_CMP, .field = PF_LEVEL, .op = POP_GE, .vtype = PV_INT,
                        .i = sp->msg_min_level};
    struct pnode *kids[2] = {p->root, &lvl};
    struct pnode both = {.kind = PK_AND, .kids = kids, .nkids = 2};
    struct plan q = *p;
    if (msgs)   /* only the rows whose message is kept: the index rec_warn */
        q.root = &both;
    return store_scan(s, &q, &scan, msgs ? on_msg : on_unit, x, e) < 0 ? -1 : 0;
}

struct cutscan {
    double cut;
    int32_t key;
    int64_t below;
    const struct store_agg_spec *sp;   /* its cancelled() is polled */
    struct store_agg *a;               /* a->cancelled set when it says so */
    int64_t rows;
};

/* Whether the caller asked to stop (polled at the first row, then every
 * AGG_CANCEL_EVERY rows). */
static int cut_cancelled(struct cutscan *k)
{
    if (k->rows++ % AGG_CANCEL_EVERY || !k->sp->cancelled || !k->sp->cancelled(k->sp->cancel_ctx))
        return 0;
    return k->a->cancelled = 1;
}

/* Counts duration v if it is below the cut in the cut's bucket; 1 to stop
 * (cancelled). */
static int cut_add(struct cutscan *k, double v)
{
    k->below += v < k->cut && lhist_key(v) == k->key;
    return cut_cancelled(k);
}

static int on_cutrow(void *ctx, const struct store_scan_row *r)
{
    struct cutscan *k = ctx;
    return r->has_value ? cut_add(k, r->value) : cut_cancelled(k);
}

/* 1 if the query keeps every record (no condition but time bounds) and
 * [lo, hi] holds every record of the store (the view's range over a store
 * that spans less): then no record need be read for its time or fields. */
static int whole_store(struct store *s, const struct pnode *r, int64_t lo, int64_t hi)
{
    int only_time = r->kind == PK_AND || r->kind == PK_TRUE || is_time_cmp(r);
    for (int i = 0; r->kind == PK_AND && i < r->nkids; i++)
        only_time = only_time && is_time_cmp(r->kids[i]);
    static const char q[] =   /* apart: two lookups of rec_ts, not one scan */
        "SELECT (SELECT min(ts) FROM records), (SELECT max(ts) FROM records)";
    sqlite3_stmt *st = NULL;
    int all = 0;
    if (only_time && sqlite3_prepare_v2(s->db, q, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        all = sqlite3_column_type(st, 0) == SQLITE_NULL ||
              (sqlite3_column_int64(st, 0) >= lo && sqlite3_column_int64(st, 1) <= hi);
    sqlite3_finalize(st);
    return all;
}

/* on_cutrow over the durations in [lo, hi) of every record, from the
 * index rec_dur alone (it covers them). */
static int cut_values(struct store *s, struct cutscan *k, double lo, double hi, struct err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = SQLITE_ERROR;
    if (sqlite3_prepare_v2(s->db, "SELECT duration FROM records INDEXED BY rec_dur"
                           " WHERE duration >= ? AND duration < ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_double(st, 1, lo);
        sqlite3_bind_double(st, 2, hi);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            if (cut_add(k, sqlite3_column_double(st, 0))) {
                rc = SQLITE_DONE;
                break;
            }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "reading rec_dur");
}

/* The exact tiers of the cells' durations (x->th), added to out->tier:
 * below a cut are every value of a bucket under the cut's (keys order like
 * values) and those of the cut's own bucket that are below it, counted
 * from the index rec_dur over the cells' time range [lo, hi]: a bucket is
 * at most 2% wide, so ~1% of the durations near each cut are read: from
 * the index alone when the query and range keep every record
 * (whole_store), else each with its record (its time, the query's
 * fields). */
static int cell_tiers(struct store *s, const struct plan *p, struct racc *x, int64_t lo,
                      int64_t hi, struct err *e)
{
    const struct store_agg_spec *sp = x->sp;
    int64_t below[AGG_NCUT];
    int whole = x->th.n && whole_store(s, p->root, lo, hi);
    for (int i = 0; i < AGG_NCUT; i++) {
        struct cutscan k = {.cut = sp->cuts[i], .key = lhist_key(sp->cuts[i]), .sp = sp,
                            .a = x->a};
        for (size_t j = 0; j < x->th.n && x->th.b[j].key < k.key; j++)
            k.below += x->th.b[j].n;
        /* the durations of the cut's bucket that are below the cut */
        struct store_scan_spec scan = {
            .value_field = PF_DURATION, .group_field = -1, .msg_min_level = LVL_COUNT,
            .since = lo == INT64_MIN ? 0 : lo, .until = hi == INT64_MAX ? 0 : hi,
            .dur_range = 1, .dur_lo = lhist_key_floor(k.key), .dur_hi = k.cut,
        };
        if (whole ? cut_values(s, &k, scan.dur_lo, scan.dur_hi, e) < 0
            : x->th.n && store_scan(s, p, &scan, on_cutrow, &k, e) < 0)
            return -1;
        if (x->a->cancelled)   /* incomplete: the caller drops it */
            return 0;
        below[i] = k.below;
    }
    for (int i = 0; i <= AGG_NCUT; i++)
        x->a->tier[i] += (i < AGG_NCUT ? below[i] : x->tdn) - (i ? below[i - 1] : 0);
    x->a->tiered += x->tdn;
    return 0;
}

#define WHY(...) (snprintf(x->a->how, sizeof x->a->how, __VA_ARGS__), 0)

/* Reads the cells of the whole minutes of [lo, hi], scans its cut minutes
 * and the messages. 1 done, 0 not (how says why), -1 on error. */
static int from_cells(struct store *s, const struct plan *p, struct racc *x, int64_t lo,
                      int64_t hi, struct err *e)
{
    const int64_t M = ROLLUP_MINUTE_US;
    int64_t mlo = lo == INT64_MIN ? INT64_MIN : div_floor(lo + M - 1, M);
    int64_t mhi = hi == INT64_MAX ? INT64_MAX : div_floor(hi + 1, M) - 1;
    if (mlo > mhi)
        return WHY("scan: the time range holds no whole minute");
    int64_t hlo = mlo == INT64_MIN ? INT64_MIN : mlo * M;
    int64_t hhi = mhi == INT64_MAX ? INT64_MAX : (mhi + 1) * M - 1;
    int head = lo != INT64_MIN && lo < hlo, tail = hi != INT64_MAX && hi > hhi;
    if ((head && (lo == 0 || hlo - 1 == 0)) || (tail && (hhi + 1 == 0 || hi == 0)))
        return WHY("scan: a time bound at the epoch");
    int64_t cells = store_rollup_scan(s, mlo, mhi, on_cell, x, e);
    x->msgs = x->sp->msg_min_level >= LVL_COUNT ? MSG_NONE
              : x->sp->msg_min_level >= ROLLUP_MSG_LEVEL ? MSG_CELLS : MSG_SCAN;
    int64_t mc = 0;
    if (cells >= 0 && x->msgs == MSG_CELLS &&
        (mc = store_rollup_msgs(s, mlo, mhi, on_msgcell, x, e)) == -2)
        x->msgs = MSG_SCAN;   /* a version 6 store: no templates kept */
    if (mc == -1)
        return -1;
    if (cells == -2)
        return WHY("scan: this store keeps no rollups (a version 4 store; `logdeck index` "
                   "adds them)");
    if (cells < 0)
        return -1;
    if (x->sp->from == AGG_AUTO && x->a->count <= AGG_SCAN_MAX)
        return WHY("scan: %lld records in the whole minutes: exact percentiles are cheap",
                   (long long)x->a->count);
    if (x->tier_blind)
        return WHY("scan: a rollup cell of several durations without their histogram");
    if ((x->sp->tiers && cell_tiers(s, p, x, hlo, hhi, e) < 0) ||
        (head && scan_range(s, p, x, lo, hlo - 1, 0, e) < 0) ||
        (tail && scan_range(s, p, x, hhi + 1, hi, 0, e) < 0) ||
        (x->msgs == MSG_SCAN && scan_range(s, p, x, lo, hi, 1, e) < 0))
        return -1;
    x->a->templated = x->msgs == MSG_CELLS;
    snprintf(x->a->how, sizeof x->a->how, "rollups: %lld per-minute cells and %lld template "
             "cells, %d cut minute(s) scanned%s%s%s; p50/p95/p99 from log histograms, within "
             "%.0f%%", (long long)cells, (long long)(mc > 0 ? mc : 0), head + tail,
             x->msgs == MSG_SCAN ? ", the messages from a scan of the records" : "",
             x->sp->nb > 0 ? ", series buckets per group and metric" : "",
             x->sp->tiers ? ", exact tiers with the durations at the cuts from rec_dur" : "",
             LHIST_REL_ERR * 100);
    return 1;
}

/* Whether spec asks for what the cells hold; 0 with how set if not. */
static int spec_fits(struct racc *x)
{
    const struct store_agg_spec *sp = x->sp;
    int by = sp->group_field;
    if (sp->from == AGG_SCAN)
        return WHY("scan: asked for");
    if (sp->quantiles && sp->value_field != PF_DURATION)
        return WHY("scan: the rollups hold duration_ms only");
    if (sp->tiers && sp->value_field != PF_DURATION)
        return WHY("scan: the rollups hold duration_ms only");
    for (int i = 0; sp->tiers && i < AGG_NCUT; i++)
        if (!(sp->cuts[i] > 0) || (i && !(sp->cuts[i] > sp->cuts[i - 1])))
            return WHY("scan: tier cuts not positive and ascending");
    if (sp->nb > 0 && (sp->bucket_us % ROLLUP_MINUTE_US || sp->origin % ROLLUP_MINUTE_US))
        return WHY("scan: series buckets other than whole minutes from a whole minute");
    if (sp->nb == 0 && sp->bucket_us > 0 &&
        (sp->bucket_us != ROLLUP_MINUTE_US || sp->origin % ROLLUP_MINUTE_US))
        return WHY("scan: buckets other than whole minutes");
    if (!(by < 0 || by == PF_SERVICE || by == PF_LEVEL || by == PF_METRIC ||
          (by == PF_JSON && sp->group_path && strcmp(sp->group_path, "path") == 0)))
        return WHY("scan: the rollups are grouped by service, path, level and metric only");
    return 1;
}

static int cmp_cell(const void *x, const void *y)
{
    int64_t a = ((const struct store_agg_cell *)x)->bucket;
    int64_t b = ((const struct store_agg_cell *)y)->bucket;
    return a < b ? -1 : a > b;
}

static void val_of(const struct hacc *h, struct store_agg_val *v)
{
    memset(v, 0, sizeof *v);
    if (!h->n)
        return;
    v->n = h->n;
    v->sum = h->sum;
    v->min = h->min;
    v->max = h->max;
    v->p50 = lhist_percentile(&h->h, 50, h->min, h->max);
    v->p95 = lhist_percentile(&h->h, 95, h->min, h->max);
    v->p99 = lhist_percentile(&h->h, 99, h->min, h->max);
}

static void racc_fini(struct racc *x)
{
    lhist_fini(&x->v.h);
    lhist_fini(&x->th);
    for (size_t i = 0; x->gv && i < x->a->ngroups; i++)
        lhist_fini(&x->gv[i].h);
    free(x->gv);
    free(x->mlast_id);
    hmap_fini(&x->gmap);
    hmap_fini(&x->cmap);
    hmap_fini(&x->xmap);
    hmap_fini(&x->mmap);
}

/* Frees what out holds (as store_agg_fini, which is above this file). */
static void agg_clear(struct store_agg *a)
{
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

int agg_rollups(struct store *s, const struct plan *p, const struct store_agg_spec *sp,
                struct store_agg *out, struct err *e)
{
    struct racc xs = {.a = out, .sp = sp, .root = p->root}, *x = &xs;
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    if (!spec_fits(x))
        return 0;
    if (!time_bounds(p->root, &lo, &hi))
        return WHY("scan: the query filters on more than level, service, path, metric and "
                   "time");
    lo = sp->since && sp->since > lo ? sp->since : lo;
    hi = sp->until && sp->until < hi ? sp->until : hi;
    if (lo > hi)
        return WHY("scan: an empty time range");
    hmap_init(&x->gmap);
    hmap_init(&x->cmap);
    hmap_init(&x->xmap);
    hmap_init(&x->mmap);
    int rc = from_cells(s, p, x, lo, hi, e);
    if (rc == 1 && x->oom)
        rc = err_set(e, "out of memory aggregating the rollups");
    if (rc == 1) {
        val_of(&x->v, &out->v);
        for (size_t i = 0; i < out->ngroups; i++)
            val_of(&x->gv[i], &out->groups[i].v);
        if (out->ncells > 1)
            qsort(out->cells, out->ncells, sizeof *out->cells, cmp_cell);
        out->approx = sp->quantiles ? LHIST_REL_ERR : 0;
    }
    racc_fini(x);
    if (rc != 1) {   /* start again from nothing, keeping the reason */
        char how[sizeof out->how];
        memcpy(how, out->how, sizeof how);
        agg_clear(out);
        memcpy(out->how, how, sizeof how);
    }
    return rc;
}
