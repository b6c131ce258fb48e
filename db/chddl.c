/* chddl: the ClickHouse schema's DDL by server version (chddl.h). */
#include "db/chddl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CH_PART "PARTITION BY toDate(toDateTime(intDiv(ts, 1000000), 'UTC'))"
#define CH_TTL " TTL toDateTime(intDiv(ts, 1000000), 'UTC') + toIntervalDay(%lld)"

/* The logs table's columns; where codecs exist, the wide text columns are
 * ZSTD-compressed and the time Delta-encoded first. */
static const struct col {
    const char *name, *type, *codec;
} cols[] = {
    {"ts", "UInt64", "Delta, ZSTD(1)"}, {"id", "UInt64", NULL}, {"host", "String", NULL},
    {"store_id", "String", NULL}, {"rid", "UInt64", "Delta, ZSTD(1)"}, {"file", "String", NULL},
    {"off", "UInt64", NULL}, {"level", "UInt8", NULL}, {"fmt", "UInt8", NULL},
    {"service", "String", NULL}, {"logger", "String", NULL}, {"cid", "String", NULL},
    {"msg", "String", "ZSTD(3)"}, {"path", "String", NULL}, {"status", "Nullable(Int64)", NULL},
    {"duration", "Nullable(Float64)", NULL}, {"metric", "String", NULL},
    {"mvalue", "Nullable(Float64)", NULL}, {"fields", "String", "ZSTD(3)"},
    {"raw", "String", "ZSTD(3)"}, {"nlines", "UInt32", NULL}, {"flags", "UInt8", NULL},
    {"attr", "Nested(key String, value String)", NULL},
};

/* Skip indexes (20.1+): words of the text, cids and paths. */
static const char *const indexes[] = {
    "INDEX raw_tokens raw TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 4",
    "INDEX cid_bloom cid TYPE bloom_filter(0.01) GRANULARITY 4",
    "INDEX path_bloom path TYPE bloom_filter(0.01) GRANULARITY 4",
};

int chddl_features(int major, int minor)
{
    int f = 0;
    if (major > 19 || (major == 19 && minor >= 1))
        f |= CHDDL_CODECS;
    if (major > 19 || (major == 19 && minor >= 6))
        f |= CHDDL_TTL;
    if (major >= 20)
        f |= CHDDL_INDEXES;
    return f;
}

int chddl_version(const char *v, int *major, int *minor)
{
    char *end;
    long a = strtol(v ? v : "", &end, 10);
    if (end == v || *end != '.' || a <= 0)
        return -1;
    const char *m = end + 1;
    long b = strtol(m, &end, 10);
    if (end == m || b < 0)
        return -1;
    *major = (int)a;
    *minor = (int)b;
    return 0;
}

static int ttl_on(const struct chddl_opts *o)
{
    return o->ttl_days > 0 && (chddl_features(o->major, o->minor) & CHDDL_TTL);
}

void chddl_logs(struct chbuf *b, const struct chddl_opts *o)
{
    int f = chddl_features(o->major, o->minor);
    chb_add(b, "CREATE TABLE IF NOT EXISTS %s.logs (", o->db);
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        chb_add(b, "%s%s %s", i ? ", " : "", cols[i].name, cols[i].type);
        if ((f & CHDDL_CODECS) && cols[i].codec)
            chb_add(b, " CODEC(%s)", cols[i].codec);
    }
    for (size_t i = 0; (f & CHDDL_INDEXES) && i < sizeof indexes / sizeof indexes[0]; i++)
        chb_add(b, ", %s", indexes[i]);
    chb_add(b, ") ENGINE = MergeTree " CH_PART " ORDER BY (service, ts)");
    if (ttl_on(o))
        chb_add(b, CH_TTL, (long long)o->ttl_days);
}

void chddl_by_cid(struct chbuf *b, const struct chddl_opts *o)
{
    chb_add(b, "CREATE MATERIALIZED VIEW IF NOT EXISTS %s.logs_by_cid ENGINE = MergeTree "
               CH_PART " ORDER BY (cidl, ts)", o->db);
    if (ttl_on(o))
        chb_add(b, CH_TTL, (long long)o->ttl_days);
    chb_add(b, " POPULATE AS SELECT lower(cid) AS cidl, * FROM %s.logs WHERE cid != ''", o->db);
}

void chddl_describe(char *out, size_t cap, const struct chddl_opts *o)
{
    int f = chddl_features(o->major, o->minor);
    char ttl[64] = "";
    if (ttl_on(o))
        snprintf(ttl, sizeof ttl, "%sTTL %lld days", f & CHDDL_CODECS ? ", " : "",
                 (long long)o->ttl_days);
    if (!(f & CHDDL_CODECS))
        snprintf(out, cap, "plain schema (server %d.%d: no codecs, TTL or skip indexes)",
                 o->major, o->minor);
    else
        snprintf(out, cap, "codecs%s%s (server %d.%d)", ttl,
                 f & CHDDL_INDEXES ? ", skip indexes" : "", o->major, o->minor);
}
