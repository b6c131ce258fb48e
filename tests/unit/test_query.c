/* test_query: the query compiler: plan shapes (via query_describe) for
 * valid queries, lifted time bounds, field aliases, and a catalogue of bad
 * queries with their exact message (column and what was expected). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "src/query/query.h"

#define NOW 1700000000000000LL   /* 2023-11-14T22:13:20Z */
static const struct tzspec utc = {.fixed = 1, .offset_s = 0};

static void expect_plan(const char *q, const char *want)
{
    struct err e = {0};
    struct plan *p = query_compile(q, NOW, &utc, &e);
    if (!p)
        fail_msg("query [%s] failed: %s", q, e.msg);
    char buf[2048];
    query_describe(p, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fail_msg("query [%s]\n  got  %s\n  want %s", q, buf, want);
    query_free(p);
}

static void expect_error(const char *q, const char *want)
{
    struct err e = {0};
    struct plan *p = query_compile(q, NOW, &utc, &e);
    if (p) {
        char buf[2048];
        query_describe(p, buf, sizeof buf);
        query_free(p);
        fail_msg("query [%s] compiled to %s, wanted error %s", q, buf, want);
    }
    if (strcmp(e.msg, want) != 0)
        fail_msg("query [%s]\n  got  %s\n  want %s", q, e.msg, want);
    assert_int_equal(e.code, 2);
}

static void test_words_and_phrases(void **st)
{
    (void)st;
    expect_plan("", "(true)");
    expect_plan("   ", "(true)");
    expect_plan("timeout", "(word \"timeout\")");
    expect_plan("conn*", "(word* \"conn\")");
    expect_plan("\"connection reset\"", "(phrase \"connection reset\")");
    expect_plan("\"error\"", "(word \"error\")");
    expect_plan("user_id", "(phrase \"user_id\")");
    expect_plan("a b c", "(and (word \"a\") (word \"b\") (word \"c\"))");
    expect_plan("\"say \\\"hi\\\"\"", "(phrase \"say \\\"hi\\\"\")");
    expect_plan("or and", "(and (word \"or\") (word \"and\"))");
    expect_plan("ORACLE", "(word \"ORACLE\")");
    expect_plan("*", "(true)");
    expect_plan("café", "(word \"café\")");
}

static void test_fields(void **st)
{
    (void)st;
    expect_plan("service:api", "(= service \"api\")");
    expect_plan("service.name:api", "(= service \"api\")");
    expect_plan("level:warn", "(= level warning)");
    expect_plan("level:ERR", "(= level error)");
    expect_plan("level>=warning", "(>= level warning)");
    expect_plan("level<info", "(< level info)");
    expect_plan("cid:3f2a*", "(glob cid \"3f2a*\")");
    expect_plan("request_id:abc", "(= cid \"abc\")");
    expect_plan("trace_id:abc", "(= cid \"abc\")");
    expect_plan("correlation_id:abc", "(= cid \"abc\")");
    expect_plan("path:/api/v1/*", "(glob json:path \"/api/v1/*\")");
    expect_plan("process.id:1234", "(= json:process.id 1234)");
    expect_plan("url.path:/x", "(= json:url.path \"/x\")");
    expect_plan("status>=500", "(>= status 500)");
    expect_plan("status_code:404", "(= status 404)");
    expect_plan("duration_ms>1000", "(> duration_ms 1000)");
    expect_plan("duration>1.5s", "(> duration_ms 1500)");
    expect_plan("metric:cpu", "(= metric \"cpu\")");
    expect_plan("metric.name:cpu", "(= metric \"cpu\")");
    expect_plan("metric.value>0.5", "(> metric.value 0.5)");
    expect_plan("msg:\"hello world\"", "(= msg \"hello world\")");
    expect_plan("message:hi", "(= msg \"hi\")");
    expect_plan("name:app.db", "(= logger \"app.db\")");
    expect_plan("logger:app*", "(glob logger \"app*\")");
    expect_plan("file:app.log", "(= file \"app.log\")");
    expect_plan("format:json", "(= format json)");
    expect_plan("fmt:text", "(= format python)");
    expect_plan("cid:*", "(exists cid)");
    expect_plan("user.email:\"a*b\"", "(= json:user.email \"a*b\")");
    expect_plan("x-correlation-id:q", "(= cid \"q\")");
    expect_plan("@timestamp>=2024-01-01", "(>= ts 1704067200000000) [since 1704067200000000]");
    expect_plan("component:metrics", "(= json:component \"metrics\")");
}

static void test_times(void **st)
{
    (void)st;
    expect_plan("since:15m", "(>= ts 1699999100000000) [since 1699999100000000]");
    expect_plan("since:90s", "(>= ts 1699999910000000) [since 1699999910000000]");
    expect_plan("since:2h", "(>= ts 1699992800000000) [since 1699992800000000]");
    expect_plan("since:7d", "(>= ts 1699395200000000) [since 1699395200000000]");
    expect_plan("until:2026-01-01T10:00Z",
                "(<= ts 1767261600000000) [until 1767261600000000]");
    expect_plan("since:2024-01-01 10:00", "(>= ts 1704103200000000) [since 1704103200000000]");
    expect_plan("since:\"2024-01-01 10:00:30\"",
                "(>= ts 1704103230000000) [since 1704103230000000]");
    expect_plan("since:1h until:30m level>=error",
                "(and (>= ts 1699996400000000) (<= ts 1699998200000000) (>= level error)) "
                "[since 1699996400000000 until 1699998200000000]");
    expect_plan("ts>2024-01-01T00:00:00Z", "(> ts 1704067200000000) [since 1704067200000001]");
    /* Not lifted out of an OR. */
    expect_plan("since:1h OR level:error", "(or (>= ts 1699996400000000) (= level error))");
}

static void test_boolean(void **st)
{
    (void)st;
    expect_plan("a OR b", "(or (word \"a\") (word \"b\"))");
    expect_plan("a b OR c", "(or (and (word \"a\") (word \"b\")) (word \"c\"))");
    expect_plan("a AND b", "(and (word \"a\") (word \"b\"))");
    expect_plan("NOT a", "(not (word \"a\"))");
    expect_plan("-a", "(not (word \"a\"))");
    expect_plan("-path:/health", "(not (= json:path \"/health\"))");
    expect_plan("NOT NOT a", "(word \"a\")");
    expect_plan("(level:error OR level:critical) AND NOT component:metrics",
                "(and (or (= level error) (= level critical)) "
                "(not (= json:component \"metrics\")))");
    expect_plan("((a))", "(word \"a\")");
    expect_plan("(a b) (c d)",
                "(and (word \"a\") (word \"b\") (word \"c\") (word \"d\"))");
    expect_plan("a OR (b OR c)", "(or (word \"a\") (word \"b\") (word \"c\"))");
    expect_plan("-(a OR b)", "(not (or (word \"a\") (word \"b\")))");
    expect_plan("NOT(a)", "(not (word \"a\"))");
    expect_plan("level>=warning service:api \"connection reset\" -path:/health",
                "(and (>= level warning) (= service \"api\") (phrase \"connection reset\") "
                "(not (= json:path \"/health\")))");
}

static void test_errors(void **st)
{
    (void)st;
    expect_error("level>=loud", "unknown level 'loud' at col 8; expected one of trace, debug, "
                 "info, notice, warning, error, critical");
    expect_error("level:loud", "unknown level 'loud' at col 7; expected one of trace, debug, "
                 "info, notice, warning, error, critical");
    expect_error("(a OR b", "unbalanced parenthesis: '(' at col 1 is never closed; expected ')'");
    expect_error("x (a (b)", "unbalanced parenthesis: '(' at col 3 is never closed; expected ')'");
    expect_error("a)", "unexpected ')' at col 2; no '(' to close");
    expect_error(")", "unexpected ')' at col 1; no '(' to close");
    expect_error("()", "empty parentheses at col 1; expected a term inside '()'");
    expect_error("level:", "empty value for 'level' at col 7; expected a value after ':'");
    expect_error("status>= ", "empty value for 'status' at col 9; expected a value after "
                 "the operator");
    expect_error("service:)", "empty value for 'service' at col 9; expected a value after ':'");
    expect_error("\"abc", "unterminated quote at col 1; expected a closing '\"'");
    expect_error("msg:\"abc", "unterminated quote at col 5; expected a closing '\"'");
    expect_error("a OR", "dangling OR at col 3; expected a term after it");
    expect_error("a OR OR b", "dangling OR at col 3; expected a term after it");
    expect_error("a AND", "dangling AND at col 3; expected a term after it");
    expect_error("OR a", "OR at col 1 has nothing before it; expected a term before OR");
    expect_error("AND a", "AND at col 1 has nothing before it; expected a term before AND");
    expect_error("NOT", "dangling NOT at col 1; expected a term after it");
    expect_error("a NOT)", "dangling NOT at col 3; expected a term after it");
    expect_error("-", "dangling '-' at col 1; expected a term after it (-word, -field:value)");
    expect_error("a - b", "dangling '-' at col 3; expected a term after it (-word, "
                 "-field:value)");
    expect_error("duration_ms>abc", "bad number 'abc' at col 13; expected a number for "
                 "'duration_ms'");
    expect_error("status>=5xx", "bad number '5xx' at col 9; expected a number for 'status'");
    expect_error("since:yesterday", "bad time 'yesterday' at col 7; expected a duration (90s, "
                 "15m, 2h, 7d) or a time (RFC 3339 or YYYY-MM-DD HH:MM[:SS])");
    expect_error("ts>=2024-13-01", "bad time '2024-13-01' at col 5; expected a duration (90s, "
                 "15m, 2h, 7d) or a time (RFC 3339 or YYYY-MM-DD HH:MM[:SS])");
    expect_error("since>15m", "'since' at col 6 takes ':'; expected since:15m or "
                 "since:2024-01-01T10:00Z");
    expect_error("until:1h*", "'until' at col 7 needs a time; expected a duration (15m) or a "
                 "time, not a pattern");
    expect_error("format:xml", "unknown format 'xml' at col 8; expected one of json, python, "
                 "loguru, logfmt, syslog, raw");
    expect_error("level:err*", "'*' in the value of 'level' at col 7; expected a level name "
                 "(error, warning, ...)");
    expect_error(":foo", "':' at col 1 has no field name before it; expected field:value");
    expect_error(">5", "'>' at col 1 has no field name before it; expected field>value");
    expect_error("fo*o", "'*' inside a word at col 3; expected '*' only at the end of a word "
                 "(conn*) or in a field value (cid:3f2a*)");
    expect_error("\"\"", "empty phrase at col 1; expected text between the quotes");
    expect_error("é level>=loud", "unknown level 'loud' at col 10; expected one of trace, "
                 "debug, info, notice, warning, error, critical");
    expect_error("metric.value<=x1", "bad number 'x1' at col 15; expected a number for "
                 "'metric.value'");
}

static void test_depth(void **st)
{
    (void)st;
    char q[400];
    memset(q, '(', 100);
    strcpy(q + 100, "a");
    memset(q + 101, ')', 100);
    q[201] = '\0';
    expect_error(q, "too deeply nested at col 65; expected at most 64 levels of parentheses");
    memset(q, '(', 64);
    strcpy(q + 64, "a");
    memset(q + 65, ')', 64);
    q[129] = '\0';
    expect_plan(q, "(word \"a\")");
}

static void test_field_names(void **st)
{
    (void)st;
    assert_int_equal(query_field("status"), PF_STATUS);
    assert_int_equal(query_field("status_code"), PF_STATUS);
    assert_int_equal(query_field("duration"), PF_DURATION);
    assert_int_equal(query_field("duration_ms"), PF_DURATION);
    assert_int_equal(query_field("metric"), PF_METRIC);
    assert_int_equal(query_field("metric.name"), PF_METRIC);
    assert_int_equal(query_field("metric.value"), PF_MVALUE);
    assert_int_equal(query_field("message"), PF_MSG);
    assert_int_equal(query_field("msg"), PF_MSG);
    assert_int_equal(query_field("name"), PF_LOGGER);
    assert_int_equal(query_field("logger"), PF_LOGGER);
    assert_int_equal(query_field("service.name"), PF_SERVICE);
    assert_int_equal(query_field("file"), PF_FILE);
    assert_int_equal(query_field("fmt"), PF_FORMAT);
    assert_int_equal(query_field("trace_id"), PF_CID);
    assert_int_equal(query_field("time"), PF_TS);
    assert_int_equal(query_field("process.id"), PF_JSON);
    assert_int_equal(query_field("path"), PF_JSON);
}

static void test_describe_truncates(void **st)
{
    (void)st;
    struct err e = {0};
    struct plan *p = query_compile("service:api level>=error", NOW, &utc, &e);
    assert_non_null(p);
    char small[10];
    int n = query_describe(p, small, sizeof small);
    assert_int_equal(n, (int)strlen("(and (= service \"api\") (>= level error))"));
    assert_string_equal(small, "(and (= s");
    query_free(p);
    query_free(NULL);
}

static void test_regex(void **st)
{
    (void)st;
    expect_plan("/time.?out/", "(regex text \"time.?out\")");
    expect_plan("/TIMEOUT/i", "(regex/i text \"TIMEOUT\")");
    expect_plan("/a\\/b/", "(regex text \"a/b\")");
    expect_plan("msg~\"^Request \"", "(regex msg \"^Request \")");
    expect_plan("path~^/api", "(regex json:path \"^/api\")");
    expect_plan("level>=error /x+/", "(and (>= level error) (regex text \"x+\"))");
    expect_plan("-/x/", "(not (regex text \"x\"))");
    /* Not regexes: a path-like word, an unterminated slash. */
    expect_plan("/api/v1/tts", "(phrase \"/api/v1/tts\")");
    expect_plan("/health", "(phrase \"/health\")");
    expect_error("/a(/", "bad regular expression at col 1: Unmatched ( or \\(; expected a POSIX "
                 "extended regular expression");
    expect_error("x msg~\"[\"", "bad regular expression at col 7: Invalid regular expression; "
                 "expected a POSIX extended regular expression");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_phrases), cmocka_unit_test(test_fields),
        cmocka_unit_test(test_times),             cmocka_unit_test(test_boolean),
        cmocka_unit_test(test_errors),            cmocka_unit_test(test_depth),
        cmocka_unit_test(test_field_names),       cmocka_unit_test(test_describe_truncates),
        cmocka_unit_test(test_regex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
