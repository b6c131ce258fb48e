# TUI, first start (issue 13): the "new store at ..." notice is readable
# whole at 60x20, 80x24 and 200x60: the default store's path with ~ for
# $HOME, the size cap and where to look, word-wrapped above the status bar
# when it is wider than the terminal (before: one row, cut at the width, so
# the path and the cap were seldom readable), the newest record still on
# screen, the status bar and the key hints in place; a message that fits
# stays on the bottom row.
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
mkdir -p "$T/logs"
for i in $(seq 1 30); do
  printf '{"timestamp": "2026-01-01T10:00:%02dZ", "level": "info", "event": "line %d"}\n' "$i" "$i"
done > "$T/logs/app.jsonl"
STORE=$HOME/.local/state/logdeck/logdeck.db
# joined: the screen's rows, trailing blanks dropped, joined with one space
joined() { tui_screen | sed 's/[[:space:]]*$//' | tr '\n' ' '; }
whole() { joined | grep -qF -- "$1"; }
for size in "60 20" "80 24" "200 60"; do
  set -- $size
  rm -rf "$HOME/.local"
  tui_start "$1" "$2" --db "$STORE" "$T/logs"
  want="new store at ~/.local/state/logdeck/logdeck.db; size cap "
  if tui_wait 5 whole "$want"; then pass "$1x$2: the store's path whole, with ~"; else
    fail "$1x$2: the store's path whole, with ~" "[$(joined)]"; fi
  if whole "the oldest records dropped beyond it (logdeck store info)" && whole "GB free)"; then
    pass "$1x$2: the cap and where to look, whole"
  else
    fail "$1x$2: the cap and where to look, whole" "[$(joined)]"
  fi
  check "$1x$2: the newest record on screen" 1 "$(tui_screen | grep -c ' line 30$')"
  check "$1x$2: status bar on the last row but one" 1 "$(tui_line $(($2 - 1)) | grep -c ' 30 records ')"
  if [ "$1" -lt 200 ]; then   # wrapped above the status bar: the key hints stay
    check "$1x$2: key hints on the last row" 1 "$(tui_line "$2" | grep -c '^? help ')"
  else                        # it fits: on the bottom row, as any message
    check "$1x$2: the notice on the last row" 1 "$(tui_line "$2" | grep -c '^new store at ~/')"
  fi
  tui_keys q
  check_screen "$1x$2: q exits 0" "EXIT=0"
done
# a message that fits one row is shown there, as before
tui_start 80 24 --db "$STORE" "$T/logs"
check_screen "80x24: second start, the store's records" " line 30" 5
tui_keys t
check_line "80x24: a short message on the bottom row" 24 "the selected record has no correlation id" 3
check "80x24: no rows taken from the list for it" 1 "$(tui_line 23 | grep -c ' 30 records ')"
tui_keys q
check_screen "second start: q exits 0" "EXIT=0"
