/* rollup: the per-minute cells (rollup.h): gathered per batch in memory,
 * merged into the rollup table at commit; rebuilt from the records for the
 * minutes retention touched (read back by rollup_read.c). Names (service,
 * path, metric) are ids of rolldim. */
#include "db/rollup.h"
#include "db/exec_int.h"
#include "db/fv.h"
#include "db/store_int.h"
#include "src/base/hmap.h"
#include "src/base/lhist.h"
#include "src/base/tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DIM_SERVICE = 1, DIM_PATH = 2, DIM_METRIC = 3, NDIM = 3 };

struct rcell {
    struct rcell *next;              /* same hash */
    int64_t minute;
    int level;
    char *dim[NDIM];                 /* service, path, metric; NULL: none */
    int64_t n, first_ts, last_ts, st[6], dn, mn, mlast_ts, mlast_id;
    double dsum, dmin, dmax, msum, mmin, mmax, mlast;
    struct lhist h;
};

/* The records of one template in a cell (level >= ROLLUP_MSG_LEVEL). */
struct rmsg {
    struct rmsg *next;
    int64_t minute;
    int level;
    char *dim[NDIM];
    char *tmpl;
    int64_t n, first_ts, last_ts;
};

struct dim {
    struct dim *next;
    int64_t id;
    int kind;
    char value[];
};

struct rollup_state {
    struct hmap cells;               /* hash of the key -> chain of rcell */
    struct rcell **list;
    size_t n, cap;
    struct hmap dims;                /* hash of (kind, value) -> chain of dim */
    struct dim **dlist;
    size_t nd, capd;
    int64_t *minutes;                /* noted by rollup_forget */
    size_t nmin, capmin;
    struct hmap msgs;                /* hash of the key and template -> chain of rmsg */
    struct rmsg **mlist;
    size_t nm, capm;
    sqlite3_stmt *get, *put, *dim_get, *dim_put, *msg_put;
};

static struct rollup_state *state(struct store *s)
{
    if (!s->rollup && (s->rollup = calloc(1, sizeof *s->rollup))) {
        hmap_init(&s->rollup->cells);
        hmap_init(&s->rollup->dims);
        hmap_init(&s->rollup->msgs);
    }
    return s->rollup;
}

static int streq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static uint64_t cell_hash(int64_t minute, int level, const char *const dim[NDIM])
{
    uint64_t h = hmap_key2((uint64_t)minute, (uint64_t)level);
    for (int i = 0; i < NDIM; i++)
        h = hmap_key2(h, dim[i] ? hmap_key_str(dim[i]) : 0);
    return h;
}

static int64_t floor_minute(int64_t ts)
{
    return ts >= 0 ? ts / ROLLUP_MINUTE_US : -((-ts + ROLLUP_MINUTE_US - 1) / ROLLUP_MINUTE_US);
}

static void cell_free(struct rcell *c)
{
    for (int i = 0; i < NDIM; i++)
        free(c->dim[i]);
    lhist_fini(&c->h);
    free(c);
}

static struct rcell *cell_of(struct rollup_state *rs, int64_t minute, int level,
                             const char *const dim[NDIM])
{
    uint64_t h = cell_hash(minute, level, dim);
    struct rcell *head = hmap_get(&rs->cells, h), *c;
    for (c = head; c; c = c->next)
        if (c->minute == minute && c->level == level && streq(c->dim[0], dim[0]) &&
            streq(c->dim[1], dim[1]) && streq(c->dim[2], dim[2]))
            return c;
    if (rs->n == rs->cap) {
        size_t nc = rs->cap ? rs->cap * 2 : 64;
        struct rcell **nl = realloc(rs->list, nc * sizeof *nl);
        if (!nl)
            return NULL;
        rs->list = nl;
        rs->cap = nc;
    }
    if (!(c = calloc(1, sizeof *c)))
        return NULL;
    c->minute = minute;
    c->level = level;
    for (int i = 0; i < NDIM; i++)
        if (dim[i] && !(c->dim[i] = strdup(dim[i]))) {
            cell_free(c);
            return NULL;
        }
    c->next = head;
    if (hmap_put(&rs->cells, h, c) < 0) {
        cell_free(c);
        return NULL;
    }
    rs->list[rs->n++] = c;
    return c;
}

/* Adds one record's values (n = 1) to c. */
static int cell_add(struct rcell *c, int64_t id, const struct record *r)
{
    if (!c->n || r->ts < c->first_ts)
        c->first_ts = r->ts;
    if (!c->n || r->ts > c->last_ts)
        c->last_ts = r->ts;
    c->n++;
    if (r->has_status)
        c->st[(r->status >= 100 && r->status < 600) ? r->status / 100 : 0]++;
    if (r->has_duration) {
        double d = r->duration_ms;
        c->dmin = !c->dn || d < c->dmin ? d : c->dmin;
        c->dmax = !c->dn || d > c->dmax ? d : c->dmax;
        c->dsum += d;
        c->dn++;
        if (lhist_add(&c->h, d, 1) < 0)
            return -1;
    }
    if (r->metric_name && r->has_metric) {
        double v = r->metric_value;
        c->mmin = !c->mn || v < c->mmin ? v : c->mmin;
        c->mmax = !c->mn || v > c->mmax ? v : c->mmax;
        c->msum += v;
        if (!c->mn || r->ts > c->mlast_ts || (r->ts == c->mlast_ts && id > c->mlast_id)) {
            c->mlast = v;
            c->mlast_ts = r->ts;
            c->mlast_id = id;
        }
        c->mn++;
    }
    return 0;
}

static void msg_free(struct rmsg *m)
{
    for (int i = 0; i < NDIM; i++)
        free(m->dim[i]);
    free(m->tmpl);
    free(m);
}

/* Counts the template of r's message in its cell. */
static int msg_add(struct rollup_state *rs, int64_t minute, const struct record *r,
                   const char *const dim[NDIM])
{
    char *t = tmpl_of(r->msg ? r->msg : "", r->msg ? r->msg_len : 0);
    if (!t)
        return -1;
    uint64_t h = hmap_key2(cell_hash(minute, r->level, dim), hmap_key_str(t));
    struct rmsg *head = hmap_get(&rs->msgs, h), *m;
    for (m = head; m; m = m->next)
        if (m->minute == minute && m->level == r->level && streq(m->dim[0], dim[0]) &&
            streq(m->dim[1], dim[1]) && streq(m->dim[2], dim[2]) && strcmp(m->tmpl, t) == 0)
            break;
    if (m) {
        free(t);
    } else {
        if (rs->nm == rs->capm) {
            size_t nc = rs->capm ? rs->capm * 2 : 64;
            struct rmsg **nl = realloc(rs->mlist, nc * sizeof *nl);
            if (!nl || !(rs->mlist = nl, rs->capm = nc))
                return free(t), -1;
        }
        if (!(m = calloc(1, sizeof *m)))
            return free(t), -1;
        m->minute = minute;
        m->level = r->level;
        m->tmpl = t;
        m->first_ts = m->last_ts = r->ts;
        for (int i = 0; i < NDIM; i++)
            if (dim[i] && !(m->dim[i] = strdup(dim[i])))
                return msg_free(m), -1;
        m->next = head;
        if (hmap_put(&rs->msgs, h, m) < 0)
            return msg_free(m), -1;
        rs->mlist[rs->nm++] = m;
    }
    m->n++;
    m->first_ts = r->ts < m->first_ts ? r->ts : m->first_ts;
    m->last_ts = r->ts > m->last_ts ? r->ts : m->last_ts;
    return 0;
}

int rollup_add(struct store *s, int64_t id, const struct record *r, const char *service,
               const char *path)
{
    struct rollup_state *rs = state(s);
    const char *dim[NDIM] = {service, path, r->metric_name};
    int64_t minute = floor_minute(r->ts);
    struct rcell *c = rs ? cell_of(rs, minute, r->level, dim) : NULL;
    if (!c || cell_add(c, id, r) < 0)
        return -1;
    return r->level >= ROLLUP_MSG_LEVEL ? msg_add(rs, minute, r, dim) : 0;
}

static void cells_clear(struct rollup_state *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        cell_free(rs->list[i]);
    rs->n = 0;
    hmap_fini(&rs->cells);
    hmap_init(&rs->cells);
    for (size_t i = 0; i < rs->nm; i++)
        msg_free(rs->mlist[i]);
    rs->nm = 0;
    hmap_fini(&rs->msgs);
    hmap_init(&rs->msgs);
}

static void dims_clear(struct rollup_state *rs)
{
    for (size_t i = 0; i < rs->nd; i++)
        free(rs->dlist[i]);
    rs->nd = 0;
    hmap_fini(&rs->dims);
    hmap_init(&rs->dims);
}

void rollup_discard(struct store *s)
{
    struct rollup_state *rs = s->rollup;
    if (!rs)
        return;
    cells_clear(rs);
    dims_clear(rs);   /* ids given in the rolled-back transaction are gone */
    rs->nmin = 0;
}

void rollup_free(struct store *s)
{
    struct rollup_state *rs = s->rollup;
    if (!rs)
        return;
    rollup_discard(s);
    free(rs->list);
    free(rs->dlist);
    free(rs->minutes);
    free(rs->mlist);
    hmap_fini(&rs->cells);
    hmap_fini(&rs->dims);
    hmap_fini(&rs->msgs);
    sqlite3_finalize(rs->msg_put);
    sqlite3_finalize(rs->get);
    sqlite3_finalize(rs->put);
    sqlite3_finalize(rs->dim_get);
    sqlite3_finalize(rs->dim_put);
    free(rs);
    s->rollup = NULL;
}

/* --- writing -------------------------------------------------------------- */

static int prep(struct store *s, sqlite3_stmt **st, const char *sql, struct err *e)
{
    if (*st) {
        sqlite3_reset(*st);
        sqlite3_clear_bindings(*st);
        return 0;
    }
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "preparing the rollups");
    return 0;
}

/* The id of name (kind) in rolldim, added when new; 0 for NULL. */
static int64_t dim_id(struct store *s, struct rollup_state *rs, int kind, const char *v,
                      struct err *e)
{
    if (!v)
        return 0;
    uint64_t h = hmap_key2((uint64_t)kind, hmap_key_str(v));
    struct dim *head = hmap_get(&rs->dims, h), *d;
    for (d = head; d; d = d->next)
        if (d->kind == kind && strcmp(d->value, v) == 0)
            return d->id;
    int64_t id = -1;
    for (int pass = 0; pass < 2 && id < 0; pass++) {
        if (prep(s, &rs->dim_get, "SELECT id FROM rolldim WHERE kind = ? AND value = ?", e) < 0)
            return -1;
        sqlite3_bind_int(rs->dim_get, 1, kind);
        sqlite3_bind_text(rs->dim_get, 2, v, -1, SQLITE_STATIC);
        if (sqlite3_step(rs->dim_get) == SQLITE_ROW)
            id = sqlite3_column_int64(rs->dim_get, 0);
        sqlite3_reset(rs->dim_get);
        if (id >= 0 || pass)
            break;
        if (prep(s, &rs->dim_put, "INSERT INTO rolldim(kind, value) VALUES(?, ?)", e) < 0)
            return -1;
        sqlite3_bind_int(rs->dim_put, 1, kind);
        sqlite3_bind_text(rs->dim_put, 2, v, -1, SQLITE_STATIC);
        if (sqlite3_step(rs->dim_put) != SQLITE_DONE)
            return store_sqlerr(s, e, "naming a rollup");
        id = sqlite3_last_insert_rowid(s->db);
    }
    if (id < 0)
        return store_sqlerr(s, e, "naming a rollup");
    size_t vl = strlen(v);
    if (rs->nd == rs->capd) {
        size_t nc = rs->capd ? rs->capd * 2 : 64;
        struct dim **nl = realloc(rs->dlist, nc * sizeof *nl);
        if (!nl)
            return id;   /* not cached: looked up again next time */
        rs->dlist = nl;
        rs->capd = nc;
    }
    if ((d = malloc(sizeof *d + vl + 1))) {
        d->id = id;
        d->kind = kind;
        memcpy(d->value, v, vl + 1);
        d->next = head;
        if (hmap_put(&rs->dims, h, d) == 0)
            rs->dlist[rs->nd++] = d;
        else
            free(d);
    }
    return id;
}

#define CELL_COLS "n, first_ts, last_ts, s0, s1, s2, s3, s4, s5, dn, dsum, dmin, dmax, dhist, " \
                  "mn, msum, mmin, mmax, mlast, mlast_ts, mlast_id"

/* Merges the stored cell (get's row, CELL_COLS) into c. */
static int merge_stored(struct rcell *c, sqlite3_stmt *g)
{
    int64_t n = sqlite3_column_int64(g, 0), dn = sqlite3_column_int64(g, 9),
            mn = sqlite3_column_int64(g, 14);
    int64_t f = sqlite3_column_int64(g, 1), l = sqlite3_column_int64(g, 2);
    if (n) {
        c->first_ts = !c->n || f < c->first_ts ? f : c->first_ts;
        c->last_ts = !c->n || l > c->last_ts ? l : c->last_ts;
        c->n += n;
    }
    for (int i = 0; i < 6; i++)
        c->st[i] += sqlite3_column_int64(g, 3 + i);
    if (dn) {
        double mi = sqlite3_column_double(g, 11), ma = sqlite3_column_double(g, 12);
        c->dmin = !c->dn || mi < c->dmin ? mi : c->dmin;
        c->dmax = !c->dn || ma > c->dmax ? ma : c->dmax;
        c->dsum += sqlite3_column_double(g, 10);
        c->dn += dn;
        if (lhist_merge_blob(&c->h, sqlite3_column_blob(g, 13), (size_t)sqlite3_column_bytes(g, 13)) < 0)
            return -1;
    }
    if (mn) {
        double mi = sqlite3_column_double(g, 16), ma = sqlite3_column_double(g, 17);
        int64_t lt = sqlite3_column_int64(g, 19), li = sqlite3_column_int64(g, 20);
        c->mmin = !c->mn || mi < c->mmin ? mi : c->mmin;
        c->mmax = !c->mn || ma > c->mmax ? ma : c->mmax;
        c->msum += sqlite3_column_double(g, 15);
        if (!c->mn || lt > c->mlast_ts || (lt == c->mlast_ts && li > c->mlast_id)) {
            c->mlast = sqlite3_column_double(g, 18);
            c->mlast_ts = lt;
            c->mlast_id = li;
        }
        c->mn += mn;
    }
    return 0;
}

static int put_cell(struct store *s, struct rollup_state *rs, struct rcell *c, const int64_t id[NDIM],
                    struct err *e)
{
    size_t hl = 0;
    unsigned char *hb = c->dn ? lhist_encode(&c->h, &hl) : NULL;
    if (c->dn && !hb)
        return err_set(e, "out of memory writing the rollups");
    if (prep(s, &rs->put, "INSERT OR REPLACE INTO rollup(minute, level, svc, path, metric, "
             CELL_COLS ") VALUES(?,?,?,?,?, ?,?,?,?,?,?,?,?,?, ?,?,?,?,?, ?,?,?,?,?,?,?)", e) < 0) {
        free(hb);
        return -1;
    }
    sqlite3_stmt *p = rs->put;
    int k = 1;
    sqlite3_bind_int64(p, k++, c->minute);
    sqlite3_bind_int(p, k++, c->level);
    for (int i = 0; i < NDIM; i++)
        sqlite3_bind_int64(p, k++, id[i]);
    sqlite3_bind_int64(p, k++, c->n);
    sqlite3_bind_int64(p, k++, c->first_ts);
    sqlite3_bind_int64(p, k++, c->last_ts);
    for (int i = 0; i < 6; i++)
        sqlite3_bind_int64(p, k++, c->st[i]);
    sqlite3_bind_int64(p, k++, c->dn);
    if (c->dn) {
        sqlite3_bind_double(p, k, c->dsum);
        sqlite3_bind_double(p, k + 1, c->dmin);
        sqlite3_bind_double(p, k + 2, c->dmax);
        sqlite3_bind_blob(p, k + 3, hb, (int)hl, free);
        hb = NULL;
    }
    k += 4;
    sqlite3_bind_int64(p, k++, c->mn);
    if (c->mn) {
        sqlite3_bind_double(p, k, c->msum);
        sqlite3_bind_double(p, k + 1, c->mmin);
        sqlite3_bind_double(p, k + 2, c->mmax);
        sqlite3_bind_double(p, k + 3, c->mlast);
        sqlite3_bind_int64(p, k + 4, c->mlast_ts);
        sqlite3_bind_int64(p, k + 5, c->mlast_id);
    }
    free(hb);
    int rc = sqlite3_step(p);
    sqlite3_reset(p);
    sqlite3_clear_bindings(p);
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "writing the rollups");
}

static int flush_cell(struct store *s, struct rollup_state *rs, struct rcell *c, struct err *e)
{
    int64_t id[NDIM];
    for (int i = 0; i < NDIM; i++)
        if ((id[i] = dim_id(s, rs, i + 1, c->dim[i], e)) < 0)
            return -1;
    if (prep(s, &rs->get, "SELECT " CELL_COLS " FROM rollup WHERE minute = ? AND level = ? AND "
             "svc = ? AND path = ? AND metric = ?", e) < 0)
        return -1;
    sqlite3_bind_int64(rs->get, 1, c->minute);
    sqlite3_bind_int(rs->get, 2, c->level);
    for (int i = 0; i < NDIM; i++)
        sqlite3_bind_int64(rs->get, 3 + i, id[i]);
    int rc = sqlite3_step(rs->get), m = 0;
    if (rc == SQLITE_ROW)
        m = merge_stored(c, rs->get);
    sqlite3_reset(rs->get);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading the rollups");
    if (m < 0)
        return err_set(e, "%s: a rollup cell cannot be decoded", s->path);
    return put_cell(s, rs, c, id, e);
}

static int flush_msg(struct store *s, struct rollup_state *rs, struct rmsg *m, struct err *e)
{
    int64_t id[NDIM];
    for (int i = 0; i < NDIM; i++)
        if ((id[i] = dim_id(s, rs, i + 1, m->dim[i], e)) < 0)
            return -1;
    if (prep(s, &rs->msg_put, "INSERT INTO rollmsg(minute, level, svc, path, metric, tmpl, n,"
             " first_ts, last_ts) VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(minute, level, svc, path,"
             " metric, tmpl) DO UPDATE SET n = n + excluded.n, first_ts = min(first_ts,"
             " excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)", e) < 0)
        return -1;
    sqlite3_stmt *p = rs->msg_put;
    sqlite3_bind_int64(p, 1, m->minute);
    sqlite3_bind_int(p, 2, m->level);
    for (int i = 0; i < NDIM; i++)
        sqlite3_bind_int64(p, 3 + i, id[i]);
    sqlite3_bind_text(p, 6, m->tmpl, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p, 7, m->n);
    sqlite3_bind_int64(p, 8, m->first_ts);
    sqlite3_bind_int64(p, 9, m->last_ts);
    int rc = sqlite3_step(p);
    sqlite3_reset(p);
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "writing the rollups");
}

int rollup_flush(struct store *s, struct err *e)
{
    struct rollup_state *rs = s->rollup;
    int rc = 0;
    if (!rs || (!rs->n && !rs->nmin))
        return 0;
    if (rs->nmin && rollup_rebuild(s, 0, e) < 0)
        return -1;
    for (size_t i = 0; i < rs->n && rc == 0; i++)
        rc = flush_cell(s, rs, rs->list[i], e);
    for (size_t i = 0; i < rs->nm && rc == 0; i++)
        rc = flush_msg(s, rs, rs->mlist[i], e);
    cells_clear(rs);
    return rc;
}

/* --- rebuilding ------------------------------------------------------------- */

int rollup_forget(struct store *s, int64_t ts)
{
    struct rollup_state *rs = state(s);
    if (!rs)
        return -1;
    int64_t m = floor_minute(ts);
    if (rs->nmin && rs->minutes[rs->nmin - 1] == m)
        return 0;
    for (size_t i = 0; i < rs->nmin; i++)
        if (rs->minutes[i] == m)
            return 0;
    if (rs->nmin == rs->capmin) {
        size_t nc = rs->capmin ? rs->capmin * 2 : 16;
        int64_t *nm = realloc(rs->minutes, nc * sizeof *nm);
        if (!nm)
            return -1;
        rs->minutes = nm;
        rs->capmin = nc;
    }
    rs->minutes[rs->nmin++] = m;
    return 0;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* Adds every record of [lo, hi] (µs) to the batch's cells. */
static int add_range(struct store *s, int64_t lo, int64_t hi, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, ts, level, ld_name(service), ld_name(logger),"
                           " file_id, ld_name(path), duration, status, metric, mvalue, msg, flags"
                           " FROM records WHERE ts >= ? AND ts <= ?", -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "rebuilding the rollups");
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    int rc, bad = 0;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct record r = {.ts = sqlite3_column_int64(st, 1), .level = sqlite3_column_int(st, 2),
                           .service = col(st, 3), .logger = col(st, 4), .metric_name = col(st, 9)};
        if ((r.has_duration = sqlite3_column_type(st, 7) != SQLITE_NULL))
            r.duration_ms = sqlite3_column_double(st, 7);
        if ((r.has_status = sqlite3_column_type(st, 8) != SQLITE_NULL))
            r.status = sqlite3_column_int64(st, 8);
        if ((r.has_metric = sqlite3_column_type(st, 10) != SQLITE_NULL))
            r.metric_value = sqlite3_column_double(st, 10);
        if (r.level >= ROLLUP_MSG_LEVEL) {   /* the message: its column (v4), else its block */
            r.msg = col(st, 11);
            r.msg_len = (size_t)sqlite3_column_bytes(st, 11);
            if (!r.msg && !s->exec) {
                sqlite3_finalize(st);
                return err_set(e, "%s: rebuilding the rollups: messages cannot be read",
                               s->path);
            }
            if (!r.msg)   /* NULL: an empty message, as exec_row.c reads it */
                r.msg = exec_msg(s->exec, sqlite3_column_int(st, 12), sqlite3_column_int64(st, 0),
                                 &s->exec->msgbuf, &r.msg_len);
            if (!r.msg)
                r.msg = "", r.msg_len = 0;
        }
        const char *svc = r.service && *r.service ? r.service
                          : r.logger && *r.logger ? r.logger
                                                  : fv_stem(s, sqlite3_column_int64(st, 5));
        bad = rollup_add(s, sqlite3_column_int64(st, 0), &r, svc, col(st, 6)) < 0;
    }
    sqlite3_finalize(st);
    if (bad)
        return err_set(e, "out of memory rebuilding the rollups");
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "rebuilding the rollups");
}

/* Drops the batch's cells of the minutes about to be rebuilt (their
 * records are read again from the table). */
static void drop_noted(struct rollup_state *rs)
{
    size_t k = 0;
    for (size_t i = 0; i < rs->n; i++) {
        struct rcell *c = rs->list[i];
        int noted = 0;
        for (size_t j = 0; j < rs->nmin && !noted; j++)
            noted = rs->minutes[j] == c->minute;
        if (noted)
            cell_free(c);
        else
            rs->list[k++] = c;
    }
    rs->n = k;
    k = 0;
    for (size_t i = 0; i < rs->nm; i++) {
        struct rmsg *m = rs->mlist[i];
        int noted = 0;
        for (size_t j = 0; j < rs->nmin && !noted; j++)
            noted = rs->minutes[j] == m->minute;
        if (noted)
            msg_free(m);
        else
            rs->mlist[k++] = m;
    }
    rs->nm = k;
    hmap_fini(&rs->msgs);
    hmap_init(&rs->msgs);
    for (size_t i = 0; i < rs->nm; i++) {
        struct rmsg *m = rs->mlist[i];
        const char *dim[NDIM] = {m->dim[0], m->dim[1], m->dim[2]};
        uint64_t h = hmap_key2(cell_hash(m->minute, m->level, dim), hmap_key_str(m->tmpl));
        m->next = hmap_get(&rs->msgs, h);
        hmap_put(&rs->msgs, h, m);
    }
    hmap_fini(&rs->cells);
    hmap_init(&rs->cells);
    for (size_t i = 0; i < rs->n; i++) {   /* re-chain what is left */
        struct rcell *c = rs->list[i];
        const char *dim[NDIM] = {c->dim[0], c->dim[1], c->dim[2]};
        uint64_t h = cell_hash(c->minute, c->level, dim);
        c->next = hmap_get(&rs->cells, h);
        hmap_put(&rs->cells, h, c);   /* the map had room for all of them */
    }
}

int rollup_rebuild(struct store *s, int all, struct err *e)
{
    struct rollup_state *rs = state(s);
    if (!rs)
        return err_set(e, "out of memory rebuilding the rollups");
    if (all)
        cells_clear(rs);
    else
        drop_noted(rs);
    if (all) {
        rs->nmin = 0;
        if (sqlite3_exec(s->db, "DELETE FROM rollup; DELETE FROM rollmsg", NULL, NULL,
                         NULL) != SQLITE_OK)
            return store_sqlerr(s, e, "rebuilding the rollups");
        return add_range(s, INT64_MIN, INT64_MAX, e);
    }
    sqlite3_stmt *del = NULL, *delm = NULL;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM rollup WHERE minute = ?", -1, &del, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "DELETE FROM rollmsg WHERE minute = ?", -1, &delm, NULL) != SQLITE_OK) {
        sqlite3_finalize(del);
        return store_sqlerr(s, e, "rebuilding the rollups");
    }
    int rc = 0;
    for (size_t i = 0; i < rs->nmin && rc == 0; i++) {
        int64_t m = rs->minutes[i];
        sqlite3_reset(del);
        sqlite3_reset(delm);
        sqlite3_bind_int64(del, 1, m);
        sqlite3_bind_int64(delm, 1, m);
        if (sqlite3_step(del) != SQLITE_DONE || sqlite3_step(delm) != SQLITE_DONE)
            rc = store_sqlerr(s, e, "rebuilding the rollups");
        else
            rc = add_range(s, m * ROLLUP_MINUTE_US, (m + 1) * ROLLUP_MINUTE_US - 1, e);
    }
    sqlite3_finalize(del);
    sqlite3_finalize(delm);
    rs->nmin = 0;
    return rc;
}
