/* views/help: the help overlay (`?`): every key from the key map's help
 * table (keys.c), in a centred box that scrolls; descriptions wrap at
 * word boundaries (keys above their description on a narrow screen). */
#include <string.h>

#include "ui/app.h"
#include "ui/keys.h"
#include "ui/text.h"

#define KEYS_W 22
#define HELP_LINES 512

/* One line of the help box: a heading, or keys (on a row's first line)
 * and a piece of its description, wrapped at word boundaries. */
struct hline {
    const char *keys;          /* NULL: a continuation or a heading */
    const char *text;
    size_t len;
    int heading;
};

/* Splits what into pieces of at most cols columns, at spaces where it can. */
static int wrap(const char *keys, const char *what, int cols, struct hline *out, int cap)
{
    size_t n = strlen(what), pos = 0;
    int k = 0;
    while (k < cap && (pos < n || k == 0)) {
        int used = 0;
        size_t fit = text_fit(what + pos, n - pos, cols > 1 ? cols : 1, &used);
        size_t cut = fit;
        if (pos + fit < n) {   /* back up to the last space, if any */
            size_t sp = fit;
            while (sp > 0 && what[pos + sp] != ' ')
                sp--;
            if (sp > 0)
                cut = sp;
        }
        if (cut == 0)
            cut = fit ? fit : n - pos;
        out[k] = (struct hline){.keys = k ? NULL : keys, .text = what + pos, .len = cut};
        k++;
        pos += cut;
        while (pos < n && what[pos] == ' ')
            pos++;
    }
    return k;
}

/* The help as display lines for a box of text width tw: keys in a column
 * of KEYS_W and the description beside them when there is room, else the
 * keys on a line of their own and the description under them. */
static int layout(struct hline *out, int cap, int tw)
{
    const struct keyhelp *h;
    int n = keys_help(&h), k = 0, beside = tw >= KEYS_W + 24;
    for (int i = 0; i < n && k < cap; i++) {
        if (!h[i].keys) {
            out[k++] = (struct hline){.text = h[i].what, .len = strlen(h[i].what), .heading = 1};
            continue;
        }
        if (!beside) {
            out[k++] = (struct hline){.keys = h[i].keys, .text = "", .len = 0};
            k += wrap(NULL, h[i].what, tw - 4, out + k, cap - k);
        } else {
            k += wrap(h[i].keys, h[i].what, tw - KEYS_W - 1, out + k, cap - k);
        }
    }
    return k;
}

void help_draw(struct app *a, struct screen *s)
{
    struct hline lines[HELP_LINES];
    int bw = s->w - 4 < 90 ? s->w - 4 : 90, bh = s->h - 3;   /* above the status bar */
    if (bw < 20 || bh < 4) {
        screen_clear(s, ROLE_DEFAULT);
        screen_puts(s, 0, 0, s->w, "help: terminal too small", ROLE_DEFAULT);
        return;
    }
    int tw = bw - 4, beside = tw >= KEYS_W + 24;
    int n = layout(lines, HELP_LINES, tw);
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
        const struct hline *l = &lines[k];
        if (l->heading) {
            screen_put(s, y, x0 + 2, x0 + bw - 1, l->text, l->len, ROLE_LABEL, -1, x0 + 2);
            continue;
        }
        if (l->keys)
            screen_puts(s, y, x0 + 3, x0 + 3 + (beside ? KEYS_W : tw), l->keys, ROLE_HELP_KEY);
        int tx = beside ? x0 + 4 + KEYS_W : x0 + 6;
        if (l->len)
            screen_put(s, y, tx, x0 + bw - 1, l->text, l->len, ROLE_DEFAULT, -1, tx);
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
