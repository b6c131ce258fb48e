/* txt_doc: the writer's side of the text index (txt.h): the document of a
 * block, its writes to rec_txt, and the runs listed in txt_runs. Apart
 * from txt.c (the tokenizer and the readers) so that blk.c, which writes
 * documents, does not depend on what reads blocks. */
#include "db/txt.h"
#include "src/base/hmap.h"
#include "src/base/vbuf.h"

#include <stdlib.h>
#include <string.h>

/* A slot: varint raw length, raw, varint cid length, cid, varint message
 * length, the message when it is not inside the raw text. */
int txt_doc_add(struct txt_doc *d, const char *raw, size_t rn, const char *cid, size_t cn,
                const char *msg, size_t mn)
{
    if (mn && rn >= mn && msg >= raw && msg + mn <= raw + rn)
        mn = 0;   /* inside the raw text */
    if (vbuf_grow(&d->s, &d->cap, d->len + rn + cn + mn + 31) < 0)
        return -1;
    unsigned char *o = (unsigned char *)d->s + d->len;
    o += varint_put(o, rn);
    if (rn)
        memcpy(o, raw, rn);
    o += rn;
    o += varint_put(o, cn);
    if (cn)
        memcpy(o, cid, cn);
    o += cn;
    o += varint_put(o, mn);
    if (mn)
        memcpy(o, msg, mn);
    o += mn;
    d->len = (size_t)((char *)o - d->s);
    d->slots++;
    return 0;
}

/* --- the runs seen (txt_runs) ----------------------------------------------------- */

struct txt_state {
    struct hmap known;     /* hmap_key_str(run) -> its copy */
    char **pend;           /* runs new in this batch (also in known) */
    size_t npend, cappend;
    int loaded;
};

static void forget(struct txt_state *t)
{
    for (size_t i = 0; i < t->known.cap; i++)
        if (t->known.vals[i] && t->known.vals[i] != &hmap_tomb)
            free(t->known.vals[i]);
    hmap_fini(&t->known);
    hmap_init(&t->known);
    for (size_t i = 0; i < t->npend; i++)
        free(t->pend[i]);
    free(t->pend);
    t->pend = NULL;
    t->npend = t->cappend = 0;
    t->loaded = 0;
}

void txt_free(struct txt_state *t)
{
    if (!t)
        return;
    forget(t);
    hmap_fini(&t->known);
    free(t);
}

/* Adds run r (NUL-terminated) to the known set; new: also pending. */
static int know(struct txt_state *t, const char *r, size_t n, int pending)
{
    char *c = strndup(r, n);
    if (!c)
        return -1;
    uint64_t k = hmap_key_str(c);
    const char *have = hmap_get(&t->known, k);
    if (have) {   /* known (or a colliding run: written again, harmlessly) */
        int same = strcmp(have, c) == 0;
        free(c);
        if (same || !pending)
            return 0;
        c = strndup(r, n);
        if (!c)
            return -1;
    } else if (hmap_put(&t->known, k, c) < 0) {
        free(c);
        return -1;
    }
    if (!pending)
        return 0;
    if (vbuf_more((void **)&t->pend, &t->cappend, t->npend, sizeof *t->pend) < 0)
        return -1;
    t->pend[t->npend++] = have ? c : strdup(c);
    if (have)
        return 0;
    return t->pend[t->npend - 1] ? 0 : -1;
}

static struct txt_state *runs_state(struct store *s)
{
    if (!s->txt && (s->txt = calloc(1, sizeof *s->txt)) != NULL)
        hmap_init(&s->txt->known);
    struct txt_state *t = s->txt;
    if (t && !t->loaded) {   /* the runs stored so far */
        sqlite3_stmt *st = NULL;
        t->loaded = 1;
        if (sqlite3_prepare_v2(s->db, "SELECT run FROM txt_runs", -1, &st, NULL) == SQLITE_OK)
            while (sqlite3_step(st) == SQLITE_ROW)
                know(t, (const char *)sqlite3_column_text(st, 0),
                     (size_t)sqlite3_column_bytes(st, 0), 0);
        sqlite3_finalize(st);
    }
    return t;
}

int txt_note_run(struct store *s, const char *run, size_t n)
{
    struct txt_state *t = runs_state(s);
    return t && know(t, run, n, 1) == 0 ? 0 : -1;
}

int txt_note_runs(struct store *s, const char *text, size_t n)
{
    const char *end = text + n, *u = text;
    struct txt_state *t = NULL;
    while ((u = memchr(u, '_', (size_t)(end - u))) != NULL) {
        const char *a = u, *b = u + 1;
        while (a > text && txt_run_char((unsigned char)a[-1]))
            a--;
        while (b < end && txt_run_char((unsigned char)*b))
            b++;
        u = b;
        char buf[256];
        size_t len = (size_t)(b - a);
        int letter = 0;
        for (const char *k = a; k < b && !letter; k++)
            letter = *k != '_';
        if (!letter)
            continue;
        char *w = len < sizeof buf ? buf : malloc(len + 1);
        if (!w)
            return -1;
        for (size_t k = 0; k < len; k++)
            w[k] = (char)(a[k] == '_' ? '_' : a[k] | 32);
        int rc = (!t && !(t = runs_state(s))) || know(t, w, len, 1) < 0 ? -1 : 0;
        if (w != buf)
            free(w);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int txt_flush(struct store *s, struct err *e)
{
    struct txt_state *t = s->txt;
    int rc = 0;
    if (!t || !t->npend)
        return 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO txt_runs(run) VALUES(?)", -1, &st,
                           NULL) != SQLITE_OK)
        rc = store_sqlerr(s, e, "listing the runs of the text");
    for (size_t i = 0; rc == 0 && i < t->npend; i++) {
        sqlite3_bind_text(st, 1, t->pend[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_sqlerr(s, e, "listing the runs of the text");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < t->npend; i++)
        free(t->pend[i]);
    t->npend = 0;
    return rc;
}

void txt_discard(struct store *s)
{
    if (s->txt)
        forget(s->txt);   /* reloaded from the table at the next use */
}

/* --- writing --------------------------------------------------------------------- */

static int step_doc(struct store *s, int which, const char *sql, int64_t id, const char *d,
                    size_t n, struct err *e)
{
    if (store_prepare(s, &s->st[which], sql, e) < 0)
        return -1;
    sqlite3_stmt *st = s->st[which];
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_blob(st, 2, d, (int)n, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "indexing records' text");
    return 0;
}

int txt_put(struct store *s, int64_t id, const char *old, size_t on, const char *doc, size_t dn,
            struct err *e)
{
    if (on && step_doc(s, ST_TXT_DEL, "INSERT INTO rec_txt(rec_txt, rowid, body)"
                       " VALUES('delete', ?, ?)", id, old, on, e) < 0)
        return -1;
    if (dn && step_doc(s, ST_FTS, "INSERT INTO rec_txt(rowid, body) VALUES(?, ?)", id, doc, dn,
                       e) < 0)
        return -1;
    return 0;
}
