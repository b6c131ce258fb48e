#!/bin/bash
# bench_alerts: CPU cost of alert evaluation with 50 rules over 5-minute
# windows while 5,000 lines/s are appended to a followed file. Runs
# `logdeck alerts run` twice for DURATION seconds (default 60): with no rules
# (ingest only) and with the 50 rules; the difference in the process's CPU
# time is the evaluation cost, printed as % of one core. Target: well under
# 10 %. Not part of `make test`. Usage: tests/bench/bench_alerts.sh
set -u
LOGDECK=${LOGDECK:-$PWD/logdeck}
DURATION=${DURATION:-60}
RATE=${RATE:-5000}
T=$(mktemp -d /tmp/logdeck-bench.XXXXXX)
trap 'kill $WPID $RPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
export HOME=$T TZ=UTC
WPID= RPID=

# 500-line block (10 % warning+, paths /api/v0..9, durations 1..999 ms).
awk 'BEGIN { for (i = 0; i < 500; i++) {
  lvl = (i % 50 == 0) ? "error" : (i % 20 == 0) ? "warning" : "info";
  svc = (i % 3 == 0) ? "worker" : "api";
  printf "{\"timestamp\": \"TS\", \"level\": \"%s\", \"service\": \"%s\", \"path\": \"/api/v%d\", \"event\": \"request done\", \"duration_ms\": %d, \"status_code\": %d}\n", lvl, svc, i % 10, (i * 37) % 999 + 1, lvl == "error" ? 500 : 200 } }' > "$T/block"

writer() { # appends RATE lines/s, in batches every ~100 ms, catching up on drift
  local start written=0 due ts
  start=$(date +%s%N)
  while :; do
    due=$(( ($(date +%s%N) - start) / 1000 * RATE / 1000000 - written ))
    if [ "$due" -gt 0 ]; then
      ts=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)
      for _ in $(seq $(( (due + 499) / 500 ))); do sed "s/TS/$ts/" "$T/block"; done |
        head -n "$due" >> "$T/app.log"
      written=$((written + due))
    fi
    sleep 0.1
  done
}

rules50() {
  echo "notifiers:"
  echo "  sink: {type: webhook, url: \"http://127.0.0.1:9/unused\"}"
  echo "rules:"
  for i in $(seq 0 49); do
    case $((i % 10)) in
      0|1|2) printf '  - {name: c%d, type: count, query: "service:api", match: "level>=error", threshold: "> 100000", window: 5m}\n' $i ;;
      3) printf '  - {name: g%d, type: count, match: "level>=warning", threshold: "> 100000", window: 5m, group_by: path}\n' $i ;;
      4|5) printf '  - {name: r%d, type: ratio, query: "service:api", match: "level>=error", threshold: "> 50%%", window: 5m}\n' $i ;;
      6) printf '  - {name: m%d, type: metric, query: "service:api", field: duration_ms, agg: p95, threshold: "> 5000", window: 5m}\n' $i ;;
      7) printf '  - {name: a%d, type: metric, field: duration_ms, agg: avg, threshold: "> 5000", window: 5m, group_by: path}\n' $i ;;
      8) printf '  - {name: q%d, type: absence, query: "service:worker", window: 5m}\n' $i ;;
      9) printf '  - {name: s%d, type: count, query: "status>=500", threshold: "> 100000", window: 5m}\n' $i ;;
    esac
  done
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

measure() { # RULES_FILE -> prints CPU % of one core over DURATION
  rm -f "$T"/store.db* "$T/app.log"; : > "$T/app.log"
  export LOGDECK_DB=$T/store.db
  "$LOGDECK" alerts run "$1" "$T/app.log" >/dev/null 2>"$T/run.err" & RPID=$!
  sleep 1
  writer & WPID=$!
  sleep 5                                   # settle
  local c0 t0 c1 t1 l0 l1
  c0=$(cpu_ticks $RPID); t0=$(date +%s%N); l0=$(wc -l < "$T/app.log")
  sleep "$DURATION"
  c1=$(cpu_ticks $RPID); t1=$(date +%s%N); l1=$(wc -l < "$T/app.log")
  kill $WPID; wait $WPID 2>/dev/null; WPID=
  kill -TERM $RPID; wait $RPID 2>/dev/null; RPID=
  local hz; hz=$(getconf CLK_TCK)
  awk -v c=$((c1 - c0)) -v hz="$hz" -v ns=$((t1 - t0)) -v l=$((l1 - l0)) \
    'BEGIN { printf "%.2f %.0f\n", 100 * c / hz / (ns / 1e9), l / (ns / 1e9) }'
}

printf 'rules: []\n' > "$T/none.yaml"
rules50 > "$T/r50.yaml"
"$LOGDECK" alerts check "$T/r50.yaml" >/dev/null || exit 1
read -r base lps0 < <(measure "$T/none.yaml")
read -r full lps1 < <(measure "$T/r50.yaml")
echo "ingest only:            ${base}% of one core at ${lps0} lines/s"
echo "ingest + 50 rules (5m): ${full}% of one core at ${lps1} lines/s"
awk -v a="$base" -v b="$full" 'BEGIN { printf "alert evaluation:       %.2f%% of one core\n", b - a }'
