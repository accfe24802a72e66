# scripts/env.sh - shared paths for the NetForge scripts (sourced, never run).
#
# Everything third-party lives outside the checkout, under NETFORGE_CACHE
# (default ~/.cache/netforge), so a fresh clone commits nothing of it and a second
# setup run finds it all in place:
#   debsrc/            Debian source packages (imgui, libsdl2, protobuf) as downloaded
#   src/<pkg>-<ver>/   those packages unpacked with dpkg-source
#   emscripten/<ver>/  private Emscripten config + writable cache (Debian's is frozen)
#   wasm-<key>/        WebAssembly builds of SDL2 and protobuf-lite + the imgui sources;
#                      <key> names every version that went into it
#   current.env        exports for the build scripts, written by scripts/setup.sh

NF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NETFORGE_CACHE="${NETFORGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netforge}"
NF_ENV_FILE="$NETFORGE_CACHE/current.env"
NF_BUILD_WEB="${NF_BUILD_WEB:-$NF_ROOT/build-web}"
NF_BUILD_NATIVE="${NF_BUILD_NATIVE:-$NF_ROOT/build-native-web}"
NF_JOBS="${NF_JOBS:-$(nproc 2>/dev/null || echo 2)}"

nf_say() { printf '\033[1m[netforge]\033[0m %s\n' "$*"; }
nf_die() { printf '[netforge] error: %s\n' "$*" >&2; exit 1; }
nf_now() { date +%s.%N; }
nf_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

# Loads the exports written by setup.sh (EM_CONFIG, NODE_PATH, NETFORGE_WASM_DEPS);
# runs setup first if it never ran on this machine.
nf_load_env() {
  if [[ ! -f "$NF_ENV_FILE" ]]; then
    nf_say "no setup found in $NETFORGE_CACHE: running scripts/setup.sh"
    bash "$NF_ROOT/scripts/setup.sh" || nf_die "setup failed"
  fi
  # shellcheck disable=SC1090
  source "$NF_ENV_FILE"
}
