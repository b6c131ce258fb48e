/* mseries: per-bucket series and tiers (see mseries.h), asked of the store
 * in one store_aggregate() (db/agg.h: the per-minute rollups or one scan on
 * SQLite, one GROUP BY statement on ClickHouse) and handed over as the
 * view's arrays. */
#include "src/report/mseries.h"

#include <stdlib.h>
#include <string.h>

#include "db/agg.h"

/* Moves the groups and metrics of a into m (a keeps nothing it must free). */
static void take(struct store_agg *a, struct mseries *m)
{
    if (a->ngroups && (m->groups = calloc(a->ngroups, sizeof *m->groups)))
        for (size_t i = 0; i < a->ngroups; i++) {
            struct store_agg_group *g = &a->groups[i];
            m->groups[m->ngroups++] = (struct ms_group){
                .key = g->key, .total = g->count, .count = g->bcount, .errors = g->berrors};
            g->key = NULL, g->bcount = g->berrors = NULL;
        }
    if (a->nmetrics && (m->metrics = calloc(a->nmetrics, sizeof *m->metrics)))
        for (size_t i = 0; i < a->nmetrics; i++) {
            struct store_agg_metric *x = &a->metrics[i];
            if (!x->bsum)
                continue;
            m->metrics[m->nmetrics++] = (struct ms_metric){
                .name = x->name, .sum = x->bsum, .n = x->bn};
            x->name = NULL, x->bsum = NULL, x->bn = NULL;
        }
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
    struct store_agg_spec sp = {
        .value_field = o->value_field, .value_path = o->value_path,
        .group_field = o->group_field, .group_path = o->group_path, .group_source = 1,
        .since = o->since, .until = o->until, .bucket_us = o->bucket_us,
        .origin = o->series_since, .nb = o->nb, .msg_min_level = LVL_COUNT,
        .metrics = o->metrics, .tiers = o->tiers,
        .cuts = {TIER_NORMAL_MS, TIER_SLOW_MS, TIER_VERY_SLOW_MS},
        .cancelled = o->cancelled, .cancel_ctx = o->cancel_ctx,
    };
    struct store_agg a;
    int rc = store_aggregate(s, p, &sp, &a, e);
    if (rc == 0) {
        take(&a, out);
        if ((a.ngroups && !out->groups) || (a.nmetrics && !out->metrics))
            rc = err_set(e, "out of memory computing series");
        for (int t = 0; t < TIER_COUNT; t++)
            out->tiers.n[t] = a.tier[t];
        out->tiers.total = a.tiered;
        out->rows = a.count;
        out->cancelled = a.cancelled;
    }
    store_agg_fini(&a);
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
