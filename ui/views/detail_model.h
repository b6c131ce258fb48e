/* views/detail_model: what the detail pane shows for one record (no
 * curses): a list of styled lines (the header fields, the whole message, every structured
 * field by its dotted path, the record's JSON pretty-printed with roles
 * for keys, strings, numbers and literals, the raw text, the file and
 * offset), and their layout wrapped to a width. Multi-line records
 * (tracebacks) appear whole. Text is kept as the record's bytes; the
 * screen sanitizes it when drawing. */
#ifndef LOGDECK_UI_DETAIL_H
#define LOGDECK_UI_DETAIL_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/record.h"

#define DETAIL_TEXT_MAX (64 * 1024)    /* bytes of message / raw text shown */
#define DETAIL_JSON_MAX (256 * 1024)   /* larger records are not pretty-printed */

struct dline {
    char *text;          /* bytes, no '\n' */
    uint8_t *roles;      /* one role per byte */
    size_t len;
    int indent;          /* columns continuation rows are indented by */
};

struct vrow {            /* one screen row of the wrapped layout */
    int line;            /* index into lines */
    size_t off, end;     /* bytes of that line on this row */
    int cont;            /* 1: a continuation (indented) */
};

struct detail {
    int64_t id;
    struct dline *lines;
    int n, cap;
    struct dline cur;    /* the line being built */
    size_t cur_cap;
    int oom;
    struct vrow *rows;   /* after detail_layout */
    int nrows, rows_cap, width;
};

/* Builds the lines for row (its strings are copied). Returns 0, or -1 on
 * no memory (d is then empty). */
int detail_build(struct detail *d, const struct store_row *row);
/* Wraps the lines to width columns (recomputed only when width changes or
 * after a build). Returns 0, or -1 on no memory. */
int detail_layout(struct detail *d, int width);
/* Index of the first line whose text starts with prefix (for tests and
 * for jumping to a section), or -1. */
int detail_find_line(const struct detail *d, const char *prefix);
void detail_fini(struct detail *d);

/* Line building, for detail.c and jsonpretty.c: appends bytes in a role
 * to the current line / ends it. Failures set d->oom. */
void detail_put(struct detail *d, const char *s, size_t n, int role);
void detail_puts(struct detail *d, const char *s, int role);
void detail_endl(struct detail *d, int indent);

/* jsonpretty.c: appends text (one JSON value) pretty-printed, indented by
 * indent columns. Returns 0, or -1 if text is not valid JSON (nothing is
 * appended then). */
int detail_json(struct detail *d, const char *text, size_t n, int indent);

#endif
