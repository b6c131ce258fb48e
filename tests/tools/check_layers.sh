#!/bin/sh
# check_layers: the include rules of ARCHITECTURE (README.md), checked on
# the sources so that they hold without anyone remembering them.
#
#   ui (ui, ui/views) -> cli (src/cli) -> src/<sub> -> db -> src/base
#
# The command layer sits in src/cli (the top level is fixed) and includes
# no ui/: the commands that run the UI (ui/cmd_tui.c, ui/cmd_themes.c) live
# in ui/ and are rows of main's table by their entry symbol only.
#
# - Every `#include "..."` of ours is repo-relative (src/, db/, ui/).
# - A file may include files of its own layer and of the layers below it
#   in the order below; never one above it, never a sibling of equal rank.
#   That keeps the folders free of cycles by construction. ui never
#   includes db/ (it reads through src/query's pager), although db is below.
# - No include cycle between files of different folders (checked as well:
#   it names the cycle, where the rank rule names one edge of it).
#
# Usage: tests/tools/check_layers.sh [ROOT]   (default: the repository)
# Prints each violation as "FILE:LINE: includes X (A -> B: why)" on stderr
# and exits 1; prints "check-layers: ok (N includes checked)" otherwise.
set -u
ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT" || exit 2

# The layer order. Lower rank = further down; equal ranks are siblings that
# may not include each other. A folder not listed is an error (add it here,
# with the README's ARCHITECTURE section).
RANKS='
src/base    0
db          1
src/parse   2
src/follow  3
src/query   3
src/report  4
src/alert   5
src/notify  6
src/demo    7
src/cli     8
ui          9
'

# Edges forbidden although they point down: "FROM TO" per line.
FORBID='
ui db
'

files=$(find src db ui -name '*.[ch]' 2>/dev/null | LC_ALL=C sort)
[ -n "$files" ] || { echo "check-layers: no sources under $ROOT" >&2; exit 2; }

# "FILE LINE INCLUDED" for every quoted include.
# shellcheck disable=SC2086
grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $files /dev/null |
  sed -E 's/^([^:]+):([0-9]+):.*"([^"]*)".*/\1 \2 \3/' |
  awk -v ranks="$RANKS" -v forbid="$FORBID" '
function layer(f,   p) {
    n = split(f, p, "/")
    if (p[1] == "ui") return "ui"
    if (p[1] == "db") return "db"
    if (p[1] == "src" && n >= 3) return "src/" p[2]
    return "?"
}
function dir(f) { sub(/\/[^\/]*$/, "", f); return f }
function why(a, b) {
    if (a == "src/base") return "src/base includes nothing of ours"
    if (a == "db") return "db includes only db/ and src/base/"
    if (a == "ui" && b == "db") return "ui never includes db/; go through src/"
    if (rank[a] == rank[b]) return a " and " b " are siblings: neither includes the other"
    return b " is above " a
}
# Does a path of include edges lead from s to t? Fills path[].
function reach(s, t, depth,   i, nx) {
    if (s == t) return 1
    if (seen[s]++) return 0
    for (i = 1; i <= nout[s]; i++) {
        nx = out[s, i]
        if (reach(nx, t, depth + 1)) { path[depth] = nx; return 1 }
    }
    return 0
}
BEGIN {
    n = split(ranks, r, /\n/)
    for (i = 1; i <= n; i++) if (split(r[i], x, " ") == 2) rank[x[1]] = x[2] + 0
    n = split(forbid, r, /\n/)
    for (i = 1; i <= n; i++) if (split(r[i], x, " ") == 2) forbidden[x[1] " " x[2]] = 1
    for (l in rank) {
        if (rank[l] in byrank) byrank[rank[l]] = byrank[rank[l]] "|" l
        else byrank[rank[l]] = l
    }
    for (i = 20; i >= 0; i--) if (i in byrank) order = order (order == "" ? "" : " > ") byrank[i]
}
{
    f = $1; line = $2; inc = $3; total++
    la = layer(f)
    if (inc !~ /^(src|db|ui)\//) {
        printf "%s:%s: includes \"%s\": includes of ours are repo-relative (src/..., db/..., ui/...)\n", f, line, inc > "/dev/stderr"
        bad++; next
    }
    lb = layer(inc)
    if (!(la in rank)) { printf "%s:%s: folder %s has no rank in tests/tools/check_layers.sh\n", f, line, la > "/dev/stderr"; bad++; next }
    if (!(lb in rank)) { printf "%s:%s: includes %s: folder %s has no rank in tests/tools/check_layers.sh\n", f, line, inc, lb > "/dev/stderr"; bad++; next }
    if (!(f in nout)) nout[f] = 0
    out[f, ++nout[f]] = inc
    edge_line[f, inc] = line
    if (la != lb && (rank[lb] >= rank[la] || (la " " lb) in forbidden)) {
        printf "%s:%s: includes %s (%s -> %s: %s)\n", f, line, inc, la, lb, why(la, lb) > "/dev/stderr"
        bad++
    }
    if (dir(f) != dir(inc)) cross[++ncross] = f SUBSEP inc
}
END {
    for (i = 1; i <= ncross; i++) {
        split(cross[i], e, SUBSEP)
        delete seen; delete path
        if (reach(e[2], e[1], 1)) {
            s = e[1] " -> " e[2]
            nn = 0; delete nodes
            nodes[++nn] = e[1]; nodes[++nn] = e[2]
            for (d = 1; d in path; d++) { s = s " -> " path[d]; nodes[++nn] = path[d] }
            # one report per cycle, whichever of its edges found it
            for (a = 2; a <= nn; a++)
                for (b = a; b > 1 && nodes[b - 1] > nodes[b]; b--) { t = nodes[b]; nodes[b] = nodes[b - 1]; nodes[b - 1] = t }
            key = ""
            for (a = 1; a <= nn; a++) key = key " " nodes[a]
            if (key in reported) continue
            reported[key] = 1
            printf "%s:%s: include cycle between folders: %s\n", e[1], edge_line[e[1], e[2]], s > "/dev/stderr"
            bad++
        }
    }
    if (bad) {
        printf "check-layers: %d violation(s); layers top down: %s; ui never includes db\n", bad, order > "/dev/stderr"
        printf "check-layers: see README.md, ARCHITECTURE\n" > "/dev/stderr"
        exit 1
    }
    printf "check-layers: ok (%d includes checked)\n", total
}'
