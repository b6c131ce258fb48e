# The service column follows the one naming rule that `service:` queries and
# `stats --by service` use: the service field, else the logger, else the
# file's name without directories and extensions (a gateway JSON line with
# neither showed a blank column while `service:gateway` found it).
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
printf '%s\n' \
  '{"timestamp": "2024-05-01T10:00:00Z", "level": "INFO", "message": "no service, no logger", "endpoint": "/api/v1/tts"}' \
  '{"timestamp": "2024-05-01T10:00:01Z", "level": "INFO", "logger": "api.request", "message": "a logger only"}' \
  '{"timestamp": "2024-05-01T10:00:02Z", "level": "WARN", "service": "tts-api", "logger": "api.request", "message": "a service field"}' \
  >"$T/gateway.jsonl"

check "query: service:gateway finds the record with neither" 1 \
  "$("$LOGDECK" --db "$T/q.db" index "$T/gateway.jsonl" >/dev/null 2>&1; "$LOGDECK" --db "$T/q.db" query --count service:gateway)"

tui_start 120 12 "$T/gateway.jsonl"
check_line "no service, no logger: the file's name" 1 \
  "2024-05-01 10:00:00.000 INFO  gateway        no service, no logger" 15
check_line "a logger only: the logger" 2 \
  "2024-05-01 10:00:01.000 INFO  api.request    a logger only"
check_line "a service field: the service" 3 \
  "2024-05-01 10:00:02.000 WARN  tts-api        a service field"

