/* alert: the engine (see alert.h): feeding each rule's windows from the
 * store, the per group state machine, and the transaction that records a
 * transition together with its outbox messages. Windows live in
 * win.c, texts in text.c, the console API in console.c. */
#include "src/alert/alert_int.h"
#include "src/alert/notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_MIN 200000           /* µs between two evaluations of a rule */

struct alert_engine {
    struct store *s;              /* state, history, outbox */
    struct store *rec;            /* records (o.records, else s) */
    const struct ruleset *rs;
    struct arule *ar;
    int nar;
    struct alert_opts o;
    int64_t last_id;              /* records committed, as of the last tick */
    int in_txn;
    int transitions;
};

/* --- feeding --------------------------------------------------------------- */

struct feed {
    struct arule *ar;
    int64_t now;
    int q;
};

static int on_row(void *ctx, const struct adb_scan_row *row)
{
    struct feed *f = ctx;
    struct agroup *g = aw_group(f->ar, f->ar->r->group_by ? row->group : NULL, row->group_len);
    if (g)
        aw_add(f->ar, g, row->ts, f->now, f->q, row->has_value, row->value);
    return 0;
}

static struct adb_scanner *scanner(struct store *s, const struct rule *r, const struct plan *p,
                                   int by_ts, struct err *e)
{
    struct adb_scan_spec sp = {
        .plan = p, .value_field = r->type == RULE_METRIC ? r->field_id : -1,
        .value_path = r->field, .group_field = r->group_by ? r->group_field : -1,
        .group_path = r->group_by, .by_ts = by_ts,
    };
    return alerts_db_scanner_new(s, &sp, e);
}

/* Reads rows (lo, hi] by id, or [lo, hi] by ts when by_ts, into ar. */
static int feed_rule(struct store *s, struct arule *ar, struct adb_scanner *m,
                     struct adb_scanner *q, int64_t lo, int64_t hi, int64_t upto, int64_t now,
                     struct err *e)
{
    struct feed f = {ar, now, 0};
    if (alerts_db_scanner_run(m, lo, hi, upto, on_row, &f, e) < 0)
        return -1;
    f.q = 1;
    if (q && alerts_db_scanner_run(q, lo, hi, upto, on_row, &f, e) < 0)
        return -1;
    (void)s;
    return 0;
}

/* Fills ar's window from the records of [now - window, now]. */
static int warm_up(struct alert_engine *en, struct arule *ar, int64_t now, struct err *e)
{
    const struct rule *r = ar->r;
    struct adb_scanner *m = scanner(en->rec, r, r->pm, 1, e), *q = NULL;
    int rc = -1;
    if (m && (r->type != RULE_RATIO || (q = scanner(en->rec, r, r->pq, 1, e))))
        rc = feed_rule(en->s, ar, m, q, now - r->window, now, en->last_id, now, e);
    alerts_db_scanner_free(m);
    alerts_db_scanner_free(q);
    ar->hi_id = en->last_id;
    return rc;
}

static int rule_open(struct alert_engine *en, struct arule *ar, const struct rule *r, int64_t now,
                     struct err *e)
{
    if (aw_init(ar, r) < 0)
        return err_set(e, "out of memory loading rule %s", r->name);
    ar->started = now;
    ar->scm = scanner(en->rec, r, r->pm, 0, e);
    if (!ar->scm || (r->type == RULE_RATIO && !(ar->scq = scanner(en->rec, r, r->pq, 0, e))))
        return err_prefix(e, "rule %s", r->name);
    if (!r->group_by && !aw_group(ar, NULL, 0))
        return err_set(e, "out of memory");
    return warm_up(en, ar, now, e);
}

/* --- transitions ----------------------------------------------------------- */

static int txn(struct alert_engine *en, struct err *e)
{
    if (en->in_txn || en->o.dry_run)
        return 0;
    if (alerts_db_begin(en->s, e) < 0)
        return -1;
    en->in_txn = 1;
    return 0;
}

static int save_state(struct alert_engine *en, struct agroup *g, int64_t now, struct err *e)
{
    g->last_write = now;
    if (en->o.dry_run)
        return 0;
    return txn(en, e) < 0 ? -1 : alerts_db_state_put(en->s, &g->st, e);
}

/* 1 if messages for g are suppressed now: silenced, or acknowledged (which
 * holds back repeats but not the resolution that ends it). */
static int suppressed(struct alert_engine *en, const struct agroup *g, int ack, int64_t now,
                      struct err *e)
{
    if (en->o.dry_run)
        return 0;
    int a = ack ? alerts_db_acked(en->s, g->st.rule, g->st.grp, e) : 0;
    int s = alerts_db_silenced(en->s, g->st.rule, g->st.grp, now, e);
    return a < 0 || s < 0 ? -1 : (a || s);
}

static int enqueue(struct alert_engine *en, const struct arule *ar, const struct agroup *g,
                   const struct adb_event *ev, const struct at_text *t, struct err *e)
{
    const struct rule *r = ar->r;
    char val[32], key[400];
    /* The group's value can be a secret: the key carries its hash. */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *p = g->key; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    snprintf(key, sizeof key, "%s/%016llx/%lld/%s/%lld", r->name, (unsigned long long)h,
             (long long)g->st.episode, ev->event, (long long)ev->ts);
    struct alert_notice n = {
        .rule = r->name, .grp = g->key, .kind = ev->event, .severity = r->severity,
        .type = r->type, .value = ev->value, .value_text = at_value_text(r, ev->value, val),
        .threshold = r->threshold_text, .window = r->window, .count = ev->count, .ts = ev->ts,
        .started = g->st.fired_at, .summary = t->summary, .description = t->description,
        .sample = t->sample, .query = t->query, .win_since = ev->win_since,
        .win_until = ev->win_until, .dedupe = key,
    };
    for (int i = 0; i < r->nnotify; i++) {
        const struct notifier_conf *nc = rules_notifier(en->rs, r->notify[i]);
        char *body = nc ? notice_render(nc->type, &n) : NULL;
        struct adb_outbox ob = {.history_id = ev->id, .created = ev->ts};
        snprintf(ob.notifier, sizeof ob.notifier, "%s", r->notify[i]);
        snprintf(ob.rule, sizeof ob.rule, "%s", r->name);
        snprintf(ob.grp, sizeof ob.grp, "%s", g->key);
        snprintf(ob.kind, sizeof ob.kind, "%s", ev->event);
        int64_t id = body ? alerts_db_outbox_add(en->s, &ob, body, e) : -1;
        free(body);
        if (id < 0)
            return nc ? -1 : 0;
    }
    return 0;
}

/* Records event kind for g (history + outbox when notify), in the tick's
 * transaction. */
static int emit(struct alert_engine *en, struct arule *ar, struct agroup *g, const char *kind,
                int notify, int64_t now, struct err *e)
{
    struct at_text t;
    if (at_render(en->rec, ar, g, now, &t) < 0)
        return err_set(e, "out of memory rendering alert %s", ar->r->name);
    /* A resolution points at the records that made it fire. */
    int res = strcmp(kind, "resolved") == 0 && g->st.win_until;
    struct adb_event ev = {.ts = now, .value = g->st.value, .severity = ar->r->severity,
                           .count = g->st.count,
                           .win_since = res ? g->st.win_since : now - ar->r->window,
                           .win_until = res ? g->st.win_until : now};
    snprintf(ev.rule, sizeof ev.rule, "%s", g->st.rule);
    snprintf(ev.grp, sizeof ev.grp, "%s", g->st.grp);
    snprintf(ev.event, sizeof ev.event, "%s", kind);
    snprintf(ev.threshold, sizeof ev.threshold, "%s", ar->r->threshold_text);
    snprintf(ev.summary, sizeof ev.summary, "%s", t.summary);
    snprintf(ev.query, sizeof ev.query, "%s", t.query);
    snprintf(g->st.summary, sizeof g->st.summary, "%s", t.summary);
    snprintf(g->st.query, sizeof g->st.query, "%s", t.query);
    g->st.win_since = ev.win_since;
    g->st.win_until = ev.win_until;
    int sup = notify ? suppressed(en, g, strcmp(kind, "resolved") != 0, now, e) : 0, rc = sup < 0 ? -1 : 0;
    if (rc == 0 && !en->o.dry_run && (txn(en, e) < 0 || (ev.id = alerts_db_event_add(en->s, &ev, e)) < 0))
        rc = -1;
    if (rc == 0 && strcmp(kind, "firing") == 0)
        g->st.episode = ev.id;
    if (rc == 0 && notify && !sup && !en->o.dry_run)
        rc = enqueue(en, ar, g, &ev, &t, e);
    if (rc == 0 && en->o.on_event)
        en->o.on_event(en->o.ctx, &ev, notify && !sup);
    at_text_fini(&t);
    en->transitions++;
    return rc < 0 ? -1 : (notify && !sup);
}

static int fire(struct alert_engine *en, struct arule *ar, struct agroup *g, int64_t now,
                struct err *e)
{
    g->st.state = AST_FIRING;
    g->st.since = g->st.fired_at = g->st.last_notified = now;
    g->st.clear_since = 0;
    int rc = emit(en, ar, g, "firing", 1, now, e);
    g->notified = rc > 0;
    return rc < 0 ? -1 : save_state(en, g, now, e);
}

/* One evaluation step of g's state machine with cond = threshold crossed. */
static int step(struct alert_engine *en, struct arule *ar, struct agroup *g, int cond, int64_t now,
                struct err *e)
{
    const struct rule *r = ar->r;
    struct adb_state *st = &g->st;
    switch (st->state) {
    case AST_OK:
    case AST_RESOLVED:
        if (!cond)
            return 0;
        if (r->for_us == 0)
            return fire(en, ar, g, now, e);
        st->state = AST_PENDING;
        st->since = st->pending_since = now;
        return emit(en, ar, g, "pending", 0, now, e) < 0 ? -1 : save_state(en, g, now, e);
    case AST_PENDING:
        if (cond && now - st->pending_since >= r->for_us)
            return fire(en, ar, g, now, e);
        if (!cond) {
            st->state = AST_OK;
            st->since = now;
            return save_state(en, g, now, e);
        }
        return 0;
    default:   /* AST_FIRING */
        if (cond) {
            st->clear_since = 0;
            if (r->repeat <= 0 || now - st->last_notified < r->repeat)
                return 0;
            st->last_notified = now;
            return emit(en, ar, g, "repeat", 1, now, e) < 0 ? -1 : save_state(en, g, now, e);
        }
        if (!st->clear_since)
            st->clear_since = now;
        if (now - st->clear_since < r->resolve_hold)
            return 0;
        st->state = AST_RESOLVED;
        st->since = now;
        st->clear_since = 0;
        return emit(en, ar, g, "resolved", r->notify_resolved, now, e) < 0 ? -1 :
               save_state(en, g, now, e);
    }
}

static int eval_group(struct alert_engine *en, struct arule *ar, int i, int64_t now, struct err *e)
{
    const struct rule *r = ar->r;
    struct agroup *g = &ar->g[i];
    struct awin_value v = aw_value(ar, g, now);
    if (r->type == RULE_ABSENCE && now - ar->started < r->window && g->st.state == AST_OK)
        return 0;   /* a window must pass before silence means something */
    int cond = v.has_data && v.basis >= r->min_count && rules_compare(r, v.value);
    int before = g->st.state;
    g->st.value = v.value;
    g->st.count = v.count;
    g->st.last_eval = now;
    if (step(en, ar, g, cond, now, e) < 0)
        return -1;
    if (g->st.state == before && now - g->last_write >= 1000000 &&
        (g->st.state != AST_OK || !r->group_by) && save_state(en, g, now, e) < 0)
        return -1;
    return 0;
}

/* A grouped rule also keeps a row for itself, grp "*": the worst state of
 * its groups, the highest value and the number of groups in the window, so
 * that the console lists every rule. It never notifies. */
static int save_summary(struct alert_engine *en, struct arule *ar, int64_t now, struct err *e)
{
    if (!ar->r->group_by || en->o.dry_run || now - ar->summary_at < 1000000)
        return 0;
    static const int rank[] = {0, 1, 2, 0};   /* ok, pending, firing, resolved */
    struct adb_state st = {.severity = ar->r->severity, .since = now, .last_eval = now};
    snprintf(st.rule, sizeof st.rule, "%s", ar->r->name);
    snprintf(st.grp, sizeof st.grp, "*");
    snprintf(st.threshold, sizeof st.threshold, "%s", ar->r->threshold_text);
    for (int i = 0; i < ar->ng; i++) {
        const struct adb_state *g = &ar->g[i].st;
        if (rank[g->state & 3] > rank[st.state])
            st.state = g->state;
        if (i == 0 || g->value > st.value)
            st.value = g->value;
    }
    st.count = ar->ng;
    ar->summary_at = now;
    return txn(en, e) < 0 ? -1 : alerts_db_state_put(en->s, &st, e);
}

static int eval_rule(struct alert_engine *en, struct arule *ar, int64_t now, struct err *e)
{
    for (int i = 0; i < ar->ng; i++)
        if (eval_group(en, ar, i, now, e) < 0)
            return -1;
    if (save_summary(en, ar, now, e) < 0)
        return -1;
    for (int i = ar->ng - 1; i >= 0; i--) {   /* forget quiet groups that are ok */
        struct agroup *g = &ar->g[i];
        if (ar->r->group_by && ar->r->type != RULE_ABSENCE && g->st.state == AST_OK &&
            aw_empty(ar, g, now))
            aw_group_drop(ar, i);
    }
    int64_t every = ar->r->eval_every ? ar->r->eval_every : ar->width;
    ar->last_eval = now;
    ar->dirty = 0;
    ar->next_eval = now + (every < EVAL_MIN ? EVAL_MIN : every);
    return 0;
}

/* --- engine lifecycle ------------------------------------------------------ */

static int restore_one(void *ctx, const struct adb_state *st)
{
    struct alert_engine *en = ctx;
    for (int i = 0; i < en->nar; i++) {
        struct arule *ar = &en->ar[i];
        if (strcmp(ar->r->name, st->rule) != 0 || (!ar->r->group_by && *st->grp) ||
            (ar->r->group_by && strcmp(st->grp, "*") == 0))
            continue;
        struct agroup *g = aw_group(ar, st->grp, strlen(st->grp));
        if (!g)
            return 1;
        int64_t fe = g->st.last_eval;
        g->st = *st;
        g->st.severity = ar->r->severity;
        snprintf(g->st.threshold, sizeof g->st.threshold, "%s", ar->r->threshold_text);
        g->st.last_eval = fe;
        g->notified = st->state == AST_FIRING;
    }
    return 0;
}

static int open_rules(struct alert_engine *en, int64_t now, struct err *e)
{
    en->ar = calloc((size_t)en->rs->nrules + 1, sizeof *en->ar);
    if (!en->ar)
        return err_set(e, "out of memory");
    for (int i = 0; i < en->rs->nrules; i++, en->nar++)
        if (rule_open(en, &en->ar[i], &en->rs->rules[i], now, e) < 0) {
            en->nar++;
            return -1;
        }
    return 0;
}

static void close_rules(struct alert_engine *en)
{
    for (int i = 0; i < en->nar; i++)
        aw_fini(&en->ar[i]);
    free(en->ar);
    en->ar = NULL;
    en->nar = 0;
}

static int prune(struct alert_engine *en, struct err *e)
{
    const char *names[256];
    int n = 0;
    for (int i = 0; i < en->rs->nrules && n < 256; i++)
        names[n++] = en->rs->rules[i].name;
    return txn(en, e) < 0 ? -1 : alerts_db_state_prune(en->s, names, n, e) < 0 ? -1 : 0;
}

static int finish(struct alert_engine *en, int rc, struct err *e)
{
    if (!en->in_txn)
        return rc;
    en->in_txn = 0;
    if (rc < 0) {
        alerts_db_rollback(en->s);
        return -1;
    }
    return alerts_db_commit(en->s, e);
}

static int start(struct alert_engine *en, int64_t now, struct err *e)
{
    en->last_id = alerts_db_last_id(en->rec);
    if (open_rules(en, now, e) < 0)
        return -1;
    if (en->o.dry_run)
        return 0;
    if (alerts_db_states(en->s, restore_one, en, e) < 0 || prune(en, e) < 0)
        return finish(en, -1, e);
    return finish(en, 0, e);
}

struct alert_engine *alert_new(struct store *s, const struct ruleset *rs,
                               const struct alert_opts *o, int64_t now_us, struct err *e)
{
    struct alert_engine *en = calloc(1, sizeof *en);
    if (!en) {
        err_set(e, "out of memory");
        return NULL;
    }
    en->s = s;
    en->rs = rs;
    if (o)
        en->o = *o;
    en->rec = en->o.records ? en->o.records : s;
    if ((!en->o.dry_run && alerts_db_init(s, e) < 0) || start(en, now_us, e) < 0) {
        alert_free(en);
        return NULL;
    }
    return en;
}

int alert_reload(struct alert_engine *en, const struct ruleset *rs, int64_t now_us, struct err *e)
{
    close_rules(en);
    en->rs = rs;
    return start(en, now_us, e);
}

int alert_tick(struct alert_engine *en, int64_t now, struct err *e)
{
    int64_t last = alerts_db_last_id(en->rec);
    int rc = 0;
    en->transitions = 0;
    for (int i = 0; i < en->nar && rc == 0; i++) {
        struct arule *ar = &en->ar[i];
        if (last > ar->hi_id) {
            rc = feed_rule(en->s, ar, ar->scm, ar->scq, ar->hi_id, last, last, now, e);
            ar->hi_id = last;
            ar->dirty = 1;
        }
        if (rc == 0 && ((ar->dirty && now - ar->last_eval >= EVAL_MIN) || now >= ar->next_eval))
            rc = eval_rule(en, ar, now, e);
    }
    en->last_id = last;
    if (finish(en, rc, e) < 0)
        return -1;
    return en->transitions;
}

int64_t alert_next_due(const struct alert_engine *en, int64_t now)
{
    int64_t due = 1000000;
    for (int i = 0; i < en->nar; i++)
        if (en->ar[i].next_eval - now < due)
            due = en->ar[i].next_eval - now;
    return due < 0 ? 0 : due;
}

void alert_free(struct alert_engine *en)
{
    if (!en)
        return;
    finish(en, -1, NULL);
    close_rules(en);
    free(en);
}

/* --- dry run --------------------------------------------------------------- */

static int replay_rule(struct alert_engine *en, struct arule *ar, int64_t since, int64_t until,
                       struct err *e)
{
    const struct rule *r = ar->r;
    struct adb_scanner *m = scanner(en->rec, r, r->pm, 1, e), *q = NULL;
    int rc = m && (r->type != RULE_RATIO || (q = scanner(en->rec, r, r->pq, 1, e))) ? 0 : -1;
    int64_t step = ar->width, prev = since - r->window;
    if ((until - since) / step > 200000)
        step = (until - since) / 200000;
    ar->started = since;
    for (int64_t t = since; rc == 0 && t <= until + step; t += step) {
        rc = feed_rule(en->s, ar, m, q, prev + 1, t, en->last_id, t, e);
        prev = t;
        if (rc == 0)
            rc = eval_rule(en, ar, t, e);
    }
    alerts_db_scanner_free(m);
    alerts_db_scanner_free(q);
    return rc;
}

int alert_replay(struct store *s, const struct ruleset *rs, int64_t since, int64_t until,
                 const struct alert_opts *o, struct err *e)
{
    struct alert_engine en = {.s = s, .rs = rs};
    if (o)
        en.o = *o;
    en.o.dry_run = 1;
    en.rec = en.o.records ? en.o.records : s;
    en.last_id = alerts_db_last_id(en.rec);
    en.ar = calloc((size_t)rs->nrules + 1, sizeof *en.ar);
    if (!en.ar)
        return err_set(e, "out of memory");
    int rc = 0;
    for (int i = 0; i < rs->nrules && rc == 0; i++, en.nar++) {
        struct arule *ar = &en.ar[i];
        rc = aw_init(ar, &rs->rules[i]) < 0 ? err_set(e, "out of memory") : 0;
        if (rc == 0 && !rs->rules[i].group_by && !aw_group(ar, NULL, 0))
            rc = err_set(e, "out of memory");
        if (rc == 0)
            rc = replay_rule(&en, ar, since, until, e);
    }
    close_rules(&en);
    return rc < 0 ? -1 : en.transitions;
}
