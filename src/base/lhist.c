/* lhist: log-scale histograms (lhist.h). A key orders like its values:
 * 0 is zero, 1.. the positive buckets upwards, -1.. the negative ones
 * downwards. */
#include "src/base/lhist.h"
#include "src/base/vbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define IMAX 4000   /* g^4000 ~ 1e34: beyond it values share the last bucket */

static int32_t key_of(double v)
{
    if (!(v == v) || v == 0)   /* NaN counts as 0: never produced by the store */
        return 0;
    double a = fabs(v), l = ceil(log(a) / log(LHIST_GAMMA));
    int32_t i = l < -IMAX ? -IMAX : l > IMAX ? IMAX : (int32_t)l;
    int32_t k = i + IMAX + 1;
    return v > 0 ? k : -k;
}

int32_t lhist_key(double v)
{
    return key_of(v);
}

double lhist_key_floor(int32_t key)
{
    if (key <= 0)
        return 0;
    return pow(LHIST_GAMMA, (double)(key - IMAX - 2)) * (1 - 1e-9);
}

static double value_of(int32_t key)
{
    if (key == 0)
        return 0;
    int32_t k = key < 0 ? -key : key;
    double v = 2 * pow(LHIST_GAMMA, (double)(k - IMAX - 1)) / (LHIST_GAMMA + 1);
    return key < 0 ? -v : v;
}

void lhist_fini(struct lhist *h)
{
    free(h->b);
    memset(h, 0, sizeof *h);
}

void lhist_clear(struct lhist *h)
{
    h->n = 0;
}

static int add_key(struct lhist *h, int32_t key, int64_t n)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h->b[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < h->n && h->b[lo].key == key) {
        h->b[lo].n += n;
        return 0;
    }
    if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 16;
        struct lhist_bin *nb = realloc(h->b, nc * sizeof *nb);
        if (!nb)
            return -1;
        h->b = nb;
        h->cap = nc;
    }
    memmove(h->b + lo + 1, h->b + lo, (h->n - lo) * sizeof *h->b);
    h->b[lo].key = key;
    h->b[lo].n = n;
    h->n++;
    return 0;
}

int lhist_add(struct lhist *h, double v, int64_t n)
{
    return add_key(h, key_of(v), n);
}

int lhist_merge(struct lhist *h, const struct lhist *o)
{
    for (size_t i = 0; i < o->n; i++)
        if (add_key(h, o->b[i].key, o->b[i].n) < 0)
            return -1;
    return 0;
}

unsigned char *lhist_encode(const struct lhist *h, size_t *len)
{
    unsigned char *out = malloc(10 + h->n * 20), *p = out;
    if (!out)
        return NULL;
    p += varint_put(p, h->n);
    int64_t prev = 0;
    for (size_t i = 0; i < h->n; i++) {
        int64_t d = (int64_t)h->b[i].key - prev;
        p += varint_put(p, d >= 0 ? (uint64_t)d * 2 : (uint64_t)(-d) * 2 - 1);
        p += varint_put(p, (uint64_t)h->b[i].n);
        prev = h->b[i].key;
    }
    *len = (size_t)(p - out);
    return out;
}

int lhist_merge_blob(struct lhist *h, const void *blob, size_t len)
{
    const unsigned char *p = blob, *end = p + len;
    uint64_t nb, z, n;
    int64_t key = 0;
    if (!len)
        return 0;
    if (varint_get(&p, end, &nb) < 0 || nb > len)
        return -1;
    for (uint64_t i = 0; i < nb; i++) {
        if (varint_get(&p, end, &z) < 0 || varint_get(&p, end, &n) < 0)
            return -1;
        key += (z & 1) ? -(int64_t)((z + 1) / 2) : (int64_t)(z / 2);
        if (key < -(2 * IMAX + 1) || key > 2 * IMAX + 1 || add_key(h, (int32_t)key, (int64_t)n) < 0)
            return -1;
    }
    return 0;
}

int64_t lhist_count(const struct lhist *h)
{
    int64_t n = 0;
    for (size_t i = 0; i < h->n; i++)
        n += h->b[i].n;
    return n;
}

double lhist_percentile(const struct lhist *h, double pct, double min, double max)
{
    int64_t total = lhist_count(h);
    if (!total)
        return 0;
    double r = ceil(pct * (double)total / 100.0 - 1e-9);
    int64_t rank = r < 1 ? 1 : r > (double)total ? total : (int64_t)r, cum = 0;
    double v = max;
    if (rank == 1 || rank == total)   /* the extremes are kept exactly */
        return rank == 1 ? min : max;
    for (size_t i = 0; i < h->n; i++) {
        cum += h->b[i].n;
        if (cum >= rank) {
            v = value_of(h->b[i].key);
            break;
        }
    }
    return v < min ? min : v > max ? max : v;
}
