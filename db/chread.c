/* chread: the read API of the ClickHouse backend (db/exec.h contracts):
 * keyset pages ordered by (ts, id), counts, traces from the (cid, ts)
 * view, and the aggregation scan. Answers are TabSeparated, decoded in
 * place; rows handed to callbacks are borrowed until the callback returns. */
#include "db/chstore_int.h"
#include "src/base/record.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_COLS "id, ts, level, fmt, host, file, off, service, logger, cid, msg, duration, " \
                 "status, metric, mvalue, fields, raw, nlines, flags"
enum { NROW = 19 };

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

static void decode_row(char **f, size_t *fl, struct store_row *r)
{
    memset(r, 0, sizeof *r);
    struct record *rec = &r->rec;
    r->id = f[0] ? strtoll(f[0], NULL, 10) : 0;
    rec->ts = f[1] ? strtoll(f[1], NULL, 10) : 0;
    rec->level = f[2] ? atoi(f[2]) : 0;
    rec->format = f[3] ? atoi(f[3]) : 0;
    rec->host = opt(f[4]);
    r->file = f[5] ? f[5] : "";
    rec->offset = f[6] ? strtoll(f[6], NULL, 10) : 0;
    rec->service = opt(f[7]);
    rec->logger = opt(f[8]);
    rec->cid = opt(f[9]);
    rec->msg = f[10] ? f[10] : "";
    rec->msg_len = fl[10];
    rec->has_duration = f[11] != NULL;
    rec->duration_ms = f[11] ? strtod(f[11], NULL) : 0;
    rec->has_status = f[12] != NULL;
    rec->status = f[12] ? strtoll(f[12], NULL, 10) : 0;
    rec->metric_name = opt(f[13]);
    rec->has_metric = f[14] != NULL;
    rec->metric_value = f[14] ? strtod(f[14], NULL) : 0;
    rec->fields = opt(f[15]);
    rec->raw = f[16] ? f[16] : "";
    rec->raw_len = fl[16];
    rec->nlines = f[17] ? atoi(f[17]) : 1;
    int flags = f[18] ? atoi(f[18]) : 0;
    rec->ts_guessed = flags & 1;
    rec->truncated = (flags >> 1) & 1;
}

/* Runs c->sql and hands each row to cb; returns rows delivered or -1. */
static int run_rows(struct chstore *c, store_row_fn cb, void *ctx, struct err *e)
{
    if (c->sql.oom)
        return err_set(e, "out of memory building a query");
    if (ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
        return -1;
    char *f[NROW];
    size_t fl[NROW], pos = 0;
    int n = 0;
    while (ch_tsv_row(c->resp.s, c->resp.len, &pos, f, fl, NROW) == NROW) {
        struct store_row row;
        decode_row(f, fl, &row);
        n++;
        if (cb(ctx, &row))
            break;
    }
    return n;
}

static int where(struct chstore *c, const struct plan *p, int64_t since, int64_t until,
                 struct err *e)
{
    chplan_prewhere(&c->sql, p->root);
    chb_add(&c->sql, " WHERE ");
    if (chplan_cond(&c->sql, p->root, e) < 0)
        return -1;
    if (since)
        chb_add(&c->sql, " AND ts >= %lld", (long long)since);
    if (until)
        chb_add(&c->sql, " AND ts <= %lld", (long long)until);
    return 0;
}

static int page_sql(struct chstore *c, const struct plan *p, const struct store_page *pg,
                    struct err *e)
{
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT " ROW_COLS " FROM %s", c->logs);
    if (where(c, p, pg->since, pg->until, e) < 0)
        return -1;
    const char *cmp = pg->oldest_first ? ">" : "<", *dir = pg->oldest_first ? "ASC" : "DESC";
    if (pg->has_cursor)
        chb_add(&c->sql, " AND (ts %s %lld OR (ts = %lld AND id %s %lld))", cmp,
                (long long)pg->cursor_ts, (long long)pg->cursor_ts, cmp,
                (long long)pg->cursor_id);
    chb_add(&c->sql, " ORDER BY ts %s, id %s", dir, dir);
    if (pg->limit > 0)
        chb_add(&c->sql, " LIMIT %d", pg->limit);
    chb_add(&c->sql, " FORMAT TabSeparated");
    return 0;
}

/* A page in two steps: the (ts, id) keys of the page from the columns the
 * condition needs, then the whole rows of just those keys (a sort over the
 * wide columns of every match cost seconds at 1M rows). */
static int page_keys(struct chstore *c, const struct plan *p, const struct store_page *pg,
                     struct err *e)
{
    if (page_sql(c, p, pg, e) < 0)
        return -1;
    size_t at = strlen("SELECT " ROW_COLS);
    char *rest = strdup(c->sql.s + at);
    if (!rest)
        return err_set(e, "out of memory");
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT ts, id%s", rest);
    free(rest);
    if (c->sql.oom || ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
        return c->sql.oom ? err_set(e, "out of memory") : -1;
    struct chbuf keys = {0};
    char *f[2];
    size_t fl[2], pos = 0;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    int n = 0;
    while (ch_tsv_row(c->resp.s, c->resp.len, &pos, f, fl, 2) == 2 && f[0] && f[1]) {
        int64_t ts = strtoll(f[0], NULL, 10);
        lo = ts < lo ? ts : lo;
        hi = ts > hi ? ts : hi;
        chb_add(&keys, "%s(%lld, %s)", n++ ? ", " : "", (long long)ts, f[1]);
    }
    const char *dir = pg->oldest_first ? "ASC" : "DESC";
    chb_reset(&c->sql);
    if (n)
        chb_add(&c->sql, "SELECT " ROW_COLS " FROM %s WHERE ts >= %lld AND ts <= %lld AND "
                "(ts, id) IN (%s) ORDER BY ts %s, id %s LIMIT %d FORMAT TabSeparated", c->logs,
                (long long)lo, (long long)hi, keys.s ? keys.s : "", dir, dir, n);
    int oom = keys.oom;
    chb_fini(&keys);
    return oom ? err_set(e, "out of memory") : n;
}

int chstore_query(struct chstore *c, const struct plan *p, const struct store_page *pg,
                  store_row_fn cb, void *ctx, struct err *e)
{
    struct store_page none = {0};
    pg = pg ? pg : &none;
    if (pg->limit > 0 && pg->limit <= 1000) {
        int n = page_keys(c, p, pg, e);
        return n <= 0 ? n : run_rows(c, cb, ctx, e);
    }
    if (page_sql(c, p, pg, e) < 0)
        return -1;
    return run_rows(c, cb, ctx, e);
}

int chstore_explain(struct chstore *c, const struct plan *p, const struct store_page *pg,
                    char *buf, size_t cap, struct err *e)
{
    struct store_page none = {0};
    if (page_sql(c, p, pg ? pg : &none, e) < 0)
        return -1;
    snprintf(buf, cap, "%s\n", c->sql.s ? c->sql.s : "");
    return 0;
}

int chstore_count(struct chstore *c, const struct plan *p, int64_t since, int64_t until,
                  int64_t *out, struct err *e)
{
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT count() FROM %s", c->logs);
    if (where(c, p, since, until, e) < 0)
        return -1;
    chb_add(&c->sql, " FORMAT TabSeparated");
    if (c->sql.oom)
        return err_set(e, "out of memory building a query");
    if (ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
        return -1;
    *out = c->resp.s ? strtoll(c->resp.s, NULL, 10) : 0;
    return 0;
}

int chstore_trace(struct chstore *c, const char *cid, store_row_fn cb, void *ctx,
                  struct err *e)
{
    char *low = strdup(cid ? cid : "");
    if (!low)
        return err_set(e, "out of memory");
    for (char *p = low; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT " ROW_COLS " FROM %s WHERE cidl = ", c->by_cid);
    chsql_lit(&c->sql, CHSQL_STR, low, strlen(low));
    chb_add(&c->sql, " ORDER BY ts, id FORMAT TabSeparated");
    free(low);
    return run_rows(c, cb, ctx, e);
}

/* The group key expression: NULL when the row has no such field. */
void ch_group_expr(struct chbuf *b, int f, const char *path, int source)
{
    if (f < 0) {
        chb_add(b, "NULL");
    } else if (f == PF_SERVICE && source) {
        chb_add(b, "multiIf(service != '', service, logger != '', logger, "
                   "extract(file, '([^/.]+)[^/]*$') != '', extract(file, '([^/.]+)[^/]*$'), NULL)");
    } else if (f == PF_JSON && path && strcmp(path, "path") == 0) {
        chb_add(b, "nullIf(path, '')");   /* the request path column (as SQLite's r.path) */
    } else if (f == PF_JSON) {
        chb_add(b, "if(has(attr.key, ");
        chsql_lit(b, CHSQL_STR, path ? path : "",
                  strlen(path ? path : ""));
        chb_add(b, "), ");
        chplan_field(b, f, path, 0);
        chb_add(b, ", NULL)");
    } else if (f == PF_CID || f == PF_SERVICE || f == PF_LOGGER || f == PF_METRIC) {
        chb_add(b, "nullIf(");
        chplan_field(b, f, NULL, 0);
        chb_add(b, ", '')");
    } else {
        chb_add(b, "toString(");
        chplan_field(b, f, path, 0);
        chb_add(b, ")");
    }
}

static void value_expr(struct chbuf *b, const struct store_scan_spec *sp)
{
    if (sp->value_field < 0)
        chb_add(b, "NULL");
    else
        chplan_field(b, sp->value_field, sp->value_path, 1);
}

int64_t chstore_scan(struct chstore *c, const struct plan *p, const struct store_scan_spec *sp,
                     store_scan_fn cb, void *ctx, struct err *e)
{
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT ts, level, ");
    value_expr(&c->sql, sp);
    chb_add(&c->sql, ", status, ");
    ch_group_expr(&c->sql, sp->group_field, sp->group_path, sp->group_source);
    chb_add(&c->sql, ", nullIf(metric, ''), mvalue, if(level >= %d, msg, NULL) FROM %s",
            sp->msg_min_level, c->logs);
    if (where(c, p, sp->since, sp->until, e) < 0)
        return -1;
    chb_add(&c->sql, " FORMAT TabSeparated");
    if (c->sql.oom)
        return err_set(e, "out of memory building a query");
    if (ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
        return -1;
    char *f[8];
    size_t fl[8], pos = 0;
    int64_t n = 0;
    while (ch_tsv_row(c->resp.s, c->resp.len, &pos, f, fl, 8) == 8) {
        struct store_scan_row r = {
            .ts = f[0] ? strtoll(f[0], NULL, 10) : 0,
            .level = f[1] ? atoi(f[1]) : 0,
            .has_value = f[2] != NULL,
            .value = f[2] ? strtod(f[2], NULL) : 0,
            .has_status = f[3] != NULL,
            .status = f[3] ? strtoll(f[3], NULL, 10) : 0,
            .group = f[4], .group_len = fl[4],
            .metric = f[5],
            .has_mvalue = f[6] != NULL,
            .mvalue = f[6] ? strtod(f[6], NULL) : 0,
            .msg = f[7], .msg_len = fl[7],
        };
        n++;
        if (cb(ctx, &r))
            break;
    }
    return n;
}
