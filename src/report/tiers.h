/* tiers: the slow-request tiers of the seeds' performance middleware
 * (fast < 100 ms, normal < 1 s, slow < 5 s, very slow >= 5 s), counted
 * over request durations in milliseconds. Pure C, shared by the metrics
 * view and anything else that wants the same cut-offs. */
#ifndef LOGDECK_TIERS_H
#define LOGDECK_TIERS_H

#include <stdint.h>

enum tier { TIER_FAST = 0, TIER_NORMAL, TIER_SLOW, TIER_VERY_SLOW, TIER_COUNT };

#define TIER_NORMAL_MS 100.0      /* fast below this */
#define TIER_SLOW_MS 1000.0       /* normal below this */
#define TIER_VERY_SLOW_MS 5000.0  /* slow below this; very slow at or above */

struct tiers {
    int64_t n[TIER_COUNT];
    int64_t total;
};

/* The tier of a duration; NaN and negative durations count as fast. */
int tiers_of(double ms);
/* "fast", "normal", "slow", "very slow"; "?" out of range. */
const char *tiers_name(int tier);
/* "<100ms", "<1s", "<5s", ">=5s". */
const char *tiers_bound(int tier);
void tiers_add(struct tiers *t, double ms);
/* Share of tier in percent (0 when empty). */
double tiers_pct(const struct tiers *t, int tier);

#endif
