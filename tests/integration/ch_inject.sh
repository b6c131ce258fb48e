# ch_inject.sh: an injection catalogue through every field of the query
# language, against ClickHouse (where no value is bound: db/chsql.c's
# escaping is the only defence) and the SQLite store side by side. Records
# whose service, cid, logger, message, path and a field hold hostile text
# are shipped; then every field name (and words, phrases, globs) is queried
# with each payload. Each query must answer exactly as on SQLite (same exit
# code, same count; never a server syntax error), a payload must find its
# own record, and afterwards the tables and row counts are unchanged.
. tests/lib.sh
. tests/tools/chserver.bash
ch_require "ch_inject.sh" || exit 0
ch_start "$T/ch" || { fail "clickhouse start" "no /ping"; exit 0; }
URL="clickhouse://127.0.0.1:$CH_HTTP/logdeck"
"$LOGDECK" --db "$URL" store init >/dev/null 2>"$T/err" || { fail "store init" "$(cat "$T/err")"; exit 0; }

P=(
  "'" "\\'" "\\\\'" "'; DROP TABLE logdeck.logs; --" "' OR 1=1 --" "') OR ('1'='1" "\`" "\`; DROP DATABASE logdeck; --"
  "%" "_" "a%b" "a_b" "\\" "\\x41" "\\x27" "\\0" ")" "*/ /*" "\$(id)" "{{x}}" "?" "[a]" "a*b" "--"
  $'tab\there' $'new\nline' $'esc\e[31m' $'del\x7f' "é…" "\"quoted\"" "1e309" "-1" "x' FORMAT CSV --"
  "' UNION ALL SELECT * FROM system.users --" "'||'" "\\'\\'" "a\\%b" "a\\_b"
)
jesc() { # JSON string body
  local s=$1; s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}; s=${s//$'\n'/\\n}
  s=${s//$'\e'/\\u001b}; s=${s//$'\x7f'/\\u007f}; printf '%s' "$s"
}
qesc() { # query-language "..." body
  local s=$1; s=${s//\\/\\\\}; s=${s//\"/\\\"}; printf '%s' "$s"
}
mkdir -p "$T/logs"
i=0
for p in "${P[@]}"; do
  j=$(jesc "$p")
  printf '{"timestamp":"2024-03-01T10:00:%02d.000Z","level":"info","service":"%s","request_id":"%s","logger":"%s","message":"m%d %s","path":"%s","k":"%s"}\n' \
    "$i" "$j" "$j" "$j" "$i" "$j" "$j" "$j" >>"$T/logs/inject.jsonl"
  i=$((i + 1))
done
N=$i
"$LOGDECK" index --ship "$URL" "$T/logs/inject.jsonl" >"$T/idx" 2>&1 || { fail "index --ship" "$(tail -3 "$T/idx")"; exit 0; }
check "records shipped" "$N" "$("$LOGDECK" --db "$URL" query --count '')"
tables() { ch_sql "$T/ch" "SELECT name FROM system.tables WHERE database = 'logdeck' ORDER BY name FORMAT TSV" | tr '\n' ' '; }
before=$(tables)

# Text-valued fields take any payload: one query per form ORs every field,
# so each payload passes through all of them at once. Typed fields (times,
# levels, formats, numbers) must reject it with exit 2 on both backends
# (checked with the first 10 payloads: they never reach SQL).
textf="cid request_id correlation_id trace_id x-correlation-id trace.correlation_id traceid correlationid service service.name logger name log.logger msg message file metric metric.name metric_name host k path"
typedf="ts time timestamp @timestamp level severity log.level levelname format fmt duration duration_ms status status_code metric.value metric_value"
same=0; differ=""; servererr=""; total=0; self=0; selfmiss=""; n_typed=0
# Known difference: SQLite's FTS5 tokenizer (unicode61) splits non-ASCII text
# by Unicode category and folds diacritics; the ClickHouse backend treats
# every non-ASCII byte as a letter. Words with non-ASCII letters may differ.
known='"é…" "é…"*'
ask() { # EXPR: compares both backends
  local e=$1 a b ra rb
  total=$((total + 1))
  a=$("$LOGDECK" query --count -- "$e" 2>/dev/null); ra=$?
  b=$("$LOGDECK" --db "$URL" query --count -- "$e" 2>"$T/berr"); rb=$?
  if grep -q "server said" "$T/berr"; then servererr="$servererr [$e]: $(head -c 200 "$T/berr")"; fi
  if [ "$ra:$a" = "$rb:$b" ]; then same=$((same + 1))
  else case " $known " in *" $e "*) same=$((same + 1)) ;; *) differ="$differ [$e] sqlite=$ra:$a ch=$rb:$b;" ;; esac; fi
}
for p in "${P[@]}"; do
  q=$(qesc "$p")
  ask "\"$q\""; ask "\"$q\"*"
  for form in ':"Q"' ':"Q*"' '>"Q"' '<="Q"'; do
    e=""; for f in $textf; do e="$e${e:+ OR }$f${form/Q/$q}"; done
    ask "$e"
    e=""; for f in $textf; do e="$e -$f${form/Q/$q}"; done
    ask "$e"
  done
  [ "$n_typed" -lt 10 ] && for f in $typedf; do ask "$f:\"$q\""; done
  n_typed=$((n_typed + 1))
  for f in service cid logger k path; do
    c=$("$LOGDECK" --db "$URL" query --count -- "$f:\"$q\"" 2>/dev/null)
    [ "$c" -ge 1 ] 2>/dev/null && self=$((self + 1)) || selfmiss="$selfmiss [$f:$q]=$c"
  done
done
check "no query reached the server as broken SQL ($total queries)" "" "$servererr"
check "every query answers as on SQLite ($total queries)" "$total" "$same${differ:+ differ:$differ}"
check "each payload finds its own record in 5 fields" "$(( ${#P[@]} * 5 ))" "$self${selfmiss:+ missing:$selfmiss}"
check "tables unchanged" "$before" "$(tables)"
check "rows unchanged" "$N" "$(ch_sql "$T/ch" "SELECT count() FROM logdeck.logs")"
check "system.users untouched: still one query answer" 1 "$("$LOGDECK" --db "$URL" query --count -- "service:\"' UNION ALL SELECT * FROM system.users --\"")"
