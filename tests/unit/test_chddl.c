/* test_chddl: the ClickHouse schema's DDL by server version (db/chddl.h):
 * the exact statements for 18.16 (the plain schema: the only server
 * installable here, where tests/integration/ch_store.sh checks that it is
 * what the server holds) and for 23.8 (codecs, TTL, skip indexes), and the
 * features each version in between gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "db/chddl.h"

static const char logs_18_16[] =
    "CREATE TABLE IF NOT EXISTS logdeck.logs (ts UInt64, id UInt64, host String, st"
    "ore_id String, rid UInt64, file String, off UInt64, level UInt8, fmt UInt8, se"
    "rvice String, logger String, cid String, msg String, path String, status Nulla"
    "ble(Int64), duration Nullable(Float64), metric String, mvalue Nullable(Float64"
    "), fields String, raw String, nlines UInt32, flags UInt8, attr Nested(key Stri"
    "ng, value String)) ENGINE = MergeTree PARTITION BY toDate(toDateTime(intDiv(ts"
    ", 1000000), 'UTC')) ORDER BY (service, ts)";
static const char view_18_16[] =
    "CREATE MATERIALIZED VIEW IF NOT EXISTS logdeck.logs_by_cid ENGINE = MergeTree "
    "PARTITION BY toDate(toDateTime(intDiv(ts, 1000000), 'UTC')) ORDER BY (cidl, ts"
    ") POPULATE AS SELECT lower(cid) AS cidl, * FROM logdeck.logs WHERE cid != ''";
static const char logs_23_8_ttl30[] =
    "CREATE TABLE IF NOT EXISTS logdeck.logs (ts UInt64 CODEC(Delta, ZSTD(1)), id U"
    "Int64, host String, store_id String, rid UInt64 CODEC(Delta, ZSTD(1)), file St"
    "ring, off UInt64, level UInt8, fmt UInt8, service String, logger String, cid S"
    "tring, msg String CODEC(ZSTD(3)), path String, status Nullable(Int64), duratio"
    "n Nullable(Float64), metric String, mvalue Nullable(Float64), fields String CO"
    "DEC(ZSTD(3)), raw String CODEC(ZSTD(3)), nlines UInt32, flags UInt8, attr Nest"
    "ed(key String, value String), INDEX raw_tokens raw TYPE tokenbf_v1(32768, 3, 0"
    ") GRANULARITY 4, INDEX cid_bloom cid TYPE bloom_filter(0.01) GRANULARITY 4, IN"
    "DEX path_bloom path TYPE bloom_filter(0.01) GRANULARITY 4) ENGINE = MergeTree "
    "PARTITION BY toDate(toDateTime(intDiv(ts, 1000000), 'UTC')) ORDER BY (service,"
    " ts) TTL toDateTime(intDiv(ts, 1000000), 'UTC') + toIntervalDay(30)";
static const char view_23_8_ttl30[] =
    "CREATE MATERIALIZED VIEW IF NOT EXISTS logdeck.logs_by_cid ENGINE = MergeTree "
    "PARTITION BY toDate(toDateTime(intDiv(ts, 1000000), 'UTC')) ORDER BY (cidl, ts"
    ") TTL toDateTime(intDiv(ts, 1000000), 'UTC') + toIntervalDay(30) POPULATE AS S"
    "ELECT lower(cid) AS cidl, * FROM logdeck.logs WHERE cid != ''";
static const char logs_20_3[] =
    "CREATE TABLE IF NOT EXISTS logdeck.logs (ts UInt64 CODEC(Delta, ZSTD(1)), id U"
    "Int64, host String, store_id String, rid UInt64 CODEC(Delta, ZSTD(1)), file St"
    "ring, off UInt64, level UInt8, fmt UInt8, service String, logger String, cid S"
    "tring, msg String CODEC(ZSTD(3)), path String, status Nullable(Int64), duratio"
    "n Nullable(Float64), metric String, mvalue Nullable(Float64), fields String CO"
    "DEC(ZSTD(3)), raw String CODEC(ZSTD(3)), nlines UInt32, flags UInt8, attr Nest"
    "ed(key String, value String), INDEX raw_tokens raw TYPE tokenbf_v1(32768, 3, 0"
    ") GRANULARITY 4, INDEX cid_bloom cid TYPE bloom_filter(0.01) GRANULARITY 4, IN"
    "DEX path_bloom path TYPE bloom_filter(0.01) GRANULARITY 4) ENGINE = MergeTree "
    "PARTITION BY toDate(toDateTime(intDiv(ts, 1000000), 'UTC')) ORDER BY (service,"
    " ts)";

static char *ddl(int which, int major, int minor, int64_t ttl, struct chbuf *b)
{
    struct chddl_opts o = {.major = major, .minor = minor, .db = "logdeck", .ttl_days = ttl};
    chb_reset(b);
    if (which)
        chddl_by_cid(b, &o);
    else
        chddl_logs(b, &o);
    assert_false(b->oom);
    return b->s;
}

static void test_18_16_plain(void **st)
{
    (void)st;
    struct chbuf b = {0};
    assert_int_equal(chddl_features(18, 16), 0);
    assert_string_equal(ddl(0, 18, 16, 0, &b), logs_18_16);
    assert_string_equal(ddl(1, 18, 16, 0, &b), view_18_16);
    /* a retention does not add a TTL where TTL does not exist */
    assert_string_equal(ddl(0, 18, 16, 30, &b), logs_18_16);
    assert_string_equal(ddl(1, 18, 16, 30, &b), view_18_16);
    chb_fini(&b);
}

static void test_23_8_full(void **st)
{
    (void)st;
    struct chbuf b = {0};
    assert_int_equal(chddl_features(23, 8), CHDDL_CODECS | CHDDL_TTL | CHDDL_INDEXES);
    assert_string_equal(ddl(0, 23, 8, 30, &b), logs_23_8_ttl30);
    assert_string_equal(ddl(1, 23, 8, 30, &b), view_23_8_ttl30);
    /* no retention configured: no TTL clause, the rest as before */
    assert_null(strstr(ddl(0, 23, 8, 0, &b), "TTL"));
    assert_non_null(strstr(b.s, "INDEX raw_tokens raw TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 4"));
    assert_null(strstr(ddl(1, 23, 8, 0, &b), "TTL"));
    chb_fini(&b);
}

static void test_between(void **st)
{
    (void)st;
    struct chbuf b = {0};
    assert_int_equal(chddl_features(19, 0), 0);
    assert_int_equal(chddl_features(19, 3), CHDDL_CODECS);
    assert_int_equal(chddl_features(19, 6), CHDDL_CODECS | CHDDL_TTL);
    assert_int_equal(chddl_features(20, 3), CHDDL_CODECS | CHDDL_TTL | CHDDL_INDEXES);
    assert_string_equal(ddl(0, 20, 3, 0, &b), logs_20_3);
    /* 19.3: codecs only, with or without a retention */
    assert_non_null(strstr(ddl(0, 19, 3, 30, &b), "raw String CODEC(ZSTD(3))"));
    assert_null(strstr(b.s, "TTL"));
    assert_null(strstr(b.s, "INDEX"));
    assert_non_null(strstr(ddl(0, 19, 6, 7, &b), "ORDER BY (service, ts) TTL "
                           "toDateTime(intDiv(ts, 1000000), 'UTC') + toIntervalDay(7)"));
    assert_null(strstr(b.s, "INDEX"));
    chb_fini(&b);
}

static void test_version_and_describe(void **st)
{
    (void)st;
    int a = 0, m = 0;
    assert_int_equal(chddl_version("18.16.1", &a, &m), 0);
    assert_int_equal(a, 18);
    assert_int_equal(m, 16);
    assert_int_equal(chddl_version("23.8.2.7", &a, &m), 0);
    assert_int_equal(a * 100 + m, 2308);
    assert_int_equal(chddl_version("", &a, &m), -1);
    assert_int_equal(chddl_version("Code: 516", &a, &m), -1);
    assert_int_equal(chddl_version("18", &a, &m), -1);
    char d[160];
    struct chddl_opts o = {.major = 18, .minor = 16, .db = "x", .ttl_days = 30};
    chddl_describe(d, sizeof d, &o);
    assert_string_equal(d, "plain schema (server 18.16: no codecs, TTL or skip indexes)");
    o.major = 23, o.minor = 8;
    chddl_describe(d, sizeof d, &o);
    assert_string_equal(d, "codecs, TTL 30 days, skip indexes (server 23.8)");
    o.major = 19, o.minor = 3;
    chddl_describe(d, sizeof d, &o);
    assert_string_equal(d, "codecs (server 19.3)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_18_16_plain),
        cmocka_unit_test(test_23_8_full),
        cmocka_unit_test(test_between),
        cmocka_unit_test(test_version_and_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
