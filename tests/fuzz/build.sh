#!/bin/sh
# Builds every tests/fuzz/fuzz_*.c as a libFuzzer binary into build-fuzz/
# (clang -fsanitize=fuzzer,address,undefined), linked with the core (src/
# and db/, without the commands and the UI). Run one with:
#   build-fuzz/fuzz_record tests/fuzz/corpus/record -max_total_time=60
set -eu
PKGS="sqlite3 libcjson yaml-0.1 zlib ncursesw libzstd"
mkdir -p build-fuzz
SRCS=$(find src db -name '*.c' | grep -v -e '^src/cli/' -e '^src/demo/' | sort)
FL="-std=c11 -D_GNU_SOURCE -DLOGDECK_LIBFUZZER -g -O1 -I. -fsanitize=fuzzer,address,undefined"
for f in ${1:-tests/fuzz/fuzz_*.c}; do
  n=$(basename "$f" .c)
  echo "clang $n"
  clang $FL $(pkg-config --cflags $PKGS libcurl) -o build-fuzz/$n "$f" $SRCS $(pkg-config --libs $PKGS) -lm -lpthread -ldl
done
