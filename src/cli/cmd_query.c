/* cmd_query: `logdeck query [--json] [--count] [--limit N] [--reverse]
 * [--explain] EXPR...`: the records matching a query, newest first, read
 * in keyset-paginated pages (db/exec.h) and printed as text or JSON lines
 * (recout.h). Words after the options are joined with spaces into EXPR. */
#include "db/exec.h"
#include "src/cli/cli.h"
#include "src/query/query.h"
#include "src/query/recout.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUERY_DEFAULT_LIMIT 100
#define QUERY_PAGE 1000

struct qout {
    int json, printed;
    int64_t last_ts, last_id;
};

static int print_row(void *ctx, const struct store_row *row)
{
    struct qout *q = ctx;
    if (q->json)
        recout_json(stdout, row, NULL);
    else
        recout_text(stdout, row);
    q->printed++;
    q->last_ts = row->rec.ts;
    q->last_id = row->id;
    return 0;
}

static int run_pages(struct store *s, const struct plan *p, int limit, int reverse, int json,
                     int64_t *printed, struct err *e)
{
    struct qout q = {.json = json};
    struct store_page pg = {.oldest_first = reverse};
    for (;;) {
        int want = limit > 0 ? limit - q.printed : QUERY_PAGE;
        pg.limit = want > QUERY_PAGE ? QUERY_PAGE : want;
        if (pg.limit <= 0)
            break;
        int before = q.printed;
        if (store_query(s, p, &pg, print_row, &q, e) < 0)
            return -1;
        if (q.printed - before < pg.limit)
            break;
        pg.has_cursor = 1;
        pg.cursor_ts = q.last_ts;
        pg.cursor_id = q.last_id;
    }
    *printed = q.printed;
    return 0;
}

/* The result's completeness: the note on stderr, the --summary/--count
 * JSON fields. */
struct partial {
    int partial;
    struct store_coverage cov;
};

static void partial_note(const struct partial *pt)
{
    char a[32];
    if (!pt->partial)
        return;
    fprintf(stderr, "logdeck query: partial result: history is still being indexed "
            "(%lld MiB in %lld files left); complete only since %s\n",
            (long long)(pt->cov.bytes_left >> 20), (long long)pt->cov.files_partial,
            ts_format(pt->cov.covered_since, a));
}

static void summary_json(const char *key, int64_t n, const struct partial *pt)
{
    char a[32];
    printf("{\"%s\":%lld,\"partial\":%s,\"covered_since\":", key, (long long)n,
           pt->partial ? "true" : "false");
    if (pt->cov.covered_since)
        printf("\"%s\"}\n", ts_format(pt->cov.covered_since, a));
    else
        printf("null}\n");
}

static int explain(struct store *s, const struct plan *p, struct err *e)
{
    char buf[8192];
    query_describe(p, buf, sizeof buf);
    printf("plan: %s\n", buf);
    struct store_page pg = {.limit = 50};
    if (store_explain(s, p, &pg, buf, sizeof buf, e) < 0)
        return -1;
    fputs(buf, stdout);
    return 0;
}

struct query_args {
    int json, count, reverse, expl, summary, limit;
};

/* Options into a; 0, or the exit code of bad usage. */
static int parse_args(int argc, char **argv, struct query_args *a)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},    {"count", no_argument, NULL, 'c'},
        {"limit", required_argument, NULL, 'n'}, {"reverse", no_argument, NULL, 'r'},
        {"explain", no_argument, NULL, 'x'}, {"summary", no_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    long lim;
    char *end;
    *a = (struct query_args){.limit = QUERY_DEFAULT_LIMIT};
    int nopt = cli_opts_end(argc, argv, "jcn:rxs", opts);   /* '-path:/x' is a query */
    while ((ch = getopt_long(nopt, argv, "+jcn:rxs", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': a->json = 1; break;
        case 'c': a->count = 1; break;
        case 'r': a->reverse = 1; break;
        case 'x': a->expl = 1; break;
        case 's': a->summary = 1; break;
        case 'n':
            errno = 0;
            lim = strtol(optarg, &end, 10);
            a->limit = (int)lim;
            if (!isdigit((unsigned char)optarg[0]) || *end || errno || lim > INT_MAX) {
                cli_error("query", "bad --limit '%s': expected a number >= 0", optarg);
                cli_usage(&cmd_query_entry, "", 1, stderr);
                return 2;
            }
            break;
        default: cli_usage(&cmd_query_entry, "", 1, stderr); return 2;
        }
    }
    return 0;
}

static int cmd_query(const struct cli *c, int argc, char **argv)
{
    struct query_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc;
    char *text = cli_join_args(argc, argv, optind);
    struct err e = {0};
    struct plan *p = text ? query_compile(text, ts_now(), NULL, &e) : NULL;
    free(text);
    if (!p) {
        cli_error("query", "%s", e.msg[0] ? e.msg : "out of memory");
        return 2;
    }
    struct store *s = store_open(c->db_path, STORE_READ, &e);
    rc = 1;
    if (s) {
        store_exec_oneshot(s);
        cli_warn_fields(s, p, "query");
        int64_t n = 0;
        struct partial pt = {0};
        if (store_coverage(s, &pt.cov, &e) == 0)
            pt.partial = query_partial(p, pt.cov.files_partial, pt.cov.covered_since);
        if (a.expl) {
            rc = explain(s, p, &e) < 0 ? 1 : 0;
        } else if (a.count) {
            rc = store_count(s, p, 0, 0, &n, &e) < 0 ? 1 : 0;
            if (!rc && a.json)
                summary_json("count", n, &pt);
            else if (!rc)
                printf("%s%lld\n", pt.partial ? ">= " : "", (long long)n);
        } else {
            rc = run_pages(s, p, a.limit, a.reverse, a.json, &n, &e) < 0 ? 1 : 0;
            if (!rc && a.summary)
                summary_json("records", n, &pt);
        }
        if (!rc && !a.expl)
            partial_note(&pt);
    }
    if (rc)
        cli_error("query", "%s", e.msg);
    store_close(s);
    query_free(p);
    return rc;
}

const struct cmd_entry cmd_query_entry = {
    .name = "query",
    .usage =
        "[--json] [--count] [--limit N] [--reverse] [--explain] [--summary] 'EXPR'",
    .help =
        "  Prints the records matching EXPR, newest first. EXPR: words and \"phrases\"\n"
        "  (full text), field:value (* globs), field>N, level>=warning, since:15m,\n"
        "  until:TIME, /regex/ (/regex/i), field~regex, OR, NOT or -, ( ); see\n"
        "  `man logdeck`, QUERY LANGUAGE.\n"
        "  --json       JSON lines (ts, level, cid, service, logger, file, offset, format,\n"
        "               msg, fields)\n"
        "  --count      print only the number of matching records\n"
        "  --limit N    at most N records (default 100; 0: all)\n"
        "  --reverse    oldest first\n"
        "  --explain    print the compiled plan and the SQL plan instead of records\n"
        "  --summary    after the records, one JSON object: records printed, partial\n"
        "  A result over history not indexed yet (tail-first indexing) is partial: counts\n"
        "  print as '>= N' (--count --json: \"partial\": true), a note goes to stderr.\n",
    .flags = 0,
    .exec = cmd_query,
};
