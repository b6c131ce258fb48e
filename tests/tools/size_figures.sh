#!/bin/sh
# size_figures: file and function size figures of the C sources (src/,
# db/, ui/) of the working tree or of a commit, for closing notes:
#   - files (.c and .h) and lines per folder
#   - the largest files
#   - functions over 40 and over 60 lines, and the longest ones
# A function is counted from its opening "{" to its closing "}", both at
# the start of a line (the project's style for function bodies).
#
# Usage: tests/tools/size_figures.sh [REV]    (REV: a commit; default the tree)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
if [ $# -gt 0 ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  git archive "$1" src db ui | tar -x -C "$tmp"
  cd "$tmp"
  echo "== $(git -C "$ROOT" log -1 --format='%h %s' "$1" | cut -c1-72)"
else
  echo "== working tree ($(git rev-parse --short HEAD))"
fi
files=$(find src db ui -name '*.[ch]' | LC_ALL=C sort)

echo "-- files per folder: folder files(.c+.h) lines"
# shellcheck disable=SC2086
wc -l $files | awk '$2 != "total" { d = $2; sub(/\/[^\/]*$/, "", d); n[d]++; l[d] += $1; tf++; tl += $1 }
  END { for (d in n) printf "%-14s %3d %6d\n", d, n[d], l[d] | "sort"; close("sort");
        printf "%-14s %3d %6d\n", "all", tf, tl }'

echo "-- largest files (lines)"
# shellcheck disable=SC2086
wc -l $files | awk '$2 != "total"' | sort -rn | head -8 | awk '{ printf "%6d %s\n", $1, $2 }'

echo "-- functions"
# shellcheck disable=SC2086
awk '
FNR == 1 { start = 0 }
/^\{/ { start = FNR; name = prev; next }
/^\}/ && start { len = FNR - start + 1; n++; total += len
    if (len > 40) over40++
    if (len > 60) over60++
    sub(/\(.*/, "", name); k = split(name, w, /[ *]+/)
    printf "%d %s:%s\n", len, FILENAME, w[k] > "/dev/stderr"
    start = 0 }
{ if ($0 !~ /^[ \t]/ && $0 != "") prev = $0 }
END { printf "functions %d, mean %.1f lines, over 40: %d, over 60: %d\n", n, n ? total / n : 0, over40, over60 }
' $(echo "$files" | grep '\.c$') 2>"${TMPDIR:-/tmp}/size_figures.$$"
echo "-- longest functions (lines)"
sort -rn "${TMPDIR:-/tmp}/size_figures.$$" | head -6 | awk '{ printf "%6d %s\n", $1, $2 }'
rm -f "${TMPDIR:-/tmp}/size_figures.$$"
