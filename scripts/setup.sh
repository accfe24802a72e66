#!/usr/bin/env bash
# scripts/setup.sh - prepare this machine to build and test NetForge.
#
# Reaches only Debian's archive and the npm registry. Idempotent: every step first
# checks whether its result is already there, so a second run takes seconds.
#
#   1. apt packages (only those missing; nodejs/npm only if node/npm are absent)
#   2. a deb-src entry, then the Debian source packages of imgui, libsdl2, protobuf
#   3. a private Emscripten config + writable cache (Debian's cache is frozen)
#   4. SDL2 and protobuf-lite built for WebAssembly, plus the imgui sources,
#      in $NETFORGE_CACHE/wasm-<versions>/
#   5. playwright-core (pinned in tests/browser/package-lock.json) for browser tests
#   6. onnxruntime-node/-web 1.30 (tests/ort/package-lock.json): the runtime's reference
#   7. tfjs-layers/-core/-backend-cpu 4.22 (tests/keras/package-lock.json): a Keras engine
#      that builds the builder's Keras JSON in the tests
#
# Writes $NETFORGE_CACHE/current.env, which the build scripts source.
# Needs root (or sudo) only when packages are missing or deb-src must be added.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

T0=$(nf_now)
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$NETFORGE_CACHE"

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null && SUDO="sudo"
fi

# --- [1] apt packages ---------------------------------------------------------------
PACKAGES=(
  emscripten cmake ninja-build make g++ clang libclang-rt-14-dev dpkg-dev xz-utils
  protobuf-compiler libprotobuf-dev libonnx-dev nlohmann-json3-dev libgtest-dev
  chromium fonts-dejavu-core graphviz
  python3 python3-onnx python3-torch python3-torchvision python3-numpy
)
# nodejs/npm from Debian conflict with a node already on the image: only when absent.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

APT_UPDATED=0
apt_update_once() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    nf_say "apt-get update"
    $SUDO apt-get update -q
    APT_UPDATED=1
  fi
}

missing=()
for p in "${PACKAGES[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ "$st" == ii* ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  [[ $(id -u) -eq 0 || -n "$SUDO" ]] || nf_die "packages missing (${missing[*]}) and not root: run as root"
  apt_update_once
  nf_say "installing ${#missing[@]} packages: ${missing[*]}"
  $SUDO apt-get install -y -q "${missing[@]}"
else
  nf_say "apt packages: all ${#PACKAGES[@]} present"
fi

# --- [2] Debian source packages -----------------------------------------------------
DEBSRC="$NETFORGE_CACHE/debsrc"
SRC_PACKAGES=(imgui libsdl2 protobuf)
mkdir -p "$DEBSRC"
need_src=0
for p in "${SRC_PACKAGES[@]}"; do
  compgen -G "$DEBSRC/${p}_*.dsc" >/dev/null || need_src=1
done
if [[ $need_src -eq 1 ]]; then
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    nf_say "adding a deb-src entry for $suite"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$suite" | $SUDO tee /etc/apt/sources.list.d/netforge-debsrc.sources >/dev/null
    APT_UPDATED=0
  fi
  apt_update_once
  nf_say "downloading Debian sources: ${SRC_PACKAGES[*]}"
  tmp=$(mktemp -d "$DEBSRC/.dl.XXXXXX")
  # As root apt warns that it cannot drop to the _apt sandbox user: harmless here.
  (cd "$tmp" && apt-get source --download-only -q "${SRC_PACKAGES[@]}" 2>&1 | grep -v 'unsandboxed' || true)
  for p in "${SRC_PACKAGES[@]}"; do
    compgen -G "$tmp/${p}_*.dsc" >/dev/null || nf_die "apt-get source did not fetch $p"
  done
  mv "$tmp"/* "$DEBSRC"/ && rmdir "$tmp"
else
  nf_say "Debian sources: cached in $DEBSRC"
fi

# Version of a source package as downloaded, e.g. "2.26.5+dfsg-1" (newest .dsc wins).
dsc_of() { ls "$DEBSRC/${1}"_*.dsc | sort -V | tail -n1; }
ver_of() { local f; f=$(basename "$(dsc_of "$1")" .dsc); echo "${f#${1}_}"; }
upstream_of() { local v; v=$(ver_of "$1"); v="${v%-*}"; v="${v%%+*}"; echo "${v#*:}"; }

SRCROOT="$NETFORGE_CACHE/src"
mkdir -p "$SRCROOT"
# Unpacks a source package with Debian's patches applied into src/<pkg>-<version>.
unpack() {
  local p=$1 dir="$SRCROOT/$1-$(ver_of "$1")"
  if [[ ! -f "$dir/.unpacked" ]]; then
    rm -rf "$dir"
    nf_say "unpacking $(basename "$(dsc_of "$p")")" >&2
    (cd "$SRCROOT" && dpkg-source -x "$(dsc_of "$p")" "$dir" >/dev/null 2>&1) ||
      nf_die "dpkg-source -x failed for $p"
    touch "$dir/.unpacked"
  fi
  echo "$dir"
}
IMGUI_SRC=$(unpack imgui)
SDL_SRC=$(unpack libsdl2)
PROTOBUF_SRC=$(unpack protobuf)

# --- [3] Emscripten: private config + writable cache ----------------------------------
EMCC_VER=$(dpkg-query -W -f='${Version}' emscripten)
EM_DIR="$NETFORGE_CACHE/emscripten/$EMCC_VER"
EM_CONFIG_FILE="$EM_DIR/config"
if [[ ! -f "$EM_DIR/.ready" ]]; then
  nf_say "preparing a writable Emscripten cache ($EMCC_VER)"
  rm -rf "$EM_DIR" && mkdir -p "$EM_DIR/cache"
  cp -a /usr/share/emscripten/cache/. "$EM_DIR/cache/"
  grep -v '^FROZEN_CACHE' /usr/share/emscripten/.emscripten > "$EM_CONFIG_FILE"
  printf "\nCACHE = '%s'\n" "$EM_DIR/cache" >> "$EM_CONFIG_FILE"
  touch "$EM_DIR/.ready"
else
  nf_say "Emscripten cache: $EM_DIR"
fi
export EM_CONFIG="$EM_CONFIG_FILE"
export NODE_PATH=/usr/share/nodejs   # the JS optimizer (-O1+) needs acorn

# --- [4] WebAssembly builds of SDL2 and protobuf-lite ---------------------------------
key="sdl2-$(ver_of libsdl2)_protobuf-$(ver_of protobuf)_imgui-$(ver_of imgui)_emcc-$EMCC_VER"
key=$(echo "$key" | tr ':' '_')  # epochs (1:2.3) would confuse PATH-like lists
PREFIX="$NETFORGE_CACHE/wasm-$key"
if [[ ! -f "$PREFIX/.ready" ]]; then
  WORK="$NETFORGE_CACHE/work"
  rm -rf "$WORK" "$PREFIX.tmp" && mkdir -p "$WORK" "$PREFIX.tmp/lib" "$PREFIX.tmp/include/protobuf"

  t=$(nf_now)
  nf_say "building protobuf-lite $(ver_of protobuf) for wasm"
  emcmake cmake -S "$PROTOBUF_SRC/cmake" -B "$WORK/protobuf" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -Dprotobuf_BUILD_TESTS=OFF -Dprotobuf_BUILD_PROTOC_BINARIES=OFF \
    -Dprotobuf_BUILD_SHARED_LIBS=OFF -Dprotobuf_WITH_ZLIB=OFF >"$WORK/protobuf.log" 2>&1 ||
    { tail -30 "$WORK/protobuf.log"; nf_die "protobuf configure failed"; }
  cmake --build "$WORK/protobuf" --target libprotobuf-lite -j"$NF_JOBS" >>"$WORK/protobuf.log" 2>&1 ||
    { tail -30 "$WORK/protobuf.log"; nf_die "protobuf build failed"; }
  cp "$WORK/protobuf/libprotobuf-lite.a" "$PREFIX.tmp/lib/"
  (cd "$PROTOBUF_SRC/src" && find google \( -name '*.h' -o -name '*.inc' \) -print0 |
    xargs -0 cp --parents -t "$PREFIX.tmp/include/protobuf/")
  nf_say "  protobuf-lite done in $(nf_since "$t")"

  t=$(nf_now)
  nf_say "building SDL2 $(ver_of libsdl2) for wasm (a few minutes)"
  emcmake cmake -S "$SDL_SRC" -B "$WORK/sdl2" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF \
    -DCMAKE_INSTALL_PREFIX="$PREFIX.tmp" >"$WORK/sdl2.log" 2>&1 ||
    { tail -30 "$WORK/sdl2.log"; nf_die "SDL2 configure failed"; }
  cmake --build "$WORK/sdl2" --target install -j"$NF_JOBS" >>"$WORK/sdl2.log" 2>&1 ||
    { tail -30 "$WORK/sdl2.log"; nf_die "SDL2 build failed"; }
  nf_say "  SDL2 done in $(nf_since "$t")"

  cp -a "$IMGUI_SRC" "$PREFIX.tmp/imgui"
  [[ -f "$PREFIX.tmp/imgui/imgui.cpp" && -f "$PREFIX.tmp/imgui/backends/imgui_impl_sdl.cpp" ]] ||
    nf_die "unexpected layout of the imgui source package in $IMGUI_SRC"
  touch "$PREFIX.tmp/.ready"
  rm -rf "$PREFIX" && mv "$PREFIX.tmp" "$PREFIX" && rm -rf "$WORK"
else
  nf_say "wasm libraries: cached in $PREFIX"
fi

# --- [5] playwright-core for the browser tests ------------------------------------------
BROWSER_DIR="$NF_ROOT/tests/browser"
want=$(node -p "require('$BROWSER_DIR/package-lock.json').packages['node_modules/playwright-core'].version")
have=$(node -p "try { require('$BROWSER_DIR/node_modules/playwright-core/package.json').version } catch (e) { '' }")
if [[ "$want" != "$have" ]]; then
  nf_say "npm ci: playwright-core $want (no browser download; tests drive /usr/bin/chromium)"
  (cd "$BROWSER_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
else
  nf_say "playwright-core $have: installed"
fi

# --- [6] onnxruntime-node/-web 1.30: the runtime's reference (tests/runtime/ort_run.mjs,
# tests/browser/run_bench.mjs). ONNXRUNTIME_NODE_INSTALL=skip: its postinstall would
# download CUDA parts; the Linux x64 CPU binaries ship inside the package.
ORT_DIR="$NF_ROOT/tests/ort"
want=$(node -p "require('$ORT_DIR/package-lock.json').packages['node_modules/onnxruntime-node'].version")
have=$(node -p "try { require('$ORT_DIR/node_modules/onnxruntime-node/package.json').version } catch (e) { '' }")
if [[ "$want" != "$have" ]]; then
  nf_say "npm ci: onnxruntime-node/-web $want (tests/ort)"
  (cd "$ORT_DIR" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error)
else
  nf_say "onnxruntime-node $have: installed"
fi

# --- [7] TensorFlow.js layers 4.22: builds the builder's Keras JSON config in the tests
# (tests/builder/check_tfjs.mjs); TensorFlow itself has no Debian package. --ignore-scripts:
# nothing to build, and no install script runs.
# All three packages are checked: a partial node_modules is installed again.
KERAS_DIR="$NF_ROOT/tests/keras"
keras_missing=$(node -p "const lock = require('$KERAS_DIR/package-lock.json').packages;
  ['tfjs-layers', 'tfjs-core', 'tfjs-backend-cpu'].filter((p) => {
    try { return require('$KERAS_DIR/node_modules/@tensorflow/' + p + '/package.json').version
                 !== lock['node_modules/@tensorflow/' + p].version; } catch (e) { return true; }
  }).join(' ')")
want=$(node -p "require('$KERAS_DIR/package-lock.json').packages['node_modules/@tensorflow/tfjs-layers'].version")
if [[ -n "$keras_missing" ]]; then
  nf_say "npm ci: tfjs-layers/-core/-backend-cpu $want (tests/keras; missing or other version: $keras_missing)"
  (cd "$KERAS_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
else
  nf_say "tfjs-layers/-core/-backend-cpu $want: installed"
fi

# --- current.env --------------------------------------------------------------------
cat > "$NF_ENV_FILE.tmp" <<EOF
# Written by scripts/setup.sh; sourced by the build scripts.
export EM_CONFIG='$EM_CONFIG_FILE'
export NODE_PATH='/usr/share/nodejs'
export NETFORGE_WASM_DEPS='$PREFIX'
export NETFORGE_FONT_TTF='/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
EOF
mv "$NF_ENV_FILE.tmp" "$NF_ENV_FILE"
nf_say "setup complete in $(nf_since "$T0") (cache: $NETFORGE_CACHE)"
