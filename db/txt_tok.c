/* txt_tok: the tokenizer of the text index's documents (ldrec, txt.h),
 * registered on every connection by txt_register, and the writer's copy
 * of it (txt_tok_new, txt_doc_prepare) that turns a block's slots into
 * the very tokens ldrec would emit for them on the parsing thread, so that
 * the store thread's INSERT only replays them. */
#include "db/txt.h"
#include "db/fv.h"
#include "src/base/vbuf.h"

#include <stdlib.h>
#include <string.h>

/* --- the tokenizer ---------------------------------------------------------- */

/* A term of the document being read: its bytes in the arena, the slots
 * holding it. A term held by more than half of a full chunk's records is
 * written as a complement: TXT_COMP + term at the slots that do NOT hold
 * it, and once more at position TXT_SLOTS (so that its list is never
 * empty). A word in every record of a block (a JSON key, the date) then
 * costs a few bytes per block instead of one per record (txt.h). */
struct term {
    uint32_t off, len;     /* comp: TXT_COMP + term at coff, len + 1 bytes */
    uint32_t hash, last;   /* last: the last slot holding it, + 1 */
    uint32_t n, coff;
    int comp;
    uint64_t m[2];
};

struct ldtok {
    fts5_tokenizer u;      /* unicode61, which splits the words */
    Fts5Tokenizer *ui;
    char *clean, *arena;   /* a slot's text without escapes; the terms */
    size_t ccap, alen, acap;
    char *low;             /* an ASCII slot's text folded (ascii_words) */
    size_t lcap;
    struct term *tm;
    size_t ntm, captm;
    uint32_t *ht;          /* open addressing: term index + 1 */
    size_t htcap;
    uint32_t *ent;         /* the terms of each slot, slot after slot */
    size_t nent, capent;
    uint32_t *comps;       /* the complement terms */
    size_t ncomp, capcomp;
    int slot;              /* the slot being read */
    int cid_words;         /* a cid as its words ('ldrec cidwords'), else one token */
    uint32_t start[TXT_SLOTS + 1];
};

static uint32_t hash_of(const char *p, int n)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

static int arena_put(struct ldtok *t, const char *p, size_t n, uint32_t *off)
{
    if (vbuf_grow(&t->arena, &t->acap, t->alen + n) < 0)
        return -1;
    memcpy(t->arena + t->alen, p, n);
    *off = (uint32_t)t->alen;
    t->alen += n;
    return 0;
}

static int rehash(struct ldtok *t)
{
    size_t cap = t->htcap ? t->htcap * 2 : 4096;
    uint32_t *ht = calloc(cap, sizeof *ht);
    if (!ht)
        return -1;
    for (size_t i = 0; i < t->ntm; i++) {
        size_t k = t->tm[i].hash & (cap - 1);
        while (ht[k])
            k = (k + 1) & (cap - 1);
        ht[k] = (uint32_t)i + 1;
    }
    free(t->ht);
    t->ht = ht;
    t->htcap = cap;
    return 0;
}

/* The slot of the hash table holding term tok of hash h, or the empty
 * slot where it would go (t->htcap > 0). */
static size_t term_find(const struct ldtok *t, const char *tok, int n, uint32_t h)
{
    size_t k = h & (t->htcap - 1);
    for (; t->ht[k]; k = (k + 1) & (t->htcap - 1)) {
        const struct term *m = &t->tm[t->ht[k] - 1];
        if (m->hash == h && m->len == (uint32_t)n && memcmp(t->arena + m->off, tok, (size_t)n) == 0)
            break;
    }
    return k;
}

/* The index of term tok of hash h (hash_of; added when new). */
static int term_of(struct ldtok *t, const char *tok, int n, uint32_t h, uint32_t *out)
{
    if ((t->ntm + 1) * 2 > t->htcap && rehash(t) < 0)
        return -1;
    size_t k = term_find(t, tok, n, h);
    if (t->ht[k]) {
        *out = t->ht[k] - 1;
        return 0;
    }
    if (vbuf_more((void **)&t->tm, &t->captm, t->ntm, sizeof *t->tm) < 0)
        return -1;
    struct term *m = &t->tm[t->ntm];
    memset(m, 0, sizeof *m);
    if (arena_put(t, tok, (size_t)n, &m->off) < 0)
        return -1;
    m->len = (uint32_t)n;
    m->hash = h;
    t->ht[k] = (uint32_t)++t->ntm;
    *out = t->ht[k] - 1;
    return 0;
}

/* What ascii_words hands each word (ctx, the word folded, its hash_of). */
typedef int word_fn(void *ctx, const char *tok, int n, uint32_t h);

/* Notes that the slot being read holds word tok (of hash h); ctx: the
 * tokenizer. */
static int collect_h(void *ctx, const char *tok, int n, uint32_t h)
{
    struct ldtok *t = ctx;
    uint32_t id;
    if (term_of(t, tok, n, h, &id) < 0)
        return SQLITE_NOMEM;
    struct term *m = &t->tm[id];
    if (m->last == (uint32_t)t->slot + 1)   /* once per record */
        return SQLITE_OK;
    m->last = (uint32_t)t->slot + 1;
    m->n++;
    m->m[t->slot >> 6] |= (uint64_t)1 << (t->slot & 63);
    if (vbuf_more((void **)&t->ent, &t->capent, t->nent, sizeof *t->ent) < 0)
        return SQLITE_NOMEM;
    t->ent[t->nent++] = id;
    return SQLITE_OK;
}

static int collect(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    (void)tflags, (void)start, (void)end;
    return n <= 0 ? SQLITE_OK : collect_h(ctx, tok, n, hash_of(tok, n));
}

typedef int token_fn(void *, int, const char *, int, int, int);

/* What unicode61 (remove_diacritics 1, categories "L* N* Co") makes of an
 * ASCII byte: the letters and digits are word characters, upper case
 * folded; every other byte (NUL included) separates. */
#define F2(c, d) [c] = (d), [(c) + 1] = (d) + 1
#define F6(c, d) F2(c, d), F2((c) + 2, (d) + 2), F2((c) + 4, (d) + 4)
#define F26(c, d) F6(c, d), F6((c) + 6, (d) + 6), F6((c) + 12, (d) + 12), \
                  F6((c) + 18, (d) + 18), F2((c) + 24, (d) + 24)
static const unsigned char ascii_fold[256] = {
    F6('0', '0'), F2('6', '6'), F2('8', '8'), F26('A', 'a'), F26('a', 'a'),
};
#undef F26
#undef F6
#undef F2

static int all_ascii(const char *p, size_t n)
{
    uint64_t acc = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= (unsigned char)p[i];
    return (acc & 0x8080808080808080ull) == 0;
}

/* The words of an ASCII text, as unicode61 splits and folds them (test_txttok
 * compares the two), without its per-character tables: folded into t->low
 * and hashed in the same pass, each handed to fn(ctx, ...). */
static int ascii_words(struct ldtok *t, const char *s, size_t n, word_fn *fn, void *ctx)
{
    if (vbuf_grow(&t->low, &t->lcap, n + 1) < 0)
        return SQLITE_NOMEM;
    const unsigned char *u = (const unsigned char *)s;
    char *o = t->low;
    for (size_t i = 0; i < n;) {
        while (i < n && !ascii_fold[u[i]])
            i++;
        if (i == n)
            break;
        size_t start = i;
        uint32_t h = 2166136261u;
        for (unsigned char c; i < n && (c = ascii_fold[u[i]]) != 0; i++) {
            o[i] = (char)c;
            h = (h ^ c) * 16777619u;
        }
        int rc = fn(ctx, o + start, (int)(i - start), h);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}


/* The runs of ASCII letters and '_' holding a '_' and a letter, lower-cased,
 * as TXT_SNAKE + run: a phrase made of such characters occurs in a text
 * only inside one of its runs, so it is answered from the vocabulary
 * (txt_snake_expr) without reading any text. Found from each '_'. */
static int snake_runs(struct ldtok *t, const char *s, size_t n)
{
    char buf[256];
    const char *end = s + n, *u = s;
    while ((u = memchr(u, '_', (size_t)(end - u))) != NULL) {
        const char *a = u, *b = u + 1;
        while (a > s && txt_run_char((unsigned char)a[-1]))
            a--;
        while (b < end && txt_run_char((unsigned char)*b))
            b++;
        size_t len = (size_t)(b - a) + 1;
        int letter = 0;
        for (const char *k = a; k < b && !letter; k++)
            letter = *k != '_';
        u = b;
        if (!letter)
            continue;
        char *w = len <= sizeof buf ? buf : malloc(len);
        if (!w)
            return SQLITE_NOMEM;
        w[0] = TXT_SNAKE[0];
        for (size_t k = 0; k + 1 < len; k++)
            w[k + 1] = (char)(a[k] == '_' ? '_' : a[k] | 32);
        int rc = collect(t, 0, w, (int)len, 0, 0);
        if (w != buf)
            free(w);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

/* Whether text holds ESC or its JSON spelling "\u001" (fv_words_text's
 * cue); from each backslash, which JSON lines seldom hold. */
static int has_escape(const char *text, size_t n)
{
    if (memchr(text, 0x1b, n))
        return 1;
    for (const char *p = text, *end = text + n;
         (p = memchr(p, '\\', (size_t)(end - p))) != NULL; p++)
        if (end - p >= 5 && memcmp(p + 1, "u001", 4) == 0)
            return 1;
    return 0;
}

/* The words of a text (terminal escapes as spaces, fv_words_text, when it
 * has any) for the slot being read. */
static int text_words(struct ldtok *t, const char *s, size_t n)
{
    if (has_escape(s, n)) {
        if (vbuf_grow(&t->clean, &t->ccap, n + 1) < 0)
            return SQLITE_NOMEM;
        n = fv_words_text(t->clean, s, n);
        s = t->clean;
    }
    return all_ascii(s, n) ? ascii_words(t, s, n, collect_h, t)
           : t->u.xTokenize(t->ui, t, FTS5_TOKENIZE_DOCUMENT, s, (int)n, collect);
}

/* Whether every word handed to in_slot / in_slot_tok is a word of the
 * slot being read ('have' cleared by the first that is not). */
struct cid_check {
    struct ldtok *t;
    int have;
};

static int in_slot(void *ctx, const char *tok, int n, uint32_t h)
{
    struct cid_check *c = ctx;
    const struct ldtok *t = c->t;
    if (c->have && t->htcap) {
        size_t k = term_find(t, tok, n, h);
        c->have = t->ht[k] && t->tm[t->ht[k] - 1].last == (uint32_t)t->slot + 1;
    } else {
        c->have = 0;
    }
    return SQLITE_OK;
}

static int in_slot_tok(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    (void)tflags, (void)start, (void)end;
    return n <= 0 ? SQLITE_OK : in_slot(ctx, tok, n, hash_of(tok, n));
}

/* 1 when every word of the cid is a word of the slot's raw text (nearly
 * always: the cid was read from it), so that its words find it. Split as
 * the text was (after it: t->low is free again). */
static int cid_in_slot(struct ldtok *t, const char *cid, size_t cn)
{
    struct cid_check c = {t, 1};
    if (has_escape(cid, cn))
        return 0;
    int rc = all_ascii(cid, cn) ? ascii_words(t, cid, cn, in_slot, &c)
             : t->u.xTokenize(t->ui, &c, FTS5_TOKENIZE_DOCUMENT, cid, (int)cn, in_slot_tok);
    return rc == SQLITE_OK && c.have;
}

/* The words of one slot: its raw text's; a token for its cid ("cid" +
 * its letters and digits) unless the index is 'cidwords' and the cid's
 * words are all words of the raw text (a cid_regex that cut it out of a
 * longer word, a JSON escape inside it: the token); the runs. */
static int slot_words(struct ldtok *t, const char *raw, size_t rn, const char *cid, size_t cn,
                      const char *msg, size_t mn)
{
    t->start[t->slot] = (uint32_t)t->nent;
    int rc = rn ? text_words(t, raw, rn) : SQLITE_OK;
    if (rc != SQLITE_OK)
        return rc;
    if (cn && cn <= 4096 && !(t->cid_words && cid_in_slot(t, cid, cn))) {
        char z[4096 + 1], tk[4096 + 8];
        memcpy(z, cid, cn);
        z[cn] = '\0';
        size_t tl = store_cid_token(z, tk);
        if (tl > 1 && collect(t, 0, tk + 1, (int)tl - 1, 0, 0) != SQLITE_OK)
            return SQLITE_NOMEM;
    }
    rc = snake_runs(t, raw, rn);
    return rc == SQLITE_OK ? snake_runs(t, msg, mn) : rc;
}

/* The complement terms of a full chunk. */
static int pick_comps(struct ldtok *t, int nslots)
{
    t->ncomp = 0;
    for (size_t i = 0; nslots == TXT_SLOTS && i < t->ntm; i++) {
        struct term *m = &t->tm[i];
        if (m->n <= TXT_SLOTS / 2)
            continue;
        if (vbuf_more((void **)&t->comps, &t->capcomp, t->ncomp, sizeof *t->comps) < 0 ||
            vbuf_grow(&t->arena, &t->acap, t->alen + m->len + 1) < 0)
            return SQLITE_NOMEM;
        m->comp = 1;
        m->coff = (uint32_t)t->alen;
        t->arena[t->alen] = TXT_COMP[0];
        memcpy(t->arena + t->alen + 1, t->arena + m->off, m->len);
        t->alen += m->len + 1;
        t->comps[t->ncomp++] = (uint32_t)i;
    }
    return SQLITE_OK;
}

/* Emits the words in position order: slot p at position p (its first word
 * new, the others colocated; TXT_FILLER when it has none), then the
 * complement terms at position TXT_SLOTS. */
static int emit_block(struct ldtok *t, void *ctx, int nslots, token_fn *emit)
{
    int rc = SQLITE_OK;
    t->start[nslots] = (uint32_t)t->nent;
    for (int p = 0; p < nslots && rc == SQLITE_OK; p++) {
        int first = 1;
        for (uint32_t k = t->start[p]; k < t->start[p + 1] && rc == SQLITE_OK; k++) {
            const struct term *m = &t->tm[t->ent[k]];
            if (m->comp)
                continue;
            rc = emit(ctx, first ? 0 : FTS5_TOKEN_COLOCATED, t->arena + m->off, (int)m->len, 0, 0);
            first = 0;
        }
        for (size_t c = 0; c < t->ncomp && rc == SQLITE_OK; c++) {
            const struct term *m = &t->tm[t->comps[c]];
            if (m->m[p >> 6] & ((uint64_t)1 << (p & 63)))
                continue;
            rc = emit(ctx, first ? 0 : FTS5_TOKEN_COLOCATED, t->arena + m->coff, (int)m->len + 1,
                      0, 0);
            first = 0;
        }
        if (first && rc == SQLITE_OK)
            rc = emit(ctx, 0, TXT_FILLER, 1, 0, 0);
    }
    for (size_t c = 0; c < t->ncomp && rc == SQLITE_OK; c++) {
        const struct term *m = &t->tm[t->comps[c]];
        rc = emit(ctx, c ? FTS5_TOKEN_COLOCATED : 0, t->arena + m->coff, (int)m->len + 1, 0, 0);
    }
    return rc;
}

/* The tokens of a document of slots (txt_doc_add), handed to emit. */
static int doc_tokens(struct ldtok *t, const char *text, size_t n, void *ctx, token_fn *emit)
{
    const unsigned char *c = (const unsigned char *)text, *end = c + n;
    int rc = SQLITE_OK, nslots = 0;
    t->nent = t->alen = t->ntm = 0;
    if (t->ht)
        memset(t->ht, 0, t->htcap * sizeof *t->ht);
    while (c < end && rc == SQLITE_OK && nslots < TXT_SLOTS) {
        uint64_t rn, cn;
        if (varint_get(&c, end, &rn) < 0 || rn > (uint64_t)(end - c))
            return SQLITE_CORRUPT;
        const char *raw = (const char *)c;
        c += rn;
        if (varint_get(&c, end, &cn) < 0 || cn > (uint64_t)(end - c))
            return SQLITE_CORRUPT;
        const char *cid = (const char *)c;
        c += cn;
        uint64_t mn;
        if (varint_get(&c, end, &mn) < 0 || mn > (uint64_t)(end - c))
            return SQLITE_CORRUPT;
        t->slot = nslots++;
        rc = slot_words(t, raw, (size_t)rn, cid, (size_t)cn, (const char *)c, (size_t)mn);
        c += mn;
    }
    if (rc == SQLITE_OK)
        rc = pick_comps(t, nslots);
    return rc == SQLITE_OK ? emit_block(t, ctx, nslots, emit) : rc;
}

/* A prepared document (txt_doc_prepare): TXT_PREP, then per token a varint
 * (length << 1 | 1 when colocated with the previous one) and its bytes.
 * TXT_PREP read as the varint that opens a document of slots is a raw
 * length of 2^41 and more, longer than any document: no document of slots
 * starts with it. */
#define TXT_PREP "\xff\xff\xff\xff\xff\x7f"
#define TXT_PREP_LEN 6

static int replay(const char *text, size_t n, void *ctx, token_fn *emit)
{
    const unsigned char *c = (const unsigned char *)text + TXT_PREP_LEN, *end =
        (const unsigned char *)text + n;
    int rc = SQLITE_OK;
    while (c < end && rc == SQLITE_OK) {
        uint64_t v;
        if (varint_get(&c, end, &v) < 0 || (v >> 1) > (uint64_t)(end - c) || v >> 1 == 0)
            return SQLITE_CORRUPT;
        rc = emit(ctx, v & 1 ? FTS5_TOKEN_COLOCATED : 0, (const char *)c, (int)(v >> 1), 0, 0);
        c += v >> 1;
    }
    return rc;
}

static int ldtok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                          token_fn *emit)
{
    struct ldtok *t = (struct ldtok *)p;
    if (!(flags & FTS5_TOKENIZE_DOCUMENT)) {
        /* a query: words as unicode61 splits them; a complement term
         * (written by tq_build, already folded) as it is */
        if (n >= 1 && (text[0] == TXT_COMP[0] || text[0] == TXT_SNAKE[0]))
            return emit(ctx, 0, text, n, 0, n);
        return t->u.xTokenize(t->ui, ctx, flags, text, n, emit);
    }
    size_t len = n > 0 ? (size_t)n : 0;
    if (len >= TXT_PREP_LEN && memcmp(text, TXT_PREP, TXT_PREP_LEN) == 0)
        return replay(text, len, ctx, emit);
    return doc_tokens(t, text, len, ctx, emit);
}

static int ldtok_create(void *ud, const char **argv, int argc, Fts5Tokenizer **out)
{
    fts5_api *api = ud;
    void *uud = NULL;
    struct ldtok *t = calloc(1, sizeof *t);
    *out = NULL;
    if (!t)
        return SQLITE_NOMEM;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "cidwords") == 0)
            t->cid_words = 1;
    int rc = api->xFindTokenizer(api, "unicode61", &uud, &t->u);
    if (rc == SQLITE_OK)
        rc = t->u.xCreate(uud, NULL, 0, &t->ui);
    if (rc != SQLITE_OK) {
        free(t);
        return rc;
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void ldtok_delete(Fts5Tokenizer *p)
{
    struct ldtok *t = (struct ldtok *)p;
    if (!t)
        return;
    t->u.xDelete(t->ui);
    free(t->clean);
    free(t->low);
    free(t->arena);
    free(t->tm);
    free(t->ht);
    free(t->ent);
    free(t->comps);
    free(t);
}


void txt_tok_module(fts5_tokenizer *out)
{
    fts5_tokenizer tk = {ldtok_create, ldtok_delete, ldtok_tokenize};
    *out = tk;
}

/* --- the writer's copy ------------------------------------------------------ */

struct txt_tok *txt_tok_new(sqlite3 *db, int cid_words)
{
    fts5_api *api = store_fts5_api(db);
    Fts5Tokenizer *t = NULL;
    const char *arg[1] = {"cidwords"};
    if (!api || ldtok_create(api, arg, cid_words ? 1 : 0, &t) != SQLITE_OK)
        return NULL;
    return (struct txt_tok *)t;
}

void txt_tok_free(struct txt_tok *t)
{
    ldtok_delete((Fts5Tokenizer *)t);
}

int txt_tok_runs(struct txt_tok *tok, struct store *s)
{
    const struct ldtok *t = (const struct ldtok *)tok;
    for (size_t i = 0; i < t->ntm; i++) {
        const struct term *m = &t->tm[i];
        if (m->len > 1 && t->arena[m->off] == TXT_SNAKE[0] &&
            txt_note_run(s, t->arena + m->off + 1, m->len - 1) < 0)
            return -1;
    }
    return 0;
}

static int prep_emit(void *ctx, int flags, const char *tok, int n, int start, int end)
{
    struct txt_doc *d = ctx;
    (void)start, (void)end;
    if (n <= 0)   /* never made by doc_tokens; replay() could not write it */
        return SQLITE_MISUSE;
    if (vbuf_grow(&d->s, &d->cap, d->len + (size_t)n + 10) < 0)
        return SQLITE_NOMEM;
    unsigned char *o = (unsigned char *)d->s + d->len;
    o += varint_put(o, (uint64_t)n << 1 | (flags & FTS5_TOKEN_COLOCATED ? 1 : 0));
    memcpy(o, tok, (size_t)n);
    d->len = (size_t)((char *)o - d->s) + (size_t)n;
    return SQLITE_OK;
}

int txt_doc_prepare(struct txt_tok *tok, const struct txt_doc *in, struct txt_doc *out)
{
    out->len = 0;
    out->slots = in->slots;
    if (vbuf_grow(&out->s, &out->cap, in->len + TXT_PREP_LEN) < 0)
        return -1;
    memcpy(out->s, TXT_PREP, TXT_PREP_LEN);
    out->len = TXT_PREP_LEN;
    return doc_tokens((struct ldtok *)tok, in->s, in->len, out, prep_emit) == SQLITE_OK ? 0 : -1;
}
