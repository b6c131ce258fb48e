#!/bin/sh
# symcycles: import cycles between the compiled files of the program: file
# A depends on file B when A's object uses a symbol B's object defines
# (nm). Prints each strongly connected group of two or more files, one per
# line, and the count; exit 1 if there is any. Needs a build (`make`).
#
# Usage: tests/tools/symcycles.sh [BUILD_DIR]   (default: build)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$ROOT/build}
objs=$(cd "$B" && find src db ui -name '*.o' 2>/dev/null | LC_ALL=C sort)
[ -n "$objs" ] || { echo "symcycles: no objects under $B (run make)" >&2; exit 2; }
# One nm for every object: "OBJ:VALUE TYPE NAME", or "OBJ:   U NAME".
# shellcheck disable=SC2086
(cd "$B" && nm -A $objs) | awk '{ i = index($0, ".o:"); f = substr($0, 1, i - 1)
    n = split(substr($0, i + 3), w, " ")
    if (n == 2 && w[1] == "U") print "U", f, w[2]
    else if (n == 3 && w[2] ~ /^[TDBRC]$/) print "D", f, w[3] }' | awk '
$1 == "D" { def[$3] = $2; next }
{ use[++nu] = $2 SUBSEP $3 }
function strong(v,   i, w, s) {
    idx[v] = low[v] = ++counter; stack[++sp] = v; on[v] = 1
    for (i = 1; i <= nout[v]; i++) {
        w = out[v, i]
        if (!(w in idx)) { strong(w); if (low[w] < low[v]) low[v] = low[w] }
        else if (on[w] && idx[w] < low[v]) low[v] = idx[w]
    }
    if (low[v] == idx[v]) {
        s = ""; k = 0
        do { w = stack[sp--]; on[w] = 0; s = w " " s; k++ } while (w != v)
        if (k > 1) { print "cycle: " s; ncyc++ }
    }
}
END {
    for (i = 1; i <= nu; i++) {
        split(use[i], p, SUBSEP)
        if (!(p[2] in def) || def[p[2]] == p[1] || ((p[1], def[p[2]]) in seen)) continue
        seen[p[1], def[p[2]]] = 1
        out[p[1], ++nout[p[1]]] = def[p[2]]; node[p[1]] = node[def[p[2]]] = 1
    }
    for (v in node) if (!(v in idx)) strong(v)
    printf "%d import cycle(s) between files\n", ncyc
    exit ncyc > 0
}'
