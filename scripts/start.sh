#!/usr/bin/env bash
# scripts/start.sh [--port N] - set up (cached after the first run), build, and serve
# the site on http://127.0.0.1:8080 (loopback only). The page opens with the
# sample model loaded. Ctrl+C stops the server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

bash "$NF_ROOT/scripts/setup.sh"
bash "$NF_ROOT/scripts/build-web.sh"
nf_say "open the URL below in a browser (Ctrl+C stops the server)"
exec /usr/bin/python3 "$NF_ROOT/scripts/serve.py" --dir "$NF_BUILD_WEB/site" "$@"
