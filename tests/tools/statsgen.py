# statsgen.py OUT.jsonl EXPECTED_DIR [N]: a seeded corpus for the stats
# tests (tests/integration/stats_backends.sh) and, next to it, the numbers
# `logdeck stats` must print for it, computed here independently of
# logdeck: counts per level and per minute, per service and per path the
# records, errors and nearest-rank p50/p95/p99 of duration_ms. The request
# path is written as path, url.path or endpoint (the one field `path`).
import json, math, random, sys

out, exp = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
rnd = random.Random(15)
t0 = 1709287200  # 2024-03-01T10:00:00Z
levels = ["debug", "info", "info", "info", "warning", "error", "critical"]
services = ["api", "web", "worker", "db", None]
paths = ["/api/v1/a", "/api/v1/b", "/health", None]
recs = []
with open(out, "w") as f:
    for i in range(n):
        ts = t0 + rnd.randrange(0, 8 * 60 * 1000) / 1000.0  # 8 minutes, ms
        lv = rnd.choice(levels)
        svc = rnd.choice(services)
        path = rnd.choice(paths)
        dur = round(rnd.lognormvariate(4, 1.2), 3) if rnd.random() < 0.8 else None
        msg = ("Upstream timeout after %dms on shard %d" % (rnd.randrange(100, 999), rnd.randrange(8))
               if lv in ("error", "critical") else "request %d done" % i)
        o = {"timestamp": "%s.%03dZ" % (__import__("time").strftime("%Y-%m-%dT%H:%M:%S", __import__("time").gmtime(int(ts))), round((ts - int(ts)) * 1000) % 1000),
             "level": lv, "event": msg, "request_id": "req-%05d" % i}
        if svc: o["service"] = svc
        if path:   # the request path under each of its three keys
            k = rnd.choice(["path", "url.path", "endpoint"])
            if k == "url.path": o["url"] = {"path": path}
            else: o[k] = path
        if dur is not None: o["duration_ms"] = dur
        f.write(json.dumps(o) + "\n")
        recs.append((int(ts * 1000) * 1000, lv, svc or "statsgen", path or "-", dur, msg))

def pct(v, p):
    if not v: return 0
    r = max(1, math.ceil(p * len(v) / 100.0 - 1e-9))
    return v[min(r, len(v)) - 1]

def group_lines(key):
    g = {}
    for r in recs:
        g.setdefault(key(r), []).append(r)
    rows = []
    for k, rs in g.items():
        errs = sum(1 for r in rs if r[1] in ("error", "critical"))
        v = sorted(r[4] for r in rs if r[4] is not None)
        line = "  %s: %d records, %d errors (%.2f%%)" % (k, len(rs), errs, 100.0 * errs / len(rs))
        if v:
            line += ", p50 %.1f p95 %.1f p99 %.1f" % (pct(v, 50), pct(v, 95), pct(v, 99))
        rows.append((-len(rs), k, line))
    return "\n".join(l for _, _, l in sorted(rows)) + "\n"

with open(exp + "/by_service", "w") as f:
    f.write(group_lines(lambda r: r[2]))
with open(exp + "/by_path", "w") as f:
    f.write(group_lines(lambda r: r[3]))
v = sorted(r[4] for r in recs if r[4] is not None)
with open(exp + "/latency", "w") as f:
    f.write("latency (%d values, ms): p50 %.1f  p95 %.1f  p99 %.1f  max %.1f\n"
            % (len(v), pct(v, 50), pct(v, 95), pct(v, 99), v[-1]))
per_min = {}
for r in recs:
    m = r[0] // 60000000
    per_min[m] = per_min.get(m, 0) + 1
with open(exp + "/per_minute", "w") as f:
    for m in sorted(per_min):
        f.write("%d %d\n" % (m * 60, per_min[m]))
with open(exp + "/levels", "w") as f:
    names = ["debug", "info", "warning", "error", "critical"]
    f.write(" ".join("%s=%d" % (k, sum(1 for r in recs if r[1] == k)) for k in names) + "\n")
with open(exp + "/error_messages", "w") as f:
    f.write("%d\n" % len(set(r[5] for r in recs if r[1] in ("error", "critical"))))
def summary(rs):
    e = sum(1 for r in rs if r[1] in ("error", "critical"))
    return "records: %d   errors: %d   error rate: %.2f%%\n" % (len(rs), e, 100.0 * e / len(rs))
with open(exp + "/summary", "w") as f:
    f.write(summary(recs))
with open(exp + "/summary_api", "w") as f:
    f.write(summary([r for r in recs if r[2] == "api"]))
with open(exp + "/errors", "w") as f:
    f.write("%d\n" % sum(1 for r in recs if r[1] in ("error", "critical")))
with open(exp + "/info", "w") as f:
    f.write("%d\n" % sum(1 for r in recs if r[1] == "info"))
