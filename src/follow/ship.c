/* ship: the shipper thread (see ship.h). */
#include "src/follow/ship.h"

#include "db/chstore.h"
#include "db/store.h"
#include "src/base/thread.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct shipper {
    char *journal, *url, *host, *store_id;
    int batch_max, interval_ms, verbose;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop, drain;        /* drain: enum ship_drain */
    int64_t drain_ms, drain_deadline;
    struct ship_stats st;
    /* thread-only */
    struct store *local;
    struct chstore *ch;
    int64_t cursor;         /* highest rid queued or shipped */
    int64_t batch_day;
    int64_t batch_start;    /* ms when the batch's first row was added */
    int day_break;
};

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits ms unless stopped; returns 1 when asked to stop (without drain). */
static int nap(struct shipper *s, int ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    if (!s->stop)
        pthread_cond_timedwait(&s->cv, &s->mu, &t);
    int r = s->stop && !s->drain;
    pthread_mutex_unlock(&s->mu);
    return r;
}

/* A batch is full at batch_max rows or SHIP_BATCH_BYTES of INSERT body
 * (the buffer, grown by doubling, stays within 16 MB: 100k rows of
 * 750-byte TSV would hold 128 MB). */
#define SHIP_BATCH_BYTES (12u << 20)

static int full(struct shipper *s)
{
    return (int)chstore_ship_pending(s->ch) >= s->batch_max ||
           chstore_ship_bytes(s->ch) >= SHIP_BATCH_BYTES;
}

static int on_row(void *ctx, const struct store_row *row)
{
    struct shipper *s = ctx;
    int64_t day = row->rec.ts / 86400000000LL;
    if (chstore_ship_pending(s->ch) && day != s->batch_day) {
        s->day_break = 1;   /* the next INSERT starts with this day */
        return 1;
    }
    struct err e = {0};
    if (!chstore_ship_pending(s->ch)) {
        s->batch_day = day;
        s->batch_start = now_ms();
    }
    if (chstore_ship_add(s->ch, s->host, s->store_id, row, &e) < 0)
        return 1;
    s->cursor = row->id;
    return full(s);
}

static int drained(struct shipper *s)
{
    pthread_mutex_lock(&s->mu);
    int d = s->stop && s->drain;
    int late = d && now_ms() > s->drain_deadline;
    pthread_mutex_unlock(&s->mu);
    return late ? 2 : d;
}

/* A request under way is abandoned when the shipper is stopped without
 * drain, or its drain has run out of time (a hung server must not hold a
 * stop for the URL's whole timeout). */
static int give_up(void *ctx)
{
    struct shipper *s = ctx;
    pthread_mutex_lock(&s->mu);
    int r = s->stop && !s->drain;
    pthread_mutex_unlock(&s->mu);
    return r || drained(s) == 2;
}

static void note_error(struct shipper *s, const struct err *e)
{
    if (give_up(s) && s->st.last_error[0])
        return;   /* "no answer in the time given": the error before says why */
    pthread_mutex_lock(&s->mu);
    snprintf(s->st.last_error, sizeof s->st.last_error, "%.255s", e->msg);
    pthread_mutex_unlock(&s->mu);
    if (s->verbose)
        fprintf(stderr, "logdeck ship: %s\n", e->msg);
}

/* Connects (once) and learns where the server's copy ends. */
static int resync(struct shipper *s)
{
    struct err e = {0};
    if (!s->ch && !(s->ch = chstore_open_within(s->url, give_up, s, &e))) {
        note_error(s, &e);
        return -1;
    }
    chstore_ship_discard(s->ch);
    int64_t max = 0;
    if (chstore_max_rid(s->ch, s->host, s->store_id, &max, &e) < 0) {
        note_error(s, &e);
        return -1;
    }
    s->cursor = max;
    pthread_mutex_lock(&s->mu);
    s->st.last_rid = max;
    s->st.confirmed = 1;
    pthread_mutex_unlock(&s->mu);
    return 0;
}

/* Sends the pending batch; 0 sent, -1 failed (and resynced or not). */
static int flush(struct shipper *s)
{
    struct err e = {0};
    int unknown = 0;
    size_t n = chstore_ship_pending(s->ch);
    if (chstore_ship_flush(s->ch, &unknown, &e) < 0) {
        note_error(s, &e);
        chstore_ship_discard(s->ch);
        pthread_mutex_lock(&s->mu);
        s->st.resyncs++;
        pthread_mutex_unlock(&s->mu);
        s->cursor = -1;   /* ask the server before sending again */
        return -1;
    }
    pthread_mutex_lock(&s->mu);
    if (s->drain == SHIP_DRAIN_WHILE_PROGRESS)   /* an acknowledged batch is progress */
        s->drain_deadline = now_ms() + s->drain_ms;
    s->st.shipped += (int64_t)n;
    s->st.batches++;
    s->st.last_rid = s->cursor;
    s->st.last_error[0] = '\0';
    pthread_mutex_unlock(&s->mu);
    return 0;
}

static void *ship_main(void *arg)
{
    struct shipper *s = arg;
    int backoff = 100;
    for (;;) {
        struct err e = {0};
        if (drained(s) == 2)
            break;
        if (!s->local && !(s->local = store_open(s->journal, STORE_READ, &e))) {
            note_error(s, &e);
            if (nap(s, 500))
                break;
            continue;
        }
        if (s->cursor < 0 && resync(s) < 0) {
            if (nap(s, backoff))
                break;
            backoff = backoff < 2000 ? backoff * 2 : 2000;
            continue;
        }
        backoff = 100;
        s->day_break = 0;
        int64_t before = s->cursor;
        if (store_dump(s->local, s->cursor, on_row, s, &e) < 0)
            note_error(s, &e);
        int pending = (int)chstore_ship_pending(s->ch), is_full = full(s);
        int caught_up = s->cursor == before || (!s->day_break && !is_full);
        int64_t age = now_ms() - s->batch_start;
        /* full, a new day, old enough, or caught up with the journal and
         * 200 ms old (a quiet host's lines do not wait a whole interval) */
        int due = pending && (is_full || s->day_break || age >= s->interval_ms ||
                              (caught_up && age >= 200) || drained(s));
        if (due) {
            if (flush(s) < 0 && nap(s, 200))
                break;
            continue;
        }
        if (caught_up && drained(s) && !pending)
            break;
        if (caught_up && nap(s, 50))
            break;
    }
    return NULL;
}

struct shipper *ship_start(const char *journal_path, const struct ship_opts *o, struct err *e)
{
    struct shipper *s = calloc(1, sizeof *s);
    if (!s || !(s->journal = strdup(journal_path)) || !(s->url = strdup(o->url)) ||
        !(s->host = strdup(o->host)) || !(s->store_id = strdup(o->store_id))) {
        if (s)
            free(s->journal), free(s->url), free(s->host);
        free(s);
        err_set(e, "out of memory");
        return NULL;
    }
    s->batch_max = o->batch_max > 0 ? o->batch_max : 100000;
    s->interval_ms = o->interval_ms > 0 ? o->interval_ms : 1000;
    s->verbose = o->verbose;
    s->cursor = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (thread_start("ld-ship", &s->thread, ship_main, s) != 0) {   /* signals stay the caller's */
        err_set(e, "cannot start the shipper thread");
        free(s->journal), free(s->url), free(s->host), free(s->store_id), free(s);
        return NULL;
    }
    return s;
}

void ship_stats_get(struct shipper *s, struct ship_stats *st)
{
    pthread_mutex_lock(&s->mu);
    *st = s->st;
    pthread_mutex_unlock(&s->mu);
}

void ship_stop(struct shipper *s, enum ship_drain drain, int drain_ms, struct ship_stats *st)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    s->drain = drain;
    s->drain_ms = drain_ms;
    s->drain_deadline = now_ms() + drain_ms;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    if (st)
        *st = s->st;
    chstore_close(s->ch);
    store_close(s->local);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s->journal), free(s->url), free(s->host), free(s->store_id), free(s);
}
