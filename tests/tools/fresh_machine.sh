#!/bin/sh
# Proves `make test` on a fresh Debian 12: builds a debootstrap minbase chroot
# (Debian's mirror, taken from apt's configured sources), installs only
# `make gcc git`, clones the repository into /root/logdeck inside and runs
# `make test` there (which installs the rest through tests/tools/deps.sh).
# Not part of `make test`: it needs root, debootstrap and a network mirror,
# and takes a while (the base is cached and reused; FRESH=1 rebuilds it).
#
#   sudo sh tests/tools/fresh_machine.sh [WORKDIR]   (default /var/tmp/logdeck-fresh)
#   REF=branch   what to clone (default: main)
#   TARGET=test  the make target to run (e.g. asan)
# Prints the suite's output and ends with its closing line; the full log is
# WORKDIR/make-test.log. Exit status is make's.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GITDIR=$(cd "$ROOT" && cd "$(git rev-parse --git-common-dir)" && pwd)   # a worktree's too
WORK=${1:-/var/tmp/logdeck-fresh}
REF=${REF:-main}
TARGET=${TARGET:-test}
[ "$(id -u)" = 0 ] || { echo "fresh_machine: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "fresh_machine: apt-get install debootstrap" >&2; exit 2; }

mirror() { # the first Debian URI apt is configured with
  m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*debian\)[[:space:]]*$/\1/p' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "$m" ] || m=$(awk '$1=="deb" && $2 ~ /debian\/?$/ {print $2; exit}' \
        /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
  echo "${m:-http://deb.debian.org/debian}"
}

BASE=$WORK/base R=$WORK/root
mkdir -p "$WORK"
if [ "${FRESH:-0}" = 1 ] || [ ! -f "$BASE/.minbase-ok" ]; then
  rm -rf "$BASE"
  echo "fresh_machine: debootstrap --variant=minbase bookworm from $(mirror)"
  debootstrap --variant=minbase bookworm "$BASE" "$(mirror)" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  touch "$BASE/.minbase-ok"
fi

mounted=""
cleanup() {
  for m in $mounted; do umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
# A new root each run, copied from the cached minbase.
rm -rf "$R" && cp -a "$BASE" "$R" && rm -f "$R/.minbase-ok"
cp /etc/resolv.conf "$R/etc/resolv.conf"
mkdir -p "$R/src"
for m in proc sys dev dev/pts src; do
  case $m in
    proc) mount -t proc proc "$R/proc" ;;
    sys) mount -t sysfs sys "$R/sys" ;;
    src) mount --bind "$GITDIR" "$R/src" && mount -o remount,bind,ro "$R/src" ;;
    *) mount --bind "/$m" "$R/$m" ;;
  esac
  mounted="$R/$m $mounted"
done

in_root() {
  chroot "$R" /usr/bin/env -i HOME=/root TERM=xterm-256color LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
echo "fresh_machine: apt-get install make gcc git"
in_root sh -c 'export DEBIAN_FRONTEND=noninteractive;
  apt-get update -qq && apt-get install -y -qq make gcc git >/dev/null'
in_root git -c safe.directory='*' clone -q --branch "$REF" /src /root/logdeck
echo "fresh_machine: make $TARGET in /root/logdeck ($(in_root git -C /root/logdeck log -1 --format='%h %s' | cut -c1-60))"
set +e
in_root sh -c "cd /root/logdeck && make $TARGET" >"$WORK/make-test.log" 2>&1
rc=$?
set -e
cat "$WORK/make-test.log"
echo "fresh_machine: make $TARGET exited $rc; closing line: $(grep -E '^[0-9]+ passed, ' "$WORK/make-test.log" | tail -1)"
exit $rc
