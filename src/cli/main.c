/* main: parses the global options, resolves the store and config paths,
 * parses the config file once, and runs a row of the command table
 * (cli.h). The only place that exits. */
#include "src/cli/cli.h"
#include "src/base/config.h"
#include "src/base/suggest.h"
#include "src/base/xdg.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOGDECK_VERSION "0.1.0"

/* The table: `logdeck NAME` runs the row named NAME, anything else the
 * TUI (cmd_tui_entry). */
static const struct cmd_entry *const commands[] = {
    &cmd_index_entry, &cmd_query_entry, &cmd_trace_entry, &cmd_stats_entry,
    &cmd_alerts_entry, &cmd_demo_entry, &cmd_themes_entry, &cmd_store_entry,
    &cmd_fields_entry, NULL,
};

static const char options[] =
    "\n"
    "Options:\n"
    "  --db PATH       store (default $LOGDECK_DB, else $XDG_STATE_HOME/logdeck/logdeck.db)\n"
    "  --config PATH   config file (default ~/.config/logdeck/config.yaml)\n"
    "  --theme NAME    TUI theme (dark, light, solarized-dark, high-contrast, monochrome)\n"
    "  --fresh         TUI: do not reopen where you left off on this store\n"
    "  -v              more diagnostics in the log file\n"
    "  --help, --version\n"
    "`logdeck COMMAND --help` describes one command.\n";

static void usage(FILE *f)
{
    fputs("usage: logdeck [--db PATH] [--config PATH] [--theme NAME] [--fresh] [-v] "
          "[PATH|GLOB ...]\n", f);
    for (const struct cmd_entry *const *e = commands; *e; e++)
        cli_synopsis(*e, f);
    fputs(options, f);
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

/* The row argv selects (one level into subcommands) and its name for
 * messages ("index", "alerts run", "tui" for the default row). */
static const struct cmd_entry *row_of(const struct cmd_entry *e, int argc, char **argv,
                                      char *name, size_t cap)
{
    if (!e) {
        snprintf(name, cap, "tui");
        return &cmd_tui_entry;
    }
    snprintf(name, cap, "%s", e->name);
    if (e->subs && argc > 1)
        for (const struct cmd_entry *const *s = e->subs; *s; s++)
            if (strcmp(argv[1], (*s)->name) == 0) {
                snprintf(name, cap, "%s %s", e->name, (*s)->name);
                return *s;
            }
    return e;
}

/* Parses the config file into cfg when the row reads it (CMD_CONFIG) or
 * when the store is to come from its store.path (neither --db nor
 * $LOGDECK_DB): once, for both. Returns 0, or the exit code of a bad
 * config, named as the command's error when the command reads it. */
static int load_config(struct cli *c, const struct cmd_entry *row, const char *name,
                       struct config *cfg)
{
    static char buf[4096];
    const char *env = getenv("LOGDECK_DB");
    int need = row->flags & CMD_CONFIG, for_store = !c->db_given && !(env && *env);
    if (!need && !for_store)
        return 0;
    struct err e = {0};
    if (config_load(cfg, c->config_path, c->config_given, &e) < 0) {
        if (need)
            cli_error(name, "%s", e.msg);
        else
            fprintf(stderr, "logdeck: %s\n", e.msg);
        return e.code ? e.code : need ? 1 : 2;
    }
    if (for_store && cfg->store_path) {
        snprintf(buf, sizeof buf, "%s", cfg->store_path);
        c->db_path = buf;
    }
    if (need)
        c->cfg = cfg;
    return 0;
}

/* A first word that is neither a command nor an existing path but is close
 * to a command's name is a typo, not a file to open: "unknown command
 * 'qurey'; did you mean 'query'?". Returns 1 when it said so. */
static int typo(const char *word)
{
    const char *names[32], *near[3];
    size_t n = 0;
    if (strchr(word, '/') || access(word, F_OK) == 0)
        return 0;
    for (const struct cmd_entry *const *e = commands; *e && n < 32; e++)
        names[n++] = (*e)->name;
    size_t k = suggest_nearest(word, names, n, near, 3);
    if (!k)
        return 0;
    fprintf(stderr, "logdeck: unknown command '%s'; did you mean '%s'", word, near[0]);
    for (size_t i = 1; i < k; i++)
        fprintf(stderr, "%s'%s'", i + 1 == k ? " or " : ", ", near[i]);
    fputs("? (`logdeck --help` lists them; a file of that name does not exist)\n", stderr);
    return 1;
}

static const struct cmd_entry *find(const char *name)
{
    for (const struct cmd_entry *const *e = commands; *e; e++)
        if (strcmp(name, (*e)->name) == 0)
            return *e;
    return NULL;
}

int main(int argc, char **argv)
{
    struct cli c = {.argv0 = argv[0]};
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},   {"config", required_argument, NULL, 'c'},
        {"theme", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},     {"fresh", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    /* '+': stop at the first non-option, which is the subcommand or a path. */
    while ((ch = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': c.db_path = optarg; c.db_given = 1; break;
        case 'c': c.config_path = optarg; c.config_given = 1; break;
        case 't': c.theme = optarg; break;
        case 'f': c.fresh = 1; break;
        case 'v': c.verbose++; break;
        case 'h': usage(stdout); return 0;
        case 'V': puts("logdeck " LOGDECK_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!c.db_path)
        c.db_path = default_db();
    if (!c.config_path)
        c.config_path = default_config();
    argc -= optind;
    argv += optind;
    const struct cmd_entry *e = argc > 0 ? find(argv[0]) : NULL;
    if (!e && argc > 0 && typo(argv[0]))
        return 2;
    struct config cfg = {0};
    char name[64];
    int rc = load_config(&c, row_of(e, argc, argv, name, sizeof name), name, &cfg);
    if (rc == 0)
        rc = e ? cli_run(e, "", &c, argc, argv) : cmd_tui_entry.exec(&c, argc, argv);
    config_fini(&cfg);
    return rc;
}
