#!/usr/bin/env bash
# tests/runtime/bench/run_wasm.sh check|bench|bench-web [out_dir] [args...]
# Builds the kernels (src/runtime/kernels) with em++ -msimd128 together with the
# standalone case runner (check: kernels_check.cpp, fast == reference on SIMD128) or
# the benchmark (bench: kernels_bench.cpp), and runs it under Node, whose V8 runs
# wasm SIMD like Chromium. bench-web: the benchmark in headless Chromium instead
# (browser_bench.mjs; needs playwright-core, see there). Exit 77 (ctest: skipped)
# when em++ or node is missing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
source "$ROOT/scripts/env.sh"
what="${1:-check}"
out="${2:-$ROOT/build-native-web/kernels-wasm}"
shift $(( $# >= 2 ? 2 : $# ))
[[ -f "$NF_ENV_FILE" ]] && source "$NF_ENV_FILE"
if ! command -v em++ >/dev/null || ! command -v node >/dev/null || [[ -z "${EM_CONFIG:-}" ]]; then
  echo "em++/node or the Emscripten setup (scripts/setup.sh) missing: wasm kernel $what skipped"
  exit 77
fi
case "$what" in
  check) main="$HERE/kernels_check.cpp" ;;
  bench|bench-web) main="$HERE/kernels_bench.cpp" ;;
  *) nf_die "usage: run_wasm.sh check|bench|bench-web [out_dir] [args...]" ;;
esac
env_kind=node
[[ "$what" == bench-web ]] && env_kind=web
mkdir -p "$out"
js="$out/kernels_$what.js"
sources=("$ROOT"/src/runtime/kernels/{gemm,conv,softmax,reference}.cpp "$main")
# Rebuild only when a source is newer than the output.
if [[ ! -f "$js" ]] || [[ -n "$(find "${sources[@]}" "$ROOT"/src/runtime/kernels/*.h "$HERE"/*.h -newer "$js" 2>/dev/null)" ]]; then
  em++ -std=c++20 -O3 -msimd128 -Wall -I"$ROOT/src" -I"$HERE" "${sources[@]}" \
    -sENVIRONMENT=$env_kind -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=64MB -o "$js"
fi
if [[ "$what" == bench-web ]]; then
  node "$HERE/browser_bench.mjs" "$js" "$@"
else
  node --no-experimental-fetch "$js" "$@"
fi
