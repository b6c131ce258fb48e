/* cli: the command table and what every command receives from main().
 *
 * Each `logdeck NAME` is one row, `const struct cmd_entry cmd_NAME_entry`,
 * defined at the end of its own file src/cli/cmd_NAME.c (in the manner of
 * tmux's cmd_entry): its name, its synopsis, its help text and the function
 * that runs it. main.c lists the rows; `logdeck --help` and
 * `logdeck NAME --help` are printed from them. A command with subcommands
 * (alerts) has a table of its own, run by the same cli_run().
 *
 * A command's exec gets the global options already parsed (--db, --config,
 * -v, --theme), the config file parsed once by main (when the row asks for
 * it), and its own arguments (argv[0] is its name). It returns the exit
 * code: 0 ok, 1 runtime failure, 2 bad usage / bad query / bad rule file,
 * and prints errors to stderr as "logdeck NAME: message". */
#ifndef LOGDECK_CLI_H
#define LOGDECK_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;

struct cli {
    const char *db_path;       /* resolved: --db, $LOGDECK_DB, store.path, XDG state dir */
    int db_given;              /* 1 if --db was on the command line */
    const char *config_path;   /* resolved: --config or ~/.config/logdeck/config.yaml */
    int config_given;          /* 1 if --config was on the command line */
    int verbose;               /* -v count */
    const char *theme;         /* --theme NAME, or NULL */
    int fresh;                 /* --fresh: the TUI does not reopen the last session */
    const char *argv0;
    /* The config file, parsed once by main for every command whose row has
     * CMD_CONFIG (an empty config when the file does not exist); NULL for
     * the others. Borrowed: valid until the command returns. */
    const struct config *cfg;
};

enum {
    CMD_CONFIG = 1 << 0,       /* exec reads c->cfg */
};

struct cmd_entry {
    const char *name;          /* "query"; NULL for the default command (the TUI) */
    /* The synopsis after "logdeck NAME": one line per form; a line that
     * starts with a space continues the line above. */
    const char *usage;
    const char *help;          /* what it does and its options, indented by two */
    int flags;                 /* CMD_* */
    int (*exec)(const struct cli *c, int argc, char **argv);
    /* Subcommands ("alerts check"): a NULL-terminated table run by
     * cli_run() on argv[1]; exec is then NULL. */
    const struct cmd_entry *const *subs;
};

extern const struct cmd_entry cmd_index_entry;
extern const struct cmd_entry cmd_query_entry;
extern const struct cmd_entry cmd_trace_entry;
extern const struct cmd_entry cmd_stats_entry;
extern const struct cmd_entry cmd_alerts_entry;
extern const struct cmd_entry cmd_alerts_run_entry;    /* `logdeck alerts run` */
extern const struct cmd_entry cmd_alerts_list_entry;   /* `logdeck alerts list` */
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_themes_entry;
extern const struct cmd_entry cmd_store_entry;
extern const struct cmd_entry cmd_store_init_entry;   /* `logdeck store init` (ClickHouse) */
extern const struct cmd_entry cmd_fields_entry;
extern const struct cmd_entry cmd_tui_entry;    /* `logdeck [PATH|GLOB ...]` */

/* Runs e (or, with subcommands, the row of e->subs named by argv[1]) on
 * argc/argv: `--help` or `-h` among the options (before "--") prints the
 * row's help to stdout and returns 0; an unknown subcommand is exit 2.
 * prefix is what comes before e->name in messages ("" or "alerts"). */
int cli_run(const struct cmd_entry *e, const char *prefix, const struct cli *c, int argc,
            char **argv);

/* "usage: logdeck [PREFIX ]NAME SYNOPSIS" lines for e (every subcommand's
 * for a table), then with help != 0 e's help text. */
void cli_usage(const struct cmd_entry *e, const char *prefix, int help, FILE *f);

/* e's synopsis lines, each "       logdeck NAME ..." (for `logdeck --help`). */
void cli_synopsis(const struct cmd_entry *e, FILE *f);

/* The index of the first argument that is not one of the command's
 * options (shorts: getopt's optstring; longs: its table) nor an option's
 * value: the query starts there even when it begins with '-', as in
 * `logdeck query '-path:/health'` (an unknown --long option stays an
 * option, for getopt to refuse). Give it to getopt_long as argc. */
struct option;
int cli_opts_end(int argc, char **argv, const char *shorts, const struct option *longs);

/* Warns on stderr ("logdeck CMD: warning: no record has field 'levle' (did
 * you mean 'level'?)") when p names a field no record of s has: such a
 * query matches nothing, and a typo should not pass for an empty answer. */
struct store;
struct plan;
void cli_warn_fields(struct store *s, const struct plan *p, const char *cmd);

/* Prints "logdeck CMD: msg" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* argv[first..argc) joined with spaces (malloc'd), or NULL without memory. */
char *cli_join_args(int argc, char **argv, int first);

/* "new store at PATH; size cap ...": what a command says when it created
 * the store (cmd_store.c). */
/* `store prune` on a clickhouse:// store: drops the day partitions the
 * config's retention lets go (src/cli/cmd_store_init.c); an exit status. */
int cli_store_prune_ch(const struct cli *c);
void cli_store_note(const char *db, const struct config *cfg, char *out, size_t cap);
/* The same and shorter forms of it, longest first, separated by '\n' (for
 * the TUI's bottom line: the first that fits its width is shown). */
void cli_store_notes(const char *db, const struct config *cfg, char *out, size_t cap);
/* "1.2 MB", "3.40 GB" (units of 1024), "unknown" for a negative count. */
void cli_human_bytes(int64_t b, char *out, size_t cap);

#endif
