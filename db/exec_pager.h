/* exec_pager: a page read from candidates (ts, id) in page order, each
 * checked by a point query until the page is full (db internals; the
 * functions are db/exec_pager.c's, used by db/exec_page.c and
 * db/exec_grp.c). */
#ifndef LOGDECK_EXEC_PAGER_H
#define LOGDECK_EXEC_PAGER_H

#include "db/exec_int.h"
#include "db/idts.h"

struct cand {
    int64_t ts, id;
};

struct pager {
    struct store *s;
    struct store_page pg;   /* bounds, cursor, order; limit: rows still wanted */
    store_row_fn cb;
    void *ctx;
    struct err *e;
    sqlite3_stmt *full, *light;   /* point queries: whole condition / none */
    struct sqlb fb, lb;           /* their SQL (bound values live as long) */
    int got, stop;
    int64_t last_ts, last_id;     /* the last candidate looked at */
    int looked;
};

/* Candidate (ts, id), in page order: delivers it if it matches. 0, or -1. */
int exec_pager_look(struct pager *g, sqlite3_stmt *st, int64_t ts, int64_t id);
/* Candidate (ts, id), in page order, known not to match (a WALK's window
 * filter): counted as looked at, as exec_pager_look would, unread. */
void exec_pager_skip(struct pager *g, int64_t ts, int64_t id);
/* 1 when the page is full (or its reader stopped it). */
int exec_pager_full(const struct pager *g);
/* qsort order of struct cand: newest first / oldest first. */
int exec_pager_cmp_new(const void *a, const void *b);
int exec_pager_cmp_old(const void *a, const void *b);
/* 1 if (ts, id) is within the page's bounds and after its cursor. */
int exec_pager_in_page(const struct store_page *pg, int64_t ts, int64_t id);

/* db/exec_win.c: whether ids are in a field token's list (rec_fv), read
 * by windows of consecutive ids as a WALK reaches them. */
struct exec_win;
/* The filter of the rec_fv query expr (copied); NULL with e on error. */
struct exec_win *exec_win_new(struct store *s, const char *expr, struct err *e);
void exec_win_free(struct exec_win *w);
/* 1 if id is in the list, 0 if not, -1 with e on error. */
int exec_win_has(struct store *s, struct exec_win *w, int64_t id, struct err *e);

/* db/exec_grp.c: LIST by groups of ids, their time ranges known (idts.h). */
/* The listed ids by group: gs[k] holds ids[at[k] .. at[k + 1]). */
struct exec_groups {
    struct idts_grp *gs;
    int64_t *at, ng;
};

/* gr from ids (ascending) with the groups' ranges: the number of groups
 * whose range is known (0: read the list otherwise), or -1 with g->e. */
int64_t exec_grp_of(struct pager *g, const int64_t *ids, int64_t n, struct exec_groups *gr);
void exec_grp_free(struct exec_groups *gr);
/* The page from the n listed ids (LIST), the groups opened (their ids' ts
 * read) in the order of their newest (oldest) possible record, each
 * candidate looked at once no unopened group can hold one before it. 0,
 * or -1. */
int exec_grp_run(struct pager *g, sqlite3_stmt *st, const int64_t *ids, int64_t n,
                 const struct exec_groups *gr);

#endif
