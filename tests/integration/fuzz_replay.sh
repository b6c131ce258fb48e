# Replays every fuzz target over its seed corpus (tests/fuzz/corpus/NAME/)
# plus pseudo-random mutations; a crash or sanitizer report fails the case.
. tests/lib.sh
for bin in "$BUILD_DIR"/tests/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin"); corpus=tests/fuzz/corpus/${name#fuzz_}
  if [ ! -d "$corpus" ]; then fail "$name" "no corpus at $corpus"; continue; fi
  if FUZZ_ROUNDS=${FUZZ_ROUNDS:-3000} "$bin" "$corpus" >"$T/fz.out" 2>&1; then
    pass "$name $(tail -1 "$T/fz.out")"
  else
    fail "$name" "$(tail -5 "$T/fz.out" | tr '\n' ' ')"
  fi
done
