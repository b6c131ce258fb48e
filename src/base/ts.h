/* ts: timestamps. Parsing of every form the seeds write, formatting as
 * RFC 3339, and relative durations ("90s", "15m", "2h", "7d").
 * All times are int64 microseconds since the epoch, UTC. */
#ifndef LOGDECK_TS_H
#define LOGDECK_TS_H

#include <stddef.h>
#include <stdint.h>

/* Zone used for zone-less times: local (machine zone, tz_fixed = 0) or a
 * fixed offset in seconds east of UTC. */
struct tzspec {
    int fixed;
    int offset_s;
};

/* Parses a timestamp of n bytes: RFC 3339 / ISO 8601 with 'T' or ' ',
 * optional fraction (',' or '.', up to 9 digits), optional 'Z' or +hh:mm /
 * +hhmm / +hh; "YYYY-MM-DD HH:MM[:SS]"; epoch seconds, milliseconds,
 * microseconds or nanoseconds as digits with optional fraction (by
 * magnitude). Returns 0 and sets *out, or -1 if s is not a time.
 * *used, if not NULL, gets the number of bytes consumed (a prefix of s may
 * be a time followed by other text). */
int ts_parse(const char *s, size_t n, const struct tzspec *tz, int64_t *out, size_t *used);

/* Civil wall-clock time to UTC µs: at off_s east of UTC when has_zone,
 * else in tz (a fixed offset, or the machine's local zone). Returns 0, or
 * -1 if the date does not exist (Feb 30, month 13, hour 25...). */
int ts_from_civil(int64_t y, int mo, int d, int h, int mi, int s, int64_t us, int has_zone,
                  int off_s, const struct tzspec *tz, int64_t *out);

/* The (UTC) calendar year of a time. */
int ts_year_of(int64_t us);

/* Epoch number (seconds, ms, µs, ns decided by magnitude) to µs. */
int64_t ts_from_epoch(double v);

/* Writes "2024-01-01T12:00:00.000000Z" (27 bytes + NUL) into buf[32]. */
char *ts_format(int64_t us, char buf[32]);

/* Local wall-clock "YYYY-MM-DD HH:MM:SS.mmm" (or UTC when utc is 1). */
char *ts_format_short(int64_t us, int utc, char buf[32]);

/* "90s", "15m", "2h", "7d", "1w", "500ms", "1h30m" -> µs. Returns -1 if bad. */
int ts_parse_duration(const char *s, int64_t *out);

/* Forgets the cached local-zone offsets (kept per wall-clock hour, per
 * thread). Call after changing TZ and calling tzset(). */
void ts_tz_reset(void);

/* Current time, µs. */
int64_t ts_now(void);
/* Monotonic clock, µs (for intervals and rate limits; not a date). */
int64_t ts_mono_us(void);

#endif
