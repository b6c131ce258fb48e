/* chsql: the ClickHouse SQL text buffer and its one escaping function. */
#include "db/chsql.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void chb_fini(struct chbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

void chb_reset(struct chbuf *b)
{
    b->len = 0;
    b->oom = 0;
    if (b->s)
        b->s[0] = '\0';
}

static int chb_room(struct chbuf *b, size_t n)
{
    if (b->oom)
        return -1;
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->len + n + 1)
        nc *= 2;
    char *ns = realloc(b->s, nc);
    if (!ns) {
        b->oom = 1;
        return -1;
    }
    b->s = ns;
    b->cap = nc;
    return 0;
}

void chb_put(struct chbuf *b, const char *p, size_t n)
{
    if (chb_room(b, n) < 0)
        return;
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void chb_add(struct chbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || chb_room(b, (size_t)n) < 0) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void chsql_lit(struct chbuf *b, int kind, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char quote = kind == CHSQL_IDENT ? '`' : '\'';
    int like = kind == CHSQL_LIKE || kind == CHSQL_GLOB;
    /* worst case: every byte as \\\\ (a LIKE backslash) or \xHH */
    if (chb_room(b, n * 4 + 2) < 0)
        return;
    char *o = b->s + b->len;
    *o++ = quote;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (kind == CHSQL_GLOB && c == '*') {
            *o++ = '%';
        } else if (like && (c == '%' || c == '_' || c == '\\')) {
            /* LIKE sees \% \_ \\ : in the literal each backslash doubles */
            *o++ = '\\';
            *o++ = '\\';
            if (c == '\\') {
                *o++ = '\\';
                *o++ = '\\';
            } else {
                *o++ = (char)c;
            }
        } else if (c == '\\' || c == '\'' || c == '`') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = quote;
    *o = '\0';
    b->len = (size_t)(o - b->s);
}
