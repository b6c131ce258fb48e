/* cmd_alerts_run: `logdeck alerts run FILE [PATH|GLOB ...]`, the headless
 * daemon (follow, evaluate, deliver; SIGTERM/SIGINT stop cleanly, SIGHUP
 * reloads the rules), and `logdeck alerts list [--json]`. */
#include "src/cmd_alerts.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/alert.h"
#include "src/config.h"
#include "src/ingest.h"
#include "src/notify.h"
#include "src/paths.h"
#include "src/ts.h"

#define FOLLOW_POLL 200000        /* µs between two reads of the followed files */

static volatile sig_atomic_t got_stop, got_hup;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        got_hup = 1;
    else
        got_stop = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* A followed source: its PATH|GLOB|DIR and the ingest carrying its parse
 * options (format, service, cid_regex from the config file). */
struct source {
    const char *arg;
    struct ingest *in;
};

struct daemon {
    const struct cli *c;
    const char *file;
    struct config cfg;            /* config sources + command-line paths */
    struct source *src;
    size_t nsrc;
    size_t nfiles;                /* files read by the last pass */
    struct store *s;
    struct ruleset *rs;
    struct alert_engine *en;
    struct notify *nt;
};

static void on_transition(void *ctx, const struct adb_event *ev, int notified)
{
    char ts[32];
    (void)ctx;
    printf("%s %s %s%s%s value=%g %s%s\n", ts_format(ev->ts, ts), ev->event, ev->rule,
           *ev->grp ? "/" : "", ev->grp, ev->value, ev->summary, notified ? " [queued]" : "");
    fflush(stdout);
}

/* Reads every followed file from its checkpoint to its end; globs are
 * expanded at every pass so new files are picked up. (The follower,
 * src/follow.h, owns its loop and the signals, so it cannot host the
 * engine yet.) */
static void follow(struct daemon *d)
{
    struct err e = {0};
    d->nfiles = 0;
    for (size_t i = 0; i < d->nsrc; i++) {
        struct pathlist pl = {0};
        paths_expand(&pl, d->src[i].arg, &e);   /* a file may appear later */
        for (size_t k = 0; k < pl.n; k++, d->nfiles++)
            if (ingest_path(d->src[i].in, pl.v[k], &e) < 0)
                fprintf(stderr, "logdeck alerts run: %s\n", e.msg);
        paths_fini(&pl);
    }
}

static int open_sources(struct daemon *d, char **args, int nargs, struct err *e)
{
    if (config_load(&d->cfg, d->c->config_path, d->c->config_given, e) < 0)
        return -1;
    for (int i = 0; i < nargs; i++)
        if (config_add_source(&d->cfg, args[i], FMT_AUTO, NULL, e) < 0)
            return -1;
    d->src = calloc(d->cfg.nsources + 1, sizeof *d->src);
    if (!d->src)
        return err_set(e, "out of memory");
    for (size_t i = 0; i < d->cfg.nsources; i++, d->nsrc++) {
        const struct config_source *cs = &d->cfg.sources[i];
        struct ingest_opts io = {.max_line = d->cfg.max_line};
        io.parse.format = cs->format;
        io.parse.service = cs->service;
        io.parse.cid_regex = cs->cid_regex;
        d->src[i].arg = cs->path;
        if (!(d->src[i].in = ingest_new(d->s, &io, e)))
            return err_prefix(e, "source %s", cs->path);
    }
    return 0;
}

static void reload(struct daemon *d)
{
    struct err e = {0};
    struct ruleset *nrs = alerts_load(d->c, d->file, &e);
    if (!nrs) {
        alerts_print_err("run", &e);
        fprintf(stderr, "logdeck alerts run: reload failed; the previous rules stay in force\n");
        return;
    }
    if (alert_reload(d->en, nrs, ts_now(), &e) < 0 || notify_reload(d->nt, nrs, &e) < 0) {
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

static int start(struct daemon *d, char **args, int nargs, struct err *e)
{
    struct alert_opts ao = {.on_event = on_transition};
    struct notify_opts no = {.verbose = d->c->verbose};
    if (!(d->s = store_open(d->c->db_path, STORE_WRITE, e)) || open_sources(d, args, nargs, e) < 0)
        return -1;
    follow(d);   /* catch up before the windows are warmed */
    if (!(d->en = alert_new(d->s, d->rs, &ao, ts_now(), e)) ||
        !(d->nt = notify_new(d->c->db_path, d->rs, &no, e)) || notify_start(d->nt, e) < 0)
        return -1;
    fprintf(stderr, "logdeck alerts run: %d rules, %d notifiers, following %zu files\n",
            d->rs->nrules, d->rs->nnotifiers, d->nfiles);
    return 0;
}

static void loop(struct daemon *d)
{
    int64_t last_follow = 0;
    while (!got_stop) {
        struct err e = {0};
        int64_t now = ts_now();
        if (got_hup) {
            got_hup = 0;
            reload(d);
        }
        if (now - last_follow >= FOLLOW_POLL) {
            follow(d);
            last_follow = now;
        }
        if (alert_tick(d->en, ts_now(), &e) < 0)
            fprintf(stderr, "logdeck alerts run: %s\n", e.msg);
        int64_t wait = alert_next_due(d->en, ts_now());
        if (wait > FOLLOW_POLL)
            wait = FOLLOW_POLL;
        struct timespec ts = {.tv_sec = wait / 1000000, .tv_nsec = (wait % 1000000) * 1000};
        nanosleep(&ts, NULL);   /* a signal ends it early */
    }
}

int alerts_run(const struct cli *c, int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: logdeck alerts run FILE [PATH|GLOB ...]\n");
        return 2;
    }
    struct daemon d = {.c = c, .file = argv[1]};
    struct err e = {0};
    if (!(d.rs = alerts_load(c, d.file, &e))) {
        alerts_print_err("run", &e);
        return e.code == 2 ? 2 : 1;
    }
    install_signals();
    int rc = 0;
    if (start(&d, argv + 2, argc - 2, &e) < 0) {
        cli_error("alerts run", "%s", e.msg);
        rc = 1;
    } else {
        loop(&d);
        fprintf(stderr, "logdeck alerts run: stopping\n");
    }
    notify_free(d.nt);
    alert_free(d.en);
    for (size_t i = 0; i < d.nsrc; i++)
        ingest_free(d.src[i].in);
    free(d.src);
    store_close(d.s);
    config_fini(&d.cfg);
    rules_free(d.rs);
    return rc;
}

/* --- list ------------------------------------------------------------------ */

static void list_text(const struct alert_snapshot *sn)
{
    char a[32], b[32];
    printf("%-32s %-9s %-9s %-12s %-12s %s\n", "RULE/GROUP", "STATE", "SEVERITY", "VALUE",
           "THRESHOLD", "SINCE");
    for (size_t i = 0; i < sn->nstates; i++) {
        const struct adb_state *s = &sn->states[i];
        char name[400];
        snprintf(name, sizeof name, "%s%s%s", s->rule, *s->grp ? "/" : "", s->grp);
        printf("%-32s %-9s %-9s %-12g %-12s %s%s%s\n", name, alert_state_name(s->state),
               rules_severity_name(s->severity), s->value, s->threshold,
               ts_format(s->since, a), s->acked ? " acked" : "", s->silenced ? " silenced" : "");
    }
    printf("\n%-16s %-8s %-9s %6s %6s %6s %6s  %s\n", "NOTIFIER", "TYPE", "STATE", "QUEUED",
           "SENT", "RETRY", "FAILED", "URL / REASON");
    for (size_t i = 0; i < sn->nnotifiers; i++) {
        const struct alert_notifier_status *n = &sn->notifiers[i];
        static const char *const st[] = {"ok", "retrying", "broken"};
        printf("%-16s %-8s %-9s %6lld %6lld %6lld %6lld  %s%s%s\n", n->n.name, n->n.type,
               st[n->n.state % 3], (long long)n->outbox[OB_QUEUED], (long long)n->outbox[OB_SENT],
               (long long)n->outbox[OB_RETRYING], (long long)n->outbox[OB_FAILED],
               n->n.url_masked, *n->n.reason ? "  " : "", n->n.reason);
    }
    printf("\nHISTORY\n");
    for (size_t i = 0; i < sn->nhistory; i++) {
        const struct adb_event *ev = &sn->history[i];
        printf("%s %-8s %s%s%s  %s\n", ts_format(ev->ts, b), ev->event, ev->rule,
               *ev->grp ? "/" : "", ev->grp, ev->summary);
    }
}

static void emit_json(cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    puts(s ? s : "{}");
    free(s);
    cJSON_Delete(o);
}

static void list_json(const struct alert_snapshot *sn)
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

int alerts_list(const struct cli *c, int argc, char **argv)
{
    int json = argc == 2 && strcmp(argv[1], "--json") == 0;
    if (argc > 2 || (argc == 2 && !json)) {
        fprintf(stderr, "usage: logdeck alerts list [--json]\n");
        return 2;
    }
    struct err e = {0};
    struct store *s = store_open(c->db_path, STORE_READ, &e);
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
