/* repout: text and JSON output of traces and stats, for the headless
 * commands (`logdeck trace`, `logdeck stats`). Records themselves are
 * written by src/query/recout.h. */
#ifndef LOGDECK_REPORT_REPOUT_H
#define LOGDECK_REPORT_REPOUT_H

#include <stdio.h>

#include "src/report/stats.h"
#include "src/report/trace.h"

/* A trace: a header, one line per record with its offset from the first
 * (left out when summary_only), then the per-service breakdown, the slowest
 * step and the first error. */
void repout_trace_text(FILE *f, const struct trace *t, int summary_only);
/* JSON lines: each record (recout_json) with offset_ms and gap_ms, and
 * nothing else, so that `| jq .msg` sees records only. */
void repout_trace_json(FILE *f, const struct trace *t);
/* The summary as one JSON object on one line: {"trace": {cid, count,
 * first, last, span_ms, errors, services: [...], slowest: {...}|null,
 * first_error: {...}|null}}. */
void repout_trace_summary_json(FILE *f, const struct trace *t);

/* Stats as a human summary, or as one JSON object (design of issue 4:
 * count, by_level, error_rate, latency, histogram, groups, status,
 * templates, metrics). by names the --by field or NULL. */
void repout_stats_text(FILE *f, const struct stats *s, const char *by);
void repout_stats_json(FILE *f, const struct stats *s, const char *by);

#endif
