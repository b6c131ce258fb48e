/* jsonpretty: pretty-prints one JSON value into detail lines with roles
 * for keys, strings, numbers, literals and punctuation. It works on the
 * record's own text (after cJSON has validated it) so numbers keep their
 * exact spelling and keys their order; \uXXXX escapes of printable
 * characters are shown as the characters (Vietnamese written by Python's
 * json.dumps with ensure_ascii is readable), other escapes stay visible. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "ui/views/detail_model.h"
#include "ui/text.h"
#include "ui/theme.h"

struct jp {
    struct detail *d;
    const char *s;
    size_t n, i;
    int depth, base;
};

static void skip_ws(struct jp *j)
{
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' ||
                           j->s[j->i] == '\r'))
        j->i++;
}

static void newline(struct jp *j)
{
    int ind = j->base + j->depth * 2;
    detail_endl(j->d, ind + 2);
    for (int k = 0; k < ind; k++)
        detail_put(j->d, " ", 1, ROLE_DEFAULT);
}

static int hex4(const char *s, size_t n, size_t i, unsigned *out)
{
    unsigned v = 0;
    if (i + 4 > n)
        return -1;
    for (int k = 0; k < 4; k++) {
        char c = s[i + (size_t)k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* Decodes \uXXXX (and a following low surrogate) at s[i] ('\\' at i) when
 * it is a printable character; returns the bytes consumed, 0 to keep it. */
static size_t unescape_u(const char *s, size_t n, size_t i, char *out, int *olen)
{
    unsigned cp, lo;
    size_t used = 6;
    if (hex4(s, n, i + 2, &cp) < 0)
        return 0;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (i + 12 > n || s[i + 6] != '\\' || s[i + 7] != 'u' || hex4(s, n, i + 8, &lo) < 0 ||
            lo < 0xdc00 || lo > 0xdfff)
            return 0;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        used = 12;
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        return 0;
    }
    if (cp < 0xa0)   /* ASCII and C0/C1 controls: the escape is clearer */
        return 0;
    *olen = text_utf8_put(cp, out);
    return used;
}

static void string_token(struct jp *j)
{
    size_t st = j->i++;
    while (j->i < j->n && j->s[j->i] != '"')
        j->i += j->s[j->i] == '\\' ? 2 : 1;
    size_t end = j->i < j->n ? ++j->i : j->n;
    size_t save = j->i;
    skip_ws(j);
    int role = j->i < j->n && j->s[j->i] == ':' ? ROLE_JSON_KEY : ROLE_JSON_STRING;
    j->i = save;
    size_t k = st, run = st;
    while (k < end) {
        char u[4];
        int ul = 0;
        size_t used = j->s[k] == '\\' && k + 1 < end && j->s[k + 1] == 'u'
                          ? unescape_u(j->s, end, k, u, &ul) : 0;
        if (used) {
            detail_put(j->d, j->s + run, k - run, role);
            detail_put(j->d, u, (size_t)ul, role);
            k += used;
            run = k;
        } else {
            k += j->s[k] == '\\' ? 2 : 1;
        }
    }
    detail_put(j->d, j->s + run, (end > run ? end : run) - run, role);
}

static void scalar_token(struct jp *j)
{
    size_t st = j->i;
    while (j->i < j->n && !strchr(",]}: \t\r\n", j->s[j->i]))
        j->i++;
    char c = j->s[st];
    int role = (c == '-' || (c >= '0' && c <= '9')) ? ROLE_JSON_NUMBER : ROLE_JSON_LITERAL;
    detail_put(j->d, j->s + st, j->i - st, role);
}

static void open_token(struct jp *j, char c)
{
    char close = c == '{' ? '}' : ']';
    detail_put(j->d, &c, 1, ROLE_JSON_PUNCT);
    j->i++;
    skip_ws(j);
    if (j->i < j->n && j->s[j->i] == close) {
        detail_put(j->d, &close, 1, ROLE_JSON_PUNCT);
        j->i++;
        return;
    }
    j->depth++;
    newline(j);
}

int detail_json(struct detail *d, const char *text, size_t n, int indent)
{
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(text, n, &end, 0);
    if (!v)
        return -1;
    cJSON_Delete(v);
    struct jp j = {.d = d, .s = text, .n = n, .base = indent};
    j.i = end ? (size_t)(end - text) : n;
    skip_ws(&j);
    if (j.i < n)   /* text after the value: not one JSON value */
        return -1;
    j.i = 0;
    for (int k = 0; k < indent; k++)
        detail_put(d, " ", 1, ROLE_DEFAULT);
    for (skip_ws(&j); j.i < j.n; skip_ws(&j)) {
        char c = j.s[j.i];
        if (c == '{' || c == '[') {
            open_token(&j, c);
        } else if (c == '}' || c == ']') {
            j.depth--;
            newline(&j);
            detail_put(d, &c, 1, ROLE_JSON_PUNCT);
            j.i++;
        } else if (c == ',') {
            detail_put(d, ",", 1, ROLE_JSON_PUNCT);
            j.i++;
            newline(&j);
        } else if (c == ':') {
            detail_put(d, ": ", 2, ROLE_JSON_PUNCT);
            j.i++;
        } else if (c == '"') {
            string_token(&j);
        } else {
            scalar_token(&j);
        }
    }
    detail_endl(d, indent + 2);
    return 0;
}
