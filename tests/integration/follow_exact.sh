# Exactly once and honest counters (issue 11): rename-then-compress at
# speed, losses while no indexer runs, unterminated last lines.
. tests/lib.sh
. tests/integration/follow_lib.bash

# 1. loguru-style rotation with compression: write 150 lines, rename
#    app.log -> app.<time>.log, create a new app.log, compress the renamed
#    file and unlink it; 60 times, 50 ms apart. The compressed file and the
#    renamed one hold the same data: whichever is opened first is read,
#    the other adds only what lies past the checkpoint (here: nothing).
for m in loguru loguruzip; do
  fresh "rc-$m"
  "$WR" -d "$D" -n app.log -s Q1 -c 1 -f loguru -o "$T/$m.rec"
  start_idx "$D/app.log"
  "$WR" -d "$D" -n app.log -s Q1 -S 1 -c 8999 -m "$m" -b 12000 -P 50 -f loguru -o "$T/$m.rec"
  caught_up 60 "$LOGDECK_DB" "$T/$m.rec"
  stop_idx
  verdict "rename-then-compress ($m), 60 rotations 50 ms apart: every line once" \
    --no-loss "$LOGDECK_DB" "$T/$m.rec"
done
