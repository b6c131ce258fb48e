/* chplan: a query plan (src/base/plan.h) as a ClickHouse WHERE condition
 * over the logs table (db/chstore.c's schema) with the meaning the SQLite
 * backend gives it (db/exec_sql.c): words are tokens of the record's text (ASCII
 * letters and digits and non-ASCII bytes, lower-cased, as FTS5's unicode61
 * splits them), phrases are tokens plus a case-insensitive substring,
 * field:value is equality, '*' globs, a missing field never equals
 * anything and NOT of a missing field is true. Every value is written by
 * chsql_lit(); numbers with %.17g. */
#include "db/chstore_int.h"
#include "src/base/record.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The record's words: the tokens of its whole text (message, continuation
 * lines, field values), as the SQLite store's rec_fts holds them (db/fv.c).
 * Terminal escape sequences (CSI "ESC [ ... final", else ESC and the next
 * byte) count as spaces: full text finds the words they colour. */
#define CH_TOKENS "extractAll(lower(replaceRegexpAll(raw, '(\\x1b|\\\\\\\\u001[bB])(\\\\[[^@-~]*[@-~]?|(?s:.)?)', ' ')), " \
                  "'[a-z0-9\\\\x80-\\\\xff]+')"

static void put_num(struct chbuf *b, double d)
{
    if (isnan(d))
        chb_add(b, "nan");
    else if (isinf(d))
        chb_add(b, d < 0 ? "-inf" : "inf");
    else
        chb_add(b, "toFloat64(%.17g)", d);
}

static void put_str(struct chbuf *b, const char *s)
{
    s = s ? s : "";
    chsql_lit(b, CHSQL_STR, s, strlen(s));
}

/* Appends one condition per token of text (AND-ed), the last one a prefix
 * when prefix; returns the number of tokens. */
static int put_tokens(struct chbuf *b, const char *text, int prefix)
{
    int ntok = 0;
    const unsigned char *t = (const unsigned char *)text;
    while (*t) {
        while (*t && !(isalnum(*t) || *t >= 0x80))
            t++;
        if (!*t)
            break;
        const unsigned char *st = t;
        while (*t && (isalnum(*t) || *t >= 0x80))
            t++;
        size_t n = (size_t)(t - st);
        char *low = strndup((const char *)st, n);
        if (!low) {
            b->oom = 1;
            return ntok;
        }
        for (size_t i = 0; i < n; i++)
            low[i] = (char)tolower((unsigned char)low[i]);
        int last = 1;
        for (const unsigned char *r = t; *r; r++)
            if (isalnum(*r) || *r >= 0x80) {
                last = 0;
                break;
            }
        chb_add(b, ntok ? " AND " : "");
        if (prefix && last) {
            chb_add(b, "arrayExists(x -> startsWith(x, ");
            chsql_lit(b, CHSQL_STR, low, n);
            chb_add(b, "), " CH_TOKENS ")");
        } else {
            chb_add(b, "has(" CH_TOKENS ", ");
            chsql_lit(b, CHSQL_STR, low, n);
            chb_add(b, ")");
        }
        free(low);
        ntok++;
    }
    return ntok;
}

static void text_cond(struct chbuf *b, const struct pnode *n)
{
    const char *text = n->text ? n->text : "";
    chb_add(b, "(");
    int ntok = put_tokens(b, text, n->prefix);
    if (n->phrase || !ntok) {   /* in the message or anywhere in the text */
        chb_add(b, ntok ? " AND (positionCaseInsensitive(msg, " : "(positionCaseInsensitive(msg, ");
        put_str(b, text);
        chb_add(b, ") > 0 OR positionCaseInsensitive(raw, ");
        put_str(b, text);
        chb_add(b, ") > 0)");
    }
    chb_add(b, ")");
}

/* "path" is the request path (path, else url.path, else endpoint: the
 * column the shipper lifts), as the SQLite store's r.path. */
static int request_path(const char *path)
{
    return path && strcmp(path, "path") == 0;
}

/* The attribute value of a dotted path ('' when absent). */
static void put_attr(struct chbuf *b, const char *path)
{
    if (request_path(path)) {
        chb_add(b, "path");
        return;
    }
    chb_add(b, "attr.value[indexOf(attr.key, ");
    put_str(b, path);
    chb_add(b, ")]");
}

static void put_has_attr(struct chbuf *b, const char *path)
{
    if (request_path(path)) {
        chb_add(b, "path != ''");
        return;
    }
    chb_add(b, "has(attr.key, ");
    put_str(b, path);
    chb_add(b, ")");
}

void chplan_field(struct chbuf *b, int f, const char *path, int numeric)
{
    static const char *const cols[] = {
        [PF_TS] = "ts", [PF_LEVEL] = "level", [PF_CID] = "cid", [PF_SERVICE] = "service",
        [PF_LOGGER] = "logger", [PF_MSG] = "msg", [PF_FILE] = "file", [PF_FORMAT] = "fmt",
        [PF_DURATION] = "duration", [PF_STATUS] = "status", [PF_METRIC] = "metric",
        [PF_MVALUE] = "mvalue",
    };
    if (f == PF_JSON && numeric && request_path(path)) {
        chb_add(b, "NULL");   /* as the SQLite store: the request path is text */
    } else if (f == PF_JSON && numeric) {
        /* as ld_fieldnum(): the text as a finite number, else NULL */
        for (int i = 0; i < 2; i++) {
            chb_add(b, i ? ", toFloat64OrNull(replaceRegexpAll(" :
                           "if(isFinite(ifNull(toFloat64OrNull(replaceRegexpAll(");
            put_attr(b, path);
            chb_add(b, i ? ", '^ +| +$', '')), NULL)" : ", '^ +| +$', '')), nan))");
        }
    } else if (f == PF_JSON) {
        put_attr(b, path);
    } else if (f == PF_SERVICE) {
        /* the naming rule every view shows: the field, else the logger,
         * else the file's stem (as db/exec_sql.c) */
        chb_add(b, "if(service != '', service, if(logger != '', logger, "
                   "splitByChar('.', arrayElement(splitByChar('/', file), -1))[1]))");
    } else if (f == PF_HOST) {
        chb_add(b, "host");
    } else if (f >= 0 && f < PF_JSON) {
        chb_add(b, "%s", cols[f]);
    } else {
        chb_add(b, "NULL");
    }
}

static const char *const op_sql[] = {"=", "LIKE", "<", "<=", ">", ">=", ""};

static void put_value(struct chbuf *b, const struct pnode *n, int fold)
{
    const char *s = n->s ? n->s : "";
    if (n->op == POP_GLOB || fold) {
        char *low = strdup(s);
        if (!low) {
            b->oom = 1;
            return;
        }
        for (char *c = low; fold && *c; c++)
            *c = (char)tolower((unsigned char)*c);
        chsql_lit(b, n->op == POP_GLOB ? CHSQL_GLOB : CHSQL_STR, low, strlen(low));
        free(low);
    } else if (n->vtype == PV_INT) {
        chb_add(b, "%lld", (long long)n->i);
    } else if (n->vtype == PV_NUM) {
        put_num(b, n->num);
    } else {
        put_str(b, s);
    }
}

/* Columns where '' means absent (the SQLite store's NULL). */
static int empty_is_null(int f)
{
    return f == PF_CID || f == PF_SERVICE || f == PF_LOGGER || f == PF_METRIC;
}

static void exists_cond(struct chbuf *b, const struct pnode *n)
{
    int f = n->field;
    if (f == PF_JSON)
        put_has_attr(b, n->path);
    else if (empty_is_null(f))
        chplan_field(b, f, NULL, 0), chb_add(b, " != ''");
    else if (f == PF_DURATION || f == PF_STATUS || f == PF_MVALUE)
        chb_add(b, "isNotNull("), chplan_field(b, f, NULL, 0), chb_add(b, ")");
    else
        chb_add(b, "1");
}

static void file_cond(struct chbuf *b, const struct pnode *n)
{
    const char *op = op_sql[n->op];
    chb_add(b, "(file %s ", op);
    put_value(b, n, 0);
    if (n->op == POP_EQ || n->op == POP_GLOB) {
        chb_add(b, " OR replaceRegexpOne(file, '^.*/', '') %s ", op);
        put_value(b, n, 0);
    }
    chb_add(b, ")");
}

/* service:V (V a non-empty text) as a condition the primary key (service,
 * ts) can narrow: the naming rule gives V when the field is V, or when the
 * field is empty and the logger, else the file's stem, is V. ClickHouse then
 * reads only the key ranges service = V and service = '' instead of every
 * part (chplan_field()'s whole expression hid the key: a 1 s poll at 10M). */
static void service_eq(struct chbuf *b, const struct pnode *n)
{
    chb_add(b, "(service = ");
    put_str(b, n->s);
    chb_add(b, " OR (service = '' AND if(logger != '', logger, "
               "splitByChar('.', arrayElement(splitByChar('/', file), -1))[1]) = ");
    put_str(b, n->s);
    chb_add(b, "))");
}

static void cmp_cond(struct chbuf *b, const struct pnode *n)
{
    int f = n->field;
    if (n->op == POP_EXISTS)
        return exists_cond(b, n);
    if (f == PF_FILE)
        return file_cond(b, n);
    if (f == PF_SERVICE && n->op == POP_EQ && n->vtype == PV_STR && n->s && *n->s)
        return service_eq(b, n);
    chb_add(b, "ifNull(");
    if (f == PF_CID && (n->op == POP_EQ || n->op == POP_GLOB)) {
        chb_add(b, "lower(cid) %s ", op_sql[n->op]);
        put_value(b, n, 1);
        chb_add(b, ", 0)");
        return;
    }
    int numeric_col = f == PF_DURATION || f == PF_STATUS || f == PF_MVALUE;
    if (f == PF_JSON && request_path(n->path)) {   /* text, as SQLite's r.path */
        chb_add(b, "path != '' AND path %s ", op_sql[n->op]);
        if (n->op == POP_GLOB)
            put_value(b, n, 0);
        else
            put_str(b, n->s ? n->s : "");
        chb_add(b, ", 0)");
        return;
    }
    if (f == PF_JSON) {
        int num = n->vtype == PV_NUM && n->op != POP_GLOB;
        put_has_attr(b, n->path);
        chb_add(b, " AND ");
        chplan_field(b, f, n->path, num);
    } else if (n->op == POP_GLOB && numeric_col) {
        chb_add(b, "toString(");
        chplan_field(b, f, NULL, 0);
        chb_add(b, ")");
    } else {
        if (empty_is_null(f))
            chplan_field(b, f, NULL, 0), chb_add(b, " != '' AND ");
        chplan_field(b, f, NULL, 0);
    }
    chb_add(b, " %s ", op_sql[n->op]);
    put_value(b, n, 0);
    chb_add(b, ", 0)");
}

/* A regular expression term: re2's match() (POSIX ERE patterns read the
 * same for the common syntax), over the raw text or one field. */
static void regex_cond(struct chbuf *b, const struct pnode *n)
{
    int f = n->field;
    chb_add(b, "ifNull(");
    if (f == PF_JSON)
        put_has_attr(b, n->path), chb_add(b, " AND ");
    else if (f >= 0 && empty_is_null(f))
        chplan_field(b, f, NULL, 0), chb_add(b, " != '' AND ");
    chb_add(b, "match(");
    if (f < 0) {
        chb_add(b, "raw");
    } else {
        chb_add(b, "toString(");
        chplan_field(b, f, n->path, 0);
        chb_add(b, ")");
    }
    chb_add(b, ", ");
    const char *re = n->s ? n->s : "";
    char *pat = NULL;
    /* (?i:...) rather than a leading (?i): 18.16 looks for a required
     * literal substring case-sensitively unless the flag is in a group */
    if (asprintf(&pat, n->icase ? "(?i:%s)" : "%s", re) < 0 || !pat) {
        b->oom = 1;
        return;
    }
    chsql_lit(b, CHSQL_STR, pat, strlen(pat));
    free(pat);
    chb_add(b, "), 0)");
}

/* AND puts regex terms last, after what the other terms narrow (as the
 * SQLite backend does). */
static int and_or_cond(struct chbuf *b, const struct pnode *n, struct err *e)
{
    chb_add(b, "(");
    int k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n->nkids; i++) {
            int re = n->kids[i]->kind == PK_REGEX;
            if (n->kind == PK_AND ? re != pass : pass)
                continue;
            if (k++)
                chb_add(b, n->kind == PK_AND ? " AND " : " OR ");
            if (chplan_cond(b, n->kids[i], e) < 0)
                return -1;
        }
    chb_add(b, ")");
    return 0;
}

int chplan_cond(struct chbuf *b, const struct pnode *n, struct err *e)
{
    switch (n->kind) {
    case PK_TRUE:
        chb_add(b, "1");
        return 0;
    case PK_TEXT:
        text_cond(b, n);
        return 0;
    case PK_CMP:
        cmp_cond(b, n);
        return 0;
    case PK_NOT:
        chb_add(b, "NOT (");
        if (chplan_cond(b, n->kids[0], e) < 0)
            return -1;
        chb_add(b, ")");
        return 0;
    case PK_REGEX:
        regex_cond(b, n);
        return 0;
    case PK_AND:
    case PK_OR:
        return and_or_cond(b, n, e);
    default:
        return err_set(e, "internal error: unknown plan node %d", n->kind);
    }
}

/* Appends " PREWHERE ..." when the plan's top level ANDs words: each token
 * is then a substring of the record's text (case aside; CH_TOKENS only
 * turns escape sequences into spaces, it never joins), a cheap necessary
 * condition ClickHouse checks before the tokens of any row. */
static void prewhere_tokens(struct chbuf *b, const struct pnode *n, int *k)
{
    if (n->kind == PK_AND) {
        for (int i = 0; i < n->nkids; i++)
            prewhere_tokens(b, n->kids[i], k);
        return;
    }
    if (n->kind != PK_TEXT || !n->text)
        return;
    const unsigned char *t = (const unsigned char *)n->text;
    while (*t) {
        while (*t && !(isalnum(*t) || *t >= 0x80))
            t++;
        const unsigned char *st = t;
        while (*t && (isalnum(*t) || *t >= 0x80))
            t++;
        if (t > st) {
            chb_add(b, *k ? " AND positionCaseInsensitive(raw, " : " PREWHERE positionCaseInsensitive(raw, ");
            chsql_lit(b, CHSQL_STR, (const char *)st, (size_t)(t - st));
            chb_add(b, ") > 0");
            (*k)++;
        }
    }
}

void chplan_prewhere(struct chbuf *b, const struct pnode *root)
{
    int k = 0;
    prewhere_tokens(b, root, &k);
}
