#!/usr/bin/env bash
# scripts/bench.sh [runs] - the site's baseline numbers:
#   1. transfer size of the site (wasm, js, data), raw and gzip -9
#   2. navigation -> first rendered frame in headless Chromium, median of 5 runs
#      (tests/browser/bench.mjs; also the time until the sample model is drawn)
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
