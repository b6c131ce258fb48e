/* screen: the in-memory frame every view draws into (no curses). A grid
 * of cells, each one glyph (text.h) and a theme role (theme.h). Views
 * never touch the terminal: ui/term.c copies a finished screen to curses,
 * and unit tests read it back as text (screen_row_text). Every text
 * written goes through text_decode(), so a screen can only ever hold
 * printable characters. */
#ifndef LOGDECK_UI_SCREEN_H
#define LOGDECK_UI_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "ui/text.h"

enum { CELL_CONT = 1 };   /* right half of a wide character: draw nothing */

struct cell {
    uint32_t ch;
    uint32_t comb[TEXT_MAXCOMB];
    uint8_t role;          /* enum role (theme.h) */
    uint8_t flags;
};

struct screen {
    int w, h;
    struct cell *cells;    /* h rows of w cells */
    int cursor_y, cursor_x;   /* shown when cursor_on */
    int cursor_on;
};

/* Sizes the screen (contents are cleared). Returns 0, -1 on no memory. */
int screen_resize(struct screen *s, int w, int h);
void screen_fini(struct screen *s);
/* Fills every cell with a space of role. */
void screen_clear(struct screen *s, int role);
/* Fills row y from column x for n columns with spaces of role. */
void screen_fill(struct screen *s, int y, int x, int n, int role);
/* Gives cells [x, x+n) of row y the role (keeps their characters). */
void screen_recolor(struct screen *s, int y, int x, int n, int role);

/* Writes n bytes of text on row y from column x, never past column xmax
 * (exclusive), in role; escapes get esc_role (-1: same role). Tabs go to
 * the next multiple of 8 counted from tab0; a newline is drawn as "^J".
 * A wide character that would straddle xmax is replaced by a space.
 * Returns the column after the last cell written. */
int screen_put(struct screen *s, int y, int x, int xmax, const char *text, size_t n,
               int role, int esc_role, int tab0);
/* screen_put() of a NUL-terminated string, escapes in role. */
int screen_puts(struct screen *s, int y, int x, int xmax, const char *text, int role);
/* Writes one code point (must be printable, width 1 or 2). */
int screen_putc(struct screen *s, int y, int x, uint32_t cp, int role);

/* Row y as UTF-8 (trailing spaces kept) into buf; for tests. */
size_t screen_row_text(const struct screen *s, int y, char *buf, size_t cap);

#endif
