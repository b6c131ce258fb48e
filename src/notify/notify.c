/* notify: delivery of the outbox (see notify.h): the notifier set, its
 * reload, and one worker per notifier. Each worker has its own thread,
 * libcurl handle, queue (the notifier's rows of the outbox) and pacing, so
 * a webhook that hangs delays only its own messages. Locks:
 *   n->mu    the worker list (reload, stop, notify_pass)
 *   n->dbmu  the store connection, held for the SQL only, never across I/O
 *   w->mu    a worker's settings, swapped whole by a reload
 * No lock is held across a request; a reload never waits for one (a
 * changed or removed notifier aborts its request in flight, which stays
 * queued). The HTTP exchange and its outcome are in notify_send.c. */
#include "src/notify/notify_int.h"
#include "src/alert/redact.h"
#include "src/base/thread.h"
#include "src/base/ts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void target_fini(struct target *t)
{
    free(t->c.name);
    free(t->c.url);
    memset(t, 0, sizeof *t);
}

/* A copy of c with its URL resolved ($url_env is read now). 0 or -1 (OOM). */
static int target_init(struct target *t, const struct notifier_conf *c)
{
    memset(t, 0, sizeof *t);
    t->c = *c;
    t->c.file = t->c.url_env = NULL;
    const char *url = c->url ? c->url : c->url_env ? getenv(c->url_env) : NULL;
    t->c.name = strdup(c->name);
    t->c.url = url && *url ? strdup(url) : NULL;
    if (!t->c.name || (url && *url && !t->c.url)) {
        target_fini(t);
        return -1;
    }
    rules_notifier_hash(&t->c, t->hash);
    if (t->c.url)
        redact_url(t->c.url, t->masked, sizeof t->masked);
    else
        snprintf(t->masked, sizeof t->masked, "(unset: $%s)", c->url_env ? c->url_env : "?");
    return 0;
}

/* The notifier's row for settings t: a new or changed configuration is
 * tried again (state ok). Call under dbmu, inside a transaction. */
static int sync_row(struct store *s, const struct target *t, const char *url_env, struct err *e)
{
    struct adb_notifier row = {0};
    int have = alerts_db_notifier_get(s, t->c.name, &row, e);
    if (have < 0)
        return -1;
    if (!have || strcmp(row.config_hash, t->hash) != 0) {
        snprintf(row.name, sizeof row.name, "%s", t->c.name);
        row.state = NS_OK;
        row.reason[0] = '\0';
    }
    snprintf(row.type, sizeof row.type, "%s", t->c.type == NOTIFIER_SLACK ? "slack" : "webhook");
    snprintf(row.url_masked, sizeof row.url_masked, "%s", t->masked);
    memcpy(row.config_hash, t->hash, sizeof row.config_hash);
    if (!t->c.url) {
        row.state = NS_BROKEN;
        snprintf(row.reason, sizeof row.reason, "no URL: environment variable %s is not set",
                 url_env ? url_env : "?");
    }
    return alerts_db_notifier_put(s, &row, e);
}

/* Every row of the new set in one transaction: all written or none. */
static int sync_rows(struct notify *n, const struct ruleset *rs, const struct target *t,
                     struct err *e)
{
    pthread_mutex_lock(&n->dbmu);
    int rc = alerts_db_begin(n->s, e);
    for (int i = 0; rc == 0 && i < rs->nnotifiers; i++)
        rc = sync_row(n->s, &t[i], rs->notifiers[i].url_env, e);
    if (rc == 0)
        rc = alerts_db_commit(n->s, e);
    if (rc < 0)
        alerts_db_rollback(n->s);
    pthread_mutex_unlock(&n->dbmu);
    return rc;
}

static struct worker *worker_new(struct notify *n, const char *name)
{
    struct worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->n = n;
    w->seed = (unsigned)ts_now() ^ (unsigned)(uintptr_t)w;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (!(w->name = strdup(name)) || !(w->curl = n->cu->easy_init())) {
        free(w->name);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return NULL;
    }
    return w;
}

static void worker_wake(struct worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->wake = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* Stops and frees w (joins its thread: a request in flight aborts). */
static void worker_free(struct worker *w)
{
    if (!w)
        return;
    w->stop = 1;
    worker_wake(w);
    if (w->started)
        pthread_join(w->th, NULL);
    target_fini(&w->t);
    w->n->cu->easy_cleanup(w->curl);
    free(w->name);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}

/* Sleeps until woken, stopped or us have passed. */
static void worker_sleep(struct worker *w, int64_t us)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t ns = ts.tv_nsec + (us % 1000000) * 1000;
    ts.tv_sec += us / 1000000 + ns / 1000000000;
    ts.tv_nsec = ns % 1000000000;
    pthread_mutex_lock(&w->mu);
    if (!w->stop && !w->wake)
        pthread_cond_timedwait(&w->cv, &w->mu, &ts);
    w->wake = 0;
    pthread_mutex_unlock(&w->mu);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct notify *n = w->n;
    while (!w->stop && !w->live)   /* a reload that may still be rolled back */
        worker_sleep(w, 50000);
    while (!w->stop) {
        struct err e = {0};
        int rc = notify_deliver(w, ts_now(), &e);
        if (rc < 0 && n->o.verbose)
            fprintf(stderr, "logdeck alerts: %s: delivery: %s\n", w->name, e.msg);
        if (rc <= 0)
            worker_sleep(w, n->o.poll);
    }
    w->done = 1;
    return NULL;
}

static int worker_start(struct worker *w, struct err *e)
{
    if (thread_start("ld-notify", &w->th, worker_main, w) != 0)
        return err_set(e, "cannot start the delivery thread of notifier %s", w->name);
    w->started = 1;
    return 0;
}

static struct worker *find_worker(struct notify *n, const char *name)
{
    for (int i = 0; i < n->nw; i++)
        if (strcmp(n->w[i]->name, name) == 0)
            return n->w[i];
    return NULL;
}

/* Joins the retired workers whose threads have ended. Under n->mu. */
static void reap(struct notify *n, int all)
{
    int k = 0;
    for (int i = 0; i < n->nretired; i++) {
        struct worker *w = n->retired[i];
        if (all || w->done || !w->started)
            worker_free(w);
        else
            n->retired[k++] = w;
    }
    n->nretired = k;
}

/* The new set takes effect: settings swapped, new workers live, removed
 * ones stopped (joined later, never waited for here). Cannot fail. */
static void commit_set(struct notify *n, const struct ruleset *rs, struct target *t,
                       struct worker **nw)
{
    struct worker *keep[MAX_NOTIFIERS];
    pthread_mutex_lock(&n->mu);
    for (int i = 0; i < rs->nnotifiers; i++) {
        struct worker *w = nw[i];
        pthread_mutex_lock(&w->mu);
        if (strcmp(w->t.hash, t[i].hash) != 0) {
            w->gen++;                       /* aborts a request with the old settings */
            w->reset = 1;                   /* the worker re-reads its row and pace */
        }
        target_fini(&w->t);
        w->t = t[i];
        w->live = 1;
        w->wake = 1;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        keep[i] = w;
    }
    for (int i = 0; i < n->nw; i++) {
        int kept = 0;
        for (int j = 0; j < rs->nnotifiers && !kept; j++)
            kept = keep[j] == n->w[i];
        if (!kept) {
            n->w[i]->stop = 1;
            worker_wake(n->w[i]);
            n->retired[n->nretired++] = n->w[i];
        }
    }
    memcpy(n->w, keep, (size_t)rs->nnotifiers * sizeof keep[0]);
    n->nw = rs->nnotifiers;
    reap(n, 0);
    pthread_mutex_unlock(&n->mu);
}

/* All or nothing: settings copied, workers for new names created (and
 * started, waiting), rows written in one transaction; only then the swap.
 * On failure everything new is undone and the current set stays. */
static int load_set(struct notify *n, const struct ruleset *rs, struct err *e)
{
    struct target t[MAX_NOTIFIERS] = {0};
    struct worker *nw[MAX_NOTIFIERS] = {0};
    int made[MAX_NOTIFIERS] = {0}, rc = 0;
    if (rs->nnotifiers > MAX_NOTIFIERS)
        return err_setc(e, 2, "%d notifiers: at most %d are supported", rs->nnotifiers,
                        MAX_NOTIFIERS);
    pthread_mutex_lock(&n->mu);
    reap(n, n->nretired + n->nw > MAX_NOTIFIERS);   /* bounded: at most 2 sets alive */
    for (int nt = 0; rc == 0 && nt < rs->nnotifiers; nt++) {
        const char *name = rs->notifiers[nt].name;
        for (int j = 0; j < nt && rc == 0; j++)
            if (strcmp(t[j].c.name, name) == 0)
                rc = err_setc(e, 2, "notifier %s is defined twice", name);
        if (rc == 0 && target_init(&t[nt], &rs->notifiers[nt]) < 0)
            rc = err_set(e, "out of memory loading notifier %s", name);
        if (rc < 0 || (nw[nt] = find_worker(n, name)))
            continue;
        made[nt] = 1;
        if (!(nw[nt] = worker_new(n, name)))
            rc = err_set(e, "out of memory starting notifier %s", name);
        else if (n->running)
            rc = worker_start(nw[nt], e);
    }
    pthread_mutex_unlock(&n->mu);
    if (rc == 0 && sync_rows(n, rs, t, e) < 0)
        rc = -1;
    if (rc == 0) {
        commit_set(n, rs, t, nw);
        return 0;
    }
    for (int i = 0; i < rs->nnotifiers; i++) {
        target_fini(&t[i]);
        if (made[i])
            worker_free(nw[i]);
    }
    return -1;
}

struct notify *notify_new(const char *db_path, const struct ruleset *rs,
                          const struct notify_opts *o, struct err *e)
{
    struct notify *n = calloc(1, sizeof *n);
    if (!n) {
        err_set(e, "out of memory");
        return NULL;
    }
    if (o)
        n->o = *o;
    if (n->o.poll <= 0)
        n->o.poll = 200000;
    if (n->o.backoff_scale <= 0) {
        const char *v = getenv("LOGDECK_BACKOFF_SCALE");
        n->o.backoff_scale = v && atof(v) > 0 ? atof(v) : 1.0;
    }
    pthread_mutex_init(&n->mu, NULL);
    pthread_mutex_init(&n->dbmu, NULL);
    if (!(n->cu = curl_dl_get(e)) || !(n->s = store_open(db_path, STORE_WRITE, e)) ||
        alerts_db_init(n->s, e) < 0 || load_set(n, rs, e) < 0) {
        notify_free(n);
        return NULL;
    }
    return n;
}

int notify_reload(struct notify *n, const struct ruleset *rs, struct err *e)
{
    return load_set(n, rs, e);
}

int notify_pass(struct notify *n, int64_t now, struct err *e)
{
    int done = 0;
    pthread_mutex_lock(&n->mu);
    for (int i = 0; i < n->nw; i++) {
        int rc = notify_deliver(n->w[i], now, e);
        if (rc < 0) {
            done = -1;
            break;
        }
        done += rc;
        now = ts_now();
    }
    pthread_mutex_unlock(&n->mu);
    return done;
}

int notify_start(struct notify *n, struct err *e)
{
    pthread_mutex_lock(&n->mu);
    int rc = 0;
    for (int i = 0; i < n->nw && rc == 0; i++)
        if (!n->w[i]->started)
            rc = worker_start(n->w[i], e);
    n->running = 1;
    pthread_mutex_unlock(&n->mu);
    if (rc < 0)
        notify_stop(n);
    return rc;
}

void notify_stop(struct notify *n)
{
    if (!n)
        return;
    pthread_mutex_lock(&n->mu);
    for (int i = 0; i < n->nw; i++) {   /* all at once: requests abort in parallel */
        n->w[i]->stop = 1;
        worker_wake(n->w[i]);
    }
    for (int i = 0; i < n->nw; i++) {
        struct worker *w = n->w[i];
        if (w->started)
            pthread_join(w->th, NULL);
        w->started = 0;
        w->stop = 0;
    }
    reap(n, 1);
    n->running = 0;
    pthread_mutex_unlock(&n->mu);
}

void notify_free(struct notify *n)
{
    if (!n)
        return;
    notify_stop(n);
    for (int i = 0; i < n->nw; i++)
        worker_free(n->w[i]);
    store_close(n->s);
    pthread_mutex_destroy(&n->mu);
    pthread_mutex_destroy(&n->dbmu);
    free(n);
}
