# TUI, first start (issue 13): the "new store at ..." notice on the bottom
# row is readable whole at 60x20, 80x24 and 200x60: the store's path with ~
# for $HOME, in the longest form of the notice that fits the width (the
# size cap and where to look first, then the default's reasoning). Before,
# one form cut at the width: at 60 and 80 columns the path itself was cut,
# the cap never seen. The layout does not move: the newest record on the
# row above the status bar, the status bar above the notice.
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
mkdir -p "$T/logs"
for i in $(seq 1 30); do
  printf '{"timestamp": "2026-01-01T10:00:%02dZ", "level": "info", "event": "line %d"}\n' "$i" "$i"
done > "$T/logs/app.jsonl"
STORE=$HOME/.local/state/logdeck/logdeck.db
P='~/\.local/state/logdeck/logdeck\.db'
C='[0-9.]+ [KMG]iB'
form_60="^new store $P, cap $C\$"
form_80="^new store $P, cap $C \\(logdeck store info\\)\$"
form_200="^new store at $P; size cap $C \\(default: the smaller of 2 GiB and 10% of the $C free\\), the oldest records dropped beyond it \\(logdeck store info\\)\$"
line_has() { tui_line "$1" | grep -q -- "$2"; }
bottom_is() { tui_line "$1" | sed 's/[[:space:]]*$//' | grep -Eq -- "$2"; }
for size in "60 20" "80 24" "200 60"; do
  set -- $size
  rm -rf "$HOME/.local"
  tui_start "$1" "$2" --db "$STORE" "$T/logs"
  eval "want=\$form_$1"
  if tui_wait 15 bottom_is "$2" "$want"; then pass "$1x$2: the notice whole on the bottom row"; else
    fail "$1x$2: the notice whole on the bottom row" "[$(tui_line "$2")]"; fi
  # the notice can come before the records: wait for them (bounded) too
  if [ "$2" -lt 60 ]; then   # 30 records fill the list: the newest just above the status bar
    if tui_wait 10 line_has "$(($2 - 2))" ' line 30$'; then pass "$1x$2: the newest record above the status bar"; else
      fail "$1x$2: the newest record above the status bar" "[$(tui_line $(($2 - 2)))]"; fi
  fi
  if tui_wait 10 line_has "$(($2 - 1))" ' 30 records '; then pass "$1x$2: the status bar in place"; else
    fail "$1x$2: the status bar in place" "[$(tui_line $(($2 - 1)))]"; fi
  tui_keys q
  check_screen "$1x$2: q exits 0" "EXIT=0"
done
