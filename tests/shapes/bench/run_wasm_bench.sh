#!/usr/bin/env bash
# Builds shapes_bench as WebAssembly (em++ straight from the sources: the bench
# needs only base, ir and shapes) and runs it under Node.
#
#   tests/shapes/bench/run_wasm_bench.sh [OUT_DIR] [-- shapes_bench args]
#
# Needs the Emscripten setup of scripts/setup.sh (EM_CONFIG etc. in
# $NETFORGE_CACHE/current.env).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:-/tmp/netforge-shapes-wasm}"
shift || true
[[ "${1:-}" == "--" ]] && shift
env_file="${NETFORGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netforge}/current.env"
[[ -f "$env_file" ]] || { echo "run scripts/setup.sh first ($env_file missing)" >&2; exit 1; }
# shellcheck disable=SC1090
source "$env_file"
mkdir -p "$out"
cd "$root"
em++ -O2 -std=c++20 -Isrc -Itests \
  src/base/*.cpp src/ir/*.cpp src/shapes/*.cpp tests/shapes/bench/shapes_bench.cpp \
  -sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=node -o "$out/shapes_bench.js"
node --no-experimental-fetch "$out/shapes_bench.js" "$@"
