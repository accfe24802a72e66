#!/usr/bin/env bash
# scripts/fuzz.sh - builds the libFuzzer targets of tests/fuzz/targets.h with clang
# (-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all) and runs each one
# for a bounded time, one after the other.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET  default $NETFORGE_FUZZ_SECONDS, else 20
#   TARGET              fuzz_onnx_reader fuzz_model fuzz_builder_json fuzz_onnx_export fuzz_share
#                       (default: all)
# Limits of every run: -malloc_limit_mb=$NETFORGE_FUZZ_MALLOC_MB (512): one allocation
# above it is a finding; -rss_limit_mb=$NETFORGE_FUZZ_RSS_MB (2048); -timeout=10 s per
# input; -max_len per target (below).
# Seeds: tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/ (read only;
# new inputs go to build-fuzz/work-corpus/<target>/); the reader target also reads
# ../shared/corpus/onnx (light, simple) when it exists.
# Output: one line per target, "fuzz: <target> passed|FAILED: <runs> runs in <s> s
# (<n> exec/s)", then "fuzz: N passed, M failed". A crash leaves its input in
# build-fuzz/crashes/<target>/ and its log in build-fuzz/<target>.log: commit the
# input under tests/fuzz/regressions/<target>/ with the fix (the native suite replays it).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-${NETFORGE_FUZZ_SECONDS:-20}}"
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_onnx_reader fuzz_model fuzz_builder_json fuzz_onnx_export fuzz_share)
malloc_mb="${NETFORGE_FUZZ_MALLOC_MB:-512}"
rss_mb="${NETFORGE_FUZZ_RSS_MB:-2048}"
build="$root/build-fuzz"
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
corpus="${NETFORGE_CORPUS:-$root/../shared/corpus/onnx}"

declare -A max_len=([fuzz_onnx_reader]=1048576 [fuzz_model]=65536 [fuzz_builder_json]=65536 [fuzz_onnx_export]=65536 [fuzz_share]=16384)

mkdir -p "$build"
if ! { CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
         -DNETFORGE_FUZZ=ON -DNETFORGE_SANITIZE=ON >"$build/cmake.log" 2>&1 &&
       nice cmake --build "$build" --target "${targets[@]}" -j"${NF_JOBS:-2}" >"$build/build.log" 2>&1; }; then
  tail -30 "$build/cmake.log" "$build/build.log" 2>/dev/null
  echo "fuzz: build FAILED"
  echo "fuzz: 0 passed, ${#targets[@]} failed"
  exit 1
fi

passed=0
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$build/crashes/$t" "$build/work-corpus/$t"
  seeds=("$build/work-corpus/$t")
  for d in "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t"; do [ -d "$d" ] && seeds+=("$d"); done
  if [[ $t == fuzz_onnx_reader ]]; then  # fuzz_model: committed seeds only, so the first pass stays short
    for d in light simple; do [ -d "$corpus/$d" ] && seeds+=("$corpus/$d"); done
  fi
  log="$build/$t.log"
  start=$(date +%s.%N)
  nice "$build/tests/fuzz/$t" -max_total_time="$seconds" -max_len="${max_len[$t]}" -timeout=10 \
    -malloc_limit_mb="$malloc_mb" -rss_limit_mb="$rss_mb" -artifact_prefix="$build/crashes/$t/" \
    -print_final_stats=1 "${seeds[@]}" >"$log" 2>&1
  rc=$?
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$')
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$')
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    echo "fuzz: $t passed: ${runs:-?} runs in $secs s (${rate:-?} exec/s)"
  else
    failed=$((failed + 1))
    grep -E 'ERROR: |SUMMARY: |runtime error|#[0-9]+ 0x' "$log" | head -20
    echo "fuzz: $t FAILED after $secs s (${runs:-?} runs, ${rate:-?} exec/s); input in $build/crashes/$t/, log $log"
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
