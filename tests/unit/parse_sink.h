/* parse_sink: test helpers shared by the parser tests: an emit callback
 * that deep-copies every record (records are borrowed only during the
 * callback), and a feeder that pushes a text line by line as the tailer
 * does. Include after cmocka.h. */
#ifndef LOGDECK_TEST_PARSE_SINK_H
#define LOGDECK_TEST_PARSE_SINK_H

#include <stdlib.h>
#include <string.h>

#include "src/parse/parse.h"

#define NOW 1704067200000000LL   /* 2024-01-01T00:00:00Z: "now" in every test */

struct got {
    struct record r;
    char *cid, *service, *logger, *msg, *raw, *fields, *metric;
};

struct sink {
    struct got *v;
    size_t n, cap;
    int stop_at;   /* collect returns 1 when n reaches it (0: never) */
};

static inline char *sink_dup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static inline int collect(void *ctx, const struct record *r)
{
    struct sink *s = ctx;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
    }
    struct got *g = &s->v[s->n++];
    g->r = *r;
    g->cid = r->cid ? sink_dup(r->cid, strlen(r->cid)) : NULL;
    g->service = r->service ? sink_dup(r->service, strlen(r->service)) : NULL;
    g->logger = r->logger ? sink_dup(r->logger, strlen(r->logger)) : NULL;
    g->metric = r->metric_name ? sink_dup(r->metric_name, strlen(r->metric_name)) : NULL;
    g->fields = r->fields ? sink_dup(r->fields, strlen(r->fields)) : NULL;
    g->msg = sink_dup(r->msg ? r->msg : "", r->msg_len);
    g->raw = sink_dup(r->raw ? r->raw : "", r->raw_len);
    return s->stop_at && (int)s->n >= s->stop_at;
}

static inline void sink_free(struct sink *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct got *g = &s->v[i];
        free(g->cid), free(g->service), free(g->logger), free(g->metric);
        free(g->fields), free(g->msg), free(g->raw);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* Pushes buf[0..n) line by line (offsets are byte offsets in buf). */
static inline void feed(struct parser *p, const char *buf, size_t n, struct sink *s)
{
    for (size_t off = 0; off < n;) {
        const char *nl = memchr(buf + off, '\n', n - off);
        size_t len = nl ? (size_t)(nl - buf) - off : n - off;
        assert_int_equal(parse_push(p, buf + off, len, (int64_t)off, 0, NOW, collect, s), 0);
        off += len + 1;
    }
}

/* Parses a whole text with options o (zone-less times UTC if o is NULL). */
static inline struct sink run_opts(const struct parse_opts *o, const char *text)
{
    struct parse_opts utc = {0};
    utc.tz_fixed = 1;
    struct parser *p = parse_new(o ? o : &utc, NULL);
    struct sink s = {0};
    assert_non_null(p);
    feed(p, text, strlen(text), &s);
    assert_int_equal(parse_flush(p, collect, &s), 0);
    parse_free(p);
    return s;
}

static inline struct sink run(const char *text)
{
    return run_opts(NULL, text);
}

#endif
