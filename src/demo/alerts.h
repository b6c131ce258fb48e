/* alerts: the alerting half of `logdeck demo`. Writes a rules file
 * into the demo directory (alerts.yaml: an API error rate, the gateway's
 * queue_length metric, an auth-failure count and an absence rule on the
 * health checker, with windows short enough that they fire and resolve
 * within the demo's first minutes, following its error bursts), starts
 * the in-process webhook sink (sink.h) as their notifier, and runs
 * the alert engine (alert.h) in a thread on its own write connection to
 * the demo store, evaluating as the TUI's follower commits records, with
 * the notifier's delivery thread (notify.h): the engine and delivery of
 * `logdeck alerts run`, without its follower. */
#ifndef LOGDECK_DEMO_ALERTS_H
#define LOGDECK_DEMO_ALERTS_H

#include "src/base/err.h"

struct demo_alerts;

/* dir: the demo directory (alerts.yaml is written there); db_path: the
 * demo store (created when missing). Its threads block every signal.
 * Returns NULL with e filled. */
struct demo_alerts *demo_alerts_start(const char *dir, const char *db_path, struct err *e);
/* Stops the engine, delivery and sink. NULL is a no-op. */
void demo_alerts_free(struct demo_alerts *da);

#endif
