/* demo: the live demo log generator (see demo.h). Requests arrive as a
 * Poisson process; each schedules its lines in the services' files at
 * their own times (a queue ordered by time), so every file is written in
 * time order, as a real service would. This file owns the time, the
 * files and their rotation; flows.c what each service writes; gen.c the
 * random numbers, timestamps and the line queue both use. */
#include "src/demo/demo.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/demo/demo_int.h"
#include "src/base/ts.h"
#include "src/base/thread.h"

static const char *const file_names[F_N] = {
    "gateway.jsonl", "api.jsonl", "worker.log", "health.jsonl", "musicgen.jsonl",
};

static int rotate(struct demo *d, int f, struct err *e)
{
    char a[4200], b[4200];
    fclose(d->f[f]);
    d->f[f] = NULL;
    snprintf(a, sizeof a, "%s/%s.2", d->dir, file_names[f]);
    unlink(a);
    snprintf(b, sizeof b, "%s/%s.1", d->dir, file_names[f]);
    rename(b, a);
    snprintf(a, sizeof a, "%s/%s", d->dir, file_names[f]);
    rename(a, b);
    d->f[f] = fopen(a, "a");
    d->bytes[f] = 0;
    return d->f[f] ? 0 : err_set(e, "cannot create %s: %s", a, strerror(errno));
}

/* Writes the queued lines due by now, in time order. */
static int flush_due(struct demo *d, int64_t now, struct err *e)
{
    size_t k = 0;
    while (k < d->nq && d->q[k].ts <= now) {
        struct demo_event *ev = &d->q[k++];
        size_t n = strlen(ev->text);
        if (fwrite(ev->text, 1, n, d->f[ev->file]) != n)
            return err_set(e, "cannot write the demo logs: %s", strerror(errno));
        d->bytes[ev->file] += (int64_t)n;
        d->records++;
        free(ev->text);
        if (d->bytes[ev->file] > d->o.rotate_bytes) {
            fflush(d->f[ev->file]);
            if (rotate(d, ev->file, e) < 0)
                return -1;
        }
    }
    memmove(d->q, d->q + k, (d->nq - k) * sizeof *d->q);
    d->nq -= k;
    for (int f = 0; f < F_N; f++)
        fflush(d->f[f]);
    return 0;
}

int demo_step(struct demo *d, int64_t now, struct err *e)
{
    while (d->t < now) {
        int64_t t = d->next_req;
        if (d->next_health < t)
            t = d->next_health;
        if (d->next_metric < t)
            t = d->next_metric;
        if (t > now)
            break;
        if (t >= d->burst_at + BURST_LEN_US)
            d->burst_at += BURST_EVERY_US - 5000000 + (int64_t)(demo_rnd(d) % 15000000);
        if (t == d->next_req) {
            demo_flow_request(d, t);
            d->next_req += (int64_t)(-log(1.0 - demo_unif(d)) / d->o.rate * 1e6) + 1;
        } else if (t == d->next_health) {
            demo_flow_health(d, t);
            d->next_health += 5000000;
            if (demo_in_burst(d, t))   /* the checker hangs on the timed-out upstream */
                d->next_health += 30000000;
        } else {
            demo_flow_metrics(d, t);
            d->next_metric += 10000000;
        }
        d->t = t;
    }
    d->t = now;
    return flush_due(d, now, e);
}

struct demo *demo_new(const struct demo_opts *o, struct err *e)
{
    struct demo *d = calloc(1, sizeof *d);
    if (!d) {
        err_set(e, "out of memory");
        return NULL;
    }
    d->o = *o;
    snprintf(d->dir, sizeof d->dir, "%s", o->dir);
    d->o.dir = d->dir;
    if (d->o.rate <= 0)
        d->o.rate = 4;
    if (d->o.rotate_bytes <= 0)
        d->o.rotate_bytes = 2 << 20;
    d->rng = o->seed ? o->seed : (uint64_t)ts_now() * 2654435761ULL + (uint64_t)getpid();
    if (!d->rng)
        d->rng = 88172645463325252ULL;
    pthread_mutex_init(&d->mu, NULL);
    int64_t now = ts_now();
    d->t = now - o->backfill_us;
    d->next_req = d->next_health = d->next_metric = d->t;
    d->burst_at = d->t + 20000000;   /* the first burst comes early */
    for (int f = 0; f < F_N; f++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", d->dir, file_names[f]);
        if (!(d->f[f] = fopen(p, "a"))) {
            err_set(e, "cannot create %s: %s", p, strerror(errno));
            demo_free(d);
            return NULL;
        }
    }
    if (demo_step(d, now, e) < 0) {
        demo_free(d);
        return NULL;
    }
    return d;
}

static void *run(void *arg)
{
    struct demo *d = arg;
    for (;;) {
        pthread_mutex_lock(&d->mu);
        int stop = d->stop;
        struct err e = {0};
        if (!stop && demo_step(d, ts_now(), &e) < 0)
            stop = 1;   /* disk full: the demo stops writing, the UI goes on */
        pthread_mutex_unlock(&d->mu);
        if (stop)
            break;
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int demo_start(struct demo *d, struct err *e)
{
    int rc = thread_start("ld-demo", &d->th, run, d);
    if (rc != 0)
        return err_set(e, "cannot start the demo thread: %s", strerror(rc));
    d->running = 1;
    return 0;
}

void demo_free(struct demo *d)
{
    if (!d)
        return;
    if (d->running) {
        pthread_mutex_lock(&d->mu);
        d->stop = 1;
        pthread_mutex_unlock(&d->mu);
        pthread_join(d->th, NULL);
    }
    for (int f = 0; f < F_N; f++)
        if (d->f[f])
            fclose(d->f[f]);
    for (size_t i = 0; i < d->nq; i++)
        free(d->q[i].text);
    free(d->q);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

int64_t demo_records(const struct demo *d)
{
    return d->records;
}
