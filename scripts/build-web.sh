#!/usr/bin/env bash
# scripts/build-web.sh - build the WebAssembly app and assemble the static site in
# build-web/site/:
#   index.html host.js netforge.js netforge.wasm   the app
#   sw.js manifest.webmanifest icon*.{svg,png}      offline + installable
#   sample.onnx                                     written by the native CLI
#   run.js imagenet_labels.txt                      the Run panel (labels from python3-torchvision)
# The service worker's cache name carries a hash of the site's files, so any change
# to them replaces the offline copy on the next visit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
nf_load_env

T0=$(nf_now)
# The sample model comes from the project itself: `netforge sample` (native CLI).
bash "$NF_ROOT/scripts/build-native.sh" netforge

if [[ ! -f "$NF_BUILD_WEB/build.ninja" ]] ||
   ! grep -qF "NETFORGE_WASM_DEPS:PATH=$NETFORGE_WASM_DEPS" "$NF_BUILD_WEB/CMakeCache.txt"; then
  nf_say "configuring the web build in $NF_BUILD_WEB"
  emcmake cmake -S "$NF_ROOT" -B "$NF_BUILD_WEB" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DNETFORGE_WASM_DEPS="$NETFORGE_WASM_DEPS" >/dev/null
fi
nf_say "building the web app (em++)"
cmake --build "$NF_BUILD_WEB" -j"$NF_JOBS" --target netforge_web

nf_say "assembling the site"
SITE="$NF_BUILD_WEB/site"
TMP="$NF_BUILD_WEB/site.tmp"
rm -rf "$TMP" && mkdir -p "$TMP"
cp "$NF_ROOT/web/index.html" "$NF_ROOT/web/host.js" "$NF_ROOT/web/share.js" "$NF_ROOT/web/autosave.js" "$NF_ROOT/web/run.js" "$NF_ROOT/web/manifest.webmanifest" "$NF_ROOT/web/icon.svg" "$TMP/"
cp "$NF_BUILD_WEB/app/netforge.js" "$NF_BUILD_WEB/app/netforge.wasm" "$TMP/"
"$NF_BUILD_NATIVE/netforge" sample -o "$TMP/sample.onnx"
# PNG icons (installability wants raster sizes); regenerated only when the script changes.
ICONS="$NF_BUILD_WEB/icons"
if [[ ! -f "$ICONS/icon-512.png" || "$NF_ROOT/web/make_icons.py" -nt "$ICONS/icon-512.png" ]]; then
  mkdir -p "$ICONS" && /usr/bin/python3 "$NF_ROOT/web/make_icons.py" "$ICONS"
fi
cp "$ICONS"/icon-*.png "$TMP/"
# ImageNet class names for the Run panel's top-k; regenerated when the script changes.
LABELS="$NF_BUILD_WEB/imagenet_labels.txt"
if [[ ! -s "$LABELS" || "$NF_ROOT/scripts/imagenet_labels.py" -nt "$LABELS" ]]; then
  /usr/bin/python3 "$NF_ROOT/scripts/imagenet_labels.py" "$LABELS"
fi
cp "$LABELS" "$TMP/"
build_id=$(cd "$TMP" && cat $(ls | sort) | sha256sum | cut -c1-12)
sed "s/__NETFORGE_BUILD__/$build_id/g" "$NF_ROOT/web/sw.js" > "$TMP/sw.js"
rm -rf "$SITE.old"
[[ -d "$SITE" ]] && mv "$SITE" "$SITE.old"
mv "$TMP" "$SITE" && rm -rf "$SITE.old"
nf_say "site ready in $SITE (build $build_id) after $(nf_since "$T0")"
