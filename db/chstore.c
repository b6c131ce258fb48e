/* chstore: opening a ClickHouse backend, its schema (store init) and
 * totals. Schema v1, for the 18.16 subset (no DateTime64, Map, skip
 * indexes, codecs or TTL there):
 *   logs(ts UInt64 µs, id, host, store_id, rid, file, off, level, fmt,
 *        service, logger, cid, msg, path, status, duration, metric, mvalue,
 *        fields, raw, nlines, flags, attr Nested(key, value))
 *     PARTITION BY day, ORDER BY (service, ts); '' stands for absent text.
 *   logs_by_cid: materialized view ordered by (lower(cid), ts) for traces.
 *   logdeck_meta(k, v): schema version, cluster name.
 * With ?cluster=NAME each shard holds the tables above and reads go
 * through Distributed tables logs_all and logs_by_cid_all. Retention drops
 * whole day partitions. */
#include "db/chstore_int.h"
#include "db/chddl.h"

#include "src/base/curl_dl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


const char *chstore_name(const struct chstore *c)
{
    return c->name;
}

/* The first line of the answer to sql, or NULL (e filled). */
static const char *ask(struct chstore *c, const char *sql, struct err *e)
{
    if (ch_http(c, sql, NULL, 0, NULL, e) < 0)
        return NULL;
    if (c->resp.s)
        c->resp.s[strcspn(c->resp.s, "\n")] = '\0';
    return c->resp.s ? c->resp.s : "";
}

static void set_tables(struct chstore *c)
{
    const char *sfx = c->cluster[0] ? "_all" : "";
    snprintf(c->logs, sizeof c->logs, "%s.logs%s", c->db, sfx);
    snprintf(c->by_cid, sizeof c->by_cid, "%s.logs_by_cid%s", c->db, sfx);
    snprintf(c->local_logs, sizeof c->local_logs, "%s.logs", c->db);
}

static struct chstore *connect_to(const char *url, int (*give_up)(void *), void *ctx,
                                  struct err *e)
{
    struct chstore *c = calloc(1, sizeof *c);
    if (!c) {
        err_set(e, "out of memory");
        return NULL;
    }
    if (ch_parse_url(c, url, e) < 0) {
        free(c);
        return NULL;
    }
    chstore_give_up(c, give_up, ctx);
    const char *v = ask(c, "SELECT version()", e);
    if (!v) {
        chstore_close(c);
        return NULL;
    }
    if (chddl_version(v, &c->version_major, &c->version_minor) < 0) {
        err_set(e, "%s: unexpected answer to SELECT version(): '%.40s'", c->name, v);
        chstore_close(c);
        return NULL;
    }
    return c;
}

struct chstore *chstore_open(const char *url, struct err *e)
{
    return chstore_open_within(url, NULL, NULL, e);
}

struct chstore *chstore_open_within(const char *url, int (*give_up)(void *), void *ctx,
                                    struct err *e)
{
    struct chstore *c = connect_to(url, give_up, ctx, e);
    if (!c)
        return NULL;
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT k, v FROM %s.logdeck_meta FORMAT TabSeparated", c->db);
    struct err e2 = {0};
    if (ch_http(c, c->sql.s, NULL, 0, NULL, &e2) < 0) {
        err_setc(e, 1, "%s has no logdeck schema (%s); create it with: logdeck store init --db %s",
                c->name, strstr(e2.msg, "server said") ? "no logdeck_meta table" : e2.msg,
                c->name);
        chstore_close(c);
        return NULL;
    }
    int ver = 0;
    size_t pos = 0;
    char *f[2];
    size_t fl[2];
    while (ch_tsv_row(c->resp.s, c->resp.len, &pos, f, fl, 2) == 2) {
        if (f[0] && f[1] && !strcmp(f[0], "schema"))
            ver = atoi(f[1]);
        else if (f[0] && f[1] && !strcmp(f[0], "cluster"))
            snprintf(c->cluster, sizeof c->cluster, "%s", f[1]);
    }
    if (ver != CHSTORE_SCHEMA_VERSION) {
        err_setc(e, 1, "%s has logdeck schema version %d; this logdeck speaks version %d%s",
                c->name, ver, CHSTORE_SCHEMA_VERSION,
                ver > CHSTORE_SCHEMA_VERSION ? ": upgrade logdeck"
                : "; it cannot migrate that one: create the schema in a new database with "
                  "logdeck store init --db clickhouse://HOST:PORT/NEWDB");
        chstore_close(c);
        return NULL;
    }
    set_tables(c);
    return c;
}

void chstore_close(struct chstore *c)
{
    if (!c)
        return;
    if (c->curl)
        ((const struct curl_api *)c->api)->easy_cleanup(c->curl);
    chb_fini(&c->sql);
    chb_fini(&c->resp);
    chb_fini(&c->batch);
    free(c);
}

static int run(struct chstore *c, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int run(struct chstore *c, struct err *e, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return ch_http(c, sql, NULL, 0, NULL, e);
}

/* Runs the DDL in c->sql. */
static int run_sql(struct chstore *c, struct err *e)
{
    if (c->sql.oom)
        return err_set(e, "out of memory");
    return ch_http(c, c->sql.s, NULL, 0, NULL, e);
}

/* The tables of schema v1, as the server's version allows (db/chddl.c). */
static int create(struct chstore *c, int64_t ttl_days, struct err *e)
{
    const char *db = c->db;
    struct chddl_opts o = {.major = c->version_major, .minor = c->version_minor, .db = db,
                           .ttl_days = ttl_days};
    if (run(c, e, "CREATE DATABASE IF NOT EXISTS %s", db) < 0)
        return -1;
    chb_reset(&c->sql);
    chddl_logs(&c->sql, &o);
    if (run_sql(c, e) < 0)
        return -1;
    chb_reset(&c->sql);
    chddl_by_cid(&c->sql, &o);
    if (run_sql(c, e) < 0)
        return -1;
    if (c->cluster[0] &&
        (run(c, e, "CREATE TABLE IF NOT EXISTS %s.logs_all AS %s.logs ENGINE = "
             "Distributed(%s, %s, logs)", db, db, c->cluster, db) < 0 ||
         run(c, e, "CREATE TABLE IF NOT EXISTS %s.logs_by_cid_all AS %s.logs_by_cid ENGINE = "
             "Distributed(%s, %s, logs_by_cid)", db, db, c->cluster, db) < 0))
        return -1;
    if (run(c, e, "CREATE TABLE IF NOT EXISTS %s.logdeck_meta (k String, v String) "
            "ENGINE = TinyLog", db) < 0)
        return -1;
    chb_reset(&c->sql);
    chb_add(&c->sql, "INSERT INTO %s.logdeck_meta VALUES ('schema', '%d'), ('cluster', ", db,
            CHSTORE_SCHEMA_VERSION);
    chsql_lit(&c->sql, CHSQL_STR, c->cluster, strlen(c->cluster));
    chb_add(&c->sql, ")");
    return run_sql(c, e);
}

int chstore_init(const char *url, int64_t ttl_days, char *what, size_t cap, struct err *e)
{
    struct chstore *c = connect_to(url, NULL, NULL, e);
    if (!c)
        return -1;
    int rc = -1;
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT v FROM %s.logdeck_meta WHERE k = 'schema' FORMAT TabSeparated",
            c->db);
    struct err e2 = {0};
    if (ch_http(c, c->sql.s, NULL, 0, NULL, &e2) == 0 && c->resp.len) {
        int ver = atoi(c->resp.s);
        if (ver == CHSTORE_SCHEMA_VERSION) {
            snprintf(what, cap, "%s: logdeck schema version %d already there (server %d.%d)",
                     c->name, ver, c->version_major, c->version_minor);
            rc = 0;
        } else {
            err_set(e, "%s has logdeck schema version %d; this logdeck creates version %d and "
                    "cannot migrate from %s one", c->name, ver, CHSTORE_SCHEMA_VERSION,
                    ver > CHSTORE_SCHEMA_VERSION ? "a newer" : "that");
        }
        chstore_close(c);
        return rc;
    }
    if (create(c, ttl_days, e) == 0) {
        struct chddl_opts o = {.major = c->version_major, .minor = c->version_minor,
                               .db = c->db, .ttl_days = ttl_days};
        char feat[160];
        chddl_describe(feat, sizeof feat, &o);
        snprintf(what, cap, "%s: created logdeck schema version %d%s%s, %s", c->name,
                 CHSTORE_SCHEMA_VERSION, c->cluster[0] ? ", Distributed tables over cluster " : "",
                 c->cluster, feat);
        rc = 0;
    }
    chstore_close(c);
    return rc;
}

int chstore_totals(struct chstore *c, struct store_totals *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT count(), countIf(fmt = 6), uniqExact(host, file), min(ts), "
            "max(ts), (SELECT sum(bytes) FROM system.parts WHERE database = '%s' AND active)",
            c->db);
    for (int l = 0; l < LVL_COUNT; l++)
        chb_add(&c->sql, ", countIf(level = %d)", l);
    chb_add(&c->sql, " FROM %s FORMAT TabSeparated", c->logs);
    if (ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
        return -1;
    char *f[6 + LVL_COUNT];
    size_t fl[6 + LVL_COUNT], pos = 0;
    if (ch_tsv_row(c->resp.s, c->resp.len, &pos, f, fl, 6 + LVL_COUNT) != 6 + LVL_COUNT)
        return err_set(e, "%s: unexpected answer to a count", c->name);
    int64_t *dst[] = {&out->records, &out->unparsed, &out->files, &out->first_ts,
                      &out->last_ts, &out->db_bytes};
    for (int i = 0; i < 6; i++)
        *dst[i] = f[i] ? strtoll(f[i], NULL, 10) : 0;
    for (int l = 0; l < LVL_COUNT; l++)
        out->by_level[l] = f[6 + l] ? strtoll(f[6 + l], NULL, 10) : 0;
    if (!out->records)
        out->first_ts = out->last_ts = 0;
    return 0;
}
