#!/usr/bin/env bash
# Runs every libFuzzer harness for a bounded time each (`npm run fuzz -- --seconds N`,
# default 60), one after another (the harnesses are single-threaded; the machine is shared).
# Each starts from its committed corpus (fuzz/corpus/TARGET, read only: what it finds goes
# to a scratch directory), so the reproducers kept there run first every time. Prints per
# target the executions, their rate and whether it crashed; a crash's input is kept in
# build/fuzz/crashes/. Exits 1 if any target crashed.
set -euo pipefail
cd "$(dirname "$0")"

seconds=60
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: $0 [--seconds N]" >&2; exit 2 ;;
  esac
done

make --no-print-directory -j2 fuzzers >/dev/null
out=../build/fuzz
mkdir -p "$out/crashes"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

crashed=()
for harness in *_fuzz.cc; do
  target=${harness%_fuzz.cc}
  mkdir -p "$scratch/$target"
  log="$out/$target.log"
  status=ok
  "$out/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/$target-" "$scratch/$target" "corpus/$target" >"$log" 2>&1 ||
    status=CRASH
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  printf '%-16s %12s executions %9s/s  %s\n' "$target" "${execs:-0}" \
    "$(( ${execs:-0} / (seconds > 0 ? seconds : 1) ))" "$status"
  if [ "$status" != ok ]; then
    crashed+=("$target")
    grep -m3 -E 'FUZZ_CHECK|ERROR: |runtime error|Test unit written' "$log" | sed 's/^/    /' || true
  fi
done

if [ ${#crashed[@]} -gt 0 ]; then
  echo "fuzz: crashed: ${crashed[*]} (logs in build/fuzz/*.log)" >&2
  exit 1
fi
echo "fuzz: ${seconds}s per target, no crashes"
