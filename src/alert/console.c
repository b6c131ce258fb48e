/* console: the read side of alerts for the console (TUI `a` view,
 * `alerts list`): one snapshot of states, history, outbox and notifier
 * status, plus acknowledge and silence. See alert.h. */
#include "src/alert/alert.h"
#include "src/base/ts.h"
#include "src/query/qjob.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vec {
    void *v;
    size_t n, cap, size;
    int oom;
};

static int push(struct vec *a, const void *item)
{
    if (a->n == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 16;
        void *nv = realloc(a->v, nc * a->size);
        if (!nv) {
            a->oom = 1;
            return 1;
        }
        a->v = nv;
        a->cap = nc;
    }
    memcpy((char *)a->v + a->n++ * a->size, item, a->size);
    return 0;
}

static int on_state(void *ctx, const struct adb_state *s) { return push(ctx, s); }
static int on_event(void *ctx, const struct adb_event *ev) { return push(ctx, ev); }
static int on_outbox(void *ctx, const struct adb_outbox *ob) { return push(ctx, ob); }

static int on_notifier(void *ctx, const struct adb_notifier *n)
{
    struct alert_notifier_status st = {.n = *n};
    return push(ctx, &st);
}

/* Firing first, then pending, then the rest; within: severity, then age;
 * the summary rows of grouped rules (grp "*") last. */
static int state_cmp(const void *a, const void *b)
{
    static const int rank[] = {2, 1, 0, 3};   /* ok, pending, firing, resolved */
    const struct adb_state *x = a, *y = b;
    int sx = strcmp(x->grp, "*") == 0, sy = strcmp(y->grp, "*") == 0;
    if (sx != sy)
        return sx - sy;   /* alerts first, then the grouped rules' summaries */
    int rx = rank[x->state & 3], ry = rank[y->state & 3];
    if (rx != ry)
        return rx - ry;
    if (x->severity != y->severity)
        return y->severity - x->severity;
    if (x->since != y->since)
        return x->since < y->since ? -1 : 1;
    int c = strcmp(x->rule, y->rule);
    return c ? c : strcmp(x->grp, y->grp);
}

int alert_snapshot(struct store *s, int limit, struct alert_snapshot *snap, struct err *e)
{
    memset(snap, 0, sizeof *snap);
    struct vec st = {.size = sizeof(struct adb_state)}, ev = {.size = sizeof(struct adb_event)};
    struct vec ob = {.size = sizeof(struct adb_outbox)};
    struct vec nt = {.size = sizeof(struct alert_notifier_status)};
    int rc = 0;
    if (alerts_db_states(s, on_state, &st, e) < 0 || alerts_db_events(s, limit, on_event, &ev, e) < 0 ||
        alerts_db_outbox_list(s, -1, limit, on_outbox, &ob, e) < 0 ||
        alerts_db_notifiers(s, on_notifier, &nt, e) < 0)
        rc = -1;
    if (rc == 0 && (st.oom || ev.oom || ob.oom || nt.oom))
        rc = err_set(e, "out of memory reading alerts");
    snap->states = st.v, snap->nstates = st.n;
    snap->history = ev.v, snap->nhistory = ev.n;
    snap->outbox = ob.v, snap->noutbox = ob.n;
    snap->notifiers = nt.v, snap->nnotifiers = nt.n;
    if (rc < 0) {
        alert_snapshot_fini(snap);
        return -1;
    }
    for (size_t i = 0; i < snap->nnotifiers; i++)
        if (alerts_db_outbox_counts(s, snap->notifiers[i].n.name, snap->notifiers[i].outbox, e) < 0)
            return alert_snapshot_fini(snap), -1;
    for (size_t i = 0; i < snap->nstates; i++) {
        struct adb_state *a = &snap->states[i];
        a->silenced = alerts_db_silenced(s, a->rule, a->grp, ts_now(), NULL) == 1;
        int real = strcmp(a->grp, "*") != 0;
        snap->firing += real && a->state == AST_FIRING;
        snap->pending += real && a->state == AST_PENDING;
    }
    if (snap->nstates)   /* qsort(NULL, 0) is undefined */
        qsort(snap->states, snap->nstates, sizeof *snap->states, state_cmp);
    return 0;
}

void alert_snapshot_fini(struct alert_snapshot *snap)
{
    free(snap->states);
    free(snap->history);
    free(snap->outbox);
    free(snap->notifiers);
    memset(snap, 0, sizeof *snap);
}

int64_t alert_firing_count(struct store *s)
{
    return alerts_db_firing_count(s);
}

int alert_ack(struct store *s, const char *rule, const char *grp, struct err *e)
{
    if (alerts_db_init(s, e) < 0)
        return -1;
    return alerts_db_ack(s, rule, grp ? grp : "", 1, e);
}

int alert_silence(struct store *s, const char *rule, const char *grp, int64_t until_us,
                  struct err *e)
{
    if (alerts_db_init(s, e) < 0)
        return -1;
    return alerts_db_silence_add(s, rule, grp ? grp : "*", until_us, "", e) < 0 ? -1 : 0;
}

char *alert_records_query(const char *query, int64_t since, int64_t until, char *buf, size_t cap)
{
    char a[32], b[32];
    snprintf(buf, cap, "%s%ssince:%s until:%s", query ? query : "", query && *query ? " " : "",
             ts_format(since, a), ts_format(until, b));
    return buf;
}

const char *alert_state_name(int st)
{
    static const char *const n[] = {"ok", "pending", "firing", "resolved"};
    return st >= 0 && st < 4 ? n[st] : "?";
}

/* --- the console's background job -------------------------------------------- */

void alert_console_target(const char *rule, const char *grp, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s", rule, *grp ? "/" : "", strcmp(grp, "*") == 0 ? "*" : grp);
}

void alert_console_res_free(void *p)
{
    struct alert_console_res *r = p;
    if (r)
        alert_snapshot_fini(&r->snap);
    free(r);
}

/* Acknowledge or silence through a short-lived write connection. */
static int act(const char *db_path, const struct alert_console_req *q, char *msg, size_t cap,
               struct err *e)
{
    char target[400], d[32], t[32];
    struct store *w = store_open(db_path, STORE_WRITE, e);
    if (!w)
        return -1;
    int rc = q->action == ALERT_CONSOLE_ACK ? alert_ack(w, q->rule, q->grp, e)
                                            : alert_silence(w, q->rule, q->grp, q->until, e);
    store_close(w);
    alert_console_target(q->rule, q->grp, target, sizeof target);
    if (rc == 0 && q->action == ALERT_CONSOLE_ACK)
        snprintf(msg, cap, "acknowledged %s (until it resolves)", target);
    else if (rc == 0)
        snprintf(msg, cap, "silenced %s for %s (until %.5s)", target,
                 rules_fmt_duration(q->dur, d), ts_format_short(q->until, 0, t) + 11);
    return rc;
}

void alert_console_job(struct job *j, void *req)
{
    const struct alert_console_req *q = req;
    struct alert_console_res *res = calloc(1, sizeof *res);
    struct err e = {0};
    if (!res)
        return;
    res->action = q->action;
    res->firing = -1;
    if (q->action && act(qjob_db_path(j), q, res->msg, sizeof res->msg, &e) < 0) {
        res->failed = 1;
        snprintf(res->msg, sizeof res->msg, "%s failed: %s",
                 q->action == ALERT_CONSOLE_ACK ? "acknowledge" : "silence", e.msg);
    }
    struct store *st = qjob_store(j, &e);
    if (st && q->snapshot && alert_snapshot(st, q->history, &res->snap, &e) == 0) {
        res->has_snap = 1;
        res->firing = res->snap.firing;
    } else if (st && !q->snapshot) {
        res->firing = alert_firing_count(st);
    } else if (!q->action) {
        res->failed = 1;
        snprintf(res->msg, sizeof res->msg, "alerts: %s", e.msg);
    }
    job_post(j, res, alert_console_res_free);
}
