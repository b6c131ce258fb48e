/* fuzz_chsql: the one function that writes values into ClickHouse SQL
 * (chsql_lit). The first byte picks the kind (string, identifier, LIKE,
 * glob); the rest is the value. The output must be exactly one quoted
 * token: decoded with ClickHouse's escape rules (an independent decoder
 * below) it gives back the value, byte for byte, and nothing follows the
 * closing quote; no raw control byte or NUL appears in it. For LIKE and
 * glob the decoded pattern must match the value literally (glob: '*' is
 * the only wildcard). Any violation aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/chsql.h"

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* ClickHouse's reading of a quoted literal; returns the decoded length or
 * aborts when the text is not one whole literal. */
static size_t decode(const char *s, size_t n, char quote, char *out)
{
    if (n < 2 || s[0] != quote)
        abort();
    size_t o = 0, i = 1;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            abort();                       /* raw control byte */
        if (c == (unsigned char)quote)
            break;
        if (c != '\\') {
            out[o++] = (char)c;
            continue;
        }
        if (++i >= n)
            abort();
        char e = s[i];
        if (e == 'x') {
            if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                abort();
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[o++] = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? '\0' : e;
        }
    }
    if (i != n - 1)
        abort();                           /* something after the closing quote */
    return o;
}

/* A LIKE pattern that must match v literally (glob: '*' in v may be '%'). */
static void check_like(const char *p, size_t pn, const uint8_t *v, size_t vn, int glob)
{
    size_t j = 0;
    for (size_t i = 0; i < pn; i++, j++) {
        if (j >= vn)
            abort();
        if (p[i] == '\\') {
            if (++i >= pn || (p[i] != '%' && p[i] != '_' && p[i] != '\\') || p[i] != (char)v[j])
                abort();
        } else if (p[i] == '%') {
            if (!glob || v[j] != '*')
                abort();
        } else if (p[i] == '_' || p[i] != (char)v[j] || (glob && v[j] == '*')) {
            abort();
        }
    }
    if (j != vn)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int kind = data[0] % 4;
    const uint8_t *v = data + 1;
    size_t vn = size - 1;
    struct chbuf b = {0};
    chb_add(&b, "SELECT ");
    size_t start = b.len;
    chsql_lit(&b, kind, (const char *)v, vn);
    if (b.oom || !b.s) {
        chb_fini(&b);
        return 0;
    }
    if (strlen(b.s) != b.len)
        abort();                           /* a NUL byte reached the SQL text */
    char *dec = malloc(b.len + 1);
    size_t dn = decode(b.s + start, b.len - start, kind == CHSQL_IDENT ? '`' : '\'', dec);
    if (kind == CHSQL_STR || kind == CHSQL_IDENT) {
        if (dn != vn || memcmp(dec, v, vn) != 0)
            abort();
    } else {
        check_like(dec, dn, v, vn, kind == CHSQL_GLOB);
    }
    free(dec);
    chb_fini(&b);
    return 0;
}

#include "tests/fuzz/replay.h"
