/* job: the one job runner for background work (the TUI's pages, counts,
 * `:w` writes, totals, traces, metrics and alerts; anything too slow for
 * a keypress). A runner (struct jobq) is one thread and belongs to whoever
 * created it: jobq_free stops the running job, joins the thread and frees
 * what is pending. Jobs go into slots: a new job replaces one not yet
 * started in its slot and asks a running one of that slot to finish early
 * (job_cancelled), so each slot is "latest wins"; lower slots run first.
 * A job posts any number of results, in order; every post writes a byte to
 * the wake fd so the owner's poll() loop wakes and takes them with
 * jobq_take (nothing polls for results).
 *
 * The runner's ctx is the job thread's own state (for src/query/qjob.c, a
 * store connection opened on first use): jobs reach it with job_ctx, and
 * ctx_fini runs on the job thread when it ends. No SQL here. */
#ifndef LOGDECK_BASE_JOB_H
#define LOGDECK_BASE_JOB_H

#include <stdint.h>

#include "src/base/err.h"

#define JOBQ_SLOTS 6

struct jobq;
struct job;

typedef void (*job_fn)(struct job *j, void *arg);
typedef void (*job_free_fn)(void *p);

struct job_result {
    int slot;               /* the slot of the job that posted it */
    uint64_t gen;           /* the gen it was submitted with */
    void *p;                /* owned by the taker: job_result_free */
    job_free_fn free;       /* how to free p (NULL: free() is not called) */
};

/* Starts the thread. wake_fd (or -1) gets a byte per posted result (it
 * should be non-blocking). Takes ownership of ctx: ctx_fini(ctx) runs on
 * the job thread when it stops, or here when starting fails. Returns NULL
 * with e filled. */
struct jobq *jobq_new(int wake_fd, void *ctx, job_free_fn ctx_fini, struct err *e);
/* Cancels the running job, joins the thread, frees pending jobs and
 * results. NULL is a no-op. */
void jobq_free(struct jobq *q);
/* Queues fn(arg) in slot (0 .. JOBQ_SLOTS-1); takes ownership of arg
 * (freed with free_arg, which may be NULL, after the run or when
 * replaced). gen comes back with each result of that run. */
void jobq_submit(struct jobq *q, int slot, job_fn fn, void *arg, job_free_fn free_arg,
                 uint64_t gen);
/* 1 with *out (the caller owns out->p), oldest first; 0 if none. */
int jobq_take(struct jobq *q, struct job_result *out);
/* 1 while a job of slot runs or waits (slot -1: any). */
int jobq_busy(struct jobq *q, int slot);
/* Frees r->p with r->free. */
void job_result_free(struct job_result *r);

/* --- inside a job ------------------------------------------------------------ */
/* The runner's ctx (see jobq_new). */
void *job_ctx(struct job *j);
/* 1 when a newer job of the same slot waits, or the runner stops. */
int job_cancelled(struct job *j);
/* Hands result to the owner (takes ownership; free_result frees it if it
 * is never taken). */
void job_post(struct job *j, void *result, job_free_fn free_result);

#endif
