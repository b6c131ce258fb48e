/* test_parse_text: text formats (Python, loguru, logfmt, syslog), grouping
 * of tracebacks and its caps, per-line fallback, format detection, forced
 * formats, the cid matcher (default and custom regex), blank lines, CRLF,
 * escapes, and the emit/stop/pending-offset contract. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include <cjson/cJSON.h>

#include "src/parse/cid.h"
#include "src/parse/parse.h"
#include "tests/unit/parse_sink.h"

#define T0 1704110400000000LL   /* 2024-01-01T12:00:00Z */

static void t_python(void **state)
{
    (void)state;
    struct sink s = run("2024-01-01 12:00:00,123 - app.tts - WARNING - slow [3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70] - retry\n"
                        "2024-01-01 12:00:01 - root - INFO - \n"
                        "2024-01-01 12:00:02,000 - root - NOTALEVEL - x\n");
    assert_int_equal(s.n, 2);
    assert_int_equal(s.v[0].r.format, FMT_PYTHON);
    assert_int_equal(s.v[0].r.ts, T0 + 123000);
    assert_int_equal(s.v[0].r.level, LVL_WARNING);
    assert_string_equal(s.v[0].logger, "app.tts");
    assert_string_equal(s.v[0].msg, "slow [3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70] - retry");
    assert_string_equal(s.v[0].cid, "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70");
    assert_null(s.v[0].fields);
    assert_int_equal(s.v[1].r.ts, T0 + 1000000);
    assert_string_equal(s.v[1].msg, "");
    /* an unknown level name is no Python header: it continues the record */
    assert_int_equal(s.v[1].r.nlines, 2);
    assert_string_equal(s.v[1].raw, "2024-01-01 12:00:01 - root - INFO - \n"
                                    "2024-01-01 12:00:02,000 - root - NOTALEVEL - x");
    sink_free(&s);
}

static void t_traceback_groups(void **state)
{
    (void)state;
    const char *text =
        "2024-01-01 12:00:00,000 - app - ERROR - boom request_id=42\n"
        "Traceback (most recent call last):\n"
        "  File \"a.py\", line 1, in <module>\n"
        "\n"
        "ValueError: bad\n"
        "2024-01-01 12:00:01,000 - app - INFO - next\n";
    struct sink s = run(text);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.v[0].r.nlines, 5);
    assert_string_equal(s.v[0].msg, "boom request_id=42");
    assert_string_equal(s.v[0].cid, "42");
    assert_int_equal(s.v[0].r.level, LVL_ERROR);
    assert_int_equal(s.v[0].r.raw_len, strlen(text) - strlen("2024-01-01 12:00:01,000 - app - INFO - next\n") - 1);
    assert_memory_equal(s.v[0].raw, text, s.v[0].r.raw_len);
    assert_int_equal(s.v[1].r.offset, (int64_t)(strlen(text) - strlen("2024-01-01 12:00:01,000 - app - INFO - next\n")));
    sink_free(&s);
    /* a bare traceback in a JSON file: one raw error record, summed up by
     * its exception line; the next JSON line closes it */
    s = run("{\"msg\":\"a\"}\nTraceback (most recent call last):\n  File \"x\", line 2\n"
            "KeyError: 'k'\n\nDuring handling of the above exception, another exception occurred:\n\n"
            "Traceback (most recent call last):\n  File \"y\"\nasyncio.CancelledError\n{\"msg\":\"b\"}\n");
    assert_int_equal(s.n, 3);
    assert_int_equal(s.v[1].r.format, FMT_RAW);
    assert_int_equal(s.v[1].r.level, LVL_ERROR);
    assert_int_equal(s.v[1].r.nlines, 9);
    assert_string_equal(s.v[1].msg, "asyncio.CancelledError");
    assert_int_equal(s.v[1].r.ts_guessed, 1);
    assert_string_equal(s.v[2].msg, "b");
    sink_free(&s);
    /* after a bare traceback, prose is a new record */
    s = run("Traceback (most recent call last):\n  File \"x\"\nOSError: disk\nworker restarted\n");
    assert_int_equal(s.n, 2);
    assert_int_equal(s.v[0].r.nlines, 3);
    assert_string_equal(s.v[1].msg, "worker restarted");
    assert_int_equal(s.v[1].r.level, LVL_UNKNOWN);
    sink_free(&s);
}

/* Beyond the caps a group is emitted and a new raw group continues it;
 * every byte still lands in exactly one record. */
static void t_group_caps(void **state)
{
    (void)state;
    struct parse_opts o = {0};
    o.tz_fixed = 1;
    o.max_group_lines = 3;
    struct sink s = run_opts(&o, "2024-01-01 12:00:00,000 - app - ERROR - e [3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70]\n"
                                 " 1\n 2\n 3\n 4\n 5\n 6\n 7\n");
    assert_int_equal(s.n, 3);
    assert_int_equal(s.v[0].r.nlines, 3);
    assert_int_equal(s.v[1].r.nlines, 3);
    assert_int_equal(s.v[2].r.nlines, 2);
    assert_string_equal(s.v[1].raw, " 3\n 4\n 5");
    assert_string_equal(s.v[1].msg, " 3");
    assert_int_equal(s.v[1].r.format, FMT_RAW);
    assert_int_equal(s.v[1].r.level, LVL_ERROR);
    assert_int_equal(s.v[1].r.ts, T0);
    assert_int_equal(s.v[1].r.ts_guessed, 0);
    assert_string_equal(s.v[2].cid, "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70");
    assert_string_equal(s.v[2].logger, "app");
    sink_free(&s);
    o.max_group_lines = 0;
    o.max_group_bytes = 40;
    s = run_opts(&o, "2024-01-01 12:00:00,000 - app - ERROR - e\n  0123456789\n  0123456789\n  0123456789\n");
    assert_int_equal(s.n, 2);
    assert_string_equal(s.v[0].raw, "2024-01-01 12:00:00,000 - app - ERROR - e");
    assert_string_equal(s.v[1].raw, "  0123456789\n  0123456789\n  0123456789");
    sink_free(&s);
}

static void t_loguru(void **state)
{
    (void)state;
    struct sink s = run(
        "2024-01-01 12:00:00.250 | SUCCESS  | app.api:handle:42 - done correlation_id=c-1\n"
        "\x1b[32m2024-01-01 12:00:00.500\x1b[0m | \x1b[1mWARNING \x1b[0m | checker | check_db | slow: 12ms\n"
        "2024-01-01 12:00:01.000 | INFO     | only a message\n"
        "2024-01-01 12:00:02.000 | TRACE    | m:<module>:1 - \n");
    assert_int_equal(s.n, 4);
    assert_int_equal(s.v[0].r.format, FMT_LOGURU);
    assert_int_equal(s.v[0].r.level, LVL_INFO);
    assert_int_equal(s.v[0].r.ts, T0 + 250000);
    assert_string_equal(s.v[0].logger, "app.api");
    assert_string_equal(s.v[0].fields, "{\"function\":\"handle\",\"line\":42}");
    assert_string_equal(s.v[0].msg, "done correlation_id=c-1");
    assert_string_equal(s.v[0].cid, "c-1");
    /* colours removed for parsing, kept in raw */
    assert_int_equal(s.v[1].r.level, LVL_WARNING);
    assert_int_equal(s.v[1].r.ts, T0 + 500000);
    assert_string_equal(s.v[1].fields, "{\"component\":\"checker\",\"operation\":\"check_db\"}");
    assert_string_equal(s.v[1].msg, "slow: 12ms");
    assert_non_null(strchr(s.v[1].raw, 0x1b));
    assert_null(s.v[2].fields);
    assert_string_equal(s.v[2].msg, "only a message");
    assert_int_equal(s.v[3].r.level, LVL_TRACE);
    assert_string_equal(s.v[3].fields, "{\"function\":\"<module>\",\"line\":1}");
    sink_free(&s);
}

static void t_logfmt(void **state)
{
    (void)state;
    struct sink s = run("ts=2024-01-01T12:00:00Z level=warn msg=\"say \\\"hi\\\"\\n\" n=-1.5e3 s=007 "
                        "request_id=r-9 duration=1.5s status=\"503\" ctl=\"\x01\" bad=\xff\n"
                        "a=1 b\n"
                        "only=one\n");
    assert_int_equal(s.n, 3);
    const struct got *g = &s.v[0];
    assert_int_equal(g->r.format, FMT_LOGFMT);
    assert_int_equal(g->r.level, LVL_WARNING);
    assert_int_equal(g->r.ts, T0);
    assert_string_equal(g->msg, "say \"hi\"\n");
    assert_string_equal(g->cid, "r-9");
    assert_true(g->r.has_duration && g->r.duration_ms == 1500);
    assert_int_equal(g->r.status, 503);
    assert_string_equal(g->fields,
        "{\"ts\":\"2024-01-01T12:00:00Z\",\"level\":\"warn\",\"msg\":\"say \\\"hi\\\"\\n\","
        "\"n\":-1.5e3,\"s\":\"007\",\"request_id\":\"r-9\",\"duration\":\"1.5s\",\"status\":\"503\","
        "\"ctl\":\"\\u0001\",\"bad\":\"\xef\xbf\xbd\"}");
    cJSON *j = cJSON_Parse(g->fields);
    assert_non_null(j);
    cJSON_Delete(j);
    /* not logfmt in auto mode: a bare word, a single pair */
    assert_int_equal(s.v[1].r.format, FMT_RAW);
    assert_int_equal(s.v[2].r.format, FMT_RAW);
    sink_free(&s);
    /* forced: looser */
    struct parse_opts o = {0};
    o.format = FMT_LOGFMT;
    s = run_opts(&o, "a=1 b\nonly=one\nmsg=\"unterminated\n");
    assert_int_equal(s.n, 3);
    assert_string_equal(s.v[0].fields, "{\"a\":1,\"b\":true}");
    assert_int_equal(s.v[1].r.format, FMT_LOGFMT);
    assert_string_equal(s.v[2].msg, "unterminated");
    sink_free(&s);
}

static void t_syslog(void **state)
{
    (void)state;
    struct sink s = run(
        "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\]\"] \xef\xbb\xbf" "An application event\n"
        "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8\n"
        "<13>Dec 31 23:59:00 host app: last year\n"
        "<13>Feb  1 10:00:00 host app: more than a day ahead: last year too\n"
        "Jan  1 00:30:00 host kernel: no pri\n"
        "<999>Jan  1 00:30:00 host x: bad pri\n"
        "2024-01-01T12:00:00.5+00:00 host app[7]: rsyslog file\n");
    assert_int_equal(s.n, 7);
    const struct got *g = &s.v[0];
    assert_int_equal(g->r.format, FMT_SYSLOG);
    assert_int_equal(g->r.level, LVL_NOTICE);
    assert_int_equal(g->r.ts, 1065910455003000LL);   /* 2003-10-11T22:14:15.003Z */
    assert_string_equal(g->service, "evntslog");
    assert_string_equal(g->msg, "An application event");
    assert_string_equal(g->fields, "{\"host\":\"mymachine.example.com\",\"app\":\"evntslog\",\"msgid\":\"ID47\","
                                   "\"sd\":\"[exampleSDID@32473 iut=\\\"3\\\" eventSource=\\\"App\\\\]\\\"]\"}");
    g = &s.v[1];
    assert_int_equal(g->r.level, LVL_CRITICAL);
    assert_int_equal(g->r.ts, 1697062455000000LL);   /* 2023-10-11T22:14:15Z */
    assert_string_equal(g->service, "su");
    assert_string_equal(g->msg, "'su root' failed for lonvick on /dev/pts/8");
    assert_int_equal(s.v[2].r.ts, 1704067140000000LL);   /* 2023-12-31T23:59:00Z */
    assert_int_equal(s.v[3].r.ts, 1675245600000000LL);   /* 2023-02-01T10:00:00Z */
    assert_int_equal(s.v[4].r.format, FMT_SYSLOG);
    assert_int_equal(s.v[4].r.level, LVL_UNKNOWN);
    assert_int_equal(s.v[4].r.ts, NOW + 1800000000LL);
    assert_string_equal(s.v[4].service, "kernel");
    /* no valid PRI, but a syslog time: a learned layout (layout.h) reads it */
    assert_int_equal(s.v[5].r.format, FMT_LAYOUT);
    assert_int_equal(s.v[5].r.ts, NOW + 1800000000LL);
    assert_int_equal(s.v[6].r.format, FMT_SYSLOG);
    assert_int_equal(s.v[6].r.ts, T0 + 500000);
    assert_string_equal(s.v[6].fields, "{\"host\":\"host\",\"app\":\"app\",\"pid\":\"7\"}");
    sink_free(&s);
}

static void t_detection(void **state)
{
    (void)state;
    struct parse_opts o = {0};
    struct parser *p = parse_new(&o, NULL);
    struct sink s = {0};
    assert_int_equal(parse_format(p), FMT_AUTO);
    const char *text = "{\"msg\":\"a\"}\nplain text\n{\"msg\":\"b\"}\nts=1 level=info\n";
    feed(p, text, strlen(text), &s);
    assert_int_equal(parse_format(p), FMT_JSON);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.v[1].r.format, FMT_RAW);
    assert_string_equal(s.v[1].msg, "plain text");
    assert_int_equal(s.v[3].r.format, FMT_LOGFMT);
    sink_free(&s);
    parse_free(p);
    p = parse_new(&o, NULL);
    feed(p, "just words\n", 11, &s);
    assert_int_equal(parse_format(p), FMT_RAW);
    sink_free(&s);
    parse_free(p);
    /* forced raw: nothing is interpreted */
    o.format = FMT_RAW;
    s = run_opts(&o, "{\"level\":\"error\"}\n2024-01-01 12:00:00,000 - a - ERROR - x\n");
    assert_int_equal(s.n, 2);
    assert_int_equal(s.v[0].r.format, FMT_RAW);
    assert_int_equal(s.v[0].r.level, LVL_UNKNOWN);
    assert_int_equal(s.v[1].r.format, FMT_RAW);
    sink_free(&s);
    /* forced python still falls back per line */
    o.format = FMT_PYTHON;
    s = run_opts(&o, "{\"level\":\"error\"}\n");
    assert_int_equal(s.v[0].r.format, FMT_JSON);
    sink_free(&s);
    o.format = 99;
    assert_null(parse_new(&o, NULL));
}

static void t_blank_and_crlf(void **state)
{
    (void)state;
    /* blank lines outside a group carry nothing and are skipped; inside a
     * group they are kept in raw and counted */
    struct sink s = run("\n\n{\"msg\":\"a\"}\r\n\r\n2024-01-01 12:00:00,000 - a - INFO - x\r\n\r\n"
                        "  more\r\n");
    assert_int_equal(s.n, 2);
    assert_string_equal(s.v[0].raw, "{\"msg\":\"a\"}");
    assert_int_equal(s.v[0].r.offset, 2);
    assert_string_equal(s.v[1].raw, "2024-01-01 12:00:00,000 - a - INFO - x\n\n  more");
    assert_int_equal(s.v[1].r.nlines, 3);
    sink_free(&s);
}

static void t_cid_matcher(void **state)
{
    (void)state;
    static const struct { const char *line, *cid; } d[] = {
        {"x [3F2A9C1E-5B7D-4E8F-9A01-2B3C4D5E6F70] y", "3F2A9C1E-5B7D-4E8F-9A01-2B3C4D5E6F70"},
        {"request_id=abc-1 then [3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70]", "abc-1"},
        {"[3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70] request_id=abc", "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70"},
        {"correlation_id=\"quoted value\" x", "quoted value"},
        {"request_id: 12345, user 1", "12345"},
        {"(request_id='r2')", "r2"},
        {"failed request_id=9.", "9"},
        {"x_request_id=nope", NULL},
        {"request_id= empty", NULL},
        {"[3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f7] short", NULL},
        {"[3f2a9c1e_5b7d-4e8f-9a01-2b3c4d5e6f70]", NULL},
        {"nothing here", NULL},
    };
    struct cid *c = cid_new(NULL, NULL);
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        size_t off, len;
        int found = cid_find(c, d[i].line, strlen(d[i].line), &off, &len);
        if (found != (d[i].cid != NULL) || (found && (len != strlen(d[i].cid) ||
                                                       memcmp(d[i].line + off, d[i].cid, len))))
            fail_msg("\"%s\": found %d", d[i].line, found);
    }
    cid_free(c);
    /* custom regex: first group; without a group, the whole match */
    struct parse_opts o = {0};
    o.cid_regex = "job=([0-9]+)";
    struct sink s = run_opts(&o, "x job=77 request_id=r\n");
    assert_string_equal(s.v[0].cid, "77");
    sink_free(&s);
    o.cid_regex = "T[0-9]+";
    s = run_opts(&o, "seen T123 twice\n");
    assert_string_equal(s.v[0].cid, "T123");
    sink_free(&s);
    /* the regex sees past NUL bytes and never past the line */
    o.cid_regex = "id<([a-z]+)>";
    struct parser *p = parse_new(&o, NULL);
    static const char nul[] = "a\0b id<zz> id<";
    assert_int_equal(parse_push(p, nul, sizeof nul - 1, 0, 0, NOW, collect, &s), 0);
    assert_string_equal(s.v[0].cid, "zz");
    sink_free(&s);
    parse_free(p);
    struct err e = {{0}, 0};
    o.cid_regex = "(unclosed";
    assert_null(parse_new(&o, &e));
    assert_non_null(strstr(e.msg, "(unclosed"));
    assert_int_equal(e.code, 2);
}

static void t_emit_contract(void **state)
{
    (void)state;
    struct parse_opts o = {0};
    struct parser *p = parse_new(&o, NULL);
    struct sink s = {0};
    const char *l1 = "2024-01-01 12:00:00,000 - a - ERROR - x", *l2 = "  frame", *l3 = "{\"msg\":\"j\"}";
    assert_int_equal(parse_push(p, l1, strlen(l1), 100, 0, NOW, collect, &s), 0);
    assert_int_equal(parse_pending_offset(p), 100);
    assert_int_equal(parse_push(p, l2, strlen(l2), 140, 1, NOW, collect, &s), 0);
    assert_int_equal(s.n, 0);
    /* the JSON line emits the group, then itself: two records, one push */
    s.stop_at = 1;
    assert_int_equal(parse_push(p, l3, strlen(l3), 148, 0, NOW, collect, &s), 1);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.v[0].r.truncated, 1);
    assert_int_equal(s.v[0].r.nlines, 2);
    assert_int_equal(parse_pending_offset(p), -1);
    s.stop_at = 0;
    assert_int_equal(parse_push(p, l3, strlen(l3), 148, 0, NOW, collect, &s), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.v[1].r.offset, 148);
    assert_int_equal(parse_flush(p, collect, &s), 0);
    assert_int_equal(s.n, 2);
    sink_free(&s);
    parse_free(p);
    parse_free(NULL);
    /* parse_line: one record, grouping state of its own */
    assert_int_equal(parse_line(&o, l1, strlen(l1), NOW, collect, &s), 0);
    assert_int_equal(parse_line(NULL, l2, strlen(l2), NOW, collect, &s), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.v[1].r.format, FMT_RAW);
    assert_string_equal(s.v[1].msg, "  frame");
    sink_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_python),       cmocka_unit_test(t_traceback_groups),
        cmocka_unit_test(t_group_caps),   cmocka_unit_test(t_loguru),
        cmocka_unit_test(t_logfmt),       cmocka_unit_test(t_syslog),
        cmocka_unit_test(t_detection),    cmocka_unit_test(t_blank_and_crlf),
        cmocka_unit_test(t_cid_matcher),  cmocka_unit_test(t_emit_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
