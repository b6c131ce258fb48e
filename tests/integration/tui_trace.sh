# TUI trace view (`t`), 120x40 and 80x24, on tests/fixtures/trace: the
# header (span, count, services, status), the slowest step and the first
# error, the rows in time order with offsets, gaps, lanes, levels and
# durations, the waterfall bars, Enter/Esc, and a trace that grows live.
# Every expected value is computed here from the fixture files with awk.
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
. tests/fixtures/trace/trace_lib.sh
cp "$TFIX"/*.jsonl "$TFIX"/worker.log "$T/"
FILES="$T/api.jsonl $T/gateway.jsonl $T/musicgen.jsonl $T/worker.log"

# The trace T1 as the fixture says it is, oldest first.
grep -h "$T1" $FILES >/dev/null || { fail "fixture" "no $T1"; exit 0; }
fx_trace "$T1" $FILES >"$T/t1.tsv"
n=$(wc -l <"$T/t1.tsv")
svcs=$(cut -f3 "$T/t1.tsv" | sort -u | wc -l)
t0=$(head -1 "$T/t1.tsv" | cut -f1)
span=$(fx_offset "$(awk -F'\t' -v t0="$t0" 'END { print $1 - t0 }' "$T/t1.tsv")")
nerr=$(awk -F'\t' '$2 == "ERROR" || $2 == "CRITICAL"' "$T/t1.tsv" | wc -l)
header=" Trace $T1 · $n records · $svcs services · span $span · ERROR ($nerr errors)"

# Expected rows: "  i? offset gap lane level duration message" (120 columns).
awk -F'\t' -v t0="$t0" '
  function off(v) { return v < 1000 ? sprintf("+%.1f ms", v) : sprintf("+%.3f s", v / 1000) }
  function fms(v) { return v < 10 ? sprintf("%.1fms", v) : v < 1000 ? sprintf("%.0fms", v) : sprintf("%.2fs", v / 1000) }
  { ts[NR] = $1; lv[NR] = $2; ln[NR] = $3; du[NR] = $5; m = $8; sub(/^\[[^]]*\] /, "", m); msg[NR] = m
    if ($5 != "-" && $5 + 0 > best) { best = $5 + 0; slow = NR }
    if (!ferr && ($2 == "ERROR" || $2 == "CRITICAL")) ferr = NR }
  END {
    for (i = 1; i <= NR; i++) {
      b = lv[i] == "WARNING" ? "WARN " : lv[i] == "ERROR" ? "ERROR" : "INFO "
      mark = i == ferr ? "!" : i == slow ? "*" : " "
      line = sprintf("%3d%s %-10s %-10s %-12s %-5s %-8s %.34s", i, mark, off(ts[i] - t0),
                     i > 1 ? off(ts[i] - ts[i - 1]) : "", ln[i], b, du[i] == "-" ? "" : fms(du[i]), msg[i])
      sub(/ +$/, "", line); print line > "'"$T"'/rows120"
      line = sprintf("%3d%s %-9s %-9s %-9.9s %-5s %.18s", i, mark, off(ts[i] - t0),
                     i > 1 ? off(ts[i] - ts[i - 1]) : "", ln[i], b, msg[i])
      sub(/ +$/, "", line); print line > "'"$T"'/rows80"
    }
    printf " slowest: #%d %.1f ms %s at %s  %s\n", slow, best, ln[slow], off(ts[slow] - t0), msg[slow] > "'"$T"'/slowest"
    printf " first error: #%d %s at %s  %s\n", ferr, ln[ferr], off(ts[ferr] - t0), msg[ferr] > "'"$T"'/firsterr"
  }' "$T/t1.tsv"

# rows FIRST LAST WIDTH: screen rows FIRST..LAST cut to WIDTH columns, the
# trailing blanks dropped. Rows below the header are waited for as the
# header is (check_wait): the view may draw them in a later frame.
rows() { tui_screen | sed -n "$1,$2p" | cut -c1-"$3" | sed 's/ *$//'; }
lanes_of() { tui_screen | sed -n "4,$((3 + svcs))p" | awk '{ print $1 }' | tr '\n' ' '; }
axis_ok() {
  case "$(tui_line $hdr)" in "   # offset     gap        lane         level duration message"*"+0.0 ms"*"$span") return 0 ;; esac
  return 1
}
bar_of() { tui_line "$1" | cut -c91-; }
first_mark() { case "$(bar_of $((hdr + 1)))" in "●"*) return 0 ;; esac; return 1; }
err_colour() { tmux -L "$TS" capture-pane -p -e | sed -n "$((hdr + 7))p" | grep -q $'\e\\[[0-9;]*31[m;]'; }

tui_start 120 40 $FILES
check_screen "startup" " FOLLOW " 15
tui_keys / "cid:${T1%%-*}*" Enter
check_screen "log filtered to the trace" "│ $n of " 20   # the count job, late on a loaded machine
tui_keys t
check_line "header: span, count, services, status" 1 "$header" 15
check_line "slowest step called out" 2 "$(cat "$T/slowest")"
check_line "first error called out" 3 "$(cat "$T/firsterr")"
# lanes: one row per service in order of first appearance
lanes=$(cut -f3 "$T/t1.tsv" | awk '!seen[$0]++' | tr '\n' ' ')
check_wait "one lane per service, in order" "$lanes" 10 lanes_of
hdr=$((4 + svcs))
if tui_wait 10 axis_ok; then pass "axis: 0 .. span"; else fail "axis: 0 .. span" "[$(tui_line $hdr)]"; fi
check_wait "waterfall rows in time order, exact" "$(cat "$T/rows120")" 10 rows $((hdr + 1)) $((hdr + n)) 89
# the slowest bar (2130 ms ending at the last record) fills the whole axis
bar=$(printf '█%.0s' $(seq 30))
check_wait "slowest bar spans the axis" "$bar" 10 bar_of $((hdr + n))
if tui_wait 10 first_mark; then pass "first record: a mark at 0"
else fail "first record: a mark at 0" "[$(tui_line $((hdr + 1)))]"; fi
# errors in the error role: red (31) somewhere on the first error's row
if tui_wait 10 err_colour; then
  pass "error rows in the error colour"
else fail "error rows in the error colour" "$(tmux -L "$TS" capture-pane -p -e | sed -n "$((hdr + 7))p" | cat -v)"; fi

# Enter: the detail pane of the selected step (the last one, selected by t)
tui_keys g j j j j j j
tui_keys Enter
check_screen "Enter opens the detail of step 7" " cid         $T1"
check_screen "detail: the traceback whole" "ConnectionError: storage unavailable"
tui_keys Escape
check_line "Esc closes the detail, the trace stays" 1 "$header"
tui_keys Escape
no_trace() { ! tui_screen | grep -q "^ Trace "; }
if tui_wait 10 no_trace; then pass "Esc returns to the log view"; else fail "Esc returns to the log view" "trace still shown"; fi
check_line "log view as it was: its first row" 1 \
  "2024-05-01 10:30:00.000 INFO  gateway        Request received"

# A trace in progress grows live.
tui_keys / C-u "cid:${T2%%-*}*" Enter
n2=$(fx_trace "$T2" $FILES | wc -l)
check_screen "second trace filtered" "│ $n2 of " 15
tui_keys t
span2=$(fx_offset "$(fx_trace "$T2" $FILES | awk -F'\t' 'NR == 1 { t0 = $1 } END { print $1 - t0 }')")
check_line "second trace: $n2 records, status OK" 1 " Trace $T2 · $n2 records · 2 services · span $span2 · OK"
printf '{"timestamp": "2024-05-01T10:45:01.250Z", "level": "warning", "event": "Voice cache stale", "service": "voices", "request_id": "%s"}\n' "$T2" >>"$T/api.jsonl"
check_screen "live: the new record appears" " · $((n2 + 1)) records · 3 services · " 15
check_screen "live: its warning changes the status" "WARN (1 warning)"
tui_keys q
if tui_wait 10 no_trace; then pass "q goes back to the log view"; else fail "q goes back to the log view" "trace still shown"; fi
tui_keys : "trace $T1" Enter
check_line ":trace CID opens that trace" 1 "$header" 15
tui_keys : "trace no-such-cid-42" Enter
check_screen ":trace with an unknown cid says so" "no-such-cid-42"
tui_keys q q
check_screen "q from the log view exits 0" "EXIT=0"

# 80x24: the compact layout.
tui_start 80 24 $FILES
check_screen "80x24 startup" " FOLLOW " 15
tui_keys / "cid:${T1%%-*}*" Enter
check_screen "80x24 filtered" "│ $n of " 20
tui_keys t
check_line "80x24 header" 1 " Trace ${T1%%-*}… · $n records · $svcs services · span $span · ERROR ($nerr errors)"
check_wait "80x24 rows exact" "$(cat "$T/rows80")" 10 rows $((hdr + 1)) $((hdr + n)) 59
check_line "80x24 slowest bar" $((hdr + n)) "$(sed -n "${n}p" "$T/rows80" | awk '{ printf "%-60s", $0 }')$(printf '█%.0s' $(seq 20))"
tui_keys q q
check_screen "80x24 q, q exits 0" "EXIT=0"
