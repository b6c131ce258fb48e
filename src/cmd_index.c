/* cmd_index: `logdeck index [--json] [--format F] [--service S] PATH...`
 * indexes files once into the store and prints what was added. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store.h"
#include "src/cli.h"
#include "src/ingest.h"
#include "src/paths.h"
#include "src/ts.h"

static const char usage[] =
    "usage: logdeck index [--follow] [--json] [--format FMT] [--service NAME]\n"
    "                     [--max-line BYTES] PATH|GLOB|DIR...\n"
    "  FMT: auto (default), json, python, loguru, logfmt, syslog, raw\n";

struct index_args {
    int json, follow;
    struct ingest_opts io;
};

static int parse_args(int argc, char **argv, struct index_args *a)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},          {"follow", no_argument, NULL, 'f'},
        {"format", required_argument, NULL, 'F'},  {"service", required_argument, NULL, 's'},
        {"max-line", required_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "jfh", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': a->json = 1; break;
        case 'f': a->follow = 1; break;
        case 's': a->io.parse.service = optarg; break;
        case 'F':
            if ((a->io.parse.format = fmt_parse(optarg)) < 0) {
                cli_error("index", "unknown format '%s'", optarg);
                return 2;
            }
            break;
        case 'm': {
            char *end;
            long long v = strtoll(optarg, &end, 10);
            if (*end || v < 64) {
                cli_error("index", "--max-line takes a number of bytes >= 64, not '%s'", optarg);
                return 2;
            }
            a->io.max_line = (size_t)v;
            break;
        }
        case 'h': fputs(usage, stdout); return -1;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        return 2;
    }
    return 0;
}

static void print_text(const struct ingest_stats *st, double secs)
{
    char a[32], b[32];
    printf("indexed %lld records (%lld lines, %.1f MB) from %lld files in %.2f s",
           (long long)st->records, (long long)st->lines, (double)st->bytes / 1e6,
           (long long)st->files, secs);
    if (secs > 0 && st->records)
        printf(": %.0f records/s, %.1f MB/s", (double)st->records / secs,
               (double)st->bytes / 1e6 / secs);
    printf("\n ");
    for (int l = LVL_COUNT - 1; l >= 0; l--)
        if (st->by_level[l])
            printf(" %s %lld", level_name(l), (long long)st->by_level[l]);
    printf("\n  unparsed %lld, truncated %lld", (long long)st->unparsed, (long long)st->truncated);
    if (st->partial_held)
        printf(", %lld partial last line(s) held until their newline", (long long)st->partial_held);
    if (st->records)
        printf("\n  time range %s .. %s", ts_format(st->first_ts, a), ts_format(st->last_ts, b));
    printf("\n");
}

static void print_json(const struct ingest_stats *st, double secs, int nerr)
{
    char a[32];
    cJSON *o = cJSON_CreateObject(), *bl = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "records", (double)st->records);
    for (int l = 0; l < LVL_COUNT; l++)
        if (st->by_level[l])
            cJSON_AddNumberToObject(bl, level_name(l), (double)st->by_level[l]);
    cJSON_AddItemToObject(o, "by_level", bl);
    cJSON_AddNumberToObject(o, "unparsed", (double)st->unparsed);
    cJSON_AddNumberToObject(o, "truncated", (double)st->truncated);
    cJSON_AddNumberToObject(o, "partial_lines_held", (double)st->partial_held);
    cJSON_AddNumberToObject(o, "files", (double)st->files);
    cJSON_AddNumberToObject(o, "lines", (double)st->lines);
    cJSON_AddNumberToObject(o, "bytes", (double)st->bytes);
    if (st->records) {
        cJSON_AddStringToObject(o, "first_ts", ts_format(st->first_ts, a));
        cJSON_AddStringToObject(o, "last_ts", ts_format(st->last_ts, a));
    } else {
        cJSON_AddNullToObject(o, "first_ts");
        cJSON_AddNullToObject(o, "last_ts");
    }
    cJSON_AddNumberToObject(o, "seconds", secs);
    cJSON_AddNumberToObject(o, "records_per_s", secs > 0 ? (double)st->records / secs : 0);
    cJSON_AddNumberToObject(o, "errors", nerr);
    char *s = cJSON_PrintUnformatted(o);
    puts(s);
    free(s);
    cJSON_Delete(o);
}

int cmd_index(const struct cli *c, int argc, char **argv)
{
    struct index_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.follow) {
        cli_error("index", "--follow is not available yet");
        return 2;
    }
    struct err e = {0};
    struct pathlist pl = {0};
    int nerr = 0;
    for (int i = optind; i < argc; i++)
        if (paths_expand(&pl, argv[i], &e) < 0) {
            cli_error("index", "%s", e.msg);
            nerr++;
        }
    struct store *s = store_open(c->db_path, STORE_WRITE, &e);
    if (!s) {
        cli_error("index", "%s", e.msg);
        paths_fini(&pl);
        return 1;
    }
    a.io.final = 1;
    struct ingest *in = ingest_new(s, &a.io, &e);
    int64_t t0 = ts_now();
    for (size_t i = 0; in && i < pl.n; i++)
        if (ingest_path(in, pl.v[i], &e) < 0) {
            cli_error("index", "%s", e.msg);
            nerr++;
        }
    double secs = (double)(ts_now() - t0) / 1e6;
    if (in && a.json)
        print_json(ingest_stats(in), secs, nerr);
    else if (in)
        print_text(ingest_stats(in), secs);
    else
        cli_error("index", "%s", e.msg);
    ingest_free(in);
    store_close(s);
    paths_fini(&pl);
    return (nerr || !in) ? 1 : 0;
}
