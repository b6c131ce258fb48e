#!/bin/sh
# Runs every unit test binary (cmocka) and every integration script, then
# prints the closing line `N passed, N failed, N skipped`. Exit status 1 if
# any failed. Integration scripts print one `PASS: name`, `FAIL: name: why`
# or `SKIP: name: why` per case (see tests/lib.sh); skips are listed with
# their reasons. A script that ran no check at all (and skipped none) is a
# failure, and a failing script's stderr is shown. TESTS=pattern runs only
# matching files.
set -u
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export LOGDECK="${LOGDECK:-$ROOT/logdeck}" BUILD_DIR="$ROOT/$BUILD" ROOT
export CMOCKA_MESSAGE_OUTPUT=stdout
pass=0; fail=0; skip=0; failed_files=""; skipped=""
out=$(mktemp); err=$(mktemp); trap 'rm -f "$out" "$err"' EXIT
pat=${TESTS:-}

count() { # file label exit-status
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p; s/^PASS: .*/1/p' "$1" | awk '{s+=$1} END {print s+0}')
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p; s/^FAIL: .*/1/p' "$1" | awk '{s+=$1} END {print s+0}')
  s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p; s/^SKIP: .*/1/p' "$1" | awk '{s+=$1} END {print s+0}')
  pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1; fail=$((fail + 1)); echo "FAIL: $3 exited with status $2"
  elif [ $((p + f + s)) -eq 0 ]; then
    f=1; fail=$((fail + 1)); echo "FAIL: $3 ran no check at all"
  fi
  [ "$s" -ne 0 ] && skipped="$skipped$(sed -n "s/^SKIP: /SKIP: /p; s/^\[ *SKIPPED *\] \([a-z_].*\)/SKIP: $3: \1/p" "$1")
"
  if [ "$f" -ne 0 ]; then
    failed_files="$failed_files $3"
    if [ -s "$err" ]; then echo "--- $3: stderr (last 15 lines)"; tail -15 "$err"; echo "---"; fi
  fi
  return 0
}

for t in "$ROOT/$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  case "$t" in *"$pat"*) ;; *) continue ;; esac
  name=$(basename "$t")
  : >"$err"; timeout 300 "$t" >"$out" 2>&1; rc=$?   # cmocka's summary goes to stderr
  grep -E '^\[  (FAILED|  ERROR ) \]|^\[  FAILED  \]|^\[  ERROR   \]' "$out" | head -20
  count "$out" "$rc" "$name"
  printf '%-40s %s\n' "$name" "$(tail -1 "$out" | cut -c1-60)"
done

for t in "$ROOT"/tests/integration/*.sh; do
  [ -f "$t" ] || continue
  case "$t" in *"$pat"*) ;; *) continue ;; esac
  name=$(basename "$t")
  start=$(date +%s)
  (cd "$ROOT" && timeout 600 bash "$t") >"$out" 2>"$err"; rc=$?
  grep -E '^FAIL: ' "$out" | head -20
  [ "$rc" -ne 0 ] && tail -15 "$out"
  count "$out" "$rc" "$name"
  printf '%-40s %d passed %d failed %d skipped (%ds)\n' "$name" \
    "$(grep -c '^PASS: ' "$out")" "$(grep -c '^FAIL: ' "$out")" "$(grep -c '^SKIP: ' "$out")" \
    "$(( $(date +%s) - start ))"
done

[ -n "$skipped" ] && printf 'skipped:\n%s' "$skipped"
[ -n "$failed_files" ] && echo "failing:$failed_files"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
