#!/bin/sh
# Layout benchmark (issue 16): ingest per byte of a log whose layout is
# learned (log4j-style text with stack traces) vs the JSON path, on the
# same events cut at the same number of bytes (tests/bench/layoutgen.c),
# and the Python text format of the same lines for reference. Two text
# variants: plain, and with each line's request id as "[<uuid>]" in the
# text (the store then full-text indexes the id's pieces too). Measures:
# parse only (tests/bench/parsebench, user CPU seconds, best of 5) and
# `logdeck index` end to end into a fresh store (user CPU seconds, best of
# 3): wall time on a shared machine measures the neighbours. Figures, not
# a pass/fail test.
# Env: BUILD (default build), LAYOUT_MB (default 100).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$ROOT/${BUILD:-build}/tests/bench
LD=${LOGDECK:-$ROOT/logdeck}
MB=${LAYOUT_MB:-100}
T=$(mktemp -d "${TMPDIR:-/tmp}/logdeck-bench-layout.XXXXXX")
trap 'rm -rf "$T"' EXIT
export TZ=UTC HOME="$T" LOGDECK_DB="$T/db"

"$B/layoutgen" $((MB * 1000000)) "$T/layout.log" "$T/app.jsonl" >/dev/null || exit 1
"$B/layoutgen" $((MB * 1000000)) "$T/layout_ids.log" "$T/unused.jsonl" ids >/dev/null || exit 1
rm -f "$T/unused.jsonl"
# the same lines in Python's format: the text path that existed before layouts
for v in layout layout_ids; do
  sed -E 's/^([0-9-]+ [0-9:,]+) ([A-Z]+) +\[[^]]*\] ([^ ]+) - (.*)$/\1 - \3 - \2 - \4/' \
    "$T/$v.log" >"$T/python${v#layout}.log"
done

best() { sort -g | head -1; }
parse_s() {
  for i in 1 2 3 4 5; do
    /usr/bin/time -f "%U" -o "$T/u" "$B/parsebench" "$1" >/dev/null && cat "$T/u"
  done | best
}
index_s() {
  for i in 1 2 3; do
    rm -f "$T"/db*
    /usr/bin/time -f "%U" -o "$T/u" "$LD" index --json "$1" >"$T/out" && cat "$T/u"
  done | best
}
mbs() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? b / 1e6 / s : 0) }'; }

printf "%-18s %8s %9s %14s %14s\n" file MB records "parse MB/cpu-s" "index MB/cpu-s"
for f in app.jsonl layout.log python.log layout_ids.log python_ids.log; do
  bytes=$(wc -c <"$T/$f")
  ps=$(parse_s "$T/$f"); is=$(index_s "$T/$f")
  rec=$(sed 's/^{"records":\([0-9]*\).*/\1/' "$T/out")
  printf "%-18s %8.1f %9s %14s %14s\n" "$f" "$(mbs "$bytes" 1)" "$rec" "$(mbs "$bytes" "$ps")" "$(mbs "$bytes" "$is")"
  echo "$f $(mbs "$bytes" "$ps") $(mbs "$bytes" "$is")" >>"$T/r"
done
awk '{ p[$1] = $2; x[$1] = $3 } END {
  printf "layout/json per byte: parse %.2fx, index %.2fx; with ids in the text: parse %.2fx, index %.2fx\n",
         p["layout.log"] / p["app.jsonl"], x["layout.log"] / x["app.jsonl"],
         p["layout_ids.log"] / p["app.jsonl"], x["layout_ids.log"] / x["app.jsonl"]
  printf "layout/python text per byte: index %.2fx (plain), %.2fx (with ids)\n",
         x["layout.log"] / x["python.log"], x["layout_ids.log"] / x["python_ids.log"] }' "$T/r"
