/* logmodel: the log view's window of records (see logmodel.h). Pages are
 * fetched by keyset pagination from the selection's neighbours; the window
 * is trimmed on the side away from the selection so it never holds more
 * than a few screens of rows. */
#include "src/query/logmodel.h"

#include <stdlib.h>
#include <string.h>

#include "db/exec.h"
#include "src/query/recout.h"

#define WINDOW_MIN 300


struct fetch {
    struct lrow *v;
    int n, cap;
    int oom;
};

static void row_free(struct lrow *r)
{
    free(r->service);
    free(r->cid);
    free(r->text);
}

static void first_line(const struct record *rec, struct lrow *r)
{
    const char *s = rec->msg;
    size_t n = rec->msg_len, i;
    if (!s || n == 0) {
        s = rec->raw;
        n = rec->raw ? rec->raw_len : 0;
    }
    int lines = 0;
    for (i = 0; i < n; i++)
        lines += s[i] == '\n';
    const char *nl = n ? memchr(s, '\n', n) : NULL;
    size_t len = nl ? (size_t)(nl - s) : n;
    if (len > LROW_TEXT_MAX) {
        len = LROW_TEXT_MAX;
        while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
            len--;
    }
    r->text = malloc(len + 1);
    if (r->text) {
        memcpy(r->text, s, len);
        r->text[len] = 0;
        r->text_len = len;
    }
    r->extra_lines = rec->nlines - 1 > lines ? rec->nlines - 1 : lines;
}

static int fetch_cb(void *ctx, const struct store_row *row)
{
    struct fetch *f = ctx;
    if (f->n == f->cap) {
        int cap = f->cap ? f->cap * 2 : 64;
        struct lrow *v = realloc(f->v, (size_t)cap * sizeof *v);
        if (!v) {
            f->oom = 1;
            return 1;
        }
        f->v = v;
        f->cap = cap;
    }
    struct lrow *r = &f->v[f->n];
    memset(r, 0, sizeof *r);
    const struct record *rec = &row->rec;
    r->id = row->id;
    r->ts = rec->ts;
    r->level = rec->level;
    r->truncated = rec->truncated;
    r->has_status = rec->has_status;
    r->status = rec->status;
    r->has_duration = rec->has_duration;
    r->duration_ms = rec->duration_ms;
    char nb[64];
    const char *svc = recout_source_name(row, nb);   /* the one naming rule */
    r->service = svc && *svc && strcmp(svc, "-") ? strdup(svc) : NULL;
    r->cid = rec->cid && *rec->cid ? strdup(rec->cid) : NULL;
    first_line(rec, r);
    if (!r->text) {
        row_free(r);
        f->oom = 1;
        return 1;
    }
    f->n++;
    return 0;
}

static void fetch_free(struct fetch *f)
{
    for (int i = 0; i < f->n; i++)
        row_free(&f->v[i]);
    free(f->v);
    memset(f, 0, sizeof *f);
}

/* Fetches up to limit rows after (cts, cid) in the given order (no cursor
 * when has_cursor is 0). */
static int fetch(struct logmodel *m, int oldest_first, int has_cursor, int64_t cts, int64_t cid,
                 int limit, struct fetch *f, struct err *e)
{
    struct store_page pg = {.limit = limit, .oldest_first = oldest_first,
                            .has_cursor = has_cursor, .cursor_ts = cts, .cursor_id = cid};
    struct pnode all_node = {.kind = PK_TRUE};   /* no filter: every record */
    struct plan all = {.root = &all_node, .since = INT64_MIN, .until = INT64_MAX};
    memset(f, 0, sizeof *f);
    int rc = store_query(m->st, m->plan ? m->plan : &all, &pg, fetch_cb, f, e);
    if (rc < 0 || f->oom) {
        if (f->oom)
            err_set(e, "out of memory reading records");
        fetch_free(f);
        return -1;
    }
    return f->n;
}

static void clear_rows(struct logmodel *m)
{
    for (int i = 0; i < m->n; i++)
        row_free(&m->rows[i]);
    m->n = 0;
    m->sel = -1;
    m->top = 0;
}

static int reserve(struct logmodel *m, int extra)
{
    if (m->n + extra <= m->cap)
        return 0;
    int cap = m->cap ? m->cap : 128;
    while (cap < m->n + extra)
        cap *= 2;
    struct lrow *v = realloc(m->rows, (size_t)cap * sizeof *v);
    if (!v)
        return -1;
    m->rows = v;
    m->cap = cap;
    return 0;
}

/* Moves fetched rows (newest first when reversed is 1) into the window,
 * in front (prepend) or at the end. Takes the rows out of f. */
static int insert_rows(struct logmodel *m, struct fetch *f, int prepend, int reversed)
{
    if (reserve(m, f->n) < 0) {
        fetch_free(f);
        return -1;
    }
    if (prepend) {
        memmove(m->rows + f->n, m->rows, (size_t)m->n * sizeof *m->rows);
        if (m->sel >= 0)
            m->sel += f->n;
        m->top += f->n;
    }
    struct lrow *dst = prepend ? m->rows : m->rows + m->n;
    for (int i = 0; i < f->n; i++)
        dst[i] = f->v[reversed ? f->n - 1 - i : i];
    m->n += f->n;
    free(f->v);
    memset(f, 0, sizeof *f);
    return 0;
}

static int window_max(const struct logmodel *m)
{
    return m->height * 6 > WINDOW_MIN ? m->height * 6 : WINDOW_MIN;
}

/* Drops rows far from the selection so the window stays bounded. */
static void trim(struct logmodel *m)
{
    int max = window_max(m), keep = m->height * 2;
    if (m->n <= max)
        return;
    int drop_front = m->top - keep;
    if (drop_front > m->n - max)
        drop_front = m->n - max;
    if (drop_front > 0) {
        for (int i = 0; i < drop_front; i++)
            row_free(&m->rows[i]);
        memmove(m->rows, m->rows + drop_front, (size_t)(m->n - drop_front) * sizeof *m->rows);
        m->n -= drop_front;
        m->sel -= drop_front;
        m->top -= drop_front;
        m->at_oldest = 0;
    }
    int last = m->top + m->height + keep;
    if (m->n > max && last < m->n) {
        for (int i = last; i < m->n; i++)
            row_free(&m->rows[i]);
        m->n = last;
        m->at_newest = 0;
    }
}

/* Fetches up to k rows older than the window's first row. */
static int grow_older(struct logmodel *m, int k, struct err *e)
{
    struct fetch f;
    if (m->at_oldest)
        return 0;
    int got = m->n ? fetch(m, 0, 1, m->rows[0].ts, m->rows[0].id, k, &f, e)
                   : fetch(m, 0, 0, 0, 0, k, &f, e);
    if (got < 0)
        return -1;
    if (got < k)
        m->at_oldest = 1;
    if (m->n == 0 && got < k)
        m->at_newest = 1;
    return insert_rows(m, &f, 1, 1) < 0 ? err_set(e, "out of memory") : got;
}

static int grow_newer(struct logmodel *m, int k, struct err *e)
{
    struct fetch f;
    if (m->at_newest)
        return 0;
    const struct lrow *last = m->n ? &m->rows[m->n - 1] : NULL;
    int got = last ? fetch(m, 1, 1, last->ts, last->id, k, &f, e) : fetch(m, 1, 0, 0, 0, k, &f, e);
    if (got < 0)
        return -1;
    if (got < k)
        m->at_newest = 1;
    return insert_rows(m, &f, 0, 0) < 0 ? err_set(e, "out of memory") : got;
}

/* Keeps the selection visible and the screen as full as the data allows. */
static int settle(struct logmodel *m, struct err *e)
{
    int h = m->height;
    if (m->n - m->top < h && !m->at_newest && grow_newer(m, h, e) < 0)
        return -1;
    if (m->n - m->top < h && m->top > 0)
        m->top = m->n - h > 0 ? m->n - h : 0;
    if (m->n < h && !m->at_oldest && grow_older(m, h, e) < 0)
        return -1;
    if (m->n == 0) {
        m->sel = -1;
        m->top = 0;
        return 0;
    }
    if (m->sel < 0)
        m->sel = 0;
    if (m->sel >= m->n)
        m->sel = m->n - 1;
    if (m->sel < m->top)
        m->top = m->sel;
    if (m->sel >= m->top + h)
        m->top = m->sel - h + 1;
    if (m->top > m->n - h)
        m->top = m->n - h > 0 ? m->n - h : 0;
    if (m->top < 0)
        m->top = 0;
    trim(m);
    return 0;
}

void logmodel_init(struct logmodel *m, struct store *st)
{
    memset(m, 0, sizeof *m);
    m->st = st;
    m->sel = -1;
    m->height = 20;
}

void logmodel_fini(struct logmodel *m)
{
    clear_rows(m);
    free(m->rows);
    memset(m, 0, sizeof *m);
}

struct logmodel *logmodel_new(struct store *st)
{
    struct logmodel *m = malloc(sizeof *m);
    if (m)
        logmodel_init(m, st);
    return m;
}

void logmodel_free(struct logmodel *m)
{
    if (!m)
        return;
    logmodel_fini(m);
    free(m);
}

void logmodel_detach(struct logmodel *m)
{
    m->st = NULL;
    m->plan = NULL;
}

void logmodel_adopt(struct logmodel *dst, struct logmodel *src)
{
    struct store *st = dst->st;
    const struct plan *p = dst->plan;
    int h = dst->height;
    logmodel_fini(dst);
    *dst = *src;
    dst->st = st;
    dst->plan = p;
    free(src);
    int bottom = dst->top + dst->height - 1;   /* src's height may differ */
    dst->height = h;
    if (dst->sel >= 0) {
        dst->top = bottom - h + 1 > 0 ? bottom - h + 1 : 0;
        if (dst->sel < dst->top)
            dst->top = dst->sel;
        if (dst->sel >= dst->top + h)
            dst->top = dst->sel - h + 1;
    }
}

void logmodel_set_plan(struct logmodel *m, const struct plan *p)
{
    m->plan = p;
}

int logmodel_set_height(struct logmodel *m, int h, struct err *e)
{
    if (h < 1)
        h = 1;
    if (h == m->height)
        return 0;
    int bottom = m->top + m->height - 1;
    m->height = h;
    if (m->sel < 0)
        return 0;
    m->top = bottom - h + 1 > 0 ? bottom - h + 1 : 0;
    return settle(m, e);
}

int logmodel_newest(struct logmodel *m, struct err *e)
{
    struct fetch f;
    int k = m->height * 2;
    int got = fetch(m, 0, 0, 0, 0, k, &f, e);
    if (got < 0)
        return -1;
    clear_rows(m);
    m->at_newest = 1;
    m->at_oldest = got < k;
    if (insert_rows(m, &f, 0, 1) < 0)
        return err_set(e, "out of memory");
    m->sel = m->n - 1;
    m->top = m->n - m->height > 0 ? m->n - m->height : 0;
    return settle(m, e);
}

int logmodel_oldest(struct logmodel *m, struct err *e)
{
    struct fetch f;
    int k = m->height * 2;
    int got = fetch(m, 1, 0, 0, 0, k, &f, e);
    if (got < 0)
        return -1;
    clear_rows(m);
    m->at_oldest = 1;
    m->at_newest = got < k;
    if (insert_rows(m, &f, 0, 0) < 0)
        return err_set(e, "out of memory");
    m->sel = m->n ? 0 : -1;
    m->top = 0;
    return settle(m, e);
}

/* Loads the rows before (cts, cid) (older) and from it on (newer), and
 * selects the first newer row when prefer_newer, else the last older. */
static int load_around(struct logmodel *m, int64_t cts, int64_t cid, int prefer_newer,
                       struct err *e)
{
    struct fetch older, newer;
    int k = m->height * 2;
    if (fetch(m, 0, 1, cts, cid, k, &older, e) < 0)
        return -1;
    if (fetch(m, 1, 1, cts, cid - 1, k, &newer, e) < 0) {
        fetch_free(&older);
        return -1;
    }
    clear_rows(m);
    m->at_oldest = older.n < k;
    m->at_newest = newer.n < k;
    int nold = older.n, nnew = newer.n;
    if (insert_rows(m, &older, 0, 1) < 0 || insert_rows(m, &newer, 0, 0) < 0) {
        fetch_free(&newer);
        return err_set(e, "out of memory");
    }
    if (prefer_newer)
        m->sel = nnew ? nold : nold - 1;
    else
        m->sel = nold ? nold - 1 : (nnew ? 0 : -1);
    m->top = m->sel - m->height / 2 > 0 ? m->sel - m->height / 2 : 0;
    return settle(m, e);
}

int logmodel_anchor(struct logmodel *m, int64_t ts, int64_t id, struct err *e)
{
    /* Older part: before (ts, id + 1), i.e. up to and including (ts, id). */
    return load_around(m, ts, id + 1, 0, e);
}

int logmodel_goto_ts(struct logmodel *m, int64_t ts, struct err *e)
{
    /* (ts, INT64_MIN + 1) with id - 1 in load_around: rows with time >= ts
     * are "newer", rows before ts are "older". */
    return load_around(m, ts, INT64_MIN + 1, 1, e);
}

int logmodel_move(struct logmodel *m, int delta, int page, struct err *e)
{
    if (m->n == 0)
        return settle(m, e);
    int target = m->sel + delta;
    while (target < 0 && !m->at_oldest) {
        int got = grow_older(m, -target + m->height, e);
        if (got < 0)
            return -1;
        target += got;
        if (got == 0)
            break;
    }
    while (target >= m->n && !m->at_newest) {
        int got = grow_newer(m, target - m->n + 1 + m->height, e);
        if (got <= 0) {
            if (got < 0)
                return -1;
            break;
        }
    }
    if (target < 0)
        target = 0;
    if (target >= m->n)
        target = m->n - 1;
    if (page)
        m->top += target - m->sel;
    m->sel = target;
    if (m->top < 0)
        m->top = 0;
    return settle(m, e);
}

int logmodel_find(struct logmodel *m, const struct plan *find, int dir, struct err *e)
{
    const struct lrow *r = logmodel_selected(m);
    struct fetch f;
    struct store_page pg = {.limit = 1, .oldest_first = dir > 0, .has_cursor = r != NULL};
    if (r) {
        pg.cursor_ts = r->ts;
        pg.cursor_id = r->id;
    }
    memset(&f, 0, sizeof f);
    if (store_query(m->st, find, &pg, fetch_cb, &f, e) < 0 || f.oom) {
        fetch_free(&f);
        return f.oom ? err_set(e, "out of memory") : -1;
    }
    if (f.n == 0)
        return 0;
    int64_t ts = f.v[0].ts, id = f.v[0].id;
    fetch_free(&f);
    return logmodel_anchor(m, ts, id, e) < 0 ? -1 : 1;
}

void logmodel_stale(struct logmodel *m)
{
    m->at_newest = 0;
}

const struct lrow *logmodel_selected(const struct logmodel *m)
{
    return m->sel >= 0 && m->sel < m->n ? &m->rows[m->sel] : NULL;
}
