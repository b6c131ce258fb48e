/* record: the normalised log record, a leaf type shared by src/ and db/.
 * A record is one line, or one multi-line group (a traceback joined to the
 * line that introduced it). Every string is borrowed from whoever produced
 * the record (the parser's arena, or a store row buffer): see the producer's
 * contract for how long it stays valid. */
#ifndef LOGDECK_RECORD_H
#define LOGDECK_RECORD_H

#include <stddef.h>
#include <stdint.h>

/* Ordered by severity; LVL_UNKNOWN sorts below everything. Stored as int. */
enum level {
    LVL_UNKNOWN = 0,
    LVL_TRACE = 1,
    LVL_DEBUG = 2,
    LVL_INFO = 3,
    LVL_NOTICE = 4,
    LVL_WARNING = 5,
    LVL_ERROR = 6,
    LVL_CRITICAL = 7,
    LVL_COUNT = 8
};

/* The format of the line that started the record. Stored as int. */
enum fmt {
    FMT_AUTO = 0,      /* only as a request: detect */
    FMT_JSON = 1,      /* one JSON object per line */
    FMT_PYTHON = 2,    /* %(asctime)s - %(name)s - %(levelname)s - %(message)s */
    FMT_LOGURU = 3,    /* 2024-01-01 12:00:00.000 | INFO     | mod:func:12 - msg */
    FMT_LOGFMT = 4,    /* key=value key="quoted value" */
    FMT_SYSLOG = 5,    /* RFC 3164 or RFC 5424 */
    FMT_RAW = 6,       /* parsed as nothing: level unknown, msg = the line */
    FMT_LAYOUT = 7,    /* a timestamped text layout learned per file or named in the config */
    FMT_COUNT = 8
};

struct record {
    int64_t ts;            /* UTC microseconds since the epoch */
    int ts_guessed;        /* 1: no time in the record, ts = time it was read */
    int level;             /* enum level */
    int format;            /* enum fmt */
    const char *cid;       /* correlation id, NUL-terminated, or NULL */
    const char *service;   /* or NULL */
    const char *logger;    /* logger / module name, or NULL */
    const char *msg;       /* message (may hold NUL bytes: use msg_len) */
    size_t msg_len;
    const char *raw;       /* the exact bytes read, lines joined by '\n' */
    size_t raw_len;
    /* Structured fields as a JSON object text, NUL-terminated, or NULL.
     * For FMT_JSON records this is NULL: raw is the object itself. */
    const char *fields;
    const char *host;      /* the host that read it (shared backends), or NULL */
    double duration_ms;    /* valid when has_duration */
    int has_duration;
    int64_t status;        /* HTTP status code, valid when has_status */
    int has_status;
    const char *metric_name;   /* metric.name / metric_name, or NULL */
    double metric_value;       /* valid when has_metric */
    int has_metric;
    const char *path;      /* request path (path, url.path, endpoint), or NULL */
    /* Structured fields flattened (src/base/flat.h, packed form), or NULL:
     * the store then derives them from raw (JSON) or fields. */
    const char *terms;
    size_t terms_len;
    int64_t offset;        /* byte offset of the first line in its file */
    int nlines;            /* lines joined into this record (>= 1) */
    int truncated;         /* 1: a line was cut at the length limit */
    int history;           /* 1: older content stored by the backfill
                              (tail-first indexing), not a new record */
};

/* Level names: "trace", "debug", ..., "critical"; "unknown" for 0. */
const char *level_name(int level);
/* Parses a level name or alias, case-insensitive, of n bytes: WARN, ERR,
 * FATAL, CRIT, EMERG, ALERT, SEVERE, SUCCESS (= info), FINE..., numeric
 * syslog severities "0".."7". Returns the enum level, or -1 if unknown. */
int level_parse(const char *s, size_t n);
/* Syslog severity 0..7 to enum level. */
int level_from_syslog(int sev);
/* Format name ("json", "python", ...), and the reverse (-1 if unknown). */
const char *fmt_name(int fmt);
int fmt_parse(const char *s);

/* One stored record as a read returns it (db/exec.h): its id, its file,
 * and the record. Here, not in db/, so the views and reports that hold
 * rows need no db/ header. Handed to a row callback, rec's strings and
 * file are borrowed, valid only during the callback (a trace deep-copies
 * them). */
struct store_row {
    int64_t id;
    int64_t file_id;
    const char *file;       /* source path */
    struct record rec;
};
typedef int (*store_row_fn)(void *ctx, const struct store_row *row);

#endif
