/* theme: role names, the theme file parser and theme lookup (see theme.h).
 * No curses here: ui/term.c applies a parsed theme. */
#include "ui/theme.h"
#include "src/base/xdg.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/record.h"

static const char *const role_names[ROLE_COUNT] = {
    "default", "time", "service", "cid",
    "level.unknown", "level.trace", "level.debug", "level.info", "level.notice",
    "level.warning", "level.error", "level.critical",
    "line.warning", "line.error", "line.critical",
    "selection", "match", "escape",
    "status", "status.key", "status.follow", "status.paused", "status.error",
    "query", "query.error",
    "title", "border", "label",
    "json.key", "json.string", "json.number", "json.literal", "json.punct",
    "help.key", "dim",
};

const char *role_name(int role)
{
    return role >= 0 && role < ROLE_COUNT ? role_names[role] : "?";
}

int role_parse(const char *name, size_t n)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strlen(role_names[i]) == n && memcmp(role_names[i], name, n) == 0)
            return i;
    return -1;
}

int role_for_level(int level)
{
    if (level < LVL_TRACE || level > LVL_CRITICAL)
        return ROLE_LVL_UNKNOWN;
    return ROLE_LVL_TRACE + (level - LVL_TRACE);
}

int role_line_for_level(int level)
{
    switch (level) {
    case LVL_WARNING: return ROLE_LINE_WARNING;
    case LVL_ERROR: return ROLE_LINE_ERROR;
    case LVL_CRITICAL: return ROLE_LINE_CRITICAL;
    default: return ROLE_DEFAULT;
    }
}

static const char *const color_names[8] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* Nearest xterm-256 index to an RGB colour (cube 16..231, greys 232..255). */
static int rgb_to_256(int r, int g, int b)
{
    static const int steps[6] = {0, 95, 135, 175, 215, 255};
    int idx[3], rgb[3] = {r, g, b}, best = 0, bestd = INT_MAX;
    for (int c = 0; c < 3; c++) {
        int bi = 0;
        for (int k = 1; k < 6; k++)
            if (abs(steps[k] - rgb[c]) < abs(steps[bi] - rgb[c]))
                bi = k;
        idx[c] = bi;
    }
    int cube = 16 + 36 * idx[0] + 6 * idx[1] + idx[2];
    int dr = steps[idx[0]] - r, dg = steps[idx[1]] - g, db = steps[idx[2]] - b;
    bestd = dr * dr + dg * dg + db * db;
    best = cube;
    for (int k = 0; k < 24; k++) {
        int v = 8 + 10 * k;
        int d = (v - r) * (v - r) + (v - g) * (v - g) + (v - b) * (v - b);
        if (d < bestd) {
            bestd = d;
            best = 232 + k;
        }
    }
    return best;
}

static int word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static int parse_hex(const char *s, size_t n, int *out)
{
    if (n != 7)
        return -1;
    int v[3];
    for (int c = 0; c < 3; c++) {
        char h[3] = {s[1 + 2 * c], s[2 + 2 * c], 0};
        if (!isxdigit((unsigned char)h[0]) || !isxdigit((unsigned char)h[1]))
            return -1;
        v[c] = (int)strtol(h, NULL, 16);
    }
    *out = rgb_to_256(v[0], v[1], v[2]);
    return 0;
}

int theme_color_parse(const char *s, size_t n, int *out)
{
    if (word_is(s, n, "default") || word_is(s, n, "-")) {
        *out = THEME_COLOR_DEFAULT;
        return 0;
    }
    if (n > 0 && s[0] == '#')
        return parse_hex(s, n, out);
    if (n > 0 && n <= 3 && isdigit((unsigned char)s[0])) {
        int v = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isdigit((unsigned char)s[i]))
                return -1;
            v = v * 10 + (s[i] - '0');
        }
        if (v > 255)
            return -1;
        *out = v;
        return 0;
    }
    int bright = 0;
    if (n > 7 && strncasecmp(s, "bright-", 7) == 0) {
        bright = 8;
        s += 7;
        n -= 7;
    }
    if (bright && (word_is(s, n, "grey") || word_is(s, n, "gray")))
        return -1;
    if (!bright && (word_is(s, n, "grey") || word_is(s, n, "gray"))) {
        *out = 8;
        return 0;
    }
    for (int i = 0; i < 8; i++)
        if (word_is(s, n, color_names[i])) {
            *out = i + bright;
            return 0;
        }
    return -1;
}

static const struct {
    const char *name;
    int bit;
} attr_names[] = {
    {"bold", TA_BOLD}, {"dim", TA_DIM}, {"underline", TA_UNDERLINE},
    {"reverse", TA_REVERSE}, {"italic", TA_ITALIC}, {"blink", TA_BLINK},
    {"standout", TA_STANDOUT}, {"normal", 0},
};

static int attr_parse(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
        if (word_is(s, n, attr_names[i].name))
            return attr_names[i].bit;
    return -1;
}

/* "#rrggbb" ending the word: a colour, not the start of a comment. */
static int is_hex_color(const char *s, size_t n)
{
    if (n < 7 || s[0] != '#')
        return 0;
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return n == 7 || s[7] == ' ' || s[7] == '\t' || s[7] == '\r';
}

/* Splits a line into words (at most max); stops at '#'. Returns count. */
static int split_words(const char *line, size_t n, const char **w, size_t *wl, int max)
{
    int k = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            i++;
        if (i >= n || (line[i] == '#' && !is_hex_color(line + i, n - i)))
            break;
        size_t st = i;
        while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            i++;
        if (k == max)
            return max + 1;
        w[k] = line + st;
        wl[k++] = i - st;
    }
    return k;
}

static int bad_word(struct err *e, int lineno, int col, int color, const char *w, size_t wl)
{
    return err_setc(e, 2, "theme line %d, col %d: unknown %s '%.*s'; expected %s", lineno, col,
                    color ? "colour" : "attribute", (int)wl, w,
                    color ? "default, black, red, green, yellow, blue, magenta, cyan, white, "
                            "bright-NAME, 0-255 or #rrggbb"
                          : "bold, dim, underline, reverse, italic, blink, standout or normal");
}

/* ROLE FG [BG] [ATTR...]: a second word that is not a colour must be an
 * attribute (the background is then the default). */
static int parse_line(struct theme *t, const char *line, size_t n, int lineno, struct err *e)
{
    const char *w[8];
    size_t wl[8];
    int k = split_words(line, n, w, wl, 7);
    if (k == 0)
        return 0;
    if (k > 7)
        return err_setc(e, 2, "theme line %d: too many words (role, fg, bg and at most 4 "
                        "attributes)", lineno);
    int role = role_parse(w[0], wl[0]);
    if (role < 0)
        return err_setc(e, 2, "theme line %d, col %d: unknown role '%.*s'; expected one of "
                        "default, time, service, level.error, selection, match, json.key, ... "
                        "(see logdeck.1)", lineno, (int)(w[0] - line) + 1, (int)wl[0], w[0]);
    if (k < 2)
        return err_setc(e, 2, "theme line %d, col %d: role '%s' needs a colour", lineno,
                        (int)(w[0] - line + (long)wl[0]) + 1, role_names[role]);
    struct style st = {THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
    int c, a;
    if (theme_color_parse(w[1], wl[1], &c) < 0)
        return bad_word(e, lineno, (int)(w[1] - line) + 1, 1, w[1], wl[1]);
    st.fg = (int16_t)c;
    for (int i = 2; i < k; i++) {
        if (i == 2 && theme_color_parse(w[i], wl[i], &c) == 0)
            st.bg = (int16_t)c;
        else if ((a = attr_parse(w[i], wl[i])) >= 0)
            st.attrs |= (uint16_t)a;
        else
            return bad_word(e, lineno, (int)(w[i] - line) + 1, i == 2, w[i], wl[i]);
    }
    t->role[role] = st;
    return 0;
}

int theme_parse(struct theme *t, const char *text, size_t n, struct err *e)
{
    size_t i = 0;
    int lineno = 0;
    while (i < n) {
        size_t st = i;
        while (i < n && text[i] != '\n')
            i++;
        lineno++;
        if (memchr(text + st, 0, i - st))
            return err_setc(e, 2, "theme line %d: NUL byte", lineno);
        if (parse_line(t, text + st, i - st, lineno, e) < 0)
            return -1;
        i++;
    }
    return 0;
}

void theme_default(struct theme *t)
{
    memset(t, 0, sizeof *t);
    for (int r = 0; r < ROLE_COUNT; r++)
        t->role[r] = (struct style){THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
    const char *txt = theme_default_text();
    theme_parse(t, txt, strlen(txt), NULL);
    snprintf(t->name, sizeof t->name, "dark");
}

#define THEME_DIRS 4

/* The theme directories in search order; returns how many were written:
 * the user's, an install prefix's share/, and themes/ beside the binary or
 * one level up (a build tree such as build-asan/logdeck). */
static int theme_dirs(char dirs[THEME_DIRS][PATH_MAX])
{
    int k = 0;
    xdg_path(XDG_CONFIG, "themes", dirs[k++], PATH_MAX);
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(dirs[k++], PATH_MAX, "%.*s/../share/logdeck/themes", PATH_MAX - 32, exe);
            snprintf(dirs[k++], PATH_MAX, "%.*s/themes", PATH_MAX - 32, exe);
            snprintf(dirs[k++], PATH_MAX, "%.*s/../themes", PATH_MAX - 32, exe);
        }
    }
    return k;
}

static char *read_small_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(65537);
    size_t len = buf ? fread(buf, 1, 65536, f) : 0;
    int more = buf && fgetc(f) != EOF;
    fclose(f);
    if (!buf || more) {   /* a theme is a few KB; refuse anything huge */
        free(buf);
        return NULL;
    }
    buf[len] = 0;
    *n = len;
    return buf;
}

static int load_file(struct theme *t, const char *path, const char *name, struct err *e)
{
    size_t n = 0;
    char *text = read_small_file(path, &n);
    if (!text)
        return 1;
    int rc = theme_parse(t, text, n, e);
    free(text);
    if (rc < 0) {
        if (e) {
            char msg[sizeof e->msg];
            snprintf(msg, sizeof msg, "%s", e->msg);
            err_setc(e, 2, "%.700s (%.300s)", msg, path);
        }
        theme_default(t);
        return -1;
    }
    snprintf(t->name, sizeof t->name, "%s", name);
    return 0;
}

static int valid_name(const char *name)
{
    if (!*name || strlen(name) > 48)
        return 0;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return 0;
    return name[0] != '.';
}

int theme_load(struct theme *t, const char *name, struct err *e)
{
    theme_default(t);
    if (strchr(name, '/')) {
        const char *base = strrchr(name, '/') + 1;
        int rc = load_file(t, name, base, e);
        return rc > 0 ? err_setc(e, 2, "cannot read theme file %s", name) : rc;
    }
    if (!valid_name(name))
        return err_setc(e, 2, "bad theme name '%s'", name);
    char dirs[THEME_DIRS][PATH_MAX], path[PATH_MAX + 80];
    int nd = theme_dirs(dirs);
    for (int i = 0; i < nd; i++) {
        snprintf(path, sizeof path, "%.4000s/%.60s.theme", dirs[i], name);
        int rc = load_file(t, path, name, e);
        if (rc <= 0)
            return rc;
    }
    if (strcmp(name, "dark") == 0 || strcmp(name, "default") == 0)
        return 0;
    char list[512];
    theme_list(list, sizeof list);
    return err_setc(e, 2, "unknown theme '%s'; available: %s", name, list);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void theme_list(char *buf, size_t cap)
{
    char dirs[THEME_DIRS][PATH_MAX], *names[64];
    int nn = 0, nd = theme_dirs(dirs);
    names[nn++] = strdup("dark");
    for (int i = 0; i < nd; i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *de;
        while (d && (de = readdir(d)) && nn < 64) {
            size_t l = strlen(de->d_name);
            if (l <= 6 || strcmp(de->d_name + l - 6, ".theme") != 0 || de->d_name[0] == '.')
                continue;
            names[nn++] = strndup(de->d_name, l - 6);
        }
        if (d)
            closedir(d);
    }
    qsort(names, (size_t)nn, sizeof names[0], cmp_str);
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < nn; i++) {
        if (names[i] && (i == 0 || !names[i - 1] || strcmp(names[i], names[i - 1]) != 0) && len < cap)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", names[i]);
        if (len >= cap)
            len = cap - 1;
    }
    for (int i = 0; i < nn; i++)
        free(names[i]);
}
