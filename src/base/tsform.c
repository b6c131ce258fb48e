/* tsform: timestamp forms compiled to byte-matching steps (see tsform.h). */
#include "src/base/tsform.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum {
    OP_LIT = 1, OP_SPACE, OP_DTSEP, OP_Y4, OP_Y2, OP_MON2, OP_MON12, OP_MONNAME,
    OP_DAY2, OP_DAY12, OP_H2, OP_H12, OP_MIN2, OP_SEC2, OP_FRAC, OP_FRACOPT, OP_WDAY,
    OP_AMPM, OP_ZONE, OP_EPOCH, OP_EPOCH_MS, OP_EPOCH_S10, OP_EPOCH_MS13
};

/* --- compiling ---------------------------------------------------------- */

static int add(struct tsform *f, int op, char arg)
{
    if (f->n >= TSFORM_MAX_STEPS)
        return -1;
    f->op[f->n] = (unsigned char)op;
    f->arg[f->n++] = arg;
    return 0;
}

static size_t run_of(const char *p, char c)
{
    size_t k = 0;
    while (p[k] == c)
        k++;
    return k;
}

/* The step for a run of k pattern letters c, or 0 if that run means nothing. */
static int letter_op(char c, size_t k)
{
    switch (c) {
    case 'y': return k == 4 ? OP_Y4 : k == 2 ? OP_Y2 : 0;
    case 'M': return k == 1 ? OP_MON12 : k == 2 ? OP_MON2 : OP_MONNAME;
    case 'd': return k == 1 ? OP_DAY12 : k == 2 ? OP_DAY2 : 0;
    case 'H': return k == 1 ? OP_H12 : k == 2 ? OP_H2 : 0;
    case 'h': return k <= 2 ? OP_H12 : 0;
    case 'm': return k == 2 ? OP_MIN2 : 0;
    case 's': return k == 2 ? OP_SEC2 : 0;
    case 'S': case 'f': return k <= 9 ? OP_FRAC : 0;
    case 'E': return k >= 3 ? OP_WDAY : 0;
    case 'a': return k == 1 ? OP_AMPM : 0;
    case 'Z': case 'X': case 'z': return k <= 3 ? OP_ZONE : 0;
    }
    return 0;
}

static int fail(size_t *errpos, const char **why, size_t at, const char *msg)
{
    *errpos = at;
    *why = msg;
    return -1;
}

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* "[.SSS]" or "[,fff]": an optional fraction. Returns its length or 0. */
static size_t optional_fraction(const char *p)
{
    if (p[0] != '[' || (p[1] != '.' && p[1] != ',' && p[1] != ':'))
        return 0;
    size_t k = 2;
    while (p[k] == 'S' || p[k] == 'f')
        k++;
    return k > 2 && p[k] == ']' ? k + 1 : 0;
}

static int special(struct tsform *f, const char *pat)
{
    if (strcmp(pat, "epoch") == 0 || strcmp(pat, "epoch_s") == 0)
        return add(f, OP_EPOCH, 0), f->epoch = 1;
    if (strcmp(pat, "epoch_ms") == 0)
        return add(f, OP_EPOCH_MS, 0), f->epoch = 1;
    return 0;
}

int tsform_compile(struct tsform *f, const char *pat, size_t *errpos, const char **why)
{
    unsigned seen = 0;   /* bit per op */
    memset(f, 0, sizeof *f);
    snprintf(f->text, sizeof f->text, "%s", pat);
    if (special(f, pat))
        return 0;
    for (size_t i = 0; pat[i];) {
        size_t k = run_of(pat + i, pat[i]), q;
        int op;
        if (pat[i] == '\'') {
            const char *end = strchr(pat + i + 1, '\'');
            if (!end)
                return fail(errpos, why, i, "unclosed quote");
            for (const char *c = pat + i + 1; c < end; c++)
                if (add(f, OP_LIT, *c) < 0)
                    return fail(errpos, why, i, "pattern too long");
            i = (size_t)(end - pat) + 1;
            continue;
        }
        if ((q = optional_fraction(pat + i))) {
            op = OP_FRACOPT, k = q;
        } else if (pat[i] == 'T' && k == 1) {
            op = OP_DTSEP;
        } else if (pat[i] == ' ') {
            op = OP_SPACE;
        } else if (is_letter(pat[i])) {
            if (!(op = letter_op(pat[i], k)))
                return fail(errpos, why, i, "unknown pattern letters (put literal text in '...')");
        } else {
            op = OP_LIT, k = 1;
        }
        if (add(f, op, op == OP_LIT ? pat[i] : op == OP_FRACOPT ? pat[i + 1] : 0) < 0)
            return fail(errpos, why, i, "pattern too long");
        seen |= 1u << op;
        i += k;
    }
    f->has_year = (seen & (1u << OP_Y4 | 1u << OP_Y2)) != 0;
    if (!(seen & (1u << OP_MON2 | 1u << OP_MON12 | 1u << OP_MONNAME)) ||
        !(seen & (1u << OP_DAY2 | 1u << OP_DAY12)))
        return fail(errpos, why, 0, "a timestamp form needs a month and a day (MM, dd), or is epoch");
    if (!(seen & (1u << OP_H2 | 1u << OP_H12)) || !(seen & (1u << OP_MIN2)))
        return fail(errpos, why, 0, "a timestamp form needs hours and minutes (HH, mm)");
    return 0;
}

/* --- matching ----------------------------------------------------------- */

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exactly k digits, or (k < 0) 1 to -k of them. Returns the value or -1. */
static int num(const char *s, size_t n, size_t *i, int k)
{
    int v = 0, got = 0, max = k < 0 ? -k : k;
    while (got < max && *i < n && digit(s[*i])) {
        v = v * 10 + (s[*i] - '0');
        (*i)++, got++;
    }
    return (got == max || (k < 0 && got > 0)) ? v : -1;
}

static int lower(char c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Index (0-based) of the 3-letter name at s in names, then skips the rest
 * of the word ("Sep", "Sept", "September"). -1 if none. */
static int name3(const char *s, size_t n, size_t *i, const char *names, int count)
{
    if (*i + 3 > n)
        return -1;
    for (int k = 0; k < count; k++) {
        const char *m = names + 3 * k;
        if (lower(s[*i]) == lower(m[0]) && lower(s[*i + 1]) == m[1] && lower(s[*i + 2]) == m[2]) {
            *i += 3;
            while (*i < n && is_letter(s[*i]))
                (*i)++;
            return k;
        }
    }
    return -1;
}

static int64_t frac(const char *s, size_t n, size_t *i)
{
    int64_t us = 0;
    int nd = 0;
    for (; *i < n && digit(s[*i]); (*i)++, nd++)
        if (nd < 6)
            us = us * 10 + (s[*i] - '0');
    for (int k = nd; k < 6; k++)
        us *= 10;
    return nd ? us : -1;
}

static int zone(const char *s, size_t n, size_t *i, struct tsform_val *v)
{
    size_t j = *i;
    if (j < n && (s[j] == 'Z' || s[j] == 'z') && !(j + 1 < n && is_letter(s[j + 1]))) {
        *i = j + 1, v->has_zone = 1, v->off_s = 0;
        return 0;
    }
    if (j + 4 <= n && s[j] == ' ' && (!memcmp(s + j + 1, "UTC", 3) || !memcmp(s + j + 1, "GMT", 3)) &&
        (j + 4 == n || !is_letter(s[j + 4]))) {
        *i = j + 4, v->has_zone = 1, v->off_s = 0;   /* PostgreSQL's "%m": "... UTC" */
        return 0;
    }
    if (j + 1 < n && s[j] == ' ' && (s[j + 1] == '+' || s[j + 1] == '-'))
        j++;   /* "... 10:00:00 +0200" (access logs) */
    if (j >= n || (s[j] != '+' && s[j] != '-'))
        return 0;
    size_t k = j + 1;
    int hh = num(s, n, &k, 2), mm = 0;
    if (hh < 0 || hh > 14)
        return 0;
    if (k + 2 < n && s[k] == ':' && digit(s[k + 1])) {
        k++;
        mm = num(s, n, &k, 2);
    } else if (k + 1 < n && digit(s[k])) {
        mm = num(s, n, &k, 2);
    }
    if (mm < 0 || mm > 59)
        return 0;
    v->has_zone = 1;
    v->off_s = (s[j] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    *i = k;
    return 0;
}

/* An epoch number of exactly `want` digits (0: any, 9 to 18) starting with
 * '1' for the built-in forms; `ms`: the unit is milliseconds, else by
 * magnitude (as ts_parse: s < 1e11 <= ms < 1e14 <= µs < 1e17 <= ns). */
static int epoch(const char *s, size_t n, size_t *i, int want, int ms, struct tsform_val *v)
{
    size_t j = *i;
    int64_t ip = 0;
    while (j < n && digit(s[j]) && j - *i < 18)
        ip = ip * 10 + (s[j++] - '0');
    size_t nd = j - *i;
    if (want ? (nd != (size_t)want || s[*i] != '1') : nd < 9)
        return -1;
    if (j < n && digit(s[j]))
        return -1;   /* more than 18 digits: no time */
    int64_t f = 0;
    if (j + 1 < n && s[j] == '.' && digit(s[j + 1])) {
        j++;
        f = frac(s, n, &j);
    }
    if (ms) {
        if (ip > 9000000000000000LL)
            return -1;
        v->epoch_us = ip * 1000 + f / 1000;
    } else if (want || ip < 100000000000LL) {
        v->epoch_us = ip < 100000000000LL ? ip * 1000000 + f : ip * 1000 + f / 1000;
    } else if (ip < 100000000000000LL) {
        v->epoch_us = ip * 1000 + f / 1000;
    } else if (ip < 100000000000000000LL) {
        v->epoch_us = ip;
    } else {
        v->epoch_us = ip / 1000;
    }
    *i = j;
    return 0;
}

static int step(int op, char arg, const char *s, size_t n, size_t *i, struct tsform_val *v)
{
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    static const char days[] = "monwedthufrisatsuntue";
    switch (op) {
    case OP_LIT: return *i < n && s[*i] == arg ? ((*i)++, 0) : -1;
    case OP_SPACE:
        if (*i >= n || s[*i] != ' ')
            return -1;
        while (*i < n && s[*i] == ' ')
            (*i)++;
        return 0;
    case OP_DTSEP: return *i < n && (s[*i] == 'T' || s[*i] == ' ') ? ((*i)++, 0) : -1;
    case OP_Y4: return (v->y = num(s, n, i, 4)) < 0 ? -1 : 0;
    case OP_Y2: return (v->y = num(s, n, i, 2)) < 0 ? -1 : (v->y += v->y < 70 ? 2000 : 1900, 0);
    case OP_MON2: case OP_MON12:
        v->mo = num(s, n, i, op == OP_MON2 ? 2 : -2);
        return v->mo >= 1 && v->mo <= 12 ? 0 : -1;
    case OP_MONNAME: return (v->mo = name3(s, n, i, months, 12) + 1) > 0 ? 0 : -1;
    case OP_DAY2: case OP_DAY12:
        v->d = num(s, n, i, op == OP_DAY2 ? 2 : -2);
        return v->d >= 1 && v->d <= 31 ? 0 : -1;
    case OP_H2: case OP_H12:
        v->h = num(s, n, i, op == OP_H2 ? 2 : -2);
        return v->h >= 0 && v->h <= 24 ? 0 : -1;
    case OP_MIN2: return (v->mi = num(s, n, i, 2)) >= 0 && v->mi <= 59 ? 0 : -1;
    case OP_SEC2: return (v->s = num(s, n, i, 2)) >= 0 && v->s <= 60 ? 0 : -1;
    case OP_FRAC: return (v->us = frac(s, n, i)) < 0 ? -1 : 0;
    case OP_FRACOPT:
        if (*i + 1 < n && (s[*i] == arg || s[*i] == (arg == '.' ? ',' : arg)) && digit(s[*i + 1])) {
            (*i)++;
            v->us = frac(s, n, i);
        }
        return 0;
    case OP_WDAY: return name3(s, n, i, days, 7) < 0 ? -1 : 0;
    case OP_AMPM:
        if (*i + 1 < n && (lower(s[*i]) == 'a' || lower(s[*i]) == 'p') && lower(s[*i + 1]) == 'm') {
            v->ampm = lower(s[*i]) == 'a' ? 1 : 2;
            *i += 2;
            return 0;
        }
        return -1;
    case OP_ZONE: return zone(s, n, i, v);
    case OP_EPOCH: return epoch(s, n, i, 0, 0, v);
    case OP_EPOCH_MS: return epoch(s, n, i, 0, 1, v);
    case OP_EPOCH_S10: return epoch(s, n, i, 10, 0, v);
    case OP_EPOCH_MS13: return epoch(s, n, i, 13, 1, v);
    }
    return -1;
}

size_t tsform_match(const struct tsform *f, const char *s, size_t n, struct tsform_val *v)
{
    size_t i = 0;
    memset(v, 0, sizeof *v);
    for (int k = 0; k < f->n; k++)
        if (step(f->op[k], f->arg[k], s, n, &i, v) < 0)
            return 0;
    if (i < n && (is_letter(s[i]) || digit(s[i])))
        return 0;   /* part of a longer word: "2024-01-01 10:00:00x" is no time */
    return i;
}

int tsform_time(const struct tsform *f, const struct tsform_val *v, const struct tzspec *tz,
                int64_t ref_us, int64_t *out)
{
    if (f->epoch) {
        *out = v->epoch_us;
        return 0;
    }
    int h = v->h;
    if (v->ampm)
        h = h % 12 + (v->ampm == 2 ? 12 : 0);
    if (f->has_year)
        return ts_from_civil(v->y, v->mo, v->d, h, v->mi, v->s, v->us, v->has_zone, v->off_s,
                             tz, out);
    /* Year-less: the latest year that is not more than a day past ref. */
    int y = ts_year_of(ref_us + 86400LL * 1000000);
    for (int k = 0; k < 9; k++, y--) {
        if (ts_from_civil(y, v->mo, v->d, h, v->mi, v->s, v->us, v->has_zone, v->off_s, tz,
                          out) < 0)
            continue;   /* Feb 29: back to a leap year */
        if (*out <= ref_us + 86400LL * 1000000)
            return 0;
    }
    return -1;
}

/* --- built-in forms ----------------------------------------------------- */

static const char *const builtin_text[] = {
    "yyyy-MM-ddTHH:mm:ss[.SSS]Z",       /* ISO 8601 / RFC 3339, ',' or '.' */
    "yyyy-MM-dd-HH.mm.ss[.ffffff]",     /* DB2, BlueGene */
    "yyyy/MM/dd HH:mm:ss[.SSS]",        /* nginx error log */
    "yyyyMMdd-HH:mm:ss:SSS",            /* compact */
    "yyMMdd HHmmss",                    /* HDFS */
    "yyMMdd HH:mm:ss",                  /* MySQL 5 */
    "yy/MM/dd HH:mm:ss[.SSS]",          /* Spark */
    "MM-dd HH:mm:ss[.SSS]",             /* Android logcat */
    "MM.dd HH:mm:ss[.SSS]",             /* Proxifier */
    "EEE MMM dd HH:mm:ss[.ffffff] yyyy", /* Apache error log, ctime */
    "MMM d HH:mm:ss[.SSS]",             /* syslog (RFC 3164) */
    "dd/MMM/yyyy:HH:mm:ss Z",           /* access logs */
    "dd-MMM-yyyy HH:mm:ss[.SSS]",       /* Tomcat */
    "dd.MM.yyyy HH:mm:ss[.SSS]",
    "MM/dd/yyyy HH:mm:ss[.SSS]",
    "MM/dd/yyyy h:mm:ss a",
};

#define NBUILTIN (sizeof builtin_text / sizeof builtin_text[0])
static struct tsform builtins[NBUILTIN + 2];
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;

static void build(void)
{
    size_t at;
    const char *why;
    for (size_t i = 0; i < NBUILTIN; i++)
        tsform_compile(&builtins[i], builtin_text[i], &at, &why);
    struct tsform *s = &builtins[NBUILTIN], *ms = &builtins[NBUILTIN + 1];
    memset(s, 0, sizeof *s);
    memset(ms, 0, sizeof *ms);
    add(s, OP_EPOCH_S10, 0), s->epoch = 1;
    snprintf(s->text, sizeof s->text, "epoch");
    add(ms, OP_EPOCH_MS13, 0), ms->epoch = 1;
    snprintf(ms->text, sizeof ms->text, "epoch_ms");
}

const struct tsform *tsform_builtin(int i)
{
    pthread_once(&builtins_once, build);
    return i >= 0 && (size_t)i < NBUILTIN + 2 ? &builtins[i] : NULL;
}
