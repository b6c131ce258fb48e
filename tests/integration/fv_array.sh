# fv_array.sh: a field holding an array is equal to each of its elements,
# as for any other field value (`tags:a` finds {"tags": ["a", "b"]}):
# strings, numbers, nested arrays, objects in arrays (items.sku), through
# the field tokens and through the row-by-row check alike (a glob the
# tokens cannot answer, a value longer than a token, an OR set of values),
# and the field catalogue counts such a field once per record. Every count
# is counted by hand from the four lines below.
. tests/lib.sh

X=$(printf 'x%.0s' $(seq 1 70))   # longer than a token's value (FV_VALUE_MAX)
cat >"$T/arr.jsonl" <<EOF
{"timestamp": "2024-03-01T10:00:00Z", "level": "info", "event": "e1", "tags": ["a", "b"], "codes": [200, 404], "items": [{"sku": "X1"}, {"sku": "X2"}]}
{"timestamp": "2024-03-01T10:00:01Z", "level": "info", "event": "e2", "tags": ["b", "c"], "codes": [500], "items": [{"sku": "X2"}]}
{"timestamp": "2024-03-01T10:00:02Z", "level": "info", "event": "e3", "tags": "a", "codes": 404}
{"timestamp": "2024-03-01T10:00:03Z", "level": "info", "event": "e4", "tags": [], "nested": [["a", "d"], ["e"]], "long": ["$X-end", "short"]}
EOF
if ! "$LOGDECK" index "$T/arr.jsonl" >"$T/index.out" 2>&1; then
  fail "index" "$(head -c 300 "$T/index.out")"; exit 0
fi
q() { "$LOGDECK" query "$@" 2>&1; }
ev() { q --json "$1" | sed -n 's/.*"msg":"\(e[0-9]\)".*/\1/p' | sort | tr '\n' ' '; }

check "string element, and a scalar (e1 e3)" "e1 e3 " "$(ev tags:a)"
check "string element (e1 e2)" "e1 e2 " "$(ev tags:b)"
check "count = page" 2 "$(q --count tags:b)"
check "an element of one record" 1 "$(q --count tags:c)"
check "no such element" 0 "$(q --count tags:d)"
check "number element, and a scalar" "e1 e3 " "$(ev codes:404)"
check "quoted number element" 2 "$(q --count 'codes:"404"')"
check "objects in an array (items.sku)" "e1 e2 " "$(ev items.sku:X2)"
check "nested arrays" "e4 " "$(ev nested:e)"
check "glob with a prefix (tokens)" "e1 e2 " "$(ev 'tags:b*')"
check "glob without a prefix (row by row)" "e1 e2 " "$(ev 'tags:*b')"
check "OR of values (one set, row by row)" "e1 e2 e3 " "$(ev 'tags:a OR tags:c')"
check "NOT an element" "e2 e4 " "$(ev 'event:* -tags:a')"
check "long element (cut token, row by row)" "e4 " "$(ev "long:$X-end")"
check "long element, other end" 0 "$(q --count "long:$X-END")"
check "the other element of that array" 1 "$(q --count long:short)"
check "AND two elements of one array" "e1 " "$(ev 'tags:a tags:b')"
"$LOGDECK" fields >"$T/fields.out" 2>&1
check "catalogue: tags in 3 records (not 5 values)" 1 "$(grep -c '^tags	3	0$' "$T/fields.out")"
check "catalogue: codes numeric in 3 records" 1 "$(grep -c '^codes	3	3$' "$T/fields.out")"
check "catalogue: items.sku in 2 records" 1 "$(grep -c '^items.sku	2	0$' "$T/fields.out")"
