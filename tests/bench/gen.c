/* gen: a deterministic, realistic log corpus in the seed formats, plus its
 * ground truth. Five files (api.jsonl structlog, worker.log Python text with
 * tracebacks, health.jsonl loguru JSON, gateway.jsonl base + metrics,
 * musicgen.jsonl ECS) share request ids; error bursts about once a minute of
 * simulated time, slow-request tiers, auth failures and the odd secret.
 *
 * The truth (--truth) is counted while writing, so it describes exactly the
 * bytes produced: a record is one line, except that a traceback block is one
 * record with the worker.log line before it. Test and bench tool only. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/base/record.h"

enum { F_API, F_WORKER, F_HEALTH, F_GATEWAY, F_MUSIC, F_COUNT };
static const char *const file_names[F_COUNT] = {
    "api.jsonl", "worker.log", "health.jsonl", "gateway.jsonl", "musicgen.jsonl",
};
/* 1: the file's timestamps carry milliseconds only. */
static const int file_ms[F_COUNT] = {0, 1, 0, 1, 1};

/* --wide: production cardinalities for the store benchmark: 5000 customers,
 * a million client addresses (the tests keep the small default). */
static int wide;

enum tsfmt { TS_US_Z, TS_MS_Z, TS_US_OFF, TS_PY };
enum kind { K_TTS, K_MUSIC, K_AUTH };

#define OUT_CAP (1u << 20)
#define NPOOL 12              /* requests in flight at once */
#define NTRACK 5
#define DUR_MAX 600000u       /* tenths of ms: durations are capped at 60 s */

struct out {
    FILE *fp;
    char *buf;
    size_t len;
    uint64_t bytes, lines, records;
};

struct req {
    char id[37];
    int active, kind, step, route, status, err, tb, gw, dbg, ip, cust, track;
    uint32_t dur;             /* tenths of ms */
};

/* What one record contributes to the truth. track: 0 none, else 1..NTRACK. */
struct rinfo {
    int level, status, has_dur, track, nlines, secret;
    uint32_t dur;
};

struct gen {
    uint64_t rng, n, done;
    int64_t start, span, step, ts;   /* µs; ts = the record being written */
    int burst;
    struct out out[F_COUNT];
    uint64_t level[LVL_COUNT], st2, st4, st5, secrets, multiline;
    int64_t first_ts, last_ts;
    uint32_t *hist, dur_max;
    uint64_t dur_n;
    char track_id[NTRACK][37];
    uint64_t track_n[NTRACK];
    int ntrack;
    struct req pool[NPOOL];
    char hc_id[37];           /* health check cycle correlation id, or "" */
    int hc_left;
};

struct route { const char *method, *path; int kind; };
static const struct route routes[] = {
    {"POST", "/api/v1/tts", K_TTS},         {"POST", "/api/v1/tts/stream", K_TTS},
    {"POST", "/api/v1/tts/batch", K_TTS},   {"POST", "/api/v1/music", K_MUSIC},
    {"GET", "/api/v1/voices", -1},          {"GET", "/health", -1},
    {"GET", "/api/v1/status", -1},
};
static const char *const voices[] = {"en-US-Neural2-C", "en-GB-Wavenet-B", "vi-VN-Standard-A",
                                     "de-DE-Neural2-F", "ja-JP-Wavenet-D"};
static const char *const agents[] = {"python-requests/2.31.0", "curl/8.4.0",
                                     "Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0",
                                     "okhttp/4.12.0"};

static void die(const char *what, const char *path)
{
    fprintf(stderr, "gen: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

/* --- random ---------------------------------------------------------------- */

static uint64_t rnd(struct gen *g)
{
    uint64_t x = g->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static uint32_t rn(struct gen *g, uint32_t n)
{
    return (uint32_t)(((rnd(g) >> 32) * n) >> 32);
}

static int chance(struct gen *g, uint32_t permille)
{
    return rn(g, 1000) < permille;
}

static uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void new_uuid(struct gen *g, char id[37])
{
    static const char hex[] = "0123456789abcdef";
    uint64_t a = (rnd(g) & ~0xF000ULL) | 0x4000ULL;
    uint64_t b = (rnd(g) & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    char *p = id;
    for (int i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            *p++ = '-';
        uint64_t w = i < 16 ? a : b;
        *p++ = hex[(w >> (60 - 4 * (i % 16))) & 15];
    }
    *p = '\0';
}

/* --- output ---------------------------------------------------------------- */

static void out_flush(struct out *o, const char *name)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->fp) != o->len)
        die("cannot write", name);
    o->bytes += o->len;
    o->len = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
    if (o->len + n > OUT_CAP)
        out_flush(o, "output");
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

#define PUTS(o, lit) put((o), (lit), sizeof(lit) - 1)

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_u(struct out *o, uint64_t v)
{
    char b[24], *p = b + sizeof b;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    put(o, p, (size_t)(b + sizeof b - p));
}

static void put_tenths(struct out *o, uint32_t t)
{
    char b[4] = {'.', (char)('0' + t % 10)};
    put_u(o, t / 10);
    put(o, b, 2);
}

static void put_rand(struct out *o, struct gen *g, const char *alpha, int n)
{
    size_t na = strlen(alpha);
    char b[64];
    for (int i = 0; i < n && i < 64; i++)
        b[i] = alpha[rn(g, (uint32_t)na)];
    put(o, b, (size_t)(n < 64 ? n : 64));
}

static char *d2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* us >= 0. Hinnant's civil-from-days. */
static void put_ts(struct out *o, int64_t us, int f)
{
    int64_t s = us / 1000000, z = s / 86400 + 719468;
    int frac = (int)(us % 1000000), sod = (int)(s % 86400);
    int64_t era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400 + (m <= 2));
    char b[40], *p = d2(d2(b, y / 100), y % 100);
    *p++ = '-', p = d2(p, m), *p++ = '-', p = d2(p, d);
    *p++ = f == TS_PY ? ' ' : 'T';
    p = d2(p, sod / 3600), *p++ = ':', p = d2(p, sod / 60 % 60), *p++ = ':', p = d2(p, sod % 60);
    *p++ = f == TS_PY ? ',' : '.';
    int digits = (f == TS_MS_Z || f == TS_PY) ? 3 : 6, div = 100000;
    for (int i = 0; i < digits; i++, div /= 10)
        *p++ = (char)('0' + frac / div % 10);
    if (f == TS_US_Z || f == TS_MS_Z)
        *p++ = 'Z';
    else if (f == TS_US_OFF)
        memcpy(p, "+00:00", 6), p += 6;
    put(o, b, (size_t)(p - b));
}

/* --- records and truth ------------------------------------------------------- */

/* Starts a record in file f: sets g->ts (at the file's precision) and the
 * burst flag. NULL once N records were written. */
static struct out *rec_begin(struct gen *g, int f)
{
    if (g->done >= g->n)
        return NULL;
    int64_t base = (int64_t)((unsigned __int128)g->done * (uint64_t)g->span / g->n);
    int64_t t = g->start + base + (g->step > 1 ? (int64_t)rn(g, (uint32_t)g->step) : 0);
    int64_t sec = (t - g->start) / 1000000;
    uint64_t h = mix((uint64_t)(sec / 60) ^ 0xB0u);
    int from = (int)(h % 48), len = 4 + (int)((h >> 8) % 7);
    g->burst = sec % 60 >= from && sec % 60 < from + len;
    g->ts = file_ms[f] ? t - t % 1000 : t;
    return &g->out[f];
}

static void rec_end(struct gen *g, int f, const struct rinfo *ri)
{
    int nl = ri->nlines ? ri->nlines : 1;
    g->done++;
    g->out[f].records++;
    g->out[f].lines += (uint64_t)nl;
    g->multiline += nl > 1;
    g->level[ri->level]++;
    g->secrets += ri->secret != 0;
    if (g->first_ts < 0 || g->ts < g->first_ts)
        g->first_ts = g->ts;
    if (g->ts > g->last_ts)
        g->last_ts = g->ts;
    if (ri->has_dur) {
        g->hist[ri->dur]++;
        g->dur_n++;
        if (ri->dur > g->dur_max)
            g->dur_max = ri->dur;
    }
    g->st2 += ri->status >= 200 && ri->status < 300;
    g->st4 += ri->status >= 400 && ri->status < 500;
    g->st5 += ri->status >= 500 && ri->status < 600;
    if (ri->track)
        g->track_n[ri->track - 1]++;
}

static int status_level(int st)
{
    return st >= 500 ? LVL_ERROR : st >= 400 ? LVL_WARNING : LVL_INFO;
}

/* A duration in tenths of ms: fast < 100 ms, normal < 1 s, slow < 5 s,
 * very slow >= 5 s; bursts and errors skew slow. */
static uint32_t pick_dur(struct gen *g, int slowish)
{
    uint32_t r = rn(g, 1000) + (slowish ? 300u : 0u);
    if (r < 600)
        return 20 + rn(g, 980);
    if (r < 930)
        return 1000 + rn(g, 9000);
    if (r < 1150)
        return 10000 + rn(g, 40000);
    return 50000 + rn(g, 250000);
}

/* --- api.jsonl (structlog) ---------------------------------------------------- */

static void api_head(struct out *o, struct gen *g, const char *event, const char *lvl)
{
    PUTS(o, "{\"event\": \"");
    puts_(o, event);
    PUTS(o, "\", \"level\": \"");
    puts_(o, lvl);
    PUTS(o, "\", \"timestamp\": \"");
    put_ts(o, g->ts, TS_US_Z);
    PUTS(o, "\", \"logger\": \"api.request\", \"service\": \"tts-api\"");
}

static void api_req_fields(struct out *o, const struct req *q)
{
    PUTS(o, ", \"request_id\": \"");
    put(o, q->id, 36);
    PUTS(o, "\", \"path\": \"");
    puts_(o, routes[q->route].path);
    PUTS(o, "\", \"method\": \"");
    puts_(o, routes[q->route].method);
    PUTS(o, "\"");
}

static void put_ip(struct out *o, int ip)
{
    PUTS(o, "\"10.");
    put_u(o, (uint64_t)(ip >> 16));
    PUTS(o, ".");
    put_u(o, (uint64_t)((ip >> 8) & 255));
    PUTS(o, ".");
    put_u(o, (uint64_t)(ip & 255));
    PUTS(o, "\"");
}

static void api_started(struct gen *g, const struct req *q)
{
    struct out *o = rec_begin(g, F_API);
    if (!o)
        return;
    api_head(o, g, "Request started", "debug");
    api_req_fields(o, q);
    PUTS(o, ", \"client_ip\": ");
    put_ip(o, q->ip);
    PUTS(o, ", \"user_agent\": \"");
    puts_(o, agents[q->ip % 4]);
    PUTS(o, "\"}\n");
    rec_end(g, F_API, &(struct rinfo){.level = LVL_DEBUG, .track = q->track});
}

static void api_completed(struct gen *g, const struct req *q)
{
    struct out *o = rec_begin(g, F_API);
    if (!o)
        return;
    int lvl = status_level(q->status);
    api_head(o, g, "Request completed", level_name(lvl));
    api_req_fields(o, q);
    PUTS(o, ", \"status_code\": ");
    put_u(o, (uint64_t)q->status);
    PUTS(o, ", \"duration_ms\": ");
    put_tenths(o, q->dur);
    PUTS(o, ", \"client_ip\": ");
    put_ip(o, q->ip);
    PUTS(o, "}\n");
    rec_end(g, F_API, &(struct rinfo){.level = lvl, .status = q->status, .has_dur = 1,
                                      .dur = q->dur, .track = q->track});
}

/* Authentication failure, sometimes leaking the bearer token it rejected. */
static void api_auth_failed(struct gen *g, const struct req *q)
{
    struct out *o = rec_begin(g, F_API);
    if (!o)
        return;
    int secret = chance(g, 250);
    api_head(o, g, secret ? "Authentication failed" : "Authentication failed: token expired",
             "warning");
    api_req_fields(o, q);
    if (secret) {
        PUTS(o, ", \"header\": \"Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.");
        put_rand(o, g, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 40);
        PUTS(o, ".");
        put_rand(o, g, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 43);
        PUTS(o, "\"");
    }
    PUTS(o, ", \"client_ip\": ");
    put_ip(o, q->ip);
    PUTS(o, "}\n");
    rec_end(g, F_API, &(struct rinfo){.level = LVL_WARNING, .track = q->track, .secret = secret});
}

/* Background api records: pool exhaustion in bursts, card numbers sometimes. */
static void api_background(struct gen *g)
{
    struct out *o = rec_begin(g, F_API);
    if (!o)
        return;
    if (g->burst && chance(g, 300)) {
        api_head(o, g, "Database connection pool exhausted", "critical");
        PUTS(o, ", \"pool_size\": 20, \"waiting\": ");
        put_u(o, 20 + rn(g, 80));
        PUTS(o, "}\n");
        rec_end(g, F_API, &(struct rinfo){.level = LVL_CRITICAL});
        return;
    }
    int secret = chance(g, 50);
    api_head(o, g, secret ? "Billing update failed for card 4111111111111111"
                          : "Rate limiter state refreshed", secret ? "error" : "info");
    PUTS(o, ", \"customers\": ");
    put_u(o, 100 + rn(g, 900));
    PUTS(o, "}\n");
    rec_end(g, F_API, &(struct rinfo){.level = secret ? LVL_ERROR : LVL_INFO, .secret = secret});
}

/* --- worker.log (Python text) ------------------------------------------------ */

static void py_head(struct out *o, struct gen *g, const char *logger, const char *lvl)
{
    put_ts(o, g->ts, TS_PY);
    PUTS(o, " - ");
    puts_(o, logger);
    PUTS(o, " - ");
    puts_(o, lvl);
    PUTS(o, " - ");
}

static const char *const frames[][2] = {
    {"  File \"/app/tts/worker.py\", line 142, in process_job",
     "    audio = self.synthesize(job.text, voice=job.voice, fmt=job.format)"},
    {"  File \"/app/tts/gemini_client.py\", line 88, in synthesize",
     "    response = self._client.generate_content(prompt, timeout=self.timeout)"},
    {"  File \"/usr/local/lib/python3.11/site-packages/google/api_core/grpc_helpers.py\", "
     "line 79, in error_remapped_callable", "    raise exceptions.from_grpc_error(exc) from exc"},
};
static const char *const errors[][2] = {
    {"QUOTA_EXCEEDED", "google.api_core.exceptions.ResourceExhausted: 429 Quota exceeded "
                       "for quota metric 'generate_requests_per_minute'"},
    {"TIMEOUT", "TimeoutError: Gemini API did not answer within 30 seconds"},
    {"INVALID_VOICE", "ValueError: Unsupported voice 'xx-XX-Unknown' for model gemini-1.5-flash"},
    {"UPSTREAM_RESET", "ConnectionResetError: [Errno 104] Connection reset by peer"},
};

/* Traceback block of 3..8 lines; returns the number of lines written. */
static int put_traceback(struct out *o, struct gen *g, int e)
{
    int nf = 1 + (int)rn(g, 3), lines = 2;
    PUTS(o, "Traceback (most recent call last):\n");
    for (int i = 3 - nf; i < 3; i++) {
        puts_(o, frames[i][0]);
        PUTS(o, "\n");
        lines++;
        if (chance(g, 800)) {
            puts_(o, frames[i][1]);
            PUTS(o, "\n");
            lines++;
        }
    }
    puts_(o, errors[e][1]);
    PUTS(o, "\n");
    return lines;
}

static void worker_step(struct gen *g, const struct req *q, int what)
{
    struct out *o = rec_begin(g, F_WORKER);
    if (!o)
        return;
    struct rinfo ri = {.level = LVL_INFO, .track = q->track};
    if (what == 0) {
        py_head(o, g, "tts.worker", "INFO");
        PUTS(o, "[");
        put(o, q->id, 36);
        PUTS(o, "] Synthesis started voice=");
        puts_(o, voices[q->ip % 5]);
        PUTS(o, " chars=");
        put_u(o, 40 + (q->dur % 4000));
        PUTS(o, " format=mp3 queue=tts-default\n");
    } else if (what == 1) {
        ri.level = LVL_DEBUG;
        ri.secret = chance(g, 40);
        py_head(o, g, "tts.worker.gemini", "DEBUG");
        PUTS(o, "[");
        put(o, q->id, 36);
        PUTS(o, "] Calling Gemini API model=gemini-1.5-flash");
        if (ri.secret) {
            PUTS(o, " api_key=sk-proj-");
            put_rand(o, g, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 40);
        }
        PUTS(o, " attempt=1\n");
    } else if (!q->err) {
        py_head(o, g, "tts.worker", "INFO");
        PUTS(o, "[");
        put(o, q->id, 36);
        PUTS(o, "] Synthesis completed in ");
        put_u(o, q->dur / 10000);
        PUTS(o, ".");
        put_u(o, q->dur / 1000 % 10);
        PUTS(o, "s audio_bytes=");
        put_u(o, 4000 + q->dur * 3 % 900000);
        PUTS(o, "\n");
    } else {
        int e = (int)(mix((uint64_t)q->dur) % 4);
        ri.level = LVL_ERROR;
        py_head(o, g, "tts.worker", "ERROR");
        PUTS(o, "Gemini API error request_id=");
        put(o, q->id, 36);
        PUTS(o, " error_code=");
        puts_(o, errors[e][0]);
        PUTS(o, "\n");
        if (q->tb)
            ri.nlines = 1 + put_traceback(o, g, e);
    }
    rec_end(g, F_WORKER, &ri);
}

static void worker_background(struct gen *g)
{
    struct out *o = rec_begin(g, F_WORKER);
    if (!o)
        return;
    struct rinfo ri = {.level = LVL_INFO};
    if (g->burst && chance(g, 30)) {
        ri.level = LVL_CRITICAL;
        py_head(o, g, "tts.supervisor", "CRITICAL");
        PUTS(o, "Worker process ");
        put_u(o, 4000 + rn(g, 900));
        PUTS(o, " died with signal 9 (out of memory); restarting\n");
    } else if (chance(g, 60)) {
        ri.level = LVL_DEBUG;
        ri.secret = 1;
        py_head(o, g, "tts.queue", "DEBUG");
        PUTS(o, "Connecting to broker redis://default:");
        put_rand(o, g, "abcdefghijklmnopqrstuvwxyz0123456789", 16);
        PUTS(o, "@redis.internal:6379/0 (pool size 10)\n");
    } else {
        int slow = g->burst && chance(g, 500);
        ri.level = slow ? LVL_WARNING : LVL_INFO;
        py_head(o, g, "tts.queue", slow ? "WARNING" : "INFO");
        PUTS(o, slow ? "Queue backlog growing depth=" : "Worker heartbeat queue_depth=");
        put_u(o, slow ? 200 + rn(g, 800) : rn(g, 20));
        PUTS(o, " active_jobs=");
        put_u(o, rn(g, 8));
        PUTS(o, " rss_mb=");
        put_u(o, 400 + rn(g, 300));
        PUTS(o, "\n");
    }
    rec_end(g, F_WORKER, &ri);
}

/* --- health.jsonl (custom loguru JSON) ---------------------------------------- */

static const char *const hc_comp[] = {"database", "redis", "gemini_api", "storage", "worker_queue"};
static const char *const hc_func[] = {"check_database", "check_redis", "check_gemini",
                                      "check_storage", "check_queue"};

static void health_record(struct gen *g)
{
    struct out *o = rec_begin(g, F_HEALTH);
    if (!o)
        return;
    int c = (int)rn(g, 5), start = g->hc_left <= 0;
    int fail = !start && chance(g, g->burst ? 250 : 15);
    uint32_t dur = pick_dur(g, g->burst) / 4 + 5;
    int slow = !start && !fail && dur >= 5000;
    int lvl = start ? LVL_INFO : fail ? LVL_ERROR : slow ? LVL_WARNING : LVL_INFO;
    if (start) {
        g->hc_left = 3 + (int)rn(g, 5);
        g->hc_id[0] = '\0';
        if (chance(g, 400))
            new_uuid(g, g->hc_id);
    }
    g->hc_left--;
    PUTS(o, "{\"timestamp\": \"");
    put_ts(o, g->ts, TS_US_OFF);
    PUTS(o, "\", \"level\": \"");
    puts_(o, start ? "INFO" : fail ? "ERROR" : slow ? "WARNING" : "SUCCESS");
    PUTS(o, "\", \"service\": \"health-checker\", \"version\": \"1.4.2\", "
            "\"environment\": \"production\", \"component\": \"");
    puts_(o, start ? "health_checker" : hc_comp[c]);
    PUTS(o, "\", \"operation\": \"");
    puts_(o, start ? "run_cycle" : "check_health");
    PUTS(o, "\", \"message\": \"");
    puts_(o, start ? "Starting health check cycle" : fail ? "Health check failed"
             : slow ? "Health check slow" : "Health check passed");
    PUTS(o, "\", \"module\": \"checks\", \"function\": \"");
    puts_(o, start ? "run_cycle" : hc_func[c]);
    PUTS(o, "\", \"line\": ");
    put_u(o, start ? 41 : 87 + (uint64_t)c * 23);
    PUTS(o, ", \"process_id\": 2817, \"thread_id\": 140183526475584");
    if (g->hc_id[0]) {
        PUTS(o, ", \"correlation_id\": \"");
        put(o, g->hc_id, 36);
        PUTS(o, "\"");
    }
    struct rinfo ri = {.level = lvl};
    if (!start) {
        PUTS(o, ", \"duration_ms\": ");
        put_tenths(o, dur);
        ri.has_dur = 1, ri.dur = dur;
    }
    if (!start && c == 2) {
        ri.status = fail ? 503 : 200;
        PUTS(o, ", \"status_code\": ");
        put_u(o, (uint64_t)ri.status);
    }
    if (fail)
        PUTS(o, ", \"exception\": {\"type\": \"ConnectionError\", \"value\": \"connection refused\", "
                "\"traceback\": \"Traceback (most recent call last):\\n  File \\\"/app/checks.py\\\", "
                "line 90, in check\\n    conn.ping()\\nConnectionError: connection refused\"}");
    PUTS(o, "}\n");
    rec_end(g, F_HEALTH, &ri);
}

/* --- gateway.jsonl (base + metrics) -------------------------------------------- */

static void gw_head(struct out *o, struct gen *g, const char *lvl, const char *comp, int cust,
                    const char *msg)
{
    PUTS(o, "{\"timestamp\": \"");
    put_ts(o, g->ts, TS_MS_Z);
    PUTS(o, "\", \"level\": \"");
    puts_(o, lvl);
    PUTS(o, "\", \"component\": \"");
    puts_(o, comp);
    PUTS(o, "\", \"customer_id\": \"customer_");
    put_u(o, (uint64_t)cust);
    PUTS(o, "\", \"asset_id\": \"gateway_1\", \"message\": \"");
    puts_(o, msg);
    PUTS(o, "\", \"process\": {\"name\": \"MainProcess\", \"id\": 1234}, "
            "\"thread\": {\"name\": \"MainThread\", \"id\": 5678}");
}

/* what: 0 request received, 1 request done, 2 auth failure. */
static void gw_request(struct gen *g, const struct req *q, int what)
{
    struct out *o = rec_begin(g, F_GATEWAY);
    if (!o)
        return;
    struct rinfo ri = {.level = LVL_INFO, .track = q->track};
    if (what == 2) {
        ri.level = LVL_WARNING;
        ri.secret = chance(g, 200);
        gw_head(o, g, "WARNING", "auth", q->cust,
                ri.secret ? "Authentication failed: invalid API key" : "Authentication failed");
        if (ri.secret) {
            PUTS(o, ", \"api_key\": \"sk-live-");
            put_rand(o, g, "abcdefghijklmnopqrstuvwxyz0123456789", 32);
            PUTS(o, "\"");
        }
    } else if (what == 0) {
        gw_head(o, g, "DEBUG", "api", q->cust, "Forwarding request");
        ri.level = LVL_DEBUG;
    } else {
        ri.level = status_level(q->status);
        gw_head(o, g, ri.level == LVL_INFO ? "INFO" : ri.level == LVL_WARNING ? "WARNING" : "ERROR",
                "api", q->cust, q->status < 400 ? "Request processed successfully"
                                                : "Request failed upstream");
        ri.status = q->status, ri.has_dur = 1, ri.dur = q->dur + 15 + q->dur / 50;
        if (ri.dur > DUR_MAX)
            ri.dur = DUR_MAX;
    }
    PUTS(o, ", \"request_id\": \"");
    put(o, q->id, 36);
    PUTS(o, "\", \"endpoint\": \"");
    puts_(o, routes[q->route].path);
    PUTS(o, "\"");
    if (ri.has_dur) {
        PUTS(o, ", \"status_code\": ");
        put_u(o, (uint64_t)ri.status);
        PUTS(o, ", \"duration_ms\": ");
        put_tenths(o, ri.dur);
    }
    PUTS(o, "}\n");
    rec_end(g, F_GATEWAY, &ri);
}

/* Metrics records carry no level: they count as level unknown. */
static void gw_metric(struct gen *g)
{
    struct out *o = rec_begin(g, F_GATEWAY);
    if (!o)
        return;
    int q = chance(g, 500);
    PUTS(o, "{\"timestamp\": \"");
    put_ts(o, g->ts, TS_MS_Z);
    PUTS(o, "\", \"component\": \"metrics\", \"metric\": {\"name\": \"");
    puts_(o, q ? "queue_length" : "message_processing_rate");
    PUTS(o, "\", \"value\": ");
    if (q)
        put_u(o, g->burst ? 500 + rn(g, 4000) : rn(g, 200));
    else
        put_tenths(o, (g->burst ? 1000 : 8000) + rn(g, 4000));
    PUTS(o, ", \"unit\": \"");
    puts_(o, q ? "messages" : "msgs/sec");
    PUTS(o, "\", \"tags\": {\"customer_id\": \"customer_");
    put_u(o, 100 + rn(g, 20));
    PUTS(o, "\", \"message_type\": \"ogx\"}}}\n");
    rec_end(g, F_GATEWAY, &(struct rinfo){.level = LVL_UNKNOWN});
}

static void gw_protocol(struct gen *g)
{
    struct out *o = rec_begin(g, F_GATEWAY);
    if (!o)
        return;
    int bad = chance(g, g->burst ? 200 : 20);
    uint64_t m = rn(g, 900000);
    gw_head(o, g, bad ? "WARNING" : "DEBUG", "protocol", 100 + (int)rn(g, 20),
            bad ? "Message validation failed" : "Processing message batch");
    if (bad) {
        PUTS(o, ", \"message_id\": \"msg_");
        put_u(o, m);
        PUTS(o, "\", \"reason\": \"checksum mismatch\"}\n");
    } else {
        PUTS(o, ", \"batch_size\": ");
        put_u(o, 50 + m % 4950);
        PUTS(o, ", \"message_ids\": [\"msg_");
        put_u(o, m);
        PUTS(o, "\", \"msg_");
        put_u(o, m + 1);
        PUTS(o, "\"]}\n");
    }
    rec_end(g, F_GATEWAY, &(struct rinfo){.level = bad ? LVL_WARNING : LVL_DEBUG});
}

/* --- musicgen.jsonl (ECS dotted keys) ------------------------------------------ */

static void ecs_head(struct out *o, struct gen *g, const char *lvl, const char *msg)
{
    PUTS(o, "{\"@timestamp\": \"");
    put_ts(o, g->ts, TS_MS_Z);
    PUTS(o, "\", \"log.level\": \"");
    puts_(o, lvl);
    PUTS(o, "\", \"message\": \"");
    puts_(o, msg);
    PUTS(o, "\", \"service.name\": \"musicgen-api\", \"service.version\": \"1.0.0\", "
            "\"service.environment\": \"production\", \"log.logger\": \"music_gen.api\"");
}

static const char *tier_name(uint32_t dur)
{
    return dur < 1000 ? "fast" : dur < 10000 ? "normal" : dur < 50000 ? "slow" : "very_slow";
}

/* done: 0 the request arrives, 1 it completes. */
static void music_request(struct gen *g, const struct req *q, int done)
{
    struct out *o = rec_begin(g, F_MUSIC);
    if (!o)
        return;
    struct rinfo ri = {.level = LVL_INFO, .track = q->track};
    if (done)
        ri.level = status_level(q->status);
    ecs_head(o, g, ri.level == LVL_INFO ? "INFO" : ri.level == LVL_WARNING ? "WARNING" : "ERROR",
             !done ? "Generation request received" : q->status < 400 ? "Generation completed"
                                                                      : "Generation failed");
    PUTS(o, ", \"trace.correlation_id\": \"");
    put(o, q->id, 36);
    PUTS(o, "\", \"http.request.method\": \"POST\", \"url.path\": \"/api/v1/generate\"");
    if (done) {
        ri.status = q->status, ri.has_dur = 1, ri.dur = q->dur - q->dur / 10;
        PUTS(o, ", \"http.response.status_code\": ");
        put_u(o, (uint64_t)q->status);
        PUTS(o, ", \"performance.duration_ms\": ");
        put_tenths(o, ri.dur);
        PUTS(o, ", \"performance.classification\": \"");
        puts_(o, tier_name(ri.dur));
        PUTS(o, "\"");
    }
    PUTS(o, "}\n");
    rec_end(g, F_MUSIC, &ri);
}

static void music_background(struct gen *g)
{
    struct out *o = rec_begin(g, F_MUSIC);
    if (!o)
        return;
    int hot = g->burst && chance(g, 500);
    ecs_head(o, g, hot ? "WARNING" : "DEBUG", hot ? "GPU memory usage high" : "Model cache hit");
    PUTS(o, ", \"gpu.memory_used_mb\": ");
    put_u(o, hot ? 22000 + rn(g, 2000) : 8000 + rn(g, 6000));
    PUTS(o, ", \"model.name\": \"musicgen-medium\"}\n");
    rec_end(g, F_MUSIC, &(struct rinfo){.level = hot ? LVL_WARNING : LVL_DEBUG});
}

/* --- requests ------------------------------------------------------------------ */

static void req_start(struct gen *g, struct req *q)
{
    memset(q, 0, sizeof *q);
    new_uuid(g, q->id);
    q->active = 1;
    q->route = (int)rn(g, 4);
    q->kind = chance(g, g->burst ? 80 : 30) ? K_AUTH : routes[q->route].kind;
    q->err = chance(g, g->burst ? 250 : 20);
    q->tb = q->err && chance(g, 700);
    q->gw = chance(g, 600);
    q->dbg = chance(g, 500);
    q->ip = (int)rn(g, wide ? 1 << 20 : 1 << 12);
    q->cust = wide ? (int)rn(g, 5000) : 100 + (int)rn(g, 20);
    q->dur = pick_dur(g, g->burst || q->err);
    static const int bad[] = {500, 500, 502, 503}, client[] = {400, 404, 413, 429};
    q->status = q->err ? bad[rn(g, 4)] : chance(g, 40) ? client[rn(g, 4)] : 200;
    if (q->kind == K_AUTH)
        q->status = chance(g, 800) ? 401 : 403, q->dur = 20 + rn(g, 300), q->err = 0;
    /* Tracked ids spread over the run, each of a different shape. */
    int t = g->ntrack;
    if (t < NTRACK && g->done >= (uint64_t)t * g->n / NTRACK &&
        (t == 0 || (t == 1 && q->kind == K_TTS && q->tb) || (t == 2 && q->kind == K_MUSIC) ||
         (t == 3 && q->kind == K_AUTH) || (t == 4 && q->kind == K_TTS && !q->err))) {
        memcpy(g->track_id[t], q->id, 37);
        q->track = ++g->ntrack;
    }
}

enum act { A_START, A_GW_IN, A_W_START, A_W_CALL, A_W_END, A_M_IN, A_M_END, A_AUTH,
           A_GW_AUTH, A_GW_OUT, A_END, A_NONE };
static const signed char plans[3][8] = {
    [K_TTS] = {A_START, A_GW_IN, A_W_START, A_W_CALL, A_W_END, A_GW_OUT, A_END, A_NONE},
    [K_MUSIC] = {A_START, A_GW_IN, A_M_IN, A_M_END, A_GW_OUT, A_END, A_NONE},
    [K_AUTH] = {A_START, A_AUTH, A_GW_AUTH, A_END, A_NONE},
};

/* Emits the next record of request q; a finished request frees its slot. */
static void req_step(struct gen *g, struct req *q)
{
    int a;
    do
        a = plans[q->kind][q->step++];
    while ((!q->gw && (a == A_GW_IN || a == A_GW_OUT)) || (!q->dbg && a == A_W_CALL));
    switch (a) {
    case A_START: api_started(g, q); break;
    case A_GW_IN: gw_request(g, q, 0); break;
    case A_W_START: worker_step(g, q, 0); break;
    case A_W_CALL: worker_step(g, q, 1); break;
    case A_W_END: worker_step(g, q, 2); break;
    case A_M_IN: music_request(g, q, 0); break;
    case A_M_END: music_request(g, q, 1); break;
    case A_AUTH: api_auth_failed(g, q); break;
    case A_GW_AUTH: gw_request(g, q, 2); break;
    case A_GW_OUT: gw_request(g, q, 1); break;
    default: api_completed(g, q), q->active = 0; break;
    }
}

/* A one-record request: GET /health, /api/v1/voices, /api/v1/status. */
static void light_request(struct gen *g)
{
    struct req q = {.route = 4 + (int)rn(g, 3), .status = 200, .ip = (int)rn(g, 1 << 12)};
    new_uuid(g, q.id);
    q.dur = 5 + rn(g, 400);
    api_completed(g, &q);
}

static void background(struct gen *g)
{
    uint32_t r = rn(g, 100);
    if (r < 35)
        health_record(g);
    else if (r < 55)
        gw_metric(g);
    else if (r < 70)
        gw_protocol(g);
    else if (r < 82)
        worker_background(g);
    else if (r < 92)
        music_background(g);
    else
        api_background(g);
}

static void tick(struct gen *g)
{
    uint32_t r = rn(g, 100);
    if (r < 25) {
        background(g);
    } else if (r < 35) {
        light_request(g);
    } else {
        struct req *q = &g->pool[rn(g, NPOOL)];
        if (!q->active)
            req_start(g, q);
        req_step(g, q);
    }
}

/* --- main ------------------------------------------------------------------------ */

/* Nearest rank: the smallest value with at least ceil(p% of n) values <= it. */
static uint32_t percentile(const struct gen *g, unsigned p)
{
    uint64_t rank = (g->dur_n * p + 99) / 100, seen = 0;
    for (uint32_t v = 0; v <= DUR_MAX; v++)
        if ((seen += g->hist[v]) >= rank && rank)
            return v;
    return 0;
}

static void fput_tenths(FILE *f, const char *key, uint32_t t)
{
    fprintf(f, "%s %u.%u\n", key, t / 10, t % 10);
}

static void write_truth(const struct gen *g, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot create", path);
    uint64_t lines = 0, bytes = 0;
    char a[40], b[40];
    fprintf(f, "records %llu\n", (unsigned long long)g->done);
    for (int i = 0; i < F_COUNT; i++) {
        fprintf(f, "records.%s %llu\n", file_names[i], (unsigned long long)g->out[i].records);
        lines += g->out[i].lines, bytes += g->out[i].bytes;
    }
    fprintf(f, "lines %llu\nbytes %llu\n", (unsigned long long)lines, (unsigned long long)bytes);
    for (int l = 1; l <= LVL_COUNT; l++)
        fprintf(f, "level.%s %llu\n", level_name(l % LVL_COUNT),
                (unsigned long long)g->level[l % LVL_COUNT]);
    struct out o = {.buf = a};
    put_ts(&o, g->first_ts < 0 ? 0 : g->first_ts, TS_US_Z);
    a[o.len] = '\0';
    o = (struct out){.buf = b};
    put_ts(&o, g->last_ts, TS_US_Z);
    b[o.len] = '\0';
    if (g->done)
        fprintf(f, "first_ts %s\nlast_ts %s\n", a, b);
    fprintf(f, "duration.count %llu\n", (unsigned long long)g->dur_n);
    fput_tenths(f, "duration.p50", percentile(g, 50));
    fput_tenths(f, "duration.p95", percentile(g, 95));
    fput_tenths(f, "duration.p99", percentile(g, 99));
    fput_tenths(f, "duration.max", g->dur_max);
    fprintf(f, "status.5xx %llu\nstatus.4xx %llu\nstatus.2xx %llu\n", (unsigned long long)g->st5,
            (unsigned long long)g->st4, (unsigned long long)g->st2);
    for (int i = 0; i < g->ntrack; i++)
        fprintf(f, "cid.%s %llu\n", g->track_id[i], (unsigned long long)g->track_n[i]);
    fprintf(f, "multiline %llu\nsecrets %llu\n", (unsigned long long)g->multiline,
            (unsigned long long)g->secrets);
    if (fclose(f) != 0)
        die("cannot write", path);
}

static void usage(void)
{
    fputs("usage: gen --lines N --out DIR [--seed S] [--start EPOCH] [--span SECONDS]"
          " [--truth FILE] [--wide]\n", stderr);
    exit(2);
}

static uint64_t num(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        usage();
    return v;
}

static void open_outputs(struct gen *g, const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create", dir);
    for (int i = 0; i < F_COUNT; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, file_names[i]);
        g->out[i].fp = fopen(path, "w");
        g->out[i].buf = malloc(OUT_CAP);
        if (!g->out[i].fp || !g->out[i].buf)
            die("cannot create", path);
    }
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"lines", required_argument, NULL, 'n'}, {"out", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, 's'},  {"start", required_argument, NULL, 't'},
        {"span", required_argument, NULL, 'p'},  {"truth", required_argument, NULL, 'r'},
        {"wide", no_argument, NULL, 'w'},        {NULL, 0, NULL, 0}};
    static struct gen g;
    const char *dir = NULL, *truth = NULL;
    uint64_t seed = 1, start = 1767607200, span = 3600;
    int c, have_n = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': g.n = num(optarg), have_n = 1; break;
        case 'o': dir = optarg; break;
        case 's': seed = num(optarg); break;
        case 't': start = num(optarg); break;
        case 'p': span = num(optarg); break;
        case 'r': truth = optarg; break;
        case 'w': wide = 1; break;
        default: usage();
        }
    }
    if (!have_n || !dir || optind != argc || span == 0 || span > 100u * 365 * 86400 ||
        start > 4102444800u)
        usage();
    g.rng = mix(seed) | 1;
    g.start = (int64_t)start * 1000000;
    g.span = (int64_t)span * 1000000;
    g.step = g.n ? g.span / (int64_t)g.n : 0;
    g.first_ts = -1;
    g.hist = calloc(DUR_MAX + 1, sizeof *g.hist);
    if (!g.hist)
        die("out of memory", "");
    open_outputs(&g, dir);
    while (g.done < g.n)
        tick(&g);
    for (int i = 0; i < F_COUNT; i++) {
        out_flush(&g.out[i], file_names[i]);
        if (fclose(g.out[i].fp) != 0)
            die("cannot write", file_names[i]);
    }
    if (truth)
        write_truth(&g, truth);
    return 0;
}
