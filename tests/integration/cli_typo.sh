# The command line as a scripter meets it: a mistyped command is named
# with the nearest ones (exit 2) instead of being opened as a file; a file
# of that name is still a file; every --help is self-contained.
. tests/lib.sh
check_rc "typo exits 2" 2 "$LOGDECK" qurey 'level>=error'
check "typo message" "logdeck: unknown command 'qurey'; did you mean 'query'? (\`logdeck --help\` lists them; a file of that name does not exist)" "$(cat "$T/.err")"
check_rc "typo of stats" 2 "$LOGDECK" stat
check "stat -> stats" 1 "$(grep -c "did you mean 'stats'" "$T/.err")"
check_rc "typo of alerts" 2 "$LOGDECK" alert list
check "alert -> alerts" 1 "$(grep -c "did you mean 'alerts'" "$T/.err")"
# A word close to no command is a path, as before (the TUI wants a tty).
check_rc "far word is a path" 2 "$LOGDECK" xyzzy-not-a-command </dev/null
check "far word: the TUI's message" 0 "$(grep -c 'unknown command' "$T/.err")"
# An existing file named like a typo is opened, not corrected.
( cd "$T" && : > stat && "$LOGDECK" stat </dev/null >"$T/o" 2>"$T/e"; echo $? >"$T/rc" )
check "existing file 'stat' is a file" 0 "$(grep -c 'unknown command' "$T/e")"
check "existing file 'stat' opens the TUI (no tty: exit 2)" 2 "$(cat "$T/rc")"
# --help: no pointer at files the user does not have.
for c in "" index query trace stats "alerts check" demo themes; do
  "$LOGDECK" $c --help >"$T/h" 2>&1
  check "help of '${c:-logdeck}' is self-contained" 0 "$(grep -c 'design.md' "$T/h")"
done
check "global help describes --fresh" 1 "$("$LOGDECK" --help | grep -c -- '^  --fresh ')"
