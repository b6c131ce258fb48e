/* notify: delivery of the outbox over HTTP with libcurl (see notify.h).
 * libcurl is loaded on first use (src/base/curl_dl.h). One thread, its own store
 * connection, one message in flight at a time (so a crash can duplicate at
 * most one message); per notifier a "not before" time carries the rate
 * limit, Retry-After and the backoff, and a state (ok, retrying, broken). */
#include "src/notify/notify.h"
#include "db/alerts_db.h"
#include "src/alert/redact.h"
#include "src/base/curl_dl.h"
#include "src/base/ts.h"
#include "src/base/thread.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_NOTIFIERS 64

struct target {
    struct notifier_conf c;      /* strings owned: name, url */
    char hash[17];
    char masked[256];
    int64_t not_before;          /* µs: rate limit, Retry-After, backoff */
};

struct notify {
    struct store *s;
    struct notify_opts o;
    pthread_mutex_t mu;          /* guards targets during reload */
    pthread_cond_t cv;
    struct target t[MAX_NOTIFIERS];
    int nt;
    pthread_t th;
    int running;
    _Atomic int stop;
    unsigned seed;
    CURL *curl;
    const struct curl_api *cu;   /* libcurl, loaded on first use (curl_dl.h) */
};

struct http_result {
    long code;                   /* 0: no HTTP answer (connection error, timeout) */
    int64_t retry_after;         /* µs, from Retry-After */
    char body[256];              /* start of the answer (Slack's error string) */
    size_t blen;
    char err[160];
};

static void free_targets(struct notify *n)
{
    for (int i = 0; i < n->nt; i++) {
        free(n->t[i].c.name);
        free(n->t[i].c.url);
    }
    n->nt = 0;
}

/* Copies rs's notifiers and syncs their rows (a changed config un-breaks). */
static int load_targets(struct notify *n, const struct ruleset *rs, struct err *e)
{
    free_targets(n);
    for (int i = 0; i < rs->nnotifiers && n->nt < MAX_NOTIFIERS; i++) {
        const struct notifier_conf *c = &rs->notifiers[i];
        struct target *t = &n->t[n->nt++];
        memset(t, 0, sizeof *t);
        t->c = *c;
        t->c.file = t->c.url_env = NULL;
        const char *url = c->url ? c->url : c->url_env ? getenv(c->url_env) : NULL;
        t->c.name = strdup(c->name);
        t->c.url = url && *url ? strdup(url) : NULL;
        rules_notifier_hash(&t->c, t->hash);
        if (t->c.url)
            redact_url(t->c.url, t->masked, sizeof t->masked);
        else
            snprintf(t->masked, sizeof t->masked, "(unset: $%s)", c->url_env ? c->url_env : "?");
        struct adb_notifier row = {0};
        int have = alerts_db_notifier_get(n->s, c->name, &row, e);
        if (have < 0)
            return -1;
        if (!have || strcmp(row.config_hash, t->hash) != 0) {
            snprintf(row.name, sizeof row.name, "%s", c->name);
            row.state = NS_OK;   /* new or changed settings: try again */
            row.reason[0] = '\0';
        }
        snprintf(row.type, sizeof row.type, "%s", c->type == NOTIFIER_SLACK ? "slack" : "webhook");
        snprintf(row.url_masked, sizeof row.url_masked, "%s", t->masked);
        memcpy(row.config_hash, t->hash, sizeof row.config_hash);
        if (!t->c.url) {
            row.state = NS_BROKEN;
            snprintf(row.reason, sizeof row.reason, "no URL: environment variable %s is not set",
                     c->url_env ? c->url_env : "?");
        }
        if (alerts_db_notifier_put(n->s, &row, e) < 0)
            return -1;
    }
    return 0;
}

struct notify *notify_new(const char *db_path, const struct ruleset *rs,
                          const struct notify_opts *o, struct err *e)
{
    struct notify *n = calloc(1, sizeof *n);
    if (!n) {
        err_set(e, "out of memory");
        return NULL;
    }
    if (o)
        n->o = *o;
    if (n->o.poll <= 0)
        n->o.poll = 200000;
    if (n->o.backoff_scale <= 0) {
        const char *v = getenv("LOGDECK_BACKOFF_SCALE");
        n->o.backoff_scale = v && atof(v) > 0 ? atof(v) : 1.0;
    }
    n->seed = (unsigned)ts_now();
    pthread_mutex_init(&n->mu, NULL);
    pthread_cond_init(&n->cv, NULL);
    if (!(n->cu = curl_dl_get(e)) || !(n->s = store_open(db_path, STORE_WRITE, e)) ||
        alerts_db_init(n->s, e) < 0 || !(n->curl = n->cu->easy_init()) ||
        load_targets(n, rs, e) < 0) {
        if (n->cu && !n->curl && e && !e->msg[0])
            err_set(e, "cannot initialise libcurl");
        notify_free(n);
        return NULL;
    }
    return n;
}

int notify_reload(struct notify *n, const struct ruleset *rs, struct err *e)
{
    pthread_mutex_lock(&n->mu);
    int rc = load_targets(n, rs, e);
    pthread_mutex_unlock(&n->mu);
    return rc;
}

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

static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return ((struct notify *)ctx)->stop ? 1 : 0;   /* abort: the message stays queued */
}

static void post(struct notify *n, const struct target *t, const char *body, struct http_result *r)
{
    CURL *c = n->curl;
    memset(r, 0, sizeof *r);
    n->cu->easy_reset(c);
    struct curl_slist *h = n->cu->slist_append(NULL, "Content-Type: application/json");
    n->cu->easy_setopt(c, CURLOPT_URL, t->c.url);
    n->cu->easy_setopt(c, CURLOPT_HTTPHEADER, h);
    n->cu->easy_setopt(c, CURLOPT_POSTFIELDS, body);
    n->cu->easy_setopt(c, CURLOPT_USERAGENT, "logdeck-alerts/1");
    n->cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    n->cu->easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(t->c.timeout / 1000));
    n->cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(t->c.timeout / 1000));
    n->cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    n->cu->easy_setopt(c, CURLOPT_WRITEDATA, r);
    n->cu->easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    n->cu->easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    n->cu->easy_setopt(c, CURLOPT_XFERINFODATA, n);
    n->cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = n->cu->easy_perform(c);
    n->cu->slist_free_all(h);
    if (rc != CURLE_OK) {
        snprintf(r->err, sizeof r->err, "%s", n->cu->easy_strerror(rc));
        return;
    }
    n->cu->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->code);
    curl_off_t ra = 0;
    n->cu->easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra);
    r->retry_after = ra > 0 ? (int64_t)(ra < 3600 ? ra : 3600) * 1000000 : 0;
}

/* The endpoint's answer made printable: one line, no control bytes. */
static void reason_text(const struct http_result *r, char *out, size_t cap)
{
    char body[128];
    size_t j = 0;
    for (size_t i = 0; i < r->blen && j + 1 < sizeof body; i++)
        body[j++] = (r->body[i] < 0x20 || r->body[i] == 0x7f) ? ' ' : r->body[i];
    body[j] = '\0';
    if (r->code)
        snprintf(out, cap, "HTTP %ld%s%s", r->code, j ? ": " : "", body);
    else
        snprintf(out, cap, "%s", r->err);
}

static int64_t backoff(struct notify *n, const struct target *t, int attempts)
{
    double d = (double)t->c.backoff * n->o.backoff_scale;
    for (int i = 1; i < attempts && d < (double)t->c.backoff_max * n->o.backoff_scale; i++)
        d *= 2;
    if (d > (double)t->c.backoff_max * n->o.backoff_scale)
        d = (double)t->c.backoff_max * n->o.backoff_scale;
    double jitter = 0.5 + 0.5 * ((double)rand_r(&n->seed) / RAND_MAX);
    return (int64_t)(d * jitter);
}

static int is_config_error(long code)
{
    return code == 400 || code == 401 || code == 403 || code == 404 || code == 410;
}

/* Applies the answer to the message and the notifier row. */
static void settle(struct notify *n, struct target *t, struct adb_outbox *ob,
                   const struct http_result *r, struct adb_notifier *row, int64_t now)
{
    char why[256];
    reason_text(r, why, sizeof why);
    t->not_before = now + (int64_t)((double)t->c.min_interval * n->o.backoff_scale);
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
        t->not_before = ob->next_at;
    } else if (is_config_error(r->code)) {
        row->state = NS_BROKEN;   /* kept queued until the configuration changes */
    } else if (r->code >= 400 && r->code < 500) {
        ob->status = OB_FAILED;   /* this message is refused, the next may pass */
        row->failed++;
    } else if (now - ob->created > t->c.max_age) {
        ob->status = OB_FAILED;
        snprintf(ob->last_error, sizeof ob->last_error, "gave up after %d attempts: %.200s",
                 ob->attempts, why);
        row->failed++;
    } else {
        ob->status = OB_RETRYING;
        ob->next_at = now + backoff(n, t, ob->attempts);
        row->state = NS_RETRYING;
        t->not_before = ob->next_at;
    }
}

/* Sends the head of t's queue if it is due. 1 attempted, 0 nothing, -1 error. */
static int deliver_one(struct notify *n, struct target *t, int64_t now, struct err *e)
{
    struct adb_notifier row = {0};
    if (now < t->not_before || !t->c.url)
        return 0;
    if (alerts_db_notifier_get(n->s, t->c.name, &row, e) < 0)
        return -1;
    if (row.state == NS_BROKEN)
        return 0;
    struct adb_outbox ob;
    int have = alerts_db_outbox_head(n->s, t->c.name, &ob, e);
    if (have <= 0)
        return have;
    if (ob.next_at > now) {
        t->not_before = ob.next_at;
        free(ob.payload);
        return 0;
    }
    struct http_result r;
    int64_t t0 = ts_now();
    post(n, t, ob.payload, &r);
    free(ob.payload);
    if (n->stop && !r.code)
        return 0;   /* aborted by notify_stop: still queued */
    settle(n, t, &ob, &r, &row, now + (ts_now() - t0));
    if (n->o.verbose)
        fprintf(stderr, "logdeck alerts: %s -> %s: %s\n", t->c.name, t->masked,
                ob.status == OB_SENT ? "sent" : ob.last_error);
    if (alerts_db_begin(n->s, e) < 0)
        return -1;
    if (alerts_db_outbox_update(n->s, &ob, e) < 0 || alerts_db_notifier_put(n->s, &row, e) < 0 ||
        alerts_db_commit(n->s, e) < 0) {
        alerts_db_rollback(n->s);
        return -1;
    }
    return 1;
}

int notify_pass(struct notify *n, int64_t now, struct err *e)
{
    int done = 0;
    pthread_mutex_lock(&n->mu);
    for (int i = 0; i < n->nt && !n->stop; i++) {
        int rc = deliver_one(n, &n->t[i], now, e);
        if (rc < 0) {
            done = -1;
            break;
        }
        done += rc;
        now = ts_now();
    }
    pthread_mutex_unlock(&n->mu);
    return done;
}

static void *thread_main(void *arg)
{
    struct notify *n = arg;
    while (!n->stop) {
        struct err e = {0};
        int rc = notify_pass(n, ts_now(), &e);
        if (rc < 0)
            fprintf(stderr, "logdeck alerts: delivery: %s\n", e.msg);
        if (rc > 0)
            continue;
        pthread_mutex_lock(&n->mu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t ns = ts.tv_nsec + (n->o.poll % 1000000) * 1000;
        ts.tv_sec += n->o.poll / 1000000 + ns / 1000000000;
        ts.tv_nsec = ns % 1000000000;
        if (!n->stop)
            pthread_cond_timedwait(&n->cv, &n->mu, &ts);
        pthread_mutex_unlock(&n->mu);
    }
    return NULL;
}

int notify_start(struct notify *n, struct err *e)
{
    n->stop = 0;
    if (thread_start(&n->th, thread_main, n) != 0)
        return err_set(e, "cannot start the delivery thread");
    n->running = 1;
    return 0;
}

void notify_stop(struct notify *n)
{
    if (!n || !n->running)
        return;
    n->stop = 1;   /* first: a request in flight aborts, then the lock frees */
    pthread_mutex_lock(&n->mu);
    pthread_cond_broadcast(&n->cv);
    pthread_mutex_unlock(&n->mu);
    pthread_join(n->th, NULL);
    n->running = 0;
}

void notify_free(struct notify *n)
{
    if (!n)
        return;
    notify_stop(n);
    free_targets(n);
    if (n->curl)
        n->cu->easy_cleanup(n->curl);
    store_close(n->s);
    pthread_mutex_destroy(&n->mu);
    pthread_cond_destroy(&n->cv);
    free(n);
}
