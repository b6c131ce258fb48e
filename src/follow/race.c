/* race: copytruncate's unseen lines from the write rate (race.h). */
#include "src/follow/race.h"

#define SPAN_NS 2000000000LL      /* observations this far apart: a rate over 2-4 s */
#define MIN_NS 200000000LL        /* a rate over less than 200 ms says little */
#define SETTLE_NS 30000000LL      /* the content after a truncation, seen this long */

void race_observe(struct race *r, int64_t size, int64_t mtime_ns, int64_t now_ns)
{
    struct race_obs o = {size, now_ns, mtime_ns, r->wbase + size};
    if (r->due_ns && r->mode == RACE_COPY && size > 0 && mtime_ns > r->t0) {
        int64_t u = (int64_t)(r->rate * (double)(mtime_ns - r->t0) / 1e9 + 0.5) - size - r->owed;
        u = u > 0 ? u : 0;
        if (r->low < 0 || u < r->low)
            r->low = u;
    }
    if (size != r->last.size || !r->grew.at_ns)
        r->grew = o;
    r->last = o;
    if (!r->obs[1].at_ns) {
        r->obs[1] = o;
    } else if (now_ns - r->obs[1].at_ns >= SPAN_NS) {
        r->obs[0] = r->obs[1];
        r->obs[1] = o;
    }
}

/* Bytes per second from s0 bytes at t0 to s1 at t1; -1 if that says little. */
static double rate_of(int64_t s0, int64_t t0, int64_t s1, int64_t t1)
{
    if (!t0 || t1 - t0 < MIN_NS || s1 < s0)
        return -1;
    return (double)(s1 - s0) * 1e9 / (double)(t1 - t0);
}

double race_rate(const struct race *r, int64_t size, int64_t mtime_ns)
{
    double v = -1;
    for (int i = 0; i < 2 && v < 0; i++)   /* the older first: the longer span */
        v = rate_of(r->obs[i].cum, r->obs[i].at_ns, r->last.cum, r->last.at_ns);
    for (int i = 0; i < 2 && v < 0; i++)
        v = rate_of(r->obs[i].cum, r->obs[i].mtime_ns, r->wbase + size, mtime_ns);
    return v;
}

void race_truncated(struct race *r, int64_t known, int64_t avg, double rate, int mode,
                    int64_t copy_size, int64_t copy_mt_ns, int64_t now_ns)
{
    r->due_ns = 0;
    r->mode = RACE_NONE;
    if (mode == RACE_SEEN && rate >= 0 && r->last.at_ns) {
        r->t0 = r->last.at_ns;
        r->owed = known > r->last.size ? known - r->last.size : 0;
    } else if (mode == RACE_COPY && rate >= 0 && copy_size >= 0 && copy_mt_ns > 0 &&
               r->last.at_ns) {
        /* the later of two points the writer had reached: the copy's end
         * by its mtime, or a look after that (the copy's bytes past it
         * are not lost) */
        int later = r->last.mtime_ns > copy_mt_ns && copy_size >= r->last.size;
        r->t0 = later ? r->last.mtime_ns : copy_mt_ns;
        r->owed = later ? copy_size - r->last.size : 0;
        r->low = -1;
        /* a window on the files' clock, a rate on it too: the looks' own
         * times run late when logdeck does */
        double m = -1;
        for (int i = 0; i < 2 && m < 0; i++)
            m = rate_of(r->obs[i].cum, r->obs[i].mtime_ns, r->last.cum, r->last.mtime_ns);
        rate = m >= 0 ? m : rate;
    } else {
        mode = RACE_NONE;
    }
    /* due with RACE_NONE too: nothing to estimate, but the caller looks
     * at the content after once more (a hole: rot.c) */
    r->mode = mode;
    r->due_ns = now_ns + SETTLE_NS;
    r->avg = avg > 0 ? avg : 1;
    r->rate = rate;
    r->cut = known;
    r->wbase += known;   /* the rate counts on across the truncation */
    r->last = r->grew = (struct race_obs){0, now_ns, now_ns, r->wbase};
}

int64_t race_known_lines(int64_t from, int from_is_line, int64_t partial, int64_t seen,
                         int64_t rec_max)
{
    int64_t b = seen - from;
    if (rec_max <= 0 || b <= partial)
        return 0;
    /* the lines met from a line's start on cover the bytes: at least
     * ceil(b / rec_max) of them; from anywhere, floor(b / rec_max) start
     * in the range (the first may have begun before it) */
    if (!from_is_line)
        return b / rec_max;
    return (b + rec_max - 1) / rec_max - (partial > 0);
}

int64_t race_lines(int64_t bytes, int64_t avg)
{
    if (bytes <= 0)
        return 0;
    avg = avg > 0 ? avg : 1;
    return (bytes + avg / 2) / avg;
}

int race_due(const struct race *r, int final)
{
    return r->due_ns && (final || r->last.at_ns >= r->due_ns);
}

int64_t race_settle(struct race *r)
{
    if (!r->due_ns)
        return -1;
    r->due_ns = 0;
    /* RACE_SEEN: the content after as first seen at its last size (a
     * writer that has stopped since wrote nothing more: the time after
     * does not count). RACE_COPY: the fewest any look at it gave (a
     * writer late at a look makes it say more than was lost, one that
     * caught up says at most that); none with bytes: nothing to tell. */
    int64_t unseen;
    if (r->mode == RACE_NONE)
        return 0;
    if (r->mode == RACE_COPY) {
        unseen = r->low;
    } else {
        int64_t end = r->grew.at_ns;
        if (end <= r->t0)
            return 0;
        int64_t w = (int64_t)(r->rate * (double)(end - r->t0) / 1e9 + 0.5);
        unseen = w - r->grew.size - r->owed;
    }
    if (unseen <= 0)
        return 0;
    r->wbase += unseen;   /* written too: the rate counts them */
    return unseen;
}
