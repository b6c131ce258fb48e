/* commands: the `:` command line: goto TIME, w[!] FILE (JSON lines),
 * wr[!] FILE (raw lines), wm[!]/wmr[!] FILE (the marked records), marks
 * [clear], hl EXPR, filter EXPR, theme NAME, follow, help,
 * q. Errors go to the status line. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/ts.h"
#include "ui/app.h"

/* "10:42", "10:42:30", "10:42:30.5": that time on the day of ref (local). */
static int clock_time(const char *s, int64_t ref, int64_t *out)
{
    int h, m, n = 0;
    double sec = 0;
    if (sscanf(s, "%d:%d%n", &h, &m, &n) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
        return -1;
    if (s[n] == ':') {
        int k = 0;
        if (sscanf(s + n + 1, "%lf%n", &sec, &k) != 1 || sec < 0 || sec >= 61)
            return -1;
        n += 1 + k;
    }
    if (s[n])
        return -1;
    time_t t = (time_t)(ref / 1000000);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = (int)sec;
    tm.tm_isdst = -1;
    time_t r = mktime(&tm);
    *out = (int64_t)r * 1000000 + (int64_t)((sec - (int)sec) * 1e6);
    return 0;
}

static int parse_goto(struct app *a, const char *arg, int64_t *out)
{
    const struct lrow *r = logmodel_selected(&a->lm);
    int64_t ref = r ? r->ts : ts_now(), d;
    if (clock_time(arg, ref, out) == 0)
        return 0;
    if (arg[0] == '-' && ts_parse_duration(arg + 1, &d) == 0) {
        *out = ts_now() - d;
        return 0;
    }
    size_t n = strlen(arg), used = 0;
    if (n >= 4 && strcmp(arg + n - 4, " ago") == 0) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(n - 4), arg);
        if (ts_parse_duration(tmp, &d) == 0) {
            *out = ts_now() - d;
            return 0;
        }
    }
    if (ts_parse(arg, n, NULL, out, &used) == 0 && used == n)
        return 0;
    return -1;
}

static int cmd_goto(struct app *a, const char *arg)
{
    int64_t ts;
    if (!*arg) {
        app_message(a, ROLE_STATUS_ERROR, "goto needs a time: :goto 10:42");
        return R_REDRAW;
    }
    if (parse_goto(a, arg, &ts) < 0) {
        app_message(a, ROLE_STATUS_ERROR, "goto: cannot read '%s' as a time; expected 10:42, "
                    "10:42:30, 2024-01-01T10:42Z, -15m or '2h ago'", arg);
        return R_REDRAW;
    }
    app_pause(a);
    app_show(a, PAGE_TIME, ts);   /* "no records" when the page arrives empty */
    return R_REDRAW;
}

/* The file a write command names, ~/ expanded, into path[4096]; 0, or -1
 * with the message said when there is none. */
static int write_path(struct app *a, const char *cmd, const char *arg, char *path)
{
    if (!*arg) {
        app_message(a, ROLE_STATUS_ERROR, "%s needs a file name", cmd);
        return -1;
    }
    if (arg[0] == '~' && arg[1] == '/' && getenv("HOME"))
        snprintf(path, 4096, "%s%s", getenv("HOME"), arg + 1);
    else
        snprintf(path, 4096, "%s", arg);
    return 0;
}

static int cmd_write(struct app *a, const char *arg, int raw, int force)
{
    char path[4096];
    if (write_path(a, raw ? "wr" : "w", arg, path) < 0)
        return R_REDRAW;
    pager_write(a->pager, a->filter, path, raw, force);
    app_message(a, ROLE_STATUS, "writing %s…", path);
    return R_REDRAW;
}

/* :wm FILE / :wmr FILE: only the marked records, oldest first. */
static int cmd_write_marked(struct app *a, const char *arg, int raw, int force)
{
    if (!a->marks.n) {
        app_message(a, ROLE_STATUS_ERROR, "no marked records: x marks the selected record");
        return R_REDRAW;
    }
    char path[4096];
    if (write_path(a, raw ? "wmr" : "wm", arg, path) < 0)
        return R_REDRAW;
    pager_write_keys(a->pager, a->marks.k, a->marks.n, path, raw, force);
    app_message(a, ROLE_STATUS, "writing %zu marked records to %s…", a->marks.n, path);
    return R_REDRAW;
}

static int cmd_marks(struct app *a, const char *arg)
{
    if (!strcmp(arg, "clear")) {
        size_t n = a->marks.n;
        marks_clear(&a->marks);
        app_message(a, ROLE_STATUS, "%zu marks cleared", n);
    } else if (!*arg) {
        app_message(a, ROLE_STATUS, "%zu marked (x marks, u U jump, :wm FILE writes them, "
                    ":marks clear)", a->marks.n);
    } else {
        app_message(a, ROLE_STATUS_ERROR, "marks: expected nothing or 'clear', not '%s'", arg);
    }
    return R_REDRAW;
}

static int cmd_theme(struct app *a, const char *arg)
{
    struct err e = {0};
    struct theme t;
    if (!*arg) {
        char list[512];
        theme_list(list, sizeof list);
        app_message(a, ROLE_STATUS, "theme %s; available: %s", a->theme.name, list);
        return R_REDRAW;
    }
    if (theme_load(&t, arg, &e) < 0) {
        app_error(a, &e);
        return R_REDRAW;
    }
    a->theme = t;
    a->theme_dirty = 1;
    app_message(a, ROLE_STATUS, "theme %s", t.name);
    return R_REDRAW;
}

static int cmd_query(struct app *a, const char *arg, int highlight)
{
    struct err e = {0};
    int rc = highlight ? app_set_highlight(a, arg, &e) : app_set_filter(a, arg, &e);
    if (rc < 0)
        app_error(a, &e);
    else if (*arg)
        history_add(&a->hist, arg, &e);
    return R_REDRAW;
}

/* Splits a command line into its first word (cmd[32]) and the rest,
 * trimmed (arg[LINEEDIT_MAX + 1]). */
static void split_line(const char *line, char cmd[32], char *arg)
{
    while (isspace((unsigned char)*line))
        line++;
    size_t n = 0;
    while (line[n] && !isspace((unsigned char)line[n]) && n < 31)
        n++;
    memcpy(cmd, line, n);
    cmd[n] = 0;
    const char *rest = line + n;
    while (isspace((unsigned char)*rest))
        rest++;
    snprintf(arg, LINEEDIT_MAX + 1, "%s", rest);
    for (size_t k = strlen(arg); k > 0 && isspace((unsigned char)arg[k - 1]); k--)
        arg[k - 1] = 0;
}

static int cmd_trace(struct app *a, const char *cid)
{
    if (!cid[0]) {
        app_message(a, ROLE_STATUS_ERROR, ":trace needs a correlation id (:trace CID)");
        return R_REDRAW;
    }
    return view_trace_open(a, cid);
}

/* :follow and :help, as F and ? do. */
static int cmd_pane(struct app *a, const char *cmd)
{
    if (!strcmp(cmd, "follow"))
        app_set_follow(a, 1);
    else
        a->help_open = 1;
    return R_REDRAW;
}

int commands_run(struct app *a, const char *line)
{
    char cmd[32], argbuf[LINEEDIT_MAX + 1];
    split_line(line, cmd, argbuf);
    if (!cmd[0])
        return R_REDRAW;
    if (!strcmp(cmd, "q") || !strcmp(cmd, "quit") || !strcmp(cmd, "q!"))
        return R_QUIT;
    if (!strcmp(cmd, "goto") || !strcmp(cmd, "g"))
        return cmd_goto(a, argbuf);
    if (!strcmp(cmd, "w") || !strcmp(cmd, "w!") || !strcmp(cmd, "write"))
        return cmd_write(a, argbuf, 0, cmd[1] == '!');
    if (!strcmp(cmd, "wr") || !strcmp(cmd, "wr!"))
        return cmd_write(a, argbuf, 1, cmd[2] == '!');
    if (!strcmp(cmd, "wm") || !strcmp(cmd, "wm!"))
        return cmd_write_marked(a, argbuf, 0, cmd[2] == '!');
    if (!strcmp(cmd, "wmr") || !strcmp(cmd, "wmr!"))
        return cmd_write_marked(a, argbuf, 1, cmd[3] == '!');
    if (!strcmp(cmd, "marks"))
        return cmd_marks(a, argbuf);
    if (!strcmp(cmd, "hl") || !strcmp(cmd, "highlight"))
        return cmd_query(a, argbuf, 1);
    if (!strcmp(cmd, "filter") || !strcmp(cmd, "f"))
        return cmd_query(a, argbuf, 0);
    if (!strcmp(cmd, "theme"))
        return cmd_theme(a, argbuf);
    if (!strcmp(cmd, "trace"))
        return cmd_trace(a, argbuf);
    if (!strcmp(cmd, "follow") || !strcmp(cmd, "help"))
        return cmd_pane(a, cmd);
    app_message(a, ROLE_STATUS_ERROR, "unknown command '%s'; try goto, w, wr, wm, marks, hl, "
                "filter, trace, theme, follow, help, q", cmd);
    return R_REDRAW;
}
