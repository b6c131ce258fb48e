/* cmd_alerts_run: `logdeck alerts run FILE [PATH|GLOB ...]`, the headless
 * daemon (follow, evaluate, deliver; SIGTERM/SIGINT stop cleanly, SIGHUP
 * reloads the rules), and `logdeck alerts list [--json]`. Following is
 * the follower's (src/follow/follow.h: inotify, every rotation scheme), which
 * runs the engine in its hooks. */
#include "src/cli/alerts_load.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/alert/alert.h"
#include "src/base/config.h"
#include "src/follow/follow.h"
#include "db/wlock.h"
#include "src/notify/notify.h"
#include "src/base/ts.h"
#include "src/query/recout.h"

#define TICK_MS 100               /* the engine's timer (absence, for, resolution) */

/* The daemon: the follower (src/follow/follow.h) reads the sources and owns the
 * loop and the signals; the engine runs in its hooks, after every commit
 * and on a timer, once the follower has caught up with the files. */
struct daemon {
    const struct cli *c;
    const char *file;
    struct config cfg;            /* config sources + command-line paths */
    struct store *s;              /* state, history, outbox */
    struct store *rec;            /* records, when not s (ClickHouse) */
    const char *state;            /* path of s */
    char state_buf[4096];
    struct follower *fw;          /* NULL when there is nothing to follow */
    struct ruleset *rs;
    struct alert_engine *en;      /* NULL until caught up */
    struct notify *nt;
    struct wlock lock;            /* held while following sources (one writer per store) */
    int failed;
};

static void on_transition(void *ctx, const struct adb_event *ev, int notified)
{
    char ts[32], v[32], r[400], g[800], sum[1600];
    (void)ctx;
    printf("%s %s %s%s%s value=%s %s%s\n", ts_format(ev->ts, ts), ev->event,
           recout_escape_buf(ev->rule, r, sizeof r), *ev->grp ? "/" : "",
           recout_escape_buf(ev->grp, g, sizeof g), alert_fmt_value(ev->value, ev->threshold, v),
           recout_escape_buf(ev->summary, sum, sizeof sum), notified ? " [queued]" : "");
    fflush(stdout);
}

/* The engine starts once the files are caught up: what they held before
 * warms its windows up instead of firing as new. */
static int engine_start(struct daemon *d, int64_t now, struct err *e)
{
    struct alert_opts ao = {.on_event = on_transition, .records = d->rec};
    struct notify_opts no = {.verbose = d->c->verbose};
    struct follow_status st = {0};
    if (!(d->en = alert_new(d->s, d->rs, &ao, now, e)) ||
        !(d->nt = notify_new(d->state, d->rs, &no, e)) || notify_start(d->nt, e) < 0)
        return -1;
    if (d->fw)
        follow_get_status(d->fw, &st);
    fprintf(stderr, "logdeck alerts run: %d rules, %d notifiers, following %lld files\n",
            d->rs->nrules, d->rs->nnotifiers, (long long)st.files);
    return 0;
}

static void tick(struct daemon *d, int64_t now)
{
    struct err e = {0};
    if (!d->en && engine_start(d, now, &e) < 0) {
        cli_error("alerts run", "%s", e.msg);
        d->failed = 1;
        if (d->fw)
            follow_stop(d->fw);
        return;
    }
    if (alert_tick(d->en, now, &e) < 0)
        fprintf(stderr, "logdeck alerts run: %s\n", e.msg);
}

static void on_commit(void *ctx, const struct follow_commit_info *ci)
{
    struct daemon *d = ctx;
    (void)ci;
    if (d->en)   /* before: catching up */
        tick(d, ts_now());
}

static void on_tick(void *ctx, int64_t now_us)
{
    tick(ctx, now_us);
}

/* The rules file and the config file as they are now (SIGHUP): the one
 * time the config is parsed again. NULL with e filled. */
static struct ruleset *load_again(struct daemon *d, struct err *e)
{
    struct config now;
    if (config_load(&now, d->c->config_path, d->c->config_given, e) < 0)
        return NULL;
    struct ruleset *rs = alerts_load(&now, d->file, e);
    config_fini(&now);
    return rs;
}

static void reload(struct daemon *d)
{
    struct err e = {0};
    struct ruleset *nrs = load_again(d, &e);
    if (!nrs) {
        alerts_print_err("run", &e);
        fprintf(stderr, "logdeck alerts run: reload failed; the previous rules stay in force\n");
        return;
    }
    if (d->en && (alert_reload(d->en, nrs, ts_now(), &e) < 0 || notify_reload(d->nt, nrs, &e) < 0)) {
        fprintf(stderr, "logdeck alerts run: reload: %s\n", e.msg);
        alert_reload(d->en, d->rs, ts_now(), &e);
        rules_free(nrs);
        return;
    }
    rules_free(d->rs);
    d->rs = nrs;
    fprintf(stderr, "logdeck alerts run: reloaded %d rules, %d notifiers\n", nrs->nrules,
            nrs->nnotifiers);
}

/* SIGHUP, as the follower reads it: new rules; the sources stay. */
static int on_reload(void *ctx, const struct config **out, struct err *e)
{
    struct daemon *d = ctx;
    (void)e;
    reload(d);
    *out = &d->cfg;
    return 0;
}

/* Nothing to follow: the engine on its timer until SIGTERM/SIGINT. */
static void run_unfollowed(struct daemon *d)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGTERM);
    sigaddset(&m, SIGINT);
    sigaddset(&m, SIGHUP);
    struct timespec ts = {0, TICK_MS * 1000000L};
    while (!d->failed) {
        tick(d, ts_now());
        int sig = sigtimedwait(&m, NULL, &ts);
        if (sig == SIGHUP)
            reload(d);
        else if (sig == SIGTERM || sig == SIGINT)
            break;
    }
}

static int run(struct daemon *d, char **args, int nargs, struct err *e)
{
    struct follow_opts fo = {.status = stderr, .name = "logdeck alerts run",
                             .reload = on_reload, .reload_ctx = d, .on_commit = on_commit,
                             .on_tick = on_tick, .tick_ms = TICK_MS, .hook_ctx = d};
    if (config_copy(&d->cfg, d->c->cfg, e) < 0)   /* parsed by main */
        return -1;
    for (int i = 0; i < nargs; i++)
        if (config_add_source(&d->cfg, args[i], FMT_AUTO, NULL, e) < 0)
            return -1;
    /* Following sources makes this process the store's indexer: one at a
     * time, or two followers would store every line twice. */
    d->state = alerts_state_path(d->c, d->state_buf, sizeof d->state_buf);
    if (d->state != d->c->db_path) {   /* records on ClickHouse, shipped by the hosts */
        if (d->cfg.nsources)
            return err_setc(e, 2, "with --db clickhouse://... alerts run reads what the hosts "
                            "ship (logdeck index --follow --ship URL): give it no paths");
        if (!(d->rec = store_open(d->c->db_path, STORE_READ, e)))
            return -1;
    }
    if (d->cfg.nsources && wlock_acquire(&d->lock, d->state, e) < 0)
        return -1;
    if (!(d->s = store_open(d->state, STORE_WRITE, e)))
        return -1;
    if (!d->cfg.nsources) {
        run_unfollowed(d);
        return d->failed ? -1 : 0;
    }
    if (!(d->fw = follow_new(d->s, &d->cfg, &fo, e)) || follow_run(d->fw, e) < 0)
        return -1;
    return d->failed ? -1 : 0;
}

static int alerts_run(const struct cli *c, int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        cli_usage(&cmd_alerts_run_entry, "alerts", 0, stderr);
        return 2;
    }
    struct daemon d = {.c = c, .file = argv[1], .lock = {-1}};
    struct err e = {0};
    if (!(d.rs = alerts_load(c->cfg, d.file, &e))) {
        alerts_print_err("run", &e);
        return e.code == 2 ? 2 : 1;
    }
    sigset_t old;
    follow_block_signals(&old);   /* before any thread starts: the follower reads them */
    signal(SIGPIPE, SIG_IGN);
    int rc = 0;
    if (run(&d, argv + 2, argc - 2, &e) < 0) {
        if (e.msg[0])
            cli_error("alerts run", "%s", e.msg);
        rc = 1;
    } else {
        fprintf(stderr, "logdeck alerts run: stopping\n");
    }
    follow_free(d.fw);
    notify_free(d.nt);
    alert_free(d.en);
    store_close(d.s);
    store_close(d.rec);
    wlock_release(&d.lock);
    config_fini(&d.cfg);
    rules_free(d.rs);
    return rc;
}

/* --- list ------------------------------------------------------------------ */

/* Text for the terminal: every string that can come from a log line or
 * an endpoint goes through the same escaping as `query` (recout.h). */
static void list_text(const struct alert_snapshot *sn)
{
    char a[32], b[32], v[32], x[400], y[800], z[1600];
    printf("%-32s %-9s %-9s %-12s %-12s %s\n", "RULE/GROUP", "STATE", "SEVERITY", "VALUE",
           "THRESHOLD", "SINCE");
    for (size_t i = 0; i < sn->nstates; i++) {
        const struct adb_state *s = &sn->states[i];
        char name[1200];
        snprintf(name, sizeof name, "%s%s%s", recout_escape_buf(s->rule, x, sizeof x),
                 *s->grp ? "/" : "", recout_escape_buf(s->grp, y, sizeof y));
        printf("%-32s %-9s %-9s %-12s %-12s %s%s%s\n", name, alert_state_name(s->state),
               rules_severity_name(s->severity), alert_fmt_value(s->value, s->threshold, v),
               recout_escape_buf(s->threshold, z, sizeof z), ts_format(s->since, a),
               s->acked ? " acked" : "", s->silenced ? " silenced" : "");
    }
    printf("\n%-16s %-8s %-9s %6s %6s %6s %6s  %s\n", "NOTIFIER", "TYPE", "STATE", "QUEUED",
           "SENT", "RETRY", "FAILED", "URL / REASON");
    for (size_t i = 0; i < sn->nnotifiers; i++) {
        const struct alert_notifier_status *n = &sn->notifiers[i];
        static const char *const st[] = {"ok", "retrying", "broken"};
        printf("%-16s %-8s %-9s %6lld %6lld %6lld %6lld  %s%s%s\n",
               recout_escape_buf(n->n.name, x, sizeof x), n->n.type, st[n->n.state % 3],
               (long long)n->outbox[OB_QUEUED], (long long)n->outbox[OB_SENT],
               (long long)n->outbox[OB_RETRYING], (long long)n->outbox[OB_FAILED],
               recout_escape_buf(n->n.url_masked, y, sizeof y), *n->n.reason ? "  " : "",
               recout_escape_buf(n->n.reason, z, sizeof z));
    }
    printf("\nHISTORY\n");
    for (size_t i = 0; i < sn->nhistory; i++) {
        const struct adb_event *ev = &sn->history[i];
        printf("%s %-8s %s%s%s  %s\n", ts_format(ev->ts, b), ev->event,
               recout_escape_buf(ev->rule, x, sizeof x), *ev->grp ? "/" : "",
               recout_escape_buf(ev->grp, y, sizeof y), recout_escape_buf(ev->summary, z, sizeof z));
    }
}

static void emit_json(cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    recout_json_clean(stdout, s ? s : "{}");   /* no DEL or C1 control raw */
    putchar('\n');
    free(s);
    cJSON_Delete(o);
}

static void list_json_states(const struct alert_snapshot *sn)
{
    char a[32];
    for (size_t i = 0; i < sn->nstates; i++) {
        const struct adb_state *s = &sn->states[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", "state");
        cJSON_AddStringToObject(o, "rule", s->rule);
        cJSON_AddStringToObject(o, "group", s->grp);
        cJSON_AddStringToObject(o, "state", alert_state_name(s->state));
        cJSON_AddStringToObject(o, "severity", rules_severity_name(s->severity));
        cJSON_AddNumberToObject(o, "value", s->value);
        cJSON_AddStringToObject(o, "threshold", s->threshold);
        cJSON_AddNumberToObject(o, "count", (double)s->count);
        cJSON_AddStringToObject(o, "since", ts_format(s->since, a));
        cJSON_AddBoolToObject(o, "acked", s->acked);
        cJSON_AddBoolToObject(o, "silenced", s->silenced);
        cJSON_AddStringToObject(o, "summary", s->summary);
        emit_json(o);
    }
}

static void list_json_notifiers(const struct alert_snapshot *sn)
{
    for (size_t i = 0; i < sn->nnotifiers; i++) {
        const struct alert_notifier_status *n = &sn->notifiers[i];
        static const char *const st[] = {"ok", "retrying", "broken"};
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", "notifier");
        cJSON_AddStringToObject(o, "name", n->n.name);
        cJSON_AddStringToObject(o, "type", n->n.type);
        cJSON_AddStringToObject(o, "state", st[n->n.state % 3]);
        cJSON_AddStringToObject(o, "reason", n->n.reason);
        cJSON_AddStringToObject(o, "url", n->n.url_masked);
        static const char *const ob[] = {"queued", "sent", "failed", "retrying"};
        for (int k = 0; k < 4; k++)
            cJSON_AddNumberToObject(o, ob[k], (double)n->outbox[k]);
        emit_json(o);
    }
}

static void list_json_history(const struct alert_snapshot *sn)
{
    char a[32];
    for (size_t i = 0; i < sn->nhistory; i++) {
        const struct adb_event *ev = &sn->history[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", "event");
        cJSON_AddStringToObject(o, "ts", ts_format(ev->ts, a));
        cJSON_AddStringToObject(o, "event", ev->event);
        cJSON_AddStringToObject(o, "rule", ev->rule);
        cJSON_AddStringToObject(o, "group", ev->grp);
        cJSON_AddNumberToObject(o, "value", ev->value);
        cJSON_AddStringToObject(o, "summary", ev->summary);
        emit_json(o);
    }
}

/* JSON lines: every rule state, then every notifier, then the history. */
static void list_json(const struct alert_snapshot *sn)
{
    list_json_states(sn);
    list_json_notifiers(sn);
    list_json_history(sn);
}

static int alerts_list(const struct cli *c, int argc, char **argv)
{
    int json = argc == 2 && strcmp(argv[1], "--json") == 0;
    if (argc > 2 || (argc == 2 && !json)) {
        cli_usage(&cmd_alerts_list_entry, "alerts", 0, stderr);
        return 2;
    }
    struct err e = {0};
    char sbuf[4096];
    struct store *s = store_open(alerts_state_path(c, sbuf, sizeof sbuf), STORE_READ, &e);
    struct alert_snapshot sn;
    if (!s || alert_snapshot(s, 50, &sn, &e) < 0) {
        cli_error("alerts list", "%s", e.msg);
        store_close(s);
        return 1;
    }
    if (json)
        list_json(&sn);
    else
        list_text(&sn);
    alert_snapshot_fini(&sn);
    store_close(s);
    return 0;
}

const struct cmd_entry cmd_alerts_run_entry = {
    .name = "run",
    .usage = "FILE [PATH|GLOB ...]",
    .help = "  Headless: follows the config's sources and the paths given, evaluates the\n"
            "  rules and delivers notifications until SIGTERM/SIGINT; SIGHUP reloads the\n"
            "  rules. Transitions are printed on stdout.\n",
    .flags = CMD_CONFIG,
    .exec = alerts_run,
};

const struct cmd_entry cmd_alerts_list_entry = {
    .name = "list",
    .usage = "[--json]",
    .help = "  Rule states, firing alerts, notifiers and the outbox.\n",
    .exec = alerts_list,
};
