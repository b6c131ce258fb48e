/* addq: the store thread of a bulk load (addq.h). */
#include "db/addq.h"
#include "src/base/thread.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ADDQ_MAX 4096   /* queued records before addq_push waits (until half are done:
                           one wake-up per 2048 records, not one per record) */

struct addq {
    struct store *s;
    addq_insert_fn fn;
    addq_flush_fn flush;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_space, cv_idle;
    struct row_item *head, *tail;
    int n, busy, stop, failed;
    struct err err;
};

/* The batch's first failure is kept (q->mu held). */
static void fail(struct addq *q, const struct err *e)
{
    if (q->failed)
        return;
    q->failed = 1;
    q->err = *e;
    pthread_cond_broadcast(&q->cv_space);
}

static void *addq_main(void *arg)
{
    struct addq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->head && !q->stop)
            pthread_cond_wait(&q->cv_work, &q->mu);
        if (!q->head)
            break;
        struct row_item *it = q->head;
        q->head = it->next;
        if (!q->head)
            q->tail = NULL;
        q->n--;
        q->busy = 1;
        int failed = q->failed;
        if (q->n == ADDQ_MAX / 2)   /* a waiting producer refills half the queue at once */
            pthread_cond_signal(&q->cv_space);
        pthread_mutex_unlock(&q->mu);
        struct err e = {0};
        int rc = 0;
        /* The connection's own (recursive) mutex, held around the item:
         * the ~20 calls of a record (bindings, steps) then re-enter a
         * mutex this thread owns instead of each taking it afresh. A call
         * of the caller's thread meanwhile waits for the item's end. */
        sqlite3_mutex *dbm = sqlite3_db_mutex(q->s->db);
        sqlite3_mutex_enter(dbm);
        if (failed)   /* after a failure: dropped */
            free(it);
        else
            rc = q->fn(q->s, it, &e);   /* which owns it */
        sqlite3_mutex_leave(dbm);
        pthread_mutex_lock(&q->mu);
        if (rc < 0)
            fail(q, &e);
        if (!q->head) {   /* ran empty: what fn kept is written (or, failed, freed) */
            failed = q->failed;
            pthread_mutex_unlock(&q->mu);
            sqlite3_mutex_enter(dbm);
            rc = q->flush(q->s, failed, &e);
            sqlite3_mutex_leave(dbm);
            pthread_mutex_lock(&q->mu);
            if (rc < 0)
                fail(q, &e);
        }
        q->busy = 0;
        if (!q->head)
            pthread_cond_broadcast(&q->cv_idle);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

int addq_start(struct store *s, addq_insert_fn fn, addq_flush_fn flush, struct err *e)
{
    if (s->addq)
        return 0;
    struct addq *q = calloc(1, sizeof *q);
    if (!q)
        return err_set(e, "out of memory");
    q->s = s;
    q->fn = fn;
    q->flush = flush;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv_work, NULL);
    pthread_cond_init(&q->cv_space, NULL);
    pthread_cond_init(&q->cv_idle, NULL);
    if (thread_start("ld-store", &q->th, addq_main, q) != 0) {
        free(q);
        return err_set(e, "cannot start the store thread");
    }
    s->addq = q;
    return 0;
}

static size_t slen(const char *p)
{
    return p ? strlen(p) + 1 : 0;
}

/* Copies string p into the item's tail at *o; returns the copy. */
static const char *put(char **o, const char *p, size_t n)
{
    if (!p)
        return NULL;
    char *c = *o;
    memcpy(c, p, n);
    c[n] = '\0';
    *o += n + 1;
    return c;
}

int addq_push(struct store *s, const struct row_item *it, struct err *e)
{
    struct addq *q = s->addq;
    size_t need = sizeof *it + slen(it->service) + slen(it->logger) + slen(it->metric) +
                  slen(it->fields) + slen(it->path) + it->blen + 1 + it->dlen + 1 + it->bloblen;
    struct row_item *c = malloc(need);
    if (!c)
        return err_set(e, "out of memory storing a record");
    *c = *it;
    c->next = NULL;
    char *o = (char *)(c + 1);
    c->service = put(&o, it->service, slen(it->service) - (it->service != NULL));
    c->logger = put(&o, it->logger, slen(it->logger) - (it->logger != NULL));
    c->metric = put(&o, it->metric, slen(it->metric) - (it->metric != NULL));
    c->fields = put(&o, it->fields, slen(it->fields) - (it->fields != NULL));
    c->path = put(&o, it->path, slen(it->path) - (it->path != NULL));
    c->body = put(&o, it->body ? it->body : "", it->blen);
    c->doc = put(&o, it->doc ? it->doc : "", it->dlen);
    if (it->bloblen) {
        memcpy(o, it->blob, it->bloblen);
        c->blob = o;
    }
    pthread_mutex_lock(&q->mu);
    while (q->n >= ADDQ_MAX && !q->failed)
        pthread_cond_wait(&q->cv_space, &q->mu);
    if (q->failed) {
        *e = q->err;
        pthread_mutex_unlock(&q->mu);
        free(c);
        return -1;
    }
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
    q->n++;
    pthread_cond_signal(&q->cv_work);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

int addq_behind(struct store *s)
{
    struct addq *q = s->addq;
    if (!q)
        return 0;
    pthread_mutex_lock(&q->mu);
    int n = q->n;
    pthread_mutex_unlock(&q->mu);
    return n >= ADDQ_MAX / 4;
}

int addq_drain(struct store *s, struct err *e)
{
    struct addq *q = s->addq;
    if (!q)
        return 0;
    pthread_mutex_lock(&q->mu);
    while (q->head || q->busy)
        pthread_cond_wait(&q->cv_idle, &q->mu);
    int rc = 0;
    if (q->failed) {
        if (e)
            *e = q->err;
        q->failed = 0;
        rc = -1;
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

void addq_stop(struct store *s)
{
    struct addq *q = s->addq;
    if (!q)
        return;
    addq_drain(s, NULL);
    pthread_mutex_lock(&q->mu);
    q->stop = 1;
    pthread_cond_signal(&q->cv_work);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->th, NULL);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv_work);
    pthread_cond_destroy(&q->cv_space);
    pthread_cond_destroy(&q->cv_idle);
    free(q);
    s->addq = NULL;
}
