/* keys: the key map and its help text (see keys.h). The bindings and the
 * help rows live side by side here; a test checks that every bound action
 * appears in the help. */
#include "ui/keys.h"

#include <stdio.h>

static const struct binding {
    int key;
    int action;
} bindings[] = {
    {'q', A_QUIT},        {'?', A_HELP},         {K_F1, A_HELP},        {K_ESC, A_ESC},
    {'/', A_QUERY},       {':', A_COMMAND},      {'n', A_NEXT_MATCH},   {'N', A_PREV_MATCH},
    {'j', A_DOWN},        {K_DOWN, A_DOWN},      {'k', A_UP},           {K_UP, A_UP},
    {K_PGDN, A_PGDN},     {' ', A_PGDN},         {K_CTRL('f'), A_PGDN}, {K_PGUP, A_PGUP},
    {'b', A_PGUP},        {K_CTRL('b'), A_PGUP}, {K_CTRL('d'), A_HALF_DN},
    {K_CTRL('u'), A_HALF_UP}, {'g', A_OLDEST},   {K_HOME, A_OLDEST},    {'G', A_NEWEST},
    {K_END, A_NEWEST},    {'F', A_FOLLOW},       {K_ENTER, A_DETAIL},   {'e', A_NEXT_ERROR},
    {'E', A_PREV_ERROR},  {K_LEFT, A_SCROLL_LEFT},      {'h', A_SCROLL_LEFT},         {K_RIGHT, A_SCROLL_RIGHT},
    {'0', A_LINE_START},  {'t', A_TRACE},        {'m', A_METRICS},      {'a', A_ALERTS},
    {'l', A_LOGVIEW},     {'A', A_ACK},          {'s', A_SILENCE},      {K_CTRL('l'), A_REDRAW},
    {'x', A_MARK},        {'u', A_NEXT_MARK},    {'U', A_PREV_MARK},    {'T', A_TIME_MODE},
};

static const struct keyhelp help[] = {
    {NULL, "Moving around"},
    {"j k  Down Up", "select the next / previous record"},
    {"PgDn PgUp  Space b", "page down / up (also ^F ^B)"},
    {"^D ^U", "half a page down / up"},
    {"g G  Home End", "oldest / newest record (G follows again)"},
    {"F", "follow on/off (new records appear at the bottom)"},
    {"e E", "next / previous error or worse"},
    {"n N", "next / previous match of the highlight"},
    {"Left Right h  0", "scroll messages sideways / back to the start"},
    {"x", "mark / unmark the selected record (a * before its level)"},
    {"u U", "next / previous marked record"},
    {"T", "time column: clock, elapsed since the previous record, since the mark"},
    {NULL, "Query and commands"},
    {"/", "query bar: filter with the query language"},
    {"  Tab", "in the bar: switch between filter and highlight"},
    {"  Up Down", "in the bar: query history"},
    {"  Enter Esc", "in the bar: keep / cancel the change"},
    {":", "command line (below)"},
    {"  :goto TIME", "jump to a time: 10:42, -15m, 2024-01-01T10:42Z"},
    {"  :w FILE", "write the results as JSON lines (:w! overwrites)"},
    {"  :wr FILE", "write the results as raw lines"},
    {"  :wm FILE", "write the marked records as JSON lines (:wmr raw)"},
    {"  :marks [clear]", "how many records are marked / unmark them all"},
    {"  :hl EXPR", "highlight records matching EXPR (n N jump)"},
    {"  :theme NAME", "switch theme (dark, light, solarized-dark, ...)"},
    {"  :trace CID", "open the trace view on a correlation id"},
    {"  :q", "quit"},
    {NULL, "Views and panes"},
    {"Enter", "detail pane: every field, pretty JSON, raw text"},
    {"t", "trace of the selected record's cid"},
    {"m", "metrics view"},
    {"a", "alerts view"},
    {"A s", "acknowledge / silence the selected alert"},
    {"l", "back to the log view"},
    {"?  F1", "this help"},
    {"Esc", "close the pane, bar or help"},
    {"^L", "redraw the screen"},
    {"q", "back to the log view from trace, metrics and alerts; quit from the log view"},
    {NULL, "Query language (examples)"},
    {"level>=warning", "severity at least warning (trace..critical)"},
    {"service:api", "field equality; service:api-* globs"},
    {"\"connection reset\"", "words or phrases in the message"},
    {"-path:/health", "NOT (also: NOT, OR, parentheses)"},
    {"since:15m until:...", "relative (90s 15m 2h 7d) or RFC 3339 times"},
    {"status>=500", "numbers: status, duration_ms, process.id, ..."},
    {"cid:3f2a9c1e-*", "one request across every service"},
};

int keys_action(int key)
{
    for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
        if (bindings[i].key == key)
            return bindings[i].action;
    return A_NONE;
}

int keys_help(const struct keyhelp **out)
{
    *out = help;
    return (int)(sizeof help / sizeof help[0]);
}

const char *keys_name(int key, char buf[16])
{
    static const char *const special[] = {
        "?", "Up", "Down", "Left", "Right", "PgUp", "PgDn", "Home", "End",
        "Enter", "Esc", "Backspace", "Delete", "Tab", "S-Tab", "Resize", "^Left", "^Right", "F1",
    };
    if (key > K_SPECIAL && key <= K_F1)
        snprintf(buf, 16, "%s", special[key - K_SPECIAL]);
    else if (key >= 0 && key < 0x20)
        snprintf(buf, 16, "^%c", key + 0x40);
    else if (key >= 0x20 && key < 0x7f)
        snprintf(buf, 16, "%c", key);
    else
        snprintf(buf, 16, "U+%04X", (unsigned)key);
    return buf;
}
