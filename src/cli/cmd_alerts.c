/* cmd_alerts: `logdeck alerts check|test|list|ack|silence ...` and the
 * shared loading of a rules file merged with the config file's notifiers
 * and rules. `alerts run` (the daemon) lives in cmd_alerts_run.c. */
#include "src/cli/cmd_alerts.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/alert/alert.h"
#include "src/base/ts.h"

static const char usage[] =
    "usage: logdeck alerts check FILE\n"
    "       logdeck alerts test FILE [--since D] [--json]\n"
    "       logdeck alerts run FILE [PATH|GLOB ...]\n"
    "       logdeck alerts list [--json]\n"
    "       logdeck alerts ack RULE [GROUP]\n"
    "       logdeck alerts silence RULE [GROUP] --for D\n";

struct ruleset *alerts_load(const struct cli *c, const char *file, struct err *e)
{
    struct ruleset *rs = rules_load(file, e);
    if (!rs)
        return NULL;
    if (c->config_given || access(c->config_path, R_OK) == 0) {
        struct ruleset *cfg = rules_load_config(c->config_path, e);
        if (!cfg || rules_merge(rs, cfg, e) < 0) {
            rules_free(rs);
            return NULL;
        }
    }
    if (rules_check_refs(rs, e) < 0) {
        rules_free(rs);
        return NULL;
    }
    return rs;
}

/* Prints a multi-line error (one FILE:LINE:COL message a line). */
void alerts_print_err(const char *cmd, const struct err *e)
{
    const char *p = e->msg;
    while (*p) {
        size_t n = strcspn(p, "\n");
        fprintf(stderr, "logdeck alerts %s: %.*s\n", cmd, (int)n, p);
        p += n + (p[n] == '\n');
    }
}

static int cmd_check(const struct cli *c, int argc, char **argv)
{
    if (argc != 2) {
        fputs(usage, stderr);
        return 2;
    }
    struct err e = {0};
    struct ruleset *rs = alerts_load(c, argv[1], &e);
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
        printf("%s  %-8s %s%s%s  %s  (%s)\n", ts_format(ev->ts, ts), ev->event, ev->rule,
               *ev->grp ? "/" : "", ev->grp, ev->summary, ev->threshold);
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
    puts(s ? s : "{}");
    free(s);
    cJSON_Delete(j);
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
            fprintf(stderr, "logdeck alerts test: --since takes a duration like 2h\n%s", usage);
            return 2;
        }
    }
    if (optind + 1 != argc) {
        fputs(usage, stderr);
        return 2;
    }
    struct err e = {0};
    struct ruleset *rs = alerts_load(c, argv[optind], &e);
    if (!rs) {
        alerts_print_err("test", &e);
        return e.code == 2 ? 2 : 1;
    }
    struct store *s = store_open(c->db_path, STORE_READ, &e);
    struct store_totals t;
    int rc = 1;
    if (s && store_totals(s, &t, &e) == 0) {
        int64_t until = t.last_ts ? t.last_ts : ts_now(), since = until - back;
        struct alert_opts ao = {.on_event = print_event, .ctx = &o};
        if (alert_replay(s, rs, since, until, &ao, &e) >= 0) {
            if (!o.json)
                printf("%d firing, %d resolved over %s of history; nothing was sent\n", o.fired,
                       o.resolved, rules_fmt_duration(until - since, (char[32]){0}));
            rc = 0;
        }
    }
    if (rc)
        cli_error("alerts test", "%s", e.msg);
    store_close(s);
    rules_free(rs);
    return rc;
}

static int ack_or_silence(const struct cli *c, int argc, char **argv, int silence)
{
    static const struct option opts[] = {{"for", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    int64_t dur = -1;
    int ch;
    while ((ch = getopt_long(argc, argv, "f:", opts, NULL)) != -1)
        if (ch != 'f' || ts_parse_duration(optarg, &dur) < 0) {
            fputs(usage, stderr);
            return 2;
        }
    if (optind >= argc || argc - optind > 2 || (silence && dur <= 0)) {
        fputs(usage, stderr);
        return 2;
    }
    const char *grp = optind + 1 < argc ? argv[optind + 1] : silence ? "*" : "";
    struct err e = {0};
    struct store *s = store_open(c->db_path, STORE_WRITE, &e);
    int rc = !s ? -1 : silence ? alert_silence(s, argv[optind], grp, ts_now() + dur, &e) :
                                  alert_ack(s, argv[optind], grp, &e);
    store_close(s);
    if (rc < 0) {
        cli_error(silence ? "alerts silence" : "alerts ack", "%s", e.msg);
        return 1;
    }
    return 0;
}

int cmd_alerts(const struct cli *c, int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *sub = argv[1];
    argc--, argv++;
    optind = 0;   /* GNU getopt: 0 re-initialises after main's parse */
    if (strcmp(sub, "check") == 0)
        return cmd_check(c, argc, argv);
    if (strcmp(sub, "test") == 0)
        return cmd_test(c, argc, argv);
    if (strcmp(sub, "run") == 0)
        return alerts_run(c, argc, argv);
    if (strcmp(sub, "list") == 0)
        return alerts_list(c, argc, argv);
    if (strcmp(sub, "ack") == 0 || strcmp(sub, "silence") == 0)
        return ack_or_silence(c, argc, argv, sub[0] == 's');
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    cli_error("alerts", "unknown subcommand '%s'", sub);
    fputs(usage, stderr);
    return 2;
}
