/* ranges: a checkpoint's covered byte ranges, kept sorted by their start
 * (struct tailer_ck: ranges[0..nranges)). */
#ifndef LOGDECK_FOLLOW_RANGES_H
#define LOGDECK_FOLLOW_RANGES_H

#include <stdint.h>

#include "src/follow/tailer.h"

/* The index of the range holding off (its ends included), the newest
 * first, or -1. */
int ranges_find(const struct tailer_ck *c, int64_t off);
/* Joins ranges that touch or overlap (keeping the earliest lo_ts). */
void ranges_merge(struct tailer_ck *c);
/* Inserts the empty range [lo, lo) in order. 0, or -1 when full. */
int ranges_insert(struct tailer_ck *c, int64_t lo);

#endif
