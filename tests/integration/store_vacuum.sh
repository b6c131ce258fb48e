# `logdeck store vacuum` on a SQLite store: the full-text tables merged into
# one segment each, the freed pages given back, the WAL truncated, and every
# answer the same after as before (counts, pages, trace, stats), byte for
# byte. A follower holding the store makes it refuse, changing nothing.
. tests/lib.sh
GEN=$BUILD_DIR/tests/bench/gen
$GEN --wide --lines 40000 --out "$T/logs" --seed 11 >/dev/null || fail gen "generator failed"
DB=$T/v.db
"$LOGDECK" --db "$DB" index "$T/logs" >"$T/i.out" 2>"$T/i.err"
check "index: exit 0" 0 "$?"
# sizes are said in binary units, labelled so (KiB, MiB, GiB)
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
raw=$(cat "$T"/logs/* | wc -c)
check "index: the bytes read, in MiB" 1 \
  "$(grep -c "^indexed 40000 records ([0-9]* lines, $(mib "$raw")) from 5 files in [0-9.]* s: [0-9]* records/s, [0-9.]* MiB/s$" "$T/i.out")"

# answers: every kind of question, in a file per run
answers() {
  for q in '*' 'level>=error' 'customer_id:customer_7' 'path:/api/v1/tts*' 'method:POST' \
           'http.request.method:POST' 'process.id:1234' 'generate_content' 'ResourceExhausted' \
           '"Request completed"' 'duration_ms>1000' 'status>=500' 'service:tts-api -level:debug'; do
    printf '%s\t%s\n' "$q" "$("$LOGDECK" --db "$DB" query --count "$q")"
    "$LOGDECK" --db "$DB" query --json --limit 20 "$q"
  done
  "$LOGDECK" --db "$DB" trace --json "$cid"
  "$LOGDECK" --db "$DB" stats --json
  "$LOGDECK" --db "$DB" stats --json --by path
}
cid=$("$LOGDECK" --db "$DB" query --json --limit 1 'service:tts-api Request completed' |
      sed -n 's/.*"cid":"\([^"]*\)".*/\1/p')
check "a request id to trace" 36 "${#cid}"
answers >"$T/before"
check "the questions have answers" 1 "$([ "$(grep -c '^{' "$T/before")" -gt 200 ] && echo 1)"
segs() {   # the segments of each full-text table: rows of its %_idx
  sqlite3 "$DB" "SELECT (SELECT count(DISTINCT segid) FROM rec_txt_idx) || ' '
                 || (SELECT count(DISTINCT segid) FROM rec_fv_idx)"
}
before_segs=$(segs)
check "a bulk load leaves more than one segment in rec_txt" 1 \
  "$([ "${before_segs% *}" -gt 1 ] && echo 1)"
size0=$(stat -c %s "$DB")

# a follower holds the store: vacuum refuses and changes nothing
"$LOGDECK" --db "$DB" index --follow "$T/logs" >/dev/null 2>"$T/f.err" & FP=$!
check_wait "the follower holds the store" 1 30 sh -c "[ -s '$DB.lock' ] && kill -0 $FP && echo 1"
"$LOGDECK" --db "$DB" store vacuum >"$T/busy.out" 2>"$T/busy.err"
check "vacuum beside a follower: exit 1" 1 "$?"
check "vacuum beside a follower: says the store is held" 1 \
  "$(grep -c "pid $FP" "$T/busy.err")"
kill -TERM "$FP"; wait "$FP"
check "follower: clean exit" 0 "$?"
check "after the refusal: the same segments" "$before_segs" "$(segs)"

"$LOGDECK" --db "$DB" store vacuum >"$T/v.out" 2>"$T/v.err"
check "vacuum: exit 0" 0 "$?"
check "vacuum: says what it did, in MiB" \
  "vacuumed $DB: $(mib "$size0") -> $(mib "$(stat -c %s "$DB")")" "$(cat "$T/v.out")"
check "store info: the size in MiB" 1 \
  "$("$LOGDECK" --db "$DB" store info | grep -c "^size  *$(mib "$(stat -c %s "$DB")")$")"
check "vacuum: one segment in each full-text table" "1 1" "$(segs)"
size1=$(stat -c %s "$DB")
check "vacuum: the store is smaller ($size0 -> $size1 bytes)" 1 "$([ "$size1" -lt "$size0" ] && echo 1)"
check "vacuum: the WAL truncated" 0 "$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)"
check "vacuum: the integrity check passes" ok "$(sqlite3 "$DB" 'PRAGMA integrity_check')"
answers >"$T/after"
check "vacuum: every answer the same, byte for byte" "" "$(cmp "$T/before" "$T/after" 2>&1)"

# the store still takes records: new lines are found by word and by field
printf '{"timestamp": "2026-01-05T11:00:00Z", "level": "error", "event": "vacuumtest zq41", "customer_id": "customer_zq41"}\n' \
  >"$T/logs/late.jsonl"
"$LOGDECK" --db "$DB" index "$T/logs" >/dev/null 2>&1
check "after vacuum: a new line found by its word" 1 "$("$LOGDECK" --db "$DB" query --count zq41)"
check "after vacuum: and by its field" 1 "$("$LOGDECK" --db "$DB" query --count customer_id:customer_zq41)"
