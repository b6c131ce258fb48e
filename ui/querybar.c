/* querybar: the query bar (`/`, filter; Tab switches to highlight) and
 * the command line (`:`). Filters live: after each batch of keys the text
 * is compiled and, when valid, applied; when not, the error is shown
 * under the text with a caret at its column. Enter keeps the query (and
 * adds it to the persisted history), Esc restores the one before. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/query/query.h"
#include "ui/app.h"
#include "ui/keys.h"
#include "ui/text.h"

static const char *prompt(int mode)
{
    return mode == BAR_COMMAND ? ":" : mode == BAR_HIGHLIGHT ? "&" : "/";
}

void querybar_open(struct app *a, int mode)
{
    struct querybar *b = &a->bar;
    b->mode = mode;
    b->hist_pos = -1;
    b->error[0] = 0;
    b->error_col = 0;
    b->dirty = 0;
    snprintf(b->saved, sizeof b->saved, "%s", a->filter);
    snprintf(b->saved_hl, sizeof b->saved_hl, "%s", a->highlight);
    lineedit_set(&b->ed, mode == BAR_FILTER ? a->filter
                         : mode == BAR_HIGHLIGHT ? a->highlight : "");
}

/* The 1-based column an error message names ("... at col 8 ..."), or 0. */
static int error_column(const char *msg)
{
    const char *p = strstr(msg, "col ");
    return p ? atoi(p + 4) : 0;
}

static int apply_text(struct app *a, int mode, const char *text, struct err *e)
{
    return mode == BAR_HIGHLIGHT ? app_set_highlight(a, text, e)
                                 : app_set_filter(a, text, e);
}

void querybar_apply(struct app *a)
{
    struct querybar *b = &a->bar;
    struct err e = {0};
    if (!b->dirty || (b->mode != BAR_FILTER && b->mode != BAR_HIGHLIGHT))
        return;
    b->dirty = 0;
    const char *cur = b->mode == BAR_FILTER ? a->filter : a->highlight;
    if (strcmp(cur, b->ed.buf) == 0 && !b->error[0])
        return;
    int rc = apply_text(a, b->mode, b->ed.buf, &e);
    if (rc < 0) {
        snprintf(b->error, sizeof b->error, "%s", e.msg);
        b->error_col = error_column(e.msg);
        return;
    }
    b->error[0] = 0;
    b->error_col = 0;
}

static void close_bar(struct app *a)
{
    a->bar.mode = BAR_NONE;
    a->bar.error[0] = 0;
}

static int cancel(struct app *a)
{
    struct querybar *b = &a->bar;
    struct err e = {0};
    if (strcmp(a->filter, b->saved) != 0 && app_set_filter(a, b->saved, &e) < 0)
        app_error(a, &e);
    if (strcmp(a->highlight, b->saved_hl) != 0)
        app_set_highlight(a, b->saved_hl, &e);
    close_bar(a);
    return R_REDRAW;
}

static int enter(struct app *a)
{
    struct querybar *b = &a->bar;
    struct err e = {0};
    if (b->mode == BAR_COMMAND) {
        char line[LINEEDIT_MAX + 1];
        snprintf(line, sizeof line, "%s", b->ed.buf);
        close_bar(a);
        return commands_run(a, line) | R_REDRAW;
    }
    b->dirty = 1;
    querybar_apply(a);
    if (b->error[0])
        return R_REDRAW;   /* stays open: the error is shown under the text */
    if (b->ed.buf[0] && history_add(&a->hist, b->ed.buf, &e) < 0)
        app_error(a, &e);
    if (b->mode == BAR_HIGHLIGHT && b->ed.buf[0])
        app_message(a, ROLE_STATUS, "highlight set: n / N jump between matches");
    close_bar(a);
    return R_REDRAW;
}

/* Tab: the text moves between filter and highlight. */
static int toggle_mode(struct app *a)
{
    struct querybar *b = &a->bar;
    struct err e = {0};
    if (b->mode == BAR_FILTER && strcmp(a->filter, b->saved) != 0)
        app_set_filter(a, b->saved, &e);
    else if (b->mode == BAR_HIGHLIGHT && strcmp(a->highlight, b->saved_hl) != 0)
        app_set_highlight(a, b->saved_hl, &e);
    b->mode = b->mode == BAR_FILTER ? BAR_HIGHLIGHT : BAR_FILTER;
    b->error[0] = 0;
    b->dirty = 1;
    return R_REDRAW;
}

static void history_move(struct app *a, int dir)
{
    struct querybar *b = &a->bar;
    int n = a->hist.n, pos = b->hist_pos;
    if (n == 0)
        return;
    if (pos < 0 && dir < 0) {
        snprintf(b->draft, sizeof b->draft, "%s", b->ed.buf);
        pos = n - 1;
    } else if (pos >= 0) {
        pos += dir;
        if (pos < 0)
            pos = 0;
    } else {
        return;
    }
    if (pos >= n) {
        b->hist_pos = -1;
        lineedit_set(&b->ed, b->draft);
    } else {
        b->hist_pos = pos;
        lineedit_set(&b->ed, history_get(&a->hist, pos));
    }
    b->dirty = 1;
}

static int edit_key(struct lineedit *ed, int key)
{
    switch (key) {
    case K_BACKSPACE: lineedit_backspace(ed); return 1;
    case K_DELETE: case K_CTRL('d'): lineedit_delete(ed); return 1;
    case K_LEFT: case K_CTRL('b'): lineedit_left(ed); return 0;
    case K_RIGHT: case K_CTRL('f'): lineedit_right(ed); return 0;
    case K_HOME: case K_CTRL('a'): ed->cur = 0; return 0;
    case K_END: case K_CTRL('e'): ed->cur = ed->len; return 0;
    case K_CLEFT: lineedit_word_left(ed); return 0;
    case K_CRIGHT: lineedit_word_right(ed); return 0;
    case K_CTRL('u'): lineedit_kill_to_start(ed); return 1;
    case K_CTRL('k'): lineedit_kill_to_end(ed); return 1;
    case K_CTRL('w'): lineedit_kill_word(ed); return 1;
    default:
        if (key >= 0x20 && key < K_SPECIAL && key != 0x7f)
            return lineedit_insert(ed, (uint32_t)key) == 0;
        return 0;
    }
}

int querybar_key(struct app *a, int key)
{
    struct querybar *b = &a->bar;
    switch (key) {
    case K_ESC: case K_CTRL('c'): case K_CTRL('g'): return cancel(a);
    case K_ENTER: return enter(a);
    case K_TAB: case K_BTAB: return b->mode == BAR_COMMAND ? R_NONE : toggle_mode(a);
    case K_UP: history_move(a, -1); return R_REDRAW;
    case K_DOWN: history_move(a, 1); return R_REDRAW;
    case K_BACKSPACE:
        if (b->ed.len == 0 && b->mode == BAR_COMMAND) {
            close_bar(a);   /* as in vim: backspace on an empty command line */
            return R_REDRAW;
        }
        break;
    default: break;
    }
    if (edit_key(&b->ed, key)) {
        b->dirty = 1;
        b->hist_pos = -1;
    }
    return R_REDRAW;
}

static void draw_error(struct app *a, struct screen *s, int y, int text_x, int scroll)
{
    const struct querybar *b = &a->bar;
    int cx = -1;
    if (b->error_col > 0) {
        /* the column counts bytes of the query: convert to display columns */
        size_t off = (size_t)(b->error_col - 1) < b->ed.len ? (size_t)(b->error_col - 1) : b->ed.len;
        cx = text_x + text_width(b->ed.buf, off) - scroll;
    }
    int mw = text_width(b->error, strlen(b->error));
    if (cx >= 0 && cx < s->w) {
        screen_puts(s, y, cx, cx + 1, "^", ROLE_QUERY_ERROR);
        if (cx + 2 + mw <= s->w || cx < s->w / 2)
            screen_puts(s, y, cx + 2, s->w, b->error, ROLE_QUERY_ERROR);
        else
            screen_puts(s, y, cx - 1 - mw > 0 ? cx - 1 - mw : 0, cx - 1, b->error,
                        ROLE_QUERY_ERROR);
    } else {
        screen_puts(s, y, 0, s->w, b->error, ROLE_QUERY_ERROR);
    }
}

static const char *hint(int mode)
{
    switch (mode) {
    case BAR_FILTER: return "filter · Enter keep · Esc cancel · Tab highlight · Up/Down history";
    case BAR_HIGHLIGHT: return "highlight (n N jump) · Enter keep · Esc cancel · Tab filter";
    default: return "command: goto TIME · w FILE · wr FILE · hl EXPR · theme NAME · q";
    }
}

void querybar_draw(struct app *a, struct screen *s, int y)
{
    const struct querybar *b = &a->bar;
    const char *p = prompt(b->mode);
    screen_fill(s, y, 0, s->w, ROLE_QUERY);
    screen_fill(s, y + 1, 0, s->w, ROLE_DEFAULT);
    int x = screen_puts(s, y, 0, s->w, p, ROLE_HELP_KEY);
    int avail = s->w - x - 1, ccol = lineedit_cursor_col(&b->ed), scroll = 0;
    if (ccol > avail)
        scroll = ccol - avail;
    size_t off = scroll ? lineedit_offset_of_col(&b->ed, scroll) : 0;
    if (scroll)
        scroll = text_width(b->ed.buf, off);
    screen_put(s, y, x, s->w, b->ed.buf + off, b->ed.len - off, ROLE_QUERY, ROLE_ESCAPE, x);
    s->cursor_on = 1;
    s->cursor_y = y;
    s->cursor_x = x + ccol - scroll < s->w ? x + ccol - scroll : s->w - 1;
    if (b->error[0])
        draw_error(a, s, y + 1, x, scroll);
    else if (b->mode == BAR_FILTER && a->field_warn[0] && !b->dirty)
        screen_puts(s, y + 1, 0, s->w, a->field_warn, ROLE_STATUS_ERROR);
    else
        screen_puts(s, y + 1, 0, s->w, hint(b->mode), ROLE_DIM);
}
