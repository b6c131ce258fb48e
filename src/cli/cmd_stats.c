/* cmd_stats: `logdeck stats [--json] [--by FIELD] [--since D] [--field NAME]
 * [--bucket D] [EXPR...]`: counts per level, histogram, error rate, latency
 * percentiles (overall and per group), status classes, top error templates
 * and metric summaries of the matching records (stats.h, recout.h). */
#include "db/agg.h"
#include "db/exec.h"
#include "src/cli/cli.h"
#include "src/query/query.h"
#include "src/report/repout.h"
#include "src/report/stats.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A duration ago, or an absolute time; -1 if neither. */
static int parse_since(const char *v, int64_t now, int64_t *out)
{
    int64_t d;
    if (ts_parse_duration(v, &d) == 0) {
        *out = now - d;
        return 0;
    }
    return ts_parse(v, strlen(v), NULL, out, NULL);
}

static int bad(const char *fmt, const char *v)
{
    cli_error("stats", fmt, v);
    cli_usage(&cmd_stats_entry, "", 1, stderr);
    return 2;
}

/* --explain: what the store is asked (ClickHouse: the one GROUP BY statement). */
static int explain(struct store *s, const struct plan *p, const struct stats_opts *o)
{
    struct store_agg_spec sp;
    struct err e = {0};
    char buf[16384];
    stats_agg_spec(o, &sp);
    if (store_agg_explain(s, p, &sp, buf, sizeof buf, &e) < 0) {
        cli_error("stats", "%s", e.msg);
        return 1;
    }
    fputs(buf, stdout);
    return 0;
}

static int run(const struct cli *c, const struct plan *p, const struct stats_opts *o,
               int json, const char *by)
{
    struct err e = {0};
    struct stats st;
    struct store *s = store_open(c->db_path, STORE_READ, &e);
    int rc = 1;
    if (s && json == 2) {
        rc = explain(s, p, o);
        store_close(s);
        return rc;
    }
    if (s) {
        store_exec_oneshot(s);
        cli_warn_fields(s, p, "stats");
    }
    if (s && stats_compute(s, p, o, &st, &e) == 0) {
        if (json)
            repout_stats_json(stdout, &st, by);
        else
            repout_stats_text(stdout, &st, by);
        stats_fini(&st);
        rc = 0;
    } else {
        cli_error("stats", "%s", e.msg);
    }
    store_close(s);
    return rc;
}

/* Options into o, *json and *by; 0, or the exit code of bad usage. */
static int parse_args(int argc, char **argv, int64_t now, struct stats_opts *o, int *json,
                      const char **by)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},        {"by", required_argument, NULL, 'b'},
        {"since", required_argument, NULL, 's'}, {"field", required_argument, NULL, 'f'},
        {"bucket", required_argument, NULL, 'k'}, {"explain", no_argument, NULL, 'x'},
        {"exact", no_argument, NULL, 'E'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    int nopt = cli_opts_end(argc, argv, "jb:s:f:k:xE", opts);   /* '-path:/x' is a query */
    while ((ch = getopt_long(nopt, argv, "+jb:s:f:k:xE", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': *json = 1; break;
        case 'x': *json = 2; break;   /* --explain */
        case 'E': o->from = STATS_SCAN; break;
        case 'b':
            *by = optarg;
            o->by_field = query_field(optarg);
            o->by_path = optarg;
            break;
        case 's':
            if (parse_since(optarg, now, &o->since) < 0)
                return bad("bad --since '%s': expected a duration (15m, 2h, 7d) or a time", optarg);
            break;
        case 'f':
            o->value_field = query_field(optarg);
            o->value_path = optarg;
            break;
        case 'k':
            if (ts_parse_duration(optarg, &o->bucket_us) < 0 || o->bucket_us <= 0)
                return bad("bad --bucket '%s': expected a duration (1m, 5m, 1h)", optarg);
            break;
        default: cli_usage(&cmd_stats_entry, "", 1, stderr); return 2;
        }
    }
    return 0;
}

static int cmd_stats(const struct cli *c, int argc, char **argv)
{
    struct stats_opts o;
    stats_opts_init(&o);
    int json = 0;
    const char *by = NULL;
    int64_t now = ts_now();
    int rc = parse_args(argc, argv, now, &o, &json, &by);
    if (rc)
        return rc;
    char *text = cli_join_args(argc, argv, optind);
    struct err e = {0};
    struct plan *p = text ? query_compile(text, now, NULL, &e) : NULL;
    free(text);
    if (!p) {
        cli_error("stats", "%s", e.msg[0] ? e.msg : "out of memory");
        return 2;
    }
    rc = run(c, p, &o, json, by);
    query_free(p);
    return rc;
}

const struct cmd_entry cmd_stats_entry = {
    .name = "stats",
    .usage =
        "[--json] [--explain] [--exact] [--by FIELD] [--since D] [--field NAME] [--bucket D] "
        "['EXPR']",
    .help =
        "  --by FIELD    group by a field (service, path, status, level, any dotted path)\n"
        "  --since D     only records since D (90s, 15m, 2h, 7d, or a time)\n"
        "  --field NAME  numeric field for the latency percentiles (default duration_ms)\n"
        "  --bucket D    histogram bucket (default: 1 minute, wider for long spans)\n"
        "  --json        one JSON object: count, by_level, error_rate, latency, histogram,\n"
        "                status, templates, metrics (and groups with --by)\n"
        "  --explain     what the store is asked (rollups or one scan, and why; on\n"
        "                ClickHouse the one GROUP BY statement the server runs)\n"
        "  --exact       scan the records: exact percentiles (a large store otherwise answers\n"
        "                from per-minute rollups: percentiles within 1%, printed '~')\n",
    .flags = 0,
    .exec = cmd_stats,
};
