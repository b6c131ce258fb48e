/* alerts: the demo's rules, webhook sink and alert engine thread
 * (see alerts.h). The rules follow what the generator does during an
 * error burst (src/demo/flows.c, about once a minute): requests fail, the
 * retry queue backs up, tokens are refused, and the health checker hangs
 * on the timed-out upstream for half a minute. */
#include "src/demo/alerts.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/store.h"
#include "src/alert/alert.h"
#include "src/demo/sink.h"
#include "src/notify/notify.h"
#include "src/alert/rules.h"
#include "src/base/ts.h"
#include "src/base/thread.h"

#define TICK_US 200000      /* evaluate at least this often: records -> alert < 2 s */
#define SINK_KEEP 64        /* payloads the sink keeps */

struct demo_alerts {
    struct demo_sink *sink;
    struct ruleset *rs;
    struct store *s;        /* the engine's write connection */
    struct alert_engine *en;
    struct notify *nt;
    pthread_t th;
    int started, stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static const char rules_fmt[] =
    "# The alert rules of `logdeck demo` (rewritten at every start). To run them\n"
    "# yourself: logdeck --db %s alerts run %s %s/logs\n"
    "notifiers:\n"
    "  demo-sink: {type: webhook, url: \"http://127.0.0.1:%d/alerts\"}\n"
    "rules:\n"
    "  - name: api-error-rate\n"
    "    type: ratio\n"
    "    query: 'service:api status:*'\n"
    "    match: 'status>=500'\n"
    "    threshold: '> 6%%'\n"
    "    window: 20s\n"
    "    min_count: 10\n"
    "    for: 5s\n"
    "    severity: critical\n"
    "    notify: [demo-sink]\n"
    "  - name: queue-backlog\n"
    "    type: metric\n"
    "    query: 'metric:queue_length'\n"
    "    field: metric.value\n"
    "    agg: max\n"
    "    threshold: '> 40'\n"
    "    window: 20s\n"
    "    severity: error\n"
    "    notify: [demo-sink]\n"
    "  - name: auth-failures\n"
    "    type: count\n"
    "    query: 'service:api status:401'\n"
    "    threshold: '>= 4'\n"
    "    window: 1m\n"
    "    resolve_hold: 10s\n"
    "    severity: warning\n"
    "    notify: [demo-sink]\n"
    "  - name: health-checker-silent\n"
    "    type: absence\n"
    "    query: 'service:health-checker'\n"
    "    window: 15s\n"
    "    severity: warning\n"
    "    notify: [demo-sink]\n";

/* Writes DIR/alerts.yaml for the sink's port and loads it. */
static struct ruleset *write_rules(const char *dir, const char *db, int port, struct err *e)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/alerts.yaml", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        err_set(e, "cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    fprintf(f, rules_fmt, db, path, dir, port);
    if (fclose(f) != 0) {
        err_set(e, "cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    struct ruleset *rs = rules_load(path, e);
    if (rs && rules_check_refs(rs, e) < 0) {
        rules_free(rs);
        return NULL;
    }
    return rs;
}

static void *run(void *arg)
{
    struct demo_alerts *da = arg;
    pthread_mutex_lock(&da->mu);
    while (!da->stop) {
        pthread_mutex_unlock(&da->mu);
        struct err e = {0};
        if (alert_tick(da->en, ts_now(), &e) < 0)
            fprintf(stderr, "logdeck demo: alerts: %s\n", e.msg);   /* the TUI's log file */
        int64_t wait = alert_next_due(da->en, ts_now());
        if (wait > TICK_US)
            wait = TICK_US;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += (long)(wait * 1000);
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        pthread_mutex_lock(&da->mu);
        if (!da->stop)
            pthread_cond_timedwait(&da->cv, &da->mu, &ts);
    }
    pthread_mutex_unlock(&da->mu);
    return NULL;
}

/* The sink, rules, store, engine, notifier and the engine's thread (every
 * thread started through thread_start, with signals blocked). */
static int open_all(struct demo_alerts *da, const char *dir, const char *db, struct err *e)
{
    struct alert_opts ao = {0};
    struct notify_opts no = {0};
    if (!(da->sink = demo_sink_new(SINK_KEEP, e)) ||
        !(da->rs = write_rules(dir, db, demo_sink_port(da->sink), e)) ||
        !(da->s = store_open(db, STORE_WRITE, e)) ||
        !(da->en = alert_new(da->s, da->rs, &ao, ts_now(), e)) ||
        !(da->nt = notify_new(db, da->rs, &no, e)) || notify_start(da->nt, e) < 0)
        return -1;
    int rc = thread_start("ld-demo-alerts", &da->th, run, da);
    if (rc != 0)
        return err_set(e, "cannot start the alert engine thread: %s", strerror(rc));
    da->started = 1;
    return 0;
}

struct demo_alerts *demo_alerts_start(const char *dir, const char *db_path, struct err *e)
{
    struct demo_alerts *da = calloc(1, sizeof *da);
    if (!da) {
        err_set(e, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&da->mu, NULL);
    pthread_cond_init(&da->cv, NULL);
    int rc = open_all(da, dir, db_path, e);
    if (rc < 0) {
        demo_alerts_free(da);
        return NULL;
    }
    return da;
}

void demo_alerts_free(struct demo_alerts *da)
{
    if (!da)
        return;
    if (da->started) {
        pthread_mutex_lock(&da->mu);
        da->stop = 1;
        pthread_cond_signal(&da->cv);
        pthread_mutex_unlock(&da->mu);
        pthread_join(da->th, NULL);
    }
    notify_free(da->nt);
    alert_free(da->en);
    store_close(da->s);
    rules_free(da->rs);
    demo_sink_free(da->sink);
    pthread_mutex_destroy(&da->mu);
    pthread_cond_destroy(&da->cv);
    free(da);
}
