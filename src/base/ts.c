/* ts: timestamp parsing and formatting (see ts.h).
 * Runs once per record, so it never calls mktime/strptime: civil dates are
 * converted with days-from-civil arithmetic, and the local zone's UTC
 * offset for zone-less times is looked up once per wall-clock hour and
 * cached (per thread) because localtime_r is far too slow per line. */
#include "src/base/ts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define US_PER_S 1000000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

/* --- local zone offsets, cached per wall-clock hour ------------------- */

#define TZ_SLOTS 64
static _Thread_local struct {
    int64_t hour[TZ_SLOTS];
    int off[TZ_SLOTS];
    unsigned char valid[TZ_SLOTS];
} tz_cache;

void ts_tz_reset(void)
{
    memset(&tz_cache, 0, sizeof tz_cache);
}

static int gmtoff_at(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return 0;
    return (int)tm.tm_gmtoff;
}

/* UTC offset in force at wall-clock time `wall` (seconds, read as if UTC).
 * Two passes settle the offset across a DST change; DST changes fall on
 * hour boundaries, so the answer holds for the whole wall-clock hour. */
static int local_offset(int64_t wall)
{
    int64_t hour = wall >= 0 ? wall / 3600 : (wall - 3599) / 3600;
    unsigned slot = (unsigned)(hour & (TZ_SLOTS - 1));
    if (tz_cache.valid[slot] && tz_cache.hour[slot] == hour)
        return tz_cache.off[slot];
    int off = gmtoff_at(wall);
    int off2 = gmtoff_at(wall - off);
    if (off2 != off)
        off = gmtoff_at(wall - off2) == off2 ? off2 : off;
    tz_cache.hour[slot] = hour;
    tz_cache.off[slot] = off;
    tz_cache.valid[slot] = 1;
    return off;
}

static void split_us(int64_t us, int64_t *days, int *sod, int *frac);

/* --- parsing ----------------------------------------------------------- */

/* Reads exactly n digits at s[*i]. Returns -1 if they are not digits. */
static int digits(const char *s, size_t len, size_t *i, int n)
{
    int v = 0;
    if (*i + (size_t)n > len)
        return -1;
    for (int k = 0; k < n; k++) {
        char c = s[*i + (size_t)k];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)n;
    return v;
}

/* Fraction after '.' or ',' -> microseconds; digits past 6 are read and
 * dropped (truncation, as every logger here writes at most 9). */
static int64_t fraction_us(const char *s, size_t len, size_t *i)
{
    int64_t us = 0;
    int nd = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        if (nd < 6)
            us = us * 10 + (s[*i] - '0');
        nd++;
        (*i)++;
    }
    for (; nd < 6; nd++)
        us *= 10;
    return us;
}

/* Zone suffix: Z, +hh:mm, +hhmm, +hh. Returns 1 and sets *off_s if one
 * is present, 0 if none, -1 if malformed. */
static int zone(const char *s, size_t len, size_t *i, int *off_s)
{
    if (*i >= len)
        return 0;
    char c = s[*i];
    if (c == 'Z' || c == 'z') {
        (*i)++;
        *off_s = 0;
        return 1;
    }
    if (c != '+' && c != '-')
        return 0;
    size_t j = *i + 1;
    int hh = digits(s, len, &j, 2), mm = 0;
    if (hh < 0 || hh > 23)
        return 0;   /* "-" followed by text: not a zone, stop before it */
    if (j < len && s[j] == ':') {
        size_t k = j + 1;
        mm = digits(s, len, &k, 2);
        if (mm < 0)
            return -1;
        j = k;
    } else if (j + 1 < len && s[j] >= '0' && s[j] <= '9') {
        mm = digits(s, len, &j, 2);
        if (mm < 0)
            return -1;
    }
    if (mm > 59)
        return -1;
    *off_s = (c == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    *i = j;
    return 1;
}

static int parse_clock(const char *s, size_t n, size_t *i, int *hh, int *mi, int *ss, int64_t *us)
{
    *hh = digits(s, n, i, 2);
    if (*hh < 0 || *hh > 24 || *i >= n || s[*i] != ':')
        return -1;
    (*i)++;
    *mi = digits(s, n, i, 2);
    if (*mi < 0 || *mi > 59)
        return -1;
    *ss = 0;
    *us = 0;
    if (*i < n && s[*i] == ':') {
        size_t j = *i + 1;
        int v = digits(s, n, &j, 2);
        if (v < 0)
            return 0;   /* "HH:MM:" then text: the time is HH:MM */
        if (v > 60)
            return -1;
        *ss = v;
        *i = j;
        if (*i + 1 < n && (s[*i] == '.' || s[*i] == ',') && s[*i + 1] >= '0' && s[*i + 1] <= '9') {
            (*i)++;
            *us = fraction_us(s, n, i);
        }
    }
    return 0;
}

/* RFC 3339 / ISO 8601 and its common relatives. */
static int parse_iso(const char *s, size_t n, const struct tzspec *tz, int64_t *out, size_t *used)
{
    size_t i = 0;
    int y = digits(s, n, &i, 4);
    if (y < 0 || i >= n || s[i] != '-')
        return -1;
    i++;
    int mo = digits(s, n, &i, 2);
    if (mo < 1 || mo > 12 || i >= n || s[i] != '-')
        return -1;
    i++;
    int d = digits(s, n, &i, 2);
    if (d < 1 || d > days_in_month(y, mo))
        return -1;
    int hh = 0, mi = 0, ss = 0, off = 0, has_zone = 0;
    int64_t us = 0;
    if (i + 2 < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ') && s[i + 1] >= '0' && s[i + 1] <= '9') {
        size_t j = i + 1;
        if (parse_clock(s, n, &j, &hh, &mi, &ss, &us) == 0) {
            i = j;
            has_zone = zone(s, n, &i, &off);
            if (has_zone < 0)
                return -1;
        }
    }
    int64_t wall = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss;
    if (!has_zone)
        off = (tz && tz->fixed) ? tz->offset_s : local_offset(wall);
    *out = (wall - off) * US_PER_S + us;
    *used = i;
    return 0;
}

/* Epoch digits with optional fraction; the unit follows from the size of
 * the integer part (s < 1e11 <= ms < 1e14 <= µs < 1e17 <= ns). Exact: no
 * double rounding, so "1704110400.123" is 1704110400123000 µs. */
static int parse_epoch(const char *s, size_t n, int64_t *out, size_t *used)
{
    size_t i = 0;
    int64_t ip = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (ip > (INT64_MAX - 9) / 10)
            return -1;
        ip = ip * 10 + (s[i] - '0');
        i++;
    }
    if (i == 0)
        return -1;
    int64_t f9 = 0;   /* fraction in units of 1e-9 */
    if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
        i++;
        int nd = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, nd++)
            if (nd < 9)
                f9 = f9 * 10 + (s[i] - '0');
        for (; nd < 9; nd++)
            f9 *= 10;
    }
    if (ip < 100000000000LL)
        *out = ip * US_PER_S + f9 / 1000;
    else if (ip < 100000000000000LL)
        *out = ip * 1000 + f9 / 1000000;
    else if (ip < 100000000000000000LL)
        *out = ip;
    else
        *out = ip / 1000;
    *used = i;
    return 0;
}

int ts_parse(const char *s, size_t n, const struct tzspec *tz, int64_t *out, size_t *used)
{
    size_t u = 0;
    int64_t v = 0;
    if (!s || !n)
        return -1;
    int rc = parse_iso(s, n, tz, &v, &u);
    if (rc < 0)
        rc = parse_epoch(s, n, &v, &u);
    if (rc < 0)
        return -1;
    if (!used) {
        /* The whole string must be the time (trailing blanks allowed). */
        size_t k = u;
        while (k < n && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k != n)
            return -1;
    } else {
        *used = u;
    }
    *out = v;
    return 0;
}

int ts_from_civil(int64_t y, int mo, int d, int h, int mi, int s, int64_t us, int has_zone,
                  int off_s, const struct tzspec *tz, int64_t *out)
{
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h < 0 || h > 24 || mi < 0 ||
        mi > 59 || s < 0 || s > 60 || us < 0 || us >= US_PER_S || y < 0 || y > 9999)
        return -1;
    int64_t wall = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    if (!has_zone)
        off_s = (tz && tz->fixed) ? tz->offset_s : local_offset(wall);
    *out = (wall - off_s) * US_PER_S + us;
    return 0;
}

int ts_year_of(int64_t us)
{
    int64_t days, y;
    int sod, frac, m, d;
    split_us(us, &days, &sod, &frac);
    civil_from_days(days, &y, &m, &d);
    return (int)y;
}

int64_t ts_from_epoch(double v)
{
    if (!isfinite(v))
        return 0;
    double a = fabs(v);
    double us;
    if (a < 1e11)
        us = v * 1e6;
    else if (a < 1e14)
        us = v * 1e3;
    else if (a < 1e17)
        us = v;
    else
        us = v / 1e3;
    if (us > 9.2e18 || us < -9.2e18)
        return 0;
    return llround(us);
}

/* --- formatting -------------------------------------------------------- */

static void split_us(int64_t us, int64_t *days, int *sod, int *frac)
{
    int64_t s = us / US_PER_S;
    int64_t f = us % US_PER_S;
    if (f < 0) {
        f += US_PER_S;
        s--;
    }
    int64_t d = s / 86400, r = s % 86400;
    if (r < 0) {
        r += 86400;
        d--;
    }
    *days = d;
    *sod = (int)r;
    *frac = (int)f;
}

/* Formats into a roomy buffer first: years past 9999 (from absurd input)
 * make the text longer, and it is cut to fit rather than overflow.
 * rfc: "YYYY-MM-DDTHH:MM:SS.ffffffZ", else "YYYY-MM-DD HH:MM:SS.mmm". */
static char *put(char buf[32], int rfc, long long y, int mo, int d, int sod, int frac)
{
    char tmp[128];
    if (rfc)
        snprintf(tmp, sizeof tmp, "%04lld-%02d-%02dT%02d:%02d:%02d.%06dZ", y, mo, d,
                 sod / 3600, sod / 60 % 60, sod % 60, frac);
    else
        snprintf(tmp, sizeof tmp, "%04lld-%02d-%02d %02d:%02d:%02d.%03d", y, mo, d,
                 sod / 3600, sod / 60 % 60, sod % 60, frac / 1000);
    memcpy(buf, tmp, 31);
    buf[31] = '\0';
    return buf;
}

char *ts_format(int64_t us, char buf[32])
{
    int64_t days, y;
    int sod, frac, m, d;
    split_us(us, &days, &sod, &frac);
    civil_from_days(days, &y, &m, &d);
    return put(buf, 1, (long long)y, m, d, sod, frac);
}

char *ts_format_short(int64_t us, int utc, char buf[32])
{
    int64_t days, y;
    int sod, frac, m, d;
    split_us(us, &days, &sod, &frac);
    if (!utc) {
        time_t t = (time_t)(days * 86400 + sod);
        struct tm tm;
        if (localtime_r(&t, &tm))
            return put(buf, 0, tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec, frac);
    }
    civil_from_days(days, &y, &m, &d);
    return put(buf, 0, (long long)y, m, d, sod, frac);
}

/* --- durations ---------------------------------------------------------- */

static int64_t unit_us(const char *u, size_t *ulen)
{
    static const struct { const char *name; int64_t us; } units[] = {
        {"ms", 1000LL}, {"us", 1LL}, {"\xc2\xb5s", 1LL}, {"s", US_PER_S},
        {"m", 60 * US_PER_S}, {"h", 3600 * US_PER_S}, {"d", 86400 * US_PER_S},
        {"w", 7 * 86400 * US_PER_S},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t l = strlen(units[i].name);
        if (strncmp(u, units[i].name, l) == 0) {
            *ulen = l;
            return units[i].us;
        }
    }
    return -1;
}

int ts_parse_duration(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    int64_t total = 0;
    while (*s) {
        if (*s < '0' || *s > '9')
            return -1;
        int64_t ip = 0, frac = 0, fscale = 1;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (ip > 100000000000LL)
                return -1;
            ip = ip * 10 + (*s - '0');
        }
        if (*s == '.') {
            for (s++; *s >= '0' && *s <= '9'; s++)
                if (fscale < 1000000000LL) {
                    frac = frac * 10 + (*s - '0');
                    fscale *= 10;
                }
        }
        size_t ul = 0;
        int64_t u = unit_us(s, &ul);
        if (u < 0 || (u > 0 && ip > INT64_MAX / u / 2))
            return -1;
        total += ip * u + (int64_t)((double)frac * (double)u / (double)fscale);
        if (total < 0 || total > INT64_MAX / 2)
            return -1;
        s += ul;
    }
    *out = total;
    return 0;
}

int64_t ts_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * US_PER_S + t.tv_nsec / 1000;
}

int64_t ts_mono_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * US_PER_S + t.tv_nsec / 1000;
}
