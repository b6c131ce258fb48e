/* exec_fn: SQL functions registered on every store connection, used by the
 * SQL that db/exec_sql.c generates. All are tolerant: malformed JSON or odd
 * types yield NULL, never an SQL error.
 *   ld_field(fmt, raw, fields, path, flags, id)  structured field by dotted path:
 *       TEXT (strings, 'true'/'false', objects/arrays as JSON), INTEGER or
 *       REAL (numbers), NULL (absent or null). FMT_JSON records are read from
 *       raw, the others from the fields column. Resolves nested objects
 *       {"process":{"id":1}} and dotted literal keys {"log.level":..}.
 *   ld_fieldnum(fmt, raw, fields, path, flags, id)  the same as a REAL, numeric strings
 *       converted; NULL when not a number.
 *   ld_elem(fmt, raw, fields, path, flags, id, mode, v...)  1 if a value at
 *       path, an array's elements included, matches one of v (exec_elem.c).
 *   ld_contains(text, needle)            1 if needle occurs in text, ASCII
 *       case-insensitively (the exact check behind phrases).
 *   ld_basename(path)                    the part after the last '/'.
 *   ld_words(fmt, raw, flags, cid, expr, id) 1 if the FTS body of the row (the
 *       record's words and the cid token, see fv.c) holds every token of
 *       expr, an FTS5 query as exec_fts_expr() writes it ("a" "b"*),
 *       tokenized like rec_fts.
 *   ld_text(raw, flags, id)              the raw text, decoded.
 *   ld_msg(msg, flags, id)               the message.
 *   ld_cid(cid, flags, id)               the cid (NULL: none).
 * raw is stored compressed when flags say so: in a block of records (v5,
 * blk.h: raw and msg are NULL, id finds the block) or alone (v4, zraw.h);
 * the functions decode it. */
#include "db/exec_int.h"
#include "db/fv.h"
#include "db/blk.h"
#include "src/base/plan.h"
#include "src/base/flat.h"
#include "src/base/jsonraw.h"
#include "src/base/record.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <regex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *copy_out(struct zbuf *slot, const char *t, size_t n, size_t *outlen)
{
    if (n + 1 > slot->cap) {
        char *nb = realloc(slot->s, n + 1);
        if (!nb)
            return NULL;
        slot->s = nb;
        slot->cap = n + 1;
    }
    if (n)
        memcpy(slot->s, t, n);
    slot->s[n] = '\0';
    *outlen = n;
    return slot->s;
}

const char *exec_raw(struct exec_state *x, const void *blob, size_t len, int flags, int64_t id,
                     struct zbuf *slot, size_t *outlen)
{
    struct blk_rec br;
    *outlen = len;
    if (ZRAW_ID(flags) == BLK_ZID)
        return x && blk_get(x->s, id, &br) == 0 ? copy_out(slot, br.raw, br.rn, outlen) : NULL;
    if (!ZRAW_ID(flags))
        return blob ? blob : "";
    return x ? zraw_unpack(x->s, ZRAW_ID(flags), blob, len, slot, outlen) : NULL;
}

const char *exec_msg(struct exec_state *x, int flags, int64_t id, struct zbuf *slot,
                     size_t *outlen)
{
    struct blk_rec br;
    if (ZRAW_ID(flags) != BLK_ZID || !x || blk_get(x->s, id, &br) < 0)
        return NULL;
    return copy_out(slot, br.msg, br.mn, outlen);
}

const char *exec_cid(struct exec_state *x, int flags, int64_t id, struct zbuf *slot,
                     size_t *outlen)
{
    struct blk_rec br;
    if (!(flags & BLK_HAS_CID) || !x || blk_get(x->s, id, &br) < 0)
        return NULL;
    return copy_out(slot, br.cid, br.cn, outlen);
}

/* The last parsed document, so that several ld_field calls on one row
 * (a filter and a group key, say) parse it once. */
struct json_cache {
    struct exec_state *x;
    char *buf;
    size_t len, cap;
    cJSON *root;
    int valid;
};

static void cache_free(void *p)
{
    struct json_cache *c = p;
    if (!c)
        return;
    cJSON_Delete(c->root);
    free(c->buf);
    free(c);
}

static const cJSON *cache_parse(struct json_cache *c, const char *txt, size_t n)
{
    if (c->valid && c->len == n && memcmp(c->buf, txt, n) == 0)
        return c->root;
    cJSON_Delete(c->root);
    c->root = NULL;
    c->valid = 0;
    if (n + 1 > c->cap) {
        char *nb = realloc(c->buf, n + 1);
        if (!nb)
            return NULL;   /* out of memory: treat as absent */
        c->buf = nb;
        c->cap = n + 1;
    }
    memcpy(c->buf, txt, n);
    c->buf[n] = '\0';
    c->len = n;
    c->root = jsonraw_parse(txt, n, NULL);
    c->valid = 1;
    return c->root;
}

static int key_is(const cJSON *item, const char *k, size_t n)
{
    return item->string && strlen(item->string) == n && memcmp(item->string, k, n) == 0;
}

/* The exact key first, then each split at a '.' into object + rest. */
static const cJSON *resolve(const cJSON *obj, const char *path, size_t n, int depth)
{
    if (!cJSON_IsObject(obj) || depth > 32)
        return NULL;
    for (const cJSON *c = obj->child; c; c = c->next)
        if (key_is(c, path, n))
            return c;
    for (size_t i = 1; i < n; i++) {
        if (path[i] != '.')
            continue;
        for (const cJSON *c = obj->child; c; c = c->next) {
            if (!key_is(c, path, i) || !cJSON_IsObject(c))
                continue;
            const cJSON *r = resolve(c, path + i + 1, n - i - 1, depth + 1);
            if (r)
                return r;
        }
    }
    return NULL;
}

/* The parsed record of (fmt, raw, fields, path, flags, id), or NULL. */
static const cJSON *root_of(sqlite3_context *ctx, sqlite3_value **argv)
{
    struct json_cache *c = sqlite3_user_data(ctx);
    int fmt = sqlite3_value_int(argv[0]);
    sqlite3_value *src = fmt == FMT_JSON ? argv[1] : argv[2];
    const char *path = (const char *)sqlite3_value_text(argv[3]);
    int flags = sqlite3_value_int(argv[4]);
    if ((sqlite3_value_type(src) == SQLITE_NULL && !(fmt == FMT_JSON && ZRAW_ID(flags) == BLK_ZID)) ||
        !path)
        return NULL;
    const char *txt = sqlite3_value_blob(src);
    size_t n = (size_t)sqlite3_value_bytes(src);
    if (fmt == FMT_JSON)
        txt = exec_raw(c->x, txt, n, flags, sqlite3_value_int64(argv[5]), &c->x->fnbuf, &n);
    if (!txt || n == 0)
        return NULL;
    return cache_parse(c, txt, n);
}

static const cJSON *field_of(sqlite3_context *ctx, sqlite3_value **argv)
{
    const cJSON *root = root_of(ctx, argv);
    const char *path = (const char *)sqlite3_value_text(argv[3]);
    return root && path ? resolve(root, path, strlen(path), 0) : NULL;
}

/* ld_elem(fmt, raw, fields, path, flags, id, mode, v...): exec_elem_any(). */
static void fn_elem(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc < 8) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    const cJSON *root = root_of(ctx, argv);
    sqlite3_result_int(ctx, exec_elem_any(root, (const char *)sqlite3_value_text(argv[3]),
                                          sqlite3_value_int(argv[6]), argv + 7, argc - 7));
}

/* ld_fieldmay(fmt, raw, fields, flags, id, value): 0 when no field of the
 * record can equal the string value, 1 when one may. A JSON text without
 * a backslash spells each of its strings (and array elements) as it is, so
 * a value it does not hold anywhere is not one of its fields; with a
 * backslash anywhere, anything may. Spares the parse (~18k instructions a
 * record) to the rows of a walk that cannot match. Values that read as
 * numbers are not for it (1234.0 spelt 1.234e3): exec_sql.c does not ask. */
static void fn_fieldmay(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct exec_state *x = sqlite3_user_data(ctx);
    int fmt = sqlite3_value_int(argv[0]), flags = sqlite3_value_int(argv[3]);
    sqlite3_value *src = fmt == FMT_JSON ? argv[1] : argv[2];
    const char *v = (const char *)sqlite3_value_text(argv[5]);
    size_t vn = (size_t)sqlite3_value_bytes(argv[5]), n = (size_t)sqlite3_value_bytes(src);
    const char *txt = sqlite3_value_blob(src);
    if (fmt == FMT_JSON && (txt || ZRAW_ID(flags) == BLK_ZID))
        txt = exec_raw(x, txt, n, flags, sqlite3_value_int64(argv[4]), &x->fnbuf, &n);
    if (!txt || !v) {   /* nothing to read a field from: ld_field's NULL */
        sqlite3_result_int(ctx, !v);
        return;
    }
    sqlite3_result_int(ctx, memchr(txt, '\\', n) || memmem(txt, n, v, vn));
}

static void fn_field(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const cJSON *v = field_of(ctx, argv);
    if (!v || cJSON_IsNull(v)) {
        sqlite3_result_null(ctx);
    } else if (cJSON_IsString(v)) {
        sqlite3_result_text(ctx, v->valuestring, -1, SQLITE_TRANSIENT);
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            sqlite3_result_int64(ctx, (sqlite3_int64)d);
        else
            sqlite3_result_double(ctx, d);
    } else if (cJSON_IsBool(v)) {
        sqlite3_result_text(ctx, cJSON_IsTrue(v) ? "true" : "false", -1, SQLITE_STATIC);
    } else {
        char *txt = cJSON_PrintUnformatted(v);
        if (txt)
            sqlite3_result_text(ctx, txt, -1, cJSON_free);
        else
            sqlite3_result_null(ctx);
    }
}

static void fn_fieldnum(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const cJSON *v = field_of(ctx, argv);
    double d;
    if (v && cJSON_IsNumber(v))
        sqlite3_result_double(ctx, v->valuedouble);
    else if (v && cJSON_IsString(v) && exec_text_number(v->valuestring, &d) == 0)
        sqlite3_result_double(ctx, d);
    else
        sqlite3_result_null(ctx);
}

static void fn_contains(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *h = sqlite3_value_text(argv[0]);
    int hn = sqlite3_value_bytes(argv[0]);
    const unsigned char *nd = sqlite3_value_text(argv[1]);
    int nn = sqlite3_value_bytes(argv[1]);
    if (!h || !nd) {
        sqlite3_result_null(ctx);
        return;
    }
    int f0 = nn ? tolower(nd[0]) : 0;
    for (int i = 0; i + nn <= hn; i++) {
        if (nn && tolower(h[i]) != f0)
            continue;
        int k = 1;
        while (k < nn && tolower(h[i + k]) == tolower(nd[k]))
            k++;
        if (k >= nn) {
            sqlite3_result_int(ctx, 1);
            return;
        }
    }
    sqlite3_result_int(ctx, 0);
}

/* ld_text(raw, flags, id): the record's raw text, decoded. */
static void fn_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct exec_state *x = sqlite3_user_data(ctx);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    const char *t = exec_raw(x, sqlite3_value_blob(argv[0]), n, sqlite3_value_int(argv[1]),
                             sqlite3_value_int64(argv[2]), &x->fnbuf, &n);
    if (t)
        sqlite3_result_text(ctx, t, (int)n, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
}

/* ld_msg(msg, flags, id) and ld_cid(cid, flags, id): the record's message
 * or cid, from its column or, where the column is NULL, its block. */
typedef const char *block_text_fn(struct exec_state *x, int flags, int64_t id,
                                  struct zbuf *slot, size_t *len);

static void column_or_block(sqlite3_context *ctx, sqlite3_value **argv, block_text_fn *get)
{
    struct exec_state *x = sqlite3_user_data(ctx);
    if (sqlite3_value_type(argv[0]) != SQLITE_NULL) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    size_t n = 0;
    const char *t = get(x, sqlite3_value_int(argv[1]), sqlite3_value_int64(argv[2]),
                        &x->fnbuf, &n);
    if (t)
        sqlite3_result_text(ctx, t, (int)n, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
}

static void fn_msg(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    column_or_block(ctx, argv, exec_msg);
}

static void fn_cid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    column_or_block(ctx, argv, exec_cid);
}

static void fn_basename(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *p = (const char *)sqlite3_value_text(argv[0]);
    if (!p) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *slash = strrchr(p, '/');
    sqlite3_result_text(ctx, slash ? slash + 1 : p, -1, SQLITE_TRANSIENT);
}

/* ld_stem(path): the file's name without directories and extensions,
 * "/var/log/gateway/api.jsonl.1" -> "api" (NULL if nothing is left). */
static void fn_stem(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *p = (const char *)sqlite3_value_text(argv[0]);
    const char *slash = p ? strrchr(p, '/') : NULL;
    p = slash ? slash + 1 : p;
    size_t n = p ? strcspn(p, ".") : 0;
    if (n)
        sqlite3_result_text(ctx, p, (int)n, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
}

/* The tokens of an exec_fts_expr() string, parsed once per statement. */
struct words {
    int n, prefix_last;
    char **tok;
    size_t *len;
    unsigned char *found;
    int left;
};

static void words_free(void *p)
{
    struct words *w = p;
    if (!w)
        return;
    for (int i = 0; i < w->n; i++)
        free(w->tok[i]);
    free(w->tok);
    free(w->len);
    free(w->found);
    free(w);
}

static struct words *words_parse(const char *expr)
{
    struct words *w = calloc(1, sizeof *w);
    int cap = 1;
    for (const char *c = expr; *c; c++)
        cap += *c == ' ';
    if (!w || !(w->tok = calloc((size_t)cap, sizeof *w->tok)) ||
        !(w->len = calloc((size_t)cap, sizeof *w->len)) || !(w->found = calloc((size_t)cap, 1))) {
        words_free(w);
        return NULL;
    }
    for (const char *c = expr; *c;) {
        if (*c != '"' || w->n == cap) {
            w->prefix_last = *c == '*';
            c++;
            continue;
        }
        char *t = malloc(strlen(c) + 1);
        size_t k = 0;
        if (!t) {
            words_free(w);
            return NULL;
        }
        for (c++; *c && !(c[0] == '"' && c[1] != '"'); c++)
            t[k++] = (c[0] == '"') ? *c++ : *c;
        t[k] = '\0';
        if (*c)
            c++;
        w->tok[w->n] = t;
        w->len[w->n++] = k;
        w->prefix_last = 0;
    }
    return w;
}

/* Marks the query tokens that tok matches; stops the tokenizer when all are. */
static int word_seen(void *ctx, int flags, const char *tok, int n, int start, int end)
{
    struct words *w = ctx;
    (void)flags, (void)start, (void)end;
    for (int i = 0; i < w->n; i++) {
        if (w->found[i])
            continue;
        int pre = w->prefix_last && i == w->n - 1;
        if ((size_t)n == w->len[i] || (pre && (size_t)n > w->len[i]))
            if (memcmp(tok, w->tok[i], w->len[i]) == 0) {
                w->found[i] = 1;
                w->left--;
            }
    }
    return w->left ? SQLITE_OK : SQLITE_DONE;
}

static void ascii_tokens(struct words *w, const char *s, int n)
{
    char tok[256];
    int k = 0;
    for (int i = 0; i <= n && w->left; i++) {
        unsigned char u = i < n ? (unsigned char)s[i] : 0;
        if (i < n && (isalnum(u) || u >= 0x80)) {
            if (k < (int)sizeof tok)
                tok[k++] = (char)tolower(u);
            continue;
        }
        if (k)
            word_seen(w, 0, tok, k, 0, 0);
        k = 0;
    }
}

static void tokenize(struct exec_state *x, struct words *w, const char *t, size_t n)
{
    char *clean = NULL;
    if (memchr(t, 0x1b, n) && (clean = malloc(n + 1))) {   /* as fv.c indexed them */
        n = fv_words_text(clean, t, n);
        t = clean;
    }
    if (x && x->tokinst)
        x->tok.xTokenize(x->tokinst, w, FTS5_TOKENIZE_DOCUMENT, t, (int)n, word_seen);
    else
        ascii_tokens(w, t, (int)n);
    free(clean);
}

/* ld_words(fmt, raw, flags, cid, expr, id): the words rec_fts holds for the
 * row (fv.c, fv_record): a JSON record's field values, any other record's
 * whole text, and the cid token. */
static void fn_words(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct exec_state *x = sqlite3_user_data(ctx);
    struct words *w = sqlite3_get_auxdata(ctx, 4);
    if (!w) {
        const char *expr = (const char *)sqlite3_value_text(argv[4]);
        if (!expr || !(w = words_parse(expr))) {
            sqlite3_result_null(ctx);
            return;
        }
        sqlite3_set_auxdata(ctx, 4, w, words_free);
        if (!(w = sqlite3_get_auxdata(ctx, 4))) {   /* SQLite may drop it at once */
            sqlite3_result_null(ctx);
            return;
        }
    }
    memset(w->found, 0, (size_t)w->n);
    w->left = w->n;
    size_t n = (size_t)sqlite3_value_bytes(argv[1]);
    const char *raw = exec_raw(x, sqlite3_value_blob(argv[1]), n, sqlite3_value_int(argv[2]),
                               sqlite3_value_int64(argv[5]), &x->fnbuf, &n);
    if (raw)   /* the record's whole text, as fv.c indexed it */
        tokenize(x, w, raw, n);
    const char *cid = (const char *)sqlite3_value_text(argv[3]);
    if (w->left && cid) {
        char *tok = malloc(strlen(cid) + 5);
        size_t tl = tok ? store_cid_token(cid, tok) : 0;
        if (tl > 1)
            word_seen(w, 0, tok + 1, (int)tl - 1, 0, 0);
        free(tok);
    }
    sqlite3_result_int(ctx, w->left == 0);
}

/* ld_regexp(pattern, icase, text): 1 when the POSIX extended regex
 * matches anywhere in text (whole bytes: REG_STARTEND, so a NUL inside a
 * line does not end it), 0 when not, NULL for a NULL text. The compiled
 * pattern is kept as the statement's auxiliary data, so it is compiled
 * once per query, not per row. */
static void regex_free(void *p)
{
    regfree(p);
    free(p);
}

static void fn_regexp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    regex_t *re = sqlite3_get_auxdata(ctx, 0);
    if (!re) {
        const char *pat = (const char *)sqlite3_value_text(argv[0]);
        int fl = REG_EXTENDED | REG_NOSUB | (sqlite3_value_int(argv[1]) ? REG_ICASE : 0);
        if (!pat || !(re = malloc(sizeof *re)))
            return sqlite3_result_error_nomem(ctx);
        if (regcomp(re, pat, fl) != 0) {
            free(re);
            return sqlite3_result_error(ctx, "bad regular expression", -1);
        }
        sqlite3_set_auxdata(ctx, 0, re, regex_free);
        if (!(re = sqlite3_get_auxdata(ctx, 0)))
            return sqlite3_result_error_nomem(ctx);
    }
    if (sqlite3_value_type(argv[2]) == SQLITE_NULL)
        return sqlite3_result_null(ctx);
    /* _text, not _blob: a blob (v3's decompressed raw) has no NUL after it,
     * and regexec interceptors (ASan) read up to one despite REG_STARTEND. */
    const char *t = (const char *)sqlite3_value_text(argv[2]);
    regmatch_t m = {.rm_so = 0, .rm_eo = sqlite3_value_bytes(argv[2])};
    sqlite3_result_int(ctx, regexec(re, t ? t : "", 1, &m, REG_STARTEND) == 0);
}

/* ld_field, ld_fieldnum and ld_elem share one cache (a filter on a field
 * and its exact check through arrays parse a row once); ld_field's
 * registration owns it. */
static int add_json_fns(sqlite3 *db, struct exec_state *x)
{
    struct json_cache *c = calloc(1, sizeof *c);
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    if (!c)
        return SQLITE_NOMEM;
    c->x = x;
    /* On failure SQLite calls the destructor itself. */
    int rc = sqlite3_create_function_v2(db, "ld_field", 6, flags, c, fn_field, NULL, NULL,
                                        cache_free);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "ld_fieldnum", 6, flags, c, fn_fieldnum, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "ld_elem", -1, flags, c, fn_elem, NULL, NULL);
    return rc;
}

int exec_fn_register(sqlite3 *db, struct exec_state *x, struct err *e)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (add_json_fns(db, x) != SQLITE_OK ||
        sqlite3_create_function(db, "ld_text", 3, flags, x, fn_text, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "ld_msg", 3, flags, x, fn_msg, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "ld_cid", 3, flags, x, fn_cid, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "ld_contains", 2, flags, NULL, fn_contains, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_create_function(db, "ld_basename", 1, flags, NULL, fn_basename, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_create_function(db, "ld_stem", 1, flags, NULL, fn_stem, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "ld_regexp", 3, flags, NULL, fn_regexp, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_create_function(db, "ld_words", 6, flags, x, fn_words, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "ld_fieldmay", 6, flags, x, fn_fieldmay, NULL, NULL) !=
            SQLITE_OK)
        return err_set(e, "registering SQL functions: %s", sqlite3_errmsg(db));
    return 0;
}
