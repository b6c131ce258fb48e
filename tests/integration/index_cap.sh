# One-shot `logdeck index` applies the store's size cap as the follower
# does (issue 13): the default cap (the smaller of 2 GiB and 10% of the free
# space of the store's file system) is said when the store is created; a
# store that outgrows its cap loses its oldest records (below warning
# first), said on stderr and in --json, counted by `store info`; the
# newest records and every error stay.
. tests/lib.sh
jget() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" | tr -d '"'; }
mkdir -p "$T/logs"
# 40,000 JSON lines of ~230 bytes (~9 MB) in time order, every 100th an error
awk 'BEGIN { for (i = 0; i < 40000; i++)
  printf "{\"timestamp\": \"2026-01-05T10:%02d:%02d.%06dZ\", \"level\": \"%s\", \"service\": \"api\", \"event\": \"line %d %0120d\"}\n",
    int(i / 2400) % 60, int(i / 40) % 60, (i % 40) * 1000, (i % 100 == 0) ? "error" : "info", i, 0 }' \
  >"$T/logs/app.jsonl"

# 1. No store.max_size: the default cap, said up front, not reached here
out=$("$LOGDECK" --db "$T/d.db" index --json "$T/logs" 2>"$T/d.err")
check "default cap: all indexed" "40000 0" "$(echo "$out" | jget records) $(echo "$out" | jget cap_dropped)"
said=$(grep -o 'size cap [0-9.]* [KMG]iB (default: the smaller of 2 GiB and 10% of the [0-9.]* [KMG]iB free)' "$T/d.err")
# the value said, against df's free space now (other writers move it a little)
shown=$(echo "$said" | awk '{ m = $4 == "GiB" ? 1073741824 : $4 == "MiB" ? 1048576 : 1024; printf "%.0f", $3 * m }')
avail=$(df -B1 --output=avail "$T" | tail -1)
want=$(awk -v a="$avail" 'BEGIN { c = a / 10; if (c > 2147483648) c = 2147483648; printf "%.0f", c }')
ok=$(awk -v s="${shown:-0}" -v w="$want" 'BEGIN { d = s - w; if (d < 0) d = -d; print (s > 0 && d <= w / 50) ? 1 : 0 }')
if [ -n "$said" ] && [ "$ok" = 1 ]; then pass "default cap said when the store is created ($said)"
else fail "default cap said" "said [$said] = $shown bytes, want ~$want: $(cat "$T/d.err")"; fi
check "store info names the default cap" 1 \
  "$("$LOGDECK" --db "$T/d.db" store info --json | grep -c '"size_cap":"[0-9.]* [KMG]iB (default: the smaller of 2 GiB and 10% of the ')"

# 2. A cap the store outgrows: the oldest records are dropped as it indexes
printf 'store:\n  max_size: 2MB\n' >"$T/cap.yaml"
out=$("$LOGDECK" --config "$T/cap.yaml" --db "$T/c.db" index --json "$T/logs" 2>"$T/c.err"); rc=$?
dropped=$(echo "$out" | jget cap_dropped)
kept=$("$LOGDECK" --db "$T/c.db" query --count '')
check "capped index: exit 0, every line read" "0 40000" "$rc $(echo "$out" | jget records)"
if [ "${dropped:-0}" -gt 0 ] && [ "$((kept + dropped))" = 40000 ] && [ "$kept" -gt 0 ]; then
  pass "capped index: $dropped oldest records dropped, $kept kept"
else fail "capped index drops the oldest" "dropped [$dropped] kept [$kept]"; fi
check "capped index: said on stderr" 1 \
  "$(grep -c "the store reached its size cap (2.0 MiB, store.max_size): dropped the $dropped oldest records" "$T/c.err")"
check "capped index: store info counts them" "$dropped" \
  "$("$LOGDECK" --config "$T/cap.yaml" --db "$T/c.db" store info --json | jget cap_dropped)"
check "capped index: every error kept" 400 "$("$LOGDECK" --db "$T/c.db" query --count 'level:error')"
check "capped index: the newest line kept" 1 \
  "$("$LOGDECK" --db "$T/c.db" query --limit 1 '' | grep -c 'line 39999 ')"
oldest=$("$LOGDECK" --db "$T/c.db" query --json --limit 1 --reverse 'level:info' 2>/dev/null | grep -o '"msg":"line [0-9]*' | grep -o '[0-9]*$')
if [ -n "$oldest" ] && [ "$oldest" -ge "$((40000 - kept))" ]; then pass "capped index: the oldest info records went first (oldest kept: line $oldest)"
else fail "capped index: oldest first" "oldest info kept: [$oldest], kept $kept"; fi
