# ch_config.sh: the config file's ship: key (url, user, password_env,
# host). index --follow with ship: in the config ships every line exactly
# once (across a restart) as the user the config names, with the password
# from the variable it names; --ship and --host override it. An unset or
# wrong password variable is a clear error naming the variable; the
# password itself is never in any output, in `store info`, or in the
# argument list of any process.
. tests/lib.sh
. tests/tools/chserver.bash
ch_require "ch_config.sh" || exit 0
PW="pw-$$-Zq9xK"                       # the test user's password (users.xml)
export CH_TEST_PASSWORD=$PW
ch_start "$T/ch" || { fail "clickhouse start" "no /ping"; exit 0; }
printf '%s\n' "$PW" >"$T/pwfile"        # grep -f: the password never in a grep's argv
URL="clickhouse://127.0.0.1:$CH_HTTP/cfg"
URL2="clickhouse://127.0.0.1:$CH_HTTP/cfg2"
for u in "$URL" "$URL2"; do
  "$LOGDECK" --db "$u" store init >/dev/null 2>"$T/err" || { fail "store init" "$(cat "$T/err")"; exit 0; }
done
on_server() { ch_sql "$T/ch" "$1" 2>/dev/null; }
# until_eq WANT SECS SQL: waits until SQL answers WANT; prints the last answer.
until_eq() {
  local got=
  for _ in $(seq $(( $2 * 10 ))); do
    got=$(on_server "$3"); [ "$got" = "$1" ] && break; sleep 0.1
  done
  echo "$got"
}
no_password() { # NAME FILE...: the password is in none of the files
  if grep -q -F -f "$T/pwfile" "${@:2}" 2>/dev/null; then fail "$1" "the password was printed"
  else pass "$1"; fi
}
lines() { # FILE FROM TO: JSON lines seq FROM..TO
  for i in $(seq "$2" "$3"); do
    printf '{"timestamp":"2026-03-01T10:%02d:%02d.000Z","level":"info","service":"cfg","event":"cfg %d"}\n' \
      $(( i / 60 % 60 )) $(( i % 60 )) "$i"
  done >>"$1"
}
cat >"$T/config.yaml" <<EOF
sources:
  - $T/app.log
ship:
  url: $URL
  user: ld
  password_env: LD_CH_PW
  host: web-cfg
EOF
CFG=(--config "$T/config.yaml")
: >"$T/app.log"

# 1. ship: in the config, password from the variable: every line once.
lines "$T/app.log" 1 3000
LD_CH_PW=$PW "$LOGDECK" "${CFG[@]}" index --follow --status-interval 0 >"$T/f1.out" 2>"$T/f1.err" &
FP=$!
got=$(until_eq 3000 60 "SELECT count() FROM cfg.logs WHERE host = 'web-cfg'")
check "ship: in the config ships the file (host from ship.host)" 3000 "$got"
ps -eo args >"$T/ps1"; cat "/proc/$FP/cmdline" >"$T/cmdline1" 2>/dev/null
no_password "the password is in no process's arguments while shipping" "$T/ps1" "$T/cmdline1"
check "the follower starts no child process" "" "$(ps -o pid= --ppid "$FP")"
lines "$T/app.log" 3001 3500
got=$(until_eq 3500 60 "SELECT count() FROM cfg.logs WHERE host = 'web-cfg'")
kill -TERM "$FP"; wait "$FP"; rc=$?
check "follower with ship: exits 0" 0 "$rc"
LD_CH_PW=$PW "$LOGDECK" "${CFG[@]}" index --follow --status-interval 0 >"$T/f2.out" 2>"$T/f2.err" &
FP=$!
lines "$T/app.log" 3501 4000
got=$(until_eq 4000 60 "SELECT count() FROM cfg.logs WHERE host = 'web-cfg'")
kill -TERM "$FP"; wait "$FP"; rc=$?
check "restarted follower exits 0" 0 "$rc"
check "every line exactly once after a restart (count, record ids, seqs, first, last)" \
  "4000 4000 4000 1 4000" \
  "$(on_server "SELECT count(), uniqExact(rid), uniqExact(extract(msg, 'cfg ([0-9]+)')),
       min(toUInt64(extract(msg, 'cfg ([0-9]+)'))), max(toUInt64(extract(msg, 'cfg ([0-9]+)')))
       FROM cfg.logs FORMAT TSV" | tr '\t' ' ')"

# 2. The command line overrides the config: --ship (with the config's user
# and password variable still applied) and --host.
lines "$T/app.log" 4001 4100
LD_CH_PW=$PW "$LOGDECK" "${CFG[@]}" --db "$T/other.db" index --ship "$URL2" --host web-cli \
  >"$T/o.out" 2>"$T/o.err"; rc=$?
check "one-shot --ship URL2 --host overrides ship: (exit 0)" 0 "$rc"
check "URL2 got every record of the new journal as web-cli" "4100 web-cli" \
  "$(on_server "SELECT count(), any(host) FROM cfg2.logs FORMAT TSV" | tr '\t' ' ')"
check "URL got nothing of it" 4000 "$(on_server "SELECT count() FROM cfg.logs")"

# 3. Errors: the variable unset, set to a wrong password, a password key.
env -u LD_CH_PW "$LOGDECK" "${CFG[@]}" --db "$T/e1.db" index >"$T/e1.out" 2>"$T/e1.err"; rc=$?
check "unset password variable: exit 2" 2 "$rc"
check "unset password variable: the message names it" 1 \
  "$(grep -c "the environment variable LD_CH_PW (password_env) is not set" "$T/e1.err")"
LD_CH_PW="wrong-$PW" "$LOGDECK" "${CFG[@]}" --db "$T/e2.db" index >"$T/e2.out" 2>"$T/e2.err"; rc=$?
check "wrong password: exit 1" 1 "$rc"
check "wrong password: the message names the user and the variable" 1 \
  "$(grep -c "login refused for user 'ld' with the password in \$LD_CH_PW" "$T/e2.err")"
check "wrong password: nothing indexed into a journal that cannot ship" 0 \
  "$(LOGDECK_DB="$T/e2.db" "$LOGDECK" query --count '' 2>/dev/null || echo 0)"
LD_CH_PW=$PW "$LOGDECK" --db "clickhouse://127.0.0.1:$CH_HTTP/cfg?password_env=LD_CH_PW&user=ld" \
  query --count '' >"$T/q.out" 2>"$T/q.err"
check "password_env in a --db URL (query as ld)" 4000 "$(cat "$T/q.out")"
env -u NOPE_PW "$LOGDECK" --db "clickhouse://ld@127.0.0.1:$CH_HTTP/cfg?password_env=NOPE_PW" \
  query --count '' >"$T/q2.out" 2>"$T/q2.err"; rc=$?
check "unset variable in a --db URL: exit 1 naming it" "1 1" \
  "$rc $(grep -c 'NOPE_PW (password_env) is not set' "$T/q2.err")"
printf 'ship:\n  url: %s\n  password: %s\n' "$URL" "$PW" >"$T/bad.yaml"
"$LOGDECK" --config "$T/bad.yaml" index "$T/app.log" >"$T/e3.out" 2>"$T/e3.err"; rc=$?
check "a password in the config: exit 2 with its line" "2 1" \
  "$rc $(grep -c "bad.yaml:3:3: ship: no password in the config; name the environment variable" "$T/e3.err")"
printf 'ship:\n  user: ld\n' >"$T/bad2.yaml"
"$LOGDECK" --config "$T/bad2.yaml" index "$T/app.log" >/dev/null 2>"$T/e4.err"; rc=$?
check "ship: without url: exit 2" "2 1" "$rc $(grep -c 'ship: needs url' "$T/e4.err")"
LD_CH_PW=$PW "$LOGDECK" --db "clickhouse://ld@127.0.0.1:$CH_HTTP/cfg?password_env=LD_CH_PW" \
  store info >"$T/info.out" 2>"$T/info.err"
check "store info on the URL with password_env works" 1 "$(grep -c '^records *4000 ' "$T/info.out")"
no_password "the password is in no output (stdout, stderr, store info)" "$T"/*.out "$T"/*.err
