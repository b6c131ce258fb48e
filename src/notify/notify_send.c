/* notify_send: one delivery attempt of one notifier (notify_int.h): the
 * head of its outbox, the POST (no lock held), and the outcome written to
 * the message and the notifier's row in one transaction. Pacing: at most
 * one request per min_interval, counted from the last attempt recorded in
 * the store, so that a restart keeps the pace; 429 waits its Retry-After;
 * 5xx, timeouts and connection errors back off exponentially with jitter
 * until max_age; 400/401/403/404/410 mark the notifier broken. */
#include "src/notify/notify_int.h"
#include "src/base/ts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct http_result {
    long code;                   /* 0: no HTTP answer (connection error, timeout) */
    int64_t retry_after;         /* µs, from Retry-After */
    char body[256];              /* start of the answer (Slack's error string) */
    size_t blen;
    char err[160];
};

/* What a delivery works with: a copy of the settings, taken under w->mu. */
struct job {
    struct notifier_conf c;      /* c.url owned */
    char masked[256];
    unsigned gen;
};

static size_t on_body(char *p, size_t sz, size_t nm, void *ctx)
{
    struct http_result *r = ctx;
    size_t len = sz * nm, room = sizeof r->body - 1 - r->blen;
    size_t take = len < room ? len : room;
    memcpy(r->body + r->blen, p, take);
    r->blen += take;
    r->body[r->blen] = '\0';
    return len;
}

/* Aborts the request when the worker stops or its settings change (the
 * message stays queued). */
static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    struct worker *w = ctx;
    (void)a, (void)b, (void)c, (void)d;
    return w->stop || w->gen != w->req_gen ? 1 : 0;
}

static void post(struct worker *w, const struct job *j, const char *body, struct http_result *r)
{
    const struct curl_api *cu = w->n->cu;
    CURL *c = w->curl;
    memset(r, 0, sizeof *r);
    w->req_gen = j->gen;
    cu->easy_reset(c);
    struct curl_slist *h = cu->slist_append(NULL, "Content-Type: application/json");
    cu->easy_setopt(c, CURLOPT_URL, j->c.url);
    cu->easy_setopt(c, CURLOPT_HTTPHEADER, h);
    cu->easy_setopt(c, CURLOPT_POSTFIELDS, body);
    cu->easy_setopt(c, CURLOPT_USERAGENT, "logdeck-alerts/1");
    cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    cu->easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(j->c.timeout / 1000));
    cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(j->c.timeout / 1000));
    cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    cu->easy_setopt(c, CURLOPT_WRITEDATA, r);
    cu->easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    cu->easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    cu->easy_setopt(c, CURLOPT_XFERINFODATA, w);
    cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = cu->easy_perform(c);
    cu->slist_free_all(h);
    if (rc != CURLE_OK) {
        snprintf(r->err, sizeof r->err, "%s", cu->easy_strerror(rc));
        return;
    }
    cu->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->code);
    curl_off_t ra = 0;
    cu->easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra);
    r->retry_after = ra > 0 ? (int64_t)(ra < 3600 ? ra : 3600) * 1000000 : 0;
}

/* The endpoint's answer made printable: one line, no control bytes. */
static void reason_text(const struct http_result *r, char *out, size_t cap)
{
    char body[128];
    size_t j = 0;
    for (size_t i = 0; i < r->blen && j + 1 < sizeof body; i++)
        body[j++] = ((unsigned char)r->body[i] < 0x20 || r->body[i] == 0x7f) ? ' ' : r->body[i];
    body[j] = '\0';
    if (r->code)
        snprintf(out, cap, "HTTP %ld%s%s", r->code, j ? ": " : "", body);
    else
        snprintf(out, cap, "%s", r->err);
}

static int64_t scaled(const struct worker *w, int64_t us)
{
    return (int64_t)((double)us * w->n->o.backoff_scale);
}

static int64_t backoff(struct worker *w, const struct notifier_conf *c, int attempts)
{
    double d = (double)scaled(w, c->backoff), max = (double)scaled(w, c->backoff_max);
    for (int i = 1; i < attempts && d < max; i++)
        d *= 2;
    if (d > max)
        d = max;
    double jitter = 0.5 + 0.5 * ((double)rand_r(&w->seed) / RAND_MAX);
    return (int64_t)(d * jitter);
}

static int is_config_error(long code)
{
    return code == 400 || code == 401 || code == 403 || code == 404 || code == 410;
}

/* Applies the answer to the message and the notifier row (read afresh). */
static void settle(struct worker *w, const struct notifier_conf *c, struct adb_outbox *ob,
                   const struct http_result *r, struct adb_notifier *row, int64_t now)
{
    char why[256];
    reason_text(r, why, sizeof why);
    w->not_before = now + scaled(w, c->min_interval);
    if (r->code >= 200 && r->code < 300) {
        ob->status = OB_SENT;
        ob->sent_at = now;
        ob->last_error[0] = '\0';
        row->state = NS_OK;
        row->reason[0] = '\0';
        row->last_ok = now;
        row->sent++;
        return;
    }
    ob->attempts++;
    snprintf(ob->last_error, sizeof ob->last_error, "%.200s", why);
    row->last_error_at = now;
    snprintf(row->reason, sizeof row->reason, "%.200s", why);
    if (r->code == 429) {
        int64_t wait = r->retry_after ? r->retry_after : 1000000;
        ob->status = OB_RETRYING;
        ob->next_at = now + wait;
        row->state = NS_RETRYING;
        snprintf(row->reason, sizeof row->reason, "rate limited (429): waiting %llds",
                 (long long)(wait / 1000000));
        w->not_before = ob->next_at;
    } else if (is_config_error(r->code)) {
        row->state = NS_BROKEN;   /* kept queued until the configuration changes */
    } else if (r->code >= 400 && r->code < 500) {
        ob->status = OB_FAILED;   /* this message is refused, the next may pass */
        row->failed++;
    } else if (now - ob->created > c->max_age) {
        ob->status = OB_FAILED;
        snprintf(ob->last_error, sizeof ob->last_error, "gave up after %d attempts: %.200s",
                 ob->attempts, why);
        row->failed++;
    } else {
        ob->status = OB_RETRYING;
        ob->next_at = now + backoff(w, c, ob->attempts);
        row->state = NS_RETRYING;
        w->not_before = ob->next_at;
    }
    row->next_at = now + scaled(w, c->min_interval);   /* the pace, for a restart */
}

/* The head of w's queue when one is due: 1 (ob->payload malloc'd), 0 not
 * now, -1 error. Restores the pace from the store on the first call. */
static int due_head(struct worker *w, const struct job *j, int64_t now, struct adb_outbox *ob,
                    struct err *e)
{
    struct notify *n = w->n;
    struct adb_notifier row = {0};
    int rc;
    pthread_mutex_lock(&n->dbmu);
    rc = alerts_db_notifier_get(n->s, w->name, &row, e);
    if (rc >= 0 && !w->paced) {   /* the pace of the last attempt, even before a kill -9 */
        int64_t last = row.last_ok > row.last_error_at ? row.last_ok : row.last_error_at;
        int64_t nb = last ? last + scaled(w, j->c.min_interval) : 0;
        if (row.next_at > nb && row.next_at <= now + scaled(w, j->c.min_interval))
            nb = row.next_at;
        if (nb > w->not_before)
            w->not_before = nb;
        w->paced = 1;
    }
    if (rc > 0 && row.state != NS_BROKEN && now >= w->not_before)
        rc = alerts_db_outbox_head(n->s, w->name, ob, e);
    else
        rc = rc < 0 ? -1 : 0;
    pthread_mutex_unlock(&n->dbmu);
    if (rc > 0 && ob->next_at > now) {
        w->not_before = ob->next_at;
        free(ob->payload);
        rc = 0;
    }
    return rc;
}

/* Before a request: its pace goes into the store first (the row's
 * next_at), so that a restart after a kill -9 in mid-request, before the
 * outcome is written, still waits min_interval. */
static int mark_attempt(struct worker *w, const struct job *j, int64_t now, struct err *e)
{
    struct notify *n = w->n;
    struct adb_notifier row = {0};
    pthread_mutex_lock(&n->dbmu);
    int rc = -1;
    if (alerts_db_begin(n->s, e) == 0) {
        int have = alerts_db_notifier_get(n->s, w->name, &row, e);
        row.next_at = now + scaled(w, j->c.min_interval);
        if (have > 0 && alerts_db_notifier_put(n->s, &row, e) == 0 && alerts_db_commit(n->s, e) == 0)
            rc = 0;
        else
            alerts_db_rollback(n->s);
        if (have == 0)
            rc = 0;   /* no row (cannot happen after a load): nothing to pace */
    }
    pthread_mutex_unlock(&n->dbmu);
    return rc;
}

/* Writes the outcome of one attempt; the row is re-read in the transaction
 * so that a reload's changes to it are kept. */
static int record(struct worker *w, const struct job *j, struct adb_outbox *ob,
                  const struct http_result *r, int64_t now, struct err *e)
{
    struct notify *n = w->n;
    struct adb_notifier row = {0};
    pthread_mutex_lock(&n->dbmu);
    int rc = alerts_db_begin(n->s, e);
    if (rc == 0 && (rc = alerts_db_notifier_get(n->s, w->name, &row, e)) == 0)
        snprintf(row.name, sizeof row.name, "%s", w->name);
    if (rc >= 0) {
        settle(w, &j->c, ob, r, &row, now);
        rc = alerts_db_outbox_update(n->s, ob, e) < 0 || alerts_db_notifier_put(n->s, &row, e) < 0 ||
             alerts_db_commit(n->s, e) < 0 ? -1 : 0;
    }
    if (rc < 0)
        alerts_db_rollback(n->s);
    pthread_mutex_unlock(&n->dbmu);
    return rc;
}

static int take_job(struct worker *w, struct job *j)
{
    pthread_mutex_lock(&w->mu);
    if (w->reset) {
        w->reset = 0;
        w->paced = 0;
        w->not_before = 0;
    }
    j->c = w->t.c;
    j->c.url = w->t.c.url ? strdup(w->t.c.url) : NULL;
    j->gen = w->gen;
    snprintf(j->masked, sizeof j->masked, "%s", w->t.masked);
    int ok = j->c.url != NULL;
    pthread_mutex_unlock(&w->mu);
    return ok;
}

int notify_deliver(struct worker *w, int64_t now, struct err *e)
{
    struct job j;
    struct adb_outbox ob;
    int rc = take_job(w, &j) && now >= w->not_before ? due_head(w, &j, now, &ob, e) : 0;
    if (rc <= 0) {
        free(j.c.url);
        return rc;
    }
    struct http_result r;
    int64_t t0 = ts_now();
    if (mark_attempt(w, &j, t0, e) < 0) {
        free(ob.payload);
        free(j.c.url);
        return -1;
    }
    post(w, &j, ob.payload, &r);
    free(ob.payload);
    if (w->stop || w->gen != j.gen) {   /* aborted, or an answer to old settings */
        free(j.c.url);
        return 0;                       /* still queued */
    }
    rc = record(w, &j, &ob, &r, now + (ts_now() - t0), e);
    if (w->n->o.verbose)
        fprintf(stderr, "logdeck alerts: %s -> %s: %s\n", w->name, j.masked,
                ob.status == OB_SENT ? "sent" : ob.last_error);
    free(j.c.url);
    return rc < 0 ? -1 : 1;
}
