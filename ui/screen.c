/* screen: the in-memory cell grid views draw into (see screen.h). */
#include "ui/screen.h"

#include <stdlib.h>
#include <string.h>

int screen_resize(struct screen *s, int w, int h)
{
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    struct cell *c = calloc((size_t)w * (size_t)h, sizeof *c);
    if (!c)
        return -1;
    free(s->cells);
    s->cells = c;
    s->w = w;
    s->h = h;
    s->cursor_on = 0;
    screen_clear(s, 0);
    return 0;
}

void screen_fini(struct screen *s)
{
    free(s->cells);
    memset(s, 0, sizeof *s);
}

static struct cell *at(struct screen *s, int y, int x)
{
    return &s->cells[(size_t)y * (size_t)s->w + (size_t)x];
}

void screen_fill(struct screen *s, int y, int x, int n, int role)
{
    if (y < 0 || y >= s->h)
        return;
    if (x < 0) {
        n += x;
        x = 0;
    }
    for (int i = 0; i < n && x + i < s->w; i++) {
        struct cell *c = at(s, y, x + i);
        memset(c, 0, sizeof *c);
        c->ch = ' ';
        c->role = (uint8_t)role;
    }
}

void screen_clear(struct screen *s, int role)
{
    for (int y = 0; y < s->h; y++)
        screen_fill(s, y, 0, s->w, role);
    s->cursor_on = 0;
}

void screen_recolor(struct screen *s, int y, int x, int n, int role)
{
    if (y < 0 || y >= s->h)
        return;
    for (int i = x < 0 ? -x : 0; i < n && x + i < s->w; i++)
        at(s, y, x + i)->role = (uint8_t)role;
}

/* Writes one glyph at x; returns the new column (x unchanged if it did
 * not fit at all). A wide glyph at the last column becomes a space. */
static int put_glyph(struct screen *s, int y, int x, int xmax, const struct glyph *g, int role)
{
    if (x >= xmax)
        return x;
    if (g->width == 2 && x + 1 >= xmax) {
        screen_fill(s, y, x, 1, role);
        return x + 1;
    }
    /* Overwriting half of a wide character: blank its other half. */
    struct cell *c = at(s, y, x);
    if ((c->flags & CELL_CONT) && x > 0)
        screen_fill(s, y, x - 1, 1, c->role);
    if (x + g->width < s->w && (at(s, y, x + g->width)->flags & CELL_CONT))
        screen_fill(s, y, x + g->width, 1, at(s, y, x + g->width)->role);
    memset(c, 0, sizeof *c);
    c->ch = g->cp;
    memcpy(c->comb, g->comb, sizeof c->comb);
    c->role = (uint8_t)role;
    if (g->width == 2) {
        struct cell *r = at(s, y, x + 1);
        memset(r, 0, sizeof *r);
        r->ch = ' ';
        r->role = (uint8_t)role;
        r->flags = CELL_CONT;
    }
    return x + g->width;
}

int screen_put(struct screen *s, int y, int x, int xmax, const char *text, size_t n,
               int role, int esc_role, int tab0)
{
    if (y < 0 || y >= s->h || !text)
        return x;
    if (xmax > s->w)
        xmax = s->w;
    if (esc_role < 0)
        esc_role = role;
    struct glyph g[TEXT_MAXG];
    size_t pos = 0;
    while (pos < n && x < xmax) {
        int k = text_decode(text, n, &pos, g);
        for (int i = 0; i < k && x < xmax; i++) {
            if (g[i].cp == '\t') {
                int to = tab0 + ((x - tab0) / 8 + 1) * 8;
                screen_fill(s, y, x, (to < xmax ? to : xmax) - x, role);
                x = to < xmax ? to : xmax;
                continue;
            }
            if (g[i].cp == '\n') {
                struct glyph e[2] = {{.cp = '^', .width = 1}, {.cp = 'J', .width = 1}};
                x = put_glyph(s, y, x, xmax, &e[0], esc_role);
                x = put_glyph(s, y, x, xmax, &e[1], esc_role);
                continue;
            }
            x = put_glyph(s, y, x, xmax, &g[i], g[i].esc ? esc_role : role);
        }
    }
    return x;
}

int screen_puts(struct screen *s, int y, int x, int xmax, const char *text, int role)
{
    return screen_put(s, y, x, xmax, text, text ? strlen(text) : 0, role, -1, x);
}

int screen_putc(struct screen *s, int y, int x, uint32_t cp, int role)
{
    char b[4];
    int n = text_utf8_put(cp, b);
    return screen_put(s, y, x, s->w, b, (size_t)n, role, -1, x);
}

size_t screen_row_text(const struct screen *s, int y, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap == 0)
        return 0;
    for (int x = 0; y >= 0 && y < s->h && x < s->w; x++) {
        const struct cell *c = &s->cells[(size_t)y * (size_t)s->w + (size_t)x];
        if (c->flags & CELL_CONT)
            continue;
        char tmp[4 * (1 + TEXT_MAXCOMB)];
        size_t t = (size_t)text_utf8_put(c->ch, tmp);
        for (int k = 0; k < TEXT_MAXCOMB && c->comb[k]; k++)
            t += (size_t)text_utf8_put(c->comb[k], tmp + t);
        if (len + t + 1 > cap)
            break;
        memcpy(buf + len, tmp, t);
        len += t;
    }
    buf[len] = 0;
    return len;
}
