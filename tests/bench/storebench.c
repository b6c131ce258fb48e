/* storebench: store-only ingest throughput. Builds synthetic records in
 * memory, shaped like the corpus tests/bench/gen writes (message, cid on
 * most, duration/status on some, ~300-byte raw JSON), and times
 * store_open(STORE_WRITE), store_begin/store_add/store_commit per batch and
 * store_close. Records are built outside the timed sections. Prints one line
 * per batch and a final `RESULT key=value ...` line for tests/bench/run.sh. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/store.h"

struct bench {
    uint64_t rng;
    size_t batch;
    struct record *recs;
    char *arena;              /* every string of one batch */
    size_t arena_cap;
    int64_t ts;
};

static const char *const msgs[] = {
    "Request completed", "Request started", "Synthesis started voice=en-US-Neural2-C chars=%u",
    "Gemini API error error_code=QUOTA_EXCEEDED attempt=%u", "Health check passed",
    "Processing message batch", "Generation completed", "Authentication failed",
    "Worker heartbeat queue_depth=%u active_jobs=3", "Forwarding request",
    "Database connection pool exhausted waiting=%u", "Model cache hit",
};
static const char *const services[] = {"tts-api", "tts.worker", "health-checker", "gateway",
                                       "musicgen-api"};
static const int level_mix[16] = {2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 5, 6, 0};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint32_t rn(struct bench *b, uint32_t n)
{
    uint64_t x = b->rng;
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    b->rng = x;
    return (uint32_t)((((x * 0x2545F4914F6CDD1DULL) >> 32) * n) >> 32);
}

/* Appends a formatted string to the arena; returns it (NUL-terminated). */
static char *arena_put(struct bench *b, size_t *used, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static char *arena_put(struct bench *b, size_t *used, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = b->arena + *used;
    int n = vsnprintf(p, b->arena_cap - *used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->arena_cap - *used) {
        fprintf(stderr, "storebench: arena full\n");
        exit(1);
    }
    *used += (size_t)n + 1;
    if (len)
        *len = (size_t)n;
    return p;
}

static void make_record(struct bench *b, struct record *r, size_t *used, int64_t off)
{
    memset(r, 0, sizeof *r);
    b->ts += 1000 + rn(b, 7000);
    r->ts = b->ts;
    r->level = level_mix[rn(b, 16)];
    r->format = rn(b, 5) ? FMT_JSON : FMT_PYTHON;
    r->service = services[rn(b, 5)];
    r->logger = "api.request";
    if (rn(b, 10) < 7)
        r->cid = arena_put(b, used, NULL, "%08x-%04x-4%03x-%04x-%08x%04x", rn(b, UINT32_MAX),
                           rn(b, 0x10000), rn(b, 0x1000), 0x8000 | rn(b, 0x4000),
                           rn(b, UINT32_MAX), rn(b, 0x10000));
    r->msg = arena_put(b, used, &r->msg_len, msgs[rn(b, 12)], rn(b, 5000));
    if (rn(b, 3) == 0) {
        r->has_duration = 1, r->duration_ms = rn(b, 200000) / 10.0;
        r->has_status = 1, r->status = rn(b, 20) ? 200 : 500;
    }
    r->raw = arena_put(b, used, &r->raw_len,
                       "{\"event\": \"%s\", \"level\": \"%s\", \"timestamp\": \"2026-01-05T10:"
                       "%02u:%02u.%06uZ\", \"logger\": \"api.request\", \"service\": \"%s\", "
                       "\"request_id\": \"%s\", \"path\": \"/api/v1/tts\", \"method\": \"POST\", "
                       "\"status_code\": %d, \"duration_ms\": %.1f, \"client_ip\": \"10.0.%u.%u\"}",
                       r->msg, level_name(r->level), rn(b, 60), rn(b, 60), rn(b, 1000000),
                       r->service, r->cid ? r->cid : "", (int)r->status, r->duration_ms,
                       rn(b, 256), rn(b, 256));
    r->fields = r->format == FMT_JSON ? NULL : "{\"logger\": \"tts.worker\"}";
    r->offset = off;
    r->nlines = 1;
}

static void fill_batch(struct bench *b, int64_t first_off)
{
    size_t used = 0;
    int64_t off = first_off;
    for (size_t i = 0; i < b->batch; i++) {
        make_record(b, &b->recs[i], &used, off);
        off += (int64_t)b->recs[i].raw_len + 1;
    }
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

static void fail(const struct err *e)
{
    fprintf(stderr, "storebench: %s\n", e->msg);
    exit(1);
}

int main(int argc, char **argv)
{
    uint64_t total = 1000000;
    struct bench b = {.rng = 0x9E3779B97F4A7C15ULL, .batch = 100000, .ts = 1767607200000000LL};
    char dbpath[4096] = "", tmpl[] = "/tmp/storebench.XXXXXX";
    int opt;
    while ((opt = getopt(argc, argv, "n:b:d:")) != -1) {
        if (opt == 'n')
            total = strtoull(optarg, NULL, 10);
        else if (opt == 'b')
            b.batch = strtoull(optarg, NULL, 10);
        else if (opt == 'd')
            snprintf(dbpath, sizeof dbpath, "%s", optarg);
        else {
            fprintf(stderr, "usage: storebench [-n RECORDS] [-b BATCH] [-d DB]\n");
            return 2;
        }
    }
    if (!b.batch)
        b.batch = 100000;
    int own_dir = !dbpath[0];
    if (own_dir) {
        if (!mkdtemp(tmpl))
            return perror("mkdtemp"), 1;
        snprintf(dbpath, sizeof dbpath, "%s/bench.db", tmpl);
    }
    b.arena_cap = b.batch * 1024;
    b.recs = calloc(b.batch, sizeof *b.recs);
    b.arena = malloc(b.arena_cap);
    if (!b.recs || !b.arena)
        return fprintf(stderr, "storebench: out of memory\n"), 1;

    struct err e = {0};
    double t0 = now_s();
    struct store *s = store_open(dbpath, STORE_WRITE, &e);
    if (!s)
        fail(&e);
    double t_open = now_s() - t0, t_add = 0, t_commit = 0, raw_bytes = 0;
    struct store_file f = {.dev = 1, .ino = 1};
    snprintf(f.path, sizeof f.path, "/var/log/bench/api.jsonl");
    if (store_begin(s, &e) < 0 || store_file_put(s, &f, &e) < 0 || store_commit(s, &e) < 0)
        fail(&e);
    printf("storebench: %llu records, batches of %zu, db %s\n", (unsigned long long)total,
           b.batch, dbpath);
    int64_t off = 0;
    for (uint64_t done = 0, nb = 1; done < total; nb++) {
        size_t n = total - done < b.batch ? (size_t)(total - done) : b.batch;
        fill_batch(&b, off);
        double a = now_s();
        if (store_begin(s, &e) < 0)
            fail(&e);
        for (size_t i = 0; i < n; i++) {
            if (store_add(s, f.id, &b.recs[i], &e) < 0)
                fail(&e);
            raw_bytes += (double)b.recs[i].raw_len + 1;
        }
        off = b.recs[n - 1].offset + (int64_t)b.recs[n - 1].raw_len + 1;
        f.offset = off;
        f.records += (int64_t)n;
        double c = now_s();
        if (store_file_put(s, &f, &e) < 0 || store_commit(s, &e) < 0)
            fail(&e);
        double d = now_s();
        t_add += c - a, t_commit += d - c;
        done += n;
        printf("batch %3llu: %7zu rec  add %.3f s  commit %.3f s  %9.0f rec/s\n",
               (unsigned long long)nb, n, c - a, d - c, (double)n / (d - a));
    }
    double t1 = now_s();
    store_close(s);
    double t_close = now_s() - t1;
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", dbpath);
    int64_t dbsize = file_size(dbpath) + file_size(wal);
    double ingest = t_add + t_commit;
    printf("open %.3f s, add %.3f s, commit %.3f s, close %.3f s; db %.1f MB (raw %.1f MB)\n",
           t_open, t_add, t_commit, t_close, (double)dbsize / 1e6, raw_bytes / 1e6);
    printf("RESULT records=%llu seconds=%.3f rps=%.0f mbps=%.1f db_mb=%.1f close_s=%.3f\n",
           (unsigned long long)total, ingest, (double)total / ingest, raw_bytes / 1e6 / ingest,
           (double)dbsize / 1e6, t_close);
    if (own_dir) {
        unlink(wal);
        snprintf(wal, sizeof wal, "%s-shm", dbpath);
        unlink(wal);
        unlink(dbpath);
        rmdir(tmpl);
    }
    free(b.recs);
    free(b.arena);
    return 0;
}
