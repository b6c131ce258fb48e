/* recout: output of records as text lines (safe for a terminal: control
 * characters and invalid UTF-8 are escaped) and as JSON (design.md "--json
 * output": one object per line; invalid UTF-8 replaced by U+FFFD, control
 * characters escaped), and the one rule naming a record's source. Shared by
 * the headless commands, the TUI's `:w out.jsonl` and src/report/repout.c
 * (traces and stats). */
#ifndef LOGDECK_RECOUT_H
#define LOGDECK_RECOUT_H

#include <stddef.h>
#include <stdio.h>

#include "db/store.h"

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

/* s[0..n) for a terminal: printable UTF-8 as is, the rest as \n, \t, \\,
 * \xNN (invalid bytes and C0 controls such as ESC) and \uNNNN (C1 controls,
 * bidi controls and zero-width characters: uchar_invisible), as the TUI
 * shows them. Every text output of every command goes through it. */
void recout_escape_text(FILE *f, const char *s, size_t n);
/* The same for a NUL-terminated s (NULL: ""), into buf (cut at a
 * character boundary to fit cap); returns buf, for printf. */
char *recout_escape_buf(const char *s, char *buf, size_t cap);
/* s[0..n) as a JSON string literal, quotes included. */
void recout_json_string(FILE *f, const char *s, size_t n);
/* Copies JSON text (e.g. from cJSON_Print*) fixing invalid UTF-8 and
 * escaping DEL and C1 controls inside its strings. */
void recout_json_clean(FILE *f, const char *json);

/* "+12.4 ms", "+1.532 s" into buf[32]. */
const char *recout_offset(long long us, char buf[32]);

/* The name a record goes under in lanes and listings: its service, else
 * its logger, else its file's name without directories and extensions
 * ("/var/log/gateway/api.jsonl.1" -> "api"), else "-". The result is
 * row's own string or buf (64 bytes), valid as long as both are. */
const char *recout_source_name(const struct store_row *row, char buf[64]);

#endif
