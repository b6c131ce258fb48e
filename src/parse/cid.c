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

/* "[8-4-4-4-12]" at s[i]. */
static int bracket_uuid(const char *s, size_t n, size_t i)
{
    static const int groups[5] = {8, 4, 4, 4, 12};
    if (i + 38 > n || s[i + 37] != ']')
        return 0;
    size_t k = i + 1;
    for (int g = 0; g < 5; g++) {
        for (int j = 0; j < groups[g]; j++, k++)
            if (!is_hex(s[k]))
                return 0;
        if (g < 4 && s[k++] != '-')
            return 0;
    }
    return 1;
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

static int default_find(const char *s, size_t n, size_t *off, size_t *len)
{
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '[') {
            if (bracket_uuid(s, n, i)) {
                *off = i + 1, *len = 36;
                return 1;
            }
        } else if (ch == 'r') {
            if (keyword_at(s, n, i, "request_id", 10) && key_value(s, n, i + 10, off, len))
                return 1;
        } else if (ch == 'c') {
            if (keyword_at(s, n, i, "correlation_id", 14) && key_value(s, n, i + 14, off, len))
                return 1;
        }
    }
    return 0;
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
