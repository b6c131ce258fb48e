# logdeck index: exact counts on a generated multi-file corpus (truth from
# the generator), idempotence, growth, rotation to .gz, and bad input.
. tests/lib.sh
GEN=$BUILD_DIR/tests/bench/gen
jget() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" | tr -d '"'; }
tv() { awk -v k="$1" '$1 == k {print $2}' "$T/truth"; }

$GEN --lines 30000 --out "$T/logs" --truth "$T/truth" --seed 7 >/dev/null || fail gen "generator failed"
out=$($LOGDECK index --json "$T/logs" 2>"$T/err"); rc=$?
check "index exit code" 0 "$rc"
check "records" "$(tv records)" "$(echo "$out" | jget records)"
for l in debug info warning error critical unknown; do
  want=$(tv level.$l); [ "$want" = 0 ] && want=""
  got=$(echo "$out" | sed -n "s/.*\"by_level\":{[^}]*\"$l\":\([0-9]*\).*/\1/p")
  check "level $l" "$want" "$got"
done
check "lines" "$(tv lines)" "$(echo "$out" | jget lines)"
check "bytes" "$(tv bytes)" "$(echo "$out" | jget bytes)"
check "first_ts" "$(tv first_ts)" "$(echo "$out" | jget first_ts)"
check "last_ts" "$(tv last_ts)" "$(echo "$out" | jget last_ts)"
check "files" 5 "$(echo "$out" | jget files)"

out=$($LOGDECK index --json "$T/logs" 2>&1)
check "second run adds 0" 0 "$(echo "$out" | jget records)"

# Growth: only the appended records are added.
printf '%s\n' '{"event": "appended one", "level": "error", "timestamp": "2026-01-05T11:30:00Z"}' \
              '{"event": "appended two", "level": "info", "timestamp": "2026-01-05T11:30:01Z"}' >> "$T/logs/api.jsonl"
out=$($LOGDECK index --json "$T/logs" 2>&1)
check "growth adds 2" 2 "$(echo "$out" | jget records)"
check "growth levels" '{"info":1,"error":1}' "$(echo "$out" | sed -n 's/.*"by_level":\({[^}]*}\).*/\1/p')"

# Rotation while not running: renamed and compressed, plus new lines in a new file.
mv "$T/logs/api.jsonl" "$T/logs/api.jsonl.1" && gzip "$T/logs/api.jsonl.1"
printf '%s\n' '{"event": "after rotation", "level": "warning", "timestamp": "2026-01-05T11:31:00Z"}' > "$T/logs/api.jsonl"
out=$($LOGDECK index --json "$T/logs" 2>&1)
check "rotated .gz adds 0, new file adds 1" 1 "$(echo "$out" | jget records)"

# A partial last line is held until its newline arrives, then stored whole.
printf 'abc' > "$T/p.log"
out=$($LOGDECK index --json "$T/p.log" 2>&1)
check "partial line held" "0 1" "$(echo "$out" | jget records) $(echo "$out" | jget partial_lines_held)"
printf 'def\n' >> "$T/p.log"
out=$($LOGDECK index --json "$T/p.log" 2>&1)
check "partial line completed" 1 "$(echo "$out" | jget records)"

# --- bad input: stored safely, never dropped, clear messages ---------------
mkdir -p "$T/bad"
printf 'valid \xff\xfe utf8? no\n' > "$T/bad/utf8.log"
printf 'nul\000inside\000line\n' > "$T/bad/nul.log"
printf '%s\n' '{"event": "ok", "level": "info"}' '{"event": "truncated", "lev' '[1,2,3]' '{bad json}' > "$T/bad/malformed.jsonl"
: > "$T/bad/empty.log"
head -c 16777216 /dev/zero | tr '\0' 'x' > "$T/bad/long.log"; printf '\nafter long\n' >> "$T/bad/long.log"
out=$($LOGDECK index --json "$T/bad" 2>"$T/err"); rc=$?
check "bad input exit 0" 0 "$rc"
check "bad input records" 8 "$(echo "$out" | jget records)"
check "bad input truncated" 1 "$(echo "$out" | jget truncated)"
check "bad input unparsed" 7 "$(echo "$out" | jget unparsed)"

{ printf '\177ELF\002\001\001'; head -c 600 /dev/zero; head -c 4096 /dev/urandom; } > "$T/binary.bin"
$LOGDECK index "$T/binary.bin" >"$T/out" 2>"$T/err"; rc=$?
check "binary file exit 1" 1 "$rc"
grep -q "binary.bin looks like a binary file" "$T/err" && pass "binary file message" || fail "binary file message" "$(cat "$T/err")"

$LOGDECK index "$T/missing.log" "$T/bad/utf8.log" >"$T/out" 2>"$T/err"; rc=$?
check "missing file exit 1" 1 "$rc"
grep -q "missing.log: No such file or directory" "$T/err" && pass "missing file message" || fail "missing file message" "$(cat "$T/err")"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  mkdir -p "$T/nob" && cp "$T/bad/utf8.log" "$T/nob/secret.log" && chmod 600 "$T/nob/secret.log"
  printf 'ok line\n' > "$T/nob/open.log"; chmod 644 "$T/nob/open.log"; chmod 777 "$T/nob"; chmod 755 "$T"
  # nobody runs a copy of the binary: the clone may sit where nobody cannot
  # reach (/root is 0700), and where the user cloned must not matter.
  cp "$LOGDECK" "$T/nob/logdeck" && chmod 755 "$T/nob/logdeck"
  setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp \
    "$T/nob/logdeck" --db "$T/nob/db" index --json "$T/nob/secret.log" "$T/nob/open.log" >"$T/out" 2>"$T/err"; rc=$?
else
  printf 'x\n' > "$T/secret.log"; chmod 000 "$T/secret.log"; printf 'ok line\n' > "$T/open.log"
  $LOGDECK --db "$T/db2" index --json "$T/secret.log" "$T/open.log" >"$T/out" 2>"$T/err"; rc=$?
fi
check "unreadable file exit 1" 1 "$rc"
grep -q "secret.log: Permission denied" "$T/err" && pass "unreadable file message" || fail "unreadable file message" "$(cat "$T/err")"
check "unreadable file: the other file indexed" 1 "$(jget records < "$T/out")"

# --- the store: 0600, not ours, newer schema, corrupt ----------------------
check "store mode 0600" 600 "$(stat -c %a "$LOGDECK_DB")"
printf 'hello, not a database at all\n' > "$T/notdb"
$LOGDECK --db "$T/notdb" index "$T/bad/utf8.log" >"$T/out" 2>"$T/err"; rc=$?
check "not-a-store exit 1" 1 "$rc"
check "not-a-store untouched" "hello, not a database at all" "$(cat "$T/notdb")"
grep -q "not a logdeck store" "$T/err" && pass "not-a-store message" || fail "not-a-store message" "$(cat "$T/err")"
cp "$LOGDECK_DB" "$T/newer.db"
printf '\000\000\000\077' | dd of="$T/newer.db" bs=1 seek=60 conv=notrunc 2>/dev/null   # user_version = 63
sum=$(md5sum < "$T/newer.db")
$LOGDECK --db "$T/newer.db" index "$T/bad/utf8.log" >"$T/out" 2>"$T/err"; rc=$?
check "newer schema exit 1" 1 "$rc"
grep -q "schema version 63, newer" "$T/err" && pass "newer schema message" || fail "newer schema message" "$(cat "$T/err")"
check "newer schema untouched" "$sum" "$(md5sum < "$T/newer.db")"

# --- the config's store.path is the store of every command -----------------
mkdir -p "$T/cfghome/.config/logdeck"
printf 'store:\n  path: %s/fromcfg.db\n' "$T" > "$T/cfghome/.config/logdeck/config.yaml"
HOME="$T/cfghome" env -u LOGDECK_DB "$LOGDECK" index tests/fixtures/structlog.jsonl >/dev/null 2>&1
check "config store.path: index writes there" yes "$([ -f "$T/fromcfg.db" ] && echo yes)"
check "config store.path: query reads there" 3 \
  "$(HOME="$T/cfghome" env -u LOGDECK_DB "$LOGDECK" query --count 'level>=error' 2>&1)"
HOME="$T/cfghome" env -u LOGDECK_DB "$LOGDECK" --db "$T/other.db" index tests/fixtures/pyjson.jsonl >/dev/null 2>&1
check "--db wins over store.path" "8 10" \
  "$(HOME="$T/cfghome" env -u LOGDECK_DB "$LOGDECK" --db "$T/other.db" query --count 'level>=debug' 2>&1) $(HOME="$T/cfghome" env -u LOGDECK_DB "$LOGDECK" query --count 'level>=debug' 2>&1)"
printf 'store: [\n' > "$T/cfghome/.config/logdeck/config.yaml"
HOME="$T/cfghome" env -u LOGDECK_DB "$LOGDECK" query --count x >"$T/out" 2>"$T/err"; rc=$?
check "bad config: exit 2" 2 "$rc"
grep -q "config.yaml:2:1:" "$T/err" && pass "bad config: line:col" || fail "bad config: line:col" "$(cat "$T/err")"
