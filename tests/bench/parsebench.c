/* parsebench: parse-only throughput. Maps each file given, pushes every
 * line through the parser API (src/parse.h) with format detection, and
 * times only the parsing. Prints per-file and total figures, what the
 * parser found (records, levels, durations, statuses, cids) in the same
 * `key value` shape as gen's --truth for a quick comparison, and a final
 * `RESULT key=value ...` line for tests/bench/run.sh. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/parse/parse.h"

struct counts {
    uint64_t records, lines, levels[LVL_COUNT], dur, st2, st4, st5, cids, guessed;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int on_record(void *ctx, const struct record *r)
{
    struct counts *c = ctx;
    c->records++;
    c->lines += (uint64_t)(r->nlines > 0 ? r->nlines : 1);
    c->levels[r->level >= 0 && r->level < LVL_COUNT ? r->level : 0]++;
    c->dur += r->has_duration != 0;
    if (r->has_status) {
        c->st2 += r->status >= 200 && r->status < 300;
        c->st4 += r->status >= 400 && r->status < 500;
        c->st5 += r->status >= 500 && r->status < 600;
    }
    c->cids += r->cid != NULL;
    c->guessed += r->ts_guessed != 0;
    return 0;
}

/* Parses one mapped file; returns the seconds spent, or -1. */
static double parse_file(const char *path, struct counts *c, uint64_t *bytes)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    const char *base = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : "";
    close(fd);
    if (base == MAP_FAILED) {
        perror(path);
        return -1;
    }
    struct parse_opts o = {.format = FMT_AUTO, .tz_fixed = 1, .tz_offset_s = 0};
    struct err e = {0};
    double t0 = now_s();
    struct parser *p = parse_new(&o, &e);
    if (!p) {
        fprintf(stderr, "parsebench: %s\n", e.msg);
        return -1;
    }
    const char *s = base, *end = base + size;
    int64_t now = 1767607200000000LL;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
        parse_push(p, s, len, (int64_t)(s - base), 0, now, on_record, c);
        s += len + (nl != NULL);
    }
    parse_flush(p, on_record, c);
    parse_free(p);
    double dt = now_s() - t0;
    if (size)
        munmap((void *)base, size);
    *bytes += size;
    return dt;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: parsebench FILE...\n");
        return 2;
    }
    struct counts c = {0};
    uint64_t bytes = 0;
    double total = 0;
    for (int i = 1; i < argc; i++) {
        uint64_t r0 = c.records, b0 = bytes;
        double dt = parse_file(argv[i], &c, &bytes);
        if (dt < 0)
            return 1;
        total += dt;
        printf("%-40s %9llu records %8.1f MB %7.3f s %10.0f rec/s %7.1f MB/s\n", argv[i],
               (unsigned long long)(c.records - r0), (double)(bytes - b0) / 1e6, dt,
               (double)(c.records - r0) / dt, (double)(bytes - b0) / 1e6 / dt);
    }
    printf("records %llu\nlines %llu\nbytes %llu\n", (unsigned long long)c.records,
           (unsigned long long)c.lines, (unsigned long long)bytes);
    for (int l = 1; l <= LVL_COUNT; l++)
        printf("level.%s %llu\n", level_name(l % LVL_COUNT),
               (unsigned long long)c.levels[l % LVL_COUNT]);
    printf("duration.count %llu\nstatus.5xx %llu\nstatus.4xx %llu\nstatus.2xx %llu\n"
           "with_cid %llu\nts_guessed %llu\n", (unsigned long long)c.dur,
           (unsigned long long)c.st5, (unsigned long long)c.st4, (unsigned long long)c.st2,
           (unsigned long long)c.cids, (unsigned long long)c.guessed);
    printf("RESULT records=%llu seconds=%.3f rps=%.0f mbps=%.1f\n", (unsigned long long)c.records,
           total, (double)c.records / total, (double)bytes / 1e6 / total);
    return 0;
}
