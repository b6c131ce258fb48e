# TUI metrics view (`m`), 120x40 and 80x24, on tests/fixtures/trace: the
# range (the last hour of the data: the fixture is old), totals, the
# histogram's scale and time axis, requests per service and per path
# (count, error rate, nearest-rank p50/p95/p99), sorting, status classes,
# slow-request tiers, the top error templates, the metric summary, and
# Enter on a template filtering the log view to exactly its records.
# Every expected number is computed here from the fixture files with awk.
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
. tests/fixtures/trace/trace_lib.sh
export LC_ALL=C
cp "$TFIX"/*.jsonl "$TFIX"/worker.log "$T/"
FILES="$T/api.jsonl $T/gateway.jsonl $T/musicgen.jsonl $T/worker.log"
TAB=$(printf '\t')

# The window: the hour ending at the end of the newest record's minute.
fx_records $FILES >"$T/all.tsv"
total=$(wc -l <"$T/all.tsv")
last=$(cut -f1 "$T/all.tsv" | sort -g | tail -1)
until=$(awk -v l="$last" 'BEGIN { printf "%d", (int(l / 60000) + 1) * 60000 }')
since=$((until - 3600000))
awk -F'\t' -v s="$since" -v u="$until" '$1 >= s && $1 < u' "$T/all.tsv" >"$T/win.tsv"
n=$(wc -l <"$T/win.tsv")
nerr=$(awk -F'\t' '$2 == "ERROR" || $2 == "CRITICAL"' "$T/win.tsv" | wc -l)
hm() { awk -v v="$1" 'BEGIN { printf "%02d:%02d", int(v / 3600000), int(v % 3600000 / 60000) }'; }
rate=$(awk -v e="$nerr" -v n="$n" 'BEGIN { printf "%.1f", e * 100 / n }')
title=" Metrics · last 1h · 2024-05-01 $(hm $since) → $(hm $until) · live · $n records · $nerr errors ($rate%)"

# group_rows COLUMN NAMEW: "  key count err% p50 p95 p99" sorted by count, then
# key; the "-" group (records without the field) last.
group_rows() {
  col=$1; w=$2
  cut -f"$col" "$T/win.tsv" | sort -u | while IFS= read -r k; do
    awk -F'\t' -v c="$col" -v k="$k" '$c == k' "$T/win.tsv" >"$T/g.tsv"
    cnt=$(wc -l <"$T/g.tsv")
    e=$(awk -F'\t' '$2 == "ERROR" || $2 == "CRITICAL"' "$T/g.tsv" | wc -l)
    awk -F'\t' '$5 != "-" { print $5 }' "$T/g.tsv" >"$T/d"
    if [ -s "$T/d" ]; then
      p50=$(fx_fmt_ms "$(fx_pct 50 <"$T/d")"); p95=$(fx_fmt_ms "$(fx_pct 95 <"$T/d")")
      p99=$(fx_fmt_ms "$(fx_pct 99 <"$T/d")")
    else p50=-; p95=-; p99=-; fi
    err=$(awk -v e="$e" -v n="$cnt" 'BEGIN { printf "%.1f%%", e * 100 / n }')
    printf '%d\t%s\t%d\t%s\n' "$([ "$k" = - ] && echo 1 || echo 0)" "$k" "$cnt" "$(printf "  %-${w}s%7s %6s %7s %7s %7s" "$k" "$cnt" "$err" "$p50" "$p95" "$p99")"
  done | sort -t"$TAB" -k1,1n -k3,3nr -k2,2 | cut -f4
}
# services as logdeck groups them: service, else logger, else the file's stem
group_rows 3 40 >"$T/svc120"
group_rows 6 40 >"$T/path120"
group_rows 3 27 >"$T/svc80"
nsvc=$(wc -l <"$T/svc120"); npath=$(wc -l <"$T/path120")

status=$(awk -F'\t' '$7 != "-" { c[int($7 / 100)]++ } END {
  printf "Status  2xx %d  3xx %d  4xx %d  5xx %d  other %d", c[2], c[3], c[4], c[5], c[0] + c[1] }' "$T/win.tsv")
tiers=$(awk -F'\t' '$5 != "-" { v = $5 + 0; t = v < 100 ? 1 : v < 1000 ? 2 : v < 5000 ? 3 : 4; c[t]++; n++ } END {
  split("fast normal slow,very slow", nm, " "); nm[3] = "slow"; nm[4] = "very slow"
  s = "Tiers "; for (i = 1; i <= 4; i++) s = s sprintf(" %s %d (%.1f%%) ", nm[i], c[i], c[i] * 100 / n)
  print s " (<100ms <1s <5s >=5s)" }' "$T/win.tsv")
# error templates: numbers -> <num>, uuids -> <uuid>; count desc, then text
awk -F'\t' '$2 == "ERROR" || $2 == "CRITICAL" { m = $8
  gsub(/[0-9a-f]+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+/, "<uuid>", m); gsub(/[0-9]+(\.[0-9]+)?/, "<num>", m)
  gsub(/<uuid>/, "<uuid>", m); t = $1
  if (!(m in c)) { f[m] = t; l[m] = t } c[m]++; if (t < f[m]) f[m] = t; if (t > l[m]) l[m] = t }
  function clk(v) { return sprintf("%02d:%02d:%02d", int(v / 3600000), int(v % 3600000 / 60000), int(v % 60000 / 1000)) }
  END { for (m in c) printf "%d\t%s\t%s\n", c[m], m, sprintf("  %6d  %-11s  %-11s  %s", c[m], clk(f[m]), clk(l[m]), m) }' "$T/win.tsv" |
  sort -t"$TAB" -k1,1nr -k2,2 >"$T/tmpl.tsv"
# the queue_length metric (gateway metric records in the window)
qrow=$(grep -h '"queue_length"' "$T/gateway.jsonl" | awk -v s="$since" -v u="$until" '{
  match($0, /T[0-9:.]+Z/); split(substr($0, RSTART + 1, 12), c, ":"); t = c[1] * 3600000 + c[2] * 60000 + c[3] * 1000
  match($0, /"value": [0-9.]+/); v = substr($0, RSTART + 9, RLENGTH - 9) + 0
  if (t < s || t >= u) next; if (!n || v < mn) mn = v; if (!n || v > mx) mx = v; sum += v; n++; if (t >= lt) { lt = t; last = v } }
  END { printf "  %-32s%10.6g %10.6g %10.6g %10.6g", "queue_length", last, mn, mx, sum / n }')
# the histogram's scale: the busiest minute
hmax=$(awk -F'\t' '{ c[int($1 / 60000)]++ } END { for (k in c) if (c[k] > m) m = c[k]; printf "%4d", m }' "$T/win.tsv")

# rows FIRST LAST [WIDTH]: screen rows FIRST..LAST (cut to WIDTH columns).
# The view draws its parts as they arrive: a check of rows below the
# title waits for them (check_wait), as the title's check does.
rows() { tui_screen | sed -n "$1,$2p" | cut -c1-"${3:-1000}"; }
hist_scale() { case "$(tui_line 2)" in "$hmax │"*) return 0 ;; esac; return 1; }
sparkline() { case "$(tui_line 13 | cut -c84-)" in *[▁▂▃▄▅▆▇█]*) return 0 ;; esac; return 1; }

tui_start 120 40 $FILES
check_screen "startup" " FOLLOW " 15
tui_keys m
check_line "title: range, totals, error rate" 1 "$title" 15
if tui_wait 10 hist_scale; then pass "histogram scale: the busiest minute"
else fail "histogram scale: the busiest minute" "[$(tui_line 2)] want [$hmax │]"; fi
check_line "histogram time axis (and the keys)" 10 \
  "     └10:00     10:10     10:20     10:30     10:40     10:50           +/- range · [ ] move · Tab section · < > r sort"
check_line "services table header" 12 \
  "  service                                  count▼   err%     p50     p95     p99   last 20m"
check_wait "requests per service: counts, error rates, percentiles" "$(cat "$T/svc120")" 10 \
  rows 13 $((12 + nsvc)) 80
py=$((12 + nsvc + 4))
check_wait "requests per path" "$(cat "$T/path120")" 10 rows "$py" $((py + npath - 1)) 80
sy=$((py + npath + 1))
check_line "status classes" $sy "$status"
check_line "slow-request tiers" $((sy + 1)) "$tiers"
check_line "templates header" $((sy + 4)) "   count  first        last         template"
check_wait "top error templates: counts, first/last seen" "$(cut -f3 "$T/tmpl.tsv" | head -6)" 10 \
  rows $((sy + 5)) $((sy + 10))
# sparklines: api has a record in each of the last 20 minutes
if tui_wait 10 sparkline; then pass "service sparkline drawn"
else fail "service sparkline drawn" "[$(tui_line 13)]"; fi

# Sorting: > moves to err%, largest first.
tui_keys '>'
want=$(awk '{ r = $(NF - 3); sub("%", "", r); printf "%s\t%d\t%s\n", r, $(NF - 4), $0 }' "$T/svc120" |
  sort -t"$TAB" -k1,1gr -k2,2nr | head -1 | cut -f3)
check_wait "sorted by err%, largest first" "$want" 10 rows 13 13 80
check_screen "err% marked as the sort column" "  err%▼  "
tui_keys '<'

# The metric summary (Tab to the metrics section shows it).
tui_keys Tab Tab Tab
check_screen "metric summary: last min max avg" "$qrow"

# Enter on a template: the log view shows exactly its records.
tui_keys BTab j
tmpl=$(sed -n 2p "$T/tmpl.tsv" | cut -f2)
tn=$(sed -n 2p "$T/tmpl.tsv" | cut -f1)
check_screen "second template selected" "$tmpl"
tui_keys Enter
check_screen "Enter: the log view filtered to the template" "│ $tn of $total" 15
# the count and the rows come apart: wait for the rows too
listed() { tui_screen | grep -c "^2024-.*failed: voice model missing"; }
check_wait "exactly the template's records listed" "$tn" 10 listed
check_line "only those: the next row is empty" $((tn + 1)) ""
tui_keys q
check_screen "q exits 0" "EXIT=0"

# 80x24.
tui_start 80 24 $FILES
check_screen "80x24 startup" " FOLLOW " 15
tui_keys m
check_line "80x24 title" 1 \
  " Metrics · 1h · 05-01 $(hm $since)→$(hm $until) · live · $n records · $nerr errors ($rate%)" 15
check_line "80x24 axis" 6 "     └10:00     10:10     10:20     10:30     10:40     10:50"
check_wait "80x24 services" "$(cat "$T/svc80")" 10 rows 9 $((8 + nsvc)) 67
tui_keys q
check_screen "80x24 q: back to the log view" " FOLLOW " 15
tui_keys q
check_screen "80x24 q exits 0" "EXIT=0"

# m at once on a start, before the store's totals have told the newest
# record's time: the view goes to the data's last hour when they arrive
# (it stayed on an empty hour ending now, 2 runs of 3, until a record came).
tui_start 80 24 $FILES
tui_keys m
check_line "m at once: the data's last hour" 1 \
  " Metrics · 1h · 05-01 $(hm $since)→$(hm $until) · live · $n records · $nerr errors ($rate%)" 15
tui_keys q q
check_screen "m at once: q q exits 0" "EXIT=0"
