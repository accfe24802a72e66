#!/usr/bin/env bash
# scripts/build-native.sh [target...] - configure and build the native tree (CLI,
# core libraries, GoogleTest suites) in build-native-web/. No targets = everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

T0=$(nf_now)
if [[ ! -f "$NF_BUILD_NATIVE/build.ninja" ]]; then
  nf_say "configuring the native build in $NF_BUILD_NATIVE"
  cmake -S "$NF_ROOT" -B "$NF_BUILD_NATIVE" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
nf_say "building native ${*:-(all)}"
cmake --build "$NF_BUILD_NATIVE" -j"$NF_JOBS" "${targets[@]}"
nf_say "native build done in $(nf_since "$T0")"
