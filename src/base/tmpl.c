/* tmpl: message templates for grouping error messages (tmpl.h): the
 * variable parts of a message become placeholders, so that "user 42 not
 * found" and "user 7 not found" are one line in the top list. A leaf: the
 * store's rollups template at ingest (db/rollup.c), stats at read. */
#include "src/base/tmpl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE_MAX 200   /* bytes of the message considered */

static int is_hex(unsigned char c)
{
    return isxdigit(c) != 0;
}

static int word_byte(unsigned char c)
{
    return isalnum(c) || c == '_' || c >= 0x80;
}

/* Length of a uuid (8-4-4-4-12 hex) at s, else 0. */
static size_t uuid_at(const char *s, size_t n)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    size_t i = 0;
    for (int g = 0; g < 5; g++) {
        for (int k = 0; k < groups[g]; k++, i++)
            if (i >= n || !is_hex((unsigned char)s[i]))
                return 0;
        if (g < 4 && (i >= n || s[i++] != '-'))
            return 0;
    }
    return (i < n && word_byte((unsigned char)s[i])) ? 0 : i;
}

/* Length of a hex token at s: 0x..., or >= 8 hex digits with a digit. */
static size_t hex_at(const char *s, size_t n)
{
    size_t i = 0;
    int digit = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && is_hex((unsigned char)s[2])) {
        for (i = 2; i < n && is_hex((unsigned char)s[i]); i++)
            ;
        return (i < n && word_byte((unsigned char)s[i])) ? 0 : i;
    }
    for (; i < n && is_hex((unsigned char)s[i]); i++)
        digit |= isdigit((unsigned char)s[i]) != 0;
    if (i < 8 || !digit || (i < n && word_byte((unsigned char)s[i])))
        return 0;
    return i;
}

/* Length of a number at s: digits with an optional fraction. */
static size_t num_at(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i && i + 1 < n && s[i] == '.' && isdigit((unsigned char)s[i + 1]))
        for (i++; i < n && isdigit((unsigned char)s[i]);)
            i++;
    return i;
}

/* Length of a quoted string at s ('...' or "..."), else 0. */
static size_t quoted_at(const char *s, size_t n)
{
    char q = s[0];
    if (q != '"' && q != '\'')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (s[i] == q)
            return i + 1;
    return 0;
}

/* Length of the placeholder match at s[i] (with its placeholder in *ph). */
static size_t match_at(const char *m, size_t i, size_t n, const char **ph)
{
    const char *s = m + i;
    size_t k, left = n - i;
    int boundary = i == 0 || !word_byte((unsigned char)m[i - 1]);
    if ((k = quoted_at(s, left)) && (s[0] == '"' || boundary)) {
        *ph = "<str>";
        return k;
    }
    if (boundary && (k = uuid_at(s, left))) {
        *ph = "<uuid>";
        return k;
    }
    if (boundary && (k = hex_at(s, left))) {
        *ph = "<hex>";
        return k;
    }
    if (isdigit((unsigned char)s[0]) && (k = num_at(s, left))) {
        *ph = "<num>";
        return k;
    }
    return 0;
}

char *tmpl_of(const char *msg, size_t len)
{
    const char *nl = memchr(msg, '\n', len);
    size_t n = nl ? (size_t)(nl - msg) : len;
    if (n > TEMPLATE_MAX)
        n = TEMPLATE_MAX;
    while (n && (msg[n - 1] == '\r' || msg[n - 1] == ' '))
        n--;
    char *out = malloc(n * 6 + 8), *o = out;   /* "<num>" may stand for 1 byte */
    if (!out)
        return NULL;
    for (size_t i = 0; i < n;) {
        const char *ph = NULL;
        size_t k = match_at(msg, i, n, &ph);
        if (k) {
            size_t pl = strlen(ph);
            memcpy(o, ph, pl);
            o += pl;
            i += k;
        } else {
            *o++ = msg[i] ? msg[i] : ' ';
            i++;
        }
    }
    *o = '\0';
    return out;
}
