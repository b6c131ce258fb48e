/* logfmt: logfmt lines (see logfmt.h). One pass: each pair is
 * unescaped into the arena, offered to the well-known-key rules and
 * appended to the fields object. */
#include "src/parse/logfmt.h"

#include <string.h>

static int key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-' || c == '@' || c == '/';
}

/* A quoted value starting after the opening quote: unescaped into the
 * arena. Returns the position after the closing quote, or NULL. */
static const char *quoted(struct parse_env *env, const char *p, const char *end,
                          char **out, size_t *on)
{
    char *d = parse_arena_alloc(env->arena, (size_t)(end - p) + 1);
    size_t k = 0;
    for (; p < end && *p != '"'; p++) {
        if (*p == '\\' && p + 1 < end) {
            char c = *++p;
            d[k++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
        } else {
            d[k++] = *p;
        }
    }
    d[k] = '\0';
    *out = d;
    *on = k;
    return p < end ? p + 1 : NULL;
}

struct pair {
    const char *key;
    size_t kn;
    char *val;
    size_t vn;
    int quoted, flag;
};

/* Reads one pair at p. Returns the position after it, or NULL if the text
 * there is not a pair (strict mode) or is malformed. */
static const char *next_pair(struct parse_env *env, const char *p, const char *end,
                             struct pair *pr)
{
    const char *k = p;
    while (p < end && key_char(*p))
        p++;
    memset(pr, 0, sizeof *pr);
    pr->key = k;
    pr->kn = (size_t)(p - k);
    if (!pr->kn)
        return NULL;
    if (p >= end || *p != '=') {
        if (!env->loose || (p < end && *p != ' '))
            return NULL;
        pr->flag = 1;
        return p;
    }
    p++;
    if (p < end && *p == '"') {
        pr->quoted = 1;
        p = quoted(env, p + 1, end, &pr->val, &pr->vn);
        if (!p && !env->loose)
            return NULL;
        return p ? p : end;
    }
    const char *v = p;
    while (p < end && *p != ' ')
        p++;
    pr->vn = (size_t)(p - v);
    pr->val = parse_arena_dup(env->arena, v, pr->vn);
    return p;
}

static void add_pair(struct parse_env *env, struct record *r, struct parse_pick *pk,
                     struct parse_jw *w, const struct pair *pr)
{
    if (pr->flag) {
        parse_jw_raw(w, pr->key, pr->kn, "true", 4);
        return;
    }
    if (!pr->quoted && parse_is_json_number(pr->val, pr->vn))
        parse_jw_raw(w, pr->key, pr->kn, pr->val, pr->vn);
    else
        parse_jw_str(w, pr->key, pr->kn, pr->val, pr->vn);
    char key[64];
    int prio = 0, role;
    if (pr->kn >= sizeof key)
        return;
    memcpy(key, pr->key, pr->kn);
    key[pr->kn] = '\0';
    role = parse_key_role(key, &prio);
    if (role != ROLE_NONE)
        parse_offer_str(env, r, pk, role, prio, pr->val, pr->vn);
}

int parse_logfmt(struct parse_env *env, const char *s, size_t n, struct record *r)
{
    const char *p = s, *end = s + n;
    struct parse_pick pk;
    struct parse_jw w;
    struct pair pr;
    int npairs = 0, nflags = 0;
    parse_pick_init(&pk);
    parse_jw_begin(&w, env->scratch);
    while (p < end) {
        while (p < end && *p == ' ')
            p++;
        if (p >= end)
            break;
        p = next_pair(env, p, end, &pr);
        if (!p)
            return 0;
        add_pair(env, r, &pk, &w, &pr);
        pr.flag ? nflags++ : npairs++;
    }
    if (npairs < (env->loose ? 1 : 2))
        return 0;
    r->format = FMT_LOGFMT;
    parse_jw_end(&w);
    r->fields = parse_arena_dup(env->arena, w.b->data, w.b->len);
    if (!r->msg)
        r->msg = parse_arena_dup(env->arena, s, n), r->msg_len = n;
    if (!r->cid)
        parse_text_cid(env, r, s, n);
    (void)nflags;
    return 1;
}
