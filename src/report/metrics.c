/* metrics: the metrics view's parts, ranges, table order, number formats
 * and template queries (see metrics.h). */
#include "src/report/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/ts.h"
#include "src/query/qjob.h"
#include "src/query/query.h"

#define MINUTE_US 60000000LL

struct metrics_req *metrics_req_new(const char *query, int64_t now, int64_t since,
                                    int64_t until, int64_t bucket_us, int nspark)
{
    struct metrics_req *rq = calloc(1, sizeof *rq);
    if (!rq || !(rq->query = strdup(query ? query : ""))) {
        free(rq);
        return NULL;
    }
    rq->now = now;
    rq->since = since;
    rq->until = until;
    rq->bucket_us = bucket_us;
    rq->nspark = nspark < 1 ? 1 : nspark > 1024 ? 1024 : nspark;
    return rq;
}

void metrics_req_free(void *p)
{
    struct metrics_req *rq = p;
    if (rq)
        free(rq->query);
    free(rq);
}

static int stats_part(struct store *s, const struct plan *p, const struct metrics_req *rq,
                      int paths, struct stats *out, struct err *e)
{
    struct stats_opts o;
    stats_opts_init(&o);
    o.by_field = paths ? query_field(METRICS_PATH_FIELD) : PF_SERVICE;
    o.by_path = paths ? METRICS_PATH_FIELD : "service";
    o.since = rq->since;
    o.until = rq->until - 1;
    o.bucket_us = rq->bucket_us;
    o.groups_only = paths;   /* the view reads only the path table's groups */
    return stats_compute(s, p, &o, out, e);
}

static int series_part(struct store *s, const struct plan *p, const struct metrics_req *rq,
                       int paths, int (*cancelled)(void *), void *cctx, struct mseries *out,
                       struct err *e)
{
    int nb = rq->nspark;
    int64_t width_b = (rq->until - rq->since) / rq->bucket_us;
    if (width_b > 0 && nb > width_b)
        nb = (int)width_b;
    struct mseries_opts o = {
        .group_field = paths ? query_field(METRICS_PATH_FIELD) : PF_SERVICE,
        .group_path = paths ? METRICS_PATH_FIELD : "service",
        .value_field = PF_DURATION, .since = rq->since, .until = rq->until - 1,
        .series_since = rq->until - (int64_t)nb * rq->bucket_us, .bucket_us = rq->bucket_us,
        .nb = nb, .metrics = !paths, .tiers = !paths,   /* the view shows the services' */
        .cancelled = cancelled, .cancel_ctx = cctx,
    };
    return mseries_compute(s, p, &o, out, e);
}

struct metrics_part *metrics_part_compute(struct store *s, const struct plan *p,
                                          const struct metrics_req *rq, int kind,
                                          int (*cancelled)(void *), void *cctx)
{
    struct metrics_part *mp = calloc(1, sizeof *mp);
    struct err e = {0};
    if (!mp)
        return NULL;
    mp->kind = kind;
    int64_t t0 = ts_mono_us();
    int rc;
    if (kind == MK_SERVICES || kind == MK_PATHS)
        rc = stats_part(s, p, rq, kind == MK_PATHS, &mp->st, &e);
    else
        rc = series_part(s, p, rq, kind == MK_SERIES_PATH, cancelled, cctx, &mp->se, &e);
    mp->took_us = ts_mono_us() - t0;
    if (rc < 0) {
        mp->failed = 1;
        snprintf(mp->msg, sizeof mp->msg, "%.500s", e.msg[0] ? e.msg : "metrics failed");
    }
    return mp;
}

struct metrics_part *metrics_part_failed(int kind, const char *msg)
{
    struct metrics_part *mp = calloc(1, sizeof *mp);
    if (mp) {
        mp->kind = kind;
        mp->failed = 1;
        snprintf(mp->msg, sizeof mp->msg, "%.500s", msg && *msg ? msg : "metrics failed");
    }
    return mp;
}

void metrics_part_free(void *part)
{
    struct metrics_part *mp = part;
    if (!mp)
        return;
    stats_fini(&mp->st);
    mseries_fini(&mp->se);
    free(mp);
}

/* --- ranges ------------------------------------------------------------------ */

int64_t metrics_bucket(int64_t width_us, int columns)
{
    static const int64_t mins[] = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080};
    size_t n = sizeof mins / sizeof mins[0], i = 0;
    if (columns < 1)
        columns = 1;
    while (i + 1 < n && (width_us + mins[i] * MINUTE_US - 1) / (mins[i] * MINUTE_US) > columns)
        i++;
    return mins[i] * MINUTE_US;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

void metrics_range(int64_t end, int64_t width_us, int64_t bucket_us, int64_t *since,
                   int64_t *until)
{
    *until = (floor_div(end, bucket_us) + 1) * bucket_us;
    *since = *until - width_us;
}

int64_t metrics_live_end(int64_t now, int64_t last_ts, int64_t width_us)
{
    return (last_ts > 0 && now - last_ts > width_us) ? last_ts : now;
}

const char *metrics_fmt_width(int64_t width_us, char buf[16])
{
    int64_t m = width_us / MINUTE_US;
    if (m % 1440 == 0)
        snprintf(buf, 16, m == 1440 ? "24h" : "%lldd", (long long)(m / 1440));
    else if (m % 60 == 0)
        snprintf(buf, 16, "%lldh", (long long)(m / 60));
    else
        snprintf(buf, 16, "%lldm", (long long)m);
    return buf;
}

/* --- tables -------------------------------------------------------------------- */

static double col_value(const struct stats_group *g, int col)
{
    switch (col) {
    case MCOL_COUNT: return (double)g->count;
    case MCOL_ERR: return g->error_rate;
    case MCOL_P50: return g->lat.n ? g->lat.p50 : -1;
    case MCOL_P95: return g->lat.n ? g->lat.p95 : -1;
    case MCOL_P99: return g->lat.n ? g->lat.p99 : -1;
    default: return 0;
    }
}

static int cmp_groups(const void *x, const void *y, void *ctx)
{
    const struct stats_group *a = x, *b = y;
    const int *cd = ctx;   /* column, desc */
    int r = 0;
    /* "-" (records without the field) is a remainder, not a group: last. */
    int ra = strcmp(a->key, "-") == 0, rb = strcmp(b->key, "-") == 0;
    if (ra != rb)
        return ra - rb;
    if (cd[0] == MCOL_NAME) {
        r = strcmp(a->key, b->key);
    } else {
        double va = col_value(a, cd[0]), vb = col_value(b, cd[0]);
        r = va < vb ? -1 : va > vb;
    }
    if (cd[1])
        r = -r;
    if (!r && a->count != b->count)
        r = a->count > b->count ? -1 : 1;
    return r ? r : strcmp(a->key, b->key);
}

void metrics_sort_groups(struct stats_group *g, size_t n, int col, int desc)
{
    int cd[2] = {col, desc};
    if (n > 1)
        qsort_r(g, n, sizeof *g, cmp_groups, cd);
}

const char *metrics_fmt_ms(double ms, int64_t n, char buf[16])
{
    if (n <= 0)
        snprintf(buf, 16, "-");
    else if (ms < 1)
        snprintf(buf, 16, "%.2fms", ms);
    else if (ms < 10)
        snprintf(buf, 16, "%.1fms", ms);
    else if (ms < 1000)
        snprintf(buf, 16, "%.0fms", ms);
    else if (ms < 10000)
        snprintf(buf, 16, "%.2fs", ms / 1000);
    else if (ms < 100000)
        snprintf(buf, 16, "%.1fs", ms / 1000);
    else
        snprintf(buf, 16, "%.0fs", ms / 1000);
    return buf;
}

/* --- error templates -------------------------------------------------------- */

static size_t placeholder_at(const char *s)
{
    static const char *const ph[] = {"<str>", "<uuid>", "<hex>", "<num>"};
    for (size_t i = 0; i < sizeof ph / sizeof ph[0]; i++)
        if (strncmp(s, ph[i], strlen(ph[i])) == 0)
            return strlen(ph[i]);
    return 0;
}

/* Appends a literal part as a phrase when it holds a word character. */
static int add_phrase(const char *s, size_t n, char *out, size_t cap, size_t *len)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    int word = 0;
    for (size_t i = 0; i < n; i++)
        word |= (s[i] >= '0' && s[i] <= '9') || ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') ||
                (unsigned char)s[i] >= 0x80;
    if (!word)
        return 0;
    int k = snprintf(out + *len, cap - *len, " \"%.*s\"", (int)n, s);
    if (k < 0 || (size_t)k >= cap - *len)
        return -1;
    *len += (size_t)k;
    return 1;
}

int metrics_template_query(const char *tmpl, const char *filter, int64_t since, int64_t until,
                           char *out, size_t cap)
{
    char a[32], b[32];
    int k = filter && *filter ? snprintf(out, cap, "(%s) level>=error", filter)
                              : snprintf(out, cap, "level>=error");
    if (k < 0 || (size_t)k >= cap)
        return -1;
    size_t len = (size_t)k, start = 0, i = 0;
    int phrases = 0;
    for (;; i++) {
        size_t ph = tmpl[i] == '<' ? placeholder_at(tmpl + i) : 0;
        int cut = !tmpl[i] || ph || tmpl[i] == '"' || tmpl[i] == '\\';
        if (!cut)
            continue;
        int r = add_phrase(tmpl + start, i - start, out, cap, &len);
        if (r < 0)
            return -1;
        phrases += r;
        if (!tmpl[i])
            break;
        if (ph)
            i += ph - 1;
        start = i + 1;
    }
    k = snprintf(out + len, cap - len, " since:%s until:%s", ts_format(since, a),
                 ts_format(until - 1, b));
    if (k < 0 || (size_t)k >= cap - len)
        return -1;
    return phrases ? 0 : -1;
}

static int job_stop(void *ctx)
{
    return job_cancelled(ctx);
}

void metrics_job(struct job *j, void *req)
{
    const struct metrics_req *rq = req;
    struct err e = {0};
    struct store *st = qjob_store(j, &e);
    struct plan *p = st ? query_compile(rq->query, rq->now, NULL, &e) : NULL;
    if (!p) {
        struct metrics_part *mp = metrics_part_failed(MK_SERVICES, e.msg);
        if (mp)
            job_post(j, mp, metrics_part_free);
        return;
    }
    for (int k = 0; k < MK_COUNT && !job_cancelled(j); k++) {
        struct metrics_part *mp = metrics_part_compute(st, p, rq, k, job_stop, j);
        if (mp)
            job_post(j, mp, metrics_part_free);
    }
    query_free(p);
}
