/* test_layout: the layout learner against the labelled fixtures of
 * tests/fixtures/layouts/FORM/SYSTEM.{log,truth} (written by gen.py there;
 * one form per directory, several systems per form). Every record must
 * start on the line the truth names, with the truth's time (to the second,
 * UTC) and level; lines the truth does not list must join the record
 * before them. Prints per system and per form the share of records with
 * the right time and the right level. Also unit checks of the timestamp
 * forms, the level words and the user layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "src/base/tsform.h"
#include "src/parse/parse.h"

struct truth {
    long line;
    int64_t sec;     /* -1: no time */
    int level;
};

struct got {
    long line;
    int64_t sec;
    int guessed, level, format;
};

struct run {
    const char *text;
    size_t len;
    long *line_at;   /* byte offset -> line, via a sorted table of line starts */
    size_t nlines;
    struct got *g;
    size_t n, cap;
};

static const char *root(void)
{
    const char *r = getenv("ROOT");
    return r ? r : ".";
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)sz + 1);
    *n = fread(b, 1, (size_t)sz, f);
    b[*n] = '\0';
    fclose(f);
    return b;
}

static long line_of(const struct run *r, int64_t off)
{
    size_t lo = 0, hi = r->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (r->line_at[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return (long)lo + 1;
}

static int on_rec(void *ctx, const struct record *rec)
{
    struct run *r = ctx;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->g = realloc(r->g, r->cap * sizeof *r->g);
    }
    int64_t s = rec->ts >= 0 ? rec->ts / 1000000 : (rec->ts - 999999) / 1000000;
    r->g[r->n++] = (struct got){line_of(r, rec->offset), s, rec->ts_guessed, rec->level, rec->format};
    return 0;
}

static int64_t iso_sec(const char *s)
{
    int64_t us;
    struct tzspec utc = {1, 0};
    if (ts_parse(s, strlen(s), &utc, &us, NULL) < 0)
        fail_msg("bad truth time '%s'", s);
    return us / 1000000;
}

/* Reads SYSTEM.truth; returns the number of records, fills ref and tz. */
static size_t read_truth(const char *path, struct truth **out, int64_t *ref_us, int *tz)
{
    size_t n;
    char *text = slurp(path, &n), *save = NULL;
    struct truth *t = calloc(4096, sizeof *t);
    size_t k = 0;
    if (!text)
        fail_msg("cannot read %s", path);
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char a[64], b[64];
        long line;
        if (sscanf(l, "# ref %63s", a) == 1) {
            *ref_us = iso_sec(a) * 1000000;
        } else if (sscanf(l, "# tz %d", tz) == 1) {
        } else if (sscanf(l, "%ld %63s %63s", &line, a, b) == 3 && k < 4096) {
            t[k].line = line;
            t[k].sec = strcmp(a, "-") ? iso_sec(a) : -1;
            t[k].level = strcmp(b, "-") ? level_parse(b, strlen(b)) : LVL_UNKNOWN;
            k++;
        }
    }
    free(text);
    *out = t;
    return k;
}

static void parse_fixture(const char *log, int64_t ref_us, int tz, struct run *r)
{
    r->text = slurp(log, &r->len);
    assert_non_null(r->text);
    r->line_at = malloc((r->len + 2) * sizeof *r->line_at);
    r->nlines = 0;
    r->line_at[r->nlines++] = 0;
    for (size_t i = 0; i < r->len; i++)
        if (r->text[i] == '\n' && i + 1 < r->len)
            r->line_at[r->nlines++] = (long)i + 1;
    struct parse_opts o = {.tz_fixed = 1, .tz_offset_s = tz};
    struct parser *p = parse_new(&o, NULL);
    assert_non_null(p);
    parse_set_ref_time(p, ref_us);
    const char *s = r->text, *end = r->text + r->len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
        parse_push(p, s, len, s - r->text, 0, ref_us + 3600000000LL * 24 * 400, on_rec, r);
        s += len + (nl != NULL);
    }
    parse_flush(p, on_rec, r);
    parse_free(p);
}

struct score {
    long records, time_ok, level_ok, bad;
};

/* Compares one fixture; prints its line of figures and every mismatch. */
static void check_fixture(const char *dir, const char *sys, struct score *sc)
{
    char log[8300], tr[8300];
    snprintf(log, sizeof log, "%s/%s.log", dir, sys);
    snprintf(tr, sizeof tr, "%s/%s.truth", dir, sys);
    struct truth *t;
    int64_t ref = 0;
    int tz = 0;
    size_t nt = read_truth(tr, &t, &ref, &tz);
    struct run r = {0};
    parse_fixture(log, ref, tz, &r);
    long tok = 0, lok = 0, bad = 0;
    for (size_t i = 0; i < nt; i++) {
        const struct got *g = i < r.n ? &r.g[i] : NULL;
        int line_ok = g && g->line == t[i].line;
        int time_ok = line_ok && (t[i].sec < 0 ? 1 : !g->guessed && g->sec == t[i].sec);
        int level_ok = line_ok && g->level == t[i].level;
        tok += time_ok, lok += level_ok;
        if (!time_ok || !level_ok) {
            if (bad++ < 5)
                printf("    MISMATCH %s/%s line %ld: want %lld %s, got line %ld %lld%s %s\n", strrchr(dir, '/') + 1,
                       sys, t[i].line, (long long)t[i].sec, level_name(t[i].level), g ? g->line : -1,
                       g ? (long long)g->sec : -1, g && g->guessed ? " (guessed)" : "",
                       g ? level_name(g->level) : "-");
        }
    }
    if (r.n != nt)
        printf("    %s: %zu records, truth has %zu\n", sys, r.n, nt), bad++;
    printf("  %-14s %-20s records %3zu  time %5.1f%%  level %5.1f%%\n", strrchr(dir, '/') + 1, sys, nt,
           100.0 * (double)tok / (double)nt, 100.0 * (double)lok / (double)nt);
    sc->records += (long)nt, sc->time_ok += tok, sc->level_ok += lok, sc->bad += bad;
    free(t);
    free(r.g);
    free(r.line_at);
    free((char *)r.text);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_form(const char *form)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fixtures/layouts/%s", root(), form);
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("no fixtures at %s (run from the repository root or set ROOT)", dir);
    char *names[64];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 64) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".log") == 0)
            names[n++] = strndup(de->d_name, l - 4);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    struct score sc = {0};
    for (int i = 0; i < n; i++) {
        check_fixture(dir, names[i], &sc);
        free(names[i]);
    }
    printf("  %-14s %-20s records %3ld  time %5.1f%%  level %5.1f%%  (%d systems)\n", form, "ALL",
           sc.records, 100.0 * (double)sc.time_ok / (double)sc.records,
           100.0 * (double)sc.level_ok / (double)sc.records, n);
    assert_true(n >= 2);
    assert_int_equal(sc.bad, 0);
}

#define FORM(name) \
    static void t_##name(void **state) \
    { \
        (void)state; \
        check_form(#name); \
    }
FORM(iso)
FORM(dashdot)
FORM(slash)
FORM(compact)
FORM(yymmdd)
FORM(yy_slash)
FORM(logcat)
FORM(mmdd_dot)
FORM(apache)
FORM(syslog)
FORM(epoch)

/* --- units ---------------------------------------------------------------- */

static int64_t form_time(const char *pat, const char *s, int64_t ref_us, size_t *used)
{
    struct tsform f;
    struct tsform_val v;
    size_t at;
    const char *why;
    struct tzspec utc = {1, 0};
    int64_t out;
    assert_int_equal(tsform_compile(&f, pat, &at, &why), 0);
    *used = tsform_match(&f, s, strlen(s), &v);
    if (!*used || tsform_time(&f, &v, &utc, ref_us, &out) < 0)
        return -1;
    return out;
}

static void t_tsform(void **state)
{
    (void)state;
    size_t u;
    assert_int_equal(form_time("yyyy-MM-ddTHH:mm:ss[.SSS]Z", "2024-01-02 03:04:05,678 x", 0, &u),
                     1704164645678000LL);
    assert_int_equal(u, 23);
    assert_int_equal(form_time("yyyy-MM-ddTHH:mm:ss[.SSS]Z", "2024-01-02T03:04:05.5+01:00", 0, &u),
                     1704161045500000LL);
    assert_int_equal(form_time("dd/MMM/yyyy:HH:mm:ss Z", "02/Jan/2024:03:04:05 +0000] x", 0, &u),
                     1704164645000000LL);
    assert_int_equal(u, 26);
    assert_int_equal(form_time("MM/dd/yyyy h:mm:ss a", "01/02/2024 3:04:05 PM", 0, &u),
                     1704207845000000LL);
    assert_int_equal(form_time("yyyy-MM-dd'T'HH:mm", "2024-01-02T03:04", 0, &u), 1704164640000000LL);
    /* year-less: the latest year not more than a day after the reference */
    int64_t ref = 1704164645000000LL;   /* 2024-01-02T03:04:05Z */
    assert_int_equal(form_time("MMM d HH:mm:ss", "Dec 31 23:00:00", ref, &u), 1704063600000000LL);
    assert_int_equal(form_time("MMM d HH:mm:ss", "Jan  3 00:00:00", ref, &u), 1704240000000000LL);
    assert_int_equal(form_time("MMM d HH:mm:ss", "Jan  4 00:00:00", ref, &u), 1672790400000000LL);
    assert_int_equal(form_time("MM-dd HH:mm:ss", "02-29 12:00:00", ref, &u), 1582977600000000LL);
    /* a time is a whole word; dates that do not exist are no times */
    assert_int_equal(form_time("yyMMdd HHmmss", "081109 2036150", 0, &u), -1);
    assert_int_equal(form_time("yyyy-MM-ddTHH:mm:ss[.SSS]Z", "2023-02-29 10:00:00", 0, &u), -1);
    assert_int_equal(form_time("epoch", "1700000000123 x", 0, &u), 1700000000123000LL);
    assert_int_equal(form_time("epoch_ms", "1700000000123", 0, &u), 1700000000123000LL);

    struct tsform f;
    size_t at;
    const char *why;
    assert_int_equal(tsform_compile(&f, "yyyy-MM-dd HH:mm:ss,SSSQ", &at, &why), -1);
    assert_int_equal(at, 23);
    assert_int_equal(tsform_compile(&f, "HH:mm:ss", &at, &why), -1);
    assert_string_equal(why, "a timestamp form needs a month and a day (MM, dd), or is epoch");
    assert_int_equal(tsform_compile(&f, "yyyy-MM-dd 'at HH", &at, &why), -1);
    assert_int_equal(at, 11);
}

static int one(void *ctx, const struct record *r)
{
    struct got *g = ctx;
    *g = (struct got){0, r->ts, r->ts_guessed, r->level, r->format};
    return 0;
}

static void t_user_layout(void **state)
{
    (void)state;
    struct parse_opts o = {.tz_fixed = 1,
                           .layout_regex = "^(?<host>\\S+) <(?<level>\\w+)> (?<ts>[^|]+)\\|(?<msg>.*)$",
                           .layout_ts = "dd.MM.yyyy HH:mm:ss"};
    struct err e = {0};
    struct parser *p = parse_new(&o, &e);
    assert_non_null(p);
    struct got g = {0};
    const char *l = "web1 <warn> 02.01.2024 03:04:05|disk 91% full";
    parse_push(p, l, strlen(l), 0, 0, 0, one, &g);
    parse_flush(p, one, &g);
    assert_int_equal(g.format, FMT_LAYOUT);
    assert_int_equal(g.level, LVL_WARNING);
    assert_int_equal(g.sec, 1704164645000000LL);
    parse_free(p);
    o.layout_regex = "^(?<lvl>\\w+) (.*)";
    assert_null(parse_new(&o, &e));
    assert_string_equal(e.msg, "layout regex: it needs a (?<ts>...) group for the time");
    o.layout_regex = "^(?<ts>\\S+) (?x)";
    assert_null(parse_new(&o, &e));
    assert_string_equal(e.msg, "layout regex, at character 13: only (...) and (?<name>...) groups are supported");
}

static void t_level_words(void **state)
{
    (void)state;
    /* covered through the fixtures; a few edges here */
    struct parse_opts o = {.tz_fixed = 1};
    struct got g = {0};
    const char *lines[] = {"2024-01-02 03:04:05 http: TLS handshake error from x", "2024-01-02 03:04:06 [warn] x",
                           "2024-01-02 03:04:07 SEVERE x", "2024-01-02 03:04:08 FAILURE x",
                           "[INFO] 2024-01-02 03:04:09 level before the time",
                           "2024-01-02 03:04:10.123 UTC [1234] LOG:  statement: SELECT 1",
                           "2024-01-02T03:04:11Z|WARN|pipe separated", "2024-01-02 03:04:12 FTL serilog",
                           "2024-01-02 03:04:13,5 Info log files are prose: this is info"};
    int want[] = {LVL_UNKNOWN, LVL_WARNING, LVL_ERROR, LVL_CRITICAL, LVL_INFO, LVL_INFO, LVL_WARNING,
                  LVL_CRITICAL, LVL_INFO};
    for (int i = 0; i < 9; i++) {
        parse_line(&o, lines[i], strlen(lines[i]), 0, one, &g);
        assert_int_equal(g.format, FMT_LAYOUT);
        assert_int_equal(g.level, want[i]);
        assert_int_equal(g.sec / 1000000, 1704164645 + i);
    }
}

struct levels {
    int n, level[64];
};

static int collect(void *ctx, const struct record *r)
{
    struct levels *l = ctx;
    if (l->n < 64)
        l->level[l->n++] = r->level;
    return 0;
}

/* Severity letters outside logcat (MongoDB before 4.4): only where the
 * vote over the first lines finds them at one position. */
static void t_letters(void **state)
{
    (void)state;
    struct parse_opts o = {.tz_fixed = 1};
    struct parser *p = parse_new(&o, NULL);
    struct levels l = {0};
    char line[200];
    for (int i = 1; i <= 25; i++) {
        int n = snprintf(line, sizeof line, "2024-01-05T10:00:%02d.123+0000 %s  NETWORK  [conn%d] end "
                         "connection", i, i % 5 == 0 ? "W" : i == 7 ? "E" : "I", i);
        parse_push(p, line, (size_t)n, i * 100, 0, 0, collect, &l);
    }
    parse_flush(p, collect, &l);
    parse_free(p);
    assert_int_equal(l.n, 25);
    for (int i = 1; i <= 25; i++)
        assert_int_equal(l.level[i - 1], i % 5 == 0 ? LVL_WARNING : i == 7 ? LVL_ERROR : LVL_INFO);
    /* in level-less prose a lone capital is a word */
    p = parse_new(&o, NULL);
    l.n = 0;
    const char *prose[] = {"2024/01/05 10:00:00 A user logged in", "2024/01/05 10:00:01 cache warm",
                           "2024/01/05 10:00:02 job done"};
    for (int i = 0; i < 3; i++)
        parse_push(p, prose[i], strlen(prose[i]), i * 100, 0, 0, collect, &l);
    parse_flush(p, collect, &l);
    parse_free(p);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.level[0], LVL_UNKNOWN);
}

struct texts {
    char logger[128], msg[256], fields[256];
};

static int texts(void *ctx, const struct record *r)
{
    struct texts *t = ctx;
    snprintf(t->logger, sizeof t->logger, "%s", r->logger ? r->logger : "-");
    snprintf(t->msg, sizeof t->msg, "%.*s", (int)r->msg_len, r->msg);
    snprintf(t->fields, sizeof t->fields, "%s", r->fields ? r->fields : "-");
    return 0;
}

/* log4j's "[thread] logger: message" after the level: logger and thread
 * out of the message; anything less regular stays in it. */
static void t_logger(void **state)
{
    (void)state;
    struct parse_opts o = {.tz_fixed = 1};
    struct texts t;
    const char *l = "2015-10-18 18:01:47,978 INFO [RMCommunicator Allocator] org.apache.hadoop.ipc.Client: "
                    "Retrying connect to server";
    parse_line(&o, l, strlen(l), 0, texts, &t);
    assert_string_equal(t.logger, "org.apache.hadoop.ipc.Client");
    assert_string_equal(t.msg, "Retrying connect to server");
    assert_string_equal(t.fields, "{\"thread\":\"RMCommunicator Allocator\"}");
    l = "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating";
    parse_line(&o, l, strlen(l), 0, texts, &t);
    assert_string_equal(t.logger, "dfs.DataNode$PacketResponder");
    assert_string_equal(t.msg, "PacketResponder 1 terminating");
    l = "2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-1] GET /v2 status: 200";
    parse_line(&o, l, strlen(l), 0, texts, &t);
    assert_string_equal(t.logger, "-");
    assert_string_equal(t.msg, "nova.osapi_compute.wsgi.server [req-1] GET /v2 status: 200");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_iso),     cmocka_unit_test(t_dashdot),  cmocka_unit_test(t_slash),
        cmocka_unit_test(t_compact), cmocka_unit_test(t_yymmdd),   cmocka_unit_test(t_yy_slash),
        cmocka_unit_test(t_logcat),  cmocka_unit_test(t_mmdd_dot), cmocka_unit_test(t_apache),
        cmocka_unit_test(t_syslog),  cmocka_unit_test(t_epoch),    cmocka_unit_test(t_tsform),
        cmocka_unit_test(t_user_layout), cmocka_unit_test(t_level_words),
        cmocka_unit_test(t_letters),      cmocka_unit_test(t_logger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
