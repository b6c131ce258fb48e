/* chstore_int: internals of the ClickHouse backend shared by db/ch*.c. */
#ifndef LOGDECK_CHSTORE_INT_H
#define LOGDECK_CHSTORE_INT_H

#include "db/chsql.h"
#include "db/chstore.h"
#include "src/base/plan.h"
#include "db/alerts_db.h"

struct chstore {
    char host[256];
    int port;
    char db[128];
    char user[128];
    char pwenv[128];            /* name of the password's variable, or "" */
    char cluster[128];          /* from the URL (init) or the meta table */
    char name[600];             /* clickhouse://host:port/db, for messages */
    long timeout_s;
    int (*give_up)(void *);     /* polled during a request: non-zero aborts it */
    void *give_up_ctx;
    char logs[300];             /* `db`.`logs` or the Distributed logs_all */
    char by_cid[300];           /* the (cid, ts) view, or its Distributed table */
    char local_logs[300];       /* the table shippers insert into */
    int version_major, version_minor;   /* server version() */
    void *curl;                 /* CURL *, reused */
    const void *api;            /* const struct curl_api * (src/base/curl_dl.h), once loaded */
    struct chbuf sql, resp, batch;
    size_t batch_rows;
    char query_id[200];
    char ship_qid[200];         /* the query id of this journal's INSERTs (one at a time) */         /* sent with the next ch_http() call, then cleared */
    int64_t batch_first_rid, batch_last_rid;
};

/* Runs sql (a query in the POST body, or with body: the query in the URL
 * and body as its data). The answer is left in c->resp. Returns 0, or -1
 * with e filled with the server's message; *unknown (may be NULL) is set
 * when the outcome is unknown (no answer, timeout, 5xx). */
int ch_http(struct chstore *c, const char *sql, const char *body, size_t len, int *unknown,
            struct err *e);
/* Parses url into c (no I/O). */
int ch_parse_url(struct chstore *c, const char *url, struct err *e);

/* chplan.c */
int chplan_cond(struct chbuf *b, const struct pnode *n, struct err *e);
void chplan_field(struct chbuf *b, int f, const char *path, int numeric);
/* " PREWHERE ..." with the substrings every match must contain, or nothing. */
void chplan_prewhere(struct chbuf *b, const struct pnode *root);

/* chread.c: the group key of a scan (NULL when the row has none). */
void ch_group_expr(struct chbuf *b, int f, const char *path, int source);

/* chrepair.c: copies into logs_by_cid the records of journal (host,
 * store_id) with a cid that logs has and the view lacks (a server killed
 * between the two parts of one INSERT); *repaired: how many. 0 or -1. */
int ch_repair_by_cid(struct chstore *c, const char *host, const char *store_id,
                     int64_t *repaired, struct err *e);

/* TSV: splits the next line of c->resp at *pos into at most max fields,
 * unescaped in place; NULL fields (\N) get NULL. Returns the field count,
 * 0 at the end. */
int ch_tsv_row(char *buf, size_t len, size_t *pos, char **f, size_t *flen, int max);

#endif
