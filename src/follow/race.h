/* race: the lines copytruncate loses without a trace, estimated. logrotate
 * copies the file, then truncates it while the writer appends on: what
 * the writer wrote between the copy's end and the truncation is in
 * neither, and the follower may not have looked at the file meanwhile.
 * How much that was follows from the write rate: a file's sizes as the
 * follower saw them (observations, on the real-time clock: file mtimes
 * may come from a clock a few ms coarse, as long as such a race lasts),
 * counted on across truncations. Once the content after the truncation
 * has been seen for a while, the bytes the rate says were written since
 * the last look before it, less that content and what was known past the
 * look, were lost (RACE_SEEN: the writer was seen writing past the copy's
 * end). When it was not (it did not look while the writer was past the
 * copy: stopped, starved, or the race was too short to see), the window
 * is measured on the files' own clock instead:
 * from the copy's completion (its mtime: the writer had written the
 * copy's bytes by then) to each look at the content after (its size and
 * mtime), less that content, the fewest of them (RACE_COPY). Both are
 * estimates: a writer is never perfectly steady. A writer that was behind
 * at the copy (it paused for it: it rotates itself, or it was not
 * scheduled) catches up after the truncation, which the looks include:
 * RACE_COPY then estimates less than was lost, not more, where a window
 * from a look before the copy took the pause for lines lost. Nothing is
 * estimated while the content after is empty (the writer may have
 * stopped before the copy). The estimates are kept apart from the lines
 * counted lost (rot.c): a writer that paused for the copy and caught up
 * late under load was estimated at 12 lines where none were lost, a
 * bursty writer at thousands. What is known lost (bytes seen in the file
 * past the copy, never read) is counted instead, as a lower bound
 * (race_known_lines). Pure bookkeeping: the caller looks at the file. */
#ifndef LOGDECK_RACE_H
#define LOGDECK_RACE_H

#include <stdint.h>

/* A size of the file (of one content) and when it was seen. */
struct race_obs {
    int64_t size, at_ns;       /* at_ns: real-time clock */
    int64_t mtime_ns;          /* the file's then */
    int64_t cum;               /* size + the bytes of the contents truncated before */
};

/* How a truncation's unseen bytes are estimated (race.c's header). */
enum race_mode { RACE_NONE, RACE_SEEN, RACE_COPY };

struct race {
    struct race_obs obs[2];    /* an older and a newer one, 2-4 s apart: the rate */
    struct race_obs last;      /* the last one */
    struct race_obs grew;      /* the first that saw last.size */
    int mode;                  /* of the pending truncation (enum race_mode) */
    int64_t wbase;             /* bytes of the contents truncated before */
    /* a truncation whose unseen bytes are counted later (race_due) */
    int64_t due_ns;            /* 0: none */
    int64_t t0, owed;          /* the last look before it (RACE_COPY: the copy's
                                  mtime); bytes known past that point */
    int64_t cut;               /* bytes known (seen, read or copied) when truncated */
    int64_t rec_max;           /* the tailer's then (set by the caller): a hole read
                                  since is one long record */
    int64_t avg;               /* bytes per record before it */
    int64_t low;               /* RACE_COPY: the fewest unseen bytes a look at the
                                  content after gave; -1 none yet */
    double rate;               /* bytes/s before it */
};

/* The file held size bytes (mtime mtime_ns) when looked at, now_ns. */
void race_observe(struct race *r, int64_t size, int64_t mtime_ns, int64_t now_ns);

/* Bytes per second written before the file's truncation: between two
 * observations, else from one (its mtime) to `size` bytes complete at
 * mtime_ns (the copy's); over 200 ms at least. -1 if nothing tells. */
double race_rate(const struct race *r, int64_t size, int64_t mtime_ns);

/* The file was truncated after holding `known` bytes (seen, read or in
 * its copy) of avg bytes per record; rate: race_rate's. The unseen bytes
 * are estimated later (race_due, race_settle: none with RACE_NONE, or
 * when rate or the looks say too little); RACE_COPY needs the copy's size
 * and mtime (copy_size, copy_mt_ns). The content after it starts at 0,
 * now_ns. */
void race_truncated(struct race *r, int64_t known, int64_t avg, double rate, int mode,
                    int64_t copy_size, int64_t copy_mt_ns, int64_t now_ns);

/* Lines known lost, a lower bound: the bytes from `from` to `seen` (the
 * largest size the file was seen at) were in neither what was read nor
 * the copy, and no record spans more than rec_max bytes. `from` is the
 * start of a line when from_is_line (what was read ends there, or the
 * copy's last line starts there), and then `partial` bytes of the first
 * line are in the copy (stored, not counted). 0 without a rec_max. */
int64_t race_known_lines(int64_t from, int from_is_line, int64_t partial, int64_t seen,
                         int64_t rec_max);

/* The lines in `bytes` (race_settle's) of avg bytes a line, to the
 * nearest: a floor dropped every race of less than a whole line's bytes
 * (bench_rotation, copytruncate: single lines lost at estimates of
 * 167-223 bytes of 200 a line, counted as none). 0 for none. */
int64_t race_lines(int64_t bytes, int64_t avg);

/* 1 if a truncation's estimate can be settled: the content after it has
 * been seen for a while (or final: now, whatever was seen). */
int race_due(const struct race *r, int final);

/* The bytes written before the pending truncation and never seen (0 if
 * none or nothing tells: RACE_NONE, -1 if nothing is pending); clears it. */
int64_t race_settle(struct race *r);

#endif
