# The command table (src/cli/cli.h): `--help` of every command and
# subcommand comes from its row (exit 0, on stdout), `logdeck --help` lists
# every row, an unknown subcommand is exit 2; and the config file is parsed
# once per run (counted with strace where it can trace: the TUI, index,
# query and alerts check read it three, two, one and two times before).
. tests/lib.sh

first_line() { "$LOGDECK" "$@" 2>&1 | head -1; }
check "query --help" "usage: logdeck query [--json] [--count] [--limit N] [--reverse] [--explain] [--summary] 'EXPR'" \
  "$(first_line query --help)"
check_rc "query --help exit 0" 0 "$LOGDECK" query --help
check "query --help: options follow" 1 "$(grep -c '^  --limit N    at most N records' "$T/.out")"
check "trace -h" "usage: logdeck trace [--json] [--summary] CID" "$(first_line trace -h)"
check "stats --help after options" "usage: logdeck stats [--json] [--explain] [--exact] [--by FIELD] [--since D] [--field NAME] [--bucket D] ['EXPR']" \
  "$(first_line stats --json --help)"
check "alerts run --help" "usage: logdeck alerts run FILE [PATH|GLOB ...]" "$(first_line alerts run --help)"
check "alerts --help lists six" 6 "$("$LOGDECK" alerts --help | grep -c '^[usage: ]*logdeck alerts ')"
check "themes --help" "usage: logdeck themes|  The theme names --theme accepts, one per line." \
  "$("$LOGDECK" themes --help | tr '\n' '|' | sed 's/|$//')"
check "index --help continuation" "                     [PATH|GLOB|DIR...]" \
  "$("$LOGDECK" index --help | sed -n 4p)"
check_rc "--help exit 0" 0 "$LOGDECK" --help
check "--help: one line per form" "index index query trace stats alerts alerts alerts alerts alerts alerts demo demo themes store store store store store fields " \
  "$(sed -n 's/^       logdeck \([a-z]*\).*/\1/p' "$T/.out" | tr '\n' ' ')"
check_rc "unknown alerts subcommand exit 2" 2 "$LOGDECK" alerts bogus
check "unknown alerts subcommand message" "logdeck alerts: unknown subcommand 'bogus'" "$(head -1 "$T/.err")"
check_rc "alerts without subcommand exit 2" 2 "$LOGDECK" alerts
check_rc "alerts list usage exit 2" 2 "$LOGDECK" alerts list --bogus
check "alerts list usage line" "usage: logdeck alerts list [--json]" "$(head -1 "$T/.err")"
check_rc "a query after -- is not help" 1 "$LOGDECK" query -- --help
check "... it is a query" "logdeck query: no store at $LOGDECK_DB: index some logs first (logdeck index PATH)" \
  "$(cat "$T/.err")"
check_rc "bad option exit 2" 2 "$LOGDECK" trace --bogus x

# The config file is read once, whatever reads it (store path, sources, ui:).
mkdir -p "$HOME/.config/logdeck"
printf 'sources:\n  - %s/app.log\nstore:\n  path: %s/cfg.db\nui:\n  theme: monochrome\n' "$T" "$T" \
  > "$HOME/.config/logdeck/config.yaml"
echo '{"timestamp":"2026-01-01T10:00:00Z","level":"info","event":"hi"}' > "$T/app.log"
opens() { grep -c 'config\.yaml' "$1" 2>/dev/null; }
if ! strace -f -qq -e trace=open,openat -o "$T/st0" true 2>/dev/null; then
  echo "SKIP: config read once: strace cannot trace here"
else
  # (LeakSanitizer cannot run under ptrace: off for these runs of `make asan`)
  env -u LOGDECK_DB ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat -o "$T/st1" "$LOGDECK" index >/dev/null 2>&1
  check "index reads the config once" 1 "$(opens "$T/st1")"
  env -u LOGDECK_DB ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat -o "$T/st2" "$LOGDECK" query --count hi >"$T/q" 2>&1
  check "query reads the config once" "1 1" "$(opens "$T/st2") $(cat "$T/q")"
  . tests/fixtures/tui/tuilib.sh
  TUI_ENV="ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat -o $T/st3" tui_start 100 20
  check_screen "tui: started" "1 records"
  tui_keys q
  check_screen "tui: quit" "EXIT=0"
  check "tui reads the config once" 1 "$(opens "$T/st3")"
fi

# alerts check: the config's notifiers come from the same parse as the rest.
printf 'notifiers:\n  hook: {type: webhook, url: "http://127.0.0.1:9/x"}\n' \
  > "$HOME/.config/logdeck/config.yaml"
printf 'rules:\n  - name: r\n    type: any\n    match: "level>=error"\n    notify: [hook]\n' > "$T/rules.yaml"
check_rc "alerts check with the config's notifier" 0 "$LOGDECK" alerts check "$T/rules.yaml"
check "... counted" "$T/rules.yaml: 1 rule, 1 notifier: ok" "$(cat "$T/.out")"
if strace -f -qq -e trace=open,openat -o "$T/st0" true 2>/dev/null; then
  ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat -o "$T/st4" \
    "$LOGDECK" alerts check "$T/rules.yaml" >/dev/null 2>&1
  check "alerts check reads the config once" 1 "$(opens "$T/st4")"
fi
printf 'notifiers:\n  hook: {type: pager}\n' > "$HOME/.config/logdeck/config.yaml"
check_rc "a bad notifier in the config is exit 2" 2 "$LOGDECK" alerts check "$T/rules.yaml"
check "... named with its place" "logdeck alerts check: $HOME/.config/logdeck/config.yaml:2:16: type: unknown value 'pager' (expected one of: slack, webhook)" \
  "$(head -1 "$T/.err")"

# A fresh machine: no state directory yet; index creates it for the store.
mkdir -p "$T/fresh"
HOME="$T/fresh" env -u LOGDECK_DB "$LOGDECK" index "$T/app.log" >"$T/out" 2>&1
check "index on a fresh HOME" "0 yes" \
  "$? $([ -f "$T/fresh/.local/state/logdeck/logdeck.db" ] && echo yes || echo no)"
