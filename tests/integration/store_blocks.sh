# store_blocks.sh: store v5 keeps records' text and messages in compressed
# blocks (db/blk.h). A v4 store (tests/fixtures/store_v4.sql, written by the
# v4 logdeck) is read as it is and migrated in place by the next writer,
# its rows still answering; runs that each commit a few records read back
# exactly; retention deletes a block with its last record and keeps the
# others readable. Store v8 indexes words per block (db/txt.h): a v7 store
# (tests/fixtures/store_v7.sql) is read as it is and migrated in place,
# every count the same; retention that deletes part of a block rewrites
# its document, so counts stay exact.
. tests/lib.sh
need sqlite3 sqlite3 "store_blocks.sh (builds and reads stores with the sqlite3 shell)" || exit 0

D="$T/logs"
mkdir -p "$D"
q() { "$LOGDECK" query "$@" 2>&1; }
ver() { sqlite3 "$LOGDECK_DB" 'PRAGMA user_version'; }

# --- v4 -> v5 in place ------------------------------------------------------------
sqlite3 "$LOGDECK_DB" <tests/fixtures/store_v4.sql
sqlite3 "$LOGDECK_DB" 'PRAGMA application_id=1279738947; PRAGMA user_version=4;'
check "v4: a reader counts its records" 3 "$(q --count '')"
check "v4: a reader leaves it at version 4" 4 "$(ver)"
check "v4: words of a traceback" 1 "$(q --count OldQuotaError)"
check "v4: phrase in a message" 1 "$(q --count '"reset by peer"')"
check "v4: message equality" 1 "$(q --count 'msg:"job 9 failed"')"
printf '%s\n' '{"event": "New request", "level": "info", "timestamp": "2024-03-01T10:00:05Z", "service": "oldsvc", "path": "/api/v1/new", "customer_id": "cu_new"}' \
  '{"event": "Upstream reset again", "level": "error", "timestamp": "2024-03-01T10:00:06Z", "service": "oldsvc", "customer_id": "cu_new"}' >"$D/new.jsonl"
"$LOGDECK" index "$D/new.jsonl" >"$T/mig.out" 2>&1
check "v4: the writer migrates to version 9 (blocks, rollups, words per block, names)" 9 "$(ver)"
check "v4: migrated, nothing re-read (3 rows keep raw)" 3 "$(sqlite3 "$LOGDECK_DB" 'SELECT count(*) FROM records WHERE raw IS NOT NULL')"
check "v5 rows in a block" 1 "$(sqlite3 "$LOGDECK_DB" 'SELECT count(*) FROM rawblk WHERE id = 4 AND n = 2')"
check "after migration: every record" 5 "$(q --count '')"
check "after migration: old and new errors" 3 "$(q --count 'level:error')"
check "after migration: word in old and new" 2 "$(q --count Upstream)"
check "after migration: old field" 2 "$(q --count customer_id:cu_old)"
check "after migration: new field" 2 "$(q --count customer_id:cu_new)"
check "after migration: new message" 1 "$(q --count 'msg:"Upstream reset again"')"
check "old traceback text in --json" 1 "$(q --json OldQuotaError | grep -c 'OldQuotaError: 429')"
check "new record's raw text in --json" 1 "$(q --json 'customer_id:cu_new level:info' | grep -c '"event": "New request"')"

# --- v7 -> v8 in place: the words per block, from the stored text ---------------------
rm -f "$LOGDECK_DB"*
sqlite3 "$LOGDECK_DB" <tests/fixtures/store_v7.sql
sqlite3 "$LOGDECK_DB" 'PRAGMA application_id=1279738947; PRAGMA user_version=7;'
v7q() {
  for w in seven SevenQuotaError '"reset by peer"' generate_content cu_seven quota \
           'cid:0a7e0000-0000-4000-8000-000000000001' 'cid:0a7e0000-*' 'level:error seven' 'sev*' \
           'seven -quota' 'traceback'; do
    printf '%s=%s ' "$w" "$(q --count "$w")"
  done
}
want7='seven=3 SevenQuotaError=1 "reset by peer"=1 generate_content=1 cu_seven=2 quota=2 cid:0a7e0000-0000-4000-8000-000000000001=2 cid:0a7e0000-*=3 level:error seven=1 sev*=4 seven -quota=3 traceback=1 '
check "v7: a reader counts words, phrases, cids" "$want7" "$(v7q)"
check "v7: a reader leaves it at version 7" 7 "$(ver)"
check "v7: a reader's first page" "Upstream connection reset by peer|Request completed" \
  "$(q --json --limit 2 'seven level:error OR seven service:v7svc' | sed 's/.*"msg":"\([^"]*\)".*/\1/' | tr '\n' '|' | sed 's/|$//')"
"$LOGDECK" index "$D/new.jsonl" >"$T/mig7.out" 2>&1
check "v7: the writer migrates to version 9" 9 "$(ver)"
check "v7: rec_fts replaced by rec_txt" "rec_txt" \
  "$(sqlite3 "$LOGDECK_DB" "SELECT group_concat(name) FROM sqlite_master WHERE name IN ('rec_fts', 'rec_txt')")"
check "v7 migrated: the same counts" "$want7" "$(v7q)"
check "v7 migrated: a word in old and new records" 3 "$(q --count 'upstream OR new')"
check "v7 migrated: the first page" "Upstream connection reset by peer|Request completed" \
  "$(q --json --limit 2 'seven level:error OR seven service:v7svc' | sed 's/.*"msg":"\([^"]*\)".*/\1/' | tr '\n' '|' | sed 's/|$//')"

# --- a message or cid kept apart from the raw text (not a substring of it) ------------
rm -f "$LOGDECK_DB"*
printf '%s\n' '{"event": "said \"hi\" twice", "level": "info", "timestamp": "2024-03-02T09:00:00Z", "request_id": "3F2A9C1E-0000-4000-8000-00000000AB01"}' >"$D/esc1.jsonl"
printf '%s\n' '2024-03-02 09:00:01,000 - app.x - INFO - [3f2a9c1e-0000-4000-8000-00000000ab02] plain line' >"$D/esc2.log"
"$LOGDECK" index "$D/esc1.jsonl" "$D/esc2.log" >/dev/null 2>&1
check "escaped message (a copy in the block)" 1 "$(q --count 'msg:"said \"hi\" twice"')"
check "escaped message in --json" 1 "$(q --json 'msg:"said \"hi\" twice"' | grep -c '"msg":"said \\"hi\\" twice"')"
check "cid as written (an offset into the raw text)" 1 "$(q --count 'cid:3F2A9C1E-0000-4000-8000-00000000AB01')"
check "trace of a text record's cid" 1 "$("$LOGDECK" trace 3f2a9c1e-0000-4000-8000-00000000ab02 2>&1 | grep -c '^trace .*: 1 records')"
check "cid glob over both" 2 "$(q --count 'cid:3f2a9c1e-*')"

# --- many small runs, each its own commit: every line read back exactly --------------
rm -f "$LOGDECK_DB"*
: >"$D/small.jsonl"
i=0
while [ $i -lt 300 ]; do
  printf '{"ts": "2024-03-02T10:%02d:%02dZ", "level": "info", "event": "small %d", "n": %d}\n' \
    $((i / 60)) $((i % 60)) $i $i >>"$D/small.jsonl"
  i=$((i + 1))
  case $i in 1|2|3|50|129|200|256|257|300) "$LOGDECK" index "$D/small.jsonl" >/dev/null 2>&1 ;; esac
done
check "small runs: every record" 300 "$(q --count '')"
check "small runs: blocks cover every id once" "300|300" \
  "$(sqlite3 "$LOGDECK_DB" 'SELECT sum(n), max(id + n - 1) FROM rawblk')"
q --json --limit 0 --reverse '' | sed 's/.*"fields":\(.*\)}$/\1/' >"$T/small.back"
check "small runs: every line read back exactly" "" "$(cmp "$T/small.back" "$D/small.jsonl" 2>&1)"
check "small runs: message of the last" 1 "$(q --count 'msg:"small 299"')"
check "small runs: message across a block edge" 1 "$(q --count 'msg:"small 128"')"

# --- retention: a block leaves with its last record -----------------------------------
rm -f "$LOGDECK_DB"*
old=$(date -u -d '-40 days' +%Y-%m-%dT%H:%M:%SZ)
new=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{
  i=0
  while [ $i -lt 256 ]; do echo "{\"timestamp\":\"$old\",\"level\":\"info\",\"event\":\"old info $i\"}"; i=$((i + 1)); done
  for i in 1 2; do echo "{\"timestamp\":\"$old\",\"level\":\"error\",\"event\":\"old error $i\"}"; done
  for i in 1 2 3; do echo "{\"timestamp\":\"$new\",\"level\":\"info\",\"event\":\"new info $i\"}"; done
} >"$D/r.log"
"$LOGDECK" index "$D/r.log" >/dev/null 2>&1
check "retention: 3 blocks before" 3 "$(sqlite3 "$LOGDECK_DB" 'SELECT count(*) FROM rawblk')"
printf 'store:\n  retention: {error: 365d, info: 30d}\n' >"$T/ret.yaml"
"$LOGDECK" --config "$T/ret.yaml" store prune >"$T/prune.out" 2>&1
check "retention: old infos deleted" 5 "$(q --count '')"
check "retention: the two emptied blocks deleted" "257" "$(sqlite3 "$LOGDECK_DB" 'SELECT group_concat(id) FROM rawblk')"
check "retention: the rest read back" "old error 1|old error 2|new info 1|new info 2|new info 3" \
  "$(q --json --limit 0 --reverse '' | sed 's/.*"msg":"\([^"]*\)".*/\1/' | tr '\n' '|' | sed 's/|$//')"
"$LOGDECK" index "$D/r.log" >/dev/null 2>&1
echo "{\"timestamp\":\"$new\",\"level\":\"info\",\"event\":\"after prune\"}" >>"$D/r.log"
"$LOGDECK" index "$D/r.log" >/dev/null 2>&1
check "retention: a new record after the newest block" "262|after prune" \
  "$(sqlite3 "$LOGDECK_DB" 'SELECT max(id) FROM records')|$(q --json 'msg:"after prune"' | sed 's/.*"msg":"\([^"]*\)".*/\1/')"

# --- retention inside a block: its words document is rewritten (txt.h) -------------
rm -f "$LOGDECK_DB"*
{
  i=0
  while [ $i -lt 10 ]; do
    echo "{\"timestamp\":\"$old\",\"level\":\"info\",\"event\":\"chatty alpha $i\"}"
    echo "{\"timestamp\":\"$old\",\"level\":\"error\",\"event\":\"failing alpha $i\"}"
    i=$((i + 1))
  done
  echo "{\"timestamp\":\"$new\",\"level\":\"info\",\"event\":\"chatty fresh\"}"
} >"$D/mix.log"
"$LOGDECK" index "$D/mix.log" >/dev/null 2>&1
check "mixed block: words before" "21 11 20" "$(q --count '') $(q --count chatty) $(q --count alpha)"
"$LOGDECK" --config "$T/ret.yaml" store prune >"$T/prune2.out" 2>&1
check "mixed block: one block kept" 1 "$(sqlite3 "$LOGDECK_DB" 'SELECT count(*) FROM rawblk')"
check "mixed block: counts of the records left" "11 1 10 0 10" \
  "$(q --count '') $(q --count chatty) $(q --count alpha) $(q --count '"chatty alpha"') $(q --count 'failing alpha')"
check "mixed block: a page of the records left" "failing alpha 9|failing alpha 8|failing alpha 7" \
  "$(q --json --limit 3 alpha | sed 's/.*"msg":"\([^"]*\)".*/\1/' | tr '\n' '|' | sed 's/|$//')"
echo "{\"timestamp\":\"$new\",\"level\":\"info\",\"event\":\"chatty later\"}" >>"$D/mix.log"
"$LOGDECK" index "$D/mix.log" >/dev/null 2>&1
check "mixed block: a record after the prune" "2 1" "$(q --count chatty) $(q --count later)"

# --- phrases of letters and '_' answered from the index alone (txt.h, runs) -----------
rm -f "$LOGDECK_DB"*
{
  echo '{"timestamp": "2024-03-03T10:00:00Z", "level": "error", "event": "generate_content failed"}'
  echo '{"timestamp": "2024-03-03T10:00:01Z", "level": "error", "event": "regenerate_content failed"}'
  echo '{"timestamp": "2024-03-03T10:00:02Z", "level": "info", "event": "generate content, then Generate_Content_v2"}'
  echo '{"timestamp": "2024-03-03T10:00:03Z", "level": "info", "event": "said \"x_generate_content\" once", "note": "generate content"}'
  echo '{"timestamp": "2024-03-03T10:00:04Z", "level": "info", "event": "plain words only", "k": "generate content"}'
} >"$D/snake.jsonl"
"$LOGDECK" index "$D/snake.jsonl" >/dev/null 2>&1
snq() {
  for w in generate_content '"generate_content"' GENERATE_CONTENT 'generate_cont*' regenerate_content \
           content_v '"_generate_content"' 'generate_content level:error' 'generate_content -level:error'; do
    printf '%s=%s ' "$w" "$(q --count "$w")"
  done
}
want_sn='generate_content=3 "generate_content"=3 GENERATE_CONTENT=3 generate_cont*=3 regenerate_content=1 content_v=0 "_generate_content"=1 generate_content level:error=1 generate_content -level:error=2 '
check "runs: phrase counts as grep-with-words reads them" "$want_sn" "$(snq)"
check "runs: listed once each (txt_runs)" "generate_content|generate_content_v|regenerate_content|x_generate_content" \
  "$(sqlite3 "$LOGDECK_DB" "SELECT group_concat(run, '|') FROM (SELECT run FROM txt_runs WHERE run LIKE '%generate%' ORDER BY run)")"
check "runs: a page" "said \\\"x_generate_content\\\" once|generate content, then Generate_Content_v2|generate_content failed" \
  "$(q --json --limit 5 generate_content | sed 's/.*"msg":"\(.*\)","fields".*/\1/' | tr '\n' '|' | sed 's/|$//')"
# The text itself is not read: with every block of text made unreadable the
# counts stay (a phrase checked against the text would find nothing).
cp "$LOGDECK_DB" "$T/snake-copy.db"
sqlite3 "$T/snake-copy.db" "UPDATE rawblk SET z = x'00'"
check "runs: counted without reading the text" "3 1 1" \
  "$("$LOGDECK" --db "$T/snake-copy.db" query --count generate_content 2>&1) $("$LOGDECK" --db "$T/snake-copy.db" query --count regenerate_content 2>&1) $("$LOGDECK" --db "$T/snake-copy.db" query --count '"_generate_content"' 2>&1)"
