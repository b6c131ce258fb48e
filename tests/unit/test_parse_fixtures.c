/* test_parse_fixtures: every record of every file in tests/fixtures/,
 * field by field (time in µs, level, cid, service, logger, message,
 * duration, status, metric, line count, fields, format, offset), plus the
 * raw text of each record against the file's own bytes and the count of
 * lines, so no byte of a fixture is lost or invented. Zone-less times are
 * read as UTC; "now" is fixed at 2024-01-01T00:00:00Z. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/parse/parse.h"
#include "tests/unit/parse_sink.h"

struct exp {
    int64_t off;
    int fmt, level;
    int64_t ts;
    int guessed;
    const char *cid, *service, *logger, *msg;
    int has_dur;
    double dur;
    int has_status;
    int64_t status;
    const char *metric;
    int has_metric;
    double mval;
    int nlines;
    const char *fields;
};

static const struct exp exp_structlog_jsonl[] = {
    {0, FMT_JSON, LVL_INFO, 1704110400123456LL, 0, "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70", NULL, "api.request",
     "Request received",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {246, FMT_JSON, LVL_INFO, 1704110400200000LL, 0, "12345", NULL, "tts.service",
     "TTS request started",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {420, FMT_JSON, LVL_ERROR, 1704110401500000LL, 0, "12345", NULL, "tts.gemini",
     "Gemini API error",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {607, FMT_JSON, LVL_INFO, 1704110401636206LL, 0, "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70", NULL, "api.request",
     "Request completed",
     1, 1512.75, 1, 502, NULL, 0, 0, 1, NULL},
    {898, FMT_JSON, LVL_INFO, 1704110402250000LL, 0, "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", NULL, NULL,
     "HTTP Request",
     1, 4.2000000000000002, 1, 200, NULL, 0, 0, 1, NULL},
    {1160, FMT_JSON, LVL_WARNING, 1704110403000000LL, 0, "1b4e28ba-2fa1-41d2-883f-0016d3cca427", NULL, NULL,
     "HTTP Request",
     1, 18.700000000000003, 1, 429, NULL, 0, 0, 1, NULL},
    {1463, FMT_JSON, LVL_WARNING, 1704110403001000LL, 0, "1b4e28ba-2fa1-41d2-883f-0016d3cca427", NULL, "tts.ratelimit",
     "Rate limit exceeded",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {1660, FMT_JSON, LVL_ERROR, 1704110405750000LL, 0, "c0a80101-0000-4000-8000-00000000beef", NULL, "api.request",
     "Unhandled exception",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {2214, FMT_JSON, LVL_CRITICAL, 1704110406000000LL, 0, NULL, NULL, "tts.cache",
     "Redis connection lost",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {2357, FMT_JSON, LVL_DEBUG, 1704110407000000LL, 0, NULL, NULL, "tts.cache",
     "Cache warmup finished",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
};

static const struct exp exp_pyjson_jsonl[] = {
    {0, FMT_JSON, LVL_INFO, 1704110400101000LL, 0, NULL, NULL, "app",
     "Starting TTS API worker",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {126, FMT_JSON, LVL_DEBUG, 1704110400250000LL, 0, "7c9e6679-7425-40de-944b-e07fc1f90ae7", NULL, "app.tts",
     "Loaded voice model",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {322, FMT_JSON, LVL_INFO, 1704110401002000LL, 0, "7c9e6679-7425-40de-944b-e07fc1f90ae7", NULL, "app.tts",
     "Synthesis finished",
     1, 734.20000000000005, 1, 200, NULL, 0, 0, 1, NULL},
    {530, FMT_JSON, LVL_WARNING, 1704110402500000LL, 0, NULL, NULL, "celery.worker",
     "Task queue length above 100",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {681, FMT_JSON, LVL_ERROR, 1704110403000000LL, 0, "7c9e6679-7425-40de-944b-e07fc1f90ae7", NULL, "app.db",
     "Database error: connection refused",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {1082, FMT_JSON, LVL_CRITICAL, 1704110404000000LL, 0, NULL, NULL, "app",
     "Unexpected error 1704110404.0: out of memory",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {1270, FMT_JSON, LVL_INFO, 1704110405000000LL, 0, NULL, NULL, "app.health",
     "Health check",
     1, 3.1000000000000001, 0, 0, NULL, 0, 0, 1, NULL},
    {1425, FMT_JSON, LVL_WARNING, 1704110406000000LL, 0, NULL, NULL, "app.errors",
     "HTTP 404: Not Found",
     0, 0, 1, 404, NULL, 0, 0, 1, NULL},
};

static const struct exp exp_loguru_jsonl[] = {
    {0, FMT_JSON, LVL_INFO, 1704110400000000LL, 0, NULL, "health-checker", "checker",
     "Health checker started",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {332, FMT_JSON, LVL_DEBUG, 1704110410125000LL, 0, "a1b2c3d4", "health-checker", "logging_config",
     "Starting check_database for postgres",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {798, FMT_JSON, LVL_DEBUG, 1704110410137500LL, 0, "a1b2c3d4", "health-checker", "logging_config",
     "Completed check_database for postgres in 12.50ms",
     1, 12.5, 0, 0, NULL, 0, 0, 1, NULL},
    {1293, FMT_JSON, LVL_INFO, 1704110411000000LL, 0, "a1b2c3d4", "health-checker", "checker",
     "Redis healthy",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {1683, FMT_JSON, LVL_ERROR, 1704110415004000LL, 0, "e5f6a7b8", "health-checker", "logging_config",
     "Failed check_gemini_api for gemini after 5004.00ms: timed out",
     1, 5004, 0, 0, NULL, 0, 0, 1, NULL},
    {2420, FMT_JSON, LVL_UNKNOWN, 1704110415010000LL, 0, NULL, "health-checker", NULL,
     "{\"timestamp\": \"2024-01-01T12:00:15.010000+00:00\", \"service\": \"health-checker\", \"metric_type\": \"health_check\", \"component\": \"health_checker\", \"operation\": \"check_gemini_api\", \"check_name\": \"gemini\", \"status\": \"timeout\", \"response_time\": 5.004, \"critical\": true}",
     1, 5004, 0, 0, NULL, 0, 0, 1, NULL},
    {2681, FMT_JSON, LVL_WARNING, 1704110415020000LL, 0, NULL, "health-checker", NULL,
     "Health score below threshold",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {2979, FMT_JSON, LVL_CRITICAL, 1704110415030000LL, 0, "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70", "health-checker", "checker",
     "System unhealthy: 2 critical checks failed",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {3444, FMT_JSON, LVL_UNKNOWN, 1704110420000000LL, 0, NULL, "health-checker", NULL,
     "Check interval changed from 30s to 15s",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
};

static const struct exp exp_loguru_serialized_jsonl[] = {
    {0, FMT_JSON, LVL_INFO, 1704110400500000LL, 0, NULL, "musicgen-api", "music_gen.api.app",
     "Model loaded",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {630, FMT_JSON, LVL_INFO, 1704110402000000LL, 0, "550e8400-e29b-41d4-a716-446655440000", "musicgen-api", "music_gen.api.generate",
     "Generated 30s clip",
     1, 1830.4000000000001, 0, 0, NULL, 0, 0, 1, NULL},
    {1379, FMT_JSON, LVL_ERROR, 1704110403250000LL, 0, "550e8400-e29b-41d4-a716-446655440000", "musicgen-api", "music_gen.api.generate",
     "Generation failed",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {2344, FMT_JSON, LVL_WARNING, 1704110404000000LL, 0, NULL, NULL, "music_gen.core.queue",
     "Queue nearly full",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
};

static const struct exp exp_gateway_jsonl[] = {
    {0, FMT_JSON, LVL_INFO, 1704110400000000LL, 0, "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70", NULL, NULL,
     "Request processed successfully",
     1, 48.299999999999997, 1, 200, NULL, 0, 0, 1, NULL},
    {401, FMT_JSON, LVL_DEBUG, 1704110400120000LL, 0, NULL, NULL, NULL,
     "Processing message batch",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {728, FMT_JSON, LVL_UNKNOWN, 1704110400500000LL, 0, NULL, NULL, NULL,
     "message_processing_rate=1000 msgs/sec (customer_123, ogx)",
     0, 0, 0, 0, "message_processing_rate", 1, 1000, 1, NULL},
    {940, FMT_JSON, LVL_INFO, 1704110401000000LL, 0, NULL, NULL, NULL,
     "Message processing metrics",
     0, 0, 0, 0, "message_processing_rate", 1, 987.5, 1, NULL},
    {1281, FMT_JSON, LVL_WARNING, 1704110401250000LL, 0, "123", NULL, NULL,
     "Token validation failed",
     0, 0, 1, 401, NULL, 0, 0, 1, NULL},
    {1614, FMT_JSON, LVL_ERROR, 1704110402000000LL, 0, "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70", NULL, NULL,
     "Upstream tts-api returned 502",
     1, 1520, 1, 502, NULL, 0, 0, 1, NULL},
    {2012, FMT_JSON, LVL_ERROR, 1704110402500000LL, 0, NULL, NULL, NULL,
     "Batch flush failed: [Errno 28] No space left on device",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {2283, FMT_JSON, LVL_UNKNOWN, 1704110403000000LL, 0, NULL, NULL, NULL,
     "api_latency_p95=812.4 ms (/api/v1/tts)",
     0, 0, 0, 0, "api_latency_p95", 1, 812.39999999999998, 1, NULL},
    {2455, FMT_JSON, LVL_CRITICAL, 1704110403500000LL, 0, NULL, NULL, NULL,
     "Disk usage above 85%, emergency cleanup started",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {2719, FMT_JSON, LVL_INFO, 1704110404000000LL, 0, "123", NULL, NULL,
     "Login succeeded",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
};

static const struct exp exp_ecs_jsonl[] = {
    {0, FMT_JSON, LVL_INFO, 1704110400050000LL, 0, "550e8400-e29b-41d4-a716-446655440000", "musicgen-api", "music_gen.api.middleware",
     "Request started",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {323, FMT_JSON, LVL_INFO, 1704110401880000LL, 0, "550e8400-e29b-41d4-a716-446655440000", "musicgen-api", NULL,
     "Request completed",
     1, 1830.4000000000001, 1, 200, NULL, 0, 0, 1, NULL},
    {675, FMT_JSON, LVL_WARNING, 1704110402000000LL, 0, "custom-trace-123", "musicgen-api", "music_gen.api.middleware.audit",
     "Authorization failure",
     0, 0, 1, 403, NULL, 0, 0, 1, NULL},
    {1063, FMT_JSON, LVL_ERROR, 1704110403000000LL, 0, "550e8400-e29b-41d4-a716-446655440000", "musicgen-api", NULL,
     "Database query failed",
     1, 30000, 0, 0, NULL, 0, 0, 1, NULL},
    {1411, FMT_JSON, LVL_CRITICAL, 1704110404000000LL, 0, NULL, "musicgen-log-manager", NULL,
     "Disk usage > 85% on /var/log/musicgen",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {1599, FMT_JSON, LVL_DEBUG, 1704110405000000LL, 0, "7c9e6679-7425-40de-944b-e07fc1f90ae7", "musicgen-api", NULL,
     "GeoIP lookup",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {1848, FMT_JSON, LVL_WARNING, 1704110406000000LL, 0, "4bf92f3577b34da6a3ce929d0e0e4736", "musicgen-api", NULL,
     "Slow request",
     1, 5230, 1, 200, NULL, 0, 0, 1, NULL},
};

static const struct exp exp_python_log[] = {
    {0, FMT_PYTHON, LVL_INFO, 1704110400001000LL, 0, NULL, NULL, "app",
     "Starting TTS API on 0.0.0.0:8000",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {72, FMT_PYTHON, LVL_INFO, 1704110400512000LL, 0, "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70", NULL, "app.tts",
     "[3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70] TTS generation queued (text_length=100)",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {194, FMT_PYTHON, LVL_WARNING, 1704110401020000LL, 0, "12345", NULL, "app.gemini",
     "Gemini API slow response request_id=12345 took 4.2s",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {295, FMT_PYTHON, LVL_ERROR, 1704110401499000LL, 0, "12345", NULL, "app.gemini",
     "Gemini API error request_id=12345: QUOTA_EXCEEDED",
     0, 0, 0, 0, NULL, 0, 0, 7, NULL},
    {693, FMT_PYTHON, LVL_INFO, 1704110402000000LL, 0, NULL, NULL, "werkzeug",
     "10.0.3.17 - - [01/Jan/2024 12:00:02] \"POST /api/v1/tts/generate HTTP/1.1\" 502 -",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {817, FMT_PYTHON, LVL_ERROR, 1704110403100000LL, 0, NULL, NULL, "app",
     "Unexpected error 1704110403.1: division by zero",
     0, 0, 0, 0, NULL, 0, 0, 14, NULL},
    {1455, FMT_PYTHON, LVL_CRITICAL, 1704110403101000LL, 0, "c0a80101-0000-4000-8000-00000000beef", NULL, "app",
     "Unexpected error: division by zero correlation_id=c0a80101-0000-4000-8000-00000000beef",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {1585, FMT_PYTHON, LVL_DEBUG, 1704110404000000LL, 0, "8f14e45f-ceea-467f-a0e6-2a7d1e3c2b10", NULL, "celery.worker",
     "Task tts.process[8f14e45f-ceea-467f-a0e6-2a7d1e3c2b10] received",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {1699, FMT_PYTHON, LVL_INFO, 1704110405250000LL, 0, NULL, NULL, "app.health",
     "Health check: database healthy (3.1ms)",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {1784, FMT_PYTHON, LVL_WARNING, 1704110406000000LL, 0, NULL, NULL, "app.ratelimit",
     "Rate limit exceeded for user 42, retry_after=60",
     0, 0, 0, 0, NULL, 0, 0, 2, NULL},
    {1941, FMT_PYTHON, LVL_INFO, 1704110407000000LL, 0, NULL, NULL, "app",
     "Shutting down",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
};

static const struct exp exp_loguru_log[] = {
    {0, FMT_LOGURU, LVL_INFO, 1704110400000000LL, 0, NULL, NULL, "music_gen.api.app",
     "Loading MusicGen model facebook/musicgen-small",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"function\":\"startup\",\"line\":52}"},
    {115, FMT_LOGURU, LVL_INFO, 1704110403210000LL, 0, NULL, NULL, "music_gen.api.app",
     "Model loaded in 3.21s",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"function\":\"startup\",\"line\":58}"},
    {205, FMT_LOGURU, LVL_DEBUG, 1704110404002000LL, 0, "550e8400-e29b-41d4-a716-446655440000", NULL, "music_gen.core.queue",
     "Enqueued job correlation_id=550e8400-e29b-41d4-a716-446655440000",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"function\":\"put\",\"line\":33}"},
    {337, FMT_LOGURU, LVL_WARNING, 1704110405500000LL, 0, NULL, NULL, "music_gen.core.queue",
     "Queue nearly full (45/50)",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"function\":\"put\",\"line\":40}"},
    {430, FMT_LOGURU, LVL_ERROR, 1704110406750000LL, 0, "550e8400-e29b-41d4-a716-446655440000", NULL, "music_gen.api.generate",
     "[550e8400-e29b-41d4-a716-446655440000] Generation failed",
     0, 0, 0, 0, NULL, 0, 0, 9, "{\"function\":\"generate\",\"line\":131}"},
    {881, FMT_LOGURU, LVL_CRITICAL, 1704110407000000LL, 0, NULL, NULL, "__main__",
     "Worker crashed, exiting",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"function\":\"<module>\",\"line\":12}"},
    {965, FMT_LOGURU, LVL_TRACE, 1704110408000000LL, 0, NULL, NULL, "music_gen.core.cache",
     "cache miss key=prompt:lofi",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"function\":\"get\",\"line\":20}"},
};

static const struct exp exp_health_console_log[] = {
    {0, FMT_LOGURU, LVL_INFO, 1704110400000000LL, 0, NULL, NULL, NULL,
     "Health checker started",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"component\":\"health_checker\",\"operation\":\"startup\"}"},
    {87, FMT_LOGURU, LVL_DEBUG, 1704110410125000LL, 0, NULL, NULL, NULL,
     /* escape sequences stay in the message (shown escaped), as in JSON */
     "\x1b[34m\x1b[1mStarting check_database for postgres\x1b[0m",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"component\":\"health_checker\",\"operation\":\"check_database\"}"},
    {248, FMT_LOGURU, LVL_DEBUG, 1704110410137000LL, 0, NULL, NULL, NULL,
     "\x1b[34m\x1b[1mCompleted check_database for postgres in 12.50ms\x1b[0m",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"component\":\"health_checker\",\"operation\":\"check_database\"}"},
    {421, FMT_LOGURU, LVL_INFO, 1704110411000000LL, 0, NULL, NULL, NULL,
     "Redis healthy",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"component\":\"health_checker\",\"operation\":\"check_redis\"}"},
    {503, FMT_LOGURU, LVL_ERROR, 1704110415004000LL, 0, NULL, NULL, NULL,
     "Failed check_gemini_api for gemini after 5004.00ms: timed out",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"component\":\"health_checker\",\"operation\":\"check_gemini_api\"}"},
    {638, FMT_LOGURU, LVL_WARNING, 1704110415020000LL, 0, NULL, NULL, NULL,
     "Health score below threshold (41.18)",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"component\":\"health_checker\",\"operation\":\"aggregate\"}"},
    {741, FMT_LOGURU, LVL_CRITICAL, 1704110415030000LL, 0, "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70", NULL, NULL,
     "System unhealthy: 2 critical checks failed request_id=3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"component\":\"health_checker\",\"operation\":\"aggregate\"}"},
};

static const struct exp exp_logfmt_log[] = {
    {0, FMT_LOGFMT, LVL_INFO, 1704110400010000LL, 0, NULL, "gateway-auth", NULL,
     "auth service listening",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"ts\":\"2024-01-01T12:00:00.010Z\",\"level\":\"info\",\"msg\":\"auth service listening\",\"service\":\"gateway-auth\",\"addr\":\":9090\"}"},
    {100, FMT_LOGFMT, LVL_INFO, 1704110401000000LL, 0, "7c9e6679-7425-40de-944b-e07fc1f90ae7", "gateway-auth", NULL,
     "token issued",
     1, 12, 1, 200, NULL, 0, 0, 1, "{\"ts\":\"2024-01-01T12:00:01.000Z\",\"level\":\"info\",\"msg\":\"token issued\",\"service\":\"gateway-auth\",\"request_id\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"user_id\":42,\"duration\":\"12ms\",\"status\":200}"},
    {263, FMT_LOGFMT, LVL_WARNING, 1704110401250000LL, 0, "123", "gateway-auth", NULL,
     "token validation failed",
     1, 3.5, 1, 401, NULL, 0, 0, 1, "{\"ts\":\"2024-01-01T12:00:01.250Z\",\"level\":\"warn\",\"msg\":\"token validation failed\",\"service\":\"gateway-auth\",\"request_id\":123,\"reason\":\"expired\",\"status\":401,\"duration_ms\":3.5}"},
    {410, FMT_LOGFMT, LVL_ERROR, 1704110402000000LL, 0, NULL, "gateway-auth", NULL,
     "jwks fetch failed: \"connection reset by peer\"",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"ts\":\"2024-01-01T12:00:02.000Z\",\"level\":\"error\",\"msg\":\"jwks fetch failed: \\\"connection reset by peer\\\"\",\"service\":\"gateway-auth\",\"url\":\"https://auth.internal/.well-known/jwks.json\",\"attempt\":3}"},
    {583, FMT_LOGFMT, LVL_DEBUG, 1704110403000000LL, 0, NULL, NULL, "auth.cache",
     "cache refreshed",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"time\":\"2024-01-01T12:00:03Z\",\"level\":\"debug\",\"msg\":\"cache refreshed\",\"keys\":12,\"logger\":\"auth.cache\"}"},
    {671, FMT_LOGFMT, LVL_CRITICAL, 1704110404000000LL, 0, NULL, "gateway-auth", NULL,
     "cannot bind :9090",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"ts\":\"2024-01-01T12:00:04.000Z\",\"level\":\"fatal\",\"msg\":\"cannot bind :9090\",\"service\":\"gateway-auth\",\"err\":\"address already in use\"}"},
    {785, FMT_LOGFMT, LVL_INFO, 1704110405000000LL, 0, NULL, "gateway-metrics", NULL,
     "metrics flushed",
     0, 0, 0, 0, "auth_requests_total", 1, 1532, 1, "{\"ts\":\"2024-01-01T12:00:05.000Z\",\"lvl\":\"info\",\"msg\":\"metrics flushed\",\"service\":\"gateway-metrics\",\"metric_name\":\"auth_requests_total\",\"metric_value\":1532}"},
};

static const struct exp exp_syslog_log[] = {
    {0, FMT_SYSLOG, LVL_INFO, 1704110400000000LL, 0, NULL, "gateway-auth", NULL,
     "Accepted login for user 42 from 203.0.113.9",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"host\":\"gw-01\",\"app\":\"gateway-auth\",\"pid\":\"2211\"}"},
    {90, FMT_SYSLOG, LVL_WARNING, 1704110401000000LL, 0, "123", "gateway-auth", NULL,
     "Failed token validation request_id=123",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"host\":\"gw-01\",\"app\":\"gateway-auth\",\"pid\":\"2211\"}"},
    {175, FMT_SYSLOG, LVL_CRITICAL, 1704110402000000LL, 0, NULL, "sshd", NULL,
     "error: maximum authentication attempts exceeded for root",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"host\":\"gw-01\",\"app\":\"sshd\",\"pid\":\"901\"}"},
    {269, FMT_SYSLOG, LVL_NOTICE, 1704110403003000LL, 0, "3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70", "gateway-auth", NULL,
     "audit: login succeeded",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"host\":\"gw-01\",\"app\":\"gateway-auth\",\"procid\":\"2211\",\"msgid\":\"AUDIT\",\"sd\":\"[audit@32473 user=\\\"42\\\" action=\\\"login\\\"][meta request_id=\\\"3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70\\\"]\"}"},
    {449, FMT_SYSLOG, LVL_ERROR, 1704110404000000LL, 0, NULL, "gateway-protocol", NULL,
     "Batch writer crashed",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"host\":\"gw-01\",\"app\":\"gateway-protocol\"}"},
    {538, FMT_SYSLOG, LVL_UNKNOWN, 1704110405000000LL, 0, NULL, "CRON", NULL,
     "(root) CMD (/usr/local/bin/musicgen-log-manager)",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"host\":\"gw-01\",\"app\":\"CRON\",\"pid\":\"3001\"}"},
    {621, FMT_SYSLOG, LVL_NOTICE, 1704110406000000LL, 0, NULL, "logger", NULL,
     "disk usage 86% on /var/log/gateway",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"host\":\"gw-01\",\"app\":\"logger\"}"},
    {690, FMT_SYSLOG, LVL_DEBUG, 1704110407000000LL, 0, NULL, NULL, NULL,
     "debug trace on",
     0, 0, 0, 0, NULL, 0, 0, 1, "{\"host\":\"gw-01\"}"},
};

/* Lines without a time take that of the record before them (design.md). */
static const struct exp exp_mixed_jsonl[] = {
    {0, FMT_JSON, LVL_INFO, 1704110400000000LL, 0, NULL, NULL, NULL,
     "Gateway starting",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {158, FMT_RAW, LVL_UNKNOWN, 1704110400000000LL, 1, NULL, NULL, NULL,
     "Starting gunicorn 21.2.0",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {183, FMT_JSON, LVL_INFO, 1704110401000000LL, 0, "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", NULL, NULL,
     "Worker booted",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {344, FMT_RAW, LVL_ERROR, 1704110401000000LL, 1, NULL, NULL, NULL,
     "queue.Full",
     0, 0, 0, 0, NULL, 0, 0, 4, NULL},
    {485, FMT_JSON, LVL_ERROR, 1704110402000000LL, 0, "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", NULL, NULL,
     "Batch handler error",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {659, FMT_RAW, LVL_UNKNOWN, 1704110402000000LL, 1, NULL, NULL, NULL,
     "{\"timestamp\": \"2024-01-01T12:00:03.000Z\", \"level\": \"WARNING\", \"component\": \"api\", \"message\": \"truncated",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {763, FMT_RAW, LVL_UNKNOWN, 1704110402000000LL, 1, NULL, NULL, NULL,
     "[\"not\", \"an\", \"object\"]",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {787, FMT_JSON, LVL_INFO, 1704110404000000LL, 0, NULL, NULL, NULL,
     "caf\303\251 \377\376 bad utf-8",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
    {899, FMT_PYTHON, LVL_ERROR, 1704110405000000LL, 0, NULL, NULL, "gateway.batch",
     "Flush failed",
     0, 0, 0, 0, NULL, 0, 0, 4, NULL},
    {1098, FMT_JSON, LVL_INFO, 1704110406000000LL, 0, NULL, NULL, NULL,
     "Recovered",
     0, 0, 0, 0, NULL, 0, 0, 1, NULL},
};

static char *slurp(const char *name, size_t *n)
{
    char path[4096];
    const char *root = getenv("ROOT");
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", root ? root : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (run from the repository root or set ROOT)", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

static void assert_str(const char *want, const char *got, const char *what, size_t i)
{
    if (!want && !got)
        return;
    if (!want || !got || strcmp(want, got) != 0)
        fail_msg("record %zu %s: want %s%s%s got %s%s%s", i, what, want ? "\"" : "",
                 want ? want : "NULL", want ? "\"" : "", got ? "\"" : "", got ? got : "NULL",
                 got ? "\"" : "");
}

static void check_record(const struct exp *e, const struct got *g, const char *buf, size_t i)
{
    const struct record *r = &g->r;
    assert_int_equal(r->offset, e->off);
    assert_int_equal(r->format, e->fmt);
    assert_int_equal(r->level, e->level);
    assert_int_equal(r->ts, e->ts);
    assert_int_equal(r->ts_guessed, e->guessed);
    assert_str(e->cid, g->cid, "cid", i);
    assert_str(e->service, g->service, "service", i);
    assert_str(e->logger, g->logger, "logger", i);
    assert_str(e->msg, g->msg, "msg", i);
    assert_int_equal(r->msg_len, strlen(e->msg));
    assert_int_equal(r->has_duration, e->has_dur);
    if (e->has_dur)
        assert_true(fabs(r->duration_ms - e->dur) < 1e-9);
    assert_int_equal(r->has_status, e->has_status);
    if (e->has_status)
        assert_int_equal(r->status, e->status);
    assert_str(e->metric, g->metric, "metric_name", i);
    assert_int_equal(r->has_metric, e->has_metric);
    if (e->has_metric)
        assert_true(fabs(r->metric_value - e->mval) < 1e-9);
    assert_int_equal(r->nlines, e->nlines);
    assert_str(e->fields, g->fields, "fields", i);
    assert_int_equal(r->truncated, 0);
    /* raw is the file's bytes from the record's offset, lines joined by '\n' */
    assert_memory_equal(g->raw, buf + e->off, r->raw_len);
}

/* Pushes the file line by line, as the tailer does, and checks it all. */
static void check_file(const char *name, const struct exp *e, size_t ne, int want_fmt)
{
    size_t n, lines = 0, blank = 0, covered = 0;
    char *buf = slurp(name, &n);
    struct parse_opts o = {0};
    o.tz_fixed = 1;
    struct parser *p = parse_new(&o, NULL);
    struct sink s = {0};
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        lines += buf[i] == '\n';
        blank += buf[i] == '\n' && (i == 0 || buf[i - 1] == '\n');
    }
    feed(p, buf, n, &s);
    assert_int_equal(parse_flush(p, collect, &s), 0);
    assert_int_equal(parse_pending_offset(p), -1);
    assert_int_equal(parse_format(p), want_fmt);
    if (s.n != ne)
        fail_msg("%s: %zu records, want %zu", name, s.n, ne);
    for (size_t i = 0; i < ne; i++) {
        check_record(&e[i], &s.v[i], buf, i);
        covered += (size_t)s.v[i].r.nlines;
    }
    /* Blank lines inside groups are counted in nlines; the rest are skipped. */
    size_t inside = 0;
    for (size_t i = 0; i < ne; i++)
        for (size_t k = 0; k + 1 < s.v[i].r.raw_len; k++)
            inside += s.v[i].raw[k] == '\n' && s.v[i].raw[k + 1] == '\n';
    assert_int_equal(covered + (blank - inside), lines);
    sink_free(&s);
    parse_free(p);
    free(buf);
}

#define CHECK(fn, file, table, fmt) \
    static void fn(void **state) \
    { \
        (void)state; \
        check_file(file, table, sizeof table / sizeof table[0], fmt); \
    }

CHECK(t_structlog, "structlog.jsonl", exp_structlog_jsonl, FMT_JSON)
CHECK(t_pyjson, "pyjson.jsonl", exp_pyjson_jsonl, FMT_JSON)
CHECK(t_loguru_json, "loguru.jsonl", exp_loguru_jsonl, FMT_JSON)
CHECK(t_loguru_serialized, "loguru_serialized.jsonl", exp_loguru_serialized_jsonl, FMT_JSON)
CHECK(t_gateway, "gateway.jsonl", exp_gateway_jsonl, FMT_JSON)
CHECK(t_ecs, "ecs.jsonl", exp_ecs_jsonl, FMT_JSON)
CHECK(t_python, "python.log", exp_python_log, FMT_PYTHON)
CHECK(t_loguru_text, "loguru.log", exp_loguru_log, FMT_LOGURU)
CHECK(t_health_console, "health_console.log", exp_health_console_log, FMT_LOGURU)
CHECK(t_logfmt, "logfmt.log", exp_logfmt_log, FMT_LOGFMT)
CHECK(t_syslog, "syslog.log", exp_syslog_log, FMT_SYSLOG)
CHECK(t_mixed, "mixed.jsonl", exp_mixed_jsonl, FMT_JSON)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_structlog),       cmocka_unit_test(t_pyjson),
        cmocka_unit_test(t_loguru_json),     cmocka_unit_test(t_loguru_serialized),
        cmocka_unit_test(t_gateway),         cmocka_unit_test(t_ecs),
        cmocka_unit_test(t_python),          cmocka_unit_test(t_loguru_text),
        cmocka_unit_test(t_health_console),  cmocka_unit_test(t_logfmt),
        cmocka_unit_test(t_syslog),          cmocka_unit_test(t_mixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
