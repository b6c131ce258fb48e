/* rollup_read: reading the per-minute cells and template cells back
 * (store_rollup_scan, store_rollup_msgs) and deciding a query on a cell
 * (store_rollup_decidable, store_rollup_keeps): see rollup.h. The writing
 * side is rollup.c. */
#include "db/rollup.h"
#include "db/store_int.h"

#include <string.h>

enum { DIM_SERVICE = 1, DIM_PATH = 2, DIM_METRIC = 3 };

/* The dimension names of a rollup table's cells c, over minutes ?1..?2. */
#define DIM_NAMES                                                                   \
    " LEFT JOIN rolldim sv ON sv.id = c.svc LEFT JOIN rolldim pa ON pa.id = c.path" \
    " LEFT JOIN rolldim me ON me.id = c.metric WHERE c.minute >= ? AND c.minute <= ?"

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

int64_t store_rollup_scan(struct store *s, int64_t min_lo, int64_t min_hi, store_cell_fn cb,
                          void *ctx, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (s->ch || sqlite3_prepare_v2(s->db, "SELECT c.minute, c.level, sv.value, pa.value, me.value, "
                                    "c.n, c.first_ts, c.last_ts, c.s0, c.s1, c.s2, c.s3, c.s4, c.s5,"
                                    " c.dn, c.dsum, c.dmin, c.dmax, c.dhist, c.mn, c.msum, c.mmin,"
                                    " c.mmax, c.mlast, c.mlast_ts, c.mlast_id FROM rollup c"
                                    DIM_NAMES, -1, &st,
                                    NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return -2;   /* no rollup table: an older store */
    }
    sqlite3_bind_int64(st, 1, min_lo);
    sqlite3_bind_int64(st, 2, min_hi);
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_cell c = {
            .minute = sqlite3_column_int64(st, 0), .level = sqlite3_column_int(st, 1),
            .service = col(st, 2), .path = col(st, 3), .metric = col(st, 4),
            .n = sqlite3_column_int64(st, 5), .first_ts = sqlite3_column_int64(st, 6),
            .last_ts = sqlite3_column_int64(st, 7), .dn = sqlite3_column_int64(st, 14),
            .dsum = sqlite3_column_double(st, 15), .dmin = sqlite3_column_double(st, 16),
            .dmax = sqlite3_column_double(st, 17), .dhist = sqlite3_column_blob(st, 18),
            .dhist_len = (size_t)sqlite3_column_bytes(st, 18), .mn = sqlite3_column_int64(st, 19),
            .msum = sqlite3_column_double(st, 20), .mmin = sqlite3_column_double(st, 21),
            .mmax = sqlite3_column_double(st, 22), .mlast = sqlite3_column_double(st, 23),
            .mlast_ts = sqlite3_column_int64(st, 24), .mlast_id = sqlite3_column_int64(st, 25),
        };
        for (int i = 0; i < 6; i++)
            c.status[i] = sqlite3_column_int64(st, 8 + i);
        n++;
        if (cb && cb(ctx, &c))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        n = store_sqlerr(s, e, "reading the rollups");
    sqlite3_finalize(st);
    return n;
}

int64_t store_rollup_msgs(struct store *s, int64_t min_lo, int64_t min_hi, store_msg_fn cb,
                          void *ctx, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (s->ch || sqlite3_prepare_v2(s->db, "SELECT c.minute, c.level, sv.value, pa.value, me.value,"
                                    " c.tmpl, c.n, c.first_ts, c.last_ts FROM rollmsg c"
                                    DIM_NAMES, -1, &st,
                                    NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return -2;
    }
    sqlite3_bind_int64(st, 1, min_lo);
    sqlite3_bind_int64(st, 2, min_hi);
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_cell c = {
            .minute = sqlite3_column_int64(st, 0), .level = sqlite3_column_int(st, 1),
            .service = col(st, 2), .path = col(st, 3), .metric = col(st, 4),
            .n = sqlite3_column_int64(st, 6), .first_ts = sqlite3_column_int64(st, 7),
            .last_ts = sqlite3_column_int64(st, 8),
        };
        const char *t = col(st, 5);
        n++;
        if (cb && cb(ctx, &c, t ? t : "", (size_t)sqlite3_column_bytes(st, 5)))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        n = store_sqlerr(s, e, "reading the rollups");
    sqlite3_finalize(st);
    return n;
}

/* SQLite's GLOB with '*' as the only wildcard (exec_sql.c escapes '?' and
 * '['): case-sensitive. */
static int glob_star(const char *p, const char *s)
{
    const char *star = NULL, *back = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            back = s;
        } else if (*p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++back;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* The dimension a comparison reads, or -1. */
static int dim_of(const struct pnode *n)
{
    switch (n->field) {
    case PF_SERVICE: return DIM_SERVICE;
    case PF_METRIC: return DIM_METRIC;
    case PF_JSON: return n->path && strcmp(n->path, "path") == 0 ? DIM_PATH : -1;
    default: return -1;
    }
}

int store_rollup_decidable(const struct pnode *n)
{
    switch (n->kind) {
    case PK_TRUE: return 1;
    case PK_AND:
    case PK_OR:
    case PK_NOT:
        for (int i = 0; i < n->nkids; i++)
            if (!store_rollup_decidable(n->kids[i]))
                return 0;
        return 1;
    case PK_CMP:
        if (n->field == PF_LEVEL)
            return n->op != POP_GLOB && (n->op == POP_EXISTS || n->vtype != PV_STR);
        return dim_of(n) > 0 && (n->op == POP_EQ || n->op == POP_GLOB || n->op == POP_EXISTS) &&
               (n->op == POP_EXISTS || n->s);
    default: return 0;
    }
}

static int level_keeps(const struct pnode *n, int level)
{
    double v = n->vtype == PV_INT ? (double)n->i : n->num, l = level;
    switch (n->op) {
    case POP_EQ: return l == v;
    case POP_LT: return l < v;
    case POP_LE: return l <= v;
    case POP_GT: return l > v;
    case POP_GE: return l >= v;
    default: return 1;   /* POP_EXISTS */
    }
}

int store_rollup_keeps(const struct pnode *n, const struct store_cell *c)
{
    switch (n->kind) {
    case PK_TRUE: return 1;
    case PK_AND:
        for (int i = 0; i < n->nkids; i++)
            if (!store_rollup_keeps(n->kids[i], c))
                return 0;
        return 1;
    case PK_OR:
        for (int i = 0; i < n->nkids; i++)
            if (store_rollup_keeps(n->kids[i], c))
                return 1;
        return 0;
    case PK_NOT: return !store_rollup_keeps(n->kids[0], c);
    case PK_CMP: break;
    default: return 0;
    }
    if (n->field == PF_LEVEL)
        return level_keeps(n, c->level);
    int d = dim_of(n);
    const char *v = d == DIM_SERVICE ? c->service : d == DIM_PATH ? c->path : c->metric;
    if (!v)
        return 0;
    if (n->op == POP_EXISTS)
        return 1;
    return n->op == POP_EQ ? strcmp(v, n->s) == 0 : glob_star(n->s, v);
}
