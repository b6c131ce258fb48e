/* term: the terms of the query language (see query.c for the
 * expression grammar): words, "phrases", field:value, field OP value,
 * since:/until:, the typing of values per field (levels, formats, times,
 * numbers, globs), the field-name aliases (query_field) and the canonical
 * description of a plan (query_describe). */
#include "src/query/query.h"
#include "src/query/query_int.h"
#include "src/base/plan.h"
#include "src/base/record.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int query_field(const char *name)
{
    return plan_field(name);
}

/* 1 for bytes FTS5's unicode61 tokenizer keeps inside a token (ASCII
 * letters and digits, and any non-ASCII byte). */
static int token_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

static int name_start(char c)
{
    return isalpha((unsigned char)c) || c == '_' || c == '@';
}

static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '@' || c == '.' || c == '-';
}

/* At '"': returns the unescaped contents (\" and \\), malloc'd. */
static char *read_quoted(struct qparser *p, size_t *len)
{
    size_t open = p->pos++;
    char *out = malloc(p->n - p->pos + 1);
    size_t k = 0;
    if (!out) {
        qp_fail(p, open, "out of memory compiling the query");
        return NULL;
    }
    while (p->pos < p->n && p->s[p->pos] != '"') {
        if (p->s[p->pos] == '\\' && p->pos + 1 < p->n &&
            (p->s[p->pos + 1] == '"' || p->s[p->pos + 1] == '\\'))
            p->pos++;
        out[k++] = p->s[p->pos++];
    }
    if (p->pos >= p->n) {
        free(out);
        qp_fail(p, open, "unterminated quote at col %d; expected a closing '\"'",
                qp_col(p, open));
        return NULL;
    }
    p->pos++;
    out[k] = '\0';
    *len = k;
    return out;
}

/* A full-text node for text[0..len) (takes ownership of text). */
static struct pnode *text_node(struct qparser *p, size_t pos, char *text, size_t len, int prefix)
{
    int tokens = 0, other = 0;
    for (size_t i = 0; i < len; i++)
        token_byte((unsigned char)text[i]) ? tokens++ : other++;
    if (!tokens && !other) {
        free(text);
        qp_fail(p, pos, "empty phrase at col %d; expected text between the quotes",
                qp_col(p, pos));
        return NULL;
    }
    struct pnode *n = qp_node(p, PK_TEXT, pos);
    if (!n) {
        free(text);
        return NULL;
    }
    n->text = text;
    n->phrase = other > 0;
    n->prefix = prefix;
    return n;
}

struct pnode *qp_phrase(struct qparser *p)
{
    size_t pos = p->pos, len = 0;
    char *t = read_quoted(p, &len);
    return t ? text_node(p, pos, t, len, 0) : NULL;
}

static struct pnode *word(struct qparser *p)
{
    size_t start = p->pos;
    while (p->pos < p->n && !qp_is_space(p->s[p->pos]) && p->s[p->pos] != '(' &&
           p->s[p->pos] != ')' && p->s[p->pos] != '"')
        p->pos++;
    size_t len = p->pos - start;
    if (len == 1 && p->s[start] == '*')
        return qp_node(p, PK_TRUE, start);
    const char *star = memchr(p->s + start, '*', len);
    int prefix = star && star == p->s + start + len - 1;
    if (star && (!prefix || len == 1)) {
        qp_fail(p, start, "'*' inside a word at col %d; expected '*' only at the end of "
                "a word (conn*) or in a field value (cid:3f2a*)",
                qp_col(p, (size_t)(star - p->s)));
        return NULL;
    }
    size_t tl = prefix ? len - 1 : len;
    char *t = strndup(p->s + start, tl);
    if (!t) {
        qp_fail(p, start, "out of memory compiling the query");
        return NULL;
    }
    return text_node(p, start, t, tl, prefix);
}

static int parse_number(const char *v, double *out)
{
    char *end = NULL;
    if (!*v || !(isdigit((unsigned char)*v) || *v == '-' || *v == '+' || *v == '.'))
        return -1;
    double d = strtod(v, &end);
    if (*end || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

static int parse_time(struct qparser *p, const char *v, size_t vpos, int64_t *out)
{
    int64_t d;
    char q[64];
    if (ts_parse_duration(v, &d) == 0 && d >= 0) {
        *out = p->now - d;
        return 0;
    }
    if (ts_parse(v, strlen(v), p->tz, out, NULL) == 0)
        return 0;
    return qp_fail(p, vpos, "bad time '%s' at col %d; expected a duration (90s, 15m, 2h, "
                   "7d) or a time (RFC 3339 or YYYY-MM-DD HH:MM[:SS])",
                   qp_quote(q, v, strlen(v)), qp_col(p, vpos));
}

static int type_level(struct qparser *p, struct pnode *n, size_t vpos)
{
    char q[64];
    int l = level_parse(n->s, strlen(n->s));
    if (l < 0 && strcasecmp(n->s, "unknown") == 0)
        l = LVL_UNKNOWN;   /* lines that parsed as nothing */
    if (l < 0)
        return qp_fail(p, vpos, "unknown level '%s' at col %d; expected one of trace, "
                       "debug, info, notice, warning, error, critical",
                       qp_quote(q, n->s, strlen(n->s)), qp_col(p, vpos));
    n->vtype = PV_INT;
    n->i = l;
    return 0;
}

static int type_format(struct qparser *p, struct pnode *n, size_t vpos)
{
    char q[64];
    int f = fmt_parse(n->s);
    if (f <= FMT_AUTO)
        return qp_fail(p, vpos, "unknown format '%s' at col %d; expected one of json, "
                       "python, loguru, logfmt, syslog, raw",
                       qp_quote(q, n->s, strlen(n->s)), qp_col(p, vpos));
    n->vtype = PV_INT;
    n->i = f;
    return 0;
}

/* A number; for duration also "1.5s", "250ms" (converted to ms). */
static int type_number(struct qparser *p, struct pnode *n, const char *fname, size_t vpos)
{
    char q[64];
    int64_t us;
    n->vtype = PV_NUM;
    if (parse_number(n->s, &n->num) == 0)
        return 0;
    if (n->field == PF_DURATION && ts_parse_duration(n->s, &us) == 0) {
        n->num = (double)us / 1000.0;
        return 0;
    }
    return qp_fail(p, vpos, "bad number '%s' at col %d; expected a number for '%s'",
                   qp_quote(q, n->s, strlen(n->s)), qp_col(p, vpos), fname);
}

/* Types n->s for n->field and n->op; fails with the column of the value. */
static int type_value(struct qparser *p, struct pnode *n, const char *fname, size_t vpos)
{
    char q[64];
    int f = n->field;
    if (n->op == POP_EXISTS)
        return 0;
    if (n->op == POP_GLOB && (f == PF_LEVEL || f == PF_FORMAT || f == PF_TS))
        return qp_fail(p, vpos, "'*' in the value of '%s' at col %d; expected %s", fname,
                       qp_col(p, vpos), f == PF_LEVEL ? "a level name (error, warning, ...)"
                       : f == PF_FORMAT ? "a format name (json, python, ...)" : "a time");
    if (n->op == POP_GLOB)
        return 0;
    switch (f) {
    case PF_LEVEL: return type_level(p, n, vpos);
    case PF_FORMAT: return type_format(p, n, vpos);
    case PF_TS:
        n->vtype = PV_INT;
        return parse_time(p, n->s, vpos, &n->i);
    case PF_DURATION: case PF_STATUS: case PF_MVALUE:
        return type_number(p, n, fname, vpos);
    case PF_JSON:
        if (parse_number(n->s, &n->num) == 0)
            n->vtype = PV_NUM;
        return 0;
    default:
        (void)q;
        return 0;
    }
}

/* Reads the value after ':' or an operator into n->s; sets n->op from
 * *op_eq (':' means equality, glob or exists). */
static int read_value(struct qparser *p, struct pnode *n, const char *fname, int colon,
                      size_t *vpos)
{
    *vpos = p->pos;
    int quoted = p->pos < p->n && p->s[p->pos] == '"';
    size_t len = 0;
    if (quoted) {
        n->s = read_quoted(p, &len);
        return n->s ? 0 : -1;
    }
    size_t start = p->pos;
    while (p->pos < p->n && !qp_is_space(p->s[p->pos]) && p->s[p->pos] != ')')
        p->pos++;
    /* since:2024-01-01 10:00 — a date then a clock is one time value. */
    if (n->field == PF_TS && p->pos - start == 10 && p->pos + 3 < p->n &&
        p->s[p->pos] == ' ' && isdigit((unsigned char)p->s[p->pos + 1]) &&
        isdigit((unsigned char)p->s[p->pos + 2]) && p->s[p->pos + 3] == ':')
        for (p->pos++; p->pos < p->n && !qp_is_space(p->s[p->pos]) && p->s[p->pos] != ')';)
            p->pos++;
    len = p->pos - start;
    if (len == 0)
        return qp_fail(p, start, "empty value for '%s' at col %d; expected a value after "
                       "%s", fname, qp_col(p, start), colon ? "':'" : "the operator");
    if (!(n->s = strndup(p->s + start, len)))
        return qp_fail(p, start, "out of memory compiling the query");
    if (colon && len == 1 && n->s[0] == '*')
        n->op = POP_EXISTS;
    else if (colon && memchr(n->s, '*', len))
        n->op = POP_GLOB;
    return 0;
}

/* Reads ':' or an operator; returns 1 for ':', 0 for a comparison. */
static int read_op(struct qparser *p, struct pnode *n)
{
    char c = p->s[p->pos++];
    int eq = p->pos < p->n && p->s[p->pos] == '=';
    if (c == ':') {
        n->op = POP_EQ;
        return 1;
    }
    if (eq)
        p->pos++;
    n->op = c == '>' ? (eq ? POP_GE : POP_GT) : (eq ? POP_LE : POP_LT);
    return 0;
}

/* Compiles pattern to check it (the store compiles it again per query);
 * an error names the column of the term. */
static int check_regex(struct qparser *p, struct pnode *n, size_t pos)
{
    regex_t re;
    int rc = regcomp(&re, n->s, REG_EXTENDED | REG_NOSUB | (n->icase ? REG_ICASE : 0));
    if (rc == 0) {
        regfree(&re);
        return 0;
    }
    char why[128];
    regerror(rc, &re, why, sizeof why);
    return qp_fail(p, pos, "bad regular expression at col %d: %s; expected a POSIX extended "
                   "regular expression", qp_col(p, pos), why);
}

/* At '/': /pattern/ or /pattern/i, a regex over the whole record text.
 * Returns NULL (not failing) when the word is not of that form, so that
 * "/api/v1/tts" stays a word; \/ stands for a '/' inside the pattern. */
static struct pnode *regex_term(struct qparser *p)
{
    size_t start = p->pos, i = start + 1, end;
    while (i < p->n && p->s[i] != '/')
        i += (p->s[i] == '\\' && i + 1 < p->n) ? 2 : 1;
    if (i >= p->n || i == start + 1)
        return NULL;
    end = i + 1;
    int icase = end < p->n && p->s[end] == 'i';
    size_t after = end + (size_t)icase;
    if (after < p->n && !qp_is_space(p->s[after]) && p->s[after] != ')')
        return NULL;
    struct pnode *n = qp_node(p, PK_REGEX, start);
    if (!n)
        return NULL;
    n->field = -1;
    n->icase = icase;
    size_t k = 0;
    if (!(n->s = malloc(i - start))) {
        qp_node_free(n);
        qp_fail(p, start, "out of memory compiling the query");
        return NULL;
    }
    for (size_t j = start + 1; j < i; j++) {
        if (p->s[j] == '\\' && j + 1 < i && p->s[j + 1] == '/')
            j++;
        n->s[k++] = p->s[j];
    }
    n->s[k] = '\0';
    p->pos = after;
    if (check_regex(p, n, start) < 0) {
        qp_node_free(n);
        return NULL;
    }
    return n;
}

/* field~pattern or field~"pattern": a regex over one field's text. */
static struct pnode *field_regex(struct qparser *p, size_t start, const char *fname)
{
    struct pnode *n = qp_node(p, PK_REGEX, start);
    if (!n)
        return NULL;
    p->pos++;   /* '~' */
    size_t vpos = p->pos;
    int field = query_field(fname);
    n->field = field;
    if (field == PF_JSON && !(n->path = strdup(fname)))
        goto fail;
    if (read_value(p, n, fname, 0, &vpos) < 0 || check_regex(p, n, vpos) < 0)
        goto fail;
    n->op = POP_EQ;
    return n;
fail:
    qp_node_free(n);
    return NULL;
}

static struct pnode *field_term(struct qparser *p, size_t start, size_t nlen)
{
    char fname[128], q[64];
    if (nlen >= sizeof fname) {
        qp_fail(p, start, "field name '%s' at col %d is too long; expected at most %zu "
                "characters", qp_quote(q, p->s + start, nlen), qp_col(p, start), sizeof fname - 1);
        return NULL;
    }
    memcpy(fname, p->s + start, nlen);
    fname[nlen] = '\0';
    if (p->s[p->pos] == '~')
        return field_regex(p, start, fname);
    int is_since = strcasecmp(fname, "since") == 0, is_until = strcasecmp(fname, "until") == 0;
    struct pnode *n = qp_node(p, PK_CMP, start);
    if (!n)
        return NULL;
    size_t oppos = p->pos, vpos = 0;
    int colon = read_op(p, n);
    if ((is_since || is_until) && !colon) {
        qp_fail(p, oppos, "'%s' at col %d takes ':'; expected %s:15m or %s:2024-01-01T10:00Z",
                fname, qp_col(p, oppos), fname, fname);
        goto fail;
    }
    n->field = (is_since || is_until) ? PF_TS : query_field(fname);
    if (n->field == PF_JSON && !(n->path = strdup(fname)))
        goto fail;
    if (read_value(p, n, fname, colon, &vpos) < 0)
        goto fail;
    if ((is_since || is_until) && n->op != POP_EQ) {
        qp_fail(p, vpos, "'%s' at col %d needs a time; expected a duration (15m) or a time, "
                "not a pattern", fname, qp_col(p, vpos));
        goto fail;
    }
    if (is_since || is_until)
        n->op = is_since ? POP_GE : POP_LE;
    if (type_value(p, n, fname, vpos) < 0)
        goto fail;
    return n;
fail:
    qp_node_free(n);
    return NULL;
}

struct pnode *qp_term(struct qparser *p)
{
    size_t start = p->pos, i = p->pos;
    char c = p->s[i];
    if (c == ':' || c == '<' || c == '>') {
        qp_fail(p, start, "'%c' at col %d has no field name before it; expected "
                "field%cvalue", c, qp_col(p, start), c);
        return NULL;
    }
    if (c == '/') {
        struct pnode *re = regex_term(p);
        if (re || p->failed)
            return re;
    }
    if (name_start(c)) {
        while (i < p->n && name_char(p->s[i]))
            i++;
        if (i < p->n && (p->s[i] == ':' || p->s[i] == '<' || p->s[i] == '>' || p->s[i] == '~')) {
            p->pos = i;
            return field_term(p, start, i - start);
        }
    }
    return word(p);
}
