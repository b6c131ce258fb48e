/* logmodel: the log view's window (no curses; moved here from ui/ so the
 * UI never reads the store itself): a window of the records
 * matching the current query, the selection within it, and the first
 * visible row. The window is a few screens of rows fetched through the
 * store's keyset-paginated query API (db/exec.h), never the whole result:
 * memory stays the same for a 1,000-record store and a 10M-record one.
 * Rows are ordered oldest first (the newest is at the bottom).
 *
 * Every function that reads the store returns 0, or -1 with e filled; on
 * error the window is left as it was. */
#ifndef LOGDECK_QUERY_LOGMODEL_H
#define LOGDECK_QUERY_LOGMODEL_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "src/base/err.h"
#include "src/base/plan.h"

#define LROW_TEXT_MAX 2048   /* bytes of the message's first line kept per row */

struct lrow {
    int64_t id, ts;
    int level;
    int extra_lines;      /* lines of the record after the first */
    int has_status, has_duration;
    int64_t status;       /* HTTP status, when has_status */
    double duration_ms;   /* when has_duration */
    int truncated;
    char *service;        /* service, else logger, else NULL */
    char *cid;            /* or NULL */
    char *text;           /* first line of the message (or of the raw text) */
    size_t text_len;
};

struct logmodel {
    struct store *st;             /* borrowed */
    const struct plan *plan;      /* borrowed: the filter; NULL = everything */
    struct lrow *rows;            /* the window, oldest first */
    int n, cap;
    int sel;                      /* selected row index, -1 when empty */
    int top;                      /* first visible row index */
    int height;                   /* visible rows (>= 1) */
    int at_oldest, at_newest;     /* 1: nothing matches before / after the window */
};

void logmodel_init(struct logmodel *m, struct store *st);
void logmodel_fini(struct logmodel *m);
/* Heap versions, for pages read by the pager's job thread (pager.c). */
struct logmodel *logmodel_new(struct store *st);
void logmodel_free(struct logmodel *m);   /* NULL is a no-op */
/* Forgets the store and plan (the rows stay), so the window can be handed
 * to another thread. */
void logmodel_detach(struct logmodel *m);
/* Takes src's window (rows, selection, ends) into dst, which keeps its
 * store, plan and height; frees src. */
void logmodel_adopt(struct logmodel *dst, struct logmodel *src);
/* The plan must stay valid until the next set_plan (or fini). */
void logmodel_set_plan(struct logmodel *m, const struct plan *p);
/* New visible height: the bottom row stays where it was when it can, the
 * selection stays selected and visible, and the screen is filled (more
 * rows are read if needed). Returns 0, or -1 with e filled. */
int logmodel_set_height(struct logmodel *m, int h, struct err *e);

/* Loads the newest / oldest matching records, selecting the newest /
 * oldest. */
int logmodel_newest(struct logmodel *m, struct err *e);
int logmodel_oldest(struct logmodel *m, struct err *e);
/* Loads the records around (ts, id) and selects that record if it
 * matches, else the nearest older one (else the nearest newer one). */
int logmodel_anchor(struct logmodel *m, int64_t ts, int64_t id, struct err *e);
/* Selects the first record at or after ts (or the last one before it). */
int logmodel_goto_ts(struct logmodel *m, int64_t ts, struct err *e);
/* Moves the selection by delta rows (fetching more as needed); with
 * page = 1 the view scrolls with it. */
int logmodel_move(struct logmodel *m, int delta, int page, struct err *e);
/* Finds the next (dir > 0) or previous record after the selection that
 * matches `find` (which should include the filter), and anchors there.
 * Returns 1 found, 0 none, -1 error. */
int logmodel_find(struct logmodel *m, const struct plan *find, int dir, struct err *e);
/* The store has new records: the window may no longer reach the newest. */
void logmodel_stale(struct logmodel *m);

/* The selected row, or NULL. Borrowed until the next call that loads. */
const struct lrow *logmodel_selected(const struct logmodel *m);

#endif
