/* worker: the TUI's background thread for work too slow for a keypress:
 * counting the matches of a query on a large store, and writing a result
 * set to a file (`:w`). It has its own read connection to the store, so
 * the UI thread never waits on it. A new count request replaces one not
 * yet started; results are picked up with worker_poll(). When a job
 * finishes, a byte is written to the wake pipe so the UI's poll() wakes. */
#ifndef LOGDECK_UI_WORKER_H
#define LOGDECK_UI_WORKER_H

#include <stdint.h>

#include "src/err.h"

struct worker;

struct worker_result {
    int kind;                /* 1 count, 2 write */
    uint64_t gen;            /* the count request's generation */
    int64_t n;               /* matches, or rows written */
    int failed;              /* 1: msg holds the error */
    char msg[1024];          /* write: the path written */
};

/* db_path is copied; wake_fd (or -1) gets a byte per finished job. */
struct worker *worker_new(const char *db_path, int wake_fd, struct err *e);
void worker_free(struct worker *w);   /* NULL is a no-op; waits for the job */

/* Counts the records matching query (text; "" = all). */
void worker_count(struct worker *w, const char *query, uint64_t gen);
/* Writes every record matching query, oldest first, to path: JSON lines,
 * or the raw text when raw. Refuses an existing file unless force. */
void worker_write(struct worker *w, const char *query, const char *path, int raw, int force);
/* 1 and *out if a result is ready, else 0. */
int worker_poll(struct worker *w, struct worker_result *out);
/* 1 while a job runs or waits. */
int worker_busy(struct worker *w);

#endif
