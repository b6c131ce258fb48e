/* alert: the alert engine (design.md, "Alert rules (YAML)") and the read
 * API of the alerts console.
 *
 * Engine. Per rule and group a state ok -> pending -> firing -> resolved,
 * kept in memory and persisted (alert_state) so that a restart neither
 * re-fires nor forgets a firing alert. Counting is incremental: each rule
 * keeps time buckets over its window per group, fed with the records
 * committed since its last evaluation (a rowid range, read through the
 * store's scanner) and evaluated when new records arrive and on a timer
 * (absence, resolution, repeat). Every transition writes its history row,
 * its outbox messages (rendered and redacted) and the new state in one
 * transaction. Acknowledged (until resolved) and silenced alerts change
 * state as usual but queue no message. Flapping is damped by `for` (pending
 * before firing) and `resolve_hold` (clear this long before resolving).
 *
 * Console. alert_snapshot() reads everything the TUI's alerts view shows;
 * alert_ack() and alert_silence() need a STORE_WRITE store. */
#ifndef LOGDECK_ALERT_H
#define LOGDECK_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "db/alerts_db.h"
#include "db/store.h"
#include "src/base/err.h"
#include "src/alert/rules.h"

struct alert_engine;

struct alert_opts {
    int dry_run;            /* no writes: transitions only go to on_event */
    /* Called for every transition (pending, firing, repeat, resolved),
     * with the event as it is (or would be) recorded. */
    void (*on_event)(void *ctx, const struct adb_event *ev, int notified);
    void *ctx;
    /* Where the records are read from, when not the state store (alerts
     * on ClickHouse: records there, state and outbox in a local store).
     * Borrowed; NULL: the state store. */
    struct store *records;
};

/* rs is borrowed and must outlive the engine (or the next alert_reload).
 * Creates the alert tables unless dry_run, restores saved states, and
 * warms each rule's window up from the store as of now_us. */
struct alert_engine *alert_new(struct store *s, const struct ruleset *rs,
                               const struct alert_opts *o, int64_t now_us, struct err *e);
/* Swaps in a new ruleset (SIGHUP): unchanged rules keep their counts and
 * states; removed rules' states are dropped. */
int alert_reload(struct alert_engine *en, const struct ruleset *rs, int64_t now_us,
                 struct err *e);
/* Reads what was committed since the last call and evaluates every rule
 * that has new records or whose timer is due. Returns the number of
 * transitions, or -1 (e filled; the engine stays usable). */
int alert_tick(struct alert_engine *en, int64_t now_us, struct err *e);
/* µs until the engine wants a tick without new records. */
int64_t alert_next_due(const struct alert_engine *en, int64_t now_us);
void alert_free(struct alert_engine *en);   /* NULL is a no-op */

/* Dry run over stored history (`alerts test`): evaluates every rule as if
 * it had run from since to until (µs) and reports transitions through
 * o->on_event; nothing is written or sent. */
int alert_replay(struct store *s, const struct ruleset *rs, int64_t since, int64_t until,
                 const struct alert_opts *o, struct err *e);

/* --- console API --------------------------------------------------------- */

struct alert_notifier_status {
    struct adb_notifier n;          /* state NS_*, reason, masked URL, counts */
    int64_t outbox[4];              /* per enum outbox_st */
};

struct alert_snapshot {
    struct adb_state *states;       /* firing, then pending, by severity and age; then
                                       grouped rules' summaries (grp "*") */
    size_t nstates;
    struct adb_event *history;      /* newest first */
    size_t nhistory;
    struct adb_outbox *outbox;      /* newest first (payload NULL) */
    size_t noutbox;
    struct alert_notifier_status *notifiers;
    size_t nnotifiers;
    int64_t firing, pending;        /* alerts (summaries not counted) */
};

/* Fills snap (caller calls alert_snapshot_fini). Works on a store without
 * alert tables (everything empty). limit bounds history and outbox. */
int alert_snapshot(struct store *s, int limit, struct alert_snapshot *snap, struct err *e);
void alert_snapshot_fini(struct alert_snapshot *snap);
/* For every status bar: states firing now (0 without alert tables). */
int64_t alert_firing_count(struct store *s);
/* Acknowledge (until resolved) / silence rule+group until until_us. */
int alert_ack(struct store *s, const char *rule, const char *grp, struct err *e);
int alert_silence(struct store *s, const char *rule, const char *grp, int64_t until_us,
                  struct err *e);
/* The query (language text, with since:/until: of the window that fired)
 * that shows the records behind a state or event: what Enter opens. */
char *alert_records_query(const char *query, int64_t since, int64_t until, char *buf, size_t cap);
/* "ok", "pending", "firing", "resolved". */
const char *alert_state_name(int st);

/* An alert's value as every output shows it (console, `alerts list`,
 * `alerts test`/`run`, notifications): a percentage when the threshold is
 * one (ratio rules: "> 5%"), a whole number when whole, else 4 significant
 * digits; "-" for NaN (no value yet). Returns buf. */
char *alert_fmt_value(double v, const char *threshold, char buf[32]);

/* --- the console's background job (the TUI's alerts view) ------------------ */

enum { ALERT_CONSOLE_READ = 0, ALERT_CONSOLE_ACK, ALERT_CONSOLE_SILENCE };

struct alert_console_req {
    int action;                /* ALERT_CONSOLE_* */
    char rule[128], grp[256];  /* ACK / SILENCE: the target */
    int64_t until, dur;        /* SILENCE: µs */
    int snapshot;              /* 1: the whole snapshot; 0: the firing count only */
    int history;               /* history events in the snapshot */
};

struct alert_console_res {
    int action, failed;
    char msg[1200];            /* the action's outcome, or why the read failed */
    int64_t firing;            /* -1: unknown (the read failed) */
    int has_snap;
    struct alert_snapshot snap;
};

/* A job (src/base/job.h) of a qjob runner (src/query/qjob.h): performs
 * req's action (a struct alert_console_req, borrowed) through a
 * short-lived STORE_WRITE connection (as `logdeck alerts ack` does; the
 * writer lock only keeps out a second indexer and SQLite serialises the
 * writers), then reads the snapshot or the firing count on the runner's
 * connection, and posts one struct alert_console_res
 * (alert_console_res_free). */
struct job;
void alert_console_job(struct job *j, void *req);
void alert_console_res_free(void *res);
/* "rule" or "rule/group" (group "*": all its groups) into buf. */
void alert_console_target(const char *rule, const char *grp, char *buf, size_t cap);

#endif
