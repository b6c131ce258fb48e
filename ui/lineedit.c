/* lineedit: one-line UTF-8 editing (see lineedit.h). Character boundaries
 * are found by skipping UTF-8 continuation bytes, so an edit never splits
 * a character. */
#include "ui/lineedit.h"

#include <string.h>

#include "ui/text.h"

static int is_cont(char c)
{
    return ((unsigned char)c & 0xc0) == 0x80;
}

static size_t prev_char(const struct lineedit *l, size_t at)
{
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && is_cont(l->buf[at]))
        at--;
    return at;
}

static size_t next_char(const struct lineedit *l, size_t at)
{
    if (at >= l->len)
        return l->len;
    at++;
    while (at < l->len && is_cont(l->buf[at]))
        at++;
    return at;
}

static void cut(struct lineedit *l, size_t from, size_t to)
{
    memmove(l->buf + from, l->buf + to, l->len - to);
    l->len -= to - from;
    l->buf[l->len] = 0;
    if (l->cur >= to)
        l->cur -= to - from;
    else if (l->cur > from)
        l->cur = from;
}

void lineedit_set(struct lineedit *l, const char *text)
{
    size_t n = text ? strlen(text) : 0;
    if (n > LINEEDIT_MAX)
        n = LINEEDIT_MAX;
    memcpy(l->buf, text ? text : "", n);
    l->len = n;
    if (n == LINEEDIT_MAX) {   /* cut: never keep part of the last character */
        size_t end = n;
        while (end > 0 && is_cont(l->buf[end - 1]))
            end--;
        unsigned char c = end ? (unsigned char)l->buf[end - 1] : 0;
        size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (c >= 0xc0 && end - 1 + need > n)
            l->len = end - 1;          /* its lead byte and what came of it */
        else if (c < 0xc0 && end < n)
            l->len = end;              /* continuation bytes without a lead */
    }
    l->buf[l->len] = 0;
    l->cur = l->len;
}

int lineedit_insert(struct lineedit *l, uint32_t cp)
{
    char enc[4];
    if (cp < 0x20 || cp == 0x7f || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    size_t k = (size_t)text_utf8_put(cp, enc);
    if (l->len + k > LINEEDIT_MAX)
        return -1;
    memmove(l->buf + l->cur + k, l->buf + l->cur, l->len - l->cur);
    memcpy(l->buf + l->cur, enc, k);
    l->len += k;
    l->cur += k;
    l->buf[l->len] = 0;
    return 0;
}

void lineedit_backspace(struct lineedit *l)
{
    cut(l, prev_char(l, l->cur), l->cur);
}

void lineedit_delete(struct lineedit *l)
{
    cut(l, l->cur, next_char(l, l->cur));
}

void lineedit_left(struct lineedit *l)
{
    l->cur = prev_char(l, l->cur);
}

void lineedit_right(struct lineedit *l)
{
    l->cur = next_char(l, l->cur);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

void lineedit_word_left(struct lineedit *l)
{
    size_t c = l->cur;
    while (c > 0 && is_space(l->buf[c - 1]))
        c--;
    while (c > 0 && !is_space(l->buf[c - 1]))
        c--;
    l->cur = c;
}

void lineedit_word_right(struct lineedit *l)
{
    size_t c = l->cur;
    while (c < l->len && is_space(l->buf[c]))
        c++;
    while (c < l->len && !is_space(l->buf[c]))
        c++;
    l->cur = c;
}

void lineedit_kill_to_start(struct lineedit *l)
{
    cut(l, 0, l->cur);
}

void lineedit_kill_to_end(struct lineedit *l)
{
    cut(l, l->cur, l->len);
}

void lineedit_kill_word(struct lineedit *l)
{
    size_t end = l->cur;
    lineedit_word_left(l);
    cut(l, l->cur, end);
}

int lineedit_cursor_col(const struct lineedit *l)
{
    return text_width(l->buf, l->cur);
}

size_t lineedit_offset_of_col(const struct lineedit *l, int col)
{
    return text_fit(l->buf, l->len, col, NULL);
}
