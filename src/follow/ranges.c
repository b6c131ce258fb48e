/* ranges: the covered byte ranges of a file's checkpoint (ranges.h):
 * pure operations on struct tailer_ck, shared by the tailer (which grows
 * the top range as it reads) and the backfill (which grows the ranges
 * below it); they call neither. */
#include "src/follow/ranges.h"

#include <string.h>

int ranges_find(const struct tailer_ck *c, int64_t off)
{
    for (int i = c->nranges - 1; i >= 0; i--)
        if (c->ranges[i].lo <= off && off <= c->ranges[i].hi)
            return i;
    return -1;
}

void ranges_merge(struct tailer_ck *c)
{
    for (int i = 0; i + 1 < c->nranges;) {
        struct store_range *a = &c->ranges[i], *b = &c->ranges[i + 1];
        if (a->hi < b->lo) {
            i++;
            continue;
        }
        if (b->hi > a->hi)
            a->hi = b->hi;
        if (b->lo_ts && (!a->lo_ts || b->lo_ts < a->lo_ts))
            a->lo_ts = b->lo_ts;
        memmove(b, b + 1, (size_t)(c->nranges - i - 2) * sizeof *b);
        c->nranges--;
    }
}

int ranges_insert(struct tailer_ck *c, int64_t lo)
{
    if (c->nranges >= STORE_MAX_RANGES)
        return -1;
    int i = 0;
    while (i < c->nranges && c->ranges[i].lo < lo)
        i++;
    memmove(&c->ranges[i + 1], &c->ranges[i], (size_t)(c->nranges - i) * sizeof c->ranges[0]);
    c->ranges[i] = (struct store_range){lo, lo, 0};
    c->nranges++;
    return 0;
}
