#!/usr/bin/env bash
# scripts/bench.sh [runs] - the site's baseline numbers:
#   1. transfer size of the site (wasm, js, data), raw and gzip -9
#   2. navigation -> first rendered frame in headless Chromium, median of 5 runs
#      (tests/browser/bench.mjs; also the time until the sample model is drawn)
#   3. the builder with 500 layers: frame intervals while dragging a node and panning
#      (tests/browser/builder_bench.mjs; with a builder-closed control on the same page)
# Builds the site first if it is missing. Results also go to build-web/bench-*.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SITE="$NF_BUILD_WEB/site"
[[ -f "$SITE/index.html" ]] || bash "$NF_ROOT/scripts/build-web.sh"

echo "site transfer size ($SITE):"
printf '  %-22s %12s %12s\n' file raw gzip
total_raw=0
total_gz=0
json="{"
for f in netforge.wasm netforge.js host.js index.html sw.js manifest.webmanifest sample.onnx; do
  raw=$(stat -c %s "$SITE/$f")
  gz=$(gzip -9 -c "$SITE/$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '  %-22s %12s %12s\n' "$f" "$raw" "$gz"
  json+="\"$f\":{\"raw\":$raw,\"gzip\":$gz},"
done
printf '  %-22s %12s %12s   (bytes; wasm + js + html + data)\n' total "$total_raw" "$total_gz"
json+="\"total\":{\"raw\":$total_raw,\"gzip\":$total_gz}}"
echo "$json" > "$NF_BUILD_WEB/bench-size.json"
echo
node "$NF_ROOT/tests/browser/bench.mjs" "${1:-5}"

# --- the model builder: 500 layers, drag and pan frame intervals (SwiftShader) ---------
echo
node "$NF_ROOT/tests/browser/builder_bench.mjs" || true

# --- big models: the torchvision/transformer exports (random weights, Debian torch) ---
MODELS="$NETFORGE_CACHE/models"
PEERS="$NF_ROOT/../shared/peers"
if [[ ! -f "$MODELS/resnet50.onnx" && -f "$PEERS/export_models.py" ]]; then
  echo
  nf_say "exporting the benchmark models into $MODELS (about a minute)"
  /usr/bin/python3 "$PEERS/export_models.py" --out "$MODELS" --only resnet50 mobilenet_v3_large densenet201 \
    vit_b_16 convnext_tiny swin_t transformer_enc12 transformer_enc48 >/dev/null 2>&1 || true
fi
# The 96+96-layer transformer (18k nodes) takes ~25 min to export: only on request.
if [[ "${NETFORGE_BENCH_BIG:-0}" == 1 && ! -f "$NETFORGE_CACHE/models-big/transformer_enc96_dec96.onnx" ]]; then
  /usr/bin/python3 "$PEERS/export_models.py" --out "$NETFORGE_CACHE/models-big" \
    --only transformer_enc96 transformer_enc96_dec96 >/dev/null 2>&1 || true
fi
echo
echo "native (netforge CLI, median of 5): open = sniff + skeleton + protobuf + IR; shapes = inference + metrics"
printf '  %-30s %8s %8s %10s %10s %10s\n' model MB nodes "open ms" "shapes ms" "hier ms"
for f in $(ls -S -r "$MODELS"/*.onnx "$NETFORGE_CACHE"/models-big/*.onnx 2>/dev/null); do
  "$NF_BUILD_NATIVE/netforge" bench "$f" --runs 5 2>/dev/null || true
done
echo
node "$NF_ROOT/tests/browser/bench_models.mjs"
echo "the same, flat graph (every node laid out):"
NETFORGE_GROUPING=flat node "$NF_ROOT/tests/browser/bench_models.mjs"
# --- big transformer exports, flat (issue 11: these once stayed "laying-out" forever):
# the 128-layer encoder of ../shared/repro and, when exported, the 96+96 transformer ---
big=()
for f in "$NF_ROOT/../shared/repro/encoder128.onnx" "$NETFORGE_CACHE/models-big/transformer_enc96_dec96.onnx"; do
  [[ -f "$f" ]] && big+=("$f")
done
if (( ${#big[@]} )); then
  echo "big transformer exports, flat graph (drop -> drawn):"
  NETFORGE_GROUPING=flat NETFORGE_BENCH_JSON=bench-transformers-flat node "$NF_ROOT/tests/browser/bench_models.mjs" "${big[@]}"
fi
# --- hierarchy: first sight and expand/collapse in the app (issue 6: <= 300 ms for the
# hierarchy of 20k nodes, <= 100 ms per expand/collapse redraw) ---
SYNTH="$NETFORGE_CACHE/models-big/synthetic20k.onnx"
if [[ ! -f "$SYNTH" ]]; then
  mkdir -p "$(dirname "$SYNTH")"
  /usr/bin/python3 "$NF_ROOT/tests/scene/make_synthetic.py" --nodes 20000 -o "$SYNTH" >/dev/null 2>&1 || rm -f "$SYNTH"
fi
echo
node "$NF_ROOT/tests/browser/groups_bench.mjs"
# --- first sight (issue 16): drop -> readable first picture at 1280x800 for 2k, 10k,
# 30k and 200k nodes (targets 300 ms, 1 s, 3 s); Netron on the same files in the same run
# via ../shared/peers/netron_bench.js. NETRON_DIR defaults to a checkout next to the
# shared folder (../shared/../netron, kept outside every project checkout); a checkout
# without source/onnx-metadata.json (a partial mirror) gets the peers' stand-in ---
echo
node "$NF_ROOT/tests/browser/firstsight_bench.mjs" || true
NETRON_DIR="${NETRON_DIR:-$(cd "$NF_ROOT/../shared" 2>/dev/null && pwd -P)/../netron}"
if [[ -f "$NETRON_DIR/source/index.html" && -f "$PEERS/netron_bench.js" ]]; then
  netron_args=(--runs 2 --timeout 120)
  if [[ ! -s "$NETRON_DIR/source/onnx-metadata.json" ]]; then
    mkdir -p "$NETFORGE_CACHE/netron-overlay"
    [[ -s "$NETFORGE_CACHE/netron-overlay/onnx-metadata.json" ]] ||
      /usr/bin/python3 "$PEERS/make_onnx_metadata.py" "$NETFORGE_CACHE/netron-overlay/onnx-metadata.json" >/dev/null
    netron_args+=(--overlay "$NETFORGE_CACHE/netron-overlay")
  fi
  echo "Netron on the same files (drop -> graph drawn, wall s; $NETRON_DIR):"
  NETRON_DIR="$NETRON_DIR" PLAYWRIGHT_CORE="$NF_ROOT/tests/browser/node_modules/playwright-core" \
    node "$PEERS/netron_bench.js" "${netron_args[@]}" "$NF_BUILD_WEB/synth/enc24.onnx" "$NF_ROOT/../shared/repro/encoder128.onnx" \
    "$NF_BUILD_WEB/synth/synth30k.onnx" "$NF_BUILD_WEB/synth/synth200k.onnx" || true
else
  echo "  (Netron: no checkout at $NETRON_DIR; set NETRON_DIR to a checkout of github.com/lutzroeder/netron to time it on the same files)"
fi
# --- LLM-size files (issue 16 item 5): a 7B-parameter model with 14 GB of external
# data (a sparse file, removed afterwards): open time, peak page memory, the CLI, and
# the longest blocking task while opening (LLM, synthetic 20k and 100k nodes) ---
echo
node "$NF_ROOT/tests/browser/bigfiles_bench.mjs" || true
# --- runtime kernels (issue 13): sgemm/conv2d GMAC/s on ResNet-50, MobileNetV3 and
# transformer shapes, native (best back end) and wasm SIMD128 under Node ---
echo
[[ -x "$NF_BUILD_NATIVE/kernels_bench" ]] || bash "$NF_ROOT/scripts/build-native.sh" kernels_bench >/dev/null
"$NF_BUILD_NATIVE/kernels_bench" || true
echo
bash "$NF_ROOT/tests/runtime/bench/run_wasm.sh" bench "$NF_BUILD_NATIVE/kernels-wasm" || true
# --- whole-model runtime (issue 13): NetForge's runtime next to onnxruntime 1.30 on
# ResNet-50, MobileNetV3-Large and a 6-layer d=256 transformer (random weights,
# ../shared/peers/ortweb/export_bench_models.py): in headless Chromium vs onnxruntime-web
# (wasm SIMD, one thread), natively (`netforge run --repeat`) vs onnxruntime-node (one
# thread); sides interleaved, medians and ratios; plus ResNet-50's memory in the page ---
ORTBENCH="$NETFORGE_CACHE/ortbench"
if [[ ! -f "$ORTBENCH/transformer_enc6_d256.onnx" && -f "$PEERS/ortweb/export_bench_models.py" ]]; then
  mkdir -p "$ORTBENCH"
  /usr/bin/python3 "$PEERS/ortweb/export_bench_models.py" "$ORTBENCH" >/dev/null 2>&1 || true
fi
[[ -x "$NF_BUILD_NATIVE/netforge" ]] || bash "$NF_ROOT/scripts/build-native.sh" netforge >/dev/null
echo
NF_BUILD_NATIVE="$NF_BUILD_NATIVE" NETFORGE_CACHE="$NETFORGE_CACHE" node "$NF_ROOT/tests/browser/run_bench.mjs" || true
# --- model comparison (issue 18): netforge diff on 30k vs 30k nodes (native, three
# pairs), then the same pair compared in the page (A dropped, B Shift-dropped: diff
# wall time, frame slices, the longest slice) next to the native CLI in the same run ---
echo
/usr/bin/python3 "$NF_ROOT/scripts/bench_diff.py" "$NF_BUILD_NATIVE/netforge" || true
NF_BUILD_NATIVE="$NF_BUILD_NATIVE" node "$NF_ROOT/tests/browser/compare_bench.mjs" || true
# --- Edit in builder (issue 15): ONNX -> builder document for ResNet-50 and the 96+96
# transformer (target <= 2 s in the page), native `netforge import --time` in the same run ---
echo
NF_BUILD_NATIVE="$NF_BUILD_NATIVE" NETFORGE_CACHE="$NETFORGE_CACHE" node "$NF_ROOT/tests/browser/edit_in_builder_bench.mjs" || true
# --- 3D view (issue 14): frame time in headless Chromium (SwiftShader) at 1280x800 on
# ResNet-50 with every layer closed, then with one 256-channel layer open (target <= 33 ms) ---
echo
node "$NF_ROOT/tests/browser/view3d_bench.mjs" || true
