/* views/detail: the detail pane (Enter): the selected record whole, from
 * the detail model (detail.h): header fields, the message, every field by
 * its dotted path, pretty JSON, the raw text, file and offset. Scrolls on
 * its own; Esc, q or Enter close it. */
#include <stdio.h>
#include <string.h>

#include "ui/app.h"
#include "ui/keys.h"

static void title_bar(struct app *a, struct screen *s, int y)
{
    char t[160];
    const struct detail *d = &a->detail;
    int shown = d->nrows ? a->detail_scroll + 1 : 0;
    snprintf(t, sizeof t, " record #%lld   row %d/%d   j k PgUp PgDn scroll   Esc close ",
             (long long)d->id, shown, d->nrows);
    screen_fill(s, y, 0, s->w, ROLE_TITLE);
    screen_puts(s, y, 0, s->w, t, ROLE_TITLE);
}

void detail_draw(struct app *a, struct screen *s, int y, int h)
{
    struct detail *d = &a->detail;
    if (h < 2)
        return;
    if (detail_layout(d, s->w - 1) < 0) {
        screen_puts(s, y, 1, s->w, "out of memory", ROLE_STATUS_ERROR);
        return;
    }
    if (a->detail_scroll > d->nrows - (h - 1))
        a->detail_scroll = d->nrows - (h - 1) > 0 ? d->nrows - (h - 1) : 0;
    title_bar(a, s, y);
    y++;
    h--;
    for (int i = 0; i < h; i++) {
        int r = a->detail_scroll + i;
        screen_fill(s, y + i, 0, s->w, ROLE_DEFAULT);
        if (r >= d->nrows)
            continue;
        const struct vrow *v = &d->rows[r];
        const struct dline *l = &d->lines[v->line];
        int x = 1 + (v->cont ? l->indent : 0);
        if (v->cont && x >= s->w - 8)
            x = 1;
        /* Runs of one role are drawn together so tabs and widths work. */
        size_t k = v->off;
        while (k < v->end && x < s->w) {
            size_t e = k;
            while (e < v->end && l->roles[e] == l->roles[k])
                e++;
            x = screen_put(s, y + i, x, s->w, l->text + k, e - k, l->roles[k], ROLE_ESCAPE, 1);
            k = e;
        }
    }
}

int detail_on_action(struct app *a, int action, int key)
{
    int page = a->scr.h > 6 ? a->scr.h - 6 : 1;
    (void)key;
    switch (action) {
    case A_ESC: case A_QUIT: case A_DETAIL: case A_LOGVIEW:
        a->detail_open = 0;
        detail_fini(&a->detail);
        return R_REDRAW;
    case A_DOWN: a->detail_scroll++; return R_REDRAW;
    case A_UP: a->detail_scroll -= a->detail_scroll > 0; return R_REDRAW;
    case A_PGDN: case A_HALF_DN: a->detail_scroll += page; return R_REDRAW;
    case A_PGUP: case A_HALF_UP:
        a->detail_scroll = a->detail_scroll > page ? a->detail_scroll - page : 0;
        return R_REDRAW;
    case A_OLDEST: a->detail_scroll = 0; return R_REDRAW;
    case A_NEWEST: a->detail_scroll = a->detail.nrows; return R_REDRAW;
    default: return R_UNHANDLED;
    }
}
