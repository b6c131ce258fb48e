# Hostile and long queries: a query is at most 64 KB and 256 terms (an OR
# list of equalities on one field counts as one: it is one set lookup, as
# fast as one equality), with a clear exit-2 error beyond; a first
# argument that is not an option is the query ('-path:/health'); --limit
# is a checked number.
. tests/lib.sh
N=30000
awk -v n=$N 'BEGIN { for (i = 0; i < n; i++)
  printf "{\"timestamp\": \"2026-01-01T00:%02d:%02d.%06dZ\", \"level\": \"info\", \"service\": \"api\", \"path\": \"%s\", \"seq\": %d, \"event\": \"request %d\"}\n",
    int(i / 60000) % 60, int(i / 1000) % 60, i % 1000000, i % 3 ? "/api" : "/health", i, i }' > "$T/big.log"
"$LOGDECK" index "$T/big.log" >/dev/null 2>&1
check "indexed" $N "$("$LOGDECK" query --count '')"

# 900 equalities OR-ed on one JSON field: exact, and about as cheap as one.
Q=$(seq 0 899 | sed 's/^/seq:/' | paste -sd' ' | sed 's/ / OR /g')
cpu() { # CPU seconds (user+sys, ms) of logdeck query --count "$1"
  local s e
  s=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/self/stat 2>/dev/null)
  ( TIMEFORMAT='%3U %3S'; time "$LOGDECK" query --count "$1" >/dev/null ) 2>&1 | awk '{ printf "%d\n", ($1 + $2) * 1000 }'
}
check "900 OR-ed equalities: exact count" 900 "$("$LOGDECK" query --count "$Q")"
one=$(cpu 'seq:5') many=$(cpu "$Q")
echo "seq:5 ${one} ms CPU; seq:0 OR ... OR seq:899 ${many} ms CPU"
[ "$many" -le $(( one * 5 + 400 )) ] && pass "900 OR-ed equalities cost about one (${many} ms vs ${one} ms)" ||
  fail "900 OR-ed equalities cost about one" "${many} ms vs ${one} ms for one equality"
check "a set and another term in one OR" $((N / 3 + 1)) "$("$LOGDECK" query --count "seq:0 OR seq:1 OR path:/health")"
check "NOT of a set" $((N - 3)) "$("$LOGDECK" query --count "-(seq:7 OR seq:8 OR seq:9)")"
check "string equalities on one field" $N "$("$LOGDECK" query --count "path:/api OR path:/health OR path:/none")"
check "numbers and strings on one field stay apart" 2 "$("$LOGDECK" query --count 'seq:3 OR seq:4 OR seq:x')"

# Limits: exit 2 with a message, quickly, whatever the size.
terms=$(seq 0 299 | sed 's/^/f&:x/' | paste -sd' ')
check_rc "300 terms: exit 2" 2 "$LOGDECK" query --count "$terms"
check "300 terms: says the limit" 1 "$(grep -c 'the query has 300 terms; at most 256' "$T/.err")"
head -c 70000 /dev/zero | tr '\0' 'a' > "$T/q70k"
check_rc "70 KB query: exit 2" 2 "$LOGDECK" query --count "$(cat "$T/q70k")"
check "70 KB query: says the limit" 1 "$(grep -c 'the query is 70000 bytes; at most 65536' "$T/.err")"
words=$(yes w | head -5000 | paste -sd' ')
check_rc "5000 words: exit 2" 2 "$LOGDECK" query --count "$words"
check "5000 words: too many terms" 1 "$(grep -c 'too many terms at col' "$T/.err")"
s=$(date +%s%N)
head -c 1200000 /dev/zero | tr '\0' 'x' | sed 's/xxxxx/x OR /g' > "$T/q1m"
"$LOGDECK" query --count "$(head -c 60000 "$T/q1m")" >/dev/null 2>&1; rc=$?
check "60 KB of ORs: refused with exit 2" 2 "$rc"
ms=$(( ($(date +%s%N) - s) / 1000000 ))
[ "$ms" -lt 5000 ] && pass "60 KB of ORs refused quickly (${ms} ms)" || fail "60 KB of ORs refused quickly" "${ms} ms"

# '-path:/health' is a query, not options.
check "query '-path:/health'" $((N * 2 / 3)) "$("$LOGDECK" query --count '-path:/health')"
check "query -path:/health as the first argument" 3 \
  "$("$LOGDECK" query '-path:/health' 'seq<5' | wc -l)"
check_rc "stats '-path:/health'" 0 "$LOGDECK" stats '-path:/health'
check "options still work before it" 1 "$("$LOGDECK" query --json --limit 1 '-path:/health' | grep -c '"path": *"/api"')"
check_rc "an unknown long option is still an error" 2 "$LOGDECK" query --bogus x

# --limit: a checked number.
check "--limit 3" 3 "$("$LOGDECK" query --limit 3 '' | wc -l)"
for bad in 5x '' -1 99999999999 ' 7' 0x10; do
  check_rc "--limit '$bad': exit 2" 2 "$LOGDECK" query --limit "$bad" x
done
