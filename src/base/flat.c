/* flat: structured fields as (dotted path, scalar) pairs (see flat.h). */
#include "src/base/flat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

size_t flat_num(double v, char *buf)
{
    int n;
    if (v == floor(v) && fabs(v) < 9.2e18)
        n = snprintf(buf, 32, "%lld", (long long)v);
    else
        n = snprintf(buf, 32, "%.17g", v);
    return n > 0 ? (size_t)n : 0;
}

static int walk(const cJSON *obj, char *path, size_t plen, flat_fn fn, void *ctx, int depth);

/* The pairs of value v at path (nl bytes): a scalar gives one, an object
 * its members, an array each of its elements at the same path. */
static int value(const cJSON *v, char *path, size_t nl, flat_fn fn, void *ctx, int depth)
{
    char nb[32];
    if (depth > 16)
        return 0;
    if (cJSON_IsObject(v))
        return walk(v, path, nl, fn, ctx, depth + 1);
    if (cJSON_IsArray(v)) {
        for (const cJSON *c = v->child; c; c = c->next) {
            int rc = value(c, path, nl, fn, ctx, depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (cJSON_IsString(v) && v->valuestring)
        return fn(ctx, path, nl, FLAT_STR, v->valuestring, strlen(v->valuestring));
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble))
        return fn(ctx, path, nl, FLAT_NUM, nb, flat_num(v->valuedouble, nb));
    if (cJSON_IsBool(v))
        return fn(ctx, path, nl, FLAT_BOOL, cJSON_IsTrue(v) ? "true" : "false",
                  cJSON_IsTrue(v) ? 4 : 5);
    return 0;
}

static int walk(const cJSON *obj, char *path, size_t plen, flat_fn fn, void *ctx, int depth)
{
    if (depth > 16)
        return 0;
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (!c->string)
            continue;
        size_t kl = strlen(c->string), nl = plen + (plen ? 1 : 0) + kl;
        if (nl >= FLAT_PATH_MAX)
            continue;
        if (plen)
            path[plen] = '.';
        memcpy(path + plen + (plen ? 1 : 0), c->string, kl);
        path[nl] = '\0';
        int rc = value(c, path, nl, fn, ctx, depth);
        path[plen] = '\0';
        if (rc)
            return rc;
    }
    return 0;
}

int flat_walk(const cJSON *obj, flat_fn fn, void *ctx)
{
    char path[FLAT_PATH_MAX];
    path[0] = '\0';
    return cJSON_IsObject(obj) ? walk(obj, path, 0, fn, ctx, 0) : 0;
}

int flat_next(const char *terms, size_t len, size_t *pos, const char **path, size_t *plen,
              int *kind, const char **val, size_t *vlen)
{
    size_t p = *pos;
    if (!terms || p >= len)
        return 0;
    const char *e1 = memchr(terms + p, '\0', len - p);
    if (!e1 || (size_t)(e1 - terms) + 2 > len)
        return 0;
    const char *v = e1 + 2;
    const char *e2 = memchr(v, '\0', len - (size_t)(v - terms));
    if (!e2)
        return 0;
    *path = terms + p;
    *plen = (size_t)(e1 - *path);
    *kind = (unsigned char)e1[1];
    *val = v;
    *vlen = (size_t)(e2 - v);
    *pos = (size_t)(e2 - terms) + 1;
    return 1;
}
