# The store is guarded: one writer per store file whatever the path that
# names it (symlink, hard link), `alerts run` following sources is a writer,
# and a store that fails its integrity check is never written to.
. tests/lib.sh
. tests/integration/follow_lib.bash

# 2. The writer lock belongs to the store file, not to its path.
fresh lock
echo '{"event":"x"}' >"$D/a.log"
start_idx "$D"
ln -s "$LOGDECK_DB" "$T/sym.db"
ln "$LOGDECK_DB" "$T/hard.db"
for how in sym hard; do
  "$LOGDECK" --db "$T/$how.db" index "$D" >"$T/$how.out" 2>&1; rc=$?
  if [ "$rc" = 1 ] && grep -q "pid $IDX" "$T/$how.out"; then
    pass "second writer through a $how link refused, holder's pid named"
  else fail "second writer through a $how link refused" "rc $rc: $(head -c 300 "$T/$how.out")"; fi
done
(cd "$T" && "$LOGDECK" --db "./lock.db" index "$D" >"$T/rel.out" 2>&1); rc=$?
check "second writer through a relative path refused" 1 "$rc"
stop_idx
check "the store holds the line once" 1 "$("$CK" --dump "$LOGDECK_DB" | wc -l)"

# 3. `alerts run` following sources takes the writer lock (both orders).
cat >"$T/rules.yaml" <<'Y'
rules:
  - name: errs
    type: any
    match: 'level>=error'
Y
start_idx "$D"
timeout 30 "$LOGDECK" alerts run "$T/rules.yaml" "$D/a.log" >"$T/ar.out" 2>&1; rc=$?
if [ "$rc" = 1 ] && grep -q "pid $IDX" "$T/ar.out"; then
  pass "alerts run refused while index --follow writes the store"
else fail "alerts run refused while index --follow writes" "rc $rc: $(head -c 300 "$T/ar.out")"; fi
stop_idx
"$LOGDECK" alerts run "$T/rules.yaml" "$D/a.log" >"$T/ar.out" 2>"$T/ar.err" &
AR=$!
i=0; until grep -q following "$T/ar.err" || [ $i -ge 300 ]; do sleep 0.1; i=$((i+1)); done
"$LOGDECK" --db "$T/sym.db" index "$D" >"$T/ix.out" 2>&1; rc=$?
if [ "$rc" = 1 ] && grep -q "pid $AR" "$T/ix.out"; then
  pass "index refused while alerts run follows (through a symlink)"
else fail "index refused while alerts run follows" "rc $rc: $(head -c 300 "$T/ix.out")"; fi
kill -TERM "$AR"; wait "$AR"
check "alerts run alone: still one record" 1 "$("$CK" --dump "$LOGDECK_DB" | wc -l)"

# 5. A corrupt store is never written to: 8 KiB in its middle overwritten,
#    index exits 1 naming the corruption and the file is byte for byte as
#    it was (a clean store is checked too, and indexes).
fresh corrupt
"$WR" -d "$D" -n a.log -s C -c 20000 -L 200 -o "$T/c.rec"
"$LOGDECK" index "$D/a.log" >/dev/null 2>&1
sz=$(stat -c %s "$LOGDECK_DB")
dd if=/dev/urandom of="$LOGDECK_DB" bs=1024 seek=$((sz / 2048)) count=8 conv=notrunc 2>/dev/null
before=$(sha1sum <"$LOGDECK_DB")
echo '{"event":"more"}' >"$D/b.log"
"$LOGDECK" index "$D/b.log" >"$T/cx.out" 2>&1; rc=$?
if [ "$rc" = 1 ] && grep -q "corrupt" "$T/cx.out"; then pass "index on a corrupt store: exit 1, says corrupt"
else fail "index on a corrupt store: exit 1" "rc $rc: $(head -c 300 "$T/cx.out")"; fi
check "corrupt store left byte for byte untouched" "$before" "$(sha1sum <"$LOGDECK_DB")"
"$LOGDECK" index --follow "$D/b.log" >"$T/cf.out" 2>&1 & CF=$!
i=0; while kill -0 "$CF" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
kill -0 "$CF" 2>/dev/null && { kill -9 "$CF"; fail "index --follow on a corrupt store exits" "still running"; }
wait "$CF"; rc=$?
check "index --follow on a corrupt store: exit 1, store untouched" "1 $before" "$rc $(sha1sum <"$LOGDECK_DB")"
# The same damage done after a clean close (the stamp that lets a writer
# skip the check no longer matches the file).
fresh corrupt2
"$WR" -d "$D" -n a.log -s C -c 20000 -L 200 -o "$T/c2.rec"
"$LOGDECK" index "$D/a.log" >/dev/null 2>&1
check "a clean close leaves a check stamp" 1 "$(ls "$LOGDECK_DB"-checked 2>/dev/null | wc -l)"
"$LOGDECK" index "$D/a.log" >/dev/null 2>&1
check "a stamped store indexes (nothing new)" 20000 "$("$CK" --dump "$LOGDECK_DB" | wc -l)"
sz=$(stat -c %s "$LOGDECK_DB")
dd if=/dev/zero of="$LOGDECK_DB" bs=1024 seek=$((sz / 2048)) count=8 conv=notrunc 2>/dev/null
before=$(sha1sum <"$LOGDECK_DB")
"$LOGDECK" index "$D/a.log" >"$T/cx2.out" 2>&1; rc=$?
check "zeroed pages after a clean close: refused, untouched" "1 $before" "$rc $(sha1sum <"$LOGDECK_DB")"

# After kill -9 the stamp of the last checkpoint still describes the file:
# a restart skips the full check (cheap on big stores) and goes on.
# (Damage to pages the WAL still shadows is no corruption SQLite can see.)
# 2000 lines of 200 bytes: under the 512 KB a fresh follower reads first at
# a live file's end (tail-first), so the lines are stored in file order.
fresh crash9
"$WR" -d "$D" -n a.log -s K -c 2000 -L 200 -o "$T/k.rec"
start_idx "$D/a.log"
caught_up 60 "$LOGDECK_DB" "$T/k.rec" || fail "kill -9 stamp: precondition" "not caught up"
for _ in $(seq 300); do [ -s "$LOGDECK_DB-checked" ] && break; sleep 0.1; done
kill9_idx
check "a checkpoint left a stamp that survives kill -9" 1 "$(ls "$LOGDECK_DB"-checked 2>/dev/null | wc -l)"
"$WR" -d "$D" -n a.log -s K -S 2000 -c 100 -L 200 -o "$T/k.rec"
"$LOGDECK" index "$D/a.log" >"$T/k9.out" 2>&1; rc=$?
check "restart after kill -9: indexes the rest" "0 2100" "$rc $("$CK" --dump "$LOGDECK_DB" | wc -l)"
