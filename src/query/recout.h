/* recout: output of records, traces and stats as text lines (safe for a
 * terminal: control characters and invalid UTF-8 are escaped) and as JSON
 * (design.md "--json output": one object per line; invalid UTF-8 replaced
 * by U+FFFD, control characters escaped). Shared by the headless commands
 * and the TUI's `:w out.jsonl`. */
#ifndef LOGDECK_RECOUT_H
#define LOGDECK_RECOUT_H

#include <stddef.h>
#include <stdio.h>

#include "db/store.h"
#include "src/report/stats.h"
#include "src/report/trace.h"

/* "YYYY-MM-DD HH:MM:SS.mmm LEVEL    service msg\n" (local time; the
 * logger when there is no service, else "-"; the message on one line,
 * newlines shown as \n). */
void recout_text(FILE *f, const struct store_row *r);

/* One JSON object and '\n': ts (RFC 3339 UTC, µs), level, cid|null,
 * service|null, logger|null, file, offset, format, msg, fields (the parsed
 * raw object for JSON records, else the fields column object, else {}).
 * extra, if not NULL, is inserted verbatim as more members
 * ("\"offset_ms\":1.5"). */
void recout_json(FILE *f, const struct store_row *r, const char *extra);

/* s[0..n) for a terminal: printable UTF-8 as is, the rest as \n, \t, \xNN. */
void recout_escape_text(FILE *f, const char *s, size_t n);
/* s[0..n) as a JSON string literal, quotes included. */
void recout_json_string(FILE *f, const char *s, size_t n);
/* Copies JSON text (e.g. from cJSON_Print*) fixing invalid UTF-8 and
 * escaping DEL and C1 controls inside its strings. */
void recout_json_clean(FILE *f, const char *json);

/* "+12.4 ms", "+1.532 s" into buf[32]. */
const char *recout_offset(long long us, char buf[32]);

/* A trace: a header, one line per record with its offset from the first
 * (left out when summary_only), then the per-service breakdown, the slowest
 * step and the first error. */
void recout_trace_text(FILE *f, const struct trace *t, int summary_only);
/* JSON lines: each record (recout_json) with offset_ms and gap_ms, and
 * nothing else, so that `| jq .msg` sees records only. */
void recout_trace_json(FILE *f, const struct trace *t);
/* The summary as one JSON object on one line: {"trace": {cid, count,
 * first, last, span_ms, errors, services: [...], slowest: {...}|null,
 * first_error: {...}|null}}. */
void recout_trace_summary_json(FILE *f, const struct trace *t);

/* Stats as a human summary, or as one JSON object (design of issue 4:
 * count, by_level, error_rate, latency, histogram, groups, status,
 * templates, metrics). by names the --by field or NULL. */
void recout_stats_text(FILE *f, const struct stats *s, const char *by);
void recout_stats_json(FILE *f, const struct stats *s, const char *by);

#endif
