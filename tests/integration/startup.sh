# Process start: the binary does not link libcurl (only the senders load
# it, src/base/curl_dl.c), commands that never send never map it, and a
# sender without libcurl fails with a message that says what to install.
. tests/lib.sh

check "logdeck does not link libcurl" 0 "$(readelf -d "$LOGDECK" | grep NEEDED | grep -c curl)"
printf '{"timestamp": "2026-01-01T00:00:00Z", "level": "error", "event": "x"}\n' > "$T/a.log"
"$LOGDECK" index "$T/a.log" >/dev/null 2>&1
LD_DEBUG=files "$LOGDECK" query --count x >"$T/q.out" 2>"$T/ld.err"
check "query --count answers" 1 "$(cat "$T/q.out")"
check "query never loads libcurl" 0 "$(grep -c 'file=libcurl' "$T/ld.err")"
LD_DEBUG=files "$LOGDECK" --version >/dev/null 2>"$T/ld.err"
check "--version never loads libcurl" 0 "$(grep -c 'file=libcurl' "$T/ld.err")"

# A sender whose libcurl is missing: exit 1, a message naming the package.
cat > "$T/rules.yaml" <<Y
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:1/x"}
rules:
  - {name: r, type: any, match: 'level>=error', notify: [hook]}
Y
LOGDECK_LIBCURL=/nonexistent/libcurl.so.4 timeout 20 "$LOGDECK" alerts run "$T/rules.yaml" \
  >"$T/run.out" 2>"$T/run.err"
rc=$?
check "alerts run without libcurl: exit 1" 1 "$rc"
check "alerts run without libcurl: says what to install" 1 \
  "$(grep -c 'cannot load /nonexistent/libcurl.so.4.*apt-get install libcurl4' "$T/run.err")"
LD_DEBUG=files timeout 20 "$LOGDECK" alerts run "$T/rules.yaml" >/dev/null 2>"$T/ld.err" &
pid=$!
for _ in $(seq 100); do grep -q 'file=libcurl' "$T/ld.err" && break; sleep 0.1; done
kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null
check "alerts run loads libcurl" 1 "$(grep -c 'file=libcurl.so.4 \[0\];  dynamically loaded' "$T/ld.err")"
