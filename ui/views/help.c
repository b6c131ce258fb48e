/* views/help: the help overlay (`?`): every key from the key map's help
 * table (keys.c), in a centred box that scrolls. */
#include <string.h>

#include "ui/app.h"
#include "ui/keys.h"
#include "ui/text.h"

#define KEYS_W 22

void help_draw(struct app *a, struct screen *s)
{
    const struct keyhelp *h;
    int n = keys_help(&h);
    int bw = s->w - 4 < 90 ? s->w - 4 : 90, bh = s->h - 3;   /* above the status bar */
    if (bw < 20 || bh < 4) {
        screen_clear(s, ROLE_DEFAULT);
        screen_puts(s, 0, 0, s->w, "help: terminal too small", ROLE_DEFAULT);
        return;
    }
    int x0 = (s->w - bw) / 2, y0 = 1, rows = bh - 2;
    if (a->help_scroll > n - rows)
        a->help_scroll = n - rows > 0 ? n - rows : 0;
    screen_fill(s, y0, x0, bw, ROLE_TITLE);
    screen_puts(s, y0, x0 + 1, x0 + bw, "logdeck keys   (j k scroll, Esc or q close)", ROLE_TITLE);
    for (int i = 0; i < rows; i++) {
        int y = y0 + 1 + i, k = a->help_scroll + i;
        screen_fill(s, y, x0, bw, ROLE_DEFAULT);
        screen_puts(s, y, x0, x0 + 1, "│", ROLE_BORDER);
        screen_puts(s, y, x0 + bw - 1, x0 + bw, "│", ROLE_BORDER);
        if (k >= n)
            continue;
        if (!h[k].keys) {
            screen_puts(s, y, x0 + 2, x0 + bw - 1, h[k].what, ROLE_LABEL);
            continue;
        }
        screen_puts(s, y, x0 + 3, x0 + 3 + KEYS_W, h[k].keys, ROLE_HELP_KEY);
        screen_puts(s, y, x0 + 4 + KEYS_W, x0 + bw - 1, h[k].what, ROLE_DEFAULT);
    }
    screen_fill(s, y0 + bh - 1, x0, bw, ROLE_BORDER);
    for (int x = x0; x < x0 + bw; x++)
        screen_puts(s, y0 + bh - 1, x, x + 1, "─", ROLE_BORDER);
}

int help_on_action(struct app *a, int action, int key)
{
    (void)key;
    switch (action) {
    case A_DOWN: a->help_scroll++; return R_REDRAW;
    case A_UP: a->help_scroll -= a->help_scroll > 0; return R_REDRAW;
    case A_PGDN: a->help_scroll += 10; return R_REDRAW;
    case A_PGUP: a->help_scroll = a->help_scroll > 10 ? a->help_scroll - 10 : 0; return R_REDRAW;
    case A_OLDEST: a->help_scroll = 0; return R_REDRAW;
    case A_NEWEST: a->help_scroll = 1 << 20; return R_REDRAW;
    default:
        a->help_open = 0;   /* any other key closes the help */
        return R_REDRAW;
    }
}
