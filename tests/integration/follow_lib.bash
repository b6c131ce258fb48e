# Helpers for the follow_*.sh rotation tests (sourced after tests/lib.sh).
# A writer (tests/tools/writer) appends numbered lines and records what it
# wrote; checkseq compares the store with the records.
WR=$BUILD_DIR/tests/tools/writer
CK=$BUILD_DIR/tests/tools/checkseq
IDX=

# start_idx ARGS...: logdeck index --follow in the background ($IDX), once
# it follows (it says so on stderr; on a loaded machine that may take a
# while, and lines written before would not be the test's business).
start_idx() {
  local n0 i
  n0=$(grep -c '^logdeck index: following' "$T/idx.err" 2>/dev/null)
  "$LOGDECK" index --follow --status-interval 1 "$@" 2>>"$T/idx.err" &
  IDX=$!
  for i in $(seq 1 100); do
    [ "$(grep -c '^logdeck index: following' "$T/idx.err")" -gt "${n0:-0}" ] && return 0
    kill -0 "$IDX" 2>/dev/null || return 0
    sleep 0.1
  done
}

# stop_idx: SIGTERM, and the exit status must be 0.
stop_idx() {
  [ -n "$IDX" ] || return 0
  kill -TERM "$IDX" 2>/dev/null
  wait "$IDX"; local rc=$?
  IDX=
  [ "$rc" = 0 ] || echo "indexer exited with $rc: $(tail -3 "$T/idx.err")" >>"$T/problems"
}

kill9_idx() {
  [ -n "$IDX" ] || return 0
  kill -KILL "$IDX" 2>/dev/null; wait "$IDX" 2>/dev/null; IDX=
}

# caught_up SECS [--no-loss] RECORD...: waits until checkseq passes.
caught_up() {
  local secs=$1; shift
  local end=$(( $(date +%s) + secs ))
  while [ "$(date +%s)" -lt "$end" ]; do
    "$CK" "$@" >/dev/null 2>&1 && return 0
    sleep 0.3
  done
  return 1
}

# estimated: checkseq's --estimated=N, N the lines the indexer's last
# status line estimates lost in copytruncate races it never saw ("~N more
# lines ... estimated"; kept apart from the store's count of lines lost).
estimated() {
  local n
  n=$(grep '^logdeck index: [0-9]' "$T/idx.err" | tail -1 | sed -n 's/.*, ~\([0-9]*\) more lines.*/\1/p')
  echo "--estimated=${n:-0}"
}

# caught_up_est SECS RECORD...: caught_up, with the estimate as it stands.
caught_up_est() {
  local end=$(( $(date +%s) + $1 )); shift
  while [ "$(date +%s)" -lt "$end" ]; do
    "$CK" "$(estimated)" "$LOGDECK_DB" "$@" >/dev/null 2>&1 && return 0
    sleep 0.3
  done
  return 1
}

# has_stored SECS "STREAM SEQ": waits until the line of that stream and
# number is in the store ($LOGDECK_DB); 1 on timeout. A writer's last line
# stored says the indexer has read to the end of what was written (where a
# test cannot say which lines are lost, and so cannot use caught_up).
has_stored() {
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    "$CK" --dump "$LOGDECK_DB" 2>/dev/null | cut -f3 | grep -q "^$2 " && return 0
    sleep 0.2
  done
  return 1
}

# verdict NAME [--no-loss] RECORD...: final check (after stop_idx).
verdict() {
  local name=$1; shift
  local db=$LOGDECK_DB
  if "$CK" "$@" >"$T/ck.out" 2>&1 && [ ! -s "$T/problems" ]; then
    pass "$name"
  else
    fail "$name" "$(grep -v '^ok' "$T/ck.out" | head -6 | tr '\n' ' ') $(cat "$T/problems" 2>/dev/null)"
  fi
  rm -f "$T/problems"
}

# fresh DIR: new log dir and store for a case.
fresh() {
  export LOGDECK_DB="$T/$1.db"
  D="$T/$1"; rm -rf "$D"; mkdir -p "$D"
  : >"$T/idx.err"
}
