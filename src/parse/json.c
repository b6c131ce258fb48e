/* json: JSON log objects -> records (see json.h). One pass
 * over the top-level members: each key is looked up once in the table of
 * well-known keys (parse_key_role), and the few nested objects that carry
 * record fields (log, trace, service, http, performance, metric, loguru's
 * record) are descended into by name. */
#include "src/parse/json.h"
#include "src/base/flat.h"
#include "src/base/jarena.h"
#include "src/base/jsonraw.h"

#include <stdio.h>
#include <string.h>

struct walk {
    const cJSON *duration;   /* a bare duration key: unit decided after the pass */
    int dur_prio;
    const cJSON *text;       /* loguru's "text", the message of last resort */
    int check_name;          /* the health checker's records: see finish() */
    int loguru;
};

static void offer(struct parse_env *env, struct record *r, struct parse_pick *pk, int role,
                  int prio, const cJSON *v)
{
    if (cJSON_IsString(v) && v->valuestring)
        parse_offer_str(env, r, pk, role, prio, v->valuestring, strlen(v->valuestring));
    else if (cJSON_IsNumber(v))
        parse_offer_num(env, r, pk, role, prio, v->valuedouble);
}

static const cJSON *member(const cJSON *obj, const char *key)
{
    for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next)
        if (c->string && strcmp(c->string, key) == 0)
            return c;
    return NULL;
}

static void walk_object(struct parse_env *env, struct record *r, struct parse_pick *pk,
                        const cJSON *obj, struct walk *w);

/* loguru serialize=True: {"text": ..., "record": {...}}. record's own
 * members beat anything found in record.extra. */
static void loguru_record(struct parse_env *env, struct record *r, struct parse_pick *pk,
                          const cJSON *rec, struct walk *w)
{
    const cJSON *t = member(rec, "time"), *l = member(rec, "level");
    w->loguru = 1;
    offer(env, r, pk, ROLE_MSG, -1, member(rec, "message"));
    offer(env, r, pk, ROLE_LOGGER, -1, member(rec, "name"));
    if (cJSON_IsObject(t)) {
        offer(env, r, pk, ROLE_TS, -2, member(t, "repr"));
        offer(env, r, pk, ROLE_TS, -1, member(t, "timestamp"));
    }
    if (cJSON_IsObject(l)) {
        offer(env, r, pk, ROLE_LEVEL, -2, member(l, "name"));
        offer(env, r, pk, ROLE_LEVEL, -1, member(l, "no"));
    }
    const cJSON *extra = member(rec, "extra");
    if (cJSON_IsObject(extra))
        walk_object(env, r, pk, extra, w);
}

/* Nested objects that hold record fields, by the parent's key. */
static void nested(struct parse_env *env, struct record *r, struct parse_pick *pk,
                   const char *key, const cJSON *obj, struct walk *w)
{
    switch (key[0]) {
    case 'l':
        if (strcmp(key, "log") == 0) {
            offer(env, r, pk, ROLE_LEVEL, 2, member(obj, "level"));
            offer(env, r, pk, ROLE_LOGGER, 4, member(obj, "logger"));
        }
        break;
    case 't':
        if (strcmp(key, "trace") == 0)
            offer(env, r, pk, ROLE_CID, 4, member(obj, "correlation_id"));
        break;
    case 's':
        if (strcmp(key, "service") == 0)
            offer(env, r, pk, ROLE_SERVICE, 1, member(obj, "name"));
        break;
    case 'u':
        if (strcmp(key, "url") == 0)
            offer(env, r, pk, ROLE_PATH, 1, member(obj, "path"));
        break;
    case 'h':
        if (strcmp(key, "http") == 0)
            offer(env, r, pk, ROLE_STATUS, 2, member(member(obj, "response"), "status_code"));
        break;
    case 'p':
        if (strcmp(key, "performance") == 0)
            offer(env, r, pk, ROLE_DUR_MS, 1, member(obj, "duration_ms"));
        break;
    case 'm':
        if (strcmp(key, "metric") == 0) {
            offer(env, r, pk, ROLE_METRIC_NAME, 0, member(obj, "name"));
            offer(env, r, pk, ROLE_METRIC_VALUE, 0, member(obj, "value"));
        }
        break;
    case 'r':
        if (strcmp(key, "record") == 0)
            loguru_record(env, r, pk, obj, w);
        break;
    }
}

static void walk_object(struct parse_env *env, struct record *r, struct parse_pick *pk,
                        const cJSON *obj, struct walk *w)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *k = c->string;
        int prio = 0, role;
        if (!k || !*k)
            continue;
        if (cJSON_IsObject(c)) {
            nested(env, r, pk, k, c, w);
            continue;
        }
        role = parse_key_role(k, &prio);
        if (role == ROLE_DUR_BARE) {
            if (!w->duration || prio < w->dur_prio)
                w->duration = c, w->dur_prio = prio;
            continue;
        }
        if (role != ROLE_NONE)
            offer(env, r, pk, role, prio, c);
        else if (k[0] == 't' && strcmp(k, "text") == 0)
            w->text = c;
        else if (k[0] == 'c' && strcmp(k, "check_name") == 0)
            w->check_name = 1;
    }
}

/* A bare duration key ("duration", "response_time", "elapsed") takes its
 * unit from the source's config, else from the message ("Completed ... in
 * 12.34ms", which also teaches the source), else from what the source
 * taught; failing all, the health checker's records (check_name beside it)
 * are in milliseconds and the request middleware's in seconds. */
static void finish(struct parse_env *env, struct record *r, struct parse_pick *pk,
                   const struct walk *w)
{
    if (w->duration && cJSON_IsNumber(w->duration)) {
        int u = parse_dur_unit(env, w->dur_prio - 8, w->duration->valuedouble, r->msg,
                               r->msg ? r->msg_len : 0,
                               w->check_name && w->dur_prio == 8 ? DUR_MS : 0);
        offer(env, r, pk, u == DUR_MS ? ROLE_DUR_MS : ROLE_DUR_S, w->dur_prio, w->duration);
    } else if (w->duration) {
        offer(env, r, pk, ROLE_DUR_BARE, w->dur_prio, w->duration);
    }
    if (!r->msg && w->loguru && cJSON_IsString(w->text) && w->text->valuestring) {
        size_t n = strlen(w->text->valuestring);
        while (n && (w->text->valuestring[n - 1] == '\n' || w->text->valuestring[n - 1] == '\r'))
            n--;
        r->msg = w->text->valuestring, r->msg_len = n;
    }
}

/* Appends a scalar's text (a string, or a number as written). */
static void add_scalar(struct parse_buf *b, const cJSON *v)
{
    char num[32];
    if (cJSON_IsString(v) && v->valuestring)
        parse_buf_add(b, v->valuestring, strlen(v->valuestring));
    else if (cJSON_IsNumber(v))
        parse_buf_add(b, num, (size_t)snprintf(num, sizeof num, "%.10g", v->valuedouble));
}

/* A metric line with no message ({"component": "metrics", "metric":
 * {"name": "queue_length", "value": 48, "unit": "msgs"}, "process": {"id":
 * "gateway_1"}}) reads as "queue_length=48 msgs (gateway_1)": name=value,
 * the unit, then its tags' values or the process id. The JSON stays the
 * record's raw text. Returns 0 when the record is not such a metric. */
static int metric_message(struct parse_env *env, struct record *r, const cJSON *root)
{
    if (!r->has_metric || !r->metric_name)
        return 0;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "metric");
    const cJSON *unit = cJSON_IsObject(m) ? cJSON_GetObjectItemCaseSensitive(m, "unit") :
                                            cJSON_GetObjectItemCaseSensitive(root, "metric_unit");
    const cJSON *tags = cJSON_IsObject(m) ? cJSON_GetObjectItemCaseSensitive(m, "tags") : NULL;
    const cJSON *proc = cJSON_GetObjectItemCaseSensitive(root, "process");
    const cJSON *pid = cJSON_IsObject(proc) ? cJSON_GetObjectItemCaseSensitive(proc, "id") : NULL;
    struct parse_buf *b = env->scratch;
    char num[32];
    parse_buf_set(b, r->metric_name, strlen(r->metric_name));
    parse_buf_add(b, num, (size_t)snprintf(num, sizeof num, "=%.10g", r->metric_value));
    if (cJSON_IsString(unit) && unit->valuestring && *unit->valuestring) {
        parse_buf_addc(b, ' ');
        add_scalar(b, unit);
    }
    const char *sep = " (";
    for (const cJSON *t = cJSON_IsObject(tags) ? tags->child : NULL; t; t = t->next)
        if (cJSON_IsString(t) || cJSON_IsNumber(t)) {
            parse_buf_add(b, sep, strlen(sep));
            sep = ", ";
            add_scalar(b, t);
        }
    if (*sep == ' ' && (cJSON_IsString(pid) || cJSON_IsNumber(pid))) {
        parse_buf_add(b, sep, strlen(sep));
        sep = ", ";
        add_scalar(b, pid);
    }
    if (*sep == ',')
        parse_buf_addc(b, ')');
    r->msg = parse_arena_dup(env->arena, b->data, b->len);
    r->msg_len = r->msg ? b->len : 0;
    return r->msg != NULL;
}

static int pack_one(void *ctx, const char *path, size_t plen, int kind, const char *val,
                    size_t vlen)
{
    struct parse_buf *b = ctx;
    parse_buf_add(b, path, plen + 1);
    parse_buf_addc(b, (char)kind);
    parse_buf_add(b, val, vlen);
    parse_buf_addc(b, '\0');
    return 0;
}

/* record.terms: the object's fields flattened (src/base/flat.h). */
static void pack_terms(struct parse_env *env, struct record *r, const cJSON *root)
{
    struct parse_buf *b = env->terms;
    if (!b)
        return;
    b->len = 0;
    flat_walk(root, pack_one, b);
    r->terms = parse_arena_dup(env->arena, b->len ? b->data : "", b->len);
    r->terms_len = b->len;
}

static int only_space(const char *s, const char *end)
{
    for (; s < end; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

/* A raw NUL byte inside a JSON string would end cJSON's C string there
 * (the message and the field cut short). It is handed to cJSON as U+2400
 * SYMBOL FOR NULL, which the fields keep (a visible mark; cJSON strings
 * cannot hold a NUL) and the message turns back into the NUL byte, shown
 * as every format's control bytes are (\x00). */
#define NUL_MARK JSONRAW_NUL_MARK

static void copy_nul(struct parse_buf *b, const char *line, size_t len)
{
    parse_buf_set(b, "", 0);
    for (size_t i = 0; i < len;) {
        const char *z = memchr(line + i, 0, len - i);
        size_t run = z ? (size_t)(z - line) - i : len - i;
        parse_buf_add(b, line + i, run);
        i += run;
        if (z) {
            parse_buf_add(b, NUL_MARK, 3);
            i++;
        }
    }
}

static void msg_nul(struct parse_env *env, struct record *r)
{
    char *m = parse_arena_dup(env->arena, r->msg, r->msg_len);
    if (!m)
        return;
    size_t o = 0;
    for (size_t i = 0; i < r->msg_len; i++) {
        if (i + 3 <= r->msg_len && memcmp(r->msg + i, NUL_MARK, 3) == 0) {
            m[o++] = '\0';
            i += 2;
        } else {
            m[o++] = r->msg[i];
        }
    }
    r->msg = m;
    r->msg_len = o;
}

int parse_json(struct parse_env *env, const char *line, size_t len, struct record *r,
               cJSON **tree)
{
    /* cJSON gets its own NUL-terminated copy: the caller's line is not. */
    int nul = memchr(line, 0, len) != NULL;
    if (nul)
        copy_nul(env->scratch, line, len);
    else
        parse_buf_set(env->scratch, line, len);
    const char *buf = env->scratch->data, *end = NULL;
    size_t blen = env->scratch->len;
    jarena_begin();
    cJSON *root = cJSON_ParseWithLengthOpts(buf, blen, &end, 0);
    jarena_end();
    if (!root)
        return 0;
    if (!cJSON_IsObject(root) || !end || !only_space(end, buf + blen)) {
        cJSON_Delete(root);
        return 0;
    }
    struct parse_pick pk;
    struct walk w = {0};
    parse_pick_init(&pk);
    walk_object(env, r, &pk, root, &w);
    finish(env, r, &pk, &w);
    r->format = FMT_JSON;
    r->fields = NULL;
    pack_terms(env, r, root);
    /* No message key: a metric reads as one; anything else shows the object. */
    if (!r->msg && !metric_message(env, r, root))
        r->msg = line, r->msg_len = len;
    else if (nul && r->msg)
        msg_nul(env, r);
    *tree = root;
    return 1;
}
