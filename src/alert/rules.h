/* rules: alert rules and notifiers read from YAML (design.md, "Alert
 * rules (YAML)"). A rules file, or the config file, is a mapping with
 * optional `notifiers:`, `rules:` and `rule_files:` (paths relative to the
 * file; `sources:`/`store:` belong to the config module and are skipped).
 * Every query/match is compiled with query_compile() so a bad query is
 * reported where it is written. Errors name FILE:LINE:COL (1-based).
 *
 *   notifiers:
 *     oncall: {type: slack, url_env: SLACK_WEBHOOK_URL}
 *     audit:  {type: webhook, url: "http://127.0.0.1:9000/hook"}
 *   rules:
 *     - name: api-error-rate
 *       type: ratio          # any | count | ratio | metric | absence
 *       query: 'service:api' # the records that count
 *       match: 'level>=error'
 *       threshold: '> 5%'    # op (> >= < <= == !=) and number; % = /100
 *       window: 5m
 *       min_count: 100       # fewer records (denominator, values): no verdict
 *       for: 1m              # pending this long before firing (default 0)
 *       resolve_hold: 1m     # clear this long before resolving (default: for)
 *       group_by: [path]     # one field; each value is its own alert
 *       severity: critical   # info | warning (default) | error | critical
 *       notify: [oncall]
 *       repeat: 30m          # re-notify while firing (default: never)
 *       resolve_notify: true # send resolutions (default true)
 *       summary: '{{group}}: {{value}} errors over {{window}}'
 *       description: '...'   # {{group}} {{value}} {{threshold}} {{window}}
 *                            # {{count}} {{sample}} {{rule}} {{severity}} and
 *                            # any field of the sample ({{service}}, {{path}})
 *       field: duration_ms   # metric: the numeric field
 *       agg: p95             # metric: avg (default) min max sum p50 p95 p99
 *       eval_every: 10s      # timer (default: window/30, at least 200 ms)
 * Defaults by type: any: threshold '> 0', window 1m; absence: '< 1'.
 */
#ifndef LOGDECK_RULES_H
#define LOGDECK_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/err.h"
#include "src/base/plan.h"

struct config;

enum rule_type { RULE_ANY = 0, RULE_COUNT, RULE_RATIO, RULE_METRIC, RULE_ABSENCE };
enum rule_agg { AGG_AVG = 0, AGG_MIN, AGG_MAX, AGG_SUM, AGG_P50, AGG_P95, AGG_P99 };
enum rule_op { OP_GT = 0, OP_GE, OP_LT, OP_LE, OP_EQ, OP_NE };
enum severity { SEV_INFO = 0, SEV_WARNING, SEV_ERROR, SEV_CRITICAL };
enum notifier_type { NOTIFIER_SLACK = 0, NOTIFIER_WEBHOOK };

/* A notifier. Delivery tuning keys are optional (defaults in brackets):
 * min_interval [1s] between two messages, timeout [10s] per request,
 * backoff [1s] first retry delay after a 5xx/timeout, doubling up to
 * backoff_max [5m], max_age [6h] after which a message is marked failed. */
struct notifier_conf {
    char *name;
    char *file;             /* the file it was read from */
    int type;               /* enum notifier_type */
    char *url;              /* from `url:` or, at load time, $url_env; may be NULL */
    char *url_env;          /* variable name, or NULL */
    int64_t min_interval, timeout, backoff, backoff_max, max_age;   /* µs */
    int line, col;
};

struct rule {
    char *name;
    char *file;             /* the file it was read from */
    int type;               /* enum rule_type */
    char *query;            /* text as written ("" when absent) */
    char *match;            /* text as written ("" when absent) */
    char *eval_text;        /* "(query) (match)": the records that match */
    struct plan *pq;        /* query alone: the ratio's denominator */
    struct plan *pm;        /* query AND match */
    int agg;                /* metric: enum rule_agg */
    char *field;            /* metric: field name as written */
    int field_id;           /* metric: enum pfield (query_field) */
    int op;                 /* enum rule_op */
    double threshold;
    char threshold_text[48];   /* canonical, e.g. "> 0.05" */
    int64_t window, for_us, repeat, resolve_hold, min_count, eval_every;   /* µs / count */
    char *group_by;         /* field name, or NULL */
    int group_field;        /* enum pfield of group_by */
    int severity;           /* enum severity */
    char **notify;          /* notifier names */
    int nnotify;
    int notify_resolved;    /* `resolve_notify:`, default 1 */
    char *summary;          /* template, or NULL for the default */
    char *description;      /* template, or NULL */
    int line, col;
};

struct ruleset {
    struct rule *rules;
    int nrules;
    struct notifier_conf *notifiers;
    int nnotifiers;
};

/* Reads and validates a rules (or config) file. Returns NULL on the first
 * YAML syntax error or after collecting every semantic error; e->msg then
 * holds one "FILE:LINE:COL: message" per line (as many as fit) and
 * e->code is 2 for bad content, 1 when the file cannot be read. A missing
 * $url_env is not an error here (see rules_missing_urls). */
struct ruleset *rules_load(const char *path, struct err *e);
/* The config file: like rules_load, but top-level keys other than
 * notifiers/rules/rule_files belong to others and are skipped. */
struct ruleset *rules_load_config(const char *path, struct err *e);
/* The same from the config main parsed once (its kept document): an empty
 * ruleset when there is no config file. */
struct ruleset *rules_from_config(const struct config *cfg, struct err *e);
/* The same from text; name is used in messages (and rule_files are
 * resolved relative to its directory). */
struct ruleset *rules_parse(const char *text, size_t n, const char *name, struct err *e);
void rules_free(struct ruleset *rs);    /* NULL is a no-op */

/* Appends src's rules and notifiers to dst (src is emptied and freed).
 * Duplicate names are an error. */
int rules_merge(struct ruleset *dst, struct ruleset *src, struct err *e);
/* Checks that every `notify:` name is a notifier of rs (call after merging
 * the config file's notifiers). Errors name each rule's FILE:LINE:COL. */
int rules_check_refs(const struct ruleset *rs, struct err *e);

const struct rule *rules_find(const struct ruleset *rs, const char *name);
const struct notifier_conf *rules_notifier(const struct ruleset *rs, const char *name);

/* Names: "any", "count", ...; "avg", ...; "info" ... "critical". */
const char *rules_type_name(int type);
const char *rules_agg_name(int agg);
const char *rules_severity_name(int sev);
/* 1 if v satisfies the rule's threshold. */
int rules_compare(const struct rule *r, double v);
/* A stable hash of the notifier's delivery settings and URL (to notice a
 * changed configuration), as 16 hex digits in out[17]. */
char *rules_notifier_hash(const struct notifier_conf *n, char out[17]);
/* Duration as the shortest text: "90s", "5m", "1h30m", "250ms". */
char *rules_fmt_duration(int64_t us, char buf[32]);

#endif
