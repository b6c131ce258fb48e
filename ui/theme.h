/* theme: semantic colour roles and the theme file format (no curses).
 *
 * A theme file has one role per line:
 *
 *     # role          fg            bg        attributes...
 *     level.error     red           default   bold
 *     selection       black         cyan
 *     json.key        #268bd2       default
 *
 * Colours: default (or -), black, red, green, yellow, blue, magenta, cyan,
 * white, bright-black (grey), bright-red ... bright-white, 0..255, or
 * #rrggbb (mapped to the nearest of the 256 xterm colours). Attributes:
 * bold, dim, underline, reverse, italic, blink, standout, normal. A role a
 * file leaves out keeps its value from the compiled-in default theme,
 * which is exactly themes/dark.theme (a unit test checks that).
 * ui/term.c turns roles into curses attributes, degrading for 8-colour
 * terminals and NO_COLOR. */
#ifndef LOGDECK_UI_THEME_H
#define LOGDECK_UI_THEME_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/err.h"

enum role {
    ROLE_DEFAULT = 0,
    ROLE_TIME, ROLE_SERVICE, ROLE_CID,
    ROLE_LVL_UNKNOWN, ROLE_LVL_TRACE, ROLE_LVL_DEBUG, ROLE_LVL_INFO, ROLE_LVL_NOTICE,
    ROLE_LVL_WARNING, ROLE_LVL_ERROR, ROLE_LVL_CRITICAL,
    ROLE_LINE_WARNING, ROLE_LINE_ERROR, ROLE_LINE_CRITICAL,
    ROLE_SELECTION, ROLE_MATCH, ROLE_ESCAPE,
    ROLE_STATUS, ROLE_STATUS_KEY, ROLE_STATUS_FOLLOW, ROLE_STATUS_PAUSED, ROLE_STATUS_ERROR,
    ROLE_QUERY, ROLE_QUERY_ERROR,
    ROLE_TITLE, ROLE_BORDER, ROLE_LABEL,
    ROLE_JSON_KEY, ROLE_JSON_STRING, ROLE_JSON_NUMBER, ROLE_JSON_LITERAL, ROLE_JSON_PUNCT,
    ROLE_HELP_KEY, ROLE_DIM,
    ROLE_COUNT
};

enum {
    TA_BOLD = 1, TA_DIM = 2, TA_UNDERLINE = 4, TA_REVERSE = 8,
    TA_ITALIC = 16, TA_BLINK = 32, TA_STANDOUT = 64
};

#define THEME_COLOR_DEFAULT (-1)

struct style {
    int16_t fg, bg;        /* -1 default, 0..255 */
    uint16_t attrs;        /* TA_* */
};

struct theme {
    char name[64];
    struct style role[ROLE_COUNT];
};

/* "level.error" for ROLE_LVL_ERROR; role_parse returns -1 if unknown. */
const char *role_name(int role);
int role_parse(const char *name, size_t n);
/* The level role for an enum level (level.info ...), and the role of a
 * whole line at that level (line.error, or ROLE_DEFAULT below warning). */
int role_for_level(int level);
int role_line_for_level(int level);

/* The compiled-in default theme ("dark"), and its text. */
void theme_default(struct theme *t);
const char *theme_default_text(void);

/* Parses theme text over t (roles not named keep their value). Returns 0,
 * or -1 with e naming the line, column and what was expected; t may be
 * partly changed then. */
int theme_parse(struct theme *t, const char *text, size_t n, struct err *e);

/* Parses a colour word: 0 and *out, or -1. */
int theme_color_parse(const char *s, size_t n, int *out);

/* Loads theme NAME: a path if NAME holds '/', else NAME.theme from
 * $XDG_CONFIG_HOME/logdeck/themes (~/.config/...), then the directory of
 * the executable's ../share/logdeck/themes, then ./themes next to the
 * executable; "dark" falls back to the compiled-in theme. Starts from the
 * default theme. Returns 0, or -1 with e filled (t is then the default). */
int theme_load(struct theme *t, const char *name, struct err *e);

/* The names of the themes found in those directories, sorted, unique,
 * comma-separated, into buf (for error messages and `:theme`). */
void theme_list(char *buf, size_t cap);

#endif
