/* gen: the demo generator's tools (demo_int.h), used by demo.c and
 * flows.c and calling neither: random numbers (xorshift64), timestamps as
 * each service writes them, and the time-ordered queue of lines. */
#include "src/demo/demo_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/ts.h"

uint64_t demo_rnd(struct demo *d)
{
    d->rng ^= d->rng << 13;
    d->rng ^= d->rng >> 7;
    d->rng ^= d->rng << 17;
    return d->rng;
}

double demo_unif(struct demo *d)
{
    return (double)(demo_rnd(d) >> 11) / 9007199254740992.0;
}

int demo_chance(struct demo *d, double p)
{
    return demo_unif(d) < p;
}

const char *demo_pick(struct demo *d, const char *const *v, size_t n)
{
    return v[demo_rnd(d) % n];
}

void demo_uuid(struct demo *d, char out[37])
{
    uint64_t a = demo_rnd(d), b = demo_rnd(d);
    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
             0x8000 | ((unsigned)(b >> 48) & 0x3fff), (unsigned long long)(b & 0xffffffffffffULL));
}

/* Times as each service writes them. */
void demo_iso_us(int64_t us, char *out)            /* structlog: ...123456Z */
{
    char b[32];
    snprintf(out, 32, "%s", ts_format(us, b));
}

void demo_iso_ms(int64_t us, char *out)            /* gateway, ECS: ...123Z */
{
    char b[32];
    ts_format(us, b);
    snprintf(out, 32, "%.23sZ", b);
}

void demo_iso_offset(int64_t us, char *out)        /* loguru isoformat: +00:00 */
{
    char b[32];
    ts_format(us, b);
    snprintf(out, 40, "%.26s+00:00", b);
}

void demo_py_time(int64_t us, char *out)           /* asctime: local, ",mmm" */
{
    time_t s = (time_t)(us / 1000000);
    struct tm tm;
    localtime_r(&s, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ",%03d", (int)(us % 1000000 / 1000));
}

int demo_schedule(struct demo *d, int64_t ts, int file, const char *fmt, ...)
{
    char buf[LINE_MAX_DEMO];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (d->nq == d->capq) {
        size_t cap = d->capq ? d->capq * 2 : 256;
        struct demo_event *q = realloc(d->q, cap * sizeof *q);
        if (!q)
            return -1;
        d->q = q;
        d->capq = cap;
    }
    size_t i = d->nq;   /* insertion keeps the queue ordered (stable) */
    while (i > 0 && d->q[i - 1].ts > ts)
        i--;
    memmove(d->q + i + 1, d->q + i, (d->nq - i) * sizeof *d->q);
    d->q[i] = (struct demo_event){ts, file, strdup(buf)};
    d->nq++;
    return d->q[i].text ? 0 : -1;
}

int demo_in_burst(const struct demo *d, int64_t t)
{
    return t >= d->burst_at && t < d->burst_at + BURST_LEN_US;
}
