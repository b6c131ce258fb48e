/* keys: key codes, the key map (key -> action) and the help text, from
 * one table, so that `?` lists exactly the keys that work (no curses;
 * ui/term.c turns curses input into these codes). */
#ifndef LOGDECK_UI_KEYS_H
#define LOGDECK_UI_KEYS_H

/* Printable keys are their Unicode code point; control keys are 1..31;
 * the rest are above the Unicode range. */
enum key {
    K_NONE = -1,
    K_SPECIAL = 0x110000,
    K_UP, K_DOWN, K_LEFT, K_RIGHT, K_PGUP, K_PGDN, K_HOME, K_END,
    K_ENTER, K_ESC, K_BACKSPACE, K_DELETE, K_TAB, K_BTAB, K_RESIZE,
    K_CLEFT, K_CRIGHT,   /* ctrl-left / ctrl-right */
    K_F1
};
#define K_CTRL(c) ((c) & 0x1f)

enum action {
    A_NONE = 0,
    A_QUIT, A_HELP, A_ESC, A_QUERY, A_COMMAND,
    A_NEXT_MATCH, A_PREV_MATCH, A_DOWN, A_UP, A_PGDN, A_PGUP, A_HALF_DN, A_HALF_UP,
    A_OLDEST, A_NEWEST, A_FOLLOW, A_DETAIL, A_NEXT_ERROR, A_PREV_ERROR,
    A_SCROLL_LEFT, A_SCROLL_RIGHT, A_LINE_START,
    A_TRACE, A_METRICS, A_ALERTS, A_LOGVIEW, A_ACK, A_SILENCE, A_REDRAW,
    A_MARK, A_NEXT_MARK, A_PREV_MARK, A_TIME_MODE,
    A_COUNT_
};

/* The action bound to key in the views, or A_NONE. */
int keys_action(int key);

/* Help rows, in display order: keys (e.g. "j k Up Down") and what they
 * do; section headings have keys == NULL. Returns the number of rows. */
struct keyhelp {
    const char *keys;
    const char *what;
};
int keys_help(const struct keyhelp **out);

/* A short name for a key code ("Up", "^W", "q"), for messages. */
const char *keys_name(int key, char buf[16]);

#endif
