# The include rules (tests/tools/check_layers.sh, README.md ARCHITECTURE):
# the real tree passes; a copy of the tree with a deliberate upward,
# sideways or cyclic include fails `make` (or the check) with a message
# naming the file, the line and the edge.
. tests/lib.sh
CHECK=tests/tools/check_layers.sh

sh $CHECK >"$T/out" 2>"$T/err"; rc=$?
check "real tree passes" "0 0" "$rc $(wc -l <"$T/err" | tr -d ' ')"
check "real tree says ok" "1" "$(grep -c '^check-layers: ok (' "$T/out")"
make -s check-layers >"$T/out" 2>&1; check "make check-layers passes" "0" "$?"

# A fresh copy of the sources (no build/ tree): `make` must stop at the
# check, before compiling anything.
C="$T/tree"
mkdir -p "$C"
cp -R Makefile src db ui tests "$C"/ 2>/dev/null
rm -rf "$C/tests/fixtures" "$C/tests/fuzz/corpus"

# add_include FILE INCLUDED: appends the include after the file's last line.
add_include() { printf '#include "%s"\n' "$2" >>"$C/$1"; }
line_of() { wc -l <"$C/$1" | tr -d ' '; }
# expect NAME SUBSTRING: the check's stderr in the copy holds SUBSTRING.
expect() {
  (cd "$C" && sh $CHECK) >"$T/out" 2>"$T/err"; rc=$?
  if [ "$rc" = 1 ] && grep -qF -- "$2" "$T/err"; then pass "$1"
  else fail "$1" "exit $rc, wanted 1 and [$2] in [$(head -c 400 "$T/err")]"; fi
}
restore() { cp "$1" "$C/$1"; }

# 1. src/base points up at ui: `make` fails with the file:line and edge.
add_include src/base/err.h ui/term.h
n=$(line_of src/base/err.h)
(cd "$C" && make -j2 BUILD=build-layers) >"$T/out" 2>"$T/err"; rc=$?
want="src/base/err.h:$n: includes ui/term.h (src/base -> ui: src/base includes nothing of ours)"
if [ "$rc" -ne 0 ] && grep -qF "$want" "$T/err"; then pass "make fails on upward include"
else fail "make fails on upward include" "exit $rc, wanted [$want] in [$(head -c 400 "$T/err")]"; fi
check "make compiled nothing" "0" "$(find "$C/build-layers" -name '*.o' 2>/dev/null | wc -l | tr -d ' ')"
check "make names the cycle it makes" "1" \
  "$(grep -c "^src/base/err.h:$n: include cycle between folders: src/base/err.h -> ui/term.h -> src/base/err.h\$" "$T/err")"
check "make counts the violations" "1" "$(grep -c '^check-layers: [0-9]* violation(s)' "$T/err")"
check "no binary" "no" "$([ -e "$C/logdeck" ] && echo yes || echo no)"
restore src/base/err.h

# 2. db reaching into src/query.
add_include db/store.c src/query/query.h
expect "db -> src/query" "db/store.c:$(line_of db/store.c): includes src/query/query.h (db -> src/query: db includes only db/ and src/base/)"
restore db/store.c

# 3. A ui file including db/ (not one of the known ones).
add_include ui/keys.c db/store.h
expect "ui -> db" "ui/keys.c:$(line_of ui/keys.c): includes db/store.h (ui -> db: ui never includes db/; go through src/)"
restore ui/keys.c

# 4. Siblings: the follower reaching into the query language.
add_include src/follow/scan.c src/query/query.h
expect "sibling folders" "src/follow/scan.c:$(line_of src/follow/scan.c): includes src/query/query.h (src/follow -> src/query: src/follow and src/query are siblings: neither includes the other)"
restore src/follow/scan.c

# 5. src/query -> src/report, a layer up.
add_include src/query/query.c src/report/stats.h
expect "query -> report" "src/query/query.c:$(line_of src/query/query.c): includes src/report/stats.h (src/query -> src/report: src/report is above src/query)"
restore src/query/query.c

# 6. A cycle between two headers of different folders is named as one.
add_include src/report/repout.h src/query/recout.h
add_include src/query/recout.h src/report/repout.h
expect "cycle named" "src/query/recout.h:$(line_of src/query/recout.h): include cycle between folders: src/query/recout.h -> src/report/repout.h -> src/query/recout.h"
restore src/report/repout.h; restore src/query/recout.h

# 7. An include that is not repo-relative.
add_include src/base/ts.c err.h
expect "repo-relative" "src/base/ts.c:$(line_of src/base/ts.c): includes \"err.h\": includes of ours are repo-relative"
restore src/base/ts.c

# 8. A new folder must be given a rank.
mkdir -p "$C/src/extra" && printf '#include "src/base/err.h"\n' >"$C/src/extra/x.c"
expect "unranked folder" "src/extra/x.c:1: folder src/extra has no rank"
rm -rf "$C/src/extra"

# And the restored copy passes again.
(cd "$C" && sh $CHECK) >/dev/null 2>"$T/err"; check "restored copy passes" "0" "$?"

# Import cycles between compiled files (a file using what another defines,
# tests/tools/symcycles.sh): none in src/ and db/. ui/views' own are listed
# by the tool, not counted here.
if command -v nm >/dev/null 2>&1 && [ -d "$BUILD_DIR/src" ]; then
  sh tests/tools/symcycles.sh "$BUILD_DIR" >"$T/cyc" 2>&1
  check "no import cycle in src/ and db/" "" "$(grep '^cycle:' "$T/cyc" | grep -v '^cycle: \(ui/[^ ]* \)*$')"
else
  echo "SKIP: import cycles: no nm or no build in $BUILD_DIR"
fi
