/* demo: a generator of realistic, live, rotating logs in the seed formats,
 * for `logdeck demo` (and benchmarks). Five services share request ids:
 *
 *   gateway.jsonl   nested JSON (process.id, thread.id) + metric records
 *   api.jsonl       structlog JSON (event, request_id, status_code, duration_ms)
 *   worker.log      Python text format, tracebacks on failures
 *   health.jsonl    the health-checker's loguru JSON (component, operation)
 *   musicgen.jsonl  ECS dotted keys (log.level, trace.correlation_id)
 *
 * with slow requests, an error burst about once a minute (quota errors,
 * tracebacks, 5xx, a degraded upstream), Vietnamese text in the TTS
 * service's fields, and rename rotation (NAME -> NAME.1 -> NAME.2) when a
 * file passes rotate_bytes. Time is wall-clock time; a backfill writes the
 * minutes before "now" first so the demo opens on a full screen. */
#ifndef LOGDECK_DEMO_H
#define LOGDECK_DEMO_H

#include <stdint.h>

#include "src/base/err.h"

struct demo_opts {
    const char *dir;          /* existing directory the logs are written to */
    uint64_t seed;            /* 0: from the clock */
    double rate;              /* requests per second (each is several records); 0: 4 */
    int64_t rotate_bytes;     /* 0: 2 MB */
    int64_t backfill_us;      /* history written at start; 0: none */
};

struct demo;

/* Creates the generator and writes the backfill. Returns NULL with e
 * filled if the directory cannot be written. */
struct demo *demo_new(const struct demo_opts *o, struct err *e);
/* Writes everything due up to now_us (call it often, e.g. every 50 ms). */
int demo_step(struct demo *d, int64_t now_us, struct err *e);
/* Runs demo_step in a thread until demo_free. */
int demo_start(struct demo *d, struct err *e);
void demo_free(struct demo *d);   /* stops the thread; NULL is a no-op */
/* Records written so far (all files). */
int64_t demo_records(const struct demo *d);

#endif
