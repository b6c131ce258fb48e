/* main: parses the global options, resolves the store and config paths,
 * and dispatches to a subcommand (cli.h). The only place that exits. */
#include "src/cli/cli.h"
#include "src/base/config.h"
#include "src/base/xdg.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOGDECK_VERSION "0.1.0"

static const char usage[] =
    "usage: logdeck [--db PATH] [--config PATH] [--theme NAME] [-v] [PATH|GLOB ...]\n"
    "       logdeck index [--follow] [--json] PATH...\n"
    "       logdeck query [--json] [--count] [--limit N] [--reverse] 'EXPR'\n"
    "       logdeck trace [--json] CID\n"
    "       logdeck stats [--json] [--by FIELD] [--since D] ['EXPR']\n"
    "       logdeck alerts check|test|run|list ...\n"
    "       logdeck demo\n"
    "\n"
    "Options:\n"
    "  --db PATH       store (default $LOGDECK_DB, else $XDG_STATE_HOME/logdeck/logdeck.db)\n"
    "  --config PATH   config file (default ~/.config/logdeck/config.yaml)\n"
    "  --theme NAME    TUI theme (dark, light, solarized-dark, high-contrast, monochrome)\n"
    "  -v              more diagnostics in the log file\n"
    "  --help, --version\n";

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "logdeck %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static char *default_db(void)
{
    static char buf[4096];
    const char *v = getenv("LOGDECK_DB");
    if (v && *v) {
        snprintf(buf, sizeof buf, "%s", v);
        return buf;
    }
    return xdg_path(XDG_STATE, "logdeck.db", buf, sizeof buf);
}

static char *default_config(void)
{
    static char buf[4096];
    return xdg_path(XDG_CONFIG, "config.yaml", buf, sizeof buf);
}

/* The store when neither --db nor $LOGDECK_DB names one: the config file's
 * store.path, else the XDG default already in c->db_path. Every command
 * then sees one path. Returns 0, or the exit code of a bad config. */
static int resolve_store(struct cli *c)
{
    static char buf[4096];
    const char *env = getenv("LOGDECK_DB");
    if (c->db_given || (env && *env))
        return 0;
    struct config cfg;
    struct err e = {0};
    if (config_load(&cfg, c->config_path, c->config_given, &e) < 0) {
        fprintf(stderr, "logdeck: %s\n", e.msg);
        config_fini(&cfg);
        return e.code ? e.code : 2;
    }
    if (cfg.store_path) {
        snprintf(buf, sizeof buf, "%s", cfg.store_path);
        c->db_path = buf;
    }
    config_fini(&cfg);
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(const struct cli *, int, char **);
} commands[] = {
    {"index", cmd_index}, {"query", cmd_query}, {"trace", cmd_trace},
    {"stats", cmd_stats}, {"alerts", cmd_alerts}, {"demo", cmd_demo},
    {"themes", cmd_themes},
};

int main(int argc, char **argv)
{
    struct cli c = {.argv0 = argv[0]};
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},   {"config", required_argument, NULL, 'c'},
        {"theme", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},     {NULL, 0, NULL, 0},
    };
    int ch;
    /* '+': stop at the first non-option, which is the subcommand or a path. */
    while ((ch = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': c.db_path = optarg; c.db_given = 1; break;
        case 'c': c.config_path = optarg; c.config_given = 1; break;
        case 't': c.theme = optarg; break;
        case 'v': c.verbose++; break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V': puts("logdeck " LOGDECK_VERSION); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (!c.db_path)
        c.db_path = default_db();
    if (!c.config_path)
        c.config_path = default_config();
    int rc = resolve_store(&c);
    if (rc)
        return rc;
    argc -= optind;
    argv += optind;
    if (argc > 0)
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[0], commands[i].name) == 0) {
                optind = 1;   /* commands run their own getopt from argv[1] */
                return commands[i].fn(&c, argc, argv);
            }
    optind = 1;
    return cmd_tui(&c, argc, argv);
}
