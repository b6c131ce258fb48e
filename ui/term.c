/* term: curses setup and teardown, theme -> attributes, screen -> curses,
 * curses input -> key codes (see term.h). The only file with curses
 * calls besides none: every view draws into a struct screen. */
#include "ui/term.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "ui/keys.h"

/* Process-wide by nature: there is one terminal, and the emergency restore
 * (fatal signals, the sanitizer's death callback, atexit) reaches it from
 * a signal handler, which can only see file-scope state. */
static struct {
    int open;
    int no_color;
    int colors;            /* usable colours: 0, 8, 16, 256 */
    SCREEN *scr;
    struct termios saved;
    int have_saved;
    char restore[256];     /* written by term_emergency_restore */
    size_t restore_len;
    attr_t attr[ROLE_COUNT];
    short pair[ROLE_COUNT];
    int atexit_set;
    /* The last frame sent to curses: a row like it is not sent again, a
     * frame like it not at all (term_draw). Cleared when curses' idea of
     * the screen changes (resize, theme, invalidate, close). */
    struct cell *last;
    int last_w, last_h;
    int last_cursor[3];    /* on, y, x */
} T;

static void forget_last(void)
{
    free(T.last);
    T.last = NULL;
    T.last_w = T.last_h = 0;
}

static void add_cap(const char *name)
{
    char *s = tigetstr(name);
    if (!s || s == (char *)-1)
        return;
    size_t n = strlen(s);
    if (T.restore_len + n < sizeof T.restore) {
        memcpy(T.restore + T.restore_len, s, n);
        T.restore_len += n;
    }
}

void term_emergency_restore(void)
{
    if (!T.open)
        return;
    if (T.restore_len) {
        ssize_t r = write(STDOUT_FILENO, T.restore, T.restore_len);
        (void)r;
    }
    if (T.have_saved)
        tcsetattr(STDIN_FILENO, TCSANOW, &T.saved);
    T.open = 0;
}

static void at_exit_restore(void)
{
    if (T.open)
        term_close();
}

int term_is_open(void)
{
    return T.open;
}

int term_open(int no_color, struct err *e)
{
    const char *tn = getenv("TERM");
    if (!tn || !*tn)
        return err_setc(e, 1, "TERM is not set: cannot drive the terminal");
    T.have_saved = tcgetattr(STDIN_FILENO, &T.saved) == 0;
    T.scr = newterm(NULL, stdout, stdin);
    if (!T.scr)
        return err_setc(e, 1, "cannot use terminal type '%s' (no terminfo entry?)", tn);
    set_term(T.scr);
    T.open = 1;
    if (!T.atexit_set) {
        atexit(at_exit_restore);
        T.atexit_set = 1;
    }
    T.restore_len = 0;
    add_cap("sgr0");
    add_cap("cnorm");
    add_cap("rmkx");
    add_cap("rmcup");
    set_escdelay(25);
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    leaveok(stdscr, FALSE);
    scrollok(stdscr, FALSE);
    curs_set(0);
    T.no_color = no_color || !has_colors();
    T.colors = 0;
    if (!T.no_color && start_color() == OK) {
        use_default_colors();
        T.colors = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : COLORS >= 8 ? 8 : 0;
        if (COLOR_PAIRS <= ROLE_COUNT)
            T.colors = 0;
    }
    return 0;
}

void term_close(void)
{
    if (!T.open)
        return;
    curs_set(1);
    endwin();
    delscreen(T.scr);
    T.scr = NULL;
    T.open = 0;
    forget_last();
    if (T.have_saved)
        tcsetattr(STDIN_FILENO, TCSANOW, &T.saved);
}

int term_colors(void)
{
    return T.colors;
}

/* Approximate RGB of an xterm-256 colour. */
static void rgb_of(int c, int rgb[3])
{
    static const int base[16][3] = {
        {0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205},
        {0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0}, {0, 255, 0},
        {255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
    };
    static const int steps[6] = {0, 95, 135, 175, 215, 255};
    if (c < 16) {
        memcpy(rgb, base[c], sizeof base[c]);
    } else if (c < 232) {
        c -= 16;
        rgb[0] = steps[c / 36];
        rgb[1] = steps[(c / 6) % 6];
        rgb[2] = steps[c % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
    }
}

static int nearest(int c, int limit)
{
    int rgb[3], best = 0;
    long bestd = -1;
    rgb_of(c, rgb);
    for (int k = 0; k < limit; k++) {
        int o[3];
        rgb_of(k, o);
        long d = 0;
        for (int i = 0; i < 3; i++)
            d += (long)(o[i] - rgb[i]) * (o[i] - rgb[i]);
        if (bestd < 0 || d < bestd) {
            bestd = d;
            best = k;
        }
    }
    return best;
}

/* Maps a theme colour to what the terminal has; bright colours on an
 * 8-colour terminal become the base colour (+ bold for a foreground;
 * bright-black becomes the default colour, dimmed). */
static short map_color(int c, int fg, attr_t *extra)
{
    if (c < 0 || T.colors == 0)
        return -1;
    if (c >= T.colors)
        c = nearest(c, T.colors >= 16 ? 16 : 16);
    if (T.colors == 8 && c >= 8) {
        if (c == 8) {
            if (fg)
                *extra |= A_DIM;
            return fg ? -1 : COLOR_BLACK;
        }
        if (fg)
            *extra |= A_BOLD;
        c -= 8;
    }
    return (short)c;
}

static attr_t attrs_of(int ta)
{
    attr_t a = A_NORMAL;
    if (ta & TA_BOLD) a |= A_BOLD;
    if (ta & TA_DIM) a |= A_DIM;
    if (ta & TA_UNDERLINE) a |= A_UNDERLINE;
    if (ta & TA_REVERSE) a |= A_REVERSE;
    if (ta & TA_ITALIC) a |= A_ITALIC;
    if (ta & TA_BLINK) a |= A_BLINK;
    if (ta & TA_STANDOUT) a |= A_STANDOUT;
    return a;
}

void term_apply_theme(const struct theme *t)
{
    for (int r = 0; r < ROLE_COUNT; r++) {
        const struct style *s = &t->role[r];
        attr_t a = attrs_of(s->attrs);
        if (T.colors == 0) {
            /* No colour: a role that relied on a background (selection,
             * status bar, match) is shown reversed instead. */
            if (s->bg >= 0 && !(a & (A_REVERSE | A_STANDOUT)))
                a |= A_REVERSE;
            T.attr[r] = a;
            T.pair[r] = 0;
            continue;
        }
        short fg = map_color(s->fg, 1, &a), bg = map_color(s->bg, 0, &a);
        if (T.colors == 8 && fg == bg && fg >= 0)   /* e.g. grey on black degraded */
            fg = -1;
        init_pair((short)(r + 1), fg, bg);
        T.attr[r] = a;
        T.pair[r] = (short)(r + 1);
    }
    if (T.open) {
        cchar_t bgc;
        wchar_t sp[2] = {L' ', 0};
        setcchar(&bgc, sp, T.attr[ROLE_DEFAULT], T.pair[ROLE_DEFAULT], NULL);
        bkgrndset(&bgc);
        clearok(curscr, TRUE);
    }
    forget_last();
}

void term_size(int *w, int *h)
{
    getmaxyx(stdscr, *h, *w);
}

void term_resize(int *w, int *h)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    term_size(w, h);
    forget_last();
}

void term_invalidate(void)
{
    clearok(curscr, TRUE);
    forget_last();
}

/* 1 if row y of s is what the last frame sent had there. */
static int row_unchanged(const struct screen *s, int y)
{
    size_t n = (size_t)s->w;
    return T.last && T.last_w == s->w && T.last_h == s->h &&
           !memcmp(&T.last[(size_t)y * n], &s->cells[(size_t)y * n], n * sizeof *T.last);
}

/* Keeps s as the last frame sent (on no memory, none is kept: the next
 * frame is sent whole). */
static void keep_last(const struct screen *s)
{
    size_t n = (size_t)s->w * (size_t)s->h;
    if (T.last_w != s->w || T.last_h != s->h) {
        forget_last();
        if (!(T.last = malloc(n ? n * sizeof *T.last : 1)))
            return;
        T.last_w = s->w;
        T.last_h = s->h;
    }
    memcpy(T.last, s->cells, n * sizeof *T.last);
    T.last_cursor[0] = s->cursor_on;
    T.last_cursor[1] = s->cursor_y;
    T.last_cursor[2] = s->cursor_x;
}

static void draw_row(const struct screen *s, int y, int w)
{
    for (int x = 0; x < s->w && x < w; x++) {
        const struct cell *c = &s->cells[(size_t)y * (size_t)s->w + (size_t)x];
        if (c->flags & CELL_CONT)
            continue;
        wchar_t wc[TEXT_MAXCOMB + 2];
        int k = 0;
        wc[k++] = (wchar_t)c->ch;
        for (int i = 0; i < TEXT_MAXCOMB && c->comb[i]; i++)
            wc[k++] = (wchar_t)c->comb[i];
        wc[k] = 0;
        int role = c->role < ROLE_COUNT ? c->role : 0;
        cchar_t cc;
        setcchar(&cc, wc, T.attr[role], T.pair[role], NULL);
        mvadd_wch(y, x, &cc);
    }
}

/* Sends the rows of s that differ from the last frame's; nothing at all
 * (no curses call, no output) for a frame like the last one: the loop
 * redraws after every result (a page after each commit, the totals once a
 * second), and most leave the screen as it was. */
int term_draw(const struct screen *s)
{
    int w, h, sent = 0;
    term_size(&w, &h);
    for (int y = 0; y < s->h && y < h; y++) {
        if (row_unchanged(s, y))
            continue;
        draw_row(s, y, w);
        sent = 1;
    }
    if (!sent && T.last && T.last_cursor[0] == s->cursor_on &&
        (!s->cursor_on || (T.last_cursor[1] == s->cursor_y && T.last_cursor[2] == s->cursor_x)))
        return 0;
    keep_last(s);
    if (s->cursor_on && s->cursor_y < h && s->cursor_x < w) {
        curs_set(1);
        move(s->cursor_y, s->cursor_x);
    } else {
        curs_set(0);
    }
    wnoutrefresh(stdscr);
    doupdate();
    return 1;
}

static int map_function_key(wint_t k)
{
    switch (k) {
    case KEY_UP: return K_UP;
    case KEY_DOWN: return K_DOWN;
    case KEY_LEFT: return K_LEFT;
    case KEY_RIGHT: return K_RIGHT;
    case KEY_PPAGE: return K_PGUP;
    case KEY_NPAGE: return K_PGDN;
    case KEY_HOME: case KEY_FIND: return K_HOME;
    case KEY_END: case KEY_SELECT: return K_END;
    case KEY_ENTER: return K_ENTER;
    case KEY_BACKSPACE: return K_BACKSPACE;
    case KEY_DC: return K_DELETE;
    case KEY_BTAB: return K_BTAB;
    case KEY_RESIZE: return K_RESIZE;
    case KEY_F(1): return K_F1;
    default: break;
    }
    /* ctrl-left/right: terminfo names kLFT5 / kRIT5 have no KEY_ constant. */
    const char *name = keyname((int)k);
    if (name && strcmp(name, "kLFT5") == 0)
        return K_CLEFT;
    if (name && strcmp(name, "kRIT5") == 0)
        return K_CRIGHT;
    return K_NONE;
}

int term_key(void)
{
    wint_t wch;
    for (;;) {
        int r = get_wch(&wch);
        if (r == ERR)
            return K_NONE;
        if (r == KEY_CODE_YES) {
            int k = map_function_key(wch);
            if (k != K_NONE)
                return k;
            continue;   /* a key we do not use */
        }
        switch (wch) {
        case '\r': case '\n': return K_ENTER;
        case 27: return K_ESC;
        case '\t': return K_TAB;
        case 127: case 8: return K_BACKSPACE;
        default: return (int)wch;
        }
    }
}
