/* notice: the text of alert notifications (no I/O): an alert_notice
 * becomes the JSON body a notifier type expects (Slack incoming-webhook
 * `text` + blocks, or logdeck's stable webhook document), with every string
 * redacted (redact.h). The engine (alert.c) renders at the moment of the
 * state change and stores the body in the outbox in the same transaction;
 * src/notify/ only delivers what is stored. */
#ifndef LOGDECK_ALERT_NOTICE_H
#define LOGDECK_ALERT_NOTICE_H

#include <stddef.h>
#include <stdint.h>

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
    const char *dedupe;          /* stable key: rule/hash of group/episode/kind/ts */
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
char *notice_render(int type, const struct alert_notice *n);

/* The `logdeck query` line that reproduces the matching records. */
char *notice_query_line(const char *query, int64_t since, int64_t until, char *buf, size_t cap);

#endif
