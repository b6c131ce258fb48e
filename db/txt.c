/* txt: the full-text index, one FTS5 document per chunk of records (txt.h):
 * the readers (ld_txt, ld_txt_count). The tokenizer of the documents is
 * txt_tok.c, the writer's side txt_doc.c, the documents rebuilt from the
 * records (retention, migration) txt_chunk.c. */
#include "db/txt.h"
#include "db/blk.h"
#include "db/exec_int.h"
#include "db/fv.h"
#include "src/base/vbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* --- queries ------------------------------------------------------------------ */

/* The query of rec_txt for an exec_fts_expr() string ("a" "b"*): per token
 * a group ("a" OR TXT_COMP "a"); a prefix token's complement terms are
 * listed from the vocabulary (at most TXT_EXPAND, else TXT_COMP "b"* whose
 * records are checked one by one); a phrase of letters and '_' (TXT_SNAKE
 * + phrase, txt_snake_expr) the OR of the runs holding it. spec has a
 * letter per phrase, in the query's order: 'N' / 'n' a plain term opening
 * a group / not, 'C' / 'c' a complement term, 'x' complement terms read
 * together (records to be checked). */
#define TXT_EXPAND 128

struct tq {
    char *fts, *spec, *prefix;   /* prefix: the token checked for 'x' */
    size_t flen, fcap, slen, scap;
    int oom;
};

static void tq_put(struct tq *q, const char *p, size_t n)
{
    if (vbuf_grow(&q->fts, &q->fcap, q->flen + n + 1) < 0) {
        q->oom = 1;
        return;
    }
    memcpy(q->fts + q->flen, p, n);
    q->flen += n;
    q->fts[q->flen] = '\0';
}

static void tq_quoted(struct tq *q, const char *pre, const char *t, size_t n, int star)
{
    tq_put(q, "\"", 1);
    tq_put(q, pre, strlen(pre));
    for (size_t i = 0; i < n; i++)
        tq_put(q, t[i] == '"' ? "\"\"" : t + i, t[i] == '"' ? 2 : 1);
    tq_put(q, star ? "\"*" : "\"", star ? 2 : 1);
}

static void tq_spec(struct tq *q, char c)
{
    if (vbuf_grow(&q->spec, &q->scap, q->slen + 2) < 0) {
        q->oom = 1;
        return;
    }
    q->spec[q->slen++] = c;
    q->spec[q->slen] = '\0';
}

static void tq_free(struct tq *q)
{
    free(q->fts);
    free(q->spec);
    free(q->prefix);
    memset(q, 0, sizeof *q);
}

/* The complement terms of rec_txt starting with TXT_COMP + t, as OR-ed
 * phrases; 'x' when there are more than TXT_EXPAND. */
static void expand_comp(sqlite3 *db, struct tq *q, const char *t, size_t n)
{
    sqlite3_stmt *st = NULL;
    char *lo = malloc(n + 3);
    if (!lo) {
        q->oom = 1;
        return;
    }
    lo[0] = TXT_COMP[0];
    memcpy(lo + 1, t, n);
    lo[n + 1] = (char)0xff;   /* above every continuation */
    int k = 0, rc = sqlite3_prepare_v2(db, "SELECT term FROM temp.ld_txt_vocab WHERE term >= ?1"
                                       " AND term < ?2 LIMIT ?3", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, lo, (int)n + 1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, lo, (int)n + 2, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, TXT_EXPAND + 1);
        while (sqlite3_step(st) == SQLITE_ROW)
            k++;
        sqlite3_reset(st);
    }
    if (rc != SQLITE_OK || k > TXT_EXPAND) {
        tq_put(q, " OR ", 4);
        tq_quoted(q, TXT_COMP, t, n, 1);
        tq_spec(q, 'x');
        free(q->prefix);
        q->prefix = strndup(t, n);
    } else {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *term = (const char *)sqlite3_column_text(st, 0);
            int tl = sqlite3_column_bytes(st, 0);
            tq_put(q, " OR ", 4);
            tq_quoted(q, "", term, (size_t)tl, 0);
            tq_spec(q, 'c');
        }
    }
    sqlite3_finalize(st);
    free(lo);
}

/* The runs listed in txt_runs holding phrase p (lower-cased); each handed to
 * fn (may be NULL). Returns how many (up to max + 1), or -1. */
static int snake_terms(sqlite3 *db, const char *p, int max,
                       void (*fn)(void *, const char *, int), void *ctx)
{
    sqlite3_stmt *st = NULL;
    int k = 0;
    if (sqlite3_prepare_v2(db, "SELECT run FROM txt_runs WHERE instr(run, ?1) > 0 LIMIT ?2", -1,
                           &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, p, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, max + 1);
    while (sqlite3_step(st) == SQLITE_ROW) {
        k++;
        if (fn && k <= max)
            fn(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_bytes(st, 0));
    }
    sqlite3_finalize(st);
    return k;
}

/* A run as two phrases: TXT_SNAKE + run, and its complement. */
static void snake_phrase(void *ctx, const char *run, int n)
{
    struct tq *q = ctx;
    int open = q->slen && q->fts[q->flen - 1] == '(';
    if (!open)
        tq_put(q, " OR ", 4);
    tq_quoted(q, TXT_SNAKE, run, (size_t)n, 0);
    tq_spec(q, open ? 'N' : 'n');
    tq_put(q, " OR ", 4);
    tq_quoted(q, TXT_COMP TXT_SNAKE, run, (size_t)n, 0);
    tq_spec(q, 'c');
}

char *txt_snake_expr(struct store *s, const char *expr, const char *phrase)
{
    size_t n = strlen(phrase);
    int us = 0, letter = 0;
    for (size_t i = 0; i < n; i++) {
        if (!txt_run_char((unsigned char)phrase[i]))
            return NULL;
        phrase[i] == '_' ? (us = 1) : (letter = 1);
    }
    char *p = malloc(n + 1), *out = NULL;
    if (!p || !us || !letter) {
        free(p);
        return NULL;
    }
    for (size_t i = 0; i <= n; i++)
        p[i] = (char)(phrase[i] == '_' || !phrase[i] ? phrase[i] : phrase[i] | 32);
    int k = snake_terms(s->db, p, TXT_EXPAND / 2, NULL, NULL);
    if (k >= 0 && k <= TXT_EXPAND && asprintf(&out, "%s \"%s%s\"", expr, TXT_SNAKE, p) < 0)
        out = NULL;
    free(p);
    return out;
}

/* 0, or -1 (out of memory, or an expression without a token). */
static int tq_build(sqlite3 *db, const char *expr, struct tq *q)
{
    memset(q, 0, sizeof *q);
    tq_put(q, "", 0);
    for (const char *c = expr; *c && !q->oom;) {
        if (*c != '"') {
            c++;
            continue;
        }
        char *tok = malloc(strlen(c) + 1);
        size_t k = 0;
        if (!tok)
            return -1;
        for (c++; *c && !(c[0] == '"' && c[1] != '"'); c++)
            tok[k++] = c[0] == '"' ? *c++ : *c;
        if (*c)
            c++;
        int star = *c == '*';
        tq_put(q, q->slen ? " AND (" : "(", q->slen ? 6 : 1);
        if (k > 1 && tok[0] == TXT_SNAKE[0]) {   /* a phrase inside runs (txt_snake_expr) */
            tok[k] = '\0';
            if (snake_terms(db, tok + 1, TXT_EXPAND / 2, snake_phrase, q) <= 0) {
                tq_quoted(q, "", TXT_SNAKE, 1, 0);   /* no such run: nothing matches */
                tq_spec(q, 'N');
            }
            tq_put(q, ")", 1);
            free(tok);
            continue;
        }
        tq_quoted(q, "", tok, k, star);
        tq_spec(q, 'N');
        if (star) {
            expand_comp(db, q, tok, k);
        } else {
            tq_put(q, " OR ", 4);
            tq_quoted(q, TXT_COMP, tok, k, 0);
            tq_spec(q, 'c');
        }
        tq_put(q, ")", 1);
        free(tok);
    }
    if (q->oom || !q->slen) {
        tq_free(q);
        return -1;
    }
    return 0;
}

/* The slots of the current document holding what the query asks (spec as
 * tq_build wrote it); *unsure set when an 'x' phrase added slots that
 * must be checked. */
static int rec_mask(const Fts5ExtensionApi *api, Fts5Context *fts, const char *spec,
                    uint64_t m[2], int *unsure)
{
    int np = api->xPhraseCount(fts);
    uint64_t g[2] = {0, 0};
    m[0] = m[1] = ~(uint64_t)0;
    *unsure = 0;
    for (int p = 0; p < np; p++) {
        char kind = spec && spec[p] ? spec[p] : 'N';
        if ((kind == 'N' || kind == 'C') && p) {   /* a new group */
            m[0] &= g[0];
            m[1] &= g[1];
            g[0] = g[1] = 0;
        }
        Fts5PhraseIter it;
        int col, off, any = 0;
        uint64_t pm[2] = {0, 0};
        int rc = api->xPhraseFirst(fts, p, &it, &col, &off);
        if (rc != SQLITE_OK)
            return rc;
        for (; col >= 0; api->xPhraseNext(fts, &it, &col, &off)) {
            any = 1;
            if (off >= 0 && off < TXT_SLOTS)
                pm[off >> 6] |= (uint64_t)1 << (off & 63);
        }
        if ((kind == 'c' || kind == 'C') && any)
            pm[0] = ~pm[0], pm[1] = ~pm[1];
        else if (kind == 'x' && any)
            pm[0] = pm[1] = ~(uint64_t)0, *unsure = 1;
        g[0] |= pm[0];
        g[1] |= pm[1];
    }
    m[0] &= g[0];
    m[1] &= g[1];
    if (np == 0)
        m[0] = m[1] = 0;
    return SQLITE_OK;
}

/* ld_recmask(rec_txt, spec): the mask (16 bytes) and the unsure flag. */
static void fn_recmask(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                       int argc, sqlite3_value **argv)
{
    unsigned char out[17];
    uint64_t m[2];
    int unsure;
    int rc = rec_mask(api, fts, argc > 0 ? (const char *)sqlite3_value_text(argv[0]) : NULL, m,
                      &unsure);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    memcpy(out, m, 16);
    out[16] = (unsigned char)unsure;
    sqlite3_result_blob(ctx, out, sizeof out, SQLITE_TRANSIENT);
}

/* The records of a query, document by document. */
struct txt_it {
    struct store *s;
    sqlite3_stmt *st;
    struct tq q;
    int64_t doc;
    uint64_t m[2];
};

static int has_prefix(void *ctx, int flags, const char *tok, int n, int start, int end)
{
    const char **want = ctx;
    size_t pl = strlen(want[0]);
    (void)flags, (void)start, (void)end;
    if ((size_t)n >= pl && memcmp(tok, want[0], pl) == 0) {
        want[1] = "";
        return SQLITE_DONE;
    }
    return SQLITE_OK;
}

/* Whether record id has a word starting with prefix (an 'x' slot). */
static int check_prefix(struct store *s, int64_t id, const char *prefix)
{
    struct exec_state *x = s->exec;
    struct blk_rec br;
    if (!x || !x->tokinst || blk_get(s, id, &br) < 0)
        return 1;   /* cannot tell: kept (the caller's row checks decide) */
    char *clean = malloc(br.rn + 1);
    const char *want[2] = {prefix, NULL};
    if (!clean)
        return 1;
    size_t n = fv_words_text(clean, br.raw, br.rn);
    x->tok.xTokenize(x->tokinst, want, FTS5_TOKENIZE_DOCUMENT, clean, (int)n, has_prefix);
    free(clean);
    if (!want[1] && br.cn) {   /* the cid token */
        char z[4096 + 1], tk[4096 + 8];
        size_t cn = br.cn < 4096 ? br.cn : 4096;
        memcpy(z, br.cid, cn);
        z[cn] = '\0';
        size_t tl = store_cid_token(z, tk);
        has_prefix(want, 0, tk + 1, (int)tl - 1, 0, 0);
    }
    return want[1] != NULL;
}

static int it_open(struct txt_it *it, struct store *s, const char *expr)
{
    memset(it, 0, sizeof *it);
    it->s = s;
    if (tq_build(s->db, expr, &it->q) < 0)
        return SQLITE_NOMEM;
    int rc = sqlite3_prepare_v2(s->db, "SELECT rowid, ld_recmask(rec_txt, ?2) FROM rec_txt"
                                " WHERE rec_txt MATCH ?1", -1, &it->st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(it->st, 1, it->q.fts, -1, SQLITE_STATIC);
    sqlite3_bind_text(it->st, 2, it->q.spec, -1, SQLITE_STATIC);
    return SQLITE_OK;
}

static void it_close(struct txt_it *it)
{
    sqlite3_finalize(it->st);
    tq_free(&it->q);
    memset(it, 0, sizeof *it);
}

/* The next document with records: SQLITE_ROW (doc, m set), SQLITE_DONE, or
 * an error. */
static int it_next(struct txt_it *it)
{
    for (;;) {
        int rc = sqlite3_step(it->st);
        if (rc != SQLITE_ROW)
            return rc;
        const unsigned char *b = sqlite3_column_blob(it->st, 1);
        if (!b || sqlite3_column_bytes(it->st, 1) != 17)
            continue;
        it->doc = sqlite3_column_int64(it->st, 0);
        memcpy(it->m, b, 16);
        for (int w = 0; b[16] && it->q.prefix && w < 2; w++)
            for (uint64_t v = it->m[w]; v; v &= v - 1) {
                int bit = __builtin_ctzll(v);
                if (!check_prefix(it->s, it->doc + 64 * w + bit, it->q.prefix))
                    it->m[w] &= ~((uint64_t)1 << bit);
            }
        if (it->m[0] || it->m[1])
            return SQLITE_ROW;
    }
}

/* ld_txt_count(expr): how many records hold every token of expr. */
static void fn_count(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct txt_it it;
    const char *expr = (const char *)sqlite3_value_text(argv[0]);
    (void)argc;
    if (!expr) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    int rc = it_open(&it, sqlite3_user_data(ctx), expr);
    int64_t n = 0;
    while (rc == SQLITE_OK && (rc = it_next(&it)) == SQLITE_ROW) {
        n += __builtin_popcountll(it.m[0]) + __builtin_popcountll(it.m[1]);
        rc = SQLITE_OK;
    }
    it_close(&it);
    if (rc != SQLITE_DONE && rc != SQLITE_OK)
        sqlite3_result_error_code(ctx, rc);
    else
        sqlite3_result_int64(ctx, n);
}

/* ld_txt(expr): an eponymous table of the matching records' ids. */
struct tvtab {
    sqlite3_vtab base;
    struct store *s;
};

struct tcur {
    sqlite3_vtab_cursor base;
    struct txt_it it;
    int64_t id;
    int eof, open;
};

static int tv_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **out, char **err)
{
    (void)argc, (void)argv, (void)err;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(id INTEGER, expr HIDDEN)");
    if (rc != SQLITE_OK)
        return rc;
    struct tvtab *v = sqlite3_malloc(sizeof *v);
    if (!v)
        return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->s = aux;
    *out = &v->base;
    return SQLITE_OK;
}

static int tv_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int tv_best(sqlite3_vtab *v, sqlite3_index_info *ii)
{
    (void)v;
    int have = -1;
    for (int i = 0; i < ii->nConstraint; i++)
        if (ii->aConstraint[i].iColumn == 1 && ii->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ &&
            ii->aConstraint[i].usable)
            have = i;
    if (have < 0) {
        ii->estimatedCost = 1e99;
        return SQLITE_OK;
    }
    ii->aConstraintUsage[have].argvIndex = 1;
    ii->aConstraintUsage[have].omit = 1;
    ii->idxNum = 1;
    ii->estimatedCost = 1000;
    ii->estimatedRows = 1000;
    if (ii->nOrderBy == 1 && ii->aOrderBy[0].iColumn == 0 && !ii->aOrderBy[0].desc)
        ii->orderByConsumed = 1;
    return SQLITE_OK;
}

static int tv_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    (void)v;
    struct tcur *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->eof = 1;
    *out = &c->base;
    return SQLITE_OK;
}

static int tv_close(sqlite3_vtab_cursor *cur)
{
    struct tcur *c = (struct tcur *)cur;
    if (c->open)
        it_close(&c->it);
    sqlite3_free(c);
    return SQLITE_OK;
}

/* The next record of the mask, else of the next document. */
static int tv_next(sqlite3_vtab_cursor *cur)
{
    struct tcur *c = (struct tcur *)cur;
    for (;;) {
        int w = c->it.m[0] ? 0 : c->it.m[1] ? 1 : -1;
        if (w >= 0) {
            int b = __builtin_ctzll(c->it.m[w]);
            c->it.m[w] &= c->it.m[w] - 1;
            c->id = c->it.doc + 64 * w + b;
            return SQLITE_OK;
        }
        int rc = c->open ? it_next(&c->it) : SQLITE_DONE;
        if (rc != SQLITE_ROW) {
            c->eof = 1;
            return rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
    }
}

static int tv_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxs, int argc,
                     sqlite3_value **argv)
{
    struct tcur *c = (struct tcur *)cur;
    struct tvtab *v = (struct tvtab *)cur->pVtab;
    (void)idxs;
    if (c->open)
        it_close(&c->it);
    c->open = 0;
    c->eof = 1;
    const char *expr = idx == 1 && argc >= 1 ? (const char *)sqlite3_value_text(argv[0]) : NULL;
    if (!expr)
        return SQLITE_OK;
    int rc = it_open(&c->it, v->s, expr);
    if (rc != SQLITE_OK) {
        it_close(&c->it);
        if (rc == SQLITE_NOMEM && !strchr(expr, '"'))
            return SQLITE_OK;   /* no token: nothing matches */
        sqlite3_free(v->base.zErrMsg);
        v->base.zErrMsg = sqlite3_mprintf("%s", sqlite3_errmsg(v->s->db));
        return rc;
    }
    c->open = 1;
    c->eof = 0;
    return tv_next(cur);
}

static int tv_eof(sqlite3_vtab_cursor *cur)
{
    return ((struct tcur *)cur)->eof;
}

static int tv_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i)
{
    struct tcur *c = (struct tcur *)cur;
    if (i == 0)
        sqlite3_result_int64(ctx, c->id);
    return SQLITE_OK;
}

static int tv_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out)
{
    *out = ((struct tcur *)cur)->id;
    return SQLITE_OK;
}

static const sqlite3_module txt_module = {
    .iVersion = 0, .xCreate = NULL, .xConnect = tv_connect, .xBestIndex = tv_best,
    .xDisconnect = tv_disconnect, .xDestroy = tv_disconnect, .xOpen = tv_open,
    .xClose = tv_close, .xFilter = tv_filter, .xNext = tv_next, .xEof = tv_eof,
    .xColumn = tv_column, .xRowid = tv_rowid,
};

int txt_register(struct store *s, struct err *e)
{
    sqlite3 *db = s->db;
    fts5_api *api = store_fts5_api(db);
    fts5_tokenizer tk;
    txt_tok_module(&tk);
    if (!api)
        return err_set(e, "SQLite was built without FTS5, which the store needs");
    if (api->xCreateTokenizer(api, "ldrec", api, &tk, NULL) != SQLITE_OK ||
        api->xCreateFunction(api, "ld_recmask", NULL, fn_recmask, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "ld_txt_count", 1, SQLITE_UTF8, s, fn_count, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_create_module(db, "ld_txt", &txt_module, s) != SQLITE_OK)
        return err_set(e, "registering the text index: %s", sqlite3_errmsg(db));
    /* the vocabulary, for prefixes (a reader's connection is query_only:
     * lifted for this statement, which writes only the temp schema) */
    int ro = s->mode != STORE_WRITE;
    if (ro)
        sqlite3_exec(db, "PRAGMA query_only=0", NULL, NULL, NULL);
    sqlite3_exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.ld_txt_vocab USING"
                 " fts5vocab(main, rec_txt, row)", NULL, NULL, NULL);
    if (ro)
        sqlite3_exec(db, "PRAGMA query_only=1", NULL, NULL, NULL);
    return 0;
}
