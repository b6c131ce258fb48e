/* pager: what the TUI reads records through (views never include db/).
 * It owns two store connections: the UI thread's, only for growing the
 * log view's window while scrolling (src/query/logmodel.h: keyset pages of
 * a few rows next to what is shown); and a job runner's (src/query/qjob.h)
 * for every other read: a new filter's first page, g G F :goto n N pages,
 * the newest page after a commit, the detail pane's record, match counts,
 * `:w` writes, and the totals and lag of the status bar. Results come back through the
 * wake fd given to pager_open; pager_poll hands them over in order. */
#ifndef LOGDECK_QUERY_PAGER_H
#define LOGDECK_QUERY_PAGER_H

#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"
#include "src/base/record.h"
#include "src/query/logmodel.h"

struct pager;

/* One record's place in the log's order (ts, then id). */
struct rec_key {
    int64_t ts, id;
};

/* The status bar's numbers (a copy of the store's totals, plus the bytes
 * written to followed files but not yet stored). */
struct pager_totals {
    int64_t records;
    int64_t by_level[LVL_COUNT];
    int64_t files;
    int64_t first_ts, last_ts;
    int64_t lost_lines, truncated, lost_files;
    int64_t lost_gaps;           /* losses of unknown size (store_totals) */
    int64_t db_bytes;
    int64_t lag_bytes;
    int64_t cap_dropped;         /* records the size cap dropped */
    struct store_coverage cov;   /* history not indexed yet (tail-first indexing) */
};

enum pager_kind { PAGER_COUNT = 1, PAGER_WRITE, PAGER_PAGE, PAGER_TOTALS, PAGER_RECORD };

struct pager_result {
    int kind;                    /* enum pager_kind */
    uint64_t gen;                /* the count or page request's generation */
    int64_t n;                   /* matches, rows written, or PAGE_FIND: 1 found */
    int failed;                  /* 1: msg holds the error */
    char msg[1024];              /* write: the path written */
    char warn[256];              /* PAGER_PAGE: the query names a field no record has
                                    (src/query/fieldwarn.h), "" when none */
    struct logmodel *page;       /* PAGER_PAGE: the rows read (heap; the receiver owns
                                    it: logmodel_adopt() it or logmodel_free() it) */
    struct pager_totals totals;  /* PAGER_TOTALS */
    void *obj;                   /* PAGER_RECORD: what build made of the record (the
                                    receiver owns it: obj_free(obj)), NULL if n is 0 */
    void (*obj_free)(void *);
};

/* Opens both connections and starts the job thread; db_path is copied.
 * wake_fd (or -1) gets a byte per result. Returns NULL with e filled. */
struct pager *pager_open(const char *db_path, int wake_fd, struct err *e);
/* Stops and joins the job thread, closes both connections. NULL: no-op. */
void pager_close(struct pager *p);

/* Binds m (caller's storage) to the UI thread's connection (logmodel_init). */
void pager_window_init(struct pager *p, struct logmodel *m);
/* 1 when the store's files changed since the last call (a commit landed):
 * a stat of the database and its WAL, no query. */
int pager_changed(struct pager *p);

/* --- jobs (each "latest wins" within its kind) --------------------------------- */
/* Counts the records matching query (text; "" = all). */
void pager_count(struct pager *p, const char *query, uint64_t gen);
/* Writes every record matching query, oldest first, to path: JSON lines,
 * or the raw text when raw. Refuses an existing file unless force. */
void pager_write(struct pager *p, const char *query, const char *path, int raw, int force);
/* The same for the records keys[0..n) (sorted, copied): the marked ones.
 * A record gone since (retention) is skipped; n is what was written. */
void pager_write_keys(struct pager *p, const struct rec_key *keys, size_t n, const char *path,
                      int raw, int force);
/* Where a page is read. */
enum pager_at {
    PAGE_NEWEST = 0,   /* the newest records, the newest selected */
    PAGE_OLDEST,       /* the oldest, the oldest selected */
    PAGE_ANCHOR,       /* around (ts, id), that record selected (logmodel_anchor) */
    PAGE_TIME,         /* the first record at or after ts (logmodel_goto_ts) */
    PAGE_FIND          /* the next match after (ts, id): pager_find */
};
/* Reads a page of the records matching query for a list of height rows,
 * at `at` (enum pager_at). Returns 0, or -1 on no memory (no result
 * will come). */
int pager_page(struct pager *p, const char *query, int at, int64_t ts, int64_t id,
                int height, uint64_t gen);
/* Finds the next (dir > 0) or previous record after (ts, id) that matches
 * both query and find (texts), and reads the page around it; the result's
 * n is 1 when found, 0 when there is none (page then NULL). Returns 0, or
 * -1 on no memory (no result will come). */
int pager_find(struct pager *p, const char *query, const char *find, int dir, int64_t ts,
               int64_t id, int height, uint64_t gen);
/* Reads the record (ts, id) whole on the job thread and calls build with
 * it there (build must not touch the caller's state: it returns a new heap
 * object, NULL on no memory); posts PAGER_RECORD with n = 1 found, 0 gone,
 * and obj. Returns 0, or -1 on no memory (no result will come). */
int pager_record(struct pager *p, int64_t ts, int64_t id,
                 void *(*build)(const struct store_row *row), void (*obj_free)(void *),
                 uint64_t gen);
/* Reads the totals and the lag of the files the store follows. */
void pager_totals(struct pager *p);
/* 1 and *out if a result is ready, else 0. */
int pager_poll(struct pager *p, struct pager_result *out);

#endif
