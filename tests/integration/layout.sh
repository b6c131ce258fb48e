# Layouts of timestamped text logs (issue 16): `index --explain-format`
# (exact output), the per-file lines of the index summary, a layout named
# in the config (regex with named groups, ts_format, timezone), config
# errors with line:column, and years of year-less times from the mtime.
. tests/lib.sh
FX=tests/fixtures/layouts

# --- --explain-format: exact output, no store opened --------------------------
cp "$FX/iso/hadoop_log4j.log" "$T/hadoop.log"
$LOGDECK index --explain-format "$T/hadoop.log" >"$T/ex.out" 2>"$T/ex.err"; rc=$?
cat >"$T/ex.want" <<EOT
file: $T/hadoop.log
format: layout (time at field 1 as 'yyyy-MM-ddTHH:mm:ss[.SSS]Z', level word at token 1 after the time)
layout 1: time at field 1 as 'yyyy-MM-ddTHH:mm:ss[.SSS]Z', level word at token 1 after the time; fitted 36 lines
lines: 57 non-blank; 36 start a record (63.2%), layout 36
  21 joined to the record before (continuation lines, stack traces), 0 alone and unparsed
records: 36; with a time of their own 36 (100.0%), with a level 36 (100.0%)
time range: 2015-10-18T18:01:50.285000Z .. 2015-10-18T18:04:13.060000Z
lines that fitted nothing (first 5; joined to the record before them, or stored alone):
  3: java.io.IOException: Connection reset by peer
  7: Caused by: java.net.SocketException: Broken pipe
  22: java.io.IOException: Connection reset by peer
  26: Caused by: java.net.SocketException: Broken pipe
  41: java.io.IOException: Connection reset by peer
EOT
check "explain exit 0" 0 "$rc"
check "explain output" "$(cat "$T/ex.want")" "$(cat "$T/ex.out")"
check "explain opened no store" "no" "$([ -e "$LOGDECK_DB" ] && echo yes || echo no)"

# epoch column (BGL): the epoch, leftmost, wins over the local dash-dot time
$LOGDECK index --explain-format "$FX/epoch/bgl.log" >"$T/ex2.out" 2>&1
check "explain epoch layout" \
  "format: layout (time at field 2 as 'epoch', level word at token 7 after the time)" \
  "$(sed -n 2p "$T/ex2.out")"
check "explain epoch levels" "records: 40; with a time of their own 40 (100.0%), with a level 40 (100.0%)" \
  "$(grep '^records:' "$T/ex2.out")"
check_rc "explain missing file exit 1" 1 $LOGDECK index --explain-format "$T/nope.log"

# --- the index summary names each file's layout and its share -------------------
out=$($LOGDECK index "$T/hadoop.log" 2>&1)
check "index per-file line" \
  "    $T/hadoop.log: layout (time at field 1 as 'yyyy-MM-ddTHH:mm:ss[.SSS]Z', level word at token 1 after the time); 36 of 57 lines start a record (63.2%), 21 joined, 0 unparsed" \
  "$(echo "$out" | grep "hadoop.log:")"
# the 3 error records each took their 7 stack-trace lines (21 joined above)
check "records and errors" "36 3" "$($LOGDECK query --count '*') $($LOGDECK query --count 'level:error')"

# --- a layout named in the config ----------------------------------------------
cat >"$T/app.log" <<'EOT'
web1 <warn> 02.01.2024 03:04:05|disk 91% full
  on /var
web2 <ERR> 02.01.2024 03:04:06|write failed
not this layout at all
EOT
cat >"$T/cfg.yaml" <<EOT
sources:
  - path: $T/app.log
    layout:
      regex: '^(?<host>\S+) <(?<level>\w+)> (?<ts>[^|]+)\|(?<msg>.*)$'
      ts_format: 'dd.MM.yyyy HH:mm:ss'
    timezone: '+02:00'
EOT
rm -f "$LOGDECK_DB"*
check_rc "config layout index" 0 $LOGDECK --config "$T/cfg.yaml" index
got=$($LOGDECK query --json 'file:*app.log' | sed -n 's/.*"ts":"\([^"]*\)","level":"\([a-z]*\)".*"msg":"\([^"]*\)","fields":\({[^}]*}\).*/\1 \2 \3 \4/p')
check "config layout records" "2024-01-02T01:04:06.000000Z error write failed {\"host\":\"web2\"}
2024-01-02T01:04:05.000000Z warning disk 91% full {\"host\":\"web1\"}" "$got"
$LOGDECK --config "$T/cfg.yaml" index --explain-format "$T/app.log" >"$T/ex3.out" 2>&1
check "explain config layout" "config layout: regex, time as 'dd.MM.yyyy HH:mm:ss'; fitted 2 lines" "$(sed -n 3p "$T/ex3.out")"
check "explain config misfit" "  4: not this layout at all" "$(tail -1 "$T/ex3.out")"

# config errors point at line:column
bad() {
  printf 'sources:\n  - path: /x.log\n    %s\n' "$1" >"$T/bad.yaml"
  $LOGDECK --config "$T/bad.yaml" index >/dev/null 2>"$T/bad.err"; echo "$? $(cat "$T/bad.err")"
}
check "bad regex" "2 logdeck index: $T/bad.yaml:3:34: bad layout regex: only (...) and (?<name>...) groups are supported" \
  "$(bad "layout: {regex: '^(?<ts>\\S+) (?x)'}")"
check "regex without ts" "2 logdeck index: $T/bad.yaml:3:21: the layout regex needs a (?<ts>...) group for the time" \
  "$(bad "layout: {regex: '^(?<t>\\S+)'}")"
check "bad ts_format" "2 logdeck index: $T/bad.yaml:3:46: bad ts_format: unknown pattern letters (put literal text in '...')" \
  "$(bad "layout: {ts_format: 'yyyy-MM-dd HH:mm:ss Q'}")"
check "bad timezone" "2 logdeck index: $T/bad.yaml:3:15: 'Mars/Base' is not a timezone (UTC, local, or an offset such as +02:00 or -0700)" \
  "$(bad "timezone: Mars/Base")"

# --- year-less times take their year from the file's mtime ------------------------
cp "$FX/syslog/sshd_auth.log" "$T/auth.log"
touch -d '2016-01-05 00:00:00 UTC' "$T/auth.log"
rm -f "$LOGDECK_DB"*
$LOGDECK index "$T/auth.log" >/dev/null 2>&1
check "syslog years from mtime" "2015-12-30 2016-01-01" \
  "$($LOGDECK query --json 'file:*auth.log' | sed -n 's/.*"ts":"\([0-9-]*\)T.*/\1/p' | sort | sed -n '1p;$p' | tr '\n' ' ' | sed 's/ $//')"
