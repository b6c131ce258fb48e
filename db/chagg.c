/* chagg: store_aggregate() on ClickHouse (db/agg.h): one statement, a
 * UNION ALL of GROUP BY queries over the same filtered subquery, each
 * answering one part (T totals, G groups, C time cells per level, H group
 * buckets, M messages, X metric summaries, Y metric buckets) as rows of
 * (kind, key, bucket, [numbers]); only aggregates cross the wire.
 * Percentiles and sums come from the sorted values (arraySort of
 * groupArray): the nearest rank and the summation order of db/agg.c, so
 * that both backends print the same digits (quantileExact ranks
 * differently). Every literal goes through chsql_lit(). */
#include "db/agg.h"
#include "db/chstore_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Groups by the naming rule (service, else logger, else the file's stem):
 * that key costs a regular expression per row, so rows are first grouped
 * by (service, logger, file), a few hundred groups, and the key is taken
 * of those (two_level). */
static int naming(const struct store_agg_spec *sp)
{
    return sp->group_field == PF_SERVICE && sp->group_source;
}

/* The filtered rows with the columns every part reads. */
static int inner(struct chstore *c, struct chbuf *b, const struct plan *p,
                 const struct store_agg_spec *sp, struct err *e)
{
    chb_add(b, "(SELECT ts, level, ");
    if (sp->value_field >= 0) {
        chb_add(b, "isNotNull(");
        chplan_field(b, sp->value_field, sp->value_path, 1);
        chb_add(b, ") AS hv, toFloat64(ifNull(");
        chplan_field(b, sp->value_field, sp->value_path, 1);
        chb_add(b, ", 0)) AS xv, ");
    } else {
        chb_add(b, "0 AS hv, toFloat64(0) AS xv, ");
    }
    if (naming(sp)) {
        chb_add(b, "service, logger, file, ");   /* keyed on the few groups (two_level) */
    } else if (sp->group_field >= 0) {
        chb_add(b, "ifNull(");
        ch_group_expr(b, sp->group_field, sp->group_path, sp->group_source);
        chb_add(b, ", '-') AS gk, ");   /* as db/agg.c: no field is the group "-" */
    } else {
        chb_add(b, "'' AS gk, ");
    }
    chb_add(b, "isNotNull(status) AS hs, ifNull(status, 0) AS st, metric, "
               "ifNull(mvalue, 0) AS mv, isNotNull(mvalue) AND metric != '' AS hm, "
               "level >= %d AS hmsg, if(hmsg, msg, '') AS m FROM %s", sp->msg_min_level, c->logs);
    chplan_prewhere(b, p->root);
    chb_add(b, " WHERE ");
    if (chplan_cond(b, p->root, e) < 0)
        return -1;
    if (sp->since)
        chb_add(b, " AND ts >= %lld", (long long)sp->since);
    if (sp->until)
        chb_add(b, " AND ts <= %lld", (long long)sp->until);
    chb_add(b, ")");
    return 0;
}

/* n, sum, min, max, p50, p95, p99 of the values: vs, the sorted values of
 * the rows aggregated (of): "groupArrayIf(xv, hv)" over rows,
 * "groupArrayArray(va)" over groups of rows. */
static void vals(struct chbuf *b, const char *of)
{
    chb_add(b, ", toFloat64(length(arraySort(%s) AS vs)), arraySum(vs), vs[1], vs[-1]", of);
    static const int pct[] = {50, 95, 99};
    for (int i = 0; i < 3; i++)
        chb_add(b, ", vs[toUInt64(greatest(1., least(toFloat64(length(vs)), "
                   "ceil(%d * length(vs) / 100 - 1e-9))))]", pct[i]);
}

/* Rows grouped by the group's raw columns (and by extra, when not NULL)
 * with their count n, errors ne (and values va), then by the group key gk. */
static void two_level(struct chbuf *b, const struct store_agg_spec *sp, const char *src,
                      const char *extra, const char *where)
{
    const char *raw = naming(sp) ? "service, logger, file" : "gk";
    chb_add(b, " FROM (SELECT %s%s%s, count() AS n, countIf(level >= %d) AS ne%s FROM %s%s "
               "GROUP BY %s%s%s)", raw, extra ? ", " : "", extra ? extra : "", LVL_ERROR,
            sp->quantiles && !extra ? ", groupArrayIf(xv, hv) AS va" : "", src,
            where ? where : "", raw, extra ? ", " : "", extra ? "b" : "");
}

static void group_key(struct chbuf *b, const struct store_agg_spec *sp)
{
    if (naming(sp)) {
        chb_add(b, "ifNull(");
        ch_group_expr(b, sp->group_field, sp->group_path, sp->group_source);
        chb_add(b, ", '-') AS gk2");
    } else {
        chb_add(b, "gk AS gk2");
    }
}

static void by_level(struct chbuf *b)
{
    for (int l = 0; l < LVL_COUNT; l++)
        chb_add(b, ", toFloat64(countIf(level = %d))", l);
}

static void totals(struct chbuf *b, const struct store_agg_spec *sp, const char *src)
{
    chb_add(b, "SELECT 'T', '', toInt64(0), [toFloat64(count()), toFloat64(countIf(level >= %d)),"
               " toFloat64(min(ts)), toFloat64(max(ts))", LVL_ERROR);
    by_level(b);
    chb_add(b, ", toFloat64(countIf(hs)), toFloat64(countIf(hs AND (st < 100 OR st >= 600)))");
    for (int k = 1; k <= 5; k++)
        chb_add(b, ", toFloat64(countIf(hs AND st >= %d AND st < %d))", k * 100, k * 100 + 100);
    if (sp->quantiles)
        vals(b, "groupArrayIf(xv, hv)");
    if (sp->tiers) {
        chb_add(b, ", toFloat64(countIf(hv)), toFloat64(countIf(hv AND NOT (xv >= %.17g)))",
                sp->cuts[0]);
        for (int t = 1; t < AGG_NCUT; t++)
            chb_add(b, ", toFloat64(countIf(hv AND xv >= %.17g AND NOT (xv >= %.17g)))",
                    sp->cuts[t - 1], sp->cuts[t]);
        chb_add(b, ", toFloat64(countIf(hv AND xv >= %.17g))", sp->cuts[AGG_NCUT - 1]);
    }
    chb_add(b, "] FROM %s", src);
}

/* The bucket of a row and the condition that it falls in the series. */
static void bucket(struct chbuf *b, const struct store_agg_spec *sp)
{
    chb_add(b, "intDiv(toInt64(ts) - %lld, %lld)", (long long)sp->origin,
            (long long)sp->bucket_us);
}

static void in_series(struct chbuf *b, const struct store_agg_spec *sp)
{
    chb_add(b, " WHERE ts >= %lld AND ts < %lld", (long long)sp->origin,
            (long long)(sp->origin + sp->nb * sp->bucket_us));
}

static void parts(struct chbuf *b, const struct store_agg_spec *sp, const char *src)
{
    totals(b, sp, src);
    if (sp->group_field >= 0) {
        chb_add(b, " UNION ALL SELECT 'G', ");
        group_key(b, sp);
        chb_add(b, ", toInt64(0), [toFloat64(sum(n)), toFloat64(sum(ne))");
        if (sp->quantiles)
            vals(b, "groupArrayArray(va)");
        chb_add(b, "]");
        two_level(b, sp, src, NULL, NULL);
        chb_add(b, " GROUP BY gk2");
    }
    if (sp->nb == 0 && sp->bucket_us > 0) {
        chb_add(b, " UNION ALL SELECT 'C', '', ");
        bucket(b, sp);
        chb_add(b, " AS b, [toFloat64(count())");
        by_level(b);
        chb_add(b, "] FROM %s GROUP BY b", src);
    }
    if (sp->nb > 0 && sp->group_field >= 0) {
        struct chbuf bx = {0}, wh = {0};
        bucket(&bx, sp);
        chb_add(&bx, " AS b");
        in_series(&wh, sp);
        chb_add(b, " UNION ALL SELECT 'H', ");
        group_key(b, sp);
        chb_add(b, ", b, [toFloat64(sum(n)), toFloat64(sum(ne))]");
        two_level(b, sp, src, bx.s ? bx.s : "", wh.s ? wh.s : "");
        chb_add(b, " GROUP BY gk2, b");
        b->oom |= bx.oom | wh.oom;
        chb_fini(&bx);
        chb_fini(&wh);
    }
    if (sp->msg_min_level < LVL_COUNT)
        chb_add(b, " UNION ALL SELECT 'M', m, toInt64(0), [toFloat64(count()), "
                   "toFloat64(min(ts)), toFloat64(max(ts))] FROM %s WHERE hmsg GROUP BY m", src);
    if (sp->metrics)
        chb_add(b, " UNION ALL SELECT 'X', metric, toInt64(0), [toFloat64(count()), "
                   "arraySum(arraySort(groupArray(mv))), min(mv), max(mv), argMax(mv, ts), "
                   "toFloat64(max(ts))] FROM %s WHERE hm GROUP BY metric", src);
    if (sp->metrics && sp->nb > 0) {
        chb_add(b, " UNION ALL SELECT 'Y', metric, ");
        bucket(b, sp);
        chb_add(b, " AS b, [toFloat64(count()), sum(mv)] FROM %s", src);
        in_series(b, sp);
        chb_add(b, " AND hm GROUP BY metric, b");
    }
}

static int build(struct chstore *c, const struct plan *p, const struct store_agg_spec *sp,
                 struct err *e)
{
    struct chbuf src = {0};
    int rc = inner(c, &src, p, sp, e);
    chb_reset(&c->sql);
    if (rc == 0) {
        parts(&c->sql, sp, src.s ? src.s : "");
        chb_add(&c->sql, " FORMAT TabSeparated");
    }
    if (rc == 0 && (src.oom || c->sql.oom))
        rc = err_set(e, "out of memory building a query");
    chb_fini(&src);
    return rc;
}

/* [1,2.5,nan] into v (at most max); returns the count. */
static int numbers(const char *s, double *v, int max)
{
    int n = 0;
    if (!s || *s++ != '[')
        return 0;
    while (*s && *s != ']' && n < max) {
        char *end;
        v[n++] = strtod(s, &end);
        if (end == s)
            return n - 1;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

static void val_from(const double *v, struct store_agg_val *o)
{
    o->n = (int64_t)v[0];
    o->sum = v[1];
    o->min = v[2];
    o->max = v[3];
    o->p50 = v[4];
    o->p95 = v[5];
    o->p99 = v[6];
}

static void put_totals(struct store_agg *a, const struct store_agg_spec *sp, const double *v)
{
    a->count = (int64_t)v[0];
    a->errors = (int64_t)v[1];
    a->first_ts = a->count ? (int64_t)v[2] : 0;
    a->last_ts = a->count ? (int64_t)v[3] : 0;
    for (int l = 0; l < LVL_COUNT; l++)
        a->by_level[l] = (int64_t)v[4 + l];
    v += 4 + LVL_COUNT;
    a->with_status = (int64_t)v[0];
    for (int k = 0; k < 6; k++)
        a->status_class[k] = (int64_t)v[1 + k];
    v += 7;
    if (sp->quantiles) {
        val_from(v, &a->v);
        v += 7;
    }
    if (sp->tiers) {
        a->tiered = (int64_t)v[0];
        for (int t = 0; t <= AGG_NCUT; t++)
            a->tier[t] = (int64_t)v[1 + t];
    }
}

/* Appends one zeroed entry to *arr (n entries of elem bytes). */
static void *push(void *arr, size_t *n, size_t elem)
{
    char *na = realloc(arr, (*n + 1) * elem);
    if (na)
        memset(na + (*n)++ * elem, 0, elem);
    return na;
}

static struct store_agg_group *group_at(struct store_agg *a, const struct store_agg_spec *sp,
                                        const char *key, size_t len)
{
    for (size_t i = 0; i < a->ngroups; i++)
        if (strlen(a->groups[i].key) == len && !memcmp(a->groups[i].key, key, len))
            return &a->groups[i];
    struct store_agg_group *ng = push(a->groups, &a->ngroups, sizeof *ng);
    if (!ng)
        return NULL;
    a->groups = ng;
    struct store_agg_group *g = &ng[a->ngroups - 1];
    if (!(g->key = strndup(key, len)) ||
        (sp->nb > 0 && (!(g->bcount = calloc((size_t)sp->nb, sizeof *g->bcount)) ||
                        !(g->berrors = calloc((size_t)sp->nb, sizeof *g->berrors))))) {
        a->ngroups--;
        free(g->key);
        free(g->bcount);
        return NULL;
    }
    return g;
}

static struct store_agg_metric *metric_at(struct store_agg *a, const struct store_agg_spec *sp,
                                          const char *name)
{
    for (size_t i = 0; i < a->nmetrics; i++)
        if (!strcmp(a->metrics[i].name, name))
            return &a->metrics[i];
    struct store_agg_metric *nm = push(a->metrics, &a->nmetrics, sizeof *nm);
    if (!nm)
        return NULL;
    a->metrics = nm;
    struct store_agg_metric *m = &nm[a->nmetrics - 1];
    if (!(m->name = strdup(name)) ||
        (sp->nb > 0 && (!(m->bsum = calloc((size_t)sp->nb, sizeof *m->bsum)) ||
                        !(m->bn = calloc((size_t)sp->nb, sizeof *m->bn))))) {
        a->nmetrics--;
        free(m->name);
        free(m->bsum);
        return NULL;
    }
    return m;
}

/* One answer row into a; -1 on no memory. */
static int put_row(struct store_agg *a, const struct store_agg_spec *sp, char **f, size_t *fl)
{
    double v[64] = {0};
    numbers(f[3], v, 64);
    int64_t b = f[2] ? strtoll(f[2], NULL, 10) : 0;
    const char *key = f[1] ? f[1] : "";
    int in = b >= 0 && b < sp->nb;
    switch (f[0] ? f[0][0] : 0) {
    case 'T': put_totals(a, sp, v); return 0;
    case 'G': {
        struct store_agg_group *g = group_at(a, sp, key, fl[1]);
        if (!g)
            return -1;
        g->count = (int64_t)v[0];
        g->errors = (int64_t)v[1];
        if (sp->quantiles)
            val_from(v + 2, &g->v);
        return 0;
    }
    case 'H': {
        struct store_agg_group *g = group_at(a, sp, key, fl[1]);
        if (!g)
            return -1;
        if (in) {
            g->bcount[b] = (int64_t)v[0];
            g->berrors[b] = (int64_t)v[1];
        }
        return 0;
    }
    case 'C': {
        struct store_agg_cell *nc = push(a->cells, &a->ncells, sizeof *nc);
        if (!nc)
            return -1;
        a->cells = nc;
        nc[a->ncells - 1].bucket = b;
        for (int l = 0; l < LVL_COUNT; l++)
            nc[a->ncells - 1].by_level[l] = (int64_t)v[1 + l];
        return 0;
    }
    case 'M': {
        struct store_agg_msg *nm = push(a->msgs, &a->nmsgs, sizeof *nm);
        if (!nm)
            return -1;
        a->msgs = nm;
        struct store_agg_msg *m = &nm[a->nmsgs - 1];
        if (!(m->msg = malloc(fl[1] + 1)))
            return a->nmsgs--, -1;
        memcpy(m->msg, key, fl[1]);
        m->msg[fl[1]] = '\0';
        m->len = fl[1];
        m->count = (int64_t)v[0];
        m->first = (int64_t)v[1];
        m->last = (int64_t)v[2];
        return 0;
    }
    case 'X': case 'Y': {
        struct store_agg_metric *m = metric_at(a, sp, key);
        if (!m)
            return -1;
        if (f[0][0] == 'Y') {
            if (in) {
                m->bn[b] = (int64_t)v[0];
                m->bsum[b] = v[1];
            }
            return 0;
        }
        m->count = (int64_t)v[0];
        m->sum = v[1];
        m->min = v[2];
        m->max = v[3];
        m->last = v[4];
        m->last_ts = (int64_t)v[5];
        return 0;
    }
    }
    return 0;
}

static int cmp_cell(const void *x, const void *y)
{
    int64_t a = ((const struct store_agg_cell *)x)->bucket;
    int64_t b = ((const struct store_agg_cell *)y)->bucket;
    return a < b ? -1 : a > b;
}

int chstore_aggregate(struct chstore *c, const struct plan *p, const struct store_agg_spec *sp,
                      struct store_agg *out, struct err *e)
{
    if (build(c, p, sp, e) < 0)
        return -1;
    /* an id of its own per statement: one left running by a client that gave
     * up must not block the next (the server refuses a running id) */
    static _Atomic unsigned long seq;
    snprintf(c->query_id, sizeof c->query_id, "logdeck-agg-%ld-%lu", (long)getpid(), ++seq);
    if (ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
        return -1;
    char *f[4];
    size_t fl[4], pos = 0;
    while (ch_tsv_row(c->resp.s, c->resp.len, &pos, f, fl, 4) == 4)
        if (put_row(out, sp, f, fl) < 0)
            return err_set(e, "out of memory reading aggregates");
    if (out->ncells > 1)
        qsort(out->cells, out->ncells, sizeof *out->cells, cmp_cell);
    return 0;
}

int chstore_agg_explain(struct chstore *c, const struct plan *p, const struct store_agg_spec *sp,
                        char *buf, size_t cap, struct err *e)
{
    if (build(c, p, sp, e) < 0)
        return -1;
    snprintf(buf, cap, "%s\n", c->sql.s);
    return 0;
}
