/* exec_int: internals of query execution shared by db/exec.c (the read
 * API), db/exec_sql.c (plan -> SQL text + bound parameters) and
 * db/exec_fn.c (the SQL functions registered on every connection). */
#ifndef LOGDECK_EXEC_INT_H
#define LOGDECK_EXEC_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "db/exec.h"
#include "db/store_int.h"
#include "db/zraw.h"

/* Per-connection execution state (store->exec), owned by exec.c. */
struct exec_state {
    fts5_api *fts;              /* borrowed from the connection */
    fts5_tokenizer tok;         /* unicode61, as rec_txt splits words */
    Fts5Tokenizer *tokinst;     /* NULL: fall back to an ASCII split */
    /* Tuning of exec_fts_choice(), changed by white-box tests only:
     * matches under fts_few are listed (<= FTS_FEW); fts_cap > 0 replaces
     * the computed listing/walking balance point. */
    int fts_few;
    int64_t fts_cap;
    int64_t page_cap;           /* exec_page_cap() when not 0; < 0: no exec_page pages */
    int64_t page_few;           /* exec_page.c's PAGE_FEW when not 0 */
    int64_t page_walk;          /* rows of its bounded walk when > 0; < 0: none */
    int page_set;               /* > 0: SET over LIST, < 0: LIST over SET, 0: by cost */
    int64_t ts_reads;           /* listed records whose ts a LIST read (white-box tests) */
    int page_win;               /* < 0: a WALK checks every row (no window filter) */
    int64_t win_reads;          /* windows of a term's ids a WALK read (white-box tests) */
    int64_t point_reads;        /* candidates checked by a point query (white-box tests) */
    int vocab;                  /* bits: temp.ld_fv_vocab (1), ld_fts_vocab (2) made;
                                   << 4: could not be (exec_fv.c) */
    struct store *s;            /* the store this state belongs to */
    struct zbuf rowbuf;         /* raw text of the row being read (read_row) */
    struct zbuf fnbuf;          /* raw text decoded by the SQL functions */
    struct zbuf msgbuf;         /* message of the row being read (read_row) */
    struct zbuf cidbuf;         /* cid of the row being read (read_row) */
};

/* SQL expressions (on records r) of the message and the raw text, wherever
 * they are stored (blk.h: v5 rows keep both in blocks). */
#define EXEC_MSG "ld_msg(r.msg, r.flags, r.id)"
#define EXEC_TEXT "ld_text(r.raw, r.flags, r.id)"
#define EXEC_CID "ld_cid(r.cid, r.flags, r.id)"
/* ... and of the service, logger and request path (ids since v9: names.h) */
#define EXEC_SERVICE "ld_name(r.service)"
#define EXEC_LOGGER "ld_name(r.logger)"
#define EXEC_PATH "ld_name(r.path)"


/* The raw text of record id from its raw column and flags, decoded into
 * slot (NUL-terminated, borrowed until the next use of slot); NULL when it
 * cannot be. */
const char *exec_raw(struct exec_state *x, const void *blob, size_t len, int flags, int64_t id,
                     struct zbuf *slot, size_t *outlen);
/* The message of record id when its msg column is NULL (kept in a block):
 * as exec_raw; NULL when the row has no block. */
const char *exec_msg(struct exec_state *x, int flags, int64_t id, struct zbuf *slot,
                     size_t *outlen);
/* The cid of record id when its cid column is NULL: NULL when it has none. */
const char *exec_cid(struct exec_state *x, int flags, int64_t id, struct zbuf *slot,
                     size_t *outlen);

/* A bound parameter; s is owned when owned is 1. */
enum { BP_INT, BP_DBL, BP_TEXT };
struct bparam {
    int type;
    int64_t i;
    double d;
    char *s;
    int owned;
};

/* How a full-text condition is written: as an IN list of the FTS matches
 * (good when they are few, or when all of them are needed) or, for a word
 * common enough that a newest-first page finds its rows after a short walk
 * down rec_ts, as ld_words(msg, cid, expr): the row's message tokenized in
 * C with rec_fts's own tokenizer (FTS5 probes per row cost ~20-100 µs). */
enum { FTS_AUTO = 0, FTS_IN = 1, FTS_ROW = 2 };
/* FTS_ROW always checks each row with ld_words: for statements prepared once
 * and re-run over new rowid ranges (the alert scanner), where a list of
 * matches taken at prepare time would miss every record added later. */

/* Below this many matches a page lists the FTS rowids as bound values. */
#define FTS_FEW 2000

struct sqlb {
    struct store *st;
    char *sql;
    size_t len, cap;
    struct bparam *pv;
    int np, pcap;
    int oom;
    int fts_mode;               /* FTS_AUTO, FTS_IN or FTS_ROW */
    int limit;                  /* page size, for FTS_AUTO's choice */
    int64_t total;              /* records in the store, -1 until read */
    int64_t few[FTS_FEW];       /* the last probe's rowids ... */
    int nfew;                   /* ... how many; -1: too many to keep */
    struct err *e;
};

void sqlb_init(struct sqlb *b, struct store *st, int fts_mode, struct err *e);
void sqlb_fini(struct sqlb *b);
void sqlb_add(struct sqlb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sqlb_int(struct sqlb *b, int64_t v);
void sqlb_dbl(struct sqlb *b, double v);
/* Binds text; takes ownership of s when owned. */
void sqlb_text(struct sqlb *b, char *s, int owned);
/* The full-text tables: words, phrases and cids (EXEC_TXT: one document
 * per block, db/txt.h), field=value tokens (EXEC_FV: one per record). */
#define EXEC_TXT "rec_txt"
#define EXEC_FV "rec_fv"
#define EXEC_OLD_TXT "rec_fts"   /* a reader of a v4-v7 store: one row per record */
/* Not full text: the ids of the records of one status (the parameter, as
 * text), ascending, from the index rec_status (a page's list, exec_page.c). */
#define EXEC_STATUS "rec_status"
/* The table of words of s: EXEC_TXT, or EXEC_OLD_TXT for an older store. */
const char *exec_txt(const struct store *s);
/* The rows of a full-text table (EXEC_TXT, EXEC_FV) that match expr (taken):
 * the few ids already looked up when choice is EXEC_FTS_FEW, else a
 * subquery of the matching ids. */
void sqlb_match(struct sqlb *b, const char *table, char *expr, int choice);
/* The SQL of the ids of the records matching the FTS5 query bound as its
 * one parameter, in table; static. */
const char *exec_ids_sql(const char *table);
/* Appends exec_ids_sql(table) with expr bound (taken when owned). */
void sqlb_ids(struct sqlb *b, const char *table, char *expr, int owned);
/* Appends the WHERE condition of node n (never empty: "1" for TRUE).
 * Returns 0 or -1 (e filled). */
int sqlb_cond(struct sqlb *b, const struct pnode *n);
/* Appends " AND r.ts >= ?" etc. for non-zero bounds. */
void sqlb_bounds(struct sqlb *b, int64_t since, int64_t until);
/* Appends the SQL expression reading field f (path for PF_JSON) of a row
 * of records r; numeric 1 reads it as a number (NULL when not one). */
void sqlb_field(struct sqlb *b, int f, const char *path, int numeric);
/* Prepares b's SQL and binds its parameters. */
int sqlb_prepare(struct sqlb *b, sqlite3_stmt **out);

/* FTS query text: each token of text (as rec_fts's tokenizer splits it)
 * quoted, space-separated (AND); the last one as a prefix when prefix.
 * Returns a malloc'd string, "" when text has no token, NULL on OOM. */
char *exec_fts_expr(struct store *s, const char *text, int prefix);
/* The text index's expression for the records whose cid is v (glob: v's
 * part before its first '*', the last one a prefix): words 0, the cid
 * token ("cid" + its letters and digits); 1, the cid's words. A store
 * whose rec_txt is 'cidwords' (store->cid_words) has the token only for
 * the records whose text lacks the cid's words: it finds a cid by either
 * (txt.h). A superset: the caller checks the cid itself. NULL when the
 * index cannot narrow it (no letter or digit) or out of memory (*oom = 1). */
char *exec_cid_expr(struct store *s, const char *v, int glob, int words, int *oom);

enum { EXEC_FTS_FEW, EXEC_FTS_SOME, EXEC_FTS_MANY };
/* How many FTS matches expr has, for a page of b->limit rows (exec_sql.c). */
int exec_fts_choice(struct sqlb *b, const char *expr);

/* How many matches expr has in the FTS table `table` (as exec_fts_choice). */
int exec_choice_on(struct sqlb *b, const char *table, const char *expr);

/* db/exec_fv.c. Whether comparison n is answered from rec_fv: 1 and *expr
 * (malloc'd FTS5 query) and *exact (1: rows must still be checked), 0 when
 * it is not, -1 out of memory. */
int exec_fv_plan(const struct pnode *n, char **expr, int *exact);
/* Appends n's condition through rec_fv, with exact_fn writing the row
 * check where one is needed (exec_sql.c passes its own: no call back up);
 * returns 0 when n is not such a comparison (nothing appended), 1 when
 * written. */
typedef void (*exec_exact_fn)(struct sqlb *b, const struct pnode *n);
int exec_fv_cond(struct sqlb *b, const struct pnode *n, exec_exact_fn exact_fn);

/* Rows of the SELECT list EXEC_ROW_COLS EXEC_ROW_FROM, in that order. */
#define EXEC_ROW_COLS "r.id, r.file_id, f.path, r.ts, r.level, r.fmt, r.off, " EXEC_SERVICE ", " \
                      EXEC_LOGGER ", r.cid, r.msg, r.duration, r.status, r.metric, r.mvalue, "  \
                      "r.fields, r.raw, r.flags, " EXEC_PATH
#define EXEC_ROW_FROM " FROM records r LEFT JOIN files f ON f.id = r.file_id"

/* db/exec.c: steps st (EXEC_ROW_COLS), handing rows to cb; returns rows
 * delivered or -1; *stopped (may be NULL) set to 1 when cb stopped it. */
int exec_run_rows(struct store *s, sqlite3_stmt *st, store_row_fn cb, void *ctx, int *stopped,
                  struct err *e);
/* Appends the page's time bounds and keyset cursor on records aliased a,
 * and with order its ORDER BY and LIMIT. */
void exec_page_tail(struct sqlb *b, const struct store_page *pg, const char *a, int order);

/* db/exec_page.c: a page read from candidates in page order, each checked
 * by a point query (an indexed term's list, or the time index). Sets
 * *delivered; returns 1 when the page is complete, 0 when the caller must
 * read the rest with exec.c's plans (*pg then says what is left: its limit
 * lowered, its cursor after what was looked at), -1 on error. */
int exec_page_query(struct store *s, const struct plan *p, struct store_page *pg,
                    store_row_fn cb, void *ctx, int *delivered, struct err *e);
/* Registers ld_inset() (a SET's membership test) on db: 0 or -1. */
int exec_page_register(sqlite3 *db);
/* The most ids a page lists from an indexed term. */
int64_t exec_page_cap(struct store *s, int limit);
/* 1 and a line in buf when exec_page_query would read p's page; 2 when
 * it would read a part first (a bounded walk), then exec.c's plan. */
int exec_page_explain(struct store *s, const struct plan *p, const struct store_page *pg,
                      char *buf, size_t cap);

/* db/exec_fv.c: a single prefix token "tok"* of rec_fv replaced by the OR
 * of the (at most 64) tokens it matches, read from rec_fv's vocabulary:
 * FTS5 merges a prefix's lists slowly (52 ms for 3 tokens of 95k records
 * each, against 13 ms for their OR). *expr is left as it was otherwise. */
void exec_fv_expand(struct store *s, char **expr);
/* Writes into b the count of the records matching expr in table from the
 * table's vocabulary (a term's doc count, summed from FTS5's lists in C,
 * 2-3x faster than stepping the matches): for one term always; for an OR
 * of terms or a prefix only when one_per_record (a record holds at most
 * one of them: the virtual fields' tokens). 1 if written, else 0. */
#define EXEC_VOCAB_MAX 64
int exec_vocab_count(struct sqlb *b, const char *table, const char *expr, int one_per_record);

/* db/exec_elem.c: 1 if a value at path in root that an array holds (an
 * element at any depth, or a member of an array's object: the path goes
 * on through them, as flat_walk() spells it) matches one of the n values
 * v (the scalars outside arrays are ld_field()'s to compare): mode
 * EXEC_ELEM_TEXT compares its text as CAST(ld_field(..) AS TEXT) spells
 * it, EXEC_ELEM_GLOB matches it against GLOB patterns, EXEC_ELEM_NUM
 * compares its number as ld_fieldnum() reads it. Behind ld_elem(fmt, raw,
 * fields, path, flags, id, mode, v...), the exact check of an equality on
 * a field that may hold an array. */
enum { EXEC_ELEM_TEXT, EXEC_ELEM_GLOB, EXEC_ELEM_NUM };
struct cJSON;
int exec_elem_any(const struct cJSON *root, const char *path, int mode, sqlite3_value **v, int n);

/* db/exec_elem.c: a number in a string, as ld_fieldnum() reads it (blanks
 * around it allowed): 0 and *out, or -1. */
int exec_text_number(const char *s, double *out);

/* Registers ld_field, ld_fieldnum, ld_elem, ld_contains, ld_basename and ld_words
 * (which tokenizes with x's tokenizer, so x must outlive the connection's
 * statements). */
int exec_fn_register(sqlite3 *db, struct exec_state *x, struct err *e);

#endif
