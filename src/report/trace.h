/* trace: one correlation id's records from every file and format, oldest
 * first, assembled into a plain struct for the trace view, `logdeck trace`
 * and the alert engine: offsets from the first record, gaps, a per-service
 * breakdown, the total span, the slowest step and the first error. No SQL
 * (it reads through db/exec.h) and no output (see recout.h). */
#ifndef LOGDECK_TRACE_H
#define LOGDECK_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"

struct trace_step {
    struct store_row row;   /* deep copy: its strings are owned by the trace */
    int64_t offset_us;      /* ts - the first record's ts */
    int64_t gap_us;         /* ts - the previous record's ts (0 for the first) */
};

struct trace_service {
    char *name;             /* service, else logger, else "-" */
    int64_t count, errors;  /* errors: level >= error */
    int64_t first_us, last_us;   /* offsets of its first and last record */
    double duration_ms;     /* sum of its records' duration_ms */
    int has_duration;
};

struct trace {
    char *cid;
    struct trace_step *steps;
    size_t n;
    struct trace_service *services;   /* in order of first appearance */
    size_t nservices;
    int64_t first_ts, last_ts, span_us;
    int64_t errors;
    /* The step with the largest duration_ms, or when none has one, the
     * largest gap since the previous step; -1 when n == 0. */
    long slowest;
    int slowest_by_duration;   /* 1: slowest was chosen by duration_ms */
    long first_error;          /* first step with level >= error, or -1 */
};

/* Loads every record of cid (ASCII case-insensitive). Returns 0 (out->n may
 * be 0: unknown id) or -1. Free with trace_fini() either way. */
int trace_load(struct store *s, const char *cid, struct trace *out, struct err *e);
void trace_fini(struct trace *t);

/* Deep copy of a row (strings owned by dst; free with trace_row_free). */
int trace_row_copy(struct store_row *dst, const struct store_row *src);
void trace_row_free(struct store_row *r);

#endif
