/* chsql: text of ClickHouse SQL. ClickHouse 18.16's HTTP interface has no
 * bound parameters, so every value that reaches its SQL is written by
 * chsql_lit(), the one escaping function (tests/fuzz/fuzz_chsql.c fuzzes
 * it, tests/integration/ch_inject.sh sends an injection catalogue through
 * every field of the query language). Nothing else may paste user text
 * into ClickHouse SQL. */
#ifndef LOGDECK_CHSQL_H
#define LOGDECK_CHSQL_H

#include <stddef.h>

/* A growing NUL-terminated text; oom is sticky (checked once at the end). */
struct chbuf {
    char *s;
    size_t len, cap;
    int oom;
};

enum chsql_kind {
    CHSQL_STR = 0,   /* 'string literal': any bytes, NUL included */
    CHSQL_IDENT,     /* `identifier` */
    CHSQL_LIKE,      /* 'LIKE pattern' matching the bytes literally */
    CHSQL_GLOB       /* 'LIKE pattern' where '*' matches any run, all else literal */
};

void chb_fini(struct chbuf *b);
void chb_reset(struct chbuf *b);                   /* keeps the memory */
void chb_put(struct chbuf *b, const char *p, size_t n);
/* Appends formatted SQL text written by the program (never user text). */
void chb_add(struct chbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s[0..n) quoted as kind: the result is one token of ClickHouse SQL
 * whose value is exactly those bytes (for LIKE/GLOB: a pattern matching
 * them). Quote, backslash and every byte below 0x20 or 0x7f are escaped
 * (\xHH); bytes >= 0x80 pass as they are. */
void chsql_lit(struct chbuf *b, int kind, const char *s, size_t n);

#endif
