/* tsform: timestamp forms ("yyyy-MM-dd HH:mm:ss,SSS", "MMM d HH:mm:ss",
 * "epoch"...) compiled once into a tiny program of byte-matching steps and
 * run against a line at a given position: no regex, no strptime, no
 * allocation per line. Used by the layout learner (its built-in forms) and
 * by layouts the user names in the config (their ts_format).
 *
 * Pattern letters (Java-like): yyyy yy  MM M MMM(name)  dd d  HH H  hh h
 * (12-hour, with a)  mm  ss  S.../f... (fraction, 1-9 digits)  EEE (weekday
 * name)  a (AM/PM)  Z X XXX (optional zone: Z, +hh:mm, +hhmm, +hh).
 * Unquoted T matches 'T' or a space; a space matches one or more spaces;
 * [.SSS] is an optional fraction (after '.' or ','); text in '...' and any
 * other non-letter is literal. The whole pattern "epoch" reads seconds or
 * milliseconds (by magnitude, optional fraction), "epoch_ms" milliseconds.
 * Leaf module: includes only src/base. */
#ifndef LOGDECK_TSFORM_H
#define LOGDECK_TSFORM_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/ts.h"

#define TSFORM_MAX_STEPS 40

struct tsform {
    unsigned char op[TSFORM_MAX_STEPS];
    char arg[TSFORM_MAX_STEPS];
    int n;
    int has_year;      /* 0: the year comes from a reference time */
    int epoch;         /* 1: an epoch number */
    char text[48];     /* the pattern, for display */
};

/* What a match read. */
struct tsform_val {
    int y, mo, d, h, mi, s, ampm;   /* ampm: 0 none, 1 AM, 2 PM */
    int64_t us;
    int has_zone, off_s;
    int64_t epoch_us;
};

/* Compiles pat. Returns 0, or -1 with *errpos (byte offset in pat) and
 * *why (a static message) set. */
int tsform_compile(struct tsform *f, const char *pat, size_t *errpos, const char **why);

/* Matches f at s[0..n). Returns the bytes used (> 0), or 0 if s does not
 * start with a time in that form. The byte after the time is never a
 * letter or digit (a time is a whole word). */
size_t tsform_match(const struct tsform *f, const char *s, size_t n, struct tsform_val *v);

/* The matched time as UTC µs. Zone-less times are in tz; a form without a
 * year takes the latest year that does not put the time more than a day
 * after ref_us (the file's modification time: a rotated file from 2017
 * stays in 2017). Returns 0, or -1 for a date that does not exist. */
int tsform_time(const struct tsform *f, const struct tsform_val *v, const struct tzspec *tz,
                int64_t ref_us, int64_t *out);

/* The built-in forms the learner tries, i = 0..; NULL past the last. */
const struct tsform *tsform_builtin(int i);

#endif
