/* test_job: the job runner (src/base/job.c) every background read of the
 * TUI goes through: results in order with one wake byte each, latest wins
 * per slot (a replaced job is freed unrun, a running one is told to stop),
 * lower slots first, the runner's ctx finished on its own thread, signals
 * blocked there, and jobq_free stopping a running job and freeing what was
 * never taken. Waits are bounded (5 s), never bare sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/job.h"
#include "src/base/ts.h"

#define WAIT_US 5000000

/* The runner's ctx: what the tests observe from the job thread. */
struct ctx {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int release;            /* blocker jobs wait for this */
    int running;            /* a blocker started */
    int fini_ran, fini_on_other_thread;
    pthread_t main;
    int *fini_flag;         /* set by fini (the ctx is gone then) */
};

static int g_arg_frees, g_result_frees;

static void ctx_fini(void *p)
{
    struct ctx *c = p;
    *c->fini_flag = pthread_equal(pthread_self(), c->main) ? 1 : 2;
}

static void arg_free(void *p)
{
    g_arg_frees++;
    free(p);
}

static void result_free(void *p)
{
    g_result_frees++;
    free(p);
}

static int *num(int v)
{
    int *p = malloc(sizeof *p);
    *p = v;
    return p;
}

/* Posts arg's value, then value + 1 and + 2. */
static void post_three(struct job *j, void *arg)
{
    int v = *(int *)arg;
    for (int i = 0; i < 3; i++)
        job_post(j, num(v + i), result_free);
}

/* Posts 1 when SIGTERM and SIGINT are blocked on this thread. */
static void post_sigmask(struct job *j, void *arg)
{
    sigset_t cur;
    (void)arg;
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    job_post(j, num(sigismember(&cur, SIGTERM) && sigismember(&cur, SIGINT)), result_free);
}

/* Runs until released (or cancelled when arg says so); posts -1 when it
 * saw job_cancelled, else its arg. */
static void blocker(struct job *j, void *arg)
{
    struct ctx *c = job_ctx(j);
    int v = *(int *)arg, cancelled = 0;
    int64_t until = ts_mono_us() + WAIT_US;
    pthread_mutex_lock(&c->mu);
    c->running = 1;
    pthread_cond_broadcast(&c->cv);
    while (!c->release && ts_mono_us() < until) {
        pthread_mutex_unlock(&c->mu);
        if (v == 0 && job_cancelled(j)) {
            cancelled = 1;
            pthread_mutex_lock(&c->mu);
            break;
        }
        usleep(1000);
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    job_post(j, num(cancelled ? -1 : v), result_free);
}

static struct jobq *start(struct ctx *c, int *flag, int wake_fd)
{
    struct err e = {0};
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->main = pthread_self();
    c->fini_flag = flag;
    *flag = 0;
    struct jobq *q = jobq_new(wake_fd, c, ctx_fini, &e);
    assert_non_null(q);
    return q;
}

static void wait_running(struct ctx *c)
{
    int64_t until = ts_mono_us() + WAIT_US;
    pthread_mutex_lock(&c->mu);
    while (!c->running && ts_mono_us() < until) {
        pthread_mutex_unlock(&c->mu);
        usleep(1000);
        pthread_mutex_lock(&c->mu);
    }
    int r = c->running;
    c->running = 0;
    pthread_mutex_unlock(&c->mu);
    assert_int_equal(r, 1);
}

static void release(struct ctx *c)
{
    pthread_mutex_lock(&c->mu);
    c->release = 1;
    pthread_mutex_unlock(&c->mu);
}

/* Takes n results (waiting up to WAIT_US), values into v, gens into gen. */
static void take(struct jobq *q, int n, int *v, uint64_t *gen)
{
    int64_t until = ts_mono_us() + WAIT_US;
    for (int got = 0; got < n;) {
        struct job_result r;
        if (jobq_take(q, &r)) {
            v[got] = *(int *)r.p;
            if (gen)
                gen[got] = r.gen;
            job_result_free(&r);
            got++;
        } else {
            assert_true(ts_mono_us() < until);
            usleep(1000);
        }
    }
}

static void t_order_wake_fini(void **state)
{
    (void)state;
    int fds[2], flag, v[3];
    uint64_t gen[3];
    struct ctx c;
    assert_int_equal(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
    struct jobq *q = start(&c, &flag, fds[1]);
    jobq_submit(q, 0, post_three, num(10), arg_free, 7);
    struct pollfd p = {fds[0], POLLIN, 0};
    assert_int_equal(poll(&p, 1, WAIT_US / 1000), 1);   /* woken, not polling */
    take(q, 3, v, gen);
    assert_int_equal(v[0], 10);
    assert_int_equal(v[1], 11);
    assert_int_equal(v[2], 12);
    assert_int_equal(gen[0], 7);
    assert_int_equal(gen[2], 7);
    char buf[16];
    assert_int_equal(read(fds[0], buf, sizeof buf), 3);   /* one byte per result */
    struct job_result r;
    assert_int_equal(jobq_take(q, &r), 0);
    jobq_free(q);
    assert_int_equal(flag, 2);   /* ctx finished on the job thread */
    close(fds[0]);
    close(fds[1]);
}

static void t_signals_blocked(void **state)
{
    (void)state;
    int flag, v;
    struct ctx c;
    struct jobq *q = start(&c, &flag, -1);
    jobq_submit(q, 0, post_sigmask, NULL, NULL, 1);
    take(q, 1, &v, NULL);
    assert_int_equal(v, 1);
    jobq_free(q);
}

static void t_latest_wins(void **state)
{
    (void)state;
    int flag, v[2];
    uint64_t gen[2];
    struct ctx c;
    struct jobq *q = start(&c, &flag, -1);
    g_arg_frees = 0;
    jobq_submit(q, 0, blocker, num(5), arg_free, 1);
    wait_running(&c);
    jobq_submit(q, 1, post_three, num(100), arg_free, 2);
    jobq_submit(q, 1, blocker, num(200), arg_free, 3);   /* replaces the one above */
    assert_int_equal(g_arg_frees, 1);                    /* freed, never run */
    assert_int_equal(jobq_busy(q, 1), 1);
    release(&c);
    take(q, 2, v, gen);
    assert_int_equal(v[0], 5);
    assert_int_equal(gen[0], 1);
    assert_int_equal(v[1], 200);
    assert_int_equal(gen[1], 3);
    jobq_free(q);
    assert_int_equal(g_arg_frees, 3);
}

static void t_cancel_running(void **state)
{
    (void)state;
    int flag, v[2];
    struct ctx c;
    struct jobq *q = start(&c, &flag, -1);
    jobq_submit(q, 2, blocker, num(0), arg_free, 1);   /* 0: stops when cancelled */
    wait_running(&c);
    jobq_submit(q, 2, post_three, num(40), arg_free, 2);
    take(q, 2, v, NULL);
    assert_int_equal(v[0], -1);   /* the running job saw a newer one waiting */
    assert_int_equal(v[1], 40);
    jobq_free(q);
}

static void t_lower_slot_first(void **state)
{
    (void)state;
    int flag, v[3];
    struct ctx c;
    struct jobq *q = start(&c, &flag, -1);
    jobq_submit(q, 3, blocker, num(1), arg_free, 1);
    wait_running(&c);
    jobq_submit(q, 2, blocker, num(2), arg_free, 2);
    jobq_submit(q, 0, blocker, num(3), arg_free, 3);
    release(&c);
    take(q, 3, v, NULL);
    assert_int_equal(v[0], 1);
    assert_int_equal(v[1], 3);   /* slot 0 before slot 2 */
    assert_int_equal(v[2], 2);
    jobq_free(q);
}

static void t_free_stops_and_frees(void **state)
{
    (void)state;
    int flag;
    struct ctx c;
    struct jobq *q = start(&c, &flag, -1);
    g_arg_frees = g_result_frees = 0;
    /* the blocker first, running before the other is queued: submitted
     * the other way round, the job thread could start post_three before
     * the blocker was queued (4 results to free instead of 1, once in a
     * full make test) */
    jobq_submit(q, 0, blocker, num(0), arg_free, 2);   /* runs until stopped */
    wait_running(&c);
    jobq_submit(q, 1, post_three, num(1), arg_free, 1);   /* queued behind it */
    jobq_free(q);   /* stop: the running blocker is cancelled, the queued job dropped */
    assert_int_equal(flag, 2);
    assert_int_equal(g_arg_frees, 2);
    assert_int_equal(g_result_frees, 1);   /* the blocker's result, never taken */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_order_wake_fini),
        cmocka_unit_test(t_signals_blocked),
        cmocka_unit_test(t_latest_wins),
        cmocka_unit_test(t_cancel_running),
        cmocka_unit_test(t_lower_slot_first),
        cmocka_unit_test(t_free_stops_and_frees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
