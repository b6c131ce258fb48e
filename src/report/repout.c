/* repout: text and JSON output of traces and stats (see repout.h). */
#include "src/report/repout.h"
#include "src/query/recout.h"
#include "src/base/record.h"
#include "src/base/ts.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static void print_json(FILE *f, cJSON *o)
{
    char *txt = o ? cJSON_PrintUnformatted(o) : NULL;
    if (txt) {
        recout_json_clean(f, txt);
        fputc('\n', f);
    }
    cJSON_free(txt);
    cJSON_Delete(o);
}

static void add_ts(cJSON *o, const char *key, int64_t us, int present)
{
    char tb[32];
    if (present)
        cJSON_AddStringToObject(o, key, ts_format(us, tb));
    else
        cJSON_AddNullToObject(o, key);
}

/* --- traces ---------------------------------------------------------------- */

static void step_line(FILE *f, const char *label, const struct trace *t, long i)
{
    char ob[32];
    const struct trace_step *st = &t->steps[i];
    const struct record *r = &st->row.rec;
    char nb[64];
    const char *svc = recout_source_name(&st->row, nb);
    fprintf(f, "%s: #%ld %s ", label, i + 1, recout_offset(st->offset_us, ob));
    recout_escape_text(f, svc, strlen(svc));
    fputc(' ', f);
    size_t n = r->msg_len;
    const char *nl = memchr(r->msg, '\n', n);
    recout_escape_text(f, r->msg, nl ? (size_t)(nl - r->msg) : n);
}

void repout_trace_text(FILE *f, const struct trace *t, int summary_only)
{
    char ob[32], ob2[32];
    fprintf(f, "trace ");
    recout_escape_text(f, t->cid, strlen(t->cid));
    fprintf(f, ": %zu records, %zu services, span %s, %lld errors\n", t->n, t->nservices,
            recout_offset(t->span_us, ob), (long long)t->errors);
    for (size_t i = 0; !summary_only && i < t->n; i++) {
        fprintf(f, "%-12s ", recout_offset(t->steps[i].offset_us, ob));
        recout_text(f, &t->steps[i].row);
    }
    fprintf(f, "services:\n");
    for (size_t i = 0; i < t->nservices; i++) {
        const struct trace_service *s = &t->services[i];
        fputs("  ", f);
        recout_escape_text(f, s->name, strlen(s->name));
        fprintf(f, ": %lld records, %lld errors, %s .. %s", (long long)s->count,
                (long long)s->errors, recout_offset(s->first_us, ob), recout_offset(s->last_us, ob2));
        if (s->has_duration)
            fprintf(f, ", duration %.1f ms", s->duration_ms);
        fputc('\n', f);
    }
    if (t->slowest >= 0) {
        step_line(f, "slowest", t, t->slowest);
        if (t->slowest_by_duration)
            fprintf(f, " (duration %.1f ms)\n", t->steps[t->slowest].row.rec.duration_ms);
        else
            fprintf(f, " (gap %s)\n", recout_offset(t->steps[t->slowest].gap_us, ob));
    }
    if (t->first_error >= 0) {
        step_line(f, "first error", t, t->first_error);
        fputc('\n', f);
    }
}

static cJSON *step_json(const struct trace *t, long i)
{
    if (i < 0)
        return cJSON_CreateNull();
    const struct trace_step *st = &t->steps[i];
    const struct record *r = &st->row.rec;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "index", (double)i);
    add_ts(o, "ts", r->ts, 1);
    cJSON_AddNumberToObject(o, "offset_ms", (double)st->offset_us / 1000.0);
    char nb[64];
    cJSON_AddStringToObject(o, "service", recout_source_name(&st->row, nb));
    cJSON_AddStringToObject(o, "level", level_name(r->level));
    char *msg = strndup(r->msg, r->msg_len);
    cJSON_AddStringToObject(o, "msg", msg ? msg : "");
    free(msg);
    if (r->has_duration)
        cJSON_AddNumberToObject(o, "duration_ms", r->duration_ms);
    return o;
}

void repout_trace_json(FILE *f, const struct trace *t)
{
    char extra[96];
    for (size_t i = 0; i < t->n; i++) {
        snprintf(extra, sizeof extra, "\"offset_ms\":%.3f,\"gap_ms\":%.3f",
                 (double)t->steps[i].offset_us / 1000.0, (double)t->steps[i].gap_us / 1000.0);
        recout_json(f, &t->steps[i].row, extra);
    }
}

void repout_trace_summary_json(FILE *f, const struct trace *t)
{
    cJSON *top = cJSON_CreateObject(), *o = cJSON_AddObjectToObject(top, "trace");
    cJSON_AddStringToObject(o, "cid", t->cid);
    cJSON_AddNumberToObject(o, "count", (double)t->n);
    add_ts(o, "first", t->first_ts, t->n > 0);
    add_ts(o, "last", t->last_ts, t->n > 0);
    cJSON_AddNumberToObject(o, "span_ms", (double)t->span_us / 1000.0);
    cJSON_AddNumberToObject(o, "errors", (double)t->errors);
    cJSON *svcs = cJSON_AddArrayToObject(o, "services");
    for (size_t i = 0; i < t->nservices; i++) {
        const struct trace_service *s = &t->services[i];
        cJSON *so = cJSON_CreateObject();
        cJSON_AddStringToObject(so, "service", s->name);
        cJSON_AddNumberToObject(so, "count", (double)s->count);
        cJSON_AddNumberToObject(so, "errors", (double)s->errors);
        cJSON_AddNumberToObject(so, "first_ms", (double)s->first_us / 1000.0);
        cJSON_AddNumberToObject(so, "last_ms", (double)s->last_us / 1000.0);
        if (s->has_duration)
            cJSON_AddNumberToObject(so, "duration_ms", s->duration_ms);
        cJSON_AddItemToArray(svcs, so);
    }
    cJSON_AddItemToObject(o, "slowest", step_json(t, t->slowest));
    cJSON_AddItemToObject(o, "first_error", step_json(t, t->first_error));
    print_json(f, top);
}

/* --- stats ----------------------------------------------------------------- */

static void add_num_or_null(cJSON *o, const char *key, double v, int present)
{
    if (present)
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *latency_json(const struct stats_latency *l, const char *unit, double approx)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "n", (double)l->n);
    add_num_or_null(o, "p50", l->p50, l->n > 0);
    add_num_or_null(o, "p95", l->p95, l->n > 0);
    add_num_or_null(o, "p99", l->p99, l->n > 0);
    add_num_or_null(o, "max", l->max, l->n > 0);
    add_num_or_null(o, "min", l->min, l->n > 0);
    add_num_or_null(o, "avg", l->avg, l->n > 0);
    if (unit)
        cJSON_AddStringToObject(o, "unit", unit);
    if (approx > 0)   /* p50/p95/p99 within this relative error (rollup histograms) */
        cJSON_AddNumberToObject(o, "approx", approx);
    return o;
}

static cJSON *levels_json(const int64_t *by_level, int all)
{
    cJSON *o = cJSON_CreateObject();
    for (int l = 0; l < LVL_COUNT; l++)
        if (all || by_level[l])
            cJSON_AddNumberToObject(o, level_name(l), (double)by_level[l]);
    return o;
}

static void stats_json_lists(cJSON *o, const struct stats *s)
{
    cJSON *h = cJSON_AddArrayToObject(o, "histogram");
    for (size_t i = 0; i < s->nhist; i++) {
        cJSON *b = cJSON_CreateObject();
        add_ts(b, "start", s->hist[i].start, 1);
        cJSON_AddNumberToObject(b, "count", (double)s->hist[i].count);
        cJSON_AddItemToObject(b, "by_level", levels_json(s->hist[i].by_level, 0));
        cJSON_AddItemToArray(h, b);
    }
    cJSON *t = cJSON_AddArrayToObject(o, "templates");
    for (size_t i = 0; i < s->ntemplates; i++) {
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "template", s->templates[i].template);
        cJSON_AddNumberToObject(b, "count", (double)s->templates[i].count);
        add_ts(b, "first", s->templates[i].first, 1);
        add_ts(b, "last", s->templates[i].last, 1);
        cJSON_AddItemToArray(t, b);
    }
    cJSON *m = cJSON_AddArrayToObject(o, "metrics");
    for (size_t i = 0; i < s->nmetrics; i++) {
        const struct stats_metric *x = &s->metrics[i];
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "name", x->name);
        cJSON_AddNumberToObject(b, "last", x->last);
        cJSON_AddNumberToObject(b, "min", x->min);
        cJSON_AddNumberToObject(b, "max", x->max);
        cJSON_AddNumberToObject(b, "avg", x->avg);
        cJSON_AddNumberToObject(b, "count", (double)x->count);
        cJSON_AddItemToArray(m, b);
    }
}

static cJSON *groups_json(const struct stats *s)
{
    cJSON *g = cJSON_CreateArray();
    for (size_t i = 0; i < s->ngroups; i++) {
        const struct stats_group *x = &s->groups[i];
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "key", x->key);
        cJSON_AddNumberToObject(b, "count", (double)x->count);
        cJSON_AddNumberToObject(b, "errors", (double)x->errors);
        cJSON_AddNumberToObject(b, "error_rate", x->error_rate);
        add_num_or_null(b, "p50", x->lat.p50, x->lat.n > 0);
        add_num_or_null(b, "p95", x->lat.p95, x->lat.n > 0);
        add_num_or_null(b, "p99", x->lat.p99, x->lat.n > 0);
        add_num_or_null(b, "max", x->lat.max, x->lat.n > 0);
        if (s->approx > 0 && x->lat.n > 0)
            cJSON_AddNumberToObject(b, "approx", s->approx);
        cJSON_AddItemToArray(g, b);
    }
    return g;
}

void repout_stats_json(FILE *f, const struct stats *s, const char *by)
{
    static const char *const classes[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "count", (double)s->count);
    cJSON_AddItemToObject(o, "by_level", levels_json(s->by_level, 1));
    cJSON_AddNumberToObject(o, "errors", (double)s->errors);
    cJSON_AddNumberToObject(o, "error_rate", s->error_rate);
    add_ts(o, "first", s->first_ts, s->count > 0);
    add_ts(o, "last", s->last_ts, s->count > 0);
    cJSON_AddItemToObject(o, "latency", latency_json(&s->latency, s->unit, s->approx));
    cJSON_AddNumberToObject(o, "bucket_s", (double)(s->bucket_us / 1000000));
    cJSON *st = cJSON_AddObjectToObject(o, "status");
    for (int c = 1; c <= 5; c++)
        cJSON_AddNumberToObject(st, classes[c], (double)s->status_class[c]);
    cJSON_AddNumberToObject(st, "other", (double)s->status_class[0]);
    stats_json_lists(o, s);
    if (by) {
        cJSON_AddStringToObject(o, "by", by);
        cJSON_AddItemToObject(o, "groups", groups_json(s));
    }
    print_json(f, o);
}

static void text_hist(FILE *f, const struct stats *s)
{
    int64_t max = 1;
    char tb[32];
    for (size_t i = 0; i < s->nhist; i++)
        max = s->hist[i].count > max ? s->hist[i].count : max;
    fprintf(f, "histogram (%lld s buckets):\n", (long long)(s->bucket_us / 1000000));
    size_t empty = 0;     /* a run of empty buckets prints as one line */
    for (size_t i = 0; i < s->nhist; i++) {
        if (!s->hist[i].count && i + 1 < s->nhist && i > 0) {
            empty++;
            continue;
        }
        if (empty > 1)
            fprintf(f, "  ... %zu empty buckets\n", empty);
        else if (empty == 1)
            fprintf(f, "  %s %8d %5d err |\n", ts_format_short(s->hist[i - 1].start, 0, tb), 0, 0);
        empty = 0;
        int bar = (int)(s->hist[i].count * 40 / max);
        int64_t err = s->hist[i].by_level[LVL_ERROR] + s->hist[i].by_level[LVL_CRITICAL];
        fprintf(f, "  %s %8lld %5lld err |%.*s\n", ts_format_short(s->hist[i].start, 0, tb),
                (long long)s->hist[i].count, (long long)err, bar,
                "########################################");
    }
}

void repout_stats_text(FILE *f, const struct stats *s, const char *by)
{
    const struct stats_latency *l = &s->latency;
    fprintf(f, "records: %lld   errors: %lld   error rate: %.2f%%\n", (long long)s->count,
            (long long)s->errors, s->error_rate * 100);
    fputs("levels:", f);
    for (int i = 0; i < LVL_COUNT; i++)
        if (s->by_level[i])
            fprintf(f, " %s=%lld", level_name(i), (long long)s->by_level[i]);
    const char *ap = s->approx > 0 ? "~" : "";   /* from histograms: within s->approx */
    fprintf(f, "\nlatency (%lld values%s%s%s): p50 %s%.1f  p95 %s%.1f  p99 %s%.1f  max %.1f\n",
            (long long)l->n, s->unit ? ", " : "", s->unit ? s->unit : "",
            s->approx > 0 ? ", ~ within 1%" : "", ap, l->p50, ap, l->p95, ap, l->p99, l->max);
    fprintf(f, "status: 1xx=%lld 2xx=%lld 3xx=%lld 4xx=%lld 5xx=%lld\n",
            (long long)s->status_class[1], (long long)s->status_class[2],
            (long long)s->status_class[3], (long long)s->status_class[4],
            (long long)s->status_class[5]);
    text_hist(f, s);
    if (by) {
        fprintf(f, "by %s:\n", by);
        for (size_t i = 0; i < s->ngroups; i++) {
            const struct stats_group *g = &s->groups[i];
            fputs("  ", f);
            recout_escape_text(f, g->key, strlen(g->key));
            fprintf(f, ": %lld records, %lld errors (%.2f%%)", (long long)g->count,
                    (long long)g->errors, g->error_rate * 100);
            if (g->lat.n)     /* no value in the group: no percentiles to print */
                fprintf(f, ", p50 %s%.1f p95 %s%.1f p99 %s%.1f", ap, g->lat.p50, ap, g->lat.p95,
                        ap, g->lat.p99);
            fputc('\n', f);
        }
    }
    fputs("top errors:\n", f);
    for (size_t i = 0; i < s->ntemplates; i++) {
        char a[32], b[32];
        fprintf(f, "  %6lld  %s .. %s  ", (long long)s->templates[i].count,
                ts_format_short(s->templates[i].first, 0, a),
                ts_format_short(s->templates[i].last, 0, b));
        recout_escape_text(f, s->templates[i].template, strlen(s->templates[i].template));
        fputc('\n', f);
    }
    if (s->nmetrics)
        fputs("metrics:\n", f);
    for (size_t i = 0; i < s->nmetrics; i++) {
        const struct stats_metric *m = &s->metrics[i];
        fputs("  ", f);
        recout_escape_text(f, m->name, strlen(m->name));
        fprintf(f, ": last %g min %g max %g avg %g (%lld)\n", m->last, m->min, m->max, m->avg,
                (long long)m->count);
    }
}
