/* ship: sends the records of a local store (the journal) to a ClickHouse
 * backend, exactly once. A shipper thread reads committed records in id
 * order through its own read connection and sends them in batches of at
 * most batch_max rows, 12 MB or interval_ms of waiting, one INSERT each, never
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
    int confirmed;          /* 1 once the server said where its copy ends (last_rid
                               is 0 and means nothing before) */
    char last_error[300];
};

struct shipper;

/* Starts the thread on the store at journal_path (copies opts' strings). */
struct shipper *ship_start(const char *journal_path, const struct ship_opts *o, struct err *e);
enum ship_drain {
    SHIP_DRAIN_NONE,            /* stop now */
    SHIP_DRAIN_FOR,             /* ship what is committed, for at most drain_ms */
    SHIP_DRAIN_WHILE_PROGRESS,  /* ... for as long as batches are acknowledged:
                                   give up after drain_ms without one */
};
/* Stops and joins it, first shipping everything committed so far as drain
 * says (a request under way is never cut: the give-up is checked between
 * requests). NULL is a no-op. Fills st when not NULL. */
void ship_stop(struct shipper *s, enum ship_drain drain, int drain_ms, struct ship_stats *st);
void ship_stats_get(struct shipper *s, struct ship_stats *st);

#endif
