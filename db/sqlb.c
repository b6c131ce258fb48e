/* sqlb: the SQL builder every query of db/ is written with (exec_int.h,
 * struct sqlb): text with every value bound as a parameter, and the probe
 * of an FTS table that decides how a condition lists its matches
 * (exec_choice_on). Below exec_sql.c and exec_fv.c, which both write
 * through it. */
#include "db/exec_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sqlb_init(struct sqlb *b, struct store *st, int fts_mode, struct err *e)
{
    memset(b, 0, sizeof *b);
    b->st = st;
    b->fts_mode = fts_mode;
    b->total = -1;
    b->nfew = -1;
    b->e = e;
}

void sqlb_fini(struct sqlb *b)
{
    for (int i = 0; i < b->np; i++)
        if (b->pv[i].owned)
            free(b->pv[i].s);
    free(b->pv);
    free(b->sql);
    memset(b, 0, sizeof *b);
}

void sqlb_add(struct sqlb *b, const char *fmt, ...)
{
    va_list ap;
    for (int pass = 0; pass < 2 && !b->oom; pass++) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->sql ? b->sql + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = (b->cap + (size_t)n + 1) * 2;
        char *ns = realloc(b->sql, ncap);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->sql = ns;
        b->cap = ncap;
    }
}

static struct bparam *new_param(struct sqlb *b)
{
    if (b->np == b->pcap) {
        int ncap = b->pcap ? b->pcap * 2 : 16;
        struct bparam *np = realloc(b->pv, (size_t)ncap * sizeof *np);
        if (!np) {
            b->oom = 1;
            return NULL;
        }
        b->pv = np;
        b->pcap = ncap;
    }
    struct bparam *p = &b->pv[b->np++];
    memset(p, 0, sizeof *p);
    sqlb_add(b, "?");
    return p;
}

void sqlb_int(struct sqlb *b, int64_t v)
{
    struct bparam *p = new_param(b);
    if (p) {
        p->type = BP_INT;
        p->i = v;
    }
}

void sqlb_dbl(struct sqlb *b, double v)
{
    struct bparam *p = new_param(b);
    if (p) {
        p->type = BP_DBL;
        p->d = v;
    }
}

void sqlb_text(struct sqlb *b, char *s, int owned)
{
    struct bparam *p = new_param(b);
    if (!p || !s) {
        if (owned)
            free(s);
        if (!s)
            b->oom = 1;
        return;
    }
    p->type = BP_TEXT;
    p->s = s;
    p->owned = owned;
}

int sqlb_prepare(struct sqlb *b, sqlite3_stmt **out)
{
    *out = NULL;
    if (b->oom)
        return err_set(b->e, "out of memory building a query");
    if (sqlite3_prepare_v2(b->st->db, b->sql, -1, out, NULL) != SQLITE_OK)
        return store_sqlerr(b->st, b->e, "preparing a query");
    for (int i = 0; i < b->np; i++) {
        struct bparam *p = &b->pv[i];
        if (p->type == BP_INT)
            sqlite3_bind_int64(*out, i + 1, p->i);
        else if (p->type == BP_DBL)
            sqlite3_bind_double(*out, i + 1, p->d);
        else
            sqlite3_bind_text(*out, i + 1, p->s, -1, SQLITE_STATIC);
    }
    return 0;
}

void sqlb_bounds(struct sqlb *b, int64_t since, int64_t until)
{
    if (since) {
        sqlb_add(b, " AND r.ts >= ");
        sqlb_int(b, since);
    }
    if (until) {
        sqlb_add(b, " AND r.ts <= ");
        sqlb_int(b, until);
    }
}

/* Number of FTS matches of expr, counting at most cap; when there are fewer
 * than FTS_FEW, their rowids are left in b->few (so that the page query
 * need not evaluate the FTS expression again). */
static int64_t fts_probe(struct sqlb *b, const char *table, const char *expr, int64_t cap)
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    char sql[128];
    b->nfew = 0;
    snprintf(sql, sizeof sql, "%s LIMIT ?", exec_ids_sql(table));
    if (sqlite3_prepare_v2(b->st->db, sql, -1, &st, NULL) != SQLITE_OK)
        return cap;
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, cap);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n < FTS_FEW)
            b->few[n] = sqlite3_column_int64(st, 0);
        n++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cap;   /* let the page query report the error */
    b->nfew = n < FTS_FEW ? (int)n : -1;
    return n;
}

static int64_t store_records(struct sqlb *b)
{
    if (b->total < 0) {
        sqlite3_stmt *st = NULL;
        b->total = 0;
        if (sqlite3_prepare_v2(b->st->db, "SELECT coalesce(sum(n), 0) FROM counts", -1, &st,
                               NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            b->total = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return b->total;
}

int exec_choice_on(struct sqlb *b, const char *table, const char *expr)
{
    b->nfew = -1;
    if (b->fts_mode == FTS_IN || b->limit <= 0)
        return EXEC_FTS_SOME;
    const struct exec_state *x = b->st->exec;
    int64_t few = (x && x->fts_few > 0 && x->fts_few <= FTS_FEW) ? x->fts_few : FTS_FEW;
    double cap = sqrt(1.5 * (double)b->limit * (double)store_records(b));
    int64_t icap = (x && x->fts_cap > 0) ? x->fts_cap : cap < few ? few : (int64_t)cap;
    int64_t m = fts_probe(b, table, expr, icap > few ? icap : few);
    if (m >= few)
        b->nfew = -1;
    return m < few ? EXEC_FTS_FEW : m < icap ? EXEC_FTS_SOME : EXEC_FTS_MANY;
}

void sqlb_match(struct sqlb *b, const char *table, char *expr, int choice)
{
    if (choice == EXEC_FTS_FEW && b->nfew >= 0) {   /* the few ids, listed */
        free(expr);
        sqlb_add(b, b->nfew ? "r.id IN (" : "0");
        for (int i = 0; i < b->nfew; i++) {
            sqlb_add(b, i ? ", " : "");
            sqlb_int(b, b->few[i]);
        }
        sqlb_add(b, b->nfew ? ")" : "");
        return;
    }
    sqlb_add(b, "r.id IN (");
    sqlb_ids(b, table, expr, 1);
    sqlb_add(b, ")");
}

const char *exec_ids_sql(const char *table)
{
    if (strcmp(table, EXEC_TXT) == 0)
        return "SELECT id FROM ld_txt(?)";
    if (strcmp(table, EXEC_OLD_TXT) == 0)
        return "SELECT rowid FROM rec_fts WHERE rec_fts MATCH ?";
    if (strcmp(table, EXEC_STATUS) == 0)   /* rec_status(status, rowid): in id order */
        return "SELECT id FROM records WHERE status = ? ORDER BY id";
    return "SELECT rowid FROM rec_fv WHERE rec_fv MATCH ?";
}

const char *exec_txt(const struct store *s)
{
    return s->old_text ? EXEC_OLD_TXT : EXEC_TXT;
}

void sqlb_ids(struct sqlb *b, const char *table, char *expr, int owned)
{
    const char *sql = exec_ids_sql(table), *q = strchr(sql, '?');
    sqlb_add(b, "%.*s", (int)(q - sql), sql);
    sqlb_text(b, expr, owned);
    sqlb_add(b, "%s", q + 1);
}
