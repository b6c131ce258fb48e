/* flat: structured fields as (dotted path, scalar) pairs (see flat.h). */
#include "src/base/flat.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* m * 10^k >> s rounded to nearest, ties to even (m < 2^53, k <= 21,
 * 1 <= s <= 70: the product fits in 128 bits); *floor_q is the value
 * before rounding. */
static uint64_t scaled(uint64_t m, int k, int s, uint64_t *floor_q)
{
    unsigned __int128 p = m;
    for (int i = 0; i < k; i++)
        p *= 10;
    unsigned __int128 half = (unsigned __int128)1 << (s - 1), rem = p & ((half << 1) - 1);
    uint64_t q = (uint64_t)(p >> s);
    *floor_q = q;
    return q + (rem > half || (rem == half && (q & 1)));
}

/* snprintf(buf, 32, "%.17g", v) for a finite v that is not an integer and
 * whose magnitude is in [1e-4, 1e15), without printf (which costs ~3000
 * instructions a number: one a record at ingest): the 17 significant
 * digits of v's exact binary value, rounded to nearest (ties to even, as
 * printf rounds), in %g's fixed notation without trailing zeros. Returns
 * the length, or 0 for any other v (the caller prints it). */
static size_t num17(double v, char *buf)
{
    static const uint64_t e16 = 10000000000000000ULL, e17 = 100000000000000000ULL;
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e15) || a == floor(a))
        return 0;
    int e2;
    uint64_t m = (uint64_t)ldexp(frexp(a, &e2), 53), q0, q;   /* a = m * 2^(e2 - 53) */
    int s = 53 - e2, x = (int)floor(log10(a));                /* s >= 4: a < 2^50 */
    for (int tries = 0;; tries++) {
        if (tries > 2 || 16 - x < 0 || 16 - x > 21)
            return 0;
        q = scaled(m, 16 - x, s, &q0);
        if (q0 >= e17)
            x++;
        else if (q0 < e16)
            x--;
        else
            break;
    }
    if (q == e17)   /* rounded up to the next power of ten */
        q = e16, x++;
    char d[17], *o = buf;
    for (int i = 16; i >= 0; i--, q /= 10)
        d[i] = (char)('0' + q % 10);
    int last = 16;
    while (last > 0 && d[last] == '0')
        last--;
    if (v < 0)
        *o++ = '-';
    if (x >= 0) {
        memcpy(o, d, (size_t)x + 1);
        o += x + 1;
        if (last > x) {
            *o++ = '.';
            memcpy(o, d + x + 1, (size_t)(last - x));
            o += last - x;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = -1; i > x; i--)
            *o++ = '0';
        memcpy(o, d, (size_t)last + 1);
        o += last + 1;
    }
    *o = '\0';
    return (size_t)(o - buf);
}

size_t flat_num(double v, char *buf)
{
    int n;
    size_t fast;
    if (v == floor(v) && fabs(v) < 9.2e18)
        n = snprintf(buf, 32, "%lld", (long long)v);
    else if ((fast = num17(v, buf)) > 0)
        return fast;
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
