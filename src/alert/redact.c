/* redact: secret removal for everything sent out (see redact.h). A single
 * left-to-right scan: at each token start it tries, in order, a secret-named
 * URL's password, an AWS secret key (when the text holds an AWS key id), a
 * secret-named key with its value, a bearer/basic credential, a JWT, a
 * prefixed API key and a card number; anything else is copied. */
#include "src/alert/redact.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct out {
    char *p;
    size_t len, cap;
    int oom;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->oom)
        return;
    if (o->len + n + 1 > o->cap) {
        size_t nc = (o->len + n + 1) * 2;
        char *np = realloc(o->p, nc);
        if (!np) {
            o->oom = 1;
            return;
        }
        o->p = np;
        o->cap = nc;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static int is_word(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-';
}

/* Characters of a token value (keys, JWT parts, base64, url-safe). */
static int is_tok(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '.' || c == '+' || c == '/' ||
           c == '=' || c == '~';
}

static size_t tok_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_tok((unsigned char)s[i]))
        i++;
    while (i > 0 && (s[i - 1] == '.' || s[i - 1] == '='))   /* sentence end */
        i--;
    if (i < n && s[i] == '=')
        while (i < n && s[i] == '=')   /* base64 padding */
            i++;
    return i;
}

static const char *const secret_words[] = {
    "password", "passwd", "pwd", "secret", "token", "api_key", "apikey", "api-key",
    "access_key", "accesskey", "private_key", "credential", "authorization", "auth",
    "cookie", "session", "signature", "x-api-key",
};

int redact_is_secret_key(const char *key, size_t n)
{
    char low[128];
    if (n == 0 || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)key[i]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof secret_words / sizeof secret_words[0]; i++) {
        const char *w = secret_words[i], *at = low;
        size_t wl = strlen(w);
        while ((at = strstr(at, w))) {
            /* "auth" is a word of its own: author, authority are not secrets */
            if (strcmp(w, "auth") != 0 || !isalpha((unsigned char)at[wl]))
                return 1;
            at += wl;
        }
    }
    return 0;
}

/* 1 if s starts another key=value / key: value pair (a word, then = or :). */
static int next_is_pair(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && (is_word((unsigned char)s[k]) || s[k] == '.'))
        k++;
    return k > 0 && k < n && (s[k] == '=' || (s[k] == ':' && (k + 1 == n || s[k + 1] == ' ')));
}

/* key ["]? (=|:) spaces ["]? value: the offset of the value and its
 * length, or 0 when s does not start a secret key/value. */
static size_t secret_kv(const char *s, size_t n, size_t *vstart, size_t *vlen)
{
    size_t k = 0;
    while (k < n && (is_word((unsigned char)s[k]) || s[k] == '.'))
        k++;
    if (k == 0 || !redact_is_secret_key(s, k))
        return 0;
    size_t i = k;
    if (i < n && (s[i] == '"' || s[i] == '\''))
        i++;
    while (i < n && s[i] == ' ')
        i++;
    if (i >= n || (s[i] != '=' && s[i] != ':'))
        return 0;
    i++;
    size_t sp = i;
    while (i < n && s[i] == ' ')
        i++;
    if (i > sp && next_is_pair(s + i, n - i))
        return 0;   /* "auth= nested=y": auth is empty, nested is not its value */
    char q = 0;
    if (i < n && (s[i] == '"' || s[i] == '\''))
        q = s[i++];
    size_t v = i;
    if (q) {
        while (i < n && s[i] != q)
            i += (s[i] == '\\' && i + 1 < n) ? 2 : 1;
    } else {
        while (i < n && !isspace((unsigned char)s[i]) && s[i] != ',' && s[i] != ';' &&
               s[i] != '&' && s[i] != '}' && s[i] != ')')
            i++;
        /* "Authorization: Bearer xyz": the credential is the next word. */
        if (i - v >= 5 && (strncasecmp(s + v, "bearer", i - v) == 0 ||
                           strncasecmp(s + v, "basic", i - v) == 0) && i < n && s[i] == ' ')
            i += 1 + tok_len(s + i + 1, n - i - 1);
    }
    if (i == v)
        return 0;
    *vstart = v;
    *vlen = i - v;
    return i;
}

static size_t bearer(const char *s, size_t n, size_t *skip)
{
    static const char *const kw[] = {"bearer ", "basic ", "token "};
    for (size_t k = 0; k < 3; k++) {
        size_t l = strlen(kw[k]);
        if (n > l && strncasecmp(s, kw[k], l) == 0) {
            size_t t = tok_len(s + l, n - l);
            if (t >= 8) {
                *skip = l;
                return l + t;
            }
        }
    }
    return 0;
}

static size_t jwt(const char *s, size_t n)
{
    if (n < 10 || strncmp(s, "eyJ", 3) != 0)
        return 0;
    size_t t = tok_len(s, n);
    return t >= 10 ? t : 0;
}

static size_t api_key(const char *s, size_t n)
{
    static const char *const pre[] = {"sk-", "sk_", "pk_live_", "pk_test_", "rk_", "ghp_", "gho_",
                                      "ghs_", "github_pat_", "xoxb-", "xoxp-", "xoxa-", "xoxs-",
                                      "AKIA", "ASIA", "AIza", "glpat-"};
    for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++) {
        size_t l = strlen(pre[k]);
        if (n > l && strncmp(s, pre[k], l) == 0) {
            size_t t = tok_len(s, n);
            if (t >= l + 6)
                return t;
        }
    }
    return 0;
}

/* 13-19 digits (single spaces or dashes between), Luhn-valid, starting
 * with 2-6 (issuer ranges; keeps epoch times and ids out). */
static size_t card(const char *s, size_t n)
{
    if (n < 13 || s[0] < '2' || s[0] > '6')
        return 0;
    int digits[19], nd = 0;
    size_t i = 0, end = 0;
    while (i < n) {
        if (isdigit((unsigned char)s[i])) {
            if (nd == 19)
                return 0;
            digits[nd++] = s[i] - '0';
            end = ++i;
        } else if ((s[i] == ' ' || s[i] == '-') && i + 1 < n && isdigit((unsigned char)s[i + 1])) {
            i++;
        } else {
            break;
        }
    }
    if (nd < 13 || (end < n && isalnum((unsigned char)s[end])))
        return 0;
    int sum = 0;
    for (int k = nd - 1, dbl = 0; k >= 0; k--, dbl ^= 1) {
        int d = digits[k] * (dbl ? 2 : 1);
        sum += d > 9 ? d - 9 : d;
    }
    return sum % 10 == 0 ? end : 0;
}

/* scheme://user:password@host: the offset of the password and its length
 * (the last '@' before the host ends the user info), or 0. */
static size_t url_cred(const char *s, size_t n, size_t *vstart, size_t *vlen)
{
    size_t i = 0;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '.' || s[i] == '-'))
        i++;
    if (i == 0 || !isalpha((unsigned char)s[0]) || n - i < 3 || memcmp(s + i, "://", 3) != 0)
        return 0;
    size_t u = i + 3, at = 0, colon = 0;
    for (size_t j = u; j < n && !isspace((unsigned char)s[j]) && !strchr("/?#\"'<>`", s[j]); j++) {
        if (s[j] == '@')
            at = j;
        else if (s[j] == ':' && !colon && !at)
            colon = j;
    }
    if (!at || !colon || colon > at)
        return 0;
    *vstart = colon + 1;
    *vlen = at - colon - 1;
    return at;
}

static int is_b64(unsigned char c)
{
    return isalnum(c) || c == '/' || c == '+';
}

/* An AWS access key id (AKIA/ASIA + 16 upper-case letters or digits) in s:
 * then a 40-character base64 word in the same text is its secret key. */
static int has_aws_id(const char *s, size_t n)
{
    for (size_t i = 0; i + 20 <= n; i++) {
        if ((s[i] != 'A' || s[i + 1] != 'K') && (s[i] != 'A' || s[i + 1] != 'S'))
            continue;
        if (memcmp(s + i, "AKIA", 4) != 0 && memcmp(s + i, "ASIA", 4) != 0)
            continue;
        size_t k = 4;
        while (i + k < n && (isupper((unsigned char)s[i + k]) || isdigit((unsigned char)s[i + k])))
            k++;
        if (k >= 20)
            return 1;
    }
    return 0;
}

static size_t aws_secret(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && is_b64((unsigned char)s[k]))
        k++;
    return k == 40 && (k == n || (!is_word((unsigned char)s[k]) && s[k] != '=')) ? k : 0;
}

/* Tries every rule at s (a token start). Returns bytes consumed (0: none). */
static size_t try_rules(struct out *o, const char *s, size_t n, int aws)
{
    size_t vs, vl, m, skip;
    if ((m = url_cred(s, n, &vs, &vl))) {
        put(o, s, vs);
        put(o, REDACT_MARK, strlen(REDACT_MARK));
        return vs + vl;
    }
    if (aws && (m = aws_secret(s, n))) {
        put(o, REDACT_MARK, strlen(REDACT_MARK));
        return m;
    }
    if ((m = secret_kv(s, n, &vs, &vl))) {
        put(o, s, vs);
        put(o, REDACT_MARK, strlen(REDACT_MARK));
        return vs + vl;
    }
    if ((m = bearer(s, n, &skip))) {
        put(o, s, skip);
        put(o, REDACT_MARK, strlen(REDACT_MARK));
        return m;
    }
    if ((m = jwt(s, n)) || (m = api_key(s, n)) || (m = card(s, n))) {
        put(o, REDACT_MARK, strlen(REDACT_MARK));
        return m;
    }
    return 0;
}

char *redact_text(const char *s, size_t n)
{
    struct out o = {0};
    put(&o, "", 0);
    size_t i = 0;
    int aws = has_aws_id(s, n);
    while (i < n && !o.oom) {
        int start = i == 0 || !is_word((unsigned char)s[i - 1]);
        size_t m = start ? try_rules(&o, s + i, n - i, aws) : 0;
        if (m) {
            i += m;
            continue;
        }
        size_t j = i + 1;   /* copy up to the next token start */
        if (s[i] == '\0')
            put(&o, " ", 1);
        else {
            while (is_word((unsigned char)s[i]) && j < n && is_word((unsigned char)s[j]))
                j++;
            put(&o, s + i, j - i);
        }
        i = j;
    }
    if (o.oom) {
        free(o.p);
        return NULL;
    }
    return o.p;
}

int redact_json(struct cJSON *v)
{
    for (cJSON *c = v ? v->child : NULL; c; c = c->next) {
        if (c->string && redact_is_secret_key(c->string, strlen(c->string)) &&
            !cJSON_IsObject(c) && !cJSON_IsArray(c)) {
            cJSON *r = cJSON_CreateString(REDACT_MARK);
            if (r && !(r->string = strdup(c->string)))
                cJSON_Delete(r), r = NULL;
            if (!r || !cJSON_ReplaceItemViaPointer(v, c, r))
                return -1;
            c = r;
        } else if (cJSON_IsString(c)) {
            char *t = redact_text(c->valuestring, strlen(c->valuestring));
            if (!t)
                return -1;
            free(c->valuestring);   /* cJSON's default allocator is malloc */
            c->valuestring = t;
        } else if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && redact_json(c) < 0) {
            return -1;
        }
    }
    return 0;
}

char *redact_url(const char *url, char *buf, size_t cap)
{
    const char *p = strstr(url, "://");
    const char *host = p ? p + 3 : url;
    const char *at = strpbrk(host, "@/?#");
    if (at && *at == '@')   /* user info is a secret */
        host = at + 1;
    size_t hl = strcspn(host, "/?#");
    size_t sl = p ? (size_t)(p + 3 - url) : 0;
    const char *path = host + hl;
    size_t s1 = 0, s2 = 0;
    if (*path == '/') {
        s1 = strcspn(path + 1, "/?#");
        if (path[1 + s1] == '/')
            s2 = strcspn(path + 2 + s1, "/?#");
    }
    if (s2 > 4)
        s2 = 4;
    if (*path != '/' || path[1 + s1] != '/')
        snprintf(buf, cap, "%.*s%.*s/****", (int)sl, url, (int)hl, host);
    else
        snprintf(buf, cap, "%.*s%.*s/%.*s/%.*s\xe2\x80\xa6/****", (int)sl, url, (int)hl, host,
                     (int)s1, path + 1, (int)s2, path + 2 + s1);
    return buf;
}
