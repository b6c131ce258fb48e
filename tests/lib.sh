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
# check_wait NAME EXPECTED SECONDS command...: check, with ACTUAL the
# command's output, polled every 0.1 s until it equals EXPECTED or SECONDS
# have passed: for state written asynchronously (a follower's commits, an
# alert delivery's outcome, a TUI frame). The last output read is shown.
check_wait() {
  local name=$1 want=$2 secs=$3 got end; shift 3
  end=$(( $(date +%s%N) + secs * 1000000000 ))
  while :; do
    got=$("$@" 2>/dev/null)
    [ "$got" = "$want" ] && break
    [ "$(date +%s%N)" -ge "$end" ] && break
    sleep 0.1
  done
  check "$name" "$want" "$got"
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
