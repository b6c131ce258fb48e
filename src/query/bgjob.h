/* bgjob: a background thread with its own read connection to the store,
 * for the views' reads that are too slow for a keypress (the metrics
 * view's aggregations). The same shape as the TUI's worker (ui/worker.c),
 * generic over the job: one job at a time, latest wins. Submitting
 * replaces a job not yet started and tells a running one to stop early
 * (bgjob_cancelled). A job may post several results (progressive parts);
 * the UI thread takes them in order with bgjob_take(). No curses, no SQL. */
#ifndef LOGDECK_BGJOB_H
#define LOGDECK_BGJOB_H

#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"

struct bgjob;
struct bgjob_run;

/* Runs on the job thread; arg is borrowed for the call. */
typedef void (*bgjob_fn)(struct bgjob_run *r, void *arg);
typedef void (*bgjob_free_fn)(void *p);

/* db_path is copied; results not taken are freed with free_result. The
 * thread starts at once and opens the store on its first job. Returns
 * NULL with e filled. */
struct bgjob *bgjob_new(const char *db_path, bgjob_free_fn free_result, struct err *e);
/* Stops the thread (waits for the running job), frees what is pending.
 * NULL is a no-op. */
void bgjob_free(struct bgjob *j);

/* Queues fn(arg); takes ownership of arg (freed with free_arg, which may
 * be NULL, after the run or when replaced). gen is handed back with each
 * result of that run. */
void bgjob_submit(struct bgjob *j, bgjob_fn fn, void *arg, bgjob_free_fn free_arg, uint64_t gen);

/* --- inside a job ---------------------------------------------------------- */
/* The thread's store connection, or NULL with e filled. */
struct store *bgjob_store(struct bgjob_run *r, struct err *e);
/* 1 when a newer job waits (or the thread stops): finish early. */
int bgjob_cancelled(struct bgjob_run *r);
/* Hands result to the UI thread (takes ownership). */
void bgjob_post(struct bgjob_run *r, void *result);

/* --- UI thread ------------------------------------------------------------- */
/* 1 with *result (the caller owns it) and *gen, oldest first; 0 if none. */
int bgjob_take(struct bgjob *j, void **result, uint64_t *gen);
/* 1 while a job runs or waits. */
int bgjob_busy(struct bgjob *j);

#endif
