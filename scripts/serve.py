#!/usr/bin/env python3
"""scripts/serve.py [--dir DIR] [--host HOST] [--port PORT] - serve the static site.

A plain static file server on loopback (default http://127.0.0.1:8080) that sends
.wasm as application/wasm (needed for streaming compilation) and the manifest as
application/manifest+json. Every response says Cache-Control: no-cache, so a rebuilt
site is picked up on reload; offline use is the service worker's job, not the HTTP
cache's. --port 0 picks a free port; the first line printed is always
"NetForge: serving <dir> at <url>", which the tests parse.
"""
import argparse
import functools
import http.server
import os
import sys

TYPES = {
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".html": "text/html; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".onnx": "application/octet-stream",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, fmt, *args):
        if os.environ.get("NETFORGE_SERVE_QUIET") != "1":
            super().log_message(fmt, *args)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description="Serve the NetForge site on loopback.")
    parser.add_argument("--dir", default=os.path.join(root, "build-web", "site"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()

    if not os.path.isfile(os.path.join(args.dir, "index.html")):
        sys.exit(f"serve.py: {args.dir} has no index.html; build the site first (scripts/build-web.sh)")
    handler = functools.partial(Handler, directory=args.dir)
    try:
        server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    except OSError as e:
        sys.exit(f"serve.py: cannot listen on {args.host}:{args.port}: {e.strerror}")
    host, port = server.server_address[:2]
    print(f"NetForge: serving {args.dir} at http://{host}:{port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
