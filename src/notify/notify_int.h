/* notify_int: what notify.c (the set of notifiers, reload, one worker
 * thread per notifier) and notify_send.c (one delivery: the outbox head,
 * the HTTP exchange, its outcome) share. Not a public API. */
#ifndef LOGDECK_NOTIFY_INT_H
#define LOGDECK_NOTIFY_INT_H

#include <pthread.h>
#include <stdint.h>

#include "db/alerts_db.h"
#include "src/base/curl_dl.h"
#include "src/notify/notify.h"

#define MAX_NOTIFIERS 64

struct target {
    struct notifier_conf c;      /* strings owned: name, url */
    char hash[17];
    char masked[256];
};

/* One notifier's delivery: its thread sends its queue in order, one
 * message in flight, at most one per min_interval. */
struct worker {
    struct notify *n;
    char *name;                  /* immutable */
    pthread_mutex_t mu;          /* guards t, wake, reset */
    pthread_cond_t cv;
    struct target t;             /* settings, replaced whole by a reload */
    _Atomic unsigned gen;        /* bumped when the settings change */
    int wake, reset;             /* reset: settings changed, re-read row and pace */
    _Atomic int stop, live, done;   /* live: its reload committed; done: thread ended */
    pthread_t th;
    int started;
    /* The worker's own (its thread, or notify_pass's caller): */
    CURL *curl;
    unsigned seed;
    unsigned req_gen;            /* gen of the request in flight */
    int64_t not_before;          /* µs: pace, Retry-After, backoff */
    int paced;                   /* not_before restored from the store */
};

struct notify {
    struct store *s;             /* delivery's own connection */
    pthread_mutex_t dbmu;        /* guards s: held for SQL only, never across I/O */
    pthread_mutex_t mu;          /* guards w, nw, retired, running */
    struct notify_opts o;
    const struct curl_api *cu;
    struct worker *w[MAX_NOTIFIERS];
    int nw;
    struct worker *retired[MAX_NOTIFIERS];   /* removed by a reload, stopping */
    int nretired;
    int running;
};

/* Sends w's oldest queued message if it is due: 1 attempted, 0 nothing to
 * do (or aborted by stop / a settings change), -1 store error (e). */
int notify_deliver(struct worker *w, int64_t now, struct err *e);

#endif
