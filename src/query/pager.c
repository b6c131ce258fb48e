/* pager: the TUI's store connections and its background reads (see
 * pager.h). Job slots: pages first (a new filter's, g G F :goto n N, the
 * newest after a commit), then the detail record, `:w`, counts and totals;
 * within a slot the latest request wins. */
#include "src/query/pager.h"
#include "src/query/fieldwarn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/chstore.h"
#include "db/exec.h"
#include "src/base/ts.h"
#include "src/query/qjob.h"
#include "src/query/query.h"
#include "src/query/recout.h"

enum { SLOT_PAGE = 0, SLOT_RECORD, SLOT_WRITE, SLOT_COUNT, SLOT_TOTALS };

struct pager {
    char *db_path;
    struct store *st;       /* the UI thread's connection */
    struct jobq *jobs;      /* the job thread and its own connection */
    int64_t sig;            /* signature of the store's files */
};

struct preq {               /* one job's arguments */
    char *query, *path;
    struct rec_key *keys;   /* pager_write_keys: these records, not the query's */
    size_t nkeys;
    char *find;             /* PAGE_FIND: the text to look for */
    int dir;
    void *(*build)(const struct store_row *row);   /* PAGER_RECORD */
    void (*obj_free)(void *);
    int raw, force;
    int at, height;
    int64_t ts, id;
};

static void preq_free(void *p)
{
    struct preq *q = p;
    if (q) {
        free(q->query);
        free(q->path);
        free(q->keys);
        free(q->find);
    }
    free(q);
}

static void result_free(void *p)
{
    struct pager_result *r = p;
    if (r) {
        logmodel_free(r->page);
        if (r->obj && r->obj_free)
            r->obj_free(r->obj);
    }
    free(r);
}

static void post(struct job *j, struct pager_result *r, const struct err *e)
{
    if (r->failed && e)
        snprintf(r->msg, sizeof r->msg, "%s", e->msg[0] ? e->msg : "out of memory");
    job_post(j, r, result_free);
}

/* --- jobs -------------------------------------------------------------------- */

static void do_count(struct job *j, void *arg)
{
    const struct preq *q = arg;
    struct pager_result *r = calloc(1, sizeof *r);
    struct err e = {0};
    struct store *st = qjob_store(j, &e);
    struct plan *p = st ? query_compile(q->query, ts_now(), NULL, &e) : NULL;
    if (!r)
        goto out;
    r->kind = PAGER_COUNT;
    if (!p) {
        r->failed = 1;
    } else if (p->root->kind == PK_TRUE) {
        struct store_totals t = {0};
        r->failed = store_totals(st, &t, &e) < 0;
        r->n = t.records;
    } else {
        r->failed = store_count(st, p, 0, 0, &r->n, &e) < 0;
    }
    post(j, r, &e);
out:
    query_free(p);
}

struct write_ctx {
    FILE *f;
    int raw;
    int64_t n;
};

static int write_row(void *ctx, const struct store_row *row)
{
    struct write_ctx *c = ctx;
    if (c->raw) {
        fwrite(row->rec.raw, 1, row->rec.raw_len, c->f);
        fputc('\n', c->f);
    } else {
        recout_json(c->f, row, NULL);
    }
    c->n++;
    return ferror(c->f) ? 1 : 0;
}

/* Passes on the row only when it is the record asked for (the cursor
 * query returns the first row after (ts, id - 1), which after retention
 * may be another one). */
struct key_ctx {
    struct write_ctx *w;
    int64_t id;
};

static int key_row(void *ctx, const struct store_row *row)
{
    struct key_ctx *k = ctx;
    return row->id == k->id ? write_row(k->w, row) : 0;
}

static int write_keys(struct store *st, const struct preq *q, struct write_ctx *c, struct err *e)
{
    struct pnode all_node = {.kind = PK_TRUE};
    struct plan all = {.root = &all_node, .since = INT64_MIN, .until = INT64_MAX};
    for (size_t i = 0; i < q->nkeys; i++) {
        struct store_page pg = {.limit = 1, .oldest_first = 1, .has_cursor = 1,
                                .cursor_ts = q->keys[i].ts, .cursor_id = q->keys[i].id - 1};
        struct key_ctx k = {.w = c, .id = q->keys[i].id};
        if (store_query(st, &all, &pg, key_row, &k, e) < 0)
            return -1;
    }
    return 0;
}

static int write_file(struct store *st, const struct preq *q, int64_t *rows, struct err *e)
{
    struct plan *p = NULL;
    if (!st || !(p = query_compile(q->query, ts_now(), NULL, e)))
        return -1;
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (q->force ? O_TRUNC : O_EXCL);
    int fd = open(q->path, flags, 0600);   /* like the store: logs can hold secrets */
    if (fd < 0) {
        query_free(p);
        if (errno == EEXIST)
            return err_set(e, "%s exists (use :w! to overwrite)", q->path);
        return err_set(e, "cannot write %s: %s", q->path, strerror(errno));
    }
    struct write_ctx c = {.f = fdopen(fd, "w"), .raw = q->raw};
    struct store_page pg = {.oldest_first = 1};
    int rc = !c.f ? -1 : q->keys ? write_keys(st, q, &c, e) : store_query(st, p, &pg, write_row, &c, e);
    int bad = !c.f || ferror(c.f);
    if ((c.f ? fclose(c.f) : close(fd)) != 0 || bad) {
        rc = -1;
        err_set(e, "cannot write %s: %s", q->path, strerror(errno ? errno : EIO));
    }
    query_free(p);
    *rows = c.n;
    return rc < 0 ? -1 : 0;
}

static void do_write(struct job *j, void *arg)
{
    const struct preq *q = arg;
    struct pager_result *r = calloc(1, sizeof *r);
    struct err e = {0};
    if (!r)
        return;
    r->kind = PAGER_WRITE;
    r->failed = write_file(qjob_store(j, &e), q, &r->n, &e) < 0;
    if (!r->failed)
        snprintf(r->msg, sizeof r->msg, "%s", q->path);
    post(j, r, &e);
}

/* PAGE_FIND: anchors m at (ts, id), then moves to the next match. Returns
 * 1 found, 0 none, -1 error. */
static int find_in(struct logmodel *m, const struct preq *q, struct err *e)
{
    struct plan *f = query_compile(q->find, ts_now(), NULL, e);
    if (!f)
        return -1;
    int rc = logmodel_anchor(m, q->ts, q->id, e);
    if (rc == 0)
        rc = logmodel_find(m, f, q->dir, e);
    query_free(f);
    return rc;
}

/* Reads q's page into m (bound to a store and plan). Returns 0, 1 when
 * a PAGE_FIND found nothing (m is left unused), -1 with e filled. */
static int read_page(struct logmodel *m, const struct preq *q, struct err *e)
{
    int rc = logmodel_set_height(m, q->height, e);
    if (rc < 0)
        return -1;
    switch (q->at) {
    case PAGE_FIND:
        rc = find_in(m, q, e);
        return rc < 0 ? -1 : rc == 0;
    case PAGE_OLDEST: return logmodel_oldest(m, e);
    case PAGE_ANCHOR: return logmodel_anchor(m, q->ts, q->id, e);
    case PAGE_TIME: return logmodel_goto_ts(m, q->ts, e);
    default: return logmodel_newest(m, e);
    }
}

static void do_page(struct job *j, void *arg)
{
    const struct preq *q = arg;
    struct pager_result *r = calloc(1, sizeof *r);
    struct err e = {0};
    struct store *st = qjob_store(j, &e);
    struct plan *p = st ? query_compile(q->query, ts_now(), NULL, &e) : NULL;
    struct logmodel *m = p && r ? logmodel_new(st) : NULL;
    int rc = -1;
    if (!r)
        goto out;
    r->kind = PAGER_PAGE;
    if (m) {
        logmodel_set_plan(m, p);
        rc = read_page(m, q, &e);
        logmodel_detach(m);   /* the rows stay; the plan and store do not */
        if (rc != 0) {
            logmodel_free(m);
            m = NULL;
        }
    }
    r->failed = rc < 0;
    r->n = q->at == PAGE_FIND && rc == 0;   /* found */
    if (rc >= 0 && q->query[0]) {
        struct err we = {0};
        fieldwarn_check(st, p, r->warn, sizeof r->warn, &we);
    }
    r->page = m;
    post(j, r, &e);
out:
    query_free(p);
}

/* Bytes written to the files the store follows but not stored yet (also
 * when another process indexes: `index --follow` on the same store). */
static int64_t files_lag(struct store *st)
{
    struct store_file *f = NULL;
    size_t n = 0;
    int64_t behind = 0;
    if (store_files(st, &f, &n, NULL) < 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (f[i].state == FILE_ACTIVE && !f[i].gz && stat(f[i].path, &sb) == 0 &&
            (uint64_t)sb.st_ino == f[i].ino && sb.st_size > f[i].offset)
            behind += sb.st_size - f[i].offset;
    }
    free(f);
    return behind;
}

static void do_totals(struct job *j, void *arg)
{
    struct pager_result *r = calloc(1, sizeof *r);
    struct err e = {0};
    struct store_totals t = {0};
    struct store *st = qjob_store(j, &e);
    (void)arg;
    if (!r)
        return;
    r->kind = PAGER_TOTALS;
    r->failed = !st || store_totals(st, &t, &e) < 0;
    struct pager_totals *o = &r->totals;
    o->records = t.records;
    memcpy(o->by_level, t.by_level, sizeof o->by_level);
    o->files = t.files;
    o->first_ts = t.first_ts;
    o->last_ts = t.last_ts;
    o->lost_lines = t.lost_lines;
    o->truncated = t.truncated;
    o->lost_files = t.lost_files;
    o->lost_gaps = t.lost_gaps;
    o->db_bytes = t.db_bytes;
    o->cap_dropped = t.cap_dropped;
    o->cov = t.cov;
    o->lag_bytes = st ? files_lag(st) : 0;
    post(j, r, &e);
}

/* --- the UI thread's side ---------------------------------------------------------- */

static int submit(struct pager *p, int slot, job_fn fn, struct preq *q, uint64_t gen)
{
    if (!q || (slot != SLOT_TOTALS && !q->query)) {
        preq_free(q);
        return -1;
    }
    jobq_submit(p->jobs, slot, fn, q, preq_free, gen);
    return 0;
}

static struct preq *preq_new(const char *query)
{
    struct preq *q = calloc(1, sizeof *q);
    if (q && query)
        q->query = strdup(query);
    return q;
}

void pager_count(struct pager *p, const char *query, uint64_t gen)
{
    submit(p, SLOT_COUNT, do_count, preq_new(query ? query : ""), gen);
}

void pager_write(struct pager *p, const char *query, const char *path, int raw, int force)
{
    struct preq *q = preq_new(query ? query : "");
    if (q && !(q->path = strdup(path))) {
        preq_free(q);
        return;
    }
    if (q) {
        q->raw = raw;
        q->force = force;
    }
    submit(p, SLOT_WRITE, do_write, q, 0);
}

void pager_write_keys(struct pager *p, const struct rec_key *keys, size_t n, const char *path,
                      int raw, int force)
{
    struct preq *q = preq_new("");
    if (q && (!(q->path = strdup(path)) || !(q->keys = malloc((n ? n : 1) * sizeof *keys)))) {
        preq_free(q);
        return;
    }
    if (q) {
        memcpy(q->keys, keys, n * sizeof *keys);
        q->nkeys = n;
        q->raw = raw;
        q->force = force;
    }
    submit(p, SLOT_WRITE, do_write, q, 0);
}

int pager_page(struct pager *p, const char *query, int at, int64_t ts, int64_t id,
                int height, uint64_t gen)
{
    struct preq *q = preq_new(query ? query : "");
    if (q) {
        q->at = at;
        q->ts = ts;
        q->id = id;
        q->height = height;
    }
    return submit(p, SLOT_PAGE, do_page, q, gen);
}

int pager_find(struct pager *p, const char *query, const char *find, int dir, int64_t ts,
               int64_t id, int height, uint64_t gen)
{
    struct preq *q = preq_new(query ? query : "");
    if (q && !(q->find = strdup(find))) {
        preq_free(q);
        return -1;
    }
    if (q) {
        *q = (struct preq){.query = q->query, .find = q->find, .at = PAGE_FIND, .dir = dir,
                           .ts = ts, .id = id, .height = height};
    }
    return submit(p, SLOT_PAGE, do_page, q, gen);
}

void pager_totals(struct pager *p)
{
    submit(p, SLOT_TOTALS, do_totals, preq_new(NULL), 0);
}

int pager_poll(struct pager *p, struct pager_result *out)
{
    struct job_result jr;
    if (!jobq_take(p->jobs, &jr))
        return 0;
    *out = *(struct pager_result *)jr.p;
    out->gen = jr.gen;
    free(jr.p);   /* the page, if any, now belongs to out */
    return 1;
}

/* A signature of the store files: changes whenever a commit lands. On
 * ClickHouse (records shipped by other hosts) it changes every second, so
 * the views re-read their newest page: a cursor poll. */
static int64_t store_sig(const char *db)
{
    char wal[4200];
    struct stat st;
    uint64_t sig = 0;
    if (chstore_is_url(db))
        return (int64_t)(time(NULL) & 0x7fffffff);
    snprintf(wal, sizeof wal, "%s-wal", db);
    if (stat(db, &st) == 0)
        sig = (uint64_t)st.st_size * 31u + (uint64_t)st.st_mtim.tv_sec * 1000000000u +
              (uint64_t)st.st_mtim.tv_nsec;
    if (stat(wal, &st) == 0)
        sig = sig * 131u + (uint64_t)st.st_size * 17u + (uint64_t)st.st_mtim.tv_sec * 1000000000u +
              (uint64_t)st.st_mtim.tv_nsec;
    return (int64_t)(sig >> 1);
}

int pager_changed(struct pager *p)
{
    int64_t sig = store_sig(p->db_path);
    if (sig == p->sig)
        return 0;
    p->sig = sig;
    return 1;
}

struct pager *pager_open(const char *db_path, int wake_fd, struct err *e)
{
    struct pager *p = calloc(1, sizeof *p);
    if (!p || !(p->db_path = strdup(db_path))) {
        free(p);
        err_set(e, "out of memory");
        return NULL;
    }
    p->sig = store_sig(db_path);
    if (!(p->st = store_open(db_path, STORE_READ, e)) ||
        !(p->jobs = qjob_new(db_path, wake_fd, e))) {
        pager_close(p);
        return NULL;
    }
    return p;
}

void pager_close(struct pager *p)
{
    if (!p)
        return;
    jobq_free(p->jobs);
    store_close(p->st);
    free(p->db_path);
    free(p);
}

void pager_window_init(struct pager *p, struct logmodel *m)
{
    logmodel_init(m, p->st);
}

/* PAGER_RECORD: the first row at or after (ts, id - 1) with no filter is
 * the record itself (ids are unique). */
struct one_row {
    const struct preq *q;
    struct pager_result *r;
};

static int one_row(void *ctx, const struct store_row *row)
{
    struct one_row *o = ctx;
    if (row->id != o->q->id)
        return 1;   /* the record is gone */
    o->r->n = 1;
    o->r->obj = o->q->build(row);
    o->r->failed = !o->r->obj;
    return 1;
}

static void do_record(struct job *j, void *arg)
{
    const struct preq *q = arg;
    struct pager_result *r = calloc(1, sizeof *r);
    struct err e = {0};
    struct store *st = qjob_store(j, &e);
    struct pnode all_node = {.kind = PK_TRUE};
    struct plan all = {.root = &all_node, .since = INT64_MIN, .until = INT64_MAX};
    struct store_page pg = {.limit = 1, .oldest_first = 1, .has_cursor = 1,
                            .cursor_ts = q->ts, .cursor_id = q->id - 1};
    if (!r)
        return;
    r->kind = PAGER_RECORD;
    r->obj_free = q->obj_free;
    struct one_row o = {.q = q, .r = r};
    if (!st || store_query(st, &all, &pg, one_row, &o, &e) < 0)
        r->failed = 1;
    post(j, r, &e);
}

int pager_record(struct pager *p, int64_t ts, int64_t id,
                 void *(*build)(const struct store_row *row), void (*obj_free)(void *),
                 uint64_t gen)
{
    struct preq *q = calloc(1, sizeof *q);
    if (!q)
        return -1;
    *q = (struct preq){.ts = ts, .id = id, .build = build, .obj_free = obj_free};
    jobq_submit(p->jobs, SLOT_RECORD, do_record, q, preq_free, gen);
    return 0;
}
