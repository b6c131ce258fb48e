/* trace: assembly of one correlation id's records (see trace.h). */
#include "src/report/trace.h"
#include "db/exec.h"
#include "src/query/recout.h"
#include "src/base/record.h"

#include <stdlib.h>
#include <string.h>

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *dup0(const char *s)
{
    return s ? strdup(s) : NULL;
}

int trace_row_copy(struct store_row *dst, const struct store_row *src)
{
    *dst = *src;
    struct record *r = &dst->rec;
    const struct record *o = &src->rec;
    dst->file = dup0(src->file);
    r->cid = dup0(o->cid);
    r->service = dup0(o->service);
    r->logger = dup0(o->logger);
    r->metric_name = dup0(o->metric_name);
    r->fields = dup0(o->fields);
    r->msg = dupn(o->msg ? o->msg : "", o->msg_len);
    r->raw = dupn(o->raw ? o->raw : "", o->raw_len);
    if ((src->file && !dst->file) || (o->cid && !r->cid) || (o->service && !r->service) ||
        (o->logger && !r->logger) || (o->metric_name && !r->metric_name) ||
        (o->fields && !r->fields) || !r->msg || !r->raw) {
        trace_row_free(dst);
        return -1;
    }
    return 0;
}

void trace_row_free(struct store_row *row)
{
    struct record *r = &row->rec;
    free((char *)row->file);
    free((char *)r->cid);
    free((char *)r->service);
    free((char *)r->logger);
    free((char *)r->metric_name);
    free((char *)r->fields);
    free((char *)r->msg);
    free((char *)r->raw);
    memset(row, 0, sizeof *row);
}

struct loader {
    struct trace *t;
    size_t cap;
    int oom;
};

static int on_row(void *ctx, const struct store_row *row)
{
    struct loader *l = ctx;
    struct trace *t = l->t;
    if (t->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        struct trace_step *ns = realloc(t->steps, nc * sizeof *ns);
        if (!ns)
            return l->oom = 1;
        t->steps = ns;
        l->cap = nc;
    }
    struct trace_step *st = &t->steps[t->n];
    memset(st, 0, sizeof *st);
    if (trace_row_copy(&st->row, row) < 0)
        return l->oom = 1;
    t->n++;
    return 0;
}

static struct trace_service *service_of(struct trace *t, const struct store_row *row)
{
    char nb[64];
    const char *name = recout_source_name(row, nb);
    for (size_t i = 0; i < t->nservices; i++)
        if (strcmp(t->services[i].name, name) == 0)
            return &t->services[i];
    struct trace_service *ns = realloc(t->services, (t->nservices + 1) * sizeof *ns);
    if (!ns)
        return NULL;
    t->services = ns;
    struct trace_service *sv = &ns[t->nservices];
    memset(sv, 0, sizeof *sv);
    if (!(sv->name = strdup(name)))
        return NULL;
    t->nservices++;
    return sv;
}

/* Offsets, gaps, services, slowest step and first error. */
static int summarise(struct trace *t)
{
    double best_dur = -1;
    int64_t best_gap = -1;
    long by_gap = -1;
    t->slowest = t->first_error = -1;
    for (size_t i = 0; i < t->n; i++) {
        struct trace_step *st = &t->steps[i];
        const struct record *r = &st->row.rec;
        st->offset_us = r->ts - t->steps[0].row.rec.ts;
        st->gap_us = i ? r->ts - t->steps[i - 1].row.rec.ts : 0;
        struct trace_service *sv = service_of(t, &st->row);
        if (!sv)
            return -1;
        if (!sv->count++)
            sv->first_us = st->offset_us;
        sv->last_us = st->offset_us;
        if (r->level >= LVL_ERROR) {
            sv->errors++;
            t->errors++;
            if (t->first_error < 0)
                t->first_error = (long)i;
        }
        if (r->has_duration) {
            sv->duration_ms += r->duration_ms;
            sv->has_duration = 1;
            if (r->duration_ms > best_dur) {
                best_dur = r->duration_ms;
                t->slowest = (long)i;
            }
        }
        if (st->gap_us > best_gap) {
            best_gap = st->gap_us;
            by_gap = (long)i;
        }
    }
    t->slowest_by_duration = t->slowest >= 0;
    if (t->slowest < 0)
        t->slowest = by_gap;
    if (t->n) {
        t->first_ts = t->steps[0].row.rec.ts;
        t->last_ts = t->steps[t->n - 1].row.rec.ts;
        t->span_us = t->last_ts - t->first_ts;
    }
    return 0;
}

int trace_load(struct store *s, const char *cid, struct trace *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->slowest = out->first_error = -1;
    if (!(out->cid = strdup(cid ? cid : "")))
        return err_set(e, "out of memory loading a trace");
    struct loader l = {.t = out};
    if (store_trace(s, cid ? cid : "", on_row, &l, e) < 0)
        return -1;
    if (l.oom || summarise(out) < 0)
        return err_set(e, "out of memory loading the trace of %s", cid);
    return 0;
}

void trace_fini(struct trace *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        trace_row_free(&t->steps[i].row);
    for (size_t i = 0; i < t->nservices; i++)
        free(t->services[i].name);
    free(t->steps);
    free(t->services);
    free(t->cid);
    memset(t, 0, sizeof *t);
}
