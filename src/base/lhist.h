/* lhist: a mergeable log-scale histogram of numbers (durations), for the
 * store's per-minute rollups and the stats built from them. A value v goes
 * to the bucket ceil(log_g |v|) with g = LHIST_GAMMA (its sign kept, 0 a
 * bucket of its own); a bucket's value is 2 g^i / (g + 1), within
 * LHIST_REL_ERR of every value the bucket holds. So a nearest-rank
 * percentile read from merged histograms is within LHIST_REL_ERR (1%) of
 * the exact one (and clamped to the exact min and max).
 * Kept as a sorted array of (key, count); stored as a blob of varints.
 * Includes nothing of ours. */
#ifndef LOGDECK_LHIST_H
#define LOGDECK_LHIST_H

#include <stddef.h>
#include <stdint.h>

#define LHIST_GAMMA 1.02
#define LHIST_REL_ERR 0.01   /* (g - 1) / (g + 1) = 0.0099, rounded up */

struct lhist_bin {
    int32_t key;
    int64_t n;
};

struct lhist {
    struct lhist_bin *b;   /* ascending by the value of the key */
    size_t n, cap;
};

/* Zero-initialised is empty. */
void lhist_fini(struct lhist *h);
void lhist_clear(struct lhist *h);
/* Adds n values v. 0, or -1 when out of memory. */
int lhist_add(struct lhist *h, double v, int64_t n);
int lhist_merge(struct lhist *h, const struct lhist *o);
/* Merges an encoded histogram (lhist_encode). 0, -1 when out of memory
 * or when the blob is malformed. */
int lhist_merge_blob(struct lhist *h, const void *blob, size_t len);
/* The encoded histogram, malloc'd (*len bytes), or NULL. */
unsigned char *lhist_encode(const struct lhist *h, size_t *len);
/* The key of v's bucket (struct lhist_bin.key): keys order like their
 * values, so key(a) < key(b) implies a < b. */
int32_t lhist_key(double v);
/* A value below every value of the positive bucket key (0 for the others):
 * the bucket's lower bound g^(i-1), less 1e-9 of it for rounding. */
double lhist_key_floor(int32_t key);
/* Values counted. */
int64_t lhist_count(const struct lhist *h);
/* The nearest-rank percentile pct (0..100] of the values, clamped to
 * [min, max] (the exact extremes, kept apart); 0 when empty. */
double lhist_percentile(const struct lhist *h, double pct, double min, double max);

#endif
