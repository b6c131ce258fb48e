/* fv: field=value tokens, the words of a record and the field catalogue
 * (see fv.h). */
#include "db/fv.h"
#include "src/base/flat.h"
#include "src/base/hmap.h"
#include "src/base/jsonraw.h"
#include "src/base/plan.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
    char *s;
    size_t len, cap;
};

/* One catalogue entry: records of file_id holding path. */
struct cat {
    int64_t file_id, n, nnum;
    uint64_t seen;   /* the record (fv_state.rec) that last counted it */
    int nums;        /* that record's numeric values so far */
    int role;        /* plan_field(path): the query language's reading */
    size_t plen;
    char path[];
};

#define FV_RECENT 64

struct fv_state {
    struct buf body, doc;
    char path[FV_VALUE_MAX * 4];     /* request path found among the fields */
    int path_prio;
    struct hmap cat;                 /* hmap_key2(file_id, hash(path)) -> struct cat */
    struct cat **cats;
    size_t ncats, capcats;
    int64_t stem_file;               /* file whose stem is cached */
    char stem[128];
    int has_stem;
    int shrunk;                      /* counts went down in this batch */
    uint64_t rec;                    /* serial of the record being walked */
    /* The entry of the i-th pair of the record before: a file's records
     * mostly repeat their keys in order, and a compare costs less than
     * hashing the path. */
    struct cat *recent[FV_RECENT];
    int npair;
    sqlite3_stmt *st_path, *st_cat;
};

static int reserve(struct buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = (b->len + extra + 1) * 2;
    char *ns = realloc(b->s, cap);
    if (!ns)
        return -1;
    b->s = ns;
    b->cap = cap;
    return 0;
}

static int put(struct buf *b, const char *s, size_t n)
{
    if (reserve(b, n) < 0)
        return -1;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

/* --- tokens --------------------------------------------------------------- */

/* The bytes enc() keeps as they are: [a-pr-y0-9], every lower-case
 * letter but q (an escape) and z (an upper-case letter), and digits. */
#define P1(c) [c] = 1
static const unsigned char enc_plain[256] = {
    P1('0'), P1('1'), P1('2'), P1('3'), P1('4'), P1('5'), P1('6'), P1('7'), P1('8'), P1('9'),
    P1('a'), P1('b'), P1('c'), P1('d'), P1('e'), P1('f'), P1('g'), P1('h'), P1('i'), P1('j'),
    P1('k'), P1('l'), P1('m'), P1('n'), P1('o'), P1('p'), P1('r'), P1('s'), P1('t'), P1('u'),
    P1('v'), P1('w'), P1('x'), P1('y'),
};
#undef P1

static size_t enc(char *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (enc_plain[c]) {
            *o++ = (char)c;
        } else if (c >= 'A' && c <= 'Z') {
            *o++ = 'z';
            *o++ = (char)(c - 'A' + 'a');
        } else {
            *o++ = 'q';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    return (size_t)(o - out);
}

size_t fv_token_cap(size_t plen)
{
    return 1 + 3 * plen + 2 + 3 * FV_VALUE_MAX + 3;
}

size_t fv_token(char *out, int kind, const char *path, size_t plen, const char *val,
                size_t vlen, int prefix, int *cut)
{
    char *o = out;
    int c = vlen > FV_VALUE_MAX;
    *o++ = (char)kind;
    o += enc(o, path, plen);
    *o++ = 'q';
    *o++ = 'x';
    o += enc(o, val, c ? FV_VALUE_MAX : vlen);
    if (c && !prefix) {
        *o++ = 'q';
        *o++ = 'w';
    }
    if (cut)
        *cut = c;
    *o = '\0';
    return (size_t)(o - out);
}

int fv_text_number(const char *s, size_t n, double *out)
{
    char tmp[512];   /* longer numeric strings (never seen in logs) are not numbers here */
    while (n && *s == ' ')
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    if (!n || n >= sizeof tmp || !(isdigit((unsigned char)*s) || *s == '-' || *s == '+' || *s == '.'))
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end = NULL;
    double d = strtod(tmp, &end);
    if (*end || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

size_t fv_words_text(char *out, const char *m, size_t n)
{
    char *p = out;
    for (size_t i = 0; i < n; i++) {
        /* ESC, or its JSON spelling \u001b in a JSON line's text */
        if (m[i] == '\\' && i + 6 <= n && memcmp(m + i + 1, "u001", 4) == 0 &&
            (m[i + 5] | 32) == 'b')
            i += 5;
        else if (m[i] != 0x1b) {
            *p++ = m[i];
            continue;
        }
        if (i + 1 < n && m[i + 1] == '[')
            for (i += 2; i < n && !((unsigned char)m[i] >= 0x40 && (unsigned char)m[i] <= 0x7e); i++)
                ;
        else
            i++;
        *p++ = ' ';
    }
    return (size_t)(p - out);
}

/* --- rec_fv's tokenizer ---------------------------------------------------- */

/* "ldfv": the words of a rec_fv document or query, which hold only
 * [a-z0-9] (fv_token) and spaces: the runs of ASCII letters and digits,
 * upper case folded, what unicode61 reads in such text, without its
 * per-character Unicode tables (a third of rec_fv's insert cost). Any
 * other byte separates. */
#define W2(c) [c] = 1, [(c) + 1] = 1
#define W6(c) W2(c), W2((c) + 2), W2((c) + 4)
static const unsigned char fvtok_word[256] = {   /* [0-9A-Za-z] */
    W6('0'), W2('6'), W2('8'),
    W6('A'), W6('A' + 6), W6('A' + 12), W6('A' + 18), W2('A' + 24),
    W6('a'), W6('a' + 6), W6('a' + 12), W6('a' + 18), W2('a' + 24),
};
#undef W6
#undef W2

static int fvtok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)argv;
    (void)argc;
    *out = ctx;   /* stateless */
    return SQLITE_OK;
}

static void fvtok_delete(Fts5Tokenizer *t)
{
    (void)t;
}

static int fvtok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                          int (*tok)(void *, int, const char *, int, int, int))
{
    (void)t;
    (void)flags;
    const unsigned char *u = (const unsigned char *)text;
    char small[256], *fold = NULL;
    int rc = SQLITE_OK;
    for (int i = 0; i < n && rc == SQLITE_OK;) {
        while (i < n && !fvtok_word[u[i]])
            i++;
        int start = i, upper = 0;
        for (; i < n && fvtok_word[u[i]]; i++)
            upper |= u[i] >= 'A' && u[i] <= 'Z';
        if (i == start)
            break;
        const char *w = text + start;
        if (upper) {   /* never in what fv writes; folded as unicode61 would */
            char *b = i - start <= (int)sizeof small ? small : (fold = realloc(fold, (size_t)(i - start)));
            if (!b)
                return SQLITE_NOMEM;
            for (int k = start; k < i; k++)
                b[k - start] = (char)(u[k] >= 'A' && u[k] <= 'Z' ? u[k] + 32 : u[k]);
            w = b;
        }
        rc = tok(ctx, 0, w, i - start, start, i);
    }
    free(fold);
    return rc;
}

int fv_register(struct store *s, struct err *e)
{
    fts5_api *api = store_fts5_api(s->db);
    fts5_tokenizer tk = {fvtok_create, fvtok_delete, fvtok_tokenize};
    if (!api)
        return err_set(e, "SQLite was built without FTS5, which the store needs");
    if (api->xCreateTokenizer(api, "ldfv", api, &tk, NULL) != SQLITE_OK)
        return err_set(e, "registering rec_fv's tokenizer: %s", sqlite3_errmsg(s->db));
    return 0;
}

/* --- per record ----------------------------------------------------------- */

static struct fv_state *state(struct store *s)
{
    if (!s->fv) {
        s->fv = calloc(1, sizeof *s->fv);
        if (s->fv)
            hmap_init(&s->fv->cat);
    }
    return s->fv;
}

void fv_free(struct fv_state *f)
{
    if (!f)
        return;
    free(f->body.s);
    free(f->doc.s);
    for (size_t i = 0; i < f->ncats; i++)
        free(f->cats[i]);
    free(f->cats);
    hmap_fini(&f->cat);
    sqlite3_finalize(f->st_path);
    sqlite3_finalize(f->st_cat);
    free(f);
}

static int add_token(struct fv_state *f, int kind, const char *path, size_t plen,
                     const char *val, size_t vlen)
{
    if (reserve(&f->doc, fv_token_cap(plen) + 1) < 0)
        return -1;
    if (f->doc.len)
        f->doc.s[f->doc.len++] = ' ';
    f->doc.len += fv_token(f->doc.s + f->doc.len, kind, path, plen, val, vlen, 0, NULL);
    return 0;
}

/* The catalogue entry of path in file_id, made on first use (NULL when out
 * of memory or on a hash collision). */
static struct cat *lookup(struct fv_state *f, int64_t file_id, const char *path, size_t plen)
{
    uint64_t k = hmap_key2((uint64_t)file_id, hmap_key_str(path));
    struct cat *c = hmap_get(&f->cat, k);
    if (!c) {
        if (f->ncats == f->capcats) {
            size_t cap = f->capcats ? f->capcats * 2 : 64;
            struct cat **nc = realloc(f->cats, cap * sizeof *nc);
            if (!nc)
                return NULL;
            f->cats = nc;
            f->capcats = cap;
        }
        if (!(c = calloc(1, sizeof *c + plen + 1)))
            return NULL;
        c->file_id = file_id;
        c->role = plan_field(path);
        c->plen = plen;
        memcpy(c->path, path, plen + 1);
        if (hmap_put(&f->cat, k, c) < 0) {
            free(c);
            return NULL;
        }
        f->cats[f->ncats++] = c;
    } else if (strcmp(c->path, path) != 0) {
        return NULL;   /* a 64-bit hash collision: this path goes uncounted */
    }
    return c;
}

static struct cat *count(struct fv_state *f, struct cat *c, int numeric, int sign)
{
    if (c->seen != f->rec) {
        c->seen = f->rec;
        c->nums = 0;
        c->n += sign;
    }
    if (numeric && c->nums++ == 0)
        c->nnum += sign;
    return c;
}

/* Counts path for the catalogue, once per record (an array's elements
 * come as several values of one path) and as numeric once when any of
 * them is a number; returns its entry (NULL when out of memory or on a
 * hash collision). */
static struct cat *count_field(struct fv_state *f, int64_t file_id, const char *path,
                               size_t plen, int numeric, int sign)
{
    int i = f->npair++;
    struct cat *c = i < FV_RECENT ? f->recent[i] : NULL;
    if (c && c->file_id == file_id && c->plen == plen && memcmp(c->path, path, plen) == 0)
        return count(f, c, numeric, sign);
    c = lookup(f, file_id, path, plen);
    if (i < FV_RECENT)
        f->recent[i] = c;
    return c ? count(f, c, numeric, sign) : NULL;
}

int fv_words_of(int role)
{
    return role != PF_TS && role != PF_CID;
}

struct walkctx {
    struct fv_state *f;
    int64_t file_id;
    int sign;       /* 1 ingest, -1 deleting: the catalogue counts down */
    int body;       /* 1: values go into the FTS body (JSON records) */
    int oom;
};

static int on_pair(void *ctx, const char *path, size_t plen, int kind, const char *val,
                   size_t vlen)
{
    struct walkctx *w = ctx;
    struct fv_state *f = w->f;
    double d;
    char nb[32];
    struct cat *c = count_field(f, w->file_id, path, plen, kind == FLAT_NUM, w->sign);
    int role = c ? c->role : plan_field(path);
    if (w->body && vlen && fv_words_of(role)) {
        if (put(&f->body, " ", 1) < 0 || reserve(&f->body, vlen) < 0)
            return w->oom = 1;
        f->body.len += fv_words_text(f->body.s + f->body.len, val, vlen);
        f->body.s[f->body.len] = '\0';
    }
    if (role != PF_JSON)   /* read from a column of its own: no token */
        return 0;
    if (add_token(f, kind == FLAT_NUM ? FV_NUM : FV_STR, path, plen, val, vlen) < 0)
        return w->oom = 1;
    if (kind == FLAT_STR && fv_text_number(val, vlen, &d) == 0 &&
        add_token(f, FV_NUM, path, plen, nb, flat_num(d, nb)) < 0)
        return w->oom = 1;
    static const char *const req[] = {"path", "url.path", "endpoint"};
    for (int i = 0; kind == FLAT_STR && vlen && i < f->path_prio; i++)
        if (strcmp(path, req[i]) == 0 && vlen < sizeof f->path) {
            memcpy(f->path, val, vlen + 1);
            f->path_prio = i;
        }
    return 0;
}

/* Fields of a record without packed terms: parsed from raw (JSON) or from
 * the fields column. Returns 1 if txt was a JSON object. */
static int walk_parsed(const char *txt, size_t n, struct walkctx *w)
{
    cJSON *root = jsonraw_parse(txt, n, NULL);   /* raw NULs as the parser reads them */
    int ok = cJSON_IsObject(root);
    if (ok)
        flat_walk(root, on_pair, w);
    cJSON_Delete(root);
    return ok;
}

/* The file's stem ("api" for /var/log/api.jsonl.1), cached per file. */
static const char *file_stem(struct store *s, struct fv_state *f, int64_t file_id)
{
    if (f->stem_file == file_id)
        return f->has_stem ? f->stem : NULL;
    f->stem_file = file_id;
    f->has_stem = 0;
    if (!f->st_path && sqlite3_prepare_v3(s->db, "SELECT path FROM files WHERE id = ?", -1,
                                          SQLITE_PREPARE_PERSISTENT, &f->st_path, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_reset(f->st_path);
    sqlite3_bind_int64(f->st_path, 1, file_id);
    if (sqlite3_step(f->st_path) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(f->st_path, 0);
        const char *sl = p ? strrchr(p, '/') : NULL;
        p = sl ? sl + 1 : p;
        size_t n = p ? strcspn(p, ".") : 0;
        if (n && n < sizeof f->stem) {
            memcpy(f->stem, p, n);
            f->stem[n] = '\0';
            f->has_stem = 1;
        }
    }
    sqlite3_reset(f->st_path);
    return f->has_stem ? f->stem : NULL;
}

static int virt(struct fv_state *f, const char *name, const char *val)
{
    return val && *val ? add_token(f, FV_VIRT, name, strlen(name), val, strlen(val)) : 0;
}

static int record_docs(struct store *s, int64_t file_id, const struct record *r,
                       struct fv_out *out, int sign)
{
    struct fv_state *f = state(s);
    if (!f)
        return -1;
    f->body.len = f->doc.len = 0;
    f->rec++;
    f->npair = 0;
    f->path_prio = r->path ? 0 : 3;
    struct walkctx w = {.f = f, .file_id = file_id, .body = 0, .sign = sign};
    f->shrunk |= sign < 0;
    if (put(&f->body, "", 0) < 0 || put(&f->doc, "", 0) < 0)
        return -1;
    if (r->terms) {
        size_t pos = 0, pl, vl;
        const char *p, *v;
        int kind;
        while (!w.oom && flat_next(r->terms, r->terms_len, &pos, &p, &pl, &kind, &v, &vl))
            on_pair(&w, p, pl, kind, v, vl);
    } else if (r->format == FMT_JSON && r->raw_len) {
        walk_parsed(r->raw, r->raw_len, &w);
    } else if (r->fields) {
        walk_parsed(r->fields, strlen(r->fields), &w);
    }
    const char *svc = r->service && *r->service ? r->service
                      : r->logger && *r->logger ? r->logger : file_stem(s, f, file_id);
    out->path = r->path ? r->path : f->path_prio < 3 ? f->path : NULL;
    out->service = svc;
    if (w.oom || virt(f, "service", svc) < 0 || virt(f, "path", out->path) < 0 ||
        virt(f, "logger", r->logger) < 0 || virt(f, "metric", r->metric_name) < 0)
        return -1;
    out->doc = f->doc.s;
    out->dlen = f->doc.len;
    return 0;
}

int fv_record(struct store *s, int64_t file_id, const struct record *r, struct fv_out *out)
{
    return record_docs(s, file_id, r, out, 1);
}

int fv_record_stored(struct store *s, int64_t file_id, const struct record *r,
                     struct fv_out *out)
{
    return record_docs(s, file_id, r, out, -1);
}

const char *fv_stem(struct store *s, int64_t file_id)
{
    struct fv_state *f = state(s);
    return f ? file_stem(s, f, file_id) : NULL;
}

int fv_flush(struct store *s, struct err *e)
{
    struct fv_state *f = s->fv;
    if (!f || !f->ncats)
        return 0;
    if (!f->st_cat &&
        sqlite3_prepare_v3(s->db, "INSERT INTO fieldcat(file_id, path, n, nnum) VALUES(?,?,?,?) "
                           "ON CONFLICT(file_id, path) DO UPDATE SET n = n + excluded.n, "
                           "nnum = nnum + excluded.nnum", -1, SQLITE_PREPARE_PERSISTENT,
                           &f->st_cat, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "preparing the field catalogue");
    int rc = 0;
    for (size_t i = 0; i < f->ncats && rc == 0; i++) {
        struct cat *c = f->cats[i];
        sqlite3_reset(f->st_cat);
        sqlite3_bind_int64(f->st_cat, 1, c->file_id);
        sqlite3_bind_text(f->st_cat, 2, c->path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(f->st_cat, 3, c->n);
        sqlite3_bind_int64(f->st_cat, 4, c->nnum);
        if (sqlite3_step(f->st_cat) != SQLITE_DONE)
            rc = store_sqlerr(s, e, "updating the field catalogue");
    }
    sqlite3_reset(f->st_cat);
    if (rc == 0 && f->shrunk &&   /* retention: paths no record holds any more leave */
        sqlite3_exec(s->db, "DELETE FROM fieldcat WHERE n <= 0", NULL, NULL, NULL) != SQLITE_OK)
        rc = store_sqlerr(s, e, "updating the field catalogue");
    f->shrunk = 0;
    fv_discard(s);
    return rc;
}

void fv_discard(struct store *s)
{
    struct fv_state *f = s->fv;
    if (!f)
        return;
    for (size_t i = 0; i < f->ncats; i++)
        free(f->cats[i]);
    f->ncats = 0;
    f->shrunk = 0;
    memset(f->recent, 0, sizeof f->recent);
    hmap_fini(&f->cat);
    hmap_init(&f->cat);
    f->stem_file = 0;
}

/* --- the catalogue, read ------------------------------------------------------ */

int64_t store_fields(struct store *s, int64_t file_id, store_field_fn fn, void *ctx,
                     struct err *e)
{
    sqlite3_stmt *st = NULL;
    const char *sql = file_id ? "SELECT path, n, nnum FROM fieldcat WHERE file_id = ? ORDER BY path"
                              : "SELECT path, sum(n), sum(nnum) FROM fieldcat GROUP BY path "
                                "ORDER BY path";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "reading the field catalogue");
    if (file_id)
        sqlite3_bind_int64(st, 1, file_id);
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        n++;
        if (fn && fn(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                     sqlite3_column_int64(st, 2)))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        n = store_sqlerr(s, e, "reading the field catalogue");
    sqlite3_finalize(st);
    return n;
}

int store_field_known(struct store *s, const char *path, struct err *e)
{
    sqlite3_stmt *st = NULL;
    /* The path itself, or a member under it: "process" + "." .. "process" + "/"
     * ('/' follows '.' in ASCII). */
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM fieldcat WHERE path = ?1 OR "
                           "(path > ?1 || '.' AND path < ?1 || '/') LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "reading the field catalogue");
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "reading the field catalogue");
}
