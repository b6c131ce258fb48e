/* cmd_demo: `logdeck demo` — the one-command tour: generates realistic,
 * rotating logs of five services (src/demo/demo.h) into a temporary directory,
 * with ten minutes of history, and opens the TUI following them, on a
 * store of its own in the same directory. It is sealed there: the user's
 * store, config (sources, rules), query history and UI log are neither
 * read nor written. Everything is removed on exit unless --keep or --dir.
 *
 *   logdeck demo [--dir DIR] [--keep] [--rate N] [--seed N] [--rotate BYTES]
 *   logdeck demo --generate-only SECONDS --dir DIR     (no TUI; tests, benchmarks)
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/cli/cli.h"
#include "src/demo/demo.h"
#include "src/demo/alerts.h"

struct demo_args {
    const char *dir;
    int keep;
    double rate;
    unsigned long long seed;
    double gen_only;     /* seconds; 0: open the TUI */
    long long rotate;    /* bytes; 0: the default */
};

static int parse(int argc, char **argv, struct demo_args *a)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},  {"keep", no_argument, NULL, 'k'},
        {"rate", required_argument, NULL, 'r'}, {"seed", required_argument, NULL, 's'},
        {"generate-only", required_argument, NULL, 'g'}, {"rotate", required_argument, NULL, 'R'},
       
        {NULL, 0, NULL, 0},
    };
    int ch;
    char *end;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': a->dir = optarg; break;
        case 'k': a->keep = 1; break;
        case 'r': a->rate = strtod(optarg, &end);
            if (*end || a->rate <= 0 || a->rate > 100000) goto bad;
            break;
        case 's': a->seed = strtoull(optarg, &end, 10);
            if (*end) goto bad;
            break;
        case 'g': a->gen_only = strtod(optarg, &end);
            if (*end || a->gen_only <= 0) goto bad;
            break;
        case 'R': a->rotate = strtoll(optarg, &end, 10);
            if (*end || a->rotate < 4096) goto bad;
            break;
        default: cli_usage(&cmd_demo_entry, "", 1, stderr); return 2;
        }
    }
    if (optind < argc || (a->gen_only > 0 && !a->dir))
        goto usage_err;
    return 0;
bad:
    cli_error("demo", "bad value '%s' for --%s", optarg,
              ch == 'r' ? "rate" : ch == 's' ? "seed" : ch == 'R' ? "rotate" : "generate-only");
    return 2;
usage_err:
    cli_usage(&cmd_demo_entry, "", 1, stderr);
    return 2;
}

/* Removes what the demo wrote in dir (logs, rotated logs, the store),
 * then the directories if they are empty. */
static void remove_sealed(const char *dir);

static void remove_demo(const char *dir)
{
    char sub[4200], p[4600];
    remove_sealed(dir);
    snprintf(sub, sizeof sub, "%s/logs", dir);
    const char *dirs[2] = {sub, dir};
    for (int i = 0; i < 2; i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            const char *n = de->d_name;
            if (strstr(n, ".jsonl") || strstr(n, ".log") || strncmp(n, "demo.db", 7) == 0 ||
                strcmp(n, "alerts.yaml") == 0) {
                snprintf(p, sizeof p, "%s/%s", dirs[i], n);
                unlink(p);
            }
        }
        if (d)
            closedir(d);
        rmdir(dirs[i]);
    }
}

static int make_dirs(struct demo_args *a, char *dir, size_t cap)
{
    if (a->dir) {
        snprintf(dir, cap, "%s", a->dir);
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
            return -1;
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, cap, "%s/logdeck-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            return -1;
    }
    char logs[4200];
    snprintf(logs, sizeof logs, "%s/logs", dir);
    return mkdir(logs, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

static int generate_only(struct demo *d, double secs)
{
    struct err e = {0};
    struct timespec ts = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
    if (demo_start(d, &e) < 0) {
        cli_error("demo", "%s", e.msg);
        return 1;
    }
    nanosleep(&ts, NULL);
    demo_free(d);
    return 0;
}

/* Removes the files of the demo's own state and config directories
 * (history, UI log: see seal), then the directories. */
static void remove_sealed(const char *dir)
{
    static const char *const subs[] = {"state/logdeck", "state", "config/logdeck", "config"};
    char d[4300], p[4600];
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        snprintf(d, sizeof d, "%s/%s", dir, subs[i]);
        DIR *dd = opendir(d);
        struct dirent *de;
        while (dd && (de = readdir(dd))) {
            snprintf(p, sizeof p, "%s/%s", d, de->d_name);
            if (de->d_type == DT_REG)
                unlink(p);
        }
        if (dd)
            closedir(dd);
        rmdir(d);
    }
}

/* The demo lives in dir alone: the user's config (its sources would be
 * indexed into the demo store), query history and UI log stay untouched.
 * The XDG variables point into dir for everything the TUI looks up. */
static void seal(const char *dir, char *cfg, size_t cap)
{
    char state[4300], conf[4300];
    snprintf(state, sizeof state, "%s/state", dir);
    snprintf(conf, sizeof conf, "%s/config", dir);
    setenv("XDG_STATE_HOME", state, 1);
    setenv("XDG_CONFIG_HOME", conf, 1);
    snprintf(cfg, cap, "%.4096s/config/logdeck/config.yaml", dir);
}

/* Starts d and its alerts, runs the TUI on them (store db) and frees d;
 * the exit code. */
static int run_tui(const struct cli *c, struct demo *d, const char *dir, char *logs,
                   const char *db)
{
    struct err e = {0};
    if (demo_start(d, &e) < 0) {
        cli_error("demo", "%s", e.msg);
        demo_free(d);
        return 1;
    }
    struct demo_alerts *al = demo_alerts_start(dir, db, &e);   /* the demo goes on without */
    if (!al)
        fprintf(stderr, "logdeck demo: alerts are off: %s\n", e.msg);
    struct cli c2 = *c;
    char cfg[4400];
    seal(dir, cfg, sizeof cfg);
    c2.db_path = db;
    c2.config_path = cfg;     /* absent: no user sources, notifiers or rules */
    c2.config_given = 0;
    c2.cfg = NULL;            /* not the user's config main parsed: an empty one */
    char *paths[2] = {logs, NULL};
    int rc = cmd_tui_entry.exec(&c2, 1, paths);
    demo_alerts_free(al);
    demo_free(d);
    return rc;
}

static int cmd_demo(const struct cli *c, int argc, char **argv)
{
    struct demo_args a = {0};
    struct err e = {0};
    char dir[4096], logs[4200], db[4200];
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!a.gen_only && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        cli_error("demo", "the demo opens the TUI and needs a terminal");
        return 2;
    }
    if (make_dirs(&a, dir, sizeof dir) < 0) {
        cli_error("demo", "cannot create the demo directory %s: %s", dir, strerror(errno));
        return 1;
    }
    snprintf(logs, sizeof logs, "%s/logs", dir);
    snprintf(db, sizeof db, "%s/demo.db", dir);
    struct demo_opts o = {.dir = logs, .seed = a.seed, .rate = a.rate, .rotate_bytes = a.rotate,
                          .backfill_us = 10LL * 60 * 1000000};
    struct demo *d = demo_new(&o, &e);
    if (!d) {
        cli_error("demo", "%s", e.msg);
        return 1;
    }
    if (a.gen_only)
        return generate_only(d, a.gen_only);
    rc = run_tui(c, d, dir, logs, db);
    if (a.keep || a.dir) {
        fprintf(stderr, "logdeck demo: logs in %s, store %s (kept)\n", logs, db);
    } else {
        remove_demo(dir);
        fprintf(stderr, "logdeck demo: removed %s\n", dir);
    }
    return rc;
}

const struct cmd_entry cmd_demo_entry = {
    .name = "demo",
    .usage =
        "[--dir DIR] [--keep] [--rate REQ_PER_S] [--seed N] [--rotate BYTES]\n"
        "--generate-only SECONDS --dir DIR [...]",
    .help =
        "  Generates rotating logs of five services (with ten minutes of history) into a\n"
        "  temporary directory, with alert rules and a local webhook sink, and opens the\n"
        "  TUI following them on a store of its own; removed on exit.\n"
        "  --dir DIR        write there instead (kept)\n"
        "  --keep           keep the temporary directory\n"
        "  --rate N         requests per second (default 4)\n"
        "  --seed N         the random seed\n"
        "  --rotate BYTES   rotate the logs at this size (>= 4096)\n"
        "  --generate-only SECONDS  write SECONDS of logs into --dir and exit (no TUI)\n",
    .flags = CMD_CONFIG,   /* the TUI it opens reads the config */
    .exec = cmd_demo,
};
