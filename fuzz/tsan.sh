#!/usr/bin/env bash
# `npm run test:tsan`: builds the device stress test (device_stress.cc) with ThreadSanitizer
# and runs it for SECONDS (default 20) in a network namespace of its own, which is always
# deleted. Fails on any TSan report (exit code 66) or if the test did not exercise everything.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}

make --no-print-directory -j2 stress >/dev/null
ns=vtepd-tsan-$$
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
ip -n "$ns" link set lo up
ip -n "$ns" addr add 192.0.2.1/24 dev lo
for peer in 11 12 13 14; do ip -n "$ns" addr add "192.0.2.$peer/32" dev lo; done
TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1" \
  ip netns exec "$ns" ../build/fuzz/device_stress "$seconds"
