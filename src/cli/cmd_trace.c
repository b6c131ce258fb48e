/* cmd_trace: `logdeck trace [--json] [--summary] CID`: every record of one correlation
 * id from every file and format, oldest first, with offsets from the first
 * record and a per-service breakdown (trace.h, recout.h). Exit 1 when the id
 * is unknown. */
#include "db/exec.h"
#include "src/cli/cli.h"
#include "src/report/repout.h"
#include "src/report/trace.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

/* Loads and prints the trace of cid; the exit code. */
static int show(const struct cli *c, const char *cid, int json, int summary)
{
    struct err e = {0};
    struct trace t = {0};
    struct store *s = store_open(c->db_path, STORE_READ, &e);
    int rc = 1;
    if (s)
        store_exec_oneshot(s);
    if (!s || trace_load(s, cid, &t, &e) < 0) {
        cli_error("trace", "%s", e.msg);
    } else if (t.n == 0) {
        cli_error("trace", "no records with correlation id '%s' in %s", cid, c->db_path);
    } else {
        if (json && summary)
            repout_trace_summary_json(stdout, &t);
        else if (json)
            repout_trace_json(stdout, &t);
        else
            repout_trace_text(stdout, &t, summary);
        rc = 0;
    }
    trace_fini(&t);
    store_close(s);
    return rc;
}

static int cmd_trace(const struct cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"summary", no_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    int json = 0, summary = 0, ch;
    while ((ch = getopt_long(argc, argv, "+js", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': json = 1; break;
        case 's': summary = 1; break;
        default: cli_usage(&cmd_trace_entry, "", 1, stderr); return 2;
        }
    }
    if (optind != argc - 1 || !argv[optind][0]) {
        cli_error("trace", "expected exactly one correlation id");
        cli_usage(&cmd_trace_entry, "", 1, stderr);
        return 2;
    }
    return show(c, argv[optind], json, summary);
}

const struct cmd_entry cmd_trace_entry = {
    .name = "trace",
    .usage =
        "[--json] [--summary] CID",
    .help =
        "  Every record of correlation id CID (case-insensitive), oldest first, with\n"
        "  the offset from the first record and the per-service breakdown.\n"
        "  --json     JSON lines, records only: each with offset_ms and gap_ms\n"
        "  --summary  the summary alone: with --json one object\n"
        "             {\"trace\": {cid, count, first, last, span_ms, errors, services,\n"
        "             slowest, first_error}}, else the header and per-service lines\n",
    .flags = 0,
    .exec = cmd_trace,
};
