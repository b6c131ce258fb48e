/* test_parse: JSON records: every well-known key and its priority (level,
 * msg, time, cid, service, logger, duration, status, metric), level
 * aliases and numbers, nested and dotted keys, loguru serialize=True, and
 * JSON that is not a record (malformed, truncated, arrays, NUL bytes,
 * huge lines). Text formats and grouping are in test_parse_text.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "src/parse/parse.h"
#include "tests/unit/parse_sink.h"

#define T0 1704110400000000LL   /* 2024-01-01T12:00:00Z */

static struct sink s;   /* holds the last record one() returned */

/* Parses one line and returns its single record, valid until the next call. */
static const struct got *one(const char *line)
{
    sink_free(&s);
    s = run(line);
    if (s.n != 1)
        fail_msg("%zu records for %s", s.n, line);
    return &s.v[0];
}

static void t_level_keys(void **state)
{
    (void)state;
    assert_int_equal(one("{\"level\":\"info\"}")->r.level, LVL_INFO);
    assert_int_equal(one("{\"levelname\":\"WARNING\"}")->r.level, LVL_WARNING);
    assert_int_equal(one("{\"log.level\":\"error\"}")->r.level, LVL_ERROR);
    assert_int_equal(one("{\"log\":{\"level\":\"debug\"}}")->r.level, LVL_DEBUG);
    assert_int_equal(one("{\"severity\":\"CRITICAL\"}")->r.level, LVL_CRITICAL);
    assert_int_equal(one("{\"lvl\":\"trace\"}")->r.level, LVL_TRACE);
    assert_int_equal(one("{\"loglevel\":\"notice\"}")->r.level, LVL_NOTICE);
    assert_int_equal(one("{\"levelno\":40}")->r.level, LVL_ERROR);
    /* priority: level beats levelname beats severity, whatever the order */
    assert_int_equal(one("{\"severity\":\"error\",\"levelname\":\"INFO\",\"level\":\"debug\"}")->r.level,
                     LVL_DEBUG);
    assert_int_equal(one("{\"severity\":\"error\",\"levelname\":\"INFO\"}")->r.level, LVL_INFO);
    /* a key whose value is no level does not hide the next one */
    assert_int_equal(one("{\"level\":\"medium\",\"severity\":\"warn\"}")->r.level, LVL_WARNING);
    assert_int_equal(one("{\"level\":\"medium\"}")->r.level, LVL_UNKNOWN);
    assert_int_equal(one("{\"msg\":\"x\"}")->r.level, LVL_UNKNOWN);
}

static void t_level_aliases(void **state)
{
    (void)state;
    static const struct { const char *v; int level; } a[] = {
        {"\"WARN\"", LVL_WARNING}, {"\"ERR\"", LVL_ERROR},      {"\"FATAL\"", LVL_CRITICAL},
        {"\"CRIT\"", LVL_CRITICAL}, {"\"EMERG\"", LVL_CRITICAL}, {"\"SUCCESS\"", LVL_INFO},
        {"\"Warning\"", LVL_WARNING}, {"\"alert\"", LVL_CRITICAL}, {"\"3\"", LVL_ERROR},
        {"\"4\"", LVL_WARNING},     {"\"5\"", LVL_NOTICE},     {"\"7\"", LVL_DEBUG},
        {"0", LVL_CRITICAL},        {"6", LVL_INFO},           {"10", LVL_DEBUG},
        {"20", LVL_INFO},           {"25", LVL_INFO},          {"30", LVL_WARNING},
        {"40", LVL_ERROR},          {"50", LVL_CRITICAL},      {"5.5", LVL_TRACE},
        {"\"40\"", LVL_ERROR},      {"-1", LVL_UNKNOWN},       {"true", LVL_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        char line[128];
        snprintf(line, sizeof line, "{\"level\":%s}", a[i].v);
        if (one(line)->r.level != a[i].level)
            fail_msg("%s: level %d, want %d", line, one(line)->r.level, a[i].level);
    }
}

static void t_msg_keys(void **state)
{
    (void)state;
    assert_string_equal(one("{\"message\":\"m\",\"msg\":\"x\",\"event\":\"e\"}")->msg, "e");
    assert_string_equal(one("{\"msg\":\"x\",\"message\":\"m\"}")->msg, "m");
    assert_string_equal(one("{\"msg\":\"x\"}")->msg, "x");
    assert_string_equal(one("{\"message\":\"\",\"msg\":\"x\"}")->msg, "");
    /* ECS "event" is an object: not the message */
    assert_string_equal(one("{\"event\":{\"dataset\":\"a\"},\"message\":\"m\"}")->msg, "m");
    /* no message key: the object itself, so it can be read and searched */
    const struct got *g = one("{\"component\":\"x\",\"n\":1}");
    assert_string_equal(g->msg, "{\"component\":\"x\",\"n\":1}");
    assert_null(g->r.fields);
    assert_int_equal(g->r.format, FMT_JSON);
    /* ... except a metric, which reads as name=value unit (tags or process) */
    g = one("{\"metric\":{\"name\":\"rate\",\"value\":1}}");
    assert_string_equal(g->msg, "rate=1");
    assert_string_equal(g->r.raw, "{\"metric\":{\"name\":\"rate\",\"value\":1}}");
    g = one("{\"component\":\"metrics\",\"metric\":{\"name\":\"queue_length\",\"value\":48,"
            "\"unit\":\"msgs\"},\"process\":{\"id\":\"gateway_1\"}}");
    assert_string_equal(g->msg, "queue_length=48 msgs (gateway_1)");
    g = one("{\"metric_name\":\"lat\",\"metric_value\":2.5,\"metric_unit\":\"ms\"}");
    assert_string_equal(g->msg, "lat=2.5 ms");
}

static void t_ts_keys(void **state)
{
    (void)state;
    assert_int_equal(one("{\"timestamp\":\"2024-01-01T12:00:00Z\",\"time\":1}")->r.ts, T0);
    assert_int_equal(one("{\"@timestamp\":\"2024-01-01T12:00:00.5Z\"}")->r.ts, T0 + 500000);
    assert_int_equal(one("{\"time\":1704110400.25}")->r.ts, T0 + 250000);
    assert_int_equal(one("{\"ts\":1704110400123}")->r.ts, T0 + 123000);
    assert_int_equal(one("{\"asctime\":\"2024-01-01 12:00:00,123\"}")->r.ts, T0 + 123000);
    assert_int_equal(one("{\"datetime\":\"2024-01-01T13:00:00+01:00\"}")->r.ts, T0);
    assert_int_equal(one("{\"t\":\"1704110400\"}")->r.ts, T0);
    assert_int_equal(one("{\"t\":\"1704110400\"}")->r.ts_guessed, 0);
    /* unparseable: the time it was read, flagged */
    const struct got *g = one("{\"timestamp\":\"yesterday\",\"msg\":\"x\"}");
    assert_int_equal(g->r.ts, NOW);
    assert_int_equal(g->r.ts_guessed, 1);
    /* a bad first key does not hide a good later one */
    assert_int_equal(one("{\"timestamp\":\"soon\",\"ts\":\"2024-01-01T12:00:00Z\"}")->r.ts, T0);
}

static void t_cid_keys(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "request_id", "correlation_id", "x-correlation-id", "trace_id",
        "trace.correlation_id", "traceId", "correlationId",
    };
    size_t nk = sizeof keys / sizeof keys[0];
    /* each key alone, and each beating every key after it */
    for (size_t i = 0; i < nk; i++) {
        char line[512] = "{";
        for (size_t k = nk; k-- > i;)
            snprintf(line + strlen(line), sizeof line - strlen(line), "%s\"%s\":\"v%zu\"",
                     k == nk - 1 ? "" : ",", keys[k], k);
        strcat(line, "}");
        char want[8];
        snprintf(want, sizeof want, "v%zu", i);
        assert_string_equal(one(line)->cid, want);
    }
    assert_string_equal(one("{\"trace\":{\"correlation_id\":\"n1\"}}")->cid, "n1");
    assert_string_equal(one("{\"request_id\":12345}")->cid, "12345");
    assert_string_equal(one("{\"request_id\":-7}")->cid, "-7");
    assert_string_equal(one("{\"request_id\":1.5}")->cid, "1.5");
    assert_null(one("{\"request_id\":\"\"}")->cid);
    assert_null(one("{\"request_id\":null}")->cid);
    assert_string_equal(one("{\"request_id\":null,\"trace_id\":\"t\"}")->cid, "t");
    /* text ids in a JSON message are not cids: JSON records use keys only */
    assert_null(one("{\"msg\":\"request_id=abc\"}")->cid);
}

static void t_service_logger(void **state)
{
    (void)state;
    assert_string_equal(one("{\"service\":\"a\",\"service.name\":\"b\"}")->service, "a");
    assert_string_equal(one("{\"service.name\":\"b\",\"service_name\":\"c\"}")->service, "b");
    assert_string_equal(one("{\"service\":{\"name\":\"n\"},\"app\":\"d\"}")->service, "n");
    assert_string_equal(one("{\"service_name\":\"c\",\"app\":\"d\"}")->service, "c");
    assert_string_equal(one("{\"application\":\"e\",\"app\":\"d\"}")->service, "d");
    assert_string_equal(one("{\"application\":\"e\"}")->service, "e");
    assert_null(one("{\"msg\":\"x\"}")->service);
    struct parse_opts o = {0};
    o.service = "tts-api";
    struct sink k = run_opts(&o, "{\"msg\":\"x\"}\n{\"service\":\"own\"}\nplain text\n");
    assert_int_equal(k.n, 3);
    assert_string_equal(k.v[0].service, "tts-api");
    assert_string_equal(k.v[1].service, "own");
    assert_string_equal(k.v[2].service, "tts-api");
    sink_free(&k);
    assert_string_equal(one("{\"logger\":\"a\",\"name\":\"b\",\"module\":\"d\"}")->logger, "a");
    assert_string_equal(one("{\"name\":\"b\",\"logger_name\":\"c\"}")->logger, "b");
    assert_string_equal(one("{\"module\":\"d\",\"logger_name\":\"c\"}")->logger, "c");
    assert_string_equal(one("{\"module\":\"d\"}")->logger, "d");
    assert_null(one("{\"process\":{\"name\":\"MainProcess\"}}")->logger);
}

static void assert_dur(const char *line, double want)
{
    const struct got *g = one(line);
    if (!g->r.has_duration || g->r.duration_ms < want - 1e-9 || g->r.duration_ms > want + 1e-9)
        fail_msg("%s: duration %d %g, want %g", line, g->r.has_duration, g->r.duration_ms, want);
}

static void t_duration_keys(void **state)
{
    (void)state;
    assert_dur("{\"duration_ms\":12.5,\"duration\":3}", 12.5);
    assert_dur("{\"performance.duration_ms\":7}", 7);
    assert_dur("{\"performance\":{\"duration_ms\":8}}", 8);
    assert_dur("{\"response_time_ms\":9,\"elapsed_ms\":1}", 9);
    assert_dur("{\"elapsed_ms\":1}", 1);
    assert_dur("{\"duration\":0.25}", 250);           /* seconds */
    assert_dur("{\"response_time\":1.5}", 1500);      /* seconds */
    assert_dur("{\"duration\":\"0.5\"}", 500);
    assert_dur("{\"duration_ms\":\"12ms\"}", 12);
    assert_dur("{\"duration\":\"250ms\"}", 250);
    /* the health checker binds duration in ms next to check_name */
    assert_dur("{\"check_name\":\"pg\",\"duration\":12.5}", 12.5);
    assert_dur("{\"duration\":12.5,\"check_name\":\"pg\"}", 12.5);
    assert_dur("{\"duration\":1,\"elapsed_ms\":5}", 5);
    assert_int_equal(one("{\"duration\":\"slow\"}")->r.has_duration, 0);
    assert_int_equal(one("{\"duration\":-1}")->r.has_duration, 0);
    assert_int_equal(one("{\"duration\":true}")->r.has_duration, 0);
}

static void t_status_keys(void **state)
{
    (void)state;
    assert_int_equal(one("{\"status_code\":200,\"status\":500}")->r.status, 200);
    assert_int_equal(one("{\"status\":503}")->r.status, 503);
    assert_int_equal(one("{\"status_code\":\"200\"}")->r.status, 200);
    assert_int_equal(one("{\"http.response.status_code\":404}")->r.status, 404);
    assert_int_equal(one("{\"http\":{\"response\":{\"status_code\":418}}}")->r.status, 418);
    assert_int_equal(one("{\"http_code\":301}")->r.status, 301);
    assert_int_equal(one("{\"status\":\"healthy\",\"http_code\":502}")->r.status, 502);
    static const char *const no[] = {
        "{\"status\":\"healthy\"}", "{\"status\":99}",      "{\"status\":600}",
        "{\"status\":200.5}",      "{\"status\":\"2000\"}", "{\"status\":\"20a\"}",
        "{\"status\":true}",       "{\"status\":null}",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (one(no[i])->r.has_status)
            fail_msg("%s has a status", no[i]);
}

static void t_metric_keys(void **state)
{
    (void)state;
    const struct got *g = one("{\"metric\":{\"name\":\"rate\",\"value\":1000,\"unit\":\"msgs/sec\"}}");
    assert_string_equal(g->metric, "rate");
    assert_int_equal(g->r.has_metric, 1);
    assert_true(g->r.metric_value == 1000);
    g = one("{\"metric_name\":\"lat\",\"metric_value\":\"12.5\"}");
    assert_string_equal(g->metric, "lat");
    assert_true(g->r.metric_value == 12.5);
    g = one("{\"metric\":{\"name\":\"a\",\"value\":1},\"metric_name\":\"b\",\"metric_value\":2}");
    assert_string_equal(g->metric, "a");
    assert_true(g->r.metric_value == 1);
    g = one("{\"metric_name\":\"x\",\"metric_value\":\"n/a\"}");
    assert_string_equal(g->metric, "x");
    assert_int_equal(g->r.has_metric, 0);
}

static void t_loguru_serialize(void **state)
{
    (void)state;
    const struct got *g = one(
        "{\"text\":\"2024-01-01 12:00:00.500 | SUCCESS | m:f:1 - done\\n\",\"record\":{"
        "\"level\":{\"icon\":\"x\",\"name\":\"SUCCESS\",\"no\":25},\"message\":\"done\","
        "\"name\":\"music_gen.api\",\"extra\":{\"request_id\":\"r1\",\"service\":\"musicgen-api\","
        "\"level\":\"error\"},\"exception\":null,"
        "\"time\":{\"repr\":\"2024-01-01 13:00:00.500000+01:00\",\"timestamp\":1}}}");
    assert_int_equal(g->r.level, LVL_INFO);
    assert_string_equal(g->msg, "done");
    assert_string_equal(g->logger, "music_gen.api");
    assert_string_equal(g->cid, "r1");
    assert_string_equal(g->service, "musicgen-api");
    assert_int_equal(g->r.ts, T0 + 500000);
    /* repr unusable: the epoch; name unusable: the number; no message: text */
    g = one("{\"text\":\"hello\\n\",\"record\":{\"level\":{\"no\":40},"
            "\"time\":{\"repr\":\"?\",\"timestamp\":1704110400.25}}}");
    assert_int_equal(g->r.level, LVL_ERROR);
    assert_int_equal(g->r.ts, T0 + 250000);
    assert_string_equal(g->msg, "hello");
}

static void t_not_records(void **state)
{
    (void)state;
    static const char *const raw[] = {
        "[1,2,3]", "\"just a string\"", "42", "{\"a\":1", "{\"a\":1}}", "{\"a\":1} trailing",
        "{'a': 1}", "{\"a\":\"unterminated}", "{", "}", "null",
    };
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
        const struct got *g = one(raw[i]);
        if (g->r.format != FMT_RAW)
            fail_msg("%s parsed as %s", raw[i], fmt_name(g->r.format));
        assert_int_equal(g->r.level, LVL_UNKNOWN);
        assert_string_equal(g->msg, raw[i]);
        assert_string_equal(g->raw, raw[i]);
        assert_int_equal(g->r.ts, NOW);
        assert_int_equal(g->r.ts_guessed, 1);
    }
    /* surrounding blanks are fine, and so is a UTF-8 BOM (kept in raw) */
    assert_int_equal(one("  {\"level\":\"info\"}  ")->r.format, FMT_JSON);
    const struct got *g = one("\xef\xbb\xbf{\"msg\":\"bom\"}");
    assert_int_equal(g->r.format, FMT_JSON);
    assert_string_equal(g->msg, "bom");
    assert_string_equal(g->raw, "\xef\xbb\xbf{\"msg\":\"bom\"}");
    assert_int_equal(one("\xef\xbb\xbf" "2024-01-01 12:00:00,000 - a - INFO - x")->r.format, FMT_PYTHON);
}

/* Bytes a C string cannot hold: parse_push gets (pointer, length). */
static void t_nul_and_binary(void **state)
{
    (void)state;
    static const char js[] = "{\"level\":\"info\",\"msg\":\"a\0b\"}";
    static const char bare[] = "ab\0cd\xff\xfe\x1b[31mred";
    struct parse_opts o = {0};
    struct sink k = {0};
    struct parser *p = parse_new(&o, NULL);
    assert_int_equal(parse_push(p, js, sizeof js - 1, 0, 0, NOW, collect, &k), 0);
    assert_int_equal(parse_push(p, bare, sizeof bare - 1, 100, 0, NOW, collect, &k), 0);
    assert_int_equal(parse_flush(p, collect, &k), 0);
    assert_int_equal(k.n, 2);
    /* NUL inside a JSON string: still a record, raw keeps every byte */
    assert_int_equal(k.v[0].r.raw_len, sizeof js - 1);
    assert_memory_equal(k.v[0].raw, js, sizeof js - 1);
    assert_int_equal(k.v[1].r.format, FMT_RAW);
    assert_int_equal(k.v[1].r.msg_len, sizeof bare - 1);
    assert_memory_equal(k.v[1].msg, bare, sizeof bare - 1);
    assert_memory_equal(k.v[1].raw, bare, sizeof bare - 1);
    sink_free(&k);
    parse_free(p);
}

static void t_huge_lines(void **state)
{
    (void)state;
    size_t n = 16u << 20;
    char *line = malloc(n + 64);
    int k = sprintf(line, "{\"level\":\"error\",\"msg\":\"");
    memset(line + k, 'x', n);
    strcpy(line + k + n, "\"}");
    const struct got *g = one(line);
    assert_int_equal(g->r.format, FMT_JSON);
    assert_int_equal(g->r.level, LVL_ERROR);
    assert_int_equal(g->r.msg_len, n);
    assert_int_equal(g->r.raw_len, strlen(line));
    /* the same without its closing: raw, all of it */
    line[k + n] = '\0';
    g = one(line);
    assert_int_equal(g->r.format, FMT_RAW);
    assert_int_equal(g->r.raw_len, k + n);
    free(line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_level_keys),     cmocka_unit_test(t_level_aliases),
        cmocka_unit_test(t_msg_keys),       cmocka_unit_test(t_ts_keys),
        cmocka_unit_test(t_cid_keys),       cmocka_unit_test(t_service_logger),
        cmocka_unit_test(t_duration_keys),  cmocka_unit_test(t_status_keys),
        cmocka_unit_test(t_metric_keys),    cmocka_unit_test(t_loguru_serialize),
        cmocka_unit_test(t_not_records),    cmocka_unit_test(t_nul_and_binary),
        cmocka_unit_test(t_huge_lines),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sink_free(&s);
    return rc;
}
