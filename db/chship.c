/* chship: the write side of the ClickHouse backend, used by the shipper
 * (src/follow/ship.c). Rows of the local store become one TabSeparated
 * INSERT per batch, each carrying (host, store_id, rid) so that after an
 * unknown outcome the shipper can ask which records arrived
 * (chstore_max_rid) and resend only what follows: exactly once. The
 * structured fields are flattened into attr (dotted keys, scalar leaves as
 * the SQLite store's ld_field() prints them); path is lifted to a column. */
#include "db/chstore_int.h"
#include "src/base/record.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* TSV field text; quoted: as an element of an array ('...'). */
static void tsv_put(struct chbuf *b, const char *s, size_t n, int quoted)
{
    static const char hex[] = "0123456789abcdef";
    if (quoted)
        chb_put(b, "'", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[4] = {'\\', 0, 0, 0};
        size_t en = 2;
        if (c == '\\' || (quoted && c == '\''))
            esc[1] = (char)c;
        else if (c == '\t')
            esc[1] = 't';
        else if (c == '\n')
            esc[1] = 'n';
        else if (c == '\r')
            esc[1] = 'r';
        else if (c == '\0')
            esc[1] = '0';
        else if (quoted && c < 0x20)
            esc[1] = 'x', esc[2] = hex[c >> 4], esc[3] = hex[c & 15], en = 4;
        else {
            chb_put(b, (const char *)&s[i], 1);
            continue;
        }
        chb_put(b, esc, en);
    }
    if (quoted)
        chb_put(b, "'", 1);
}

static void tsv_str(struct chbuf *b, const char *s)
{
    if (s)
        tsv_put(b, s, strlen(s), 0);
    chb_put(b, "\t", 1);
}

static void tsv_num(struct chbuf *b, int has, double v)
{
    if (has && isfinite(v))
        chb_add(b, "%.17g\t", v);
    else
        chb_add(b, "\\N\t");
}

/* A scalar as ld_field() returns it (as text). */
static char *leaf_text(const cJSON *v)
{
    if (cJSON_IsString(v))
        return strdup(v->valuestring);
    if (cJSON_IsBool(v))
        return strdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v)) {
        char buf[64];
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            snprintf(buf, sizeof buf, "%lld", (long long)d);
        else
            snprintf(buf, sizeof buf, "%.15g", d);
        return strdup(buf);
    }
    return cJSON_PrintUnformatted(v);
}

struct flat {
    struct chbuf keys, vals;
    int n;
    char *path;     /* first of path, url.path, endpoint */
    int path_rank;
};

static void flat_leaf(struct flat *fl, const char *key, const cJSON *v)
{
    char *t = leaf_text(v);
    if (!t)
        return;
    chb_put(&fl->keys, fl->n ? "," : "[", 1);
    chb_put(&fl->vals, fl->n ? "," : "[", 1);
    tsv_put(&fl->keys, key, strlen(key), 1);
    tsv_put(&fl->vals, t, strlen(t), 1);
    fl->n++;
    int rank = !strcmp(key, "path") ? 3 : !strcmp(key, "url.path") ? 2
             : !strcmp(key, "endpoint") ? 1 : 0;
    if (rank > fl->path_rank && cJSON_IsString(v)) {
        free(fl->path);
        fl->path = t;
        fl->path_rank = rank;
    } else {
        free(t);
    }
}

static void flatten(struct flat *fl, const cJSON *obj, char *prefix, size_t plen, int depth)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (!c->string || cJSON_IsNull(c))
            continue;
        size_t kn = strlen(c->string);
        if (plen + kn + 2 > 1024)
            continue;
        char *key = prefix + plen;
        if (plen)
            *key++ = '.';
        memcpy(key, c->string, kn + 1);
        size_t nl = plen + (plen ? 1 : 0) + kn;
        if (cJSON_IsObject(c) && depth < 16)
            flatten(fl, c, prefix, nl, depth + 1);
        else
            flat_leaf(fl, prefix, c);
        prefix[plen] = '\0';
    }
}

/* Writes "path<TAB>[keys]<TAB>[values]" (the last three columns). */
static void put_attrs(struct chbuf *b, const struct record *r)
{
    struct flat fl = {0};
    const char *js = r->format == FMT_JSON ? r->raw : r->fields;
    size_t jn = r->format == FMT_JSON ? r->raw_len : (js ? strlen(js) : 0);
    cJSON *root = js && jn ? cJSON_ParseWithLength(js, jn) : NULL;
    if (cJSON_IsObject(root)) {
        char prefix[1100] = "";
        flatten(&fl, root, prefix, 0, 0);
    }
    cJSON_Delete(root);
    tsv_str(b, fl.path);
    free(fl.path);
    chb_put(&fl.keys, fl.n ? "]" : "[]", fl.n ? 1 : 2);
    chb_put(&fl.vals, fl.n ? "]" : "[]", fl.n ? 1 : 2);
    chb_put(b, fl.keys.s, fl.keys.len);
    chb_put(b, "\t", 1);
    chb_put(b, fl.vals.s, fl.vals.len);
    chb_fini(&fl.keys);
    chb_fini(&fl.vals);
}

#define INSERT_COLS "ts, id, host, store_id, rid, file, off, level, fmt, service, logger, " \
                    "cid, msg, status, duration, metric, mvalue, fields, raw, nlines, flags, " \
                    "path, attr.key, attr.value"

/* Orders the records of several stores with equal ts: rid first, then a
 * hash of (host, store id), so a store's own order is kept. */
static uint64_t row_uid(const char *host, const char *store_id, int64_t rid)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = host; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (const char *p = store_id; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return ((uint64_t)rid << 10) | (h & 1023);
}

int chstore_ship_add(struct chstore *c, const char *host, const char *store_id,
                     const struct store_row *row, struct err *e)
{
    struct chbuf *b = &c->batch;
    const struct record *r = &row->rec;
    chb_add(b, "%lld\t%llu\t", (long long)r->ts,
            (unsigned long long)row_uid(host, store_id, row->id));
    tsv_str(b, host);
    tsv_str(b, store_id);
    chb_add(b, "%lld\t", (long long)row->id);
    tsv_str(b, row->file);
    chb_add(b, "%lld\t%d\t%d\t", (long long)(r->offset > 0 ? r->offset : 0), r->level,
            r->format);
    tsv_str(b, r->service);
    tsv_str(b, r->logger);
    tsv_str(b, r->cid);
    tsv_put(b, r->msg ? r->msg : "", r->msg ? r->msg_len : 0, 0);
    chb_put(b, "\t", 1);
    if (r->has_status)
        chb_add(b, "%lld\t", (long long)r->status);
    else
        chb_add(b, "\\N\t");
    tsv_num(b, r->has_duration, r->duration_ms);
    tsv_str(b, r->metric_name);
    tsv_num(b, r->has_metric, r->metric_value);
    tsv_str(b, r->fields);
    tsv_put(b, r->raw ? r->raw : "", r->raw ? r->raw_len : 0, 0);
    chb_add(b, "\t%d\t%d\t", r->nlines > 0 ? r->nlines : 1,
            (r->ts_guessed ? 1 : 0) | (r->truncated ? 2 : 0));
    put_attrs(b, r);
    chb_put(b, "\n", 1);
    if (b->oom)
        return err_set(e, "out of memory building a batch");
    if (!c->batch_rows++)
        c->batch_first_rid = row->id;
    c->batch_last_rid = row->id;
    return 0;
}

size_t chstore_ship_pending(const struct chstore *c)
{
    return c->batch_rows;
}

size_t chstore_ship_bytes(const struct chstore *c)
{
    return c->batch.len;
}

void chstore_ship_discard(struct chstore *c)
{
    chb_reset(&c->batch);
    c->batch_rows = 0;
}

int chstore_ship_flush(struct chstore *c, int *unknown, struct err *e)
{
    *unknown = 0;
    if (!c->batch_rows)
        return 0;
    char sql[512];
    snprintf(sql, sizeof sql, "INSERT INTO %s (" INSERT_COLS ") FORMAT TabSeparated",
             c->local_logs);
    snprintf(c->query_id, sizeof c->query_id, "%s", c->ship_qid);
    if (ch_http(c, sql, c->batch.s, c->batch.len, unknown, e) < 0)
        return -1;
    chstore_ship_discard(c);
    return 0;
}

/* Waits (at most 60 s) until no INSERT of this journal runs on the server:
 * a client killed or timed out does not stop one the server has started,
 * and its rows must be counted before asking where the copy ends. */
static int wait_inserts(struct chstore *c, struct err *e)
{
    int quiet = 0;
    for (int i = 0; i < 600 && quiet < 2; i++) {
        chb_reset(&c->sql);
        chb_add(&c->sql, "SELECT count() FROM system.processes WHERE query_id = ");
        chsql_lit(&c->sql, CHSQL_STR, c->ship_qid, strlen(c->ship_qid));
        if (c->sql.oom || ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
            return -1;
        quiet = c->resp.s && atoi(c->resp.s) == 0 ? quiet + 1 : 0;
        if (quiet < 2)
            nanosleep(&(struct timespec){0, 100000000L}, NULL);
    }
    return quiet >= 2 ? 0 : err_set(e, "%s: an INSERT of this journal is still running", c->name);
}

int chstore_max_rid(struct chstore *c, const char *host, const char *store_id, int64_t *out,
                    struct err *e)
{
    snprintf(c->ship_qid, sizeof c->ship_qid, "logdeck-ship-%.60s-%.60s", host, store_id);
    int64_t repaired;
    if (wait_inserts(c, e) < 0 || ch_repair_by_cid(c, host, store_id, &repaired, e) < 0)
        return -1;   /* the trace view made whole first (db/chrepair.c) */
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT max(rid) FROM %s WHERE host = ", c->local_logs);
    chsql_lit(&c->sql, CHSQL_STR, host, strlen(host));
    chb_add(&c->sql, " AND store_id = ");
    chsql_lit(&c->sql, CHSQL_STR, store_id, strlen(store_id));
    chb_add(&c->sql, " FORMAT TabSeparated");
    if (c->sql.oom)
        return err_set(e, "out of memory");
    if (ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
        return -1;
    *out = c->resp.s ? strtoll(c->resp.s, NULL, 10) : 0;
    return 0;
}
