#!/bin/bash
# bench_hang: notification latency with one webhook hanging (issue 11,
# item 8). Two notifiers on one rule: `stuck` (a webhook that reads the
# request and never answers, default 10 s timeout) and `chat` (Slack,
# default pace 1 message/s). 20 groups fire at once; prints the time from
# the write to the first Slack message and to the 20th, and how long a
# SIGHUP reload during the hang held up ingestion. Not part of `make
# test`. Usage: [LOGDECK=binary] tests/bench/bench_hang.sh
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOGDECK=${LOGDECK:-$ROOT/logdeck}
SINK=${SINK:-$ROOT/build/tests/tools/httpsink}
T=$(mktemp -d /tmp/logdeck-bench.XXXXXX)
RPID= SPID=
trap 'kill -9 $RPID 2>/dev/null; kill $SPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
export HOME=$T TZ=UTC LOGDECK_DB=$T/store.db
ms() { echo $(( $(date +%s%N) / 1000000 )); }
printf 'ok\n/hang hang\n' > "$T/ctl"
"$SINK" -l "$T/sink.log" -c "$T/ctl" -t 300 -P "$T/port" >/dev/null & SPID=$!
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
PORT=$(cat "$T/port")
cat > "$T/rules.yaml" <<Y
notifiers:
  stuck: {type: webhook, url: "http://127.0.0.1:$PORT/hang"}
  chat: {type: slack, url: "http://127.0.0.1:$PORT/slack"}
rules:
  - {name: errs, type: count, match: 'level>=error', threshold: '>= 1', window: 5m,
     group_by: path, resolve_notify: false, notify: [stuck, chat]}
Y
: > "$T/app.log"
"$LOGDECK" alerts run "$T/rules.yaml" "$T/app.log" >/dev/null 2>"$T/run.err" & RPID=$!
for _ in $(seq 100); do grep -q following "$T/run.err" && break; sleep 0.1; done
line() { printf '{"timestamp": "%s", "level": "%s", "path": "%s", "event": "%s"}\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)" "$1" "$2" "$3"; }
t0=$(ms)
for i in $(seq 20); do line error "/p$i" "boom $i"; done >> "$T/app.log"
slack() { grep "^REQ .* POST /slack -> 200$" "$T/sink.log" | sed -n "${1}p" | awk '{ print $3 }'; }
# Meanwhile: a SIGHUP during the hang, then one line; how long until stored?
sleep 2
kill -HUP $RPID
t1=$(ms)
line info /ok "after reload" >> "$T/app.log"
until [ "$("$LOGDECK" query --count '"after reload"' 2>/dev/null)" = 1 ]; do
  [ $(( $(ms) - t1 )) -gt 120000 ] && break; sleep 0.05; done
stall=$(( $(ms) - t1 ))
until [ -n "$(slack 20)" ] || [ $(( $(ms) - t0 )) -gt 300000 ]; do sleep 0.2; done
f=$(slack 1) l=$(slack 20)
echo "first Slack message: $(( ${f:-0} - t0 )) ms; 20th: $(( ${l:-0} - t0 )) ms;" \
     "a line written right after SIGHUP stored after $stall ms"
