# A store kept inside a directory it reads (`--db logs/x.db logs`) never
# reads its own files as logs: the database, its -wal and -shm, the
# "-checked" stamp and the ".lock" holding the writer's pid. Before, a
# one-shot index stored the lock's pid and the stamp as records, and a
# follower read them again at every change.
. tests/lib.sh
mkdir -p "$T/logs"
for i in $(seq 1 50); do
  printf '{"timestamp": "2026-01-01T10:00:%02dZ", "level": "info", "event": "line %d"}\n' "$((i % 60))" "$i"
done > "$T/logs/app.jsonl"
DB=$T/logs/own.db
# 1. one-shot, twice (the second finds -checked and .lock from the first)
"$LOGDECK" --db "$DB" index "$T/logs" >/dev/null 2>"$T/i1.err"
"$LOGDECK" --db "$DB" index "$T/logs" >/dev/null 2>"$T/i2.err"
check "index: only the log's 50 records" 50 "$("$LOGDECK" --db "$DB" query --count '*')"
check "index: one file known" app.jsonl \
  "$("$LOGDECK" --db "$DB" query --json '*' | sed -n 's/.*"file":"[^"]*\/\([^"]*\)".*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//')"
check "index: no word of its own files" "" "$(grep -h 'own\.db' "$T/i1.err" "$T/i2.err" | grep -v 'new store at')"
# 2. a link to the store in the directory is the store too
ln "$DB" "$T/logs/link.db" 2>/dev/null || cp "$DB" "$T/logs/link.db"
"$LOGDECK" --db "$DB" index "$T/logs/link.db" >/dev/null 2>"$T/i3.err"
check "index: a hard link to the database is not a log" 50 "$("$LOGDECK" --db "$DB" query --count '*')"
rm -f "$T/logs/link.db"
# 3. the follower: appended lines arrive, its own files (written at each
# commit, the stamp through a temporary name) never. Another store's files
# are not its own: the first store goes first.
rm -f "$DB" "$DB"-* "$DB".lock
"$LOGDECK" --db "$T/logs/f.db" index --follow "$T/logs" >/dev/null 2>"$T/f.err" & FP=$!
check_wait "follow: the first 50" 50 30 "$LOGDECK" --db "$T/logs/f.db" query --count '*'
for i in $(seq 51 80); do
  printf '{"timestamp": "2026-01-01T10:01:%02dZ", "level": "info", "event": "line %d"}\n' "$((i % 60))" "$i"
done >> "$T/logs/app.jsonl"
check_wait "follow: 30 appended, 80 in all" 80 30 "$LOGDECK" --db "$T/logs/f.db" query --count '*'
kill -TERM "$FP"; wait "$FP"
check "follow: clean exit" 0 "$?"
check "follow: records only from the log" app.jsonl \
  "$("$LOGDECK" --db "$T/logs/f.db" query --json '*' | sed -n 's/.*"file":"[^"]*\/\([^"]*\)".*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//')"
check "follow: no warning about its own files" "" "$(grep 'f\.db' "$T/f.err" | grep -v 'new store at')"
