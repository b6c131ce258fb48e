/* text: Python logging, loguru and syslog text lines (see
 * text.h). Every string a record keeps is copied into the arena,
 * because text records may wait for continuation lines after the caller's
 * line buffer is gone. */
#include "src/parse/text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *find(const char *s, size_t n, const char *pat)
{
    return memmem(s, n, pat, strlen(pat));
}

static const char *dup(struct parse_env *env, const char *s, size_t n)
{
    return parse_arena_dup(env->arena, s, n);
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static void set_msg(struct parse_env *env, struct record *r, const char *s, size_t n)
{
    r->msg = dup(env, s, n);
    r->msg_len = n;
}

static void set_fields(struct parse_env *env, struct record *r, struct parse_jw *w)
{
    parse_jw_end(w);
    r->fields = dup(env, w->b->data, w->b->len);
}

/* --- Python: "<asctime> - <name> - <LEVEL> - <message>" ----------------- */

static int python_body(struct parse_env *env, const char *s, size_t n, struct record *r)
{
    const char *d1 = find(s, n, " - ");
    if (!d1 || d1 == s)
        return 0;
    const char *lv = d1 + 3, *end = s + n;
    const char *d2 = find(lv, (size_t)(end - lv), " - ");
    size_t ln = d2 ? (size_t)(d2 - lv) : (size_t)(end - lv);
    if (!d2 && ln >= 2 && lv[ln - 2] == ' ' && lv[ln - 1] == '-')
        ln -= 2;   /* "INFO -": empty message, trailing blank trimmed */
    int level = level_parse(lv, ln);
    if (level < 0)
        return 0;
    r->format = FMT_PYTHON;
    r->level = level;
    r->logger = dup(env, s, (size_t)(d1 - s));
    if (d2)
        set_msg(env, r, d2 + 3, (size_t)(end - d2 - 3));
    else
        set_msg(env, r, "", 0);
    return 1;
}

/* --- loguru: "<time> | <LEVEL   > | <rest>" ------------------------------ */

/* "name:function:line - message" (loguru's default format). */
static int loguru_location(struct parse_env *env, const char *loc, size_t ln, struct record *r)
{
    const char *c1 = memchr(loc, ':', ln);
    const char *c2 = NULL;
    for (const char *p = loc + ln; p > loc; p--)
        if (p[-1] == ':') {
            c2 = p - 1;
            break;
        }
    if (memchr(loc, ' ', ln) || !c1 || c2 == c1)
        return 0;
    const char *line = c2 + 1;
    size_t nl = (size_t)(loc + ln - line);
    for (size_t i = 0; i < nl; i++)
        if (line[i] < '0' || line[i] > '9')
            return 0;
    struct parse_jw w;
    parse_jw_begin(&w, env->scratch);
    parse_jw_str(&w, "function", 8, c1 + 1, (size_t)(c2 - c1 - 1));
    if (nl)
        parse_jw_raw(&w, "line", 4, line, nl);
    set_fields(env, r, &w);
    r->logger = dup(env, loc, (size_t)(c1 - loc));
    return 1;
}

/* "component | operation | message" (the health checker's console). */
static void loguru_console(struct parse_env *env, const char *s, size_t n, const char *bar,
                           struct record *r)
{
    const char *op = bar + 3, *end = s + n;
    const char *bar2 = find(op, (size_t)(end - op), " | ");
    const char *comp = s;
    size_t cn = (size_t)(bar - s), on = bar2 ? (size_t)(bar2 - op) : 0;
    trim(&comp, &cn);
    struct parse_jw w;
    parse_jw_begin(&w, env->scratch);
    parse_jw_str(&w, "component", 9, comp, cn);
    if (bar2) {
        trim(&op, &on);
        parse_jw_str(&w, "operation", 9, op, on);
        set_msg(env, r, bar2 + 3, (size_t)(end - bar2 - 3));
    } else {
        set_msg(env, r, op, (size_t)(end - op));
    }
    set_fields(env, r, &w);
}

static int loguru_body(struct parse_env *env, const char *s, size_t n, struct record *r)
{
    const char *b1 = find(s, n, " | ");
    const char *end = s + n;
    if (!b1)
        return 0;
    const char *lv = s;
    size_t ln = (size_t)(b1 - s);
    trim(&lv, &ln);
    if (!ln)
        return 0;
    int level = level_parse(lv, ln);
    r->format = FMT_LOGURU;
    r->level = level < 0 ? LVL_UNKNOWN : level;
    const char *rest = b1 + 3;
    size_t rn = (size_t)(end - rest);
    const char *dash = find(rest, rn, " - "), *bar = find(rest, rn, " | ");
    if (dash && (!bar || dash < bar) &&
        loguru_location(env, rest, (size_t)(dash - rest), r)) {
        set_msg(env, r, dash + 3, (size_t)(end - dash - 3));
        return 1;
    }
    if (bar) {
        loguru_console(env, rest, rn, bar, r);
        return 1;
    }
    set_msg(env, r, rest, rn);
    return 1;
}

/* --- syslog ------------------------------------------------------------ */

/* "host app[pid]: msg" after the timestamp (RFC 3164 and rsyslog files).
 * need_tag: without a PRI the tag is what tells syslog from prose. */
static int syslog_tail(struct parse_env *env, const char *s, size_t n, struct record *r,
                       int need_tag)
{
    const char *end = s + n, *host = s;
    const char *sp = memchr(s, ' ', n);
    if (!sp || sp == s)
        return 0;
    const char *tag = sp + 1, *p = tag;
    while (p < end && *p != ' ' && *p != ':' && *p != '[')
        p++;
    const char *app_end = p, *pid = NULL, *pid_end = NULL;
    if (p < end && *p == '[') {
        pid = p + 1;
        pid_end = memchr(pid, ']', (size_t)(end - pid));
        p = pid_end ? pid_end + 1 : end;
    }
    int has_tag = p < end && *p == ':' && app_end > tag;
    if (!has_tag && need_tag)
        return 0;
    struct parse_jw w;
    parse_jw_begin(&w, env->scratch);
    parse_jw_str(&w, "host", 4, host, (size_t)(sp - host));
    const char *msg = tag;
    if (has_tag) {
        parse_jw_str(&w, "app", 3, tag, (size_t)(app_end - tag));
        r->service = dup(env, tag, (size_t)(app_end - tag));
        if (pid && pid_end)
            parse_jw_str(&w, "pid", 3, pid, (size_t)(pid_end - pid));
        msg = p + 1;
        if (msg < end && *msg == ' ')
            msg++;
    }
    set_fields(env, r, &w);
    set_msg(env, r, msg, (size_t)(end - msg));
    r->format = FMT_SYSLOG;
    parse_text_cid(env, r, msg, (size_t)(end - msg));
    return 1;
}

static int month_of(const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int i = 0; i < 12; i++)
        if (memcmp(s, months + 3 * i, 3) == 0)
            return i + 1;
    return 0;
}

/* "Oct 11 22:14:15" (day may be " 1"); the year is that of the reference
 * time (the file's mtime, else now), or the one before if that would put
 * the record more than a day after it. */
static int bsd_time(struct parse_env *env, const char *s, size_t n, int64_t *ts)
{
    if (n < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':')
        return 0;
    int mon = month_of(s);
    if (!mon || (s[4] != ' ' && (s[4] < '0' || s[4] > '3')) || s[5] < '0' || s[5] > '9')
        return 0;
    int day = (s[4] == ' ' ? 0 : s[4] - '0') * 10 + (s[5] - '0');
    int64_t ref = env->ref_us ? env->ref_us : env->now_us;
    time_t now = (time_t)(ref / 1000000);
    struct tm tm;
    gmtime_r(&now, &tm);
    for (int y = tm.tm_year + 1900, k = 0; k < 2; k++, y--) {
        char iso[40];
        int64_t t;
        snprintf(iso, sizeof iso, "%04d-%02d-%02dT%.8s", y, mon, day, s + 7);
        if (ts_parse(iso, strlen(iso), &env->tz, &t, NULL) < 0)
            continue;   /* Feb 29 outside a leap year: try the year before */
        if (k == 0 && t > ref + 86400LL * 1000000)
            continue;
        *ts = t;
        return 1;
    }
    return 0;
}

/* RFC 5424 after "<PRI>1 ": TIMESTAMP HOST APP PROCID MSGID SD [MSG]. */
static const char *token(const char *p, const char *end, const char **tok, size_t *tn)
{
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    *tok = p;
    *tn = (size_t)((sp ? sp : end) - p);
    return sp ? sp + 1 : end;
}

static const char *sd_end(const char *p, const char *end)
{
    if (p < end && *p == '-')
        return p + 1;
    while (p < end && *p == '[') {
        int q = 0;
        for (p++; p < end; p++) {
            if (*p == '\\' && p + 1 < end)
                p++;
            else if (*p == '"')
                q = !q;
            else if (*p == ']' && !q)
                break;
        }
        if (p >= end)
            return NULL;
        p++;
    }
    return p;
}

static void jw_nil(struct parse_jw *w, const char *k, const char *v, size_t vn)
{
    if (vn && !(vn == 1 && *v == '-'))
        parse_jw_str(w, k, strlen(k), v, vn);
}

static int syslog_5424(struct parse_env *env, const char *s, size_t n, struct record *r)
{
    const char *end = s + n, *f[4];
    size_t fn[4], used;
    int64_t ts;
    if (ts_parse(s, n, &env->tz, &ts, &used) == 0 && used < n && s[used] == ' ')
        r->ts = ts, r->ts_guessed = 0;
    else if (n >= 2 && s[0] == '-' && s[1] == ' ')
        used = 1;
    else
        return 0;
    const char *p = s + used + 1;
    for (int i = 0; i < 4; i++) {
        if (p >= end)
            return 0;
        p = token(p, end, &f[i], &fn[i]);
    }
    const char *sd = p, *se = sd_end(p, end);
    if (!se || (se < end && *se != ' '))
        return 0;
    const char *msg = se < end ? se + 1 : end;
    if (end - msg >= 3 && memcmp(msg, "\xef\xbb\xbf", 3) == 0)
        msg += 3;   /* the BOM of a UTF-8 MSG */
    struct parse_jw w;
    parse_jw_begin(&w, env->scratch);
    jw_nil(&w, "host", f[0], fn[0]);
    jw_nil(&w, "app", f[1], fn[1]);
    jw_nil(&w, "procid", f[2], fn[2]);
    jw_nil(&w, "msgid", f[3], fn[3]);
    jw_nil(&w, "sd", sd, (size_t)(se - sd));
    set_fields(env, r, &w);
    if (fn[1] && !(fn[1] == 1 && *f[1] == '-'))
        r->service = dup(env, f[1], fn[1]);
    set_msg(env, r, msg, (size_t)(end - msg));
    r->format = FMT_SYSLOG;
    parse_text_cid(env, r, sd, (size_t)(end - sd));
    return 1;
}

/* "<PRI>": 1-3 digits, at most 191. Returns the bytes used or 0. */
static size_t pri(const char *s, size_t n, int *val)
{
    size_t i = 1;
    int v = 0;
    if (n < 3 || s[0] != '<')
        return 0;
    for (; i < n && i <= 3 && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (s[i] - '0');
    if (i == 1 || i >= n || s[i] != '>' || v > 191)
        return 0;
    *val = v;
    return i + 1;
}

int parse_text_syslog(struct parse_env *env, const char *s, size_t n, struct record *r)
{
    int pv = -1;
    size_t k = pri(s, n, &pv);
    int64_t ts;
    if (k) {
        r->level = level_from_syslog(pv & 7);
        if (n - k >= 2 && s[k] == '1' && s[k + 1] == ' ')
            return syslog_5424(env, s + k + 2, n - k - 2, r);
    }
    if (!bsd_time(env, s + k, n - k, &ts) || n - k < 17 || s[k + 15] != ' ') {
        if (!k)
            return 0;
        /* "<13>message": a PRI and nothing else we know */
        r->format = FMT_SYSLOG;
        set_msg(env, r, s + k, n - k);
        parse_text_cid(env, r, s + k, n - k);
        return 1;
    }
    r->ts = ts, r->ts_guessed = 0;
    return syslog_tail(env, s + k + 16, n - k - 16, r, !k);
}

/* --- lines that start with a date --------------------------------------- */

int parse_text_dated(struct parse_env *env, const char *s, size_t n, struct record *r)
{
    int64_t ts;
    size_t used;
    /* "YYYY-MM-DD HH:MM" at least: a bare date is not a record header. */
    if (n < 16 || s[4] != '-' || ts_parse(s, n, &env->tz, &ts, &used) < 0 || used < 16)
        return 0;
    const char *rest = s + used;
    size_t rn = n - used;
    int ok = 0;
    if (rn >= 3 && memcmp(rest, " - ", 3) == 0)
        ok = python_body(env, rest + 3, rn - 3, r);
    else if (rn >= 3 && memcmp(rest, " | ", 3) == 0)
        ok = loguru_body(env, rest + 3, rn - 3, r);
    else if (rn >= 2 && rest[0] == ' ' && s[10] == 'T')   /* rsyslog's RFC 3339 files */
        ok = syslog_tail(env, rest + 1, rn - 1, r, 1);
    if (!ok)
        return 0;
    r->ts = ts, r->ts_guessed = 0;
    if (r->format != FMT_SYSLOG)
        parse_text_cid(env, r, rest, rn);
    return 1;
}
