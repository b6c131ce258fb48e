/* bgjob: one background thread per user, its store connection, a
 * latest-wins job slot and a small queue of posted results (bgjob.h). */
#include "src/query/bgjob.h"
#include "src/base/thread.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define RESULTS_MAX 16

struct slot {
    bgjob_fn fn;
    void *arg;
    bgjob_free_fn free_arg;
    uint64_t gen;
};

struct posted {
    void *p;
    uint64_t gen;
};

struct bgjob {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *db_path;
    bgjob_free_fn free_result;
    int stop, running;
    struct slot next;          /* fn == NULL: none waiting */
    struct posted res[RESULTS_MAX];
    int nres;
    struct store *st;          /* the job thread's connection */
};

struct bgjob_run {
    struct bgjob *j;
    uint64_t gen;
};

static void slot_clear(struct slot *s)
{
    if (s->fn && s->free_arg)
        s->free_arg(s->arg);
    memset(s, 0, sizeof *s);
}

struct store *bgjob_store(struct bgjob_run *r, struct err *e)
{
    struct bgjob *j = r->j;
    if (!j->st)
        j->st = store_open(j->db_path, STORE_READ, e);
    return j->st;
}

int bgjob_cancelled(struct bgjob_run *r)
{
    pthread_mutex_lock(&r->j->mu);
    int c = r->j->stop || r->j->next.fn != NULL;
    pthread_mutex_unlock(&r->j->mu);
    return c;
}

void bgjob_post(struct bgjob_run *r, void *result)
{
    struct bgjob *j = r->j;
    void *drop = NULL;
    pthread_mutex_lock(&j->mu);
    if (j->nres == RESULTS_MAX) {   /* the UI is not taking them: drop the oldest */
        drop = j->res[0].p;
        memmove(j->res, j->res + 1, (RESULTS_MAX - 1) * sizeof *j->res);
        j->nres--;
    }
    j->res[j->nres++] = (struct posted){result, r->gen};
    pthread_mutex_unlock(&j->mu);
    if (drop && j->free_result)
        j->free_result(drop);
}

static void *run(void *arg)
{
    struct bgjob *j = arg;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        while (!j->stop && !j->next.fn)
            pthread_cond_wait(&j->cv, &j->mu);
        if (j->stop)
            break;
        struct slot s = j->next;
        memset(&j->next, 0, sizeof j->next);
        j->running = 1;
        pthread_mutex_unlock(&j->mu);
        struct bgjob_run r = {.j = j, .gen = s.gen};
        s.fn(&r, s.arg);
        slot_clear(&s);
        pthread_mutex_lock(&j->mu);
        j->running = 0;
    }
    pthread_mutex_unlock(&j->mu);
    store_close(j->st);
    j->st = NULL;
    return NULL;
}

struct bgjob *bgjob_new(const char *db_path, bgjob_free_fn free_result, struct err *e)
{
    struct bgjob *j = calloc(1, sizeof *j);
    if (!j || !(j->db_path = strdup(db_path))) {
        free(j);
        err_set(e, "out of memory");
        return NULL;
    }
    j->free_result = free_result;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    int rc = thread_start(&j->th, run, j);   /* signals are for the UI thread */
    if (rc != 0) {
        pthread_mutex_destroy(&j->mu);
        pthread_cond_destroy(&j->cv);
        free(j->db_path);
        free(j);
        err_set(e, "cannot start a thread: %s", strerror(rc));
        return NULL;
    }
    return j;
}

void bgjob_free(struct bgjob *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    j->stop = 1;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->th, NULL);
    slot_clear(&j->next);
    for (int i = 0; i < j->nres; i++)
        if (j->free_result)
            j->free_result(j->res[i].p);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    free(j->db_path);
    free(j);
}

void bgjob_submit(struct bgjob *j, bgjob_fn fn, void *arg, bgjob_free_fn free_arg, uint64_t gen)
{
    pthread_mutex_lock(&j->mu);
    slot_clear(&j->next);
    j->next = (struct slot){fn, arg, free_arg, gen};
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
}

int bgjob_take(struct bgjob *j, void **result, uint64_t *gen)
{
    int got = 0;
    pthread_mutex_lock(&j->mu);
    if (j->nres > 0) {
        *result = j->res[0].p;
        *gen = j->res[0].gen;
        memmove(j->res, j->res + 1, (size_t)(j->nres - 1) * sizeof *j->res);
        j->nres--;
        got = 1;
    }
    pthread_mutex_unlock(&j->mu);
    return got;
}

int bgjob_busy(struct bgjob *j)
{
    pthread_mutex_lock(&j->mu);
    int busy = j->running || j->next.fn != NULL;
    pthread_mutex_unlock(&j->mu);
    return busy;
}
