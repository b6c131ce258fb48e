/* env: buffers, arena, JSON writer and the well-known-key rules
 * shared by the parser family (see env.h). */
#include "src/parse/env.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("logdeck: out of memory in parser\n", stderr);
        abort();
    }
    return q;
}

/* --- parse_buf ---------------------------------------------------------- */

void parse_buf_fini(struct parse_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void parse_buf_reserve(struct parse_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void parse_buf_add(struct parse_buf *b, const void *s, size_t n)
{
    parse_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void parse_buf_addc(struct parse_buf *b, char c)
{
    parse_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void parse_buf_set(struct parse_buf *b, const void *s, size_t n)
{
    b->len = 0;
    parse_buf_add(b, s, n);
}

void parse_buf_shrink(struct parse_buf *b, size_t keep)
{
    if (b->cap > keep)
        parse_buf_fini(b);
}

/* --- parse_arena -------------------------------------------------------- */

struct parse_chunk {
    struct parse_chunk *next;
    size_t used, size;
    char data[];
};

#define CHUNK_MIN 4096
#define CHUNK_KEEP (1u << 20)   /* chunks above this are freed on reset */

void parse_arena_fini(struct parse_arena *a)
{
    struct parse_chunk *c = a->head, *n;
    for (; c; c = n) {
        n = c->next;
        free(c);
    }
    a->head = a->cur = NULL;
}

void parse_arena_reset(struct parse_arena *a)
{
    struct parse_chunk **pp = &a->head;
    while (*pp) {
        struct parse_chunk *c = *pp;
        if (c->size > CHUNK_KEEP) {
            *pp = c->next;
            free(c);
            continue;
        }
        c->used = 0;
        pp = &c->next;
    }
    a->cur = a->head;
}

char *parse_arena_alloc(struct parse_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    for (struct parse_chunk *c = a->cur; c; c = c->next) {
        if (c->size - c->used >= n) {
            a->cur = c;
            c->used += n;
            return c->data + c->used - n;
        }
    }
    size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
    struct parse_chunk *c = xrealloc(NULL, sizeof *c + size);
    c->size = size;
    c->used = n;
    /* Append at the end so earlier (partly used) chunks are tried first. */
    c->next = NULL;
    struct parse_chunk **pp = &a->head;
    while (*pp)
        pp = &(*pp)->next;
    *pp = c;
    a->cur = c;
    return c->data;
}

char *parse_arena_dup(struct parse_arena *a, const char *s, size_t n)
{
    char *d = parse_arena_alloc(a, n + 1);
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* --- JSON text writer --------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t l;
    unsigned min;
    if (c < 0xc2 || c > 0xf4)
        return 0;
    if (c < 0xe0)
        l = 2, min = 0x80;
    else if (c < 0xf0)
        l = 3, min = 0x800;
    else
        l = 4, min = 0x10000;
    if (l > n)
        return 0;
    unsigned cp = c & (0x3f >> (l - 1));
    for (size_t i = 1; i < l; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return l;
}

void parse_json_quote(struct parse_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    parse_buf_reserve(b, n + 2);
    parse_buf_addc(b, '"');
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\')
            run++;
        parse_buf_add(b, s + i, run - i);
        if ((i = run) >= n)
            break;
        unsigned c = u[i];
        if (c >= 0x80) {
            size_t l = utf8_len(u + i, n - i);
            parse_buf_add(b, l ? s + i : "\xef\xbf\xbd", l ? l : 3);
            i += l ? l : 1;
            continue;
        }
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
        }
        parse_buf_add(b, esc, el);
        i++;
    }
    parse_buf_addc(b, '"');
}

int parse_is_json_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n)
        return 0;
    if (s[i] == '0')
        i++;
    else if (s[i] >= '1' && s[i] <= '9')
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return 0;
    if (i < n && s[i] == '.') {
        size_t st = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == st)
            return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t st = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == st)
            return 0;
    }
    return i == n;
}

void parse_jw_begin(struct parse_jw *w, struct parse_buf *b)
{
    w->b = b;
    w->n = 0;
    parse_buf_set(b, "{", 1);
}

static void jw_key(struct parse_jw *w, const char *k, size_t kn)
{
    if (w->n++)
        parse_buf_addc(w->b, ',');
    parse_json_quote(w->b, k, kn);
    parse_buf_addc(w->b, ':');
}

void parse_jw_str(struct parse_jw *w, const char *k, size_t kn, const char *v, size_t vn)
{
    jw_key(w, k, kn);
    parse_json_quote(w->b, v, vn);
}

void parse_jw_raw(struct parse_jw *w, const char *k, size_t kn, const char *v, size_t vn)
{
    jw_key(w, k, kn);
    parse_buf_add(w->b, v, vn);
}

void parse_jw_end(struct parse_jw *w)
{
    parse_buf_addc(w->b, '}');
}

/* --- well-known keys ---------------------------------------------------- */

static const struct { const char *key; signed char role, prio; } key_table[] = {
    {"timestamp", ROLE_TS, 0}, {"@timestamp", ROLE_TS, 1}, {"time", ROLE_TS, 2},
    {"ts", ROLE_TS, 3}, {"asctime", ROLE_TS, 4}, {"datetime", ROLE_TS, 5}, {"t", ROLE_TS, 6},
    {"level", ROLE_LEVEL, 0}, {"levelname", ROLE_LEVEL, 1}, {"log.level", ROLE_LEVEL, 2},
    {"severity", ROLE_LEVEL, 3}, {"lvl", ROLE_LEVEL, 4}, {"loglevel", ROLE_LEVEL, 5},
    {"levelno", ROLE_LEVEL, 6},
    {"event", ROLE_MSG, 0}, {"message", ROLE_MSG, 1}, {"msg", ROLE_MSG, 2},
    {"request_id", ROLE_CID, 0}, {"correlation_id", ROLE_CID, 1},
    {"x-correlation-id", ROLE_CID, 2}, {"trace_id", ROLE_CID, 3},
    {"trace.correlation_id", ROLE_CID, 4}, {"traceId", ROLE_CID, 5},
    {"correlationId", ROLE_CID, 6},
    {"service", ROLE_SERVICE, 0}, {"service.name", ROLE_SERVICE, 1},
    {"service_name", ROLE_SERVICE, 2}, {"app", ROLE_SERVICE, 3},
    {"application", ROLE_SERVICE, 4},
    {"logger", ROLE_LOGGER, 0}, {"name", ROLE_LOGGER, 1}, {"logger_name", ROLE_LOGGER, 2},
    {"module", ROLE_LOGGER, 3}, {"log.logger", ROLE_LOGGER, 4},   /* ECS */
    {"duration_ms", ROLE_DUR_MS, 0}, {"performance.duration_ms", ROLE_DUR_MS, 1},
    {"response_time_ms", ROLE_DUR_MS, 2}, {"elapsed_ms", ROLE_DUR_MS, 3},
    {"duration_seconds", ROLE_DUR_S, 4}, {"response_time_seconds", ROLE_DUR_S, 5},
    {"elapsed_seconds", ROLE_DUR_S, 6}, {"latency_ms", ROLE_DUR_MS, 7},
    {"duration", ROLE_DUR_BARE, 8}, {"response_time", ROLE_DUR_BARE, 9},
    {"elapsed", ROLE_DUR_BARE, 10},
    {"path", ROLE_PATH, 0}, {"url.path", ROLE_PATH, 1}, {"endpoint", ROLE_PATH, 2},
    {"status_code", ROLE_STATUS, 0}, {"status", ROLE_STATUS, 1},
    {"http.response.status_code", ROLE_STATUS, 2}, {"http_code", ROLE_STATUS, 3},
    {"metric.name", ROLE_METRIC_NAME, 0}, {"metric_name", ROLE_METRIC_NAME, 1},
    {"metric.value", ROLE_METRIC_VALUE, 0}, {"metric_value", ROLE_METRIC_VALUE, 1},
};

#define NKEYS (sizeof key_table / sizeof key_table[0])

/* Keys bucketed by first byte, built once: most keys of a log object are
 * not well-known, and they must be rejected in one or two compares. */
static unsigned char key_first[128][12];
static unsigned char key_nfirst[128];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void key_index(void)
{
    for (size_t i = 0; i < NKEYS; i++) {
        unsigned char c = (unsigned char)key_table[i].key[0];
        key_first[c][key_nfirst[c]++] = (unsigned char)i;
    }
}

int parse_key_role(const char *k, int *prio)
{
    unsigned char c = (unsigned char)k[0];
    pthread_once(&key_once, key_index);
    if (c >= 128)
        return ROLE_NONE;
    for (int i = 0; i < key_nfirst[c]; i++) {
        int t = key_first[c][i];
        if (strcmp(k, key_table[t].key) == 0) {
            *prio = key_table[t].prio;
            return key_table[t].role;
        }
    }
    return ROLE_NONE;
}

/* --- values -> record fields ------------------------------------------- */

void parse_pick_init(struct parse_pick *pk)
{
    memset(pk->best, 127, sizeof pk->best);
}

int parse_level_number(double v)
{
    if (!(v >= 0))
        return -1;
    if (v <= 7 && v == floor(v))
        return level_from_syslog((int)v);
    if (v < 10)
        return LVL_TRACE;
    if (v < 20)
        return LVL_DEBUG;
    if (v < 30)
        return LVL_INFO;     /* 20 info, 25 loguru SUCCESS */
    if (v < 40)
        return LVL_WARNING;
    if (v < 50)
        return LVL_ERROR;
    return LVL_CRITICAL;
}

/* A decimal number at the start of s (JSON syntax); *used gets its length. */
static int num_prefix(const char *s, size_t n, double *v, size_t *used)
{
    size_t i = 0;
    while (i < n && i < 63 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-' ||
                               s[i] == '+' || s[i] == 'e' || s[i] == 'E'))
        i++;
    /* Back off until the prefix is a number: "12ms" has no 'e', but "1e" might. */
    while (i > 0 && !parse_is_json_number(s, i))
        i--;
    if (i == 0)
        return 0;
    char tmp[64];
    memcpy(tmp, s, i);
    tmp[i] = '\0';
    *v = strtod(tmp, NULL);
    *used = i;
    return isfinite(*v);
}

/* "12.5", "12.5ms", "1.5s", "250us": to milliseconds. A bare number is in
 * the role's unit (milliseconds or seconds). */
static int duration_str(const char *s, size_t n, int role, double *ms)
{
    static const struct { const char *u; double ms; } units[] = {
        {"ns", 1e-6}, {"us", 1e-3}, {"\xc2\xb5s", 1e-3}, {"ms", 1}, {"s", 1000},
        {"m", 60000}, {"h", 3600000},
    };
    double v;
    size_t used;
    if (!num_prefix(s, n, &v, &used) || v < 0)
        return 0;
    if (used == n) {
        *ms = role == ROLE_DUR_S ? v * 1000 : v;
        return 1;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].u) == n - used && memcmp(s + used, units[i].u, n - used) == 0) {
            *ms = v * units[i].ms;
            return 1;
        }
    return 0;
}

static int status_str(const char *s, size_t n, int64_t *st)
{
    if (n != 3)
        return 0;
    int v = 0;
    for (size_t i = 0; i < 3; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    if (v < 100 || v > 599)
        return 0;
    *st = v;
    return 1;
}

static int level_str(const char *s, size_t n)
{
    int l = level_parse(s, n);
    double v;
    size_t used;
    if (l < 0 && num_prefix(s, n, &v, &used) && used == n)
        l = parse_level_number(v);
    return l;
}

/* Both duration units compete for one slot. */
static int slot_of(int role)
{
    return role == ROLE_DUR_S || role == ROLE_DUR_BARE ? ROLE_DUR_MS : role;
}

/* Calls fn for every number followed by "ms" or "s" (optionally one space,
 * not followed by a letter) in msg. */
static void units_in_text(const char *m, size_t n, void (*fn)(void *, double, int), void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        if (!(m[i] >= '0' && m[i] <= '9') ||
            (i && ((m[i - 1] >= '0' && m[i - 1] <= '9') || m[i - 1] == '.')))
            continue;
        size_t j = i;
        while (j < n && ((m[j] >= '0' && m[j] <= '9') || m[j] == '.'))
            j++;
        char tmp[40];
        if (j - i >= sizeof tmp)
            continue;
        memcpy(tmp, m + i, j - i);
        tmp[j - i] = '\0';
        size_t k = j < n && m[j] == ' ' ? j + 1 : j, e = 0;
        int unit = DUR_UNKNOWN;
        if (k + 2 <= n && m[k] == 'm' && m[k + 1] == 's')
            unit = DUR_MS, e = k + 2;
        else if (k < n && m[k] == 's')
            unit = DUR_S, e = k + 1;
        if (unit && (e == n || !((m[e] | 32) >= 'a' && (m[e] | 32) <= 'z')))
            fn(ctx, strtod(tmp, NULL), unit);
        i = j;
    }
}

struct unit_find {
    double v;
    int unit;
    struct parse_dur *d;
};

static int near(double a, double b)
{
    return fabs(a - b) <= 0.0051 + 1e-9 * fabs(b);
}

static void on_unit(void *ctx, double x, int unit)
{
    struct unit_find *u = ctx;
    if (!u->unit && u->v >= 0 && near(x, u->v))
        u->unit = unit;
    if (u->d) {
        int i = u->d->ring_n++ % PARSE_DUR_RING;
        u->d->ring_v[i] = x;
        u->d->ring_u[i] = (unsigned char)unit;
    }
}

int parse_dur_unit(const struct parse_env *env, int key, double v, const char *msg,
                   size_t msg_len, int hint)
{
    if (env->dur_cfg)
        return env->dur_cfg;
    struct parse_dur *d = env->dur;
    struct unit_find u = {v, DUR_UNKNOWN, d};
    if (msg)
        units_in_text(msg, msg_len, on_unit, &u);
    if (key < 0 || key > 2)
        key = 0;
    if (u.unit) {
        if (d)
            d->learned[key] = u.unit;
        return u.unit;
    }
    for (int i = 0; d && v >= 0 && i < PARSE_DUR_RING && i < d->ring_n; i++)
        if (near(d->ring_v[i], v))
            return d->ring_u[i];
    if (d && d->learned[key])
        return d->learned[key];
    return hint ? hint : DUR_S;
}

int parse_offer_str(const struct parse_env *env, struct record *r, struct parse_pick *pk,
                    int role, int prio, const char *s, size_t n)
{
    int64_t t;
    double v;
    size_t used;
    if (role <= ROLE_NONE || role >= ROLE_COUNT || prio >= pk->best[slot_of(role)])
        return 0;
    if (n == 0 && role != ROLE_MSG)
        return 0;
    switch (role) {
    case ROLE_TS:
        if (ts_parse(s, n, &env->tz, &t, NULL) < 0)
            return 0;
        r->ts = t, r->ts_guessed = 0;
        break;
    case ROLE_LEVEL: {
        int l = level_str(s, n);
        if (l < 0)
            return 0;
        r->level = l;
        break;
    }
    case ROLE_MSG: r->msg = s, r->msg_len = n; break;
    case ROLE_CID: r->cid = s; break;
    case ROLE_SERVICE: r->service = s; break;
    case ROLE_LOGGER: r->logger = s; break;
    case ROLE_DUR_MS:
    case ROLE_DUR_S:
    case ROLE_DUR_BARE:
        if (role == ROLE_DUR_BARE)
            role = parse_dur_unit(env, prio - 8, -1, NULL, 0, 0) == DUR_MS ? ROLE_DUR_MS
                                                                           : ROLE_DUR_S;
        if (!duration_str(s, n, role, &v))
            return 0;
        r->duration_ms = v, r->has_duration = 1;
        role = ROLE_DUR_MS;   /* one slot for both units */
        break;
    case ROLE_STATUS:
        if (!status_str(s, n, &t))
            return 0;
        r->status = t, r->has_status = 1;
        break;
    case ROLE_METRIC_NAME: r->metric_name = s; break;
    case ROLE_PATH: r->path = s; break;
    case ROLE_METRIC_VALUE:
        if (!num_prefix(s, n, &v, &used) || used != n)
            return 0;
        r->metric_value = v, r->has_metric = 1;
        break;
    default:
        return 0;
    }
    pk->best[role] = (signed char)prio;
    return 1;
}

static const char *num_text(const struct parse_env *env, double v)
{
    char tmp[40];
    if (v == floor(v) && fabs(v) < 9.2e18)
        snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    else
        snprintf(tmp, sizeof tmp, "%.17g", v);
    return parse_arena_dup(env->arena, tmp, strlen(tmp));
}

int parse_offer_num(const struct parse_env *env, struct record *r, struct parse_pick *pk,
                    int role, int prio, double v)
{
    if (role <= ROLE_NONE || role >= ROLE_COUNT || prio >= pk->best[slot_of(role)] || !isfinite(v))
        return 0;
    switch (role) {
    case ROLE_TS: r->ts = ts_from_epoch(v), r->ts_guessed = 0; break;
    case ROLE_LEVEL: {
        int l = parse_level_number(v);
        if (l < 0)
            return 0;
        r->level = l;
        break;
    }
    case ROLE_CID: r->cid = num_text(env, v); break;
    case ROLE_DUR_MS:
    case ROLE_DUR_S:
    case ROLE_DUR_BARE:
        if (v < 0)
            return 0;
        if (role == ROLE_DUR_BARE)
            role = parse_dur_unit(env, prio - 8, v, r->msg, r->msg ? r->msg_len : 0, 0) ==
                           DUR_MS ? ROLE_DUR_MS : ROLE_DUR_S;
        r->duration_ms = role == ROLE_DUR_S ? v * 1000 : v, r->has_duration = 1;
        role = ROLE_DUR_MS;
        break;
    case ROLE_STATUS:
        if (v != floor(v) || v < 100 || v > 599)
            return 0;
        r->status = (int64_t)v, r->has_status = 1;
        break;
    case ROLE_METRIC_VALUE: r->metric_value = v, r->has_metric = 1; break;
    default:
        return 0;
    }
    pk->best[role] = (signed char)prio;
    return 1;
}

void parse_record_init(struct record *r, const struct parse_env *env)
{
    memset(r, 0, sizeof *r);
    r->ts = env->now_us;
    r->ts_guessed = 1;
    r->level = LVL_UNKNOWN;
    r->format = FMT_RAW;
    r->service = env->service;
    r->nlines = 1;
}

void parse_text_cid(const struct parse_env *env, struct record *r, const char *s, size_t n)
{
    size_t off, len;
    if (cid_find(env->cid, s, n, &off, &len))
        r->cid = parse_arena_dup(env->arena, s + off, len);
}
