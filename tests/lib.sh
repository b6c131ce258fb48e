# Shared helpers for integration scripts (bash). Source it; each check
# prints `PASS: name` or `FAIL: name: why`, which tests/run.sh counts.
# A scratch directory $T is created and removed on exit.
set -u
LOGDECK=${LOGDECK:-$PWD/logdeck}
BUILD_DIR=${BUILD_DIR:-$PWD/build}
T=$(mktemp -d /tmp/logdeck-test.XXXXXX)
export LOGDECK_DB="$T/store.db" HOME="$T/home" TZ=UTC
mkdir -p "$HOME"
_cleanup() { [ -n "${KEEP:-}" ] || rm -rf "$T"; }
trap _cleanup EXIT

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
# check NAME EXPECTED ACTUAL
check() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected [$2] got [$3]"; fi
}
# check_rc NAME EXPECTED_RC command...
check_rc() {
  n=$1; want=$2; shift 2
  "$@" >"$T/.out" 2>"$T/.err"; got=$?
  if [ "$got" = "$want" ]; then pass "$n"; else
    fail "$n" "exit $got, wanted $want: $(head -c 300 "$T/.err")"; fi
}
# need CMD PACKAGE [WHAT]: 0 if CMD is installed; else prints
# `SKIP: WHAT: CMD is not installed (apt-get install PACKAGE)` and returns 1.
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "SKIP: ${3:-$(basename "$0" .sh)}: $1 is not installed (apt-get install $2)"
  return 1
}
