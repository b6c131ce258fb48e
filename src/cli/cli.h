/* cli: what every subcommand receives from main(): the global options
 * already parsed (--db, --config, -v), and the command's own arguments.
 * Each `logdeck NAME` is `int cmd_NAME(const struct cli *, int, char **)`
 * returning the exit code: 0 ok, 1 runtime failure, 2 bad usage / bad
 * query / bad rule file. Commands print errors to stderr as
 * "logdeck NAME: message". */
#ifndef LOGDECK_CLI_H
#define LOGDECK_CLI_H

struct cli {
    const char *db_path;       /* resolved: --db, $LOGDECK_DB, XDG state dir */
    int db_given;              /* 1 if --db was on the command line */
    const char *config_path;   /* resolved: --config or ~/.config/logdeck/config.yaml */
    int config_given;          /* 1 if --config was on the command line */
    int verbose;               /* -v count */
    const char *theme;         /* --theme NAME, or NULL */
    const char *argv0;
};

/* argv[0] is the command name; options follow. */
int cmd_index(const struct cli *c, int argc, char **argv);
int cmd_query(const struct cli *c, int argc, char **argv);
int cmd_trace(const struct cli *c, int argc, char **argv);
int cmd_stats(const struct cli *c, int argc, char **argv);
int cmd_alerts(const struct cli *c, int argc, char **argv);
int cmd_demo(const struct cli *c, int argc, char **argv);
int cmd_themes(const struct cli *c, int argc, char **argv);
/* The TUI: argv holds the paths/globs to follow (argc may be 0). */
int cmd_tui(const struct cli *c, int argc, char **argv);

/* Shared by commands: prints "logdeck CMD: msg" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
