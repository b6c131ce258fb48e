/* level: level and format names, aliases and ranks (see record.h). */
#include "src/record.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *const level_names[LVL_COUNT] = {
    "unknown", "trace", "debug", "info", "notice", "warning", "error", "critical",
};

static const struct { const char *name; int level; } aliases[] = {
    {"trace", LVL_TRACE},     {"trc", LVL_TRACE},       {"finest", LVL_TRACE},
    {"finer", LVL_TRACE},     {"verbose", LVL_TRACE},
    {"debug", LVL_DEBUG},     {"dbg", LVL_DEBUG},       {"fine", LVL_DEBUG},
    {"info", LVL_INFO},       {"inf", LVL_INFO},        {"information", LVL_INFO},
    {"informational", LVL_INFO}, {"success", LVL_INFO}, {"config", LVL_INFO},
    {"notice", LVL_NOTICE},
    {"warning", LVL_WARNING}, {"warn", LVL_WARNING},    {"wrn", LVL_WARNING},
    {"error", LVL_ERROR},     {"err", LVL_ERROR},       {"severe", LVL_ERROR},
    {"critical", LVL_CRITICAL}, {"crit", LVL_CRITICAL}, {"fatal", LVL_CRITICAL},
    {"alert", LVL_CRITICAL},  {"emerg", LVL_CRITICAL},  {"emergency", LVL_CRITICAL},
    {"panic", LVL_CRITICAL},
};

const char *level_name(int level)
{
    if (level < 0 || level >= LVL_COUNT)
        return "unknown";
    return level_names[level];
}

int level_from_syslog(int sev)
{
    static const int map[8] = {LVL_CRITICAL, LVL_CRITICAL, LVL_CRITICAL, LVL_ERROR,
                               LVL_WARNING,  LVL_NOTICE,   LVL_INFO,     LVL_DEBUG};
    return (sev >= 0 && sev < 8) ? map[sev] : -1;
}

int level_parse(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 1 && *s >= '0' && *s <= '7')
        return level_from_syslog(*s - '0');
    /* Lower-case once, then compare exactly: this runs for every record. */
    char low[16];
    if (n == 0 || n >= sizeof low)
        return -1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)s[i]);
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        /* strncmp stops at the alias's NUL, so name[n] is read only when
         * the alias is at least n long */
        if (aliases[i].name[0] == low[0] && strncmp(aliases[i].name, low, n) == 0 &&
            aliases[i].name[n] == '\0')
            return aliases[i].level;
    return -1;
}

static const char *const fmt_names[FMT_COUNT] = {
    "auto", "json", "python", "loguru", "logfmt", "syslog", "raw",
};

const char *fmt_name(int fmt)
{
    return (fmt >= 0 && fmt < FMT_COUNT) ? fmt_names[fmt] : "raw";
}

int fmt_parse(const char *s)
{
    for (int i = 0; i < FMT_COUNT; i++)
        if (strcasecmp(fmt_names[i], s) == 0)
            return i;
    if (strcasecmp(s, "text") == 0)
        return FMT_PYTHON;
    return -1;
}
