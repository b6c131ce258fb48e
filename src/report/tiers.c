/* tiers: slow-request tiers (see tiers.h). */
#include "src/report/tiers.h"

int tiers_of(double ms)
{
    if (!(ms >= TIER_NORMAL_MS))   /* also NaN */
        return TIER_FAST;
    if (ms < TIER_SLOW_MS)
        return TIER_NORMAL;
    if (ms < TIER_VERY_SLOW_MS)
        return TIER_SLOW;
    return TIER_VERY_SLOW;
}

const char *tiers_name(int tier)
{
    static const char *const n[TIER_COUNT] = {"fast", "normal", "slow", "very slow"};
    return tier >= 0 && tier < TIER_COUNT ? n[tier] : "?";
}

const char *tiers_bound(int tier)
{
    static const char *const b[TIER_COUNT] = {"<100ms", "<1s", "<5s", ">=5s"};
    return tier >= 0 && tier < TIER_COUNT ? b[tier] : "?";
}

void tiers_add(struct tiers *t, double ms)
{
    t->n[tiers_of(ms)]++;
    t->total++;
}

double tiers_pct(const struct tiers *t, int tier)
{
    if (tier < 0 || tier >= TIER_COUNT || t->total <= 0)
        return 0;
    return 100.0 * (double)t->n[tier] / (double)t->total;
}
