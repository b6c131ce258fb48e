/* cid: correlation ids in text lines (see cid.h). The default matcher is
 * a single left-to-right scan, because regexec per line would cost more
 * than parsing the line itself. */
#include "src/parse/cid.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

struct cid {
    int custom;
    regex_t re;
    char *buf;   /* NUL-terminated copy of the line for regexec */
    size_t cap;
};

struct cid *cid_new(const char *regex, struct err *e)
{
    struct cid *c = calloc(1, sizeof *c);
    if (!c) {
        err_set(e, "out of memory");
        return NULL;
    }
    if (!regex || !*regex)
        return c;
    int rc = regcomp(&c->re, regex, REG_EXTENDED);
    if (rc != 0) {
        char msg[256];
        regerror(rc, &c->re, msg, sizeof msg);
        err_setc(e, 2, "cid_regex \"%s\": %s", regex, msg);
        free(c);
        return NULL;
    }
    c->custom = 1;
    return c;
}

void cid_free(struct cid *c)
{
    if (!c)
        return;
    if (c->custom)
        regfree(&c->re);
    free(c->buf);
    free(c);
}

static int is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static int is_word(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

/* "[8-4-4-4-12]" at s[i]: a table per position (1 hex digit, 2 '-'),
 * checked without a branch per byte; this runs on every bracket. */
static int bracket_uuid(const char *s, size_t n, size_t i)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    if (i + 38 > n || s[i + 37] != ']' || s[i + 9] != '-' || s[i + 14] != '-')
        return 0;
    unsigned bad = 0;
    for (int k = 0; k < 36; k++) {
        char c = s[i + 1 + (size_t)k];
        bad |= shape[k] == '-' ? (unsigned)(c != '-') : (unsigned)!is_hex(c);
    }
    return !bad;
}

static int value_end(char ch)
{
    return ch == ' ' || ch == '\t' || ch == ',' || ch == ';' || ch == ')' || ch == ']' ||
           ch == '}' || ch == '"' || ch == '\'' || ch == '>' || ch == '\0';
}

/* After "request_id" / "correlation_id" at s[k]: "=V", ": V", ":V". */
static int key_value(const char *s, size_t n, size_t k, size_t *off, size_t *len)
{
    if (k < n && s[k] == '=')
        k++;
    else if (k < n && s[k] == ':')
        for (k++; k < n && s[k] == ' '; k++)
            ;
    else
        return 0;
    if (k < n && (s[k] == '"' || s[k] == '\'')) {
        char q = s[k++];
        size_t st = k;
        while (k < n && s[k] != q)
            k++;
        if (k >= n || k == st)
            return 0;
        *off = st, *len = k - st;
        return 1;
    }
    size_t st = k;
    while (k < n && !value_end(s[k]))
        k++;
    /* "request_id=12345: quota exceeded": prose punctuation is not the id */
    while (k > st && (s[k - 1] == ':' || s[k - 1] == '.' || s[k - 1] == ','))
        k--;
    if (k == st)
        return 0;
    *off = st, *len = k - st;
    return 1;
}

static int keyword_at(const char *s, size_t n, size_t i, const char *kw, size_t kl)
{
    if (i + kl > n || memcmp(s + i, kw, kl) != 0)
        return 0;
    return i == 0 || !is_word(s[i - 1]);
}

/* The first "[<uuid>]", "request_id" or "correlation_id" of the line:
 * found through memchr (vectorised in libc) for '[' and for the '_' both
 * keys contain, rather than byte by byte, since this runs on every text
 * line. */
static int key_at_underscore(const char *s, size_t n, size_t u, size_t *at, size_t *off,
                             size_t *len)
{
    if (u + 3 > n || s[u + 1] != 'i' || s[u + 2] != 'd')
        return 0;
    if (u >= 7 && keyword_at(s, n, u - 7, "request_id", 10) &&
        key_value(s, n, u + 3, off, len)) {
        *at = u - 7;
        return 1;
    }
    if (u >= 11 && keyword_at(s, n, u - 11, "correlation_id", 14) &&
        key_value(s, n, u + 3, off, len)) {
        *at = u - 11;
        return 1;
    }
    return 0;
}

static int default_find(const char *s, size_t n, size_t *off, size_t *len)
{
    size_t at = n, o, l, a;
    for (const char *p = memchr(s, '[', n); p; p = memchr(p + 1, '[', n - (size_t)(p + 1 - s))) {
        if (bracket_uuid(s, n, (size_t)(p - s))) {
            at = (size_t)(p - s), *off = at + 1, *len = 36;
            break;
        }
        if (p + 1 >= s + n)
            break;
    }
    for (const char *p = memchr(s, '_', n); p && (size_t)(p - s) < at + 11;
         p = p + 1 < s + n ? memchr(p + 1, '_', n - (size_t)(p + 1 - s)) : NULL)
        if (key_at_underscore(s, n, (size_t)(p - s), &a, &o, &l) && a < at) {
            at = a, *off = o, *len = l;
            break;
        }
    return at < n;
}

int cid_find(struct cid *c, const char *s, size_t n, size_t *off, size_t *len)
{
    if (!c || !s)
        return 0;
    if (!c->custom)
        return default_find(s, n, off, len);
    /* regexec wants a C string (and sanitizers check it as one) even with
     * REG_STARTEND, which is still used so NUL bytes inside do not end it. */
    if (n + 1 > c->cap) {
        size_t cap = n + 1 < 256 ? 256 : n + 1;
        char *b = realloc(c->buf, cap);
        if (!b)
            return 0;
        c->buf = b, c->cap = cap;
    }
    memcpy(c->buf, s, n);
    c->buf[n] = '\0';
    regmatch_t m[2];
    m[0].rm_so = 0;
    m[0].rm_eo = (regoff_t)n;
    if (regexec(&c->re, c->buf, 2, m, REG_STARTEND) != 0)
        return 0;
    int g = (c->re.re_nsub >= 1 && m[1].rm_so >= 0) ? 1 : 0;
    if (m[g].rm_so < 0 || m[g].rm_eo <= m[g].rm_so)
        return 0;
    *off = (size_t)m[g].rm_so;
    *len = (size_t)(m[g].rm_eo - m[g].rm_so);
    return 1;
}
