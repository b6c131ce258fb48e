/* notify: alert notifications out of the machine. Two halves:
 *
 * - rendering (no I/O): an alert_notice becomes the JSON body a notifier
 *   type expects (Slack incoming-webhook `text` + blocks, or logdeck's
 *   stable webhook document), with every string redacted (redact.h). The
 *   engine renders at the moment of the state change and stores the body
 *   in the outbox in the same transaction.
 *
 * - delivery (libcurl, dlopen()ed by notify_new: src/base/curl_dl.h): a thread
 *   with its own store connection that sends each notifier's outbox in
 *   order, at most one message per min_interval per notifier, honouring
 *   429 Retry-After, retrying 5xx/timeouts/connection errors with
 *   exponential backoff and jitter until max_age (then the message is
 *   marked failed), and marking the notifier broken on 400/401/403/404/410
 *   with the endpoint's error text (e.g. Slack's `channel_not_found`); a
 *   broken notifier is retried when its configuration changes. A message
 *   is marked sent after the endpoint accepted it: a crash in between sends
 *   it once more (at most one duplicate per crash). URLs are only ever
 *   shown masked (redact_url). */
#ifndef LOGDECK_NOTIFY_H
#define LOGDECK_NOTIFY_H

#include <stdint.h>

#include "src/base/err.h"
#include "src/alert/rules.h"

struct alert_notice {
    const char *rule, *grp;      /* grp: "" when the rule has no group_by */
    const char *kind;            /* "firing", "repeat", "resolved" */
    int severity;                /* enum severity */
    int type;                    /* enum rule_type */
    double value;
    const char *value_text;      /* value as shown ("7.3%", "12", "350ms") */
    const char *threshold;       /* "> 5%" */
    int64_t window;              /* µs */
    int64_t count;               /* records in the window */
    int64_t ts, started;         /* µs: this event, the firing's start */
    const char *summary;         /* rendered template (redacted again here) */
    const char *description;     /* or NULL */
    const char *sample;          /* a matching message, or NULL */
    const char *query;           /* query text of the records (no time bounds) */
    int64_t win_since, win_until;
    const char *dedupe;          /* stable key: rule/group/episode/kind/seq */
};

/* Malloc'd JSON body for notifier type (enum notifier_type), or NULL when
 * out of memory.
 *   slack:   {"text": "🚨 CRITICAL: <summary>", "blocks": [section with
 *            severity, state and summary plus fields Rule, Group, Value
 *            (value and threshold), Window; the description; the sample;
 *            a context line with the `logdeck query` command]}
 *            (resolutions: "✅ RESOLVED CRITICAL: ...")
 *   webhook: {"version": 1, "source": "logdeck", "kind": firing|repeat|
 *            resolved, "status": firing|resolved, "rule", "group",
 *            "severity", "type", "value", "value_text", "threshold",
 *            "window", "window_seconds", "count", "summary", "description"
 *            (or null), "sample" (or null), "query", "started_at", "ts",
 *            "dedupe_key"}: fields are only ever added. */
char *notify_render(int type, const struct alert_notice *n);

/* The `logdeck query` line that reproduces the matching records. */
char *notify_query_line(const char *query, int64_t since, int64_t until, char *buf, size_t cap);

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
