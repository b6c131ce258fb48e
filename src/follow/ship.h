/* ship: sends the records of a local store (the journal) to a ClickHouse
 * backend, exactly once. A shipper thread reads committed records in id
 * order through its own read connection and sends them in batches of at
 * most batch_max rows or interval_ms of waiting, one INSERT each, never
 * spanning two days (a day is one partition, so an INSERT is one part:
 * all or nothing). After an unknown outcome (timeout, 5xx, the server
 * killed) it asks the server for the highest record id it holds for
 * (host, store id) and resends only what follows. */
#ifndef LOGDECK_SHIP_H
#define LOGDECK_SHIP_H

#include <stdint.h>

#include "src/base/err.h"

struct ship_opts {
    const char *url;        /* clickhouse://... */
    const char *host;       /* the records' host name */
    const char *store_id;   /* store_ship_id() of the journal */
    int batch_max;          /* rows per INSERT; <= 0: 100000 */
    int interval_ms;        /* longest wait before sending a partial batch; <= 0: 1000 */
    int verbose;
};

struct ship_stats {
    int64_t shipped;        /* records acknowledged by the server */
    int64_t batches;
    int64_t resyncs;        /* unknown outcomes resolved by asking the server */
    int64_t last_rid;       /* highest record id known to be on the server */
    char last_error[300];
};

struct shipper;

/* Starts the thread on the store at journal_path (copies opts' strings). */
struct shipper *ship_start(const char *journal_path, const struct ship_opts *o, struct err *e);
/* Stops and joins it; with drain, first ships everything committed so far
 * (waiting at most drain_ms). NULL is a no-op. Fills st when not NULL. */
void ship_stop(struct shipper *s, int drain, int drain_ms, struct ship_stats *st);
void ship_stats_get(struct shipper *s, struct ship_stats *st);

#endif
