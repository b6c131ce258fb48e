/* views/detail_model: the detail pane's content for one record, and its
 * wrapping to a width (see detail_model.h). The JSON pretty-printer is in jsonpretty.c. */
#include "ui/views/detail_model.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/jsonraw.h"
#include "src/base/record.h"
#include "src/base/ts.h"
#include "ui/text.h"
#include "ui/theme.h"

#define LABEL_W 12        /* width of the header labels */
#define PATH_W_MAX 32     /* dotted paths are padded up to this */
#define FIELDS_MAX 2000   /* structured fields listed at most */
#define ARRAY_MAX 50      /* array items listed at most */

void detail_put(struct detail *d, const char *s, size_t n, int role)
{
    struct dline *c = &d->cur;
    if (c->len + n > d->cur_cap) {
        size_t cap = d->cur_cap ? d->cur_cap : 128;
        while (cap < c->len + n)
            cap *= 2;
        char *t = realloc(c->text, cap);
        uint8_t *r = t ? realloc(c->roles, cap) : NULL;
        if (t)
            c->text = t;
        if (!t || !r) {
            d->oom = 1;
            return;
        }
        c->roles = r;
        d->cur_cap = cap;
    }
    memcpy(c->text + c->len, s, n);
    memset(c->roles + c->len, role, n);
    c->len += n;
}

void detail_puts(struct detail *d, const char *s, int role)
{
    detail_put(d, s, strlen(s), role);
}

void detail_endl(struct detail *d, int indent)
{
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 64;
        struct dline *v = realloc(d->lines, (size_t)cap * sizeof *v);
        if (!v) {
            d->oom = 1;
            return;
        }
        d->lines = v;
        d->cap = cap;
    }
    d->cur.indent = indent;
    d->lines[d->n++] = d->cur;
    memset(&d->cur, 0, sizeof d->cur);
    d->cur_cap = 0;
}

static void free_lines(struct detail *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->lines[i].text);
        free(d->lines[i].roles);
    }
    free(d->lines);
    free(d->cur.text);
    free(d->cur.roles);
    free(d->rows);
    memset(d, 0, sizeof *d);
}

void detail_fini(struct detail *d)
{
    free_lines(d);
}

static void label(struct detail *d, const char *name)
{
    char pad[LABEL_W + 1];
    int w = (int)strlen(name);
    detail_puts(d, name, ROLE_LABEL);
    memset(pad, ' ', sizeof pad);
    detail_put(d, pad, (size_t)(w < LABEL_W ? LABEL_W - w : 1), ROLE_DEFAULT);
}

static void field_line(struct detail *d, const char *name, const char *val, size_t n, int role)
{
    label(d, name);
    detail_put(d, val, n, role);
    detail_endl(d, LABEL_W);
}

static void section(struct detail *d, const char *title)
{
    detail_endl(d, 0);
    detail_puts(d, "── ", ROLE_BORDER);
    detail_puts(d, title, ROLE_TITLE);
    detail_puts(d, " ──", ROLE_BORDER);
    detail_endl(d, 0);
}

/* Text split at '\n' into lines, capped at DETAIL_TEXT_MAX bytes. */
static void text_lines(struct detail *d, const char *s, size_t n, int role, int indent)
{
    size_t cap = n > DETAIL_TEXT_MAX ? DETAIL_TEXT_MAX : n;
    size_t i = 0;
    while (i < cap) {
        const char *nl = memchr(s + i, '\n', cap - i);
        size_t len = nl ? (size_t)(nl - (s + i)) : cap - i;
        for (int k = 0; k < indent; k++)
            detail_put(d, " ", 1, ROLE_DEFAULT);
        detail_put(d, s + i, len, role);
        detail_endl(d, indent);
        i += len + 1;
    }
    if (n > cap) {
        char more[96];
        snprintf(more, sizeof more, "… %zu more bytes not shown", n - cap);
        detail_puts(d, more, ROLE_DIM);
        detail_endl(d, indent);
    }
}

static void header(struct detail *d, const struct store_row *row)
{
    const struct record *r = &row->rec;
    char buf[160], t1[32], t2[32];
    snprintf(buf, sizeof buf, "%s   (local %s)%s", ts_format(r->ts, t1),
             ts_format_short(r->ts, 0, t2), r->ts_guessed ? "   time of reading" : "");
    field_line(d, "time", buf, strlen(buf), ROLE_TIME);
    const char *lv = level_name(r->level);
    field_line(d, "level", lv, strlen(lv), role_for_level(r->level));
    if (r->service)
        field_line(d, "service", r->service, strlen(r->service), ROLE_SERVICE);
    if (r->logger)
        field_line(d, "logger", r->logger, strlen(r->logger), ROLE_SERVICE);
    if (r->cid)
        field_line(d, "cid", r->cid, strlen(r->cid), ROLE_CID);
    if (row->file)
        field_line(d, "file", row->file, strlen(row->file), ROLE_DEFAULT);
    snprintf(buf, sizeof buf, "%lld   (%d line%s, format %s%s)", (long long)r->offset, r->nlines,
             r->nlines == 1 ? "" : "s", fmt_name(r->format), r->truncated ? ", truncated" : "");
    field_line(d, "offset", buf, strlen(buf), ROLE_DEFAULT);
    if (r->has_duration) {
        snprintf(buf, sizeof buf, "%g ms", r->duration_ms);
        field_line(d, "duration", buf, strlen(buf), ROLE_JSON_NUMBER);
    }
    if (r->has_status) {
        snprintf(buf, sizeof buf, "%lld", (long long)r->status);
        field_line(d, "status", buf, strlen(buf), ROLE_JSON_NUMBER);
    }
    if (r->metric_name) {
        snprintf(buf, sizeof buf, "%.100s = %g", r->metric_name, r->metric_value);
        field_line(d, "metric", buf, strlen(buf), ROLE_JSON_NUMBER);
    }
    snprintf(buf, sizeof buf, "#%lld", (long long)row->id);
    field_line(d, "record", buf, strlen(buf), ROLE_DIM);
}

struct walk {
    struct detail *d;
    int pathw, count;
};

static int leaf_role(const cJSON *v)
{
    if (cJSON_IsString(v))
        return ROLE_JSON_STRING;
    if (cJSON_IsNumber(v))
        return ROLE_JSON_NUMBER;
    return ROLE_JSON_LITERAL;
}

static void leaf(struct walk *w, const char *path, const cJSON *v)
{
    if (w->count++ >= FIELDS_MAX)
        return;
    int pw = text_width(path, strlen(path));
    detail_puts(w->d, path, ROLE_JSON_KEY);
    char pad[PATH_W_MAX + 3];
    int n = pw < w->pathw ? w->pathw - pw + 2 : 2;
    memset(pad, ' ', (size_t)n);
    detail_put(w->d, pad, (size_t)n, ROLE_DEFAULT);
    if (cJSON_IsString(v)) {
        detail_puts(w->d, v->valuestring, ROLE_JSON_STRING);
    } else {
        char *s = cJSON_PrintUnformatted(v);
        detail_puts(w->d, s ? s : "?", leaf_role(v));
        free(s);
    }
    detail_endl(w->d, w->pathw + 2);
}

/* Calls fn for every leaf under v with its dotted path (arrays as [i]). */
static void walk_leaves(const cJSON *v, char *path, size_t plen, int depth,
                        void (*fn)(void *, const char *, const cJSON *), void *ctx)
{
    if ((!cJSON_IsObject(v) && !cJSON_IsArray(v)) || depth > 32 || !v->child) {
        fn(ctx, path, v);
        return;
    }
    int i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        if (cJSON_IsArray(v) && i >= ARRAY_MAX)
            break;
        int k = cJSON_IsArray(v) ? snprintf(path + plen, 512 - plen, "[%d]", i)
                                 : snprintf(path + plen, 512 - plen, "%s%s", plen ? "." : "",
                                            c->string ? c->string : "");
        size_t nl = plen + (size_t)k < 511 ? plen + (size_t)k : 511;
        walk_leaves(c, path, nl, depth + 1, fn, ctx);
        path[plen] = 0;
    }
}

static void measure_fn(void *ctx, const char *path, const cJSON *v)
{
    struct walk *w = ctx;
    int pw = text_width(path, strlen(path));
    (void)v;
    if (pw > w->pathw && pw <= PATH_W_MAX)
        w->pathw = pw;
}

static void leaf_fn(void *ctx, const char *path, const cJSON *v)
{
    leaf(ctx, path, v);
}

static void fields(struct detail *d, const char *json, size_t n)
{
    cJSON *root = jsonraw_parse(json, n, NULL);
    if (!root || !cJSON_IsObject(root) || !root->child) {
        cJSON_Delete(root);
        return;
    }
    section(d, "fields");
    char path[512] = "";
    struct walk w = {.d = d};
    walk_leaves(root, path, 0, 0, measure_fn, &w);
    walk_leaves(root, path, 0, 0, leaf_fn, &w);
    if (w.count > FIELDS_MAX) {
        char more[64];
        snprintf(more, sizeof more, "… %d more fields", w.count - FIELDS_MAX);
        detail_puts(d, more, ROLE_DIM);
        detail_endl(d, 0);
    }
    cJSON_Delete(root);
}

int detail_build(struct detail *d, const struct store_row *row)
{
    const struct record *r = &row->rec;
    free_lines(d);
    d->id = row->id;
    header(d, row);
    section(d, "message");
    text_lines(d, r->msg ? r->msg : "", r->msg ? r->msg_len : 0, role_line_for_level(r->level), 0);
    const char *json = r->format == FMT_JSON ? r->raw : r->fields;
    size_t jn = r->format == FMT_JSON ? r->raw_len : (r->fields ? strlen(r->fields) : 0);
    if (json && jn && jn <= DETAIL_JSON_MAX) {
        fields(d, json, jn);
        section(d, r->format == FMT_JSON ? "JSON" : "fields as JSON");
        int before = d->n;
        if (detail_json(d, json, jn, 0) < 0 && d->n == before) {
            detail_puts(d, "(not valid JSON: see the raw text)", ROLE_DIM);
            detail_endl(d, 0);
        }
    }
    section(d, "raw");
    text_lines(d, r->raw ? r->raw : "", r->raw ? r->raw_len : 0, ROLE_DEFAULT, 0);
    if (d->oom) {
        free_lines(d);
        return -1;
    }
    return 0;
}

static int push_row(struct detail *d, int line, size_t off, size_t end, int cont)
{
    if (d->nrows == d->rows_cap) {
        int cap = d->rows_cap ? d->rows_cap * 2 : 128;
        struct vrow *v = realloc(d->rows, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        d->rows = v;
        d->rows_cap = cap;
    }
    d->rows[d->nrows++] = (struct vrow){line, off, end, cont};
    return 0;
}

/* Wraps one line: the first row takes width columns, the others width -
 * indent (at least 8). Tabs count from the start of the line. */
static int wrap_line(struct detail *d, int li, int width)
{
    const struct dline *l = &d->lines[li];
    size_t off = 0;
    int cont = 0;
    do {
        int avail = cont ? width - l->indent : width;
        if (avail < 8)
            avail = width;
        size_t take = text_fit(l->text + off, l->len - off, avail, NULL);
        if (take == 0 && off < l->len) {   /* one glyph wider than the row */
            size_t p = off;
            struct glyph g[TEXT_MAXG];
            text_decode(l->text, l->len, &p, g);
            take = p - off;
        }
        if (push_row(d, li, off, off + take, cont) < 0)
            return -1;
        off += take;
        cont = 1;
    } while (off < l->len);
    return 0;
}

int detail_layout(struct detail *d, int width)
{
    if (width < 1)
        width = 1;
    if (d->width == width && d->nrows > 0)
        return 0;
    d->nrows = 0;
    d->width = width;
    for (int i = 0; i < d->n; i++)
        if (wrap_line(d, i, width) < 0)
            return -1;
    return 0;
}

int detail_find_line(const struct detail *d, const char *prefix)
{
    size_t n = strlen(prefix);
    for (int i = 0; i < d->n; i++)
        if (d->lines[i].len >= n && memcmp(d->lines[i].text, prefix, n) == 0)
            return i;
    return -1;
}
