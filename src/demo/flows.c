/* flows: what each demo service writes, in the formats of the seeds:
 * a request through the gateway (nested JSON), the API (structlog), the
 * TTS worker (Python text, tracebacks) or musicgen (ECS); the health
 * checker's rounds (loguru JSON); the gateway's metric records. During a
 * burst (about once a minute) requests fail a third of the time. */
#include <stdio.h>
#include <string.h>

#include "src/demo/demo_int.h"

static const char *const customers[] = {"customer_123", "customer_481", "customer_007",
                                        "customer_950"};
static const char *const ips[] = {"10.0.3.17", "10.0.3.42", "10.0.7.5", "172.16.4.21",
                                  "192.168.10.8"};
static const char *const texts[] = {
    "Xin chào, đây là bản tin thời tiết hôm nay",
    "Cảm ơn bạn đã sử dụng dịch vụ của chúng tôi",
    "Hệ thống đang xử lý yêu cầu của bạn",
    "Chào mừng đến với Hà Nội",
    "Good morning, here is your daily briefing",
};
static const char *const voices[] = {"vi-VN-Standard-A", "vi-VN-Wavenet-B", "en-US-Neural2-C"};
static const char *const genres[] = {"lofi", "ambient", "jazz", "synthwave", "classical"};

struct req {
    char cid[37], ts[40];
    const char *customer, *ip, *path;
    int gw_pid, gw_tid;
    int fail, slow;
};

static void gateway_line(struct demo *d, struct req *r, int64_t t, const char *level,
                         const char *msg, int status)
{
    char st[32] = "";
    if (status)
        snprintf(st, sizeof st, ", \"status_code\": %d", status);
    demo_iso_ms(t, r->ts);
    demo_schedule(d, t, F_GATEWAY,
                  "{\"timestamp\": \"%s\", \"level\": \"%s\", \"service\": \"gateway\", "
                  "\"component\": \"api\", "
                  "\"customer_id\": \"%s\", \"asset_id\": \"gateway_%d\", \"message\": \"%s\", "
                  "\"request_id\": \"%s\", \"endpoint\": \"%s\"%s, "
                  "\"process\": {\"name\": \"MainProcess\", \"id\": %d}, "
                  "\"thread\": {\"name\": \"Thread-%d\", \"id\": %d}}\n",
                  r->ts, level, r->customer, 1 + r->gw_pid % 3, msg, r->cid, r->path, st,
                  r->gw_pid, r->gw_tid % 8, r->gw_tid);
}

static void api_line(struct demo *d, struct req *r, int64_t t, const char *level,
                     const char *event, const char *extra)
{
    demo_iso_us(t, r->ts);
    demo_schedule(d, t, F_API,
                  "{\"event\": \"%s\", \"service\": \"api\", \"request_id\": \"%s\", \"path\": \"%s\", "
                  "\"method\": \"POST\", \"client_ip\": \"%s\"%s, \"logger\": \"api.request\", "
                  "\"level\": \"%s\", \"timestamp\": \"%s\"}\n",
                  event, r->cid, r->path, r->ip, extra, level, r->ts);
}

static void worker_traceback(struct demo *d, struct req *r, int64_t t)
{
    char ts[40];
    demo_py_time(t, ts);
    demo_schedule(d, t, F_WORKER,
                  "%s - worker.tasks - ERROR - TTS task failed [%s]\n"
                  "Traceback (most recent call last):\n"
                  "  File \"/app/worker/tasks.py\", line 88, in synthesize\n"
                  "    audio = client.generate(text, voice=voice)\n"
                  "  File \"/app/worker/gemini.py\", line 41, in generate\n"
                  "    raise QuotaExceeded(resp.json()[\"error\"])\n"
                  "gemini.errors.QuotaExceeded: QUOTA_EXCEEDED: requests per minute exceeded\n",
                  ts, r->cid);
}

static void flow_tts(struct demo *d, struct req *r, int64_t t, int64_t dur)
{
    char ts[40], extra[256];
    const char *text = DEMO_PICK(d, texts);
    snprintf(extra, sizeof extra, ", \"text_length\": %zu, \"voice\": \"%s\", "
             "\"text_preview\": \"%s\"", strlen(text), DEMO_PICK(d, voices), text);
    api_line(d, r, t + 800, "info", "Request received", extra);
    demo_py_time(t + 2500, ts);
    demo_schedule(d, t + 2500, F_WORKER, "%s - worker.tasks - INFO - TTS task started [%s] "
                  "text_length=%zu\n", ts, r->cid, strlen(text));
    if (r->fail) {
        worker_traceback(d, r, t + dur - 3000);
        api_line(d, r, t + dur - 1000, "error", "Gemini API error",
                 ", \"error_code\": \"QUOTA_EXCEEDED\", \"retry_count\": 2");
        snprintf(extra, sizeof extra, ", \"status_code\": 503, \"duration_ms\": %.1f",
                 (double)dur / 1000.0);
        api_line(d, r, t + dur, "error", "Request completed", extra);
        return;
    }
    demo_py_time(t + dur - 2000, ts);
    demo_schedule(d, t + dur - 2000, F_WORKER, "%s - worker.tasks - INFO - TTS task done in "
                  "%.0f ms [%s]\n", ts, (double)(dur - 4500) / 1000.0, r->cid);
    snprintf(extra, sizeof extra, ", \"status_code\": 200, \"duration_ms\": %.1f",
             (double)dur / 1000.0);
    if (r->slow)
        api_line(d, r, t + dur, "warning", "Slow request", extra);
    api_line(d, r, t + dur, "info", "Request completed", extra);
}

static void ecs_line(struct demo *d, struct req *r, int64_t t, const char *level,
                     const char *msg, const char *extra)
{
    demo_iso_ms(t, r->ts);
    demo_schedule(d, t, F_MUSIC,
                  "{\"@timestamp\": \"%s\", \"log.level\": \"%s\", \"message\": \"%s\", "
                  "\"service.name\": \"musicgen-api\", \"service.version\": \"1.4.2\", "
                  "\"trace.correlation_id\": \"%s\", \"http.request.method\": \"POST\", "
                  "\"url.path\": \"%s\"%s}\n", r->ts, level, msg, r->cid, r->path, extra);
}

static void flow_music(struct demo *d, struct req *r, int64_t t, int64_t dur)
{
    char extra[256];
    snprintf(extra, sizeof extra, ", \"genre\": \"%s\", \"duration_s\": %d",
             DEMO_PICK(d, genres), 10 + (int)(demo_rnd(d) % 50));
    ecs_line(d, r, t + 1200, "info", "generation started", extra);
    if (r->fail) {
        snprintf(extra, sizeof extra, ", \"http.response.status_code\": 500, "
                 "\"event.duration\": %lld, \"error.type\": \"TimeoutError\", "
                 "\"error.message\": \"model worker did not answer in 30s\"",
                 (long long)dur * 1000);
        ecs_line(d, r, t + dur, "error", "generation failed", extra);
        return;
    }
    snprintf(extra, sizeof extra, ", \"http.response.status_code\": 200, \"event.duration\": %lld",
             (long long)dur * 1000);
    ecs_line(d, r, t + dur, r->slow ? "warning" : "info",
             r->slow ? "generation slow" : "generation finished", extra);
}

static void flow_auth(struct demo *d, struct req *r, int64_t t, int64_t dur)
{
    if (r->fail || demo_chance(d, 0.05)) {
        api_line(d, r, t + dur, "warning", "Invalid token",
                 ", \"status_code\": 401, \"reason\": \"token expired\"");
        r->fail = 1;
        return;
    }
    char extra[128];
    snprintf(extra, sizeof extra, ", \"status_code\": 200, \"duration_ms\": %.1f, \"user_id\": %d",
             (double)dur / 1000.0, 1 + (int)(demo_rnd(d) % 5000));
    api_line(d, r, t + dur, "info", "Token validated", extra);
}

void demo_flow_request(struct demo *d, int64_t t)
{
    struct req r = {.customer = DEMO_PICK(d, customers), .ip = DEMO_PICK(d, ips),
                    .gw_pid = 1200 + (int)(demo_rnd(d) % 3), .gw_tid = 5600 + (int)(demo_rnd(d) % 40)};
    demo_uuid(d, r.cid);
    double k = demo_unif(d);
    int burst = demo_in_burst(d, t);
    r.fail = demo_chance(d, burst ? 0.35 : 0.015);
    r.slow = !r.fail && demo_chance(d, burst ? 0.2 : 0.04);
    int64_t dur = 40000 + (int64_t)(demo_unif(d) * demo_unif(d) * 400000);
    if (r.slow)
        dur = 1500000 + (int64_t)(demo_unif(d) * 6000000);
    if (r.fail && k >= 0.85)
        dur = 5000 + (int64_t)(demo_rnd(d) % 20000);
    r.path = k < 0.6 ? "/api/v1/tts" : k < 0.85 ? "/api/v1/music/generate" : "/api/v1/auth/token";
    gateway_line(d, &r, t, "INFO", "Processing request", 0);
    if (k < 0.6)
        flow_tts(d, &r, t, dur + 5000);
    else if (k < 0.85)
        flow_music(d, &r, t, dur * 4 + 5000);
    else
        flow_auth(d, &r, t, dur);
    int64_t end = t + (k < 0.85 ? (k < 0.6 ? dur + 5000 : dur * 4 + 5000) : dur) + 600;
    int status = r.fail ? (k < 0.6 ? 503 : k < 0.85 ? 500 : 401) : 200;
    gateway_line(d, &r, end, r.fail && status >= 500 ? "ERROR" : "INFO",
                 r.fail ? "Upstream request failed" : "Request processed successfully", status);
    d->requests++;
    d->errors += r.fail;
    d->backlog += r.fail;
}

static void health_line(struct demo *d, int64_t t, const char *level, const char *component,
                        const char *msg, double ms, const char *extra)
{
    char ts[40];
    demo_iso_offset(t, ts);
    demo_schedule(d, t, F_HEALTH,
                  "{\"timestamp\": \"%s\", \"level\": \"%s\", \"service\": \"health-checker\", "
                  "\"version\": \"1.0.0\", \"environment\": \"production\", \"component\": \"%s\", "
                  "\"operation\": \"check\", \"message\": \"%s\", \"module\": \"checks\", "
                  "\"function\": \"check_%s\", \"line\": 57, \"process_id\": 4242, "
                  "\"thread_id\": 140234, \"response_time_ms\": %.1f%s}\n",
                  ts, level, component, msg, component, ms, extra);
}

void demo_flow_health(struct demo *d, int64_t t)
{
    static const char *const comps[] = {"database", "cache", "gemini", "storage"};
    int burst = demo_in_burst(d, t);
    for (int i = 0; i < 4; i++) {
        int64_t at = t + i * 1500;
        double ms = 2 + demo_unif(d) * 30;
        if (burst && i == 2) {
            health_line(d, at, "ERROR", comps[i], "health check failed", 5000.0,
                        ", \"exception\": {\"type\": \"TimeoutError\", \"value\": "
                        "\"upstream did not answer in 5s\", \"traceback\": \"Traceback (most "
                        "recent call last):\\n  File \\\"checks.py\\\", line 57, in "
                        "check_gemini\\nTimeoutError: upstream did not answer in 5s\"}");
        } else if (burst && i == 0) {
            health_line(d, at, "WARNING", comps[i], "upstream degraded", ms * 20, "");
        } else {
            health_line(d, at, demo_chance(d, 0.3) ? "DEBUG" : "INFO", comps[i],
                        "health check passed", ms, "");
        }
    }
}

void demo_flow_metrics(struct demo *d, int64_t t)
{
    char ts[40];
    int burst = demo_in_burst(d, t);
    double rate = d->o.rate * 60 * (0.8 + demo_unif(d) * 0.4);
    struct { const char *name, *unit; double value; } m[] = {
        {"message_processing_rate", "msgs/min", rate},
        {"request_latency_p95", "ms", burst ? 2500 + demo_unif(d) * 3000 : 180 + demo_unif(d) * 120},
        {"error_rate", "ratio", burst ? 0.25 + demo_unif(d) * 0.15 : demo_unif(d) * 0.02},
        {"queue_length", "jobs", 2 + d->backlog * 40 / d->o.rate + demo_unif(d) * 3},
    };
    d->backlog *= 0.3;   /* the retry queue drains between two samples */
    demo_iso_ms(t, ts);
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        demo_schedule(d, t, F_GATEWAY,
                      "{\"timestamp\": \"%s\", \"level\": \"INFO\", \"service\": \"gateway\", "
                      "\"component\": \"metrics\", "
                      "\"metric\": {\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\", "
                      "\"tags\": {\"customer_id\": \"%s\", \"message_type\": \"ogx\"}}}\n",
                      ts, m[i].name, m[i].value, m[i].unit, DEMO_PICK(d, customers));
}
