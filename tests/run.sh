#!/bin/sh
# Runs every unit test binary (cmocka) and every integration script, then
# prints the closing line `N passed, N failed`. Exit status 1 if any failed.
# Integration scripts print one `PASS: name` or `FAIL: name: why` per case
# (see tests/lib.sh). TESTS=pattern runs only matching files.
set -u
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export LOGDECK="${LOGDECK:-$ROOT/logdeck}" BUILD_DIR="$ROOT/$BUILD" ROOT
export CMOCKA_MESSAGE_OUTPUT=stdout
pass=0; fail=0; failed_files=""
out=$(mktemp); trap 'rm -f "$out"' EXIT
pat=${TESTS:-}

count() { # file label
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p; s/^PASS: .*/1/p' "$1" | awk '{s+=$1} END {print s+0}')
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p; s/^FAIL: .*/1/p' "$1" | awk '{s+=$1} END {print s+0}')
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
    fail=$((fail + 1)); echo "FAIL: $3 exited with status $2"
  fi
  [ "$f" -ne 0 ] || [ "$2" -ne 0 ] && failed_files="$failed_files $3"
  return 0
}

for t in "$ROOT/$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  case "$t" in *"$pat"*) ;; *) continue ;; esac
  name=$(basename "$t")
  timeout 300 "$t" >"$out" 2>&1; rc=$?
  grep -E '^\[  (FAILED|  ERROR ) \]|^\[  FAILED  \]|^\[  ERROR   \]' "$out" | head -20
  count "$out" "$rc" "$name"
  printf '%-40s %s\n' "$name" "$(tail -1 "$out" | cut -c1-60)"
done

for t in "$ROOT"/tests/integration/*.sh; do
  [ -f "$t" ] || continue
  case "$t" in *"$pat"*) ;; *) continue ;; esac
  name=$(basename "$t")
  start=$(date +%s)
  (cd "$ROOT" && timeout 600 bash "$t") >"$out" 2>&1; rc=$?
  grep -E '^FAIL: ' "$out" | head -20
  [ "$rc" -ne 0 ] && tail -15 "$out"
  count "$out" "$rc" "$name"
  printf '%-40s %d passed %d failed (%ds)\n' "$name" \
    "$(grep -c '^PASS: ' "$out")" "$(grep -c '^FAIL: ' "$out")" "$(( $(date +%s) - start ))"
done

[ -n "$failed_files" ] && echo "failing:$failed_files"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
