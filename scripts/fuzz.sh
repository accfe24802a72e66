#!/usr/bin/env bash
# Builds the libFuzzer target for the ONNX reader with clang and runs it for a
# bounded time, seeded with the shared ONNX corpus and tests/fuzz/regressions.
# Usage: scripts/fuzz.sh [SECONDS]   (default 60)
# A crash leaves its input in build-fuzz/crashes/; copy it into tests/fuzz/regressions/
# (the native test suite re-reads every file there).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
build="$root/build-fuzz"
corpus="${NETFORGE_CORPUS:-$root/../shared/corpus/onnx}"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNETFORGE_FUZZ=ON -DNETFORGE_SANITIZE=ON >/dev/null
cmake --build "$build" --target fuzz_onnx_reader -j2 >/dev/null
mkdir -p "$build/crashes" "$build/work-corpus"
seeds=("$build/work-corpus" "$root/tests/fuzz/regressions")
[ -d "$corpus" ] && seeds+=("$corpus/light" "$corpus/simple" "$corpus/pytorch-operator")
echo "fuzz: running fuzz_onnx_reader for ${seconds}s"
if "$build/tests/fuzz/fuzz_onnx_reader" -max_total_time="$seconds" -max_len=1048576 -timeout=10 -rss_limit_mb=2048 \
     -artifact_prefix="$build/crashes/" -print_final_stats=1 "${seeds[@]}" >"$build/fuzz.log" 2>&1; then
  grep -E "stat::number_of_executed_units|Done" "$build/fuzz.log" | tail -2
  echo "fuzz: 1 passed, 0 failed"
else
  tail -40 "$build/fuzz.log"
  echo "fuzz: 0 passed, 1 failed (inputs in $build/crashes/)"
  exit 1
fi
