/* level: level and format names, aliases and ranks (see record.h). */
#include "src/base/record.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *const level_names[LVL_COUNT] = {
    "unknown", "trace", "debug", "info", "notice", "warning", "error", "critical",
};

#define ALIAS(s, l) {s, sizeof s - 1, l}
static const struct { const char *name; size_t len; int level; } aliases[] = {
    ALIAS("trace", LVL_TRACE), ALIAS("trc", LVL_TRACE), ALIAS("finest", LVL_TRACE),
    ALIAS("finer", LVL_TRACE), ALIAS("verbose", LVL_TRACE), ALIAS("debug", LVL_DEBUG),
    ALIAS("dbg", LVL_DEBUG), ALIAS("fine", LVL_DEBUG), ALIAS("info", LVL_INFO),
    ALIAS("inf", LVL_INFO), ALIAS("information", LVL_INFO),
    ALIAS("informational", LVL_INFO), ALIAS("success", LVL_INFO), ALIAS("config", LVL_INFO),
    ALIAS("notice", LVL_NOTICE), ALIAS("note", LVL_NOTICE), ALIAS("warning", LVL_WARNING), ALIAS("warn", LVL_WARNING),
    ALIAS("wrn", LVL_WARNING), ALIAS("error", LVL_ERROR), ALIAS("err", LVL_ERROR),
    ALIAS("severe", LVL_ERROR), ALIAS("critical", LVL_CRITICAL),
    ALIAS("crit", LVL_CRITICAL), ALIAS("fatal", LVL_CRITICAL), ALIAS("alert", LVL_CRITICAL),
    ALIAS("emerg", LVL_CRITICAL), ALIAS("emergency", LVL_CRITICAL),
    ALIAS("panic", LVL_CRITICAL), ALIAS("failure", LVL_CRITICAL), ALIAS("ftl", LVL_CRITICAL),
    ALIAS("vrb", LVL_TRACE),
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
        if (aliases[i].len == n && aliases[i].name[0] == low[0] &&
            memcmp(aliases[i].name, low, n) == 0)
            return aliases[i].level;
    return -1;
}

static const char *const fmt_names[FMT_COUNT] = {
    "auto", "json", "python", "loguru", "logfmt", "syslog", "raw", "layout",
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
