/* worker: the TUI's background thread for work too slow for a keypress:
 * counting the matches of a query on a large store, and writing a result
 * set to a file (`:w`). It has its own read connection to the store, so
 * the UI thread never waits on it. A new count request replaces one not
 * yet started; results are picked up with worker_poll(). When a job
 * finishes, a byte is written to the wake pipe so the UI's poll() wakes. */
#ifndef LOGDECK_UI_WORKER_H
#define LOGDECK_UI_WORKER_H

#include <stdint.h>

#include "src/base/err.h"

struct worker;

struct logmodel;

struct worker_result {
    int kind;                /* 1 count, 2 write, 3 page */
    uint64_t gen;            /* the count or page request's generation */
    int64_t n;               /* matches, or rows written */
    int failed;              /* 1: msg holds the error */
    char msg[1024];          /* write: the path written */
    struct logmodel *page;   /* page: the rows read (heap; the receiver owns
                                it: logmodel_adopt() it or logmodel_free() it) */
};

/* db_path is copied; wake_fd (or -1) gets a byte per finished job. */
struct worker *worker_new(const char *db_path, int wake_fd, struct err *e);
void worker_free(struct worker *w);   /* NULL is a no-op; waits for the job */

/* Counts the records matching query (text; "" = all). */
void worker_count(struct worker *w, const char *query, uint64_t gen);
/* Writes every record matching query, oldest first, to path: JSON lines,
 * or the raw text when raw. Refuses an existing file unless force. */
void worker_write(struct worker *w, const char *query, const char *path, int raw, int force);
/* Reads the first page of records matching query for a list of height
 * rows: the newest ones, or those around (ts, id) when newest is 0 (see
 * logmodel_anchor). A new request replaces one not yet started. */
void worker_page(struct worker *w, const char *query, int newest, int64_t ts, int64_t id,
                 int height, uint64_t gen);
/* 1 and *out if a result is ready, else 0. */
int worker_poll(struct worker *w, struct worker_result *out);
/* 1 while a job runs or waits. */
int worker_busy(struct worker *w);

#endif
