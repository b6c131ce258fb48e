/* latency: appends lines "LAT <seq> <write time µs>" to a followed file at
 * RATE lines/s for SECS seconds while polling the store (read-only) for
 * them; prints p50/p99 of written -> visible. For bench_follow.sh. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/store.h"

static long long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

struct seen {
    long long *lat;
    long long n, cap, last_id;
};

static int on_row(void *ctx, const struct store_row *r)
{
    struct seen *s = ctx;
    long long seq, t;
    s->last_id = r->id;
    if (sscanf(r->rec.msg, "LAT %lld %lld", &seq, &t) == 2 && s->n < s->cap)
        s->lat[s->n++] = now_us() - t;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: latency FILE DB RATE SECS\n", stderr);
        return 2;
    }
    long long rate = atoll(argv[3]), secs = atoll(argv[4]), total = rate * secs, w = 0;
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
    struct seen s = {calloc((size_t)total, sizeof(long long)), 0, total, 0};
    struct err e = {0};
    struct store *st = NULL;
    long long t0 = now_us();
    while (s.n < total && now_us() - t0 < (secs + 5) * 1000000) {
        long long due = (now_us() - t0) * rate / 1000000;
        for (; w < due && w < total; w++) {
            char line[128];
            int n = snprintf(line, sizeof line, "LAT %lld %lld\n", w, now_us());
            if (write(fd, line, (size_t)n) != n)
                return 1;
        }
        if (!st)
            st = store_open(argv[2], STORE_READ, &e);
        if (st)
            store_dump(st, s.last_id, on_row, &s, &e);
        usleep(1000);
    }
    qsort(s.lat, (size_t)s.n, sizeof *s.lat, cmp);
    if (s.n)
        printf("%lld lines/s: %lld of %lld seen; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
               rate, s.n, total, s.lat[s.n / 2] / 1e3, s.lat[s.n * 99 / 100] / 1e3,
               s.lat[s.n - 1] / 1e3);
    store_close(st);
    return 0;
}
