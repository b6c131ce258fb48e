/* exec_sql: turns a plan (src/base/plan.h) into SQL text over `records r` with
 * every user value bound as a parameter (struct sqlb), and builds the FTS5
 * query strings for words, phrases and correlation ids.
 *
 * Index use, by design:
 *  - level >= warning/error/critical is written "r.level >= 5 AND r.level
 *    >= ?" so that SQLite can use the partial index rec_warn(ts);
 *  - words, phrases and cids go through rec_txt (db/txt.h: the records
 *    holding every token), then phrases are checked exactly with
 *    ld_contains() and cids with records.cid;
 *  - time bounds and the page order use rec_ts. */
#include "db/exec_int.h"
#include "db/fv.h"
#include "db/txt.h"
#include "src/base/flat.h"
#include "src/base/record.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <math.h>


/* --- FTS expressions ----------------------------------------------------- */

struct tokbuf {
    char *s;
    size_t len, cap;
    int oom;
};

static void tb_put(struct tokbuf *t, const char *p, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t nc = (t->len + n + 1) * 2;
        char *ns = realloc(t->s, nc);
        if (!ns) {
            t->oom = 1;
            return;
        }
        t->s = ns;
        t->cap = nc;
    }
    memcpy(t->s + t->len, p, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static int on_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
    struct tokbuf *t = ctx;
    (void)flags, (void)start, (void)end;
    if (n <= 0)
        return SQLITE_OK;
    tb_put(t, t->len ? " \"" : "\"", t->len ? 2 : 1);
    for (int i = 0; i < n; i++)   /* tokenizers do not emit '"', but be safe */
        tb_put(t, tok[i] == '"' ? "\"\"" : tok + i, tok[i] == '"' ? 2 : 1);
    tb_put(t, "\"", 1);
    return t->oom ? SQLITE_NOMEM : SQLITE_OK;
}

/* Without the tokenizer: ASCII letters and digits (and non-ASCII bytes). */
static void ascii_split(struct tokbuf *t, const char *text)
{
    char tok[256];
    size_t k = 0;
    for (const char *c = text;; c++) {
        unsigned char u = (unsigned char)*c;
        if (u && (isalnum(u) || u >= 0x80) && k < sizeof tok) {
            tok[k++] = (char)tolower(u);
            continue;
        }
        if (k)
            on_token(t, 0, tok, (int)k, 0, 0);
        k = 0;
        if (!u)
            break;
    }
}

char *exec_fts_expr(struct store *s, const char *text, int prefix)
{
    struct tokbuf t = {0};
    tb_put(&t, "", 0);
    struct exec_state *x = s->exec;
    if (x && x->tokinst)
        x->tok.xTokenize(x->tokinst, &t, FTS5_TOKENIZE_QUERY, text, (int)strlen(text), on_token);
    else
        ascii_split(&t, text);
    if (!t.oom && prefix && t.len)
        tb_put(&t, "*", 1);
    if (t.oom) {
        free(t.s);
        return NULL;
    }
    return t.s;
}


/* How a page should find the matches of expr (sqlb.c, exec_choice_on): EXEC_FTS_FEW (list them:
 * under 2000), EXEC_FTS_SOME (list them, or walk rec_ts checking the list)
 * or EXEC_FTS_MANY (walk rec_ts checking each row with ld_words). Listing M
 * matches costs ~M row reads and a sort; walking costs ~limit * N / M row
 * checks: they balance at M = sqrt(1.5 * limit * N). */
int exec_fts_choice(struct sqlb *b, const char *expr)
{
    return exec_choice_on(b, exec_txt(b->st), expr);
}


/* Appends the FTS condition for expr (takes ownership of expr). */
static void fts_cond(struct sqlb *b, char *expr, int force_in)
{
    int choice = b->fts_mode == FTS_ROW ? EXEC_FTS_MANY
                 : force_in              ? EXEC_FTS_SOME
                                         : exec_fts_choice(b, expr);
    if (choice != EXEC_FTS_MANY) {
        sqlb_match(b, exec_txt(b->st), expr, choice);
    } else {
        sqlb_add(b, "ld_words(r.fmt, r.raw, r.flags, " EXEC_CID ", ");
        sqlb_text(b, expr, 1);
        sqlb_add(b, ", r.id)");
    }
}

/* A phrase of letters and '_' answered from the runs of rec_txt alone
 * (txt_snake_expr): 1 when written (expr taken), 0 when the text must be
 * checked (a row-by-row statement, an older store, too many runs). */
static int snake_cond(struct sqlb *b, const struct pnode *n, char *expr)
{
    if (b->fts_mode == FTS_ROW || b->st->old_text)
        return 0;
    char *sx = txt_snake_expr(b->st, expr, n->text);
    int choice = !sx ? EXEC_FTS_MANY : b->fts_mode == FTS_IN ? EXEC_FTS_SOME
                                                            : exec_choice_on(b, EXEC_TXT, sx);
    if (choice == EXEC_FTS_MANY) {
        free(sx);
        return 0;
    }
    free(expr);
    sqlb_match(b, EXEC_TXT, sx, choice);
    return 1;
}

static int text_cond(struct sqlb *b, const struct pnode *n)
{
    char *expr = exec_fts_expr(b->st, n->text, n->prefix);
    if (!expr)
        return err_set(b->e, "out of memory building a query");
    int has_fts = expr[0] != '\0';
    sqlb_add(b, "(");
    if (has_fts && n->phrase && snake_cond(b, n, expr)) {
        sqlb_add(b, ")");
        return 0;
    }
    if (has_fts)
        fts_cond(b, expr, 0);
    else
        free(expr);
    if (n->phrase || !has_fts) {   /* the message, or the whole text */
        sqlb_add(b, has_fts ? " AND (ld_contains(" EXEC_MSG ", " : "(ld_contains(" EXEC_MSG ", ");
        sqlb_text(b, n->text, 0);
        sqlb_add(b, ") OR ld_contains(" EXEC_TEXT ", ");
        sqlb_text(b, n->text, 0);
        sqlb_add(b, "))");
    }
    sqlb_add(b, ")");
    return 0;
}

/* --- comparisons ---------------------------------------------------------- */

static const char *const op_sql[] = {"=", "GLOB", "<", "<=", ">", ">=", "IS NOT NULL"};

/* The user's glob ('*' only) as an SQLite GLOB pattern; lower-cased when
 * fold. Malloc'd or NULL. */
static char *glob_pattern(const char *v, int fold)
{
    char *out = malloc(strlen(v) * 3 + 1), *o = out;
    if (!out)
        return NULL;
    for (; *v; v++) {
        if (*v == '?' || *v == '[') {
            *o++ = '[';
            *o++ = *v;
            *o++ = ']';
        } else {
            *o++ = fold ? (char)tolower((unsigned char)*v) : *v;
        }
    }
    *o = '\0';
    return out;
}

static void bind_value(struct sqlb *b, const struct pnode *n)
{
    if (n->op == POP_GLOB)
        sqlb_text(b, glob_pattern(n->s ? n->s : "", 0), 1);
    else if (n->vtype == PV_INT)
        sqlb_int(b, n->i);
    else if (n->vtype == PV_NUM)
        sqlb_dbl(b, n->num);
    else
        sqlb_text(b, n->s ? n->s : "", 0);
}

/* "expr OP ?" for a column or expression already appended by the caller. */
static void op_value(struct sqlb *b, const struct pnode *n)
{
    if (n->op == POP_EXISTS) {
        sqlb_add(b, " IS NOT NULL");
        return;
    }
    sqlb_add(b, " %s ", op_sql[n->op]);
    bind_value(b, n);
}

void sqlb_field(struct sqlb *b, int f, const char *path, int numeric)
{
    static const char *const cols[] = {
        [PF_TS] = "r.ts", [PF_LEVEL] = "r.level", [PF_CID] = EXEC_CID,
        [PF_SERVICE] = EXEC_SERVICE, [PF_LOGGER] = EXEC_LOGGER, [PF_MSG] = EXEC_MSG,
        [PF_FORMAT] = "r.fmt", [PF_DURATION] = "r.duration", [PF_STATUS] = "r.status",
        [PF_METRIC] = "r.metric", [PF_MVALUE] = "r.mvalue",
    };
    if (f == PF_JSON && path && strcmp(path, "path") == 0) {
        sqlb_add(b, numeric ? "NULL" : EXEC_PATH);   /* path, url.path, endpoint */
    } else if (f == PF_JSON) {
        sqlb_add(b, numeric ? "ld_fieldnum(r.fmt, r.raw, r.fields, " :
                              "ld_field(r.fmt, r.raw, r.fields, ");
        sqlb_text(b, (char *)(path ? path : ""), 0);
        sqlb_add(b, ", r.flags, r.id)");
    } else if (f == PF_SERVICE) {
        /* One naming rule (what every view shows): the service field, else
         * the logger, else the file's stem. coalesce is lazy: the file is
         * looked up only for rows with neither. */
        sqlb_add(b, "coalesce(nullif(" EXEC_SERVICE ", ''), nullif(" EXEC_LOGGER ", ''), "
                    "ld_stem((SELECT path FROM files WHERE files.id = r.file_id)))");
    } else if (f == PF_FILE) {
        sqlb_add(b, "(SELECT path FROM files WHERE files.id = r.file_id)");
    } else if (f == PF_HOST) {
        sqlb_text(b, (char *)store_host(), 0);   /* every local record is ours */
    } else if (f >= 0 && f < PF_JSON) {
        sqlb_add(b, "%s", cols[f]);
    } else {
        sqlb_add(b, "NULL");
    }
}

static void level_cond(struct sqlb *b, const struct pnode *n)
{
    int64_t v = n->vtype == PV_INT ? n->i : (int64_t)n->num;
    int warn = (n->op == POP_GE && v >= LVL_WARNING) || (n->op == POP_GT && v >= LVL_NOTICE) ||
               (n->op == POP_EQ && v >= LVL_WARNING);
    if (n->op == POP_EXISTS) {
        sqlb_add(b, "1");
        return;
    }
    sqlb_add(b, warn ? "(r.level >= 5 AND r.level" : "(r.level");
    op_value(b, n);
    sqlb_add(b, ")");
}

char *exec_cid_expr(struct store *s, const char *v, int glob, int words, int *oom)
{
    size_t lit = glob ? strcspn(v, "*") : strlen(v);
    char *lp = strndup(v, lit), *expr = NULL;
    *oom = 0;
    if (!lp) {
        *oom = 1;
        return NULL;
    }
    if (words) {   /* the cid's words, the last one a prefix for a glob */
        expr = exec_fts_expr(s, lp, glob);
        if (!expr)
            *oom = 1;
        else if (!*expr)
            free(expr), expr = NULL;
        free(lp);
        return expr;
    }
    char *tok = malloc(lit + 8);
    size_t tl = tok ? store_cid_token(lp, tok) : 0;   /* " cid..." */
    if (tl > 4) {
        tok[tl] = '\0';
        if (asprintf(&expr, "\"%s\"%s", tok + 1, glob ? "*" : "") < 0)
            expr = NULL;
    }
    *oom = !tok || (tl > 4 && !expr);
    free(lp);
    free(tok);
    return expr;
}

static void cid_cond(struct sqlb *b, const struct pnode *n)
{
    const char *v = n->s ? n->s : "";
    int glob = n->op == POP_GLOB, oom, oom2 = 0;
    char *expr = exec_cid_expr(b->st, v, glob, 0, &oom);   /* the cid token */
    char *wx = b->st->cid_words && expr ? exec_cid_expr(b->st, v, glob, 1, &oom2) : NULL;
    if (oom || oom2) {
        free(expr);
        free(wx);
        b->oom = 1;
        return;
    }
    sqlb_add(b, "(");
    if (wx) {   /* its words, or the token of a record whose text lacks them (txt.h) */
        sqlb_add(b, "(");
        fts_cond(b, wx, 1);
        sqlb_add(b, " OR ");
        fts_cond(b, expr, 1);
        sqlb_add(b, ") AND ");
    } else if (expr) {
        fts_cond(b, expr, 1);
        sqlb_add(b, " AND ");
    }
    if (n->op == POP_GLOB) {
        sqlb_add(b, "lower(" EXEC_CID ") GLOB ");
        sqlb_text(b, glob_pattern(v, 1), 1);
    } else {
        sqlb_add(b, EXEC_CID " = ");
        sqlb_text(b, (char *)v, 0);
        sqlb_add(b, " COLLATE NOCASE");
    }
    sqlb_add(b, ")");
}

static void file_cond(struct sqlb *b, const struct pnode *n)
{
    if (n->op != POP_EQ && n->op != POP_GLOB) {
        sqlb_field(b, PF_FILE, NULL, 0);
        op_value(b, n);
        return;
    }
    const char *op = op_sql[n->op];
    sqlb_add(b, "r.file_id IN (SELECT id FROM files WHERE path %s ", op);
    bind_value(b, n);
    sqlb_add(b, " OR ld_basename(path) %s ", op);
    bind_value(b, n);
    sqlb_add(b, ")");
}

/* The left side of a comparison: the column, or the field's value typed
 * for the operator (text for globs and string equality, a number for
 * numeric values). */
static void cmp_lhs(struct sqlb *b, const struct pnode *n)
{
    int f = n->field;
    int numeric_col = f == PF_DURATION || f == PF_STATUS || f == PF_MVALUE;
    if ((n->op == POP_GLOB && (numeric_col || f == PF_JSON)) ||
        (f == PF_JSON && n->op != POP_EXISTS && n->op != POP_GLOB && n->vtype != PV_NUM)) {
        sqlb_add(b, "CAST(");
        sqlb_field(b, f, n->path, 0);
        sqlb_add(b, " AS TEXT)");
    } else {
        sqlb_field(b, f, n->path, f == PF_JSON && n->vtype == PV_NUM);
    }
}

static void cmp_exact(struct sqlb *b, const struct pnode *n);

/* 1 if comparison n on a structured field also holds through an array's
 * elements (rec_fv has a token per element: flat.h): equality and globs. */
static int elem_checked(const struct pnode *n)
{
    return n->field == PF_JSON && n->path && *n->path && strcmp(n->path, "path") != 0 &&
           (n->op == POP_EQ || n->op == POP_GLOB);
}

/* 1 if comparison n is a string equality on a structured field that
 * ld_fieldmay() may rule out from the text: not a value that reads as a
 * number or a literal (true, false, null), whose spelling in the text may
 * differ from the compared one. */
static int fieldmay_checked(const struct pnode *n)
{
    double d;
    return n->field == PF_JSON && n->path && *n->path && strcmp(n->path, "path") != 0 &&
           n->op == POP_EQ && n->vtype == PV_STR && n->s && *n->s &&
           fv_text_number(n->s, strlen(n->s), &d) != 0 && strcasecmp(n->s, "true") != 0 &&
           strcasecmp(n->s, "false") != 0 && strcasecmp(n->s, "null") != 0;
}

#define ELEM_ARGS 100

/* " OR ld_elem(..., mode, " for elem_checked n; the caller binds the
 * values and closes it. */
static void elem_open(struct sqlb *b, const struct pnode *n)
{
    int mode = n->op == POP_GLOB ? EXEC_ELEM_GLOB : n->vtype == PV_NUM ? EXEC_ELEM_NUM
                                                                       : EXEC_ELEM_TEXT;
    sqlb_add(b, " OR ld_elem(r.fmt, r.raw, r.fields, ");
    sqlb_text(b, (char *)n->path, 0);
    sqlb_add(b, ", r.flags, r.id, %d, ", mode);
}

static void cmp_cond(struct sqlb *b, const struct pnode *n)
{
    int f = n->field;
    if (f == PF_LEVEL)
        return level_cond(b, n);
    if (f == PF_CID && (n->op == POP_EQ || n->op == POP_GLOB))
        return cid_cond(b, n);
    if (f == PF_FILE)
        return file_cond(b, n);
    if (!exec_fv_cond(b, n, cmp_exact))
        cmp_exact(b, n);
}

/* The row-by-row condition of comparison n (no index). */
static void cmp_exact(struct sqlb *b, const struct pnode *n)
{
    int f = n->field;
    if (f == PF_JSON && n->path && strcmp(n->path, "path") == 0) {   /* the request path */
        sqlb_add(b, "(" EXEC_PATH);
        if (n->op == POP_EXISTS) {
            sqlb_add(b, " IS NOT NULL)");
            return;
        }
        sqlb_add(b, " %s ", op_sql[n->op]);
        sqlb_text(b, n->op == POP_GLOB ? glob_pattern(n->s ? n->s : "", 0)
                                        : strdup(n->s ? n->s : ""), 1);
        sqlb_add(b, ")");
        return;
    }
    sqlb_add(b, "(");
    if (fieldmay_checked(n)) {   /* the parse only where the value may be */
        sqlb_add(b, "ld_fieldmay(r.fmt, r.raw, r.fields, r.flags, r.id, ");
        sqlb_text(b, n->s, 0);
        sqlb_add(b, ") AND (");
    }
    cmp_lhs(b, n);
    op_value(b, n);
    if (elem_checked(n)) {
        elem_open(b, n);
        bind_value(b, n);
        sqlb_add(b, ")");
    }
    sqlb_add(b, fieldmay_checked(n) ? "))" : ")");
}

/* kids[i] and the later kids of its set (plan_eq_same_set) as one
 * "lhs IN (?, ?, ...)": one evaluation of the field per row instead of one
 * per value (900 values on a JSON field: one parse, not 900). Marks them
 * done; returns how many it took (1: no set, the caller writes kids[i]). */
static int eq_set_cond(struct sqlb *b, const struct pnode *n, int i, char *done)
{
    const struct pnode *a = n->kids[i];
    int k = 1;
    if (!plan_eq_settable(a))
        return 1;
    for (int j = i + 1; j < n->nkids; j++)
        k += plan_eq_settable(n->kids[j]) && plan_eq_same_set(a, n->kids[j]);
    if (k < 2)
        return 1;
    sqlb_add(b, "(");
    cmp_lhs(b, a);
    /* IN, then (a structured field) the elements of an array, by
     * ld_elem() calls of at most ELEM_ARGS values (SQLite's limit on a
     * function's arguments is 127). */
    for (int pass = 0; pass < 1 + elem_checked(a); pass++) {
        sqlb_add(b, pass ? "" : " IN (");
        for (int j = i, m = 0; j < n->nkids; j++) {
            if (j > i && (!plan_eq_settable(n->kids[j]) || !plan_eq_same_set(a, n->kids[j])))
                continue;
            if (pass && m % ELEM_ARGS == 0) {
                sqlb_add(b, m ? ")" : "");
                elem_open(b, a);
            } else if (m) {
                sqlb_add(b, ", ");
            }
            m++;
            bind_value(b, n->kids[j]);
            done[j] = 1;
        }
        sqlb_add(b, ")");
    }
    sqlb_add(b, ")");
    return k;
}

/* A regex term: ld_regexp(pattern, flags, text), on the record's whole
 * text or one field. It indexes nothing, so an AND puts it after its
 * indexed siblings (sqlb_cond) and SQLite runs it only on the rows they
 * leave. */
static void regex_cond(struct sqlb *b, const struct pnode *n)
{
    sqlb_add(b, "ld_regexp(");
    sqlb_text(b, n->s ? n->s : "", 0);
    sqlb_add(b, ", %d, ", n->icase);
    if (n->field < 0)
        sqlb_add(b, EXEC_TEXT);   /* raw may be compressed */
    else
        sqlb_field(b, n->field, n->path, 0);
    sqlb_add(b, ")");
}

static int and_or_cond(struct sqlb *b, const struct pnode *n)
{
    char *done = n->kind == PK_OR ? calloc((size_t)n->nkids, 1) : NULL;
    if (n->kind == PK_OR && !done)
        return err_set(b->e, "out of memory building a query");
    sqlb_add(b, "(");
    int k = 0, rc = 0;
    /* Two passes for AND: regex terms last, after what an index answers. */
    for (int pass = 0; pass < 2 && rc == 0; pass++)
        for (int i = 0; i < n->nkids && rc == 0; i++) {
            int re = n->kids[i]->kind == PK_REGEX;
            if ((n->kind == PK_AND ? re != pass : pass) || (done && done[i]))
                continue;
            if (k++)
                sqlb_add(b, n->kind == PK_AND ? " AND " : " OR ");
            if (!done || eq_set_cond(b, n, i, done) == 1)
                rc = sqlb_cond(b, n->kids[i]);
        }
    sqlb_add(b, ")");
    free(done);
    return rc;
}

int sqlb_cond(struct sqlb *b, const struct pnode *n)
{
    switch (n->kind) {
    case PK_TRUE:
        sqlb_add(b, "1");
        return 0;
    case PK_TEXT:
        return text_cond(b, n);
    case PK_CMP:
        cmp_cond(b, n);
        return 0;
    case PK_NOT:
        sqlb_add(b, "NOT coalesce(");
        if (sqlb_cond(b, n->kids[0]) < 0)
            return -1;
        sqlb_add(b, ", 0)");
        return 0;
    case PK_REGEX:
        regex_cond(b, n);
        return 0;
    case PK_AND:
    case PK_OR:
        return and_or_cond(b, n);
    default:
        return err_set(b->e, "internal error: unknown plan node %d", n->kind);
    }
}
