/* win: a rule's sliding windows, one per group: a ring of time
 * buckets (about 30 per window) holding counts, sum/min/max and, for
 * percentile rules, a log histogram (5 % bins). Adding a record is O(1);
 * reading a window is O(buckets). Groups are found through a small
 * open-addressing hash. */
#include "src/alert/alert_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int needs_hist(const struct rule *r)
{
    return r->type == RULE_METRIC && r->agg >= AGG_P50;
}

int aw_init(struct arule *ar, const struct rule *r)
{
    memset(ar, 0, sizeof *ar);
    ar->r = r;
    int64_t w = r->window / 30;
    if (w < 100000)
        w = 100000;               /* 100 ms */
    if (w > 60000000)
        w = 60000000;             /* 1 min */
    ar->width = w;
    ar->nb = (int)((r->window + w - 1) / w) + 1;
    ar->nslot = 64;
    ar->slot = calloc((size_t)ar->nslot, sizeof *ar->slot);
    return ar->slot ? 0 : -1;
}

static void group_free(struct agroup *g, int nb)
{
    for (int i = 0; g->b && i < nb; i++)
        free(g->b[i].hist);
    free(g->b);
    free(g->key);
}

void aw_fini(struct arule *ar)
{
    for (int i = 0; i < ar->ng; i++)
        group_free(&ar->g[i], ar->nb);
    free(ar->g);
    free(ar->slot);
    alerts_db_scanner_free(ar->scm);
    alerts_db_scanner_free(ar->scq);
    memset(ar, 0, sizeof *ar);
}

static uint32_t hash(const char *k, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 16777619u;
    return h;
}

static void rehash(struct arule *ar)
{
    memset(ar->slot, 0, (size_t)ar->nslot * sizeof *ar->slot);
    for (int i = 0; i < ar->ng; i++) {
        uint32_t h = hash(ar->g[i].key, strlen(ar->g[i].key)) & (uint32_t)(ar->nslot - 1);
        while (ar->slot[h])
            h = (h + 1) & (uint32_t)(ar->nslot - 1);
        ar->slot[h] = i + 1;
    }
}

static struct agroup *group_new(struct arule *ar, const char *key, size_t n)
{
    if (ar->ng == ar->gcap) {
        int nc = ar->gcap ? ar->gcap * 2 : 4;
        struct agroup *ng = realloc(ar->g, (size_t)nc * sizeof *ng);
        if (!ng)
            return NULL;
        ar->g = ng;
        ar->gcap = nc;
    }
    if ((ar->ng + 1) * 2 > ar->nslot) {
        int *ns = calloc((size_t)ar->nslot * 2, sizeof *ns);
        if (!ns)
            return NULL;
        free(ar->slot);
        ar->slot = ns;
        ar->nslot *= 2;
    }
    struct agroup *g = &ar->g[ar->ng];
    memset(g, 0, sizeof *g);
    g->key = strndup(key, n);
    g->b = calloc((size_t)ar->nb, sizeof *g->b);
    if (!g->key || !g->b) {
        group_free(g, ar->nb);
        return NULL;
    }
    for (int i = 0; i < ar->nb; i++)
        g->b[i].idx = -1;
    snprintf(g->st.rule, sizeof g->st.rule, "%s", ar->r->name);
    snprintf(g->st.grp, sizeof g->st.grp, "%s", g->key);
    g->st.severity = ar->r->severity;
    snprintf(g->st.threshold, sizeof g->st.threshold, "%s", ar->r->threshold_text);
    ar->ng++;
    rehash(ar);
    return g;
}

struct agroup *aw_group(struct arule *ar, const char *key, size_t n)
{
    if (!key)
        key = "", n = 0;
    uint32_t h = hash(key, n) & (uint32_t)(ar->nslot - 1);
    while (ar->slot[h]) {
        struct agroup *g = &ar->g[ar->slot[h] - 1];
        if (strlen(g->key) == n && memcmp(g->key, key, n) == 0)
            return g;
        h = (h + 1) & (uint32_t)(ar->nslot - 1);
    }
    if (ar->ng >= AW_MAX_GROUPS && !(n == 7 && memcmp(key, "(other)", 7) == 0))
        return aw_group(ar, "(other)", 7);
    return group_new(ar, key, n);
}

void aw_group_drop(struct arule *ar, int i)
{
    group_free(&ar->g[i], ar->nb);
    memmove(&ar->g[i], &ar->g[i + 1], (size_t)(ar->ng - i - 1) * sizeof *ar->g);
    ar->ng--;
    rehash(ar);
}

static int hist_bin(double v)
{
    if (!(v > 1e-3))
        return 0;
    double b = 1 + floor(log(v / 1e-3) / log(1.05));
    return b >= AW_HIST_BINS - 1 ? AW_HIST_BINS - 1 : (int)b;
}

static double bin_value(int b)
{
    return b == 0 ? 0 : 1e-3 * pow(1.05, (double)b - 0.5);
}

static struct abucket *bucket_at(struct arule *ar, struct agroup *g, int64_t idx)
{
    struct abucket *b = &g->b[idx % ar->nb];
    if (b->idx != idx) {
        uint32_t *h = b->hist;
        memset(b, 0, sizeof *b);
        b->idx = idx;
        if (h)
            memset(h, 0, AW_HIST_BINS * sizeof *h);
        b->hist = h;
    }
    return b;
}

void aw_add(struct arule *ar, struct agroup *g, int64_t ts, int64_t now, int q, int has_value,
            double value)
{
    int64_t cur = now / ar->width, idx = ts / ar->width;
    if (idx > cur)
        idx = cur;                /* clock skew: count it now */
    if (idx <= cur - (ar->nb - 1) || idx < 0)
        return;                   /* older than the window */
    struct abucket *b = bucket_at(ar, g, idx);
    if (q) {
        b->nq++;
        return;
    }
    b->nm++;
    if (ar->r->type != RULE_METRIC || !has_value)
        return;
    b->min = b->nv ? fmin(b->min, value) : value;
    b->max = b->nv ? fmax(b->max, value) : value;
    b->sum += value;
    b->nv++;
    if (needs_hist(ar->r)) {
        if (!b->hist)
            b->hist = calloc(AW_HIST_BINS, sizeof *b->hist);
        if (b->hist)
            b->hist[hist_bin(value)]++;
    }
}

static double percentile(const struct arule *ar, const struct agroup *g, int64_t lo, int64_t hi,
                         int64_t n, double p)
{
    int64_t rank = (int64_t)ceil(p * (double)n), seen = 0;
    if (rank < 1)
        rank = 1;
    for (int bin = 0; bin < AW_HIST_BINS; bin++) {
        for (int i = 0; i < ar->nb; i++)
            if (g->b[i].idx > lo && g->b[i].idx <= hi && g->b[i].hist)
                seen += g->b[i].hist[bin];
        if (seen >= rank)
            return bin_value(bin);
    }
    return 0;
}

struct awin_value aw_value(const struct arule *ar, const struct agroup *g, int64_t now)
{
    struct awin_value v = {0};
    int64_t hi = now / ar->width, lo = hi - (ar->nb - 1);
    int64_t nm = 0, nq = 0, nv = 0;
    double sum = 0, mn = 0, mx = 0;
    for (int i = 0; i < ar->nb; i++) {
        const struct abucket *b = &g->b[i];
        if (b->idx <= lo || b->idx > hi)
            continue;
        if (b->nv) {
            mn = nv ? fmin(mn, b->min) : b->min;
            mx = nv ? fmax(mx, b->max) : b->max;
        }
        nm += b->nm, nq += b->nq, nv += b->nv, sum += b->sum;
    }
    const struct rule *r = ar->r;
    v.count = v.basis = nm;
    v.has_data = 1;
    if (r->type == RULE_RATIO) {
        v.basis = nq;
        v.has_data = nq > 0;
        v.value = nq ? (double)nm / (double)nq : 0;
    } else if (r->type == RULE_METRIC) {
        static const double pc[] = {0.5, 0.95, 0.99};
        v.basis = nv;
        v.has_data = nv > 0;
        v.value = !nv ? 0 : r->agg == AGG_AVG ? sum / (double)nv : r->agg == AGG_MIN ? mn :
                  r->agg == AGG_MAX ? mx : r->agg == AGG_SUM ? sum :
                  percentile(ar, g, lo, hi, nv, pc[r->agg - AGG_P50]);
    } else {
        v.value = (double)nm;
    }
    return v;
}

int aw_empty(const struct arule *ar, const struct agroup *g, int64_t now)
{
    int64_t hi = now / ar->width, lo = hi - (ar->nb - 1);
    for (int i = 0; i < ar->nb; i++)
        if (g->b[i].idx > lo && g->b[i].idx <= hi && (g->b[i].nm || g->b[i].nq))
            return 0;
    return 1;
}
