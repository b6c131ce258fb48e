/* cmd_alerts: `logdeck alerts SUBCOMMAND`: the table of its subcommands
 * and the short ones, check, test, ack and silence. `alerts run` (the
 * daemon) and `alerts list` live in cmd_alerts_run.c; loading a rules
 * file merged with the config's notifiers and rules in alerts_load.c. */
#include "src/cli/alerts_load.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/alert/alert.h"
#include "src/base/ts.h"
#include "src/query/recout.h"

/* The rows of the short subcommands, defined at the end. */
static const struct cmd_entry check_entry, test_entry, ack_entry, silence_entry;

static int cmd_check(const struct cli *c, int argc, char **argv)
{
    if (argc != 2) {
        cli_usage(&check_entry, "alerts", 0, stderr);
        return 2;
    }
    struct err e = {0};
    struct ruleset *rs = alerts_load(c->cfg, argv[1], &e);
    if (!rs) {
        alerts_print_err("check", &e);
        return e.code == 2 ? 2 : 1;
    }
    printf("%s: %d rule%s, %d notifier%s: ok\n", argv[1], rs->nrules, rs->nrules == 1 ? "" : "s",
           rs->nnotifiers, rs->nnotifiers == 1 ? "" : "s");
    rules_free(rs);
    return 0;
}

struct test_out {
    int json;
    int fired, resolved;
};

static void print_event(void *ctx, const struct adb_event *ev, int notified)
{
    struct test_out *o = ctx;
    char ts[32], q[1400];
    (void)notified;
    o->fired += strcmp(ev->event, "firing") == 0;
    o->resolved += strcmp(ev->event, "resolved") == 0;
    if (!o->json) {
        char r[400], g[800], sum[1600];
        printf("%s  %-8s %s%s%s  %s  (%s)\n", ts_format(ev->ts, ts), ev->event,
               recout_escape_buf(ev->rule, r, sizeof r), *ev->grp ? "/" : "",
               recout_escape_buf(ev->grp, g, sizeof g),
               recout_escape_buf(ev->summary, sum, sizeof sum), ev->threshold);
        return;
    }
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "ts", ts_format(ev->ts, ts));
    cJSON_AddStringToObject(j, "event", ev->event);
    cJSON_AddStringToObject(j, "rule", ev->rule);
    cJSON_AddStringToObject(j, "group", ev->grp);
    cJSON_AddNumberToObject(j, "value", ev->value);
    cJSON_AddStringToObject(j, "threshold", ev->threshold);
    cJSON_AddNumberToObject(j, "count", (double)ev->count);
    cJSON_AddStringToObject(j, "summary", ev->summary);
    cJSON_AddStringToObject(j, "query", alert_records_query(ev->query, ev->win_since,
                                                            ev->win_until, q, sizeof q));
    char *s = cJSON_PrintUnformatted(j);
    recout_json_clean(stdout, s ? s : "{}");   /* no DEL or C1 control raw */
    putchar('\n');
    free(s);
    cJSON_Delete(j);
}

/* Replays file's rules over the last `back` µs of history, printing what
 * would have fired; the exit code. */
static int replay(const struct cli *c, const char *file, int64_t back, struct test_out *o)
{
    struct err e = {0};
    struct ruleset *rs = alerts_load(c->cfg, file, &e);
    if (!rs) {
        alerts_print_err("test", &e);
        return e.code == 2 ? 2 : 1;
    }
    struct store *s = store_open(c->db_path, STORE_READ, &e);
    struct store_totals t;
    int rc = 1;
    if (s && store_totals(s, &t, &e) == 0) {
        int64_t until = t.last_ts ? t.last_ts : ts_now(), since = until - back;
        struct alert_opts ao = {.on_event = print_event, .ctx = o};
        if (alert_replay(s, rs, since, until, &ao, &e) >= 0) {
            if (!o->json)
                printf("%d firing, %d resolved over %s of history; nothing was sent\n", o->fired,
                       o->resolved, rules_fmt_duration(until - since, (char[32]){0}));
            rc = 0;
        }
    }
    if (rc)
        cli_error("alerts test", "%s", e.msg);
    store_close(s);
    rules_free(rs);
    return rc;
}

static int cmd_test(const struct cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"since", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
    struct test_out o = {0};
    int64_t back = 24 * 3600 * 1000000LL;
    int ch;
    while ((ch = getopt_long(argc, argv, "js:", opts, NULL)) != -1) {
        if (ch == 'j')
            o.json = 1;
        else if (ch != 's' || ts_parse_duration(optarg, &back) < 0) {
            fprintf(stderr, "logdeck alerts test: --since takes a duration like 2h\n");
            cli_usage(&test_entry, "alerts", 0, stderr);
            return 2;
        }
    }
    if (optind + 1 != argc) {
        cli_usage(&test_entry, "alerts", 0, stderr);
        return 2;
    }
    return replay(c, argv[optind], back, &o);
}

static int ack_or_silence(const struct cli *c, int argc, char **argv, int silence)
{
    const struct cmd_entry *me = silence ? &silence_entry : &ack_entry;
    static const struct option opts[] = {{"for", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    int64_t dur = -1;
    int ch;
    while ((ch = getopt_long(argc, argv, "f:", opts, NULL)) != -1)
        if (ch != 'f' || ts_parse_duration(optarg, &dur) < 0) {
            cli_usage(me, "alerts", 0, stderr);
            return 2;
        }
    if (optind >= argc || argc - optind > 2 || (silence && dur <= 0)) {
        cli_usage(me, "alerts", 0, stderr);
        return 2;
    }
    const char *grp = optind + 1 < argc ? argv[optind + 1] : silence ? "*" : "";
    struct err e = {0};
    char sbuf[4096];
    struct store *s = store_open(alerts_state_path(c, sbuf, sizeof sbuf), STORE_WRITE, &e);
    int rc = !s ? -1 : silence ? alert_silence(s, argv[optind], grp, ts_now() + dur, &e) :
                                  alert_ack(s, argv[optind], grp, &e);
    store_close(s);
    if (rc < 0) {
        cli_error(silence ? "alerts silence" : "alerts ack", "%s", e.msg);
        return 1;
    }
    return 0;
}

static int cmd_ack(const struct cli *c, int argc, char **argv)
{
    return ack_or_silence(c, argc, argv, 0);
}

static int cmd_silence(const struct cli *c, int argc, char **argv)
{
    return ack_or_silence(c, argc, argv, 1);
}

static const struct cmd_entry check_entry = {
    .name = "check",
    .usage = "FILE",
    .flags = CMD_CONFIG,
    .help = "  Validates a rules file (with the config's notifiers and rules): FILE:LINE:COL\n"
            "  errors and exit 2, else a one-line summary.\n",
    .exec = cmd_check,
};

static const struct cmd_entry test_entry = {
    .name = "test",
    .usage = "FILE [--since D] [--json]",
    .flags = CMD_CONFIG,
    .help = "  Dry-runs the rules over the stored history (default the last 24h before the\n"
            "  newest record): when each would have fired and resolved. Sends nothing.\n",
    .exec = cmd_test,
};

static const struct cmd_entry ack_entry = {
    .name = "ack",
    .usage = "RULE [GROUP]",
    .help = "  Acknowledges a firing alert until it resolves.\n",
    .exec = cmd_ack,
};

static const struct cmd_entry silence_entry = {
    .name = "silence",
    .usage = "RULE [GROUP] --for D",
    .help = "  Silences a rule (every group without GROUP) for the duration D.\n",
    .exec = cmd_silence,
};

static const struct cmd_entry *const alerts_subs[] = {
    &check_entry, &test_entry, &cmd_alerts_run_entry, &cmd_alerts_list_entry,
    &ack_entry, &silence_entry, NULL,
};

const struct cmd_entry cmd_alerts_entry = {
    .name = "alerts",
    .help = "  `logdeck alerts SUBCOMMAND --help` describes one.\n",
    .subs = alerts_subs,
};
