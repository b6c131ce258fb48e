/* parse_json: JSON log objects -> records (see parse_json.h). One pass
 * over the top-level members: each key is looked up once in the table of
 * well-known keys (parse_key_role), and the few nested objects that carry
 * record fields (log, trace, service, http, performance, metric, loguru's
 * record) are descended into by name. */
#include "src/parse/json.h"
#include "src/base/jarena.h"

#include <string.h>

struct walk {
    const cJSON *duration;   /* "duration": unit decided after the pass */
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
        if (role == ROLE_DUR_S && k[0] == 'd') {
            w->duration = c;
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

/* The request middleware logs "duration" in seconds, but the health
 * checker's HealthCheckContext binds "duration" in milliseconds next to
 * "check_name"; that pair is how its records are told apart. */
static void finish(struct parse_env *env, struct record *r, struct parse_pick *pk,
                   const struct walk *w)
{
    if (w->duration)
        offer(env, r, pk, w->check_name ? ROLE_DUR_MS : ROLE_DUR_S, 4, w->duration);
    if (!r->msg && w->loguru && cJSON_IsString(w->text) && w->text->valuestring) {
        size_t n = strlen(w->text->valuestring);
        while (n && (w->text->valuestring[n - 1] == '\n' || w->text->valuestring[n - 1] == '\r'))
            n--;
        r->msg = w->text->valuestring, r->msg_len = n;
    }
}

static int only_space(const char *s, const char *end)
{
    for (; s < end; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

int parse_json(struct parse_env *env, const char *line, size_t len, struct record *r,
               cJSON **tree)
{
    /* cJSON gets its own NUL-terminated copy: the caller's line is not. */
    parse_buf_set(env->scratch, line, len);
    const char *buf = env->scratch->data, *end = NULL;
    jarena_begin();
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    jarena_end();
    if (!root)
        return 0;
    if (!cJSON_IsObject(root) || !end || !only_space(end, buf + len)) {
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
    if (!r->msg)          /* no message key (e.g. a metric): show the object */
        r->msg = line, r->msg_len = len;
    *tree = root;
    return 1;
}
