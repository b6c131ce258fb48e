/* job: the runner's thread, its slots and its result queue (see job.h). */
#include "src/base/job.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/thread.h"

#define RESULTS_MAX 32

struct slot {
    job_fn fn;              /* NULL: empty */
    void *arg;
    job_free_fn free_arg;
    uint64_t gen;
};

struct jobq {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int wake_fd;
    void *ctx;
    job_free_fn ctx_fini;
    int stop;
    int running;            /* slot of the running job, -1 none */
    struct slot next[JOBQ_SLOTS];
    struct job_result res[RESULTS_MAX];
    int nres;
};

struct job {
    struct jobq *q;
    int slot;
    uint64_t gen;
};

static void slot_clear(struct slot *s)
{
    if (s->fn && s->free_arg)
        s->free_arg(s->arg);
    memset(s, 0, sizeof *s);
}

void job_result_free(struct job_result *r)
{
    if (r->p && r->free)
        r->free(r->p);
    r->p = NULL;
}

void *job_ctx(struct job *j)
{
    return j->q->ctx;
}

int job_cancelled(struct job *j)
{
    pthread_mutex_lock(&j->q->mu);
    int c = j->q->stop || j->q->next[j->slot].fn != NULL;
    pthread_mutex_unlock(&j->q->mu);
    return c;
}

void job_post(struct job *j, void *result, job_free_fn free_result)
{
    struct jobq *q = j->q;
    struct job_result drop = {0};
    pthread_mutex_lock(&q->mu);
    if (q->nres == RESULTS_MAX) {   /* the owner is not taking them: drop the oldest */
        drop = q->res[0];
        memmove(q->res, q->res + 1, (RESULTS_MAX - 1) * sizeof *q->res);
        q->nres--;
    }
    q->res[q->nres++] = (struct job_result){j->slot, j->gen, result, free_result};
    pthread_mutex_unlock(&q->mu);
    job_result_free(&drop);
    if (q->wake_fd >= 0) {
        ssize_t k = write(q->wake_fd, "j", 1);   /* a full pipe already wakes */
        (void)k;
    }
}

static int first_waiting(const struct jobq *q)
{
    for (int i = 0; i < JOBQ_SLOTS; i++)
        if (q->next[i].fn)
            return i;
    return -1;
}

static void *run(void *arg)
{
    struct jobq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        int i = -1;
        while (!q->stop && (i = first_waiting(q)) < 0)
            pthread_cond_wait(&q->cv, &q->mu);
        if (q->stop)
            break;
        struct slot s = q->next[i];
        memset(&q->next[i], 0, sizeof s);
        q->running = i;
        pthread_mutex_unlock(&q->mu);
        struct job j = {.q = q, .slot = i, .gen = s.gen};
        s.fn(&j, s.arg);
        slot_clear(&s);
        pthread_mutex_lock(&q->mu);
        q->running = -1;
    }
    pthread_mutex_unlock(&q->mu);
    if (q->ctx_fini)
        q->ctx_fini(q->ctx);   /* on this thread: e.g. its store connection */
    q->ctx = NULL;
    return NULL;
}

struct jobq *jobq_new(int wake_fd, void *ctx, job_free_fn ctx_fini, struct err *e)
{
    struct jobq *q = calloc(1, sizeof *q);
    if (!q) {
        if (ctx_fini)
            ctx_fini(ctx);
        err_set(e, "out of memory");
        return NULL;
    }
    *q = (struct jobq){.wake_fd = wake_fd, .ctx = ctx, .ctx_fini = ctx_fini, .running = -1};
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    int rc = thread_start("ld-jobs", &q->th, run, q);
    if (rc != 0) {
        if (ctx_fini)
            ctx_fini(ctx);
        pthread_mutex_destroy(&q->mu);
        pthread_cond_destroy(&q->cv);
        free(q);
        err_set(e, "cannot start a thread: %s", strerror(rc));
        return NULL;
    }
    return q;
}

void jobq_free(struct jobq *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    q->stop = 1;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->th, NULL);
    for (int i = 0; i < JOBQ_SLOTS; i++)
        slot_clear(&q->next[i]);
    for (int i = 0; i < q->nres; i++)
        job_result_free(&q->res[i]);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q);
}

void jobq_submit(struct jobq *q, int slot, job_fn fn, void *arg, job_free_fn free_arg,
                 uint64_t gen)
{
    if (slot < 0 || slot >= JOBQ_SLOTS) {
        if (free_arg)
            free_arg(arg);
        return;
    }
    pthread_mutex_lock(&q->mu);
    slot_clear(&q->next[slot]);
    q->next[slot] = (struct slot){fn, arg, free_arg, gen};
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

int jobq_take(struct jobq *q, struct job_result *out)
{
    int got = 0;
    pthread_mutex_lock(&q->mu);
    if (q->nres > 0) {
        *out = q->res[0];
        memmove(q->res, q->res + 1, (size_t)(q->nres - 1) * sizeof *q->res);
        q->nres--;
        got = 1;
    }
    pthread_mutex_unlock(&q->mu);
    return got;
}

int jobq_busy(struct jobq *q, int slot)
{
    pthread_mutex_lock(&q->mu);
    int busy = slot < 0 ? q->running >= 0 || first_waiting(q) >= 0
                        : q->running == slot || q->next[slot].fn != NULL;
    pthread_mutex_unlock(&q->mu);
    return busy;
}
