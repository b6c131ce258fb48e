/* cmd_tui: `logdeck [PATH|GLOB|DIR ...]` opens the terminal UI on the
 * store. The sources are the config file's plus the command line's; when
 * there are any, src/cli/feeder.c indexes and follows them in this process
 * while the UI shows what is committed. When another process already
 * writes the store (`logdeck index --follow`), or there are no sources,
 * the UI attaches: it shows the store and picks up whatever that process
 * adds. It lives in ui/ because it runs the UI; its row is in main's
 * command table like every other command's. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "src/base/config.h"
#include "src/base/paths.h"
#include "src/cli/cli.h"
#include "src/cli/feeder.h"
#include "ui/tui.h"

static void feed_status(void *ctx, struct tui_feed_status *out)
{
    feeder_status(ctx, &out->following, &out->errors, out->last_error, sizeof out->last_error);
    feeder_commits(ctx, &out->commits, &out->live_commits);
    out->est_lines = feeder_est_lines(ctx);
}

/* Config sources (main parsed the file) plus the arguments; every argument
 * must name something now (a glob may match later). Returns 0, or an exit
 * code. */
static int load_sources(const struct cli *c, int argc, char **argv, struct config *cfg)
{
    struct err e = {0};
    static const struct config none;
    if (config_copy(cfg, c->cfg ? c->cfg : &none, &e) < 0) {
        cli_error("tui", "%s", e.msg);
        return 1;
    }
    config_apply_cap(cfg, c->db_path);
    for (int i = 0; i < argc; i++) {
        struct pathlist pl = {0};
        int rc = paths_expand(&pl, argv[i], &e);
        paths_fini(&pl);
        if ((rc < 0 && !paths_is_glob(argv[i])) ||
            config_add_source(cfg, argv[i], 0, NULL, &e) < 0) {
            cli_error("tui", "%s", e.msg);
            return 2;
        }
    }
    return 0;
}

static int run(const struct cli *c, const char *db, const struct config *cfg)
{
    struct err e = {0};
    char hist[4096], logp[4096];
    struct feeder fd = {0};
    tui_default_paths(hist, logp, sizeof hist);
    struct tui_opts o = {.db_path = db, .theme = c->theme ? c->theme : cfg->ui_theme,
                         .history_path = hist, .log_path = logp, .verbose = c->verbose,
                         .wake_fd = -1, .restore = !c->fresh};
    int rc = 0;
    if (cfg->nsources > 0 && (rc = feeder_start(&fd, db, cfg, &e)) < 0) {
        cli_error("tui", "%s", e.msg);
        feeder_stop(&fd);
        return e.code ? e.code : 1;
    }
    if (cfg->nsources > 0) {
        o.feed_status = feed_status;
        o.feed_ctx = &fd;
        o.wake_fd = fd.wake;
        o.notice = fd.attached[0] ? fd.attached : fd.created[0] ? fd.created : NULL;
    }
    if (cfg->nsources == 0 && strncmp(db, "clickhouse://", 13) != 0 && access(db, F_OK) != 0) {
        cli_error("tui", "no store at %s: give log files to open (logdeck FILE...) or run "
                  "`logdeck index FILE...` first", db);
        return 1;
    }
    rc = tui_run(&o, &e);
    if (cfg->nsources > 0)
        feeder_stop(&fd);
    if (rc < 0) {
        cli_error("tui", "%s", e.msg);
        return e.code ? e.code : 1;
    }
    return rc;
}

static int cmd_tui(const struct cli *c, int argc, char **argv)
{
    struct config cfg;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        cli_error("tui", "the TUI needs a terminal (stdin and stdout are not both a tty); "
                  "for scripts use `logdeck index` and `logdeck query`");
        return 2;
    }
    if (argc > 0 && argv[0][0] == '-') {
        cli_error("tui", "unknown option '%s' (see logdeck --help)", argv[0]);
        return 2;
    }
    int rc = load_sources(c, argc, argv, &cfg);
    if (rc == 0)
        rc = run(c, c->db_path, &cfg);   /* resolved by main, store.path included */
    config_fini(&cfg);
    return rc;
}

const struct cmd_entry cmd_tui_entry = {
    .name = NULL,
    .usage = "[PATH|GLOB|DIR ...]",
    .help = "  Opens the terminal UI on the store; the config's sources and the paths given\n"
            "  are indexed and followed meanwhile. `?` in the UI lists the keys.\n",
    .flags = CMD_CONFIG,
    .exec = cmd_tui,
};
