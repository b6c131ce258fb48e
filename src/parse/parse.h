/* parse: turns the lines of one file into records (see record.h).
 *
 * One parser per file being read. The format is detected from the file's
 * first lines (or forced through parse_opts.format) and every line falls
 * back per line: a JSON file with a stray text line keeps both. Lines that
 * continue the previous record (Python tracebacks, indented continuation
 * lines) are joined to it, so a record is only complete when the next
 * record's first line arrives or parse_flush() is called.
 *
 * Completed records are handed to the emit callback; the record and every
 * string it points to are borrowed and valid only during the callback.
 *
 * Grouping: a Python or loguru text record takes every following line that
 * is not a record header (traceback frames, "ValueError: x", prose printed
 * to the same file). A bare "Traceback (most recent call last):" with no
 * record pending starts a raw group of level error that takes indented
 * lines, "SomeError: msg" lines and the chained-exception markers; its msg
 * becomes the last exception line. JSON, logfmt, syslog and raw lines are
 * single-line records, emitted at once. A group longer than
 * max_group_lines/max_group_bytes is emitted and continued in a new raw
 * group carrying its time, level, cid, service and logger.
 *
 * Blank lines: inside a group they are kept in raw and counted in nlines
 * (tracebacks contain them); with no group pending they carry nothing and
 * are skipped, not counted as records.
 *
 * Lines that parse as nothing are FMT_RAW records (level unknown, msg =
 * the line, ts = the time read, ts_guessed = 1), never dropped. raw is
 * always the exact bytes (invalid UTF-8, NUL bytes and escape sequences
 * included); text formats are parsed with ANSI colour sequences removed. */
#ifndef LOGDECK_PARSE_H
#define LOGDECK_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/err.h"
#include "src/base/record.h"

struct parse_opts {
    int format;              /* enum fmt; FMT_AUTO (0) detects */
    const char *service;     /* default service for records without one, or NULL */
    const char *cid_regex;   /* POSIX ERE with one capture group for text logs;
                                NULL: default ([<uuid>], request_id=, correlation_id=) */
    int tz_fixed;            /* 1: zone-less times are at tz_offset_s east of UTC */
    int tz_offset_s;         /*    else they are in the machine's local zone */
    size_t max_group_bytes;  /* cap on a joined multi-line record; 0: 1 MiB */
    int max_group_lines;     /* cap on lines joined; 0: 1000 */
    const char *layout_regex;   /* the user's layout (layout.h): a POSIX ERE with named
                                   groups ts, level, msg, ...; NULL: learn per file */
    const char *layout_ts;      /* its timestamp form (tsform.h), or NULL */
    int duration_unit;       /* bare duration keys (duration, response_time,
                                elapsed): 1 ms, 2 s, 0 infer per source */
};

/* What the parser made of a file so far: for `index --explain-format` and
 * the per-file lines of the index summary. */
#define PARSE_EXAMPLES 5
struct parse_summary {
    int64_t lines;                /* non-blank lines pushed */
    int64_t starts[FMT_COUNT];    /* lines that started a record, by format;
                                     [FMT_RAW]: lines parsed as nothing, alone */
    int64_t joined;               /* lines joined to the record before them */
    int nexamples;                /* the first lines that fitted nothing */
    int64_t example_line[PARSE_EXAMPLES];   /* 1-based line numbers */
    char example[PARSE_EXAMPLES][161];
};

/* Returns 0 to continue, non-zero to stop: parse_push/parse_flush then
 * return that value. */
typedef int (*parse_emit_fn)(void *ctx, const struct record *rec);

struct parser;

/* Returns NULL and fills e on a bad option (e.g. an invalid cid_regex).
 * opts is copied; its strings are copied too. */
struct parser *parse_new(const struct parse_opts *opts, struct err *e);
void parse_free(struct parser *p);   /* NULL is a no-op */

/* Pushes one line, without its '\n' (a trailing '\r' is dropped), that
 * starts at byte offset off of the file; now_us is the time it was read
 * (used when the record has no time). May emit 0, 1 or 2 records.
 * truncated: 1 if the caller cut the line at its length limit.
 * Returns 0, or the emit callback's non-zero value. When emitting the
 * pending group returns non-zero, the pushed line is not consumed (push it
 * again to resume). */
int parse_push(struct parser *p, const char *line, size_t len, int64_t off,
               int truncated, int64_t now_us, parse_emit_fn emit, void *ctx);

/* Completes the pending multi-line record, if any. */
int parse_flush(struct parser *p, parse_emit_fn emit, void *ctx);

/* Offset of the first line of the pending (not yet emitted) record, or -1.
 * A checkpoint must never be saved beyond it. */
int64_t parse_pending_offset(const struct parser *p);

/* The detected (or forced) format of the file so far: enum fmt. The most
 * frequent format among the first 1000 non-blank lines (FMT_RAW if none
 * parsed), FMT_AUTO before any line. */
int parse_format(const struct parser *p);

/* Years of year-less times (syslog, logcat) are the latest that do not put
 * a line more than a day after ref_us: the file's modification time. 0 (the
 * default): the time each line is read. */
void parse_set_ref_time(struct parser *p, int64_t ref_us);

/* Borrowed; valid until the next push. */
const struct parse_summary *parse_summary(const struct parser *p);
/* The layouts learned (or the config's), one per line; "" if none. */
size_t parse_layout_describe(const struct parser *p, char *buf, size_t bufsz);
/* One line: the format or layout that started most records ("layout: time
 * at field 1 as 'yyyy-MM-dd...'", "json", "syslog"...). */
void parse_layout_name(const struct parser *p, char *buf, size_t bufsz);

/* Parses a single standalone line into a record without grouping; for
 * tests, fuzzing and `logdeck` internals. Same borrowing rule via emit.
 * opts may be NULL. A blank line emits nothing. Returns -1 on bad opts. */
int parse_line(const struct parse_opts *opts, const char *line, size_t len,
               int64_t now_us, parse_emit_fn emit, void *ctx);

#endif
