/* cmd_fields: `logdeck fields [--names] [--json]`: the structured fields
 * the store has seen (its field catalogue): dotted path, how many records
 * hold it and how many of those held a number, for writing queries and
 * for shell completion (--names: the query language's own fields too,
 * one name per line). */
#include "db/store.h"
#include "src/base/plan.h"
#include "src/cli/cli.h"
#include "src/query/recout.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

struct fout {
    int json, names;
};

static int print_field(void *ctx, const char *path, int64_t records, int64_t numeric)
{
    const struct fout *o = ctx;
    if (o->names) {
        puts(path);
    } else if (o->json) {
        fputs("{\"field\":", stdout);
        recout_json_string(stdout, path, strlen(path));
        printf(",\"records\":%lld,\"numeric\":%lld}\n", (long long)records, (long long)numeric);
    } else {
        recout_escape_text(stdout, path, strlen(path));
        printf("\t%lld\t%lld\n", (long long)records, (long long)numeric);
    }
    return 0;
}

static int cmd_fields(const struct cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"names", no_argument, NULL, 'n'}, {"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0},
    };
    struct fout o = {0};
    int ch;
    while ((ch = getopt_long(argc, argv, "+nj", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': o.names = 1; break;
        case 'j': o.json = 1; break;
        default: cli_usage(&cmd_fields_entry, "", 1, stderr); return 2;
        }
    }
    if (optind != argc) {
        cli_error("fields", "unexpected argument '%s'", argv[optind]);
        return 2;
    }
    struct err e = {0};
    struct store *s = store_open(c->db_path, STORE_READ, &e);
    if (!s) {
        cli_error("fields", "%s", e.msg);
        return 1;
    }
    static const char *const own[] = {"ts", "level", "cid", "service", "logger", "msg",
                                      "file", "format", "duration_ms", "status", "metric",
                                      "path", NULL};
    for (size_t i = 0; o.names && own[i]; i++)
        puts(own[i]);
    if (!o.names && !o.json)
        puts("field\trecords\tnumeric");
    int rc = store_fields(s, 0, print_field, &o, &e) < 0 ? 1 : 0;
    if (rc)
        cli_error("fields", "%s", e.msg);
    store_close(s);
    return rc;
}

const struct cmd_entry cmd_fields_entry = {
    .name = "fields",
    .usage = "[--names] [--json]",
    .help =
        "  The structured fields the store has seen, by dotted path (process.id), with\n"
        "  the number of records that hold each and how many of those held a number.\n"
        "  --names  names only, the query language's own fields first (for completion)\n"
        "  --json   one object per field: {field, records, numeric}\n",
    .exec = cmd_fields,
};
