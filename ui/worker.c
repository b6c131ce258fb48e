/* worker: one background thread with its own store connection (see
 * worker.h). Jobs are a latest-wins count slot and a write queue of one;
 * results wait in a small ring for the UI thread. */
#include "ui/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/exec.h"
#include "db/store.h"
#include "src/query/query.h"
#include "src/query/recout.h"
#include "src/base/thread.h"
#include "src/base/ts.h"
#include "ui/logmodel.h"

#define RESULTS_MAX 8

struct job {
    int kind;          /* 0 none, 1 count, 2 write, 3 page */
    char *query;
    char *path;
    int raw, force;
    uint64_t gen;
    int newest, height;    /* page */
    int64_t ts, id;
};

struct worker {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *db_path;
    int wake_fd;
    int stop, running;
    struct job count, write, page;
    struct worker_result res[RESULTS_MAX];
    int nres;
    struct store *st;
};

static void job_clear(struct job *j)
{
    free(j->query);
    free(j->path);
    memset(j, 0, sizeof *j);
}

static void post(struct worker *w, const struct worker_result *r)
{
    pthread_mutex_lock(&w->mu);
    if (w->nres == RESULTS_MAX) {
        logmodel_free(w->res[0].page);
        memmove(w->res, w->res + 1, (RESULTS_MAX - 1) * sizeof *w->res);
        w->nres--;
    }
    w->res[w->nres++] = *r;
    pthread_mutex_unlock(&w->mu);
    if (w->wake_fd >= 0) {
        ssize_t k = write(w->wake_fd, "w", 1);
        (void)k;
    }
}

static int ensure_store(struct worker *w, struct err *e)
{
    if (!w->st)
        w->st = store_open(w->db_path, STORE_READ, e);
    return w->st ? 0 : -1;
}

static void do_count(struct worker *w, struct job *j)
{
    struct worker_result r = {.kind = 1, .gen = j->gen};
    struct err e = {0};
    struct plan *p = NULL;
    if (ensure_store(w, &e) == 0 && (p = query_compile(j->query, ts_now(), NULL, &e))) {
        if (p->root->kind == PK_TRUE) {
            struct store_totals t;
            if (store_totals(w->st, &t, &e) == 0)
                r.n = t.records;
            else
                r.failed = 1;
        } else if (store_count(w->st, p, 0, 0, &r.n, &e) < 0) {
            r.failed = 1;
        }
    } else {
        r.failed = 1;
    }
    if (r.failed)
        snprintf(r.msg, sizeof r.msg, "%s", e.msg);
    query_free(p);
    post(w, &r);
}

struct write_ctx {
    FILE *f;
    int raw;
    int64_t n;
};

static int write_row(void *ctx, const struct store_row *row)
{
    struct write_ctx *c = ctx;
    if (c->raw) {
        fwrite(row->rec.raw, 1, row->rec.raw_len, c->f);
        fputc('\n', c->f);
    } else {
        recout_json(c->f, row, NULL);
    }
    c->n++;
    return ferror(c->f) ? 1 : 0;
}

static int write_file(struct worker *w, struct job *j, int64_t *rows, struct err *e)
{
    struct plan *p = NULL;
    if (ensure_store(w, e) < 0 || !(p = query_compile(j->query, ts_now(), NULL, e)))
        return -1;
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (j->force ? O_TRUNC : O_EXCL);
    int fd = open(j->path, flags, 0644);
    if (fd < 0) {
        query_free(p);
        if (errno == EEXIST)
            return err_set(e, "%s exists (use :w! to overwrite)", j->path);
        return err_set(e, "cannot write %s: %s", j->path, strerror(errno));
    }
    struct write_ctx c = {.f = fdopen(fd, "w"), .raw = j->raw};
    struct store_page pg = {.oldest_first = 1};
    int rc = c.f ? store_query(w->st, p, &pg, write_row, &c, e) : -1;
    int bad = !c.f || ferror(c.f);
    if ((c.f ? fclose(c.f) : close(fd)) != 0 || bad) {
        rc = -1;
        err_set(e, "cannot write %s: %s", j->path, strerror(errno ? errno : EIO));
    }
    query_free(p);
    *rows = c.n;
    return rc < 0 ? -1 : 0;
}

static void do_write(struct worker *w, struct job *j)
{
    struct worker_result r = {.kind = 2};
    struct err e = {0};
    if (write_file(w, j, &r.n, &e) < 0) {
        r.failed = 1;
        snprintf(r.msg, sizeof r.msg, "%s", e.msg);
    } else {
        snprintf(r.msg, sizeof r.msg, "%s", j->path);
    }
    post(w, &r);
}

static void do_page(struct worker *w, struct job *j)
{
    struct worker_result r = {.kind = 3, .gen = j->gen};
    struct err e = {0};
    struct plan *p = NULL;
    struct logmodel *m = NULL;
    if (ensure_store(w, &e) == 0 && (p = query_compile(j->query, ts_now(), NULL, &e)) &&
        (m = logmodel_new(w->st))) {
        logmodel_set_plan(m, p);
        int rc = logmodel_set_height(m, j->height, &e);
        if (rc == 0)
            rc = j->newest ? logmodel_newest(m, &e) : logmodel_anchor(m, j->ts, j->id, &e);
        logmodel_detach(m);   /* the rows stay; the plan and store do not */
        if (rc < 0) {
            logmodel_free(m);
            m = NULL;
        }
    }
    if (!m) {
        r.failed = 1;
        snprintf(r.msg, sizeof r.msg, "%s", e.msg[0] ? e.msg : "out of memory");
    }
    r.page = m;
    query_free(p);
    post(w, &r);
}

static void *run(void *arg)
{
    struct worker *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->stop && !w->count.kind && !w->write.kind && !w->page.kind)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->stop)
            break;
        struct job *slot = w->page.kind ? &w->page : w->write.kind ? &w->write : &w->count;
        struct job j = *slot;
        memset(slot, 0, sizeof j);
        w->running = 1;
        pthread_mutex_unlock(&w->mu);
        if (j.kind == 1)
            do_count(w, &j);
        else if (j.kind == 2)
            do_write(w, &j);
        else
            do_page(w, &j);
        job_clear(&j);
        pthread_mutex_lock(&w->mu);
        w->running = 0;
    }
    pthread_mutex_unlock(&w->mu);
    store_close(w->st);
    w->st = NULL;
    return NULL;
}

struct worker *worker_new(const char *db_path, int wake_fd, struct err *e)
{
    struct worker *w = calloc(1, sizeof *w);
    if (!w || !(w->db_path = strdup(db_path))) {
        free(w);
        err_set(e, "out of memory");
        return NULL;
    }
    w->wake_fd = wake_fd;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    int rc = thread_start(&w->th, run, w);   /* signals are for the UI thread */
    if (rc != 0) {
        free(w->db_path);
        free(w);
        err_set(e, "cannot start a thread: %s", strerror(rc));
        return NULL;
    }
    return w;
}

void worker_free(struct worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    job_clear(&w->count);
    job_clear(&w->write);
    job_clear(&w->page);
    for (int i = 0; i < w->nres; i++)
        logmodel_free(w->res[i].page);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w->db_path);
    free(w);
}

void worker_count(struct worker *w, const char *query, uint64_t gen)
{
    pthread_mutex_lock(&w->mu);
    job_clear(&w->count);
    w->count.kind = 1;
    w->count.query = strdup(query ? query : "");
    w->count.gen = gen;
    if (!w->count.query)
        w->count.kind = 0;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void worker_write(struct worker *w, const char *query, const char *path, int raw, int force)
{
    pthread_mutex_lock(&w->mu);
    job_clear(&w->write);
    w->write = (struct job){.kind = 2, .query = strdup(query ? query : ""),
                            .path = strdup(path), .raw = raw, .force = force};
    if (!w->write.query || !w->write.path)
        job_clear(&w->write);
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void worker_page(struct worker *w, const char *query, int newest, int64_t ts, int64_t id,
                 int height, uint64_t gen)
{
    pthread_mutex_lock(&w->mu);
    job_clear(&w->page);
    w->page = (struct job){.kind = 3, .query = strdup(query ? query : ""), .gen = gen,
                           .newest = newest, .ts = ts, .id = id, .height = height};
    if (!w->page.query)
        job_clear(&w->page);
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

int worker_poll(struct worker *w, struct worker_result *out)
{
    int got = 0;
    pthread_mutex_lock(&w->mu);
    if (w->nres > 0) {
        *out = w->res[0];
        memmove(w->res, w->res + 1, (size_t)(w->nres - 1) * sizeof *w->res);
        w->nres--;
        got = 1;
    }
    pthread_mutex_unlock(&w->mu);
    return got;
}

int worker_busy(struct worker *w)
{
    pthread_mutex_lock(&w->mu);
    int busy = w->running || w->count.kind || w->write.kind || w->page.kind;
    pthread_mutex_unlock(&w->mu);
    return busy;
}
