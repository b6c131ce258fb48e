/* layout: learned and user-named layouts of timestamped text logs (see
 * layout.h). Hot path: layout_parse() -> apply(): walk to a field, run a
 * compiled timestamp form, read one token for the level, copy the message. */
#include "src/parse/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/base/namedre.h"
#include "src/base/tsform.h"

#define MAX_LAYOUTS 4
#define MAX_FIELD 16       /* fields searched for a time when learning */
#define MAX_LEARN_BYTES 512
#define LVL_SCAN 8         /* tokens after the time searched for a level */
#define LVL_BEFORE 4       /* and fields before it ("[INFO] 2024-01-05 ...") */
#define LVL_POS (LVL_SCAN + LVL_BEFORE)   /* level positions: after, then before */
#define VOTE_LINES 20      /* lines whose level position is voted on */
#define LVL_NONE (-1)
#define GIVE_UP 1000       /* lines without a time before learning stops */

enum { SKIP_NONE, SKIP_OPEN, SKIP_PRI };

struct lay {
    const struct tsform *form;
    int field, skip;
    int lvl;                     /* level position (< LVL_SCAN: token after the time,
                                    else field lvl - LVL_SCAN of the line), or LVL_NONE */
    int letters;                 /* logcat letters count as levels */
    int votes[LVL_POS + 1];      /* [LVL_POS]: lines with no level word */
    int letter_votes[LVL_POS];   /* of which single letters (MongoDB's "I  NETWORK") */
    int voted;
    int64_t fit;
};

struct layout_set {
    struct lay lay[MAX_LAYOUTS];
    int n, cur;
    int64_t misses;              /* lines that taught nothing, before any layout */
    int has_form, has_re;
    struct tsform form;          /* the user's ts_format */
    struct namedre re;           /* the user's regex */
    int g_ts, g_level, g_msg;
    const struct tsform *re_form;   /* form found in the ts group (no ts_format) */
    int64_t re_fit;
};

static int is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static int is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* --- set-up ------------------------------------------------------------- */

struct layout_set *layout_new(const char *regex, const char *ts_form, struct err *e)
{
    struct layout_set *ls = calloc(1, sizeof *ls);
    size_t at;
    const char *why;
    char buf[256];
    if (!ls) {
        err_set(e, "out of memory");
        return NULL;
    }
    if (ts_form && *ts_form) {
        if (tsform_compile(&ls->form, ts_form, &at, &why) < 0) {
            err_setc(e, 2, "ts_format '%s', at character %zu: %s", ts_form, at + 1, why);
            free(ls);
            return NULL;
        }
        ls->has_form = 1;
    }
    if (regex && *regex) {
        if (namedre_compile(&ls->re, regex, &at, buf, sizeof buf) < 0) {
            err_setc(e, 2, "layout regex, at character %zu: %s", at + 1, buf);
            free(ls);
            return NULL;
        }
        ls->has_re = 1;
        ls->g_ts = namedre_group(&ls->re, "ts");
        ls->g_level = namedre_group(&ls->re, "level");
        ls->g_msg = namedre_group(&ls->re, "msg");
        if (ls->g_ts < 0) {
            err_setc(e, 2, "layout regex: it needs a (?<ts>...) group for the time");
            layout_free(ls);
            return NULL;
        }
    }
    return ls;
}

void layout_free(struct layout_set *ls)
{
    if (!ls)
        return;
    if (ls->has_re)
        namedre_fini(&ls->re);
    free(ls);
}

/* --- tokens ------------------------------------------------------------- */

/* Start of whitespace-separated field k, or -1. */
static long field_start(const char *s, size_t n, int k)
{
    size_t i = 0;
    while (i < n && is_ws(s[i]))
        i++;
    for (int f = 0; f < k; f++) {
        while (i < n && !is_ws(s[i]))
            i++;
        while (i < n && is_ws(s[i]))
            i++;
    }
    return i < n ? (long)i : -1;
}

/* After the optional prefix of a field: '[', '(' or '<', or "<PRI>". */
static long skip_prefix(const char *s, size_t n, size_t i, int mode)
{
    if (mode == SKIP_NONE)
        return (long)i;
    if (mode == SKIP_OPEN)
        return i < n && (s[i] == '[' || s[i] == '(' || s[i] == '<') ? (long)i + 1 : -1;
    size_t j = i + 1;
    if (i >= n || s[i] != '<')
        return -1;
    while (j < n && j - i <= 3 && s[j] >= '0' && s[j] <= '9')
        j++;
    return j > i + 1 && j < n && s[j] == '>' ? (long)j + 1 : -1;
}

/* Token idx of s[from..n): a token glued to the time ("]" in "2005] x")
 * is token 0. Returns its start and sets *len, or -1. */
static long token(const char *s, size_t n, size_t from, int idx, size_t *len)
{
    size_t i = from;
    if (i < n && is_ws(s[i]))
        while (i < n && is_ws(s[i]))
            i++;
    for (int k = 0; k < idx && i < n; k++) {
        while (i < n && !is_ws(s[i]))
            i++;
        while (i < n && is_ws(s[i]))
            i++;
    }
    if (i >= n)
        return -1;
    size_t j = i;
    while (j < n && !is_ws(s[j]))
        j++;
    *len = j - i;
    return (long)i;
}

static int letter_level(char c)
{
    switch (c) {
    case 'V': return LVL_TRACE;
    case 'D': return LVL_DEBUG;
    case 'I': return LVL_INFO;
    case 'W': return LVL_WARNING;
    case 'E': return LVL_ERROR;
    case 'F': case 'A': return LVL_CRITICAL;
    }
    return -1;
}

int layout_level_word(const char *s, size_t n, int flags)
{
    const char *s0 = s, *end = s + n;
    while (s < end && strchr("[(<{])|", *s))
        s++;
    /* The word: up to the first byte that is not part of a level name
     * ("ERROR" in "][ERROR][o.e.Node]", "core:error" in "[core:error]"). */
    const char *w = s;
    while (w < end && (is_alnum(*w) || *w == ':' || *w == '_' || *w == '-'))
        w++;
    while (w > s && w[-1] == ':')
        w--;   /* "INFO:" */
    if (w < end && !strchr("])>}:,;|./", *w))
        return -1;
    int bracketed = (s != s0 && strchr("[(<{|", s[-1])) || (w < end && strchr("])>}|", *w));
    n = (size_t)(w - s);
    if ((flags & LAYOUT_LETTERS) && n && (n == 1 || s[1] == '/'))
        return letter_level(s[0]);
    const char *c = n ? memrchr(s, ':', n) : NULL;
    if (c) {   /* Apache 2.4: "[core:error]" */
        n -= (size_t)(c + 1 - s);
        s = c + 1;
    }
    if (n == 6 && strncasecmp(s, "trace", 5) == 0 && s[5] >= '1' && s[5] <= '8')
        return LVL_TRACE;   /* Apache's trace1..trace8 */
    if (n == 3 && memcmp(s, "LOG", 3) == 0)
        return LVL_INFO;    /* PostgreSQL */
    if (n < 3 || n > 13)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
            return -1;
    /* A plain lower-case word ("error" in "handshake error") is prose;
     * levels are written INFO, Info or [info]. */
    if (!(flags & LAYOUT_ANY_CASE) && !bracketed && !(s[0] >= 'A' && s[0] <= 'Z'))
        return -1;
    return level_parse(s, n);
}

/* --- learning ----------------------------------------------------------- */

/* The forms to try: the user's ts_format, or every built-in one. */
static int forms(const struct layout_set *ls, const struct tsform **out, int max)
{
    if (ls->has_form) {
        out[0] = &ls->form;
        return 1;
    }
    int n = 0;
    while (n < max && (out[n] = tsform_builtin(n)))
        n++;
    return n;
}

/* The leftmost time in the line's first fields, in any form. */
static int learn(const struct layout_set *ls, const struct parse_env *env, const char *s,
                 size_t n, struct lay *out)
{
    const struct tsform *fs[32];
    int nf = forms(ls, fs, 32);
    size_t i = 0;
    while (i < n && is_ws(s[i]))
        i++;
    for (int f = 0; f < MAX_FIELD && i < n && i < MAX_LEARN_BYTES; f++) {
        int nsk = s[i] == '<' ? 3 : strchr("[(", s[i]) ? 2 : 1;
        for (int sk = SKIP_NONE; sk < nsk; sk++) {
            long p = skip_prefix(s, n, i, sk);
            if (p < 0 || (size_t)p >= n || !is_alnum(s[p]))
                continue;
            for (int k = 0; k < nf; k++) {
                struct tsform_val v;
                int64_t t;
                if (!tsform_match(fs[k], s + p, n - (size_t)p, &v) ||
                    tsform_time(fs[k], &v, &env->tz, env->ref_us, &t) < 0)
                    continue;
                memset(out, 0, sizeof *out);
                out->form = fs[k], out->field = f, out->skip = sk, out->lvl = LVL_NONE;
                out->letters = strcmp(fs[k]->text, "MM-dd HH:mm:ss[.SSS]") == 0;
                return 1;
            }
        }
        while (i < n && !is_ws(s[i]))
            i++;
        while (i < n && is_ws(s[i]))
            i++;
    }
    return 0;
}

/* The level at position pos (see struct lay), or -1; *lend: the end of
 * its token when it follows the time (the message starts there). */
static int level_at(const struct lay *L, const char *s, size_t n, size_t after, int pos,
                    size_t *lend)
{
    size_t tl;
    long t;
    int flags = L->letters ? LAYOUT_LETTERS : 0, level;
    if (pos < LVL_SCAN) {
        if ((t = token(s, n, after, pos, &tl)) < 0 ||
            (level = layout_level_word(s + t, tl, flags)) < 0)
            return -1;
        *lend = (size_t)t + tl;
        return level;
    }
    if ((t = field_start(s, n, pos - LVL_SCAN)) < 0 || (size_t)t >= after)
        return -1;
    for (tl = 0; (size_t)t + tl < after && !is_ws(s[t + (long)tl]); tl++)
        ;
    return layout_level_word(s + t, tl, flags);
}

/* While voting: the first level word after the time (else before it); its
 * position gets a vote and the most voted position becomes the layout's. */
static int vote(struct lay *L, const char *s, size_t n, size_t after, size_t *lend)
{
    int idx = LVL_POS, level = -1;
    for (int k = 0; k < LVL_POS && level < 0; k++)
        if (k < LVL_SCAN || k - LVL_SCAN < L->field)
            if ((level = level_at(L, s, n, after, k, lend)) >= 0)
                idx = k;
    for (int k = 0; k < 3 && level < 0 && !L->letters; k++) {
        /* a single capital D I W E F V right after the time: a severity letter */
        size_t tl;
        long t = token(s, n, after, k, &tl);
        if (t >= 0 && tl == 1 && strchr("DIWEFV", s[t]) && s[t])
            level = letter_level(s[t]), idx = k, L->letter_votes[k]++, *lend = (size_t)t + 1;
    }
    L->votes[idx]++;
    L->voted++;
    int best = 0;
    for (int k = 1; k < LVL_POS; k++)
        if (L->votes[k] > L->votes[best])
            best = k;
    /* A position that holds a level on a third of the lines or more: a
     * level word here and there in level-less lines is message text. */
    L->lvl = L->votes[best] && L->votes[best] * 3 >= L->voted ? best : LVL_NONE;
    if (L->voted == VOTE_LINES && L->lvl != LVL_NONE && L->letter_votes[L->lvl] * 2 > L->votes[L->lvl])
        L->letters = 1;
    return level;
}

/* --- applying ----------------------------------------------------------- */

static void set_msg(struct parse_env *env, struct record *r, const char *s, size_t n, size_t m)
{
    while (m < n && (is_ws(s[m]) || strchr("-:|]),", s[m])))
        m++;
    r->msg = parse_arena_dup(env->arena, s + m, n - m);
    r->msg_len = n - m;
}

/* A "[...]" group at s[i] (brackets may nest, spaces inside): its end, or 0. */
static size_t bracket_end(const char *s, size_t n, size_t i)
{
    int depth = 0;
    for (size_t k = i; k < n && k < i + 200; k++) {
        depth += (s[k] == '[') - (s[k] == ']');
        if (depth == 0)
            return k + 1;
    }
    return 0;
}

static int logger_char(char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '$' || c == '-';
}

/* log4j's "LEVEL [thread] logger.Class: message" / "... logger - message"
 * after the level (at m): the logger goes to r->logger, the thread to the
 * fields, the message starts after them. Conservative: a dotted name right
 * after at most one bracket group, ended by ':' or " - "; else nothing
 * changes and the message keeps them. Returns where the message starts. */
static size_t logger_after_level(struct parse_env *env, struct record *r, const char *s,
                                 size_t n, size_t m)
{
    size_t i = m, th = 0, the = 0;
    while (i < n && is_ws(s[i]))
        i++;
    if (i < n && s[i] == '[') {
        if (!(the = bracket_end(s, n, i)))
            return m;
        th = i + 1;
        for (i = the; i < n && is_ws(s[i]); i++)
            ;
    }
    size_t lg = i, dots = 0;
    while (i < n && logger_char(s[i]))
        dots += s[i] == '.' || s[i] == '$', i++;
    size_t le = i;
    if (!dots || le == lg || !(s[lg] >= 'A' && s[lg] <= 'Z') == !(s[lg] >= 'a' && s[lg] <= 'z'))
        return m;
    if (i < n && s[i] == ':' && (i + 1 == n || is_ws(s[i + 1])))
        i++;
    else if (i + 3 <= n && memcmp(s + i, " - ", 3) == 0)
        i += 3;
    else
        return m;
    r->logger = parse_arena_dup(env->arena, s + lg, le - lg);
    if (th) {
        struct parse_jw w;
        parse_jw_begin(&w, env->scratch);
        parse_jw_str(&w, "thread", 6, s + th, the - 1 - th);
        parse_jw_end(&w);
        r->fields = parse_arena_dup(env->arena, w.b->data, w.b->len);
    }
    return i;
}

static int apply(struct lay *L, struct parse_env *env, const char *s, size_t n, struct record *r)
{
    long i = field_start(s, n, L->field);
    if (i < 0 || (i = skip_prefix(s, n, (size_t)i, L->skip)) < 0)
        return 0;
    struct tsform_val v;
    size_t used = tsform_match(L->form, s + i, n - (size_t)i, &v);
    int64_t ts;
    if (!used || tsform_time(L->form, &v, &env->tz, env->ref_us, &ts) < 0)
        return 0;
    size_t after = (size_t)i + used, lend = after;
    int level = -1;
    if (L->voted < VOTE_LINES)
        level = vote(L, s, n, after, &lend);
    else if (L->lvl != LVL_NONE)
        level = level_at(L, s, n, after, L->lvl, &lend);
    r->format = FMT_LAYOUT;
    r->ts = ts, r->ts_guessed = 0;
    r->level = level < 0 ? LVL_UNKNOWN : level;
    if (level >= 0 && L->lvl < LVL_SCAN && lend > after)
        lend = logger_after_level(env, r, s, n, lend);
    set_msg(env, r, s, n, lend);
    parse_text_cid(env, r, s, n);
    L->fit++;
    return 1;
}

/* --- user regex --------------------------------------------------------- */

static int apply_re(struct layout_set *ls, struct parse_env *env, const char *s, size_t n,
                    struct record *r)
{
    regmatch_t m[NAMEDRE_MAX_GROUPS + 1];
    char *z = parse_arena_dup(env->arena, s, n);
    if (regexec(&ls->re.re, z, NAMEDRE_MAX_GROUPS + 1, m, 0) != 0 || m[ls->g_ts].rm_so < 0)
        return 0;
    const char *t = z + m[ls->g_ts].rm_so;
    size_t tn = (size_t)(m[ls->g_ts].rm_eo - m[ls->g_ts].rm_so);
    struct tsform_val v;
    int64_t ts;
    const struct tsform *tf = ls->has_form ? &ls->form : ls->re_form;
    if (!tf || !tsform_match(tf, t, tn, &v)) {
        tf = NULL;
        for (int k = 0; !ls->has_form && !tf && tsform_builtin(k); k++)
            if (tsform_match(tsform_builtin(k), t, tn, &v))
                tf = ls->re_form = tsform_builtin(k);
    }
    if (!tf || tsform_time(tf, &v, &env->tz, env->ref_us, &ts) < 0)
        return 0;
    r->format = FMT_LAYOUT;
    r->ts = ts, r->ts_guessed = 0;
    r->level = LVL_UNKNOWN;
    if (ls->g_level > 0 && m[ls->g_level].rm_so >= 0) {
        int l = layout_level_word(z + m[ls->g_level].rm_so,
                                  (size_t)(m[ls->g_level].rm_eo - m[ls->g_level].rm_so),
                                  LAYOUT_LETTERS | LAYOUT_ANY_CASE);
        r->level = l < 0 ? LVL_UNKNOWN : l;
    }
    if (ls->g_msg > 0 && m[ls->g_msg].rm_so >= 0) {
        r->msg = z + m[ls->g_msg].rm_so;
        r->msg_len = (size_t)(m[ls->g_msg].rm_eo - m[ls->g_msg].rm_so);
    } else {
        r->msg = z, r->msg_len = n;
    }
    struct parse_jw w;
    parse_jw_begin(&w, env->scratch);
    for (int g = 1; g <= ls->re.ngroups && g <= NAMEDRE_MAX_GROUPS; g++)
        if (ls->re.name[g] && g != ls->g_ts && g != ls->g_level && g != ls->g_msg &&
            m[g].rm_so >= 0)
            parse_jw_str(&w, ls->re.name[g], strlen(ls->re.name[g]), z + m[g].rm_so,
                         (size_t)(m[g].rm_eo - m[g].rm_so));
    if (w.n) {
        parse_jw_end(&w);
        r->fields = parse_arena_dup(env->arena, w.b->data, w.b->len);
    }
    parse_text_cid(env, r, s, n);
    ls->re_fit++;
    return 1;
}

/* --- the entry point ---------------------------------------------------- */

int layout_parse(struct layout_set *ls, struct parse_env *env, const char *s, size_t n,
                 struct record *r, int learn_ok)
{
    if (ls->has_re)
        return apply_re(ls, env, s, n, r);
    if (ls->n && apply(&ls->lay[ls->cur], env, s, n, r))
        return 1;
    for (int k = 0; k < ls->n; k++)
        if (k != ls->cur && apply(&ls->lay[k], env, s, n, r)) {
            ls->cur = k;
            return 1;
        }
    if (!learn_ok || (!ls->n && ls->misses >= GIVE_UP))
        return 0;
    struct lay L;
    if (!learn(ls, env, s, n, &L)) {
        ls->misses += !ls->n;
        return 0;
    }
    /* A later line with a time deep inside is prose, not a new layout. */
    if (ls->n && L.field > 3 && L.field > ls->lay[ls->cur].field)
        return 0;
    for (int k = 0; k < ls->n; k++)
        if (ls->lay[k].form == L.form && ls->lay[k].field == L.field && ls->lay[k].skip == L.skip)
            return 0;
    int slot = ls->n < MAX_LAYOUTS ? ls->n++ : 0;
    for (int k = 0; k < ls->n; k++)
        if (ls->n == MAX_LAYOUTS && ls->lay[k].fit < ls->lay[slot].fit)
            slot = k;
    ls->lay[slot] = L;
    ls->cur = slot;
    return apply(&ls->lay[slot], env, s, n, r);
}

/* --- description -------------------------------------------------------- */

static void describe_one(const struct lay *L, char *buf, size_t bufsz)
{
    static const char *const skips[] = {"", " after '[', '(' or '<'", " after <PRI>"};
    char lv[64];
    if (L->lvl == LVL_NONE)
        snprintf(lv, sizeof lv, "no level");
    else if (L->lvl >= LVL_SCAN)
        snprintf(lv, sizeof lv, "level word at field %d", L->lvl - LVL_SCAN + 1);
    else
        snprintf(lv, sizeof lv, "level %s at token %d after the time",
                 L->letters ? "letter or word" : "word", L->lvl + 1);
    snprintf(buf, bufsz, "time at field %d%s as '%s', %s", L->field + 1, skips[L->skip],
             L->form->text, lv);
}

static int by_fit(const struct layout_set *ls, int rank)
{
    int order[MAX_LAYOUTS];
    for (int k = 0; k < ls->n; k++)
        order[k] = k;
    for (int a = 0; a < ls->n; a++)
        for (int b = a + 1; b < ls->n; b++)
            if (ls->lay[order[b]].fit > ls->lay[order[a]].fit) {
                int t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
    return order[rank];
}

size_t layout_describe(const struct layout_set *ls, char *buf, size_t bufsz)
{
    size_t o = 0;
    char one[200];
    if (!bufsz)
        return 0;
    buf[0] = '\0';
    if (ls->has_re) {
        snprintf(buf, bufsz, "config layout: regex, time as '%s'; fitted %lld lines\n",
                 ls->has_form ? ls->form.text : ls->re_form ? ls->re_form->text : "(learned)",
                 (long long)ls->re_fit);
        return strlen(buf);
    }
    for (int k = 0; k < ls->n && o + 1 < bufsz; k++) {
        const struct lay *L = &ls->lay[by_fit(ls, k)];
        describe_one(L, one, sizeof one);
        int w = snprintf(buf + o, bufsz - o, "layout %d: %s; fitted %lld lines\n", k + 1, one,
                         (long long)L->fit);
        o = w < 0 ? o : o + (size_t)w >= bufsz ? bufsz - 1 : o + (size_t)w;
    }
    return o;
}

void layout_name(const struct layout_set *ls, char *buf, size_t bufsz)
{
    if (ls->has_re)
        snprintf(buf, bufsz, "config regex");
    else if (ls->n)
        describe_one(&ls->lay[by_fit(ls, 0)], buf, bufsz);
    else if (bufsz)
        buf[0] = '\0';
}

int64_t layout_fitted(const struct layout_set *ls)
{
    int64_t t = ls->re_fit;
    for (int k = 0; k < ls->n; k++)
        t += ls->lay[k].fit;
    return t;
}
