/* notify: delivery of alert notifications out of the machine (libcurl,
 * dlopen()ed by notify_new: src/base/curl_dl.h). The bodies are rendered by the
 * engine (src/alert/notice.h) and stored in the outbox; here a thread with
 * its own store connection sends each notifier's outbox in order, at most
 * one message per min_interval per notifier, honouring 429 Retry-After,
 * retrying 5xx/timeouts/connection errors with exponential backoff and
 * jitter until max_age (then the message is marked failed), and marking the
 * notifier broken on 400/401/403/404/410 with the endpoint's error text
 * (e.g. Slack's `channel_not_found`); a broken notifier is retried when its
 * configuration changes. A message is marked sent after the endpoint
 * accepted it: a crash in between sends it once more (at most one duplicate
 * per crash). URLs are only ever shown masked (redact_url). */
#ifndef LOGDECK_NOTIFY_H
#define LOGDECK_NOTIFY_H

#include <stdint.h>

#include "src/base/err.h"
#include "src/alert/rules.h"

struct notify;

/* Delivery settings that are not per notifier (tests compress time). */
struct notify_opts {
    int64_t poll;               /* idle poll of the outbox, µs (default 200 ms) */
    double backoff_scale;       /* multiplies every backoff and min_interval (default 1;
                                   $LOGDECK_BACKOFF_SCALE) */
    int verbose;                /* log deliveries to stderr */
};

/* Opens its own connection to the store at db_path (and the alert tables).
 * Copies what it needs from rs (URLs from $url_env are read now). */
struct notify *notify_new(const char *db_path, const struct ruleset *rs,
                          const struct notify_opts *o, struct err *e);
/* New notifier settings (SIGHUP): a broken notifier whose settings changed
 * is retried. Thread-safe. */
int notify_reload(struct notify *n, const struct ruleset *rs, struct err *e);
/* Starts / stops the delivery thread. Stop aborts a request in flight
 * (the message stays queued) and joins the thread. */
int notify_start(struct notify *n, struct err *e);
void notify_stop(struct notify *n);
/* One pass over every notifier (the thread's body); for tests and for
 * callers that drive delivery themselves. Returns messages attempted. */
int notify_pass(struct notify *n, int64_t now, struct err *e);
void notify_free(struct notify *n);   /* stops first; NULL is a no-op */

#endif
