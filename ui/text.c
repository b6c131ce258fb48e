/* text: decoding log bytes into safe, width-accounted glyphs (see text.h).
 * The rule that matters: nothing that reaches the terminal can be a
 * control character or an invisible formatting character; those are
 * spelled out as visible escapes instead. */
#include "ui/text.h"
#include "src/base/uchar.h"

#include <ctype.h>
#include <string.h>
#include <wchar.h>

int32_t text_utf8_next(const char *str, size_t n, size_t *pos)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = *pos;
    unsigned c = s[i];
    if (c < 0x80) {
        *pos = i + 1;
        return (int32_t)c;
    }
    int len;
    uint32_t cp, min;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; min = 0x10000; }
    else { *pos = i + 1; return -1; }
    if (i + (size_t)len > n) {
        *pos = i + 1;
        return -1;
    }
    for (int k = 1; k < len; k++) {
        unsigned cc = s[i + (size_t)k];
        if ((cc & 0xc0) != 0x80) {
            *pos = i + 1;
            return -1;
        }
        cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        *pos = i + 1;
        return -1;
    }
    *pos = i + (size_t)len;
    return (int32_t)cp;
}

int text_utf8_put(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Columns cp takes when drawn as itself, or -1 when it must be escaped;
 * 0 for a combining mark. */
static int cp_width(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || uchar_invisible(cp))
        return -1;
    if (cp < 0x7f)
        return 1;
    int w = wcwidth((wchar_t)cp);
    return w > 2 ? -1 : w;
}

static int put_ascii(struct glyph *g, int k, const char *s)
{
    for (; *s; s++, k++) {
        memset(&g[k], 0, sizeof g[k]);
        g[k].cp = (unsigned char)*s;
        g[k].width = 1;
        g[k].esc = 1;
    }
    return k;
}

/* The visible escape for a character that must not reach the terminal. */
static int escape_cp(int32_t cp, struct glyph *g)
{
    char buf[16];
    static const char hex[] = "0123456789abcdef";
    if (cp < 0) {
        memset(g, 0, sizeof *g);
        g->cp = 0xfffd;
        g->width = 1;
        g->esc = 1;
        if (cp_width(0xfffd) != 1)
            return put_ascii(g, 0, "?");
        return 1;
    }
    if (cp < 0x20 || cp == 0x7f) {
        buf[0] = '^';
        buf[1] = cp == 0x7f ? '?' : (char)(cp + 0x40);
        buf[2] = 0;
        return put_ascii(g, 0, buf);
    }
    int digits = cp > 0xffff ? 8 : 4;
    buf[0] = '\\';
    buf[1] = cp > 0xffff ? 'U' : 'u';
    for (int i = 0; i < digits; i++)
        buf[2 + i] = hex[((uint32_t)cp >> (4 * (digits - 1 - i))) & 0xf];
    buf[2 + digits] = 0;
    return put_ascii(g, 0, buf);
}

/* Attaches the combining marks that follow s[*pos] to g. */
static void take_combining(const char *s, size_t n, size_t *pos, struct glyph *g)
{
    int k = 0;
    while (*pos < n) {
        size_t p = *pos;
        int32_t cp = text_utf8_next(s, n, &p);
        if (cp < 0x300 || cp_width((uint32_t)cp) != 0)
            return;
        if (k < TEXT_MAXCOMB)
            g->comb[k++] = (uint32_t)cp;
        *pos = p;   /* marks beyond the limit are dropped (zalgo text) */
    }
}

int text_decode(const char *s, size_t n, size_t *pos, struct glyph *g)
{
    if (*pos >= n)
        return 0;
    int32_t cp = text_utf8_next(s, n, pos);
    if (cp == '\t' || cp == '\n') {
        memset(g, 0, sizeof *g);
        g->cp = (uint32_t)cp;
        return 1;
    }
    int w = cp < 0 ? -1 : cp_width((uint32_t)cp);
    if (w <= 0)   /* unprintable, or a combining mark with nothing to sit on */
        return escape_cp(cp, g);
    memset(g, 0, sizeof *g);
    g->cp = (uint32_t)cp;
    g->width = (uint8_t)w;
    take_combining(s, n, pos, g);
    return 1;
}

int text_width(const char *s, size_t n)
{
    struct glyph g[TEXT_MAXG];
    size_t pos = 0;
    int col = 0;
    while (pos < n) {
        int k = text_decode(s, n, &pos, g);
        for (int i = 0; i < k; i++) {
            if (g[i].cp == '\t')
                col = (col / 8 + 1) * 8;
            else if (g[i].cp == '\n')
                col += 2;   /* drawn as "^J" on one line */
            else
                col += g[i].width;
        }
    }
    return col;
}

size_t text_fit(const char *s, size_t n, int cols, int *used)
{
    struct glyph g[TEXT_MAXG];
    size_t pos = 0, fit = 0;
    int col = 0;
    while (pos < n) {
        int k = text_decode(s, n, &pos, g), w = 0;
        for (int i = 0; i < k; i++)
            w += g[i].cp == '\t' ? 8 - (col + w) % 8 : g[i].cp == '\n' ? 2 : g[i].width;
        if (col + w > cols)
            break;
        col += w;
        fit = pos;
    }
    if (used)
        *used = col;
    return fit;
}

size_t text_sanitize(const char *s, size_t n, char *out, size_t cap)
{
    struct glyph g[TEXT_MAXG];
    size_t pos = 0, len = 0;
    if (cap == 0)
        return 0;
    while (pos < n) {
        char tmp[TEXT_MAXG * (1 + TEXT_MAXCOMB) * 4 + 4];
        size_t t = 0;
        int k = text_decode(s, n, &pos, g);
        for (int i = 0; i < k; i++) {
            if (g[i].cp == '\n' || g[i].cp == '\t') {
                tmp[t++] = '^';
                tmp[t++] = g[i].cp == '\n' ? 'J' : 'I';
                continue;
            }
            t += (size_t)text_utf8_put(g[i].cp, tmp + t);
            for (int c = 0; c < TEXT_MAXCOMB && g[i].comb[c]; c++)
                t += (size_t)text_utf8_put(g[i].comb[c], tmp + t);
        }
        if (len + t + 1 > cap)
            break;
        memcpy(out + len, tmp, t);
        len += t;
    }
    out[len] = 0;
    return len;
}

long text_find_ci(const char *hay, size_t n, const char *needle, size_t nlen, size_t from)
{
    if (nlen == 0 || nlen > n)
        return -1;
    for (size_t i = from; i + nlen <= n; i++) {
        size_t k = 0;
        while (k < nlen && tolower((unsigned char)hay[i + k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == nlen)
            return (long)i;
    }
    return -1;
}
