#!/usr/bin/env bash
# `npm run test:asan`: the addon and the native unit tests built with AddressSanitizer and
# UndefinedBehaviorSanitizer (g++, as the normal build), in a copy of the tree so build/ is
# untouched; then the native tests, and the TypeScript tests that drive the data path most
# (listed below) with node loading that addon. node must have the ASan runtime first in
# line, so it is preloaded; its leak check is off, as node frees nothing at exit. The preload
# reaches every program the tests start, and tshark does not start under it in time: the
# tests that capture with tshark (shared-port, vlan, kernel-interop, ...) are left out, and so
# is malformed (its first test spawns a tool per case and overruns 60 s under ASan).
# The copy leaves out prebuilds/, so the addon node-gyp-build loads there is the sanitized
# build/Release one or none. Run through npm (node-gyp is on the PATH npm gives scripts).
set -euo pipefail
cd "$(dirname "$0")/.."

tests=(
  test/unit/native-parsers.test.ts
  test/unit/l2tp.test.ts
  test/netns/gretap-malformed.test.ts
  test/netns/l2tp-malformed.test.ts
  test/netns/two-vteps.test.ts
  test/netns/fdb.test.ts
  test/netns/lifecycle.test.ts
  test/netns/worker-pool.test.ts
)

copy=$(mktemp -d /tmp/vtepd-asan.XXXXXX)
trap 'rm -rf "$copy"' EXIT
tar -c --exclude=./build --exclude=./prebuilds --exclude=./node_modules --exclude=./.git --exclude=./dist \
  --exclude=./dist-lab . | tar -x -C "$copy"
ln -s "$PWD/node_modules" "$copy/node_modules"
cd "$copy"

sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="$sanitize" CXXFLAGS="$sanitize" LDFLAGS="$sanitize" \
  node-gyp rebuild --nodedir=/usr >build.log 2>&1 ||
  { tail -30 build.log; exit 1; }
npm run --silent build && npm run --silent build:lab

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1
./build/Release/native_tests
# Sanitized code runs 2-4 times slower (every program the tests start is preloaded too), and
# the crafted-packet tests took 15-60 s of their 60 s on a loaded machine: twice the time.
LD_PRELOAD="$(g++ -print-file-name=libasan.so)" npx vitest run --testTimeout 120000 "${tests[@]}"
