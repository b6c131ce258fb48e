#!/usr/bin/env bash
# install: `make install` / `make uninstall` into a temporary DESTDIR with a
# PREFIX, then the installed binary run from there with no environment
# pointing at the source tree: it finds its themes under
# $(PREFIX)/share/logdeck/themes, the unit names the installed binary, the
# bash completion completes subcommands, options and theme names, and
# uninstall leaves nothing behind.
. "$(dirname "$0")/../lib.sh"
build=$(basename "$BUILD_DIR")
D="$T/dest"; P=/opt/ld
make -s -C "$ROOT" BUILD="$build" install DESTDIR="$D" PREFIX="$P" >"$T/install.log" 2>&1
check "make install exits 0" 0 $?
for f in bin/logdeck share/man/man1/logdeck.1 share/logdeck/themes/dark.theme \
         share/logdeck/themes/light.theme share/logdeck/themes/solarized-dark.theme \
         share/logdeck/themes/high-contrast.theme share/logdeck/themes/monochrome.theme \
         lib/systemd/system/logdeck-alerts.service \
         share/bash-completion/completions/logdeck share/zsh/site-functions/_logdeck; do
  check "installed $f" yes "$([ -f "$D$P/$f" ] && echo yes || echo no)"
done
check "binary mode" 755 "$(stat -c %a "$D$P/bin/logdeck")"
check "man page mode" 644 "$(stat -c %a "$D$P/share/man/man1/logdeck.1")"
check "unit runs the installed binary" 1 \
  "$(grep -c "^ExecStart=$P/bin/logdeck " "$D$P/lib/systemd/system/logdeck-alerts.service")"

# The installed binary, moved away from the source tree, with a clean env.
run() { env -i HOME="$T/home" PATH="$D$P/bin:/usr/bin:/bin" "$@"; }
check "installed --version" "logdeck $("$LOGDECK" --version | cut -d' ' -f2)" "$(run logdeck --version)"
check "installed themes found" "dark high-contrast light monochrome solarized-dark" \
  "$(run logdeck themes | tr '\n' ' ' | sed 's/ $//')"
run logdeck --db "$T/s.db" index "$ROOT/tests/fixtures/python.log" >/dev/null 2>&1
check "installed binary indexes" 11 "$(run logdeck --db "$T/s.db" query --count '')"

# bash completion, as bash would call it.
comp() { # words... (the last one is completed)
  run bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _logdeck
               printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"' \
    _ "$D$P/share/bash-completion/completions/logdeck" "$@"
}
check "complete subcommand" "query" "$(comp logdeck qu)"
check "complete trace options" "--summary" "$(comp logdeck trace --su)"
check "complete theme names" "solarized-dark" "$(comp logdeck --theme sol)"
check "complete alerts actions" "check" "$(comp logdeck alerts ch)"
run logdeck --db "$T/s.db" index "$ROOT/tests/fixtures/gateway.jsonl" >/dev/null 2>&1
check "complete field names from the store" "process.id: process.name:" "$(comp logdeck --db "$T/s.db" query process.)"
check "complete --by with field names" "customer_id" "$(comp logdeck --db "$T/s.db" stats --by custo)"
if need zsh zsh "zsh completion parses"; then
  check "zsh completion parses" 0 "$(zsh -n "$D$P/share/zsh/site-functions/_logdeck" 2>&1; echo $?)"
fi

make -s -C "$ROOT" BUILD="$build" uninstall DESTDIR="$D" PREFIX="$P" >"$T/uninstall.log" 2>&1
check "make uninstall exits 0" 0 $?
check "uninstall leaves no file" 0 "$(find "$D" -type f | wc -l | tr -d ' ')"
