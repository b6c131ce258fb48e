/* demo_int: the demo generator's internals, shared by demo.c (time,
 * files, rotation), flows.c (what each service writes) and gen.c (random
 * numbers, timestamps, the line queue; below both). */
#ifndef LOGDECK_DEMO_INT_H
#define LOGDECK_DEMO_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "src/demo/demo.h"

enum { F_GATEWAY, F_API, F_WORKER, F_HEALTH, F_MUSIC, F_N };

#define LINE_MAX_DEMO 2048
#define BURST_EVERY_US 60000000LL
#define BURST_LEN_US 6000000LL

struct demo_event {
    int64_t ts;
    int file;
    char *text;      /* whole line(s), '\n'-terminated; owned */
};

struct demo {
    struct demo_opts o;
    char dir[4096];
    FILE *f[F_N];
    int64_t bytes[F_N];
    uint64_t rng;
    int64_t t;                        /* generated up to here (µs) */
    int64_t next_req, next_health, next_metric, burst_at;
    struct demo_event *q;                 /* pending lines, ordered by ts */
    size_t nq, capq;
    int64_t records, requests, errors;
    double backlog;                   /* failed requests queued for retry (queue_length) */
    pthread_t th;
    int running, stop;
    pthread_mutex_t mu;
};

/* gen.c. Random numbers (xorshift64), uniform in [0, 1), a coin, a pick. */
uint64_t demo_rnd(struct demo *d);
double demo_unif(struct demo *d);
int demo_chance(struct demo *d, double p);
const char *demo_pick(struct demo *d, const char *const *v, size_t n);
#define DEMO_PICK(d, arr) demo_pick(d, arr, sizeof arr / sizeof arr[0])
void demo_uuid(struct demo *d, char out[37]);

/* Timestamps as each service writes them (out holds 40 bytes). */
void demo_iso_us(int64_t us, char *out);       /* 2024-01-01T12:00:00.123456Z */
void demo_iso_ms(int64_t us, char *out);       /* 2024-01-01T12:00:00.123Z */
void demo_iso_offset(int64_t us, char *out);   /* 2024-01-01T12:00:00.123456+00:00 */
void demo_py_time(int64_t us, char *out);      /* 2024-01-01 13:00:00,123 (local) */

/* Queues a line (or lines) for file at time ts. Returns 0 or -1. */
int demo_schedule(struct demo *d, int64_t ts, int file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int demo_in_burst(const struct demo *d, int64_t t);

/* flows.c: one request through the services; a round of health
 * checks; the gateway's metric records. */
void demo_flow_request(struct demo *d, int64_t t);
void demo_flow_health(struct demo *d, int64_t t);
void demo_flow_metrics(struct demo *d, int64_t t);

#endif
