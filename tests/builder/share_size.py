#!/usr/bin/env python3
"""Measures the share link of a 50-layer model and checks it restores the model exactly.

usage: share_size.py NETFORGE [DOCS_DIR]

Builds a realistic 50-layer residual CNN document (as the editor would: default names
with a few renamed layers, whole-unit positions, a branch beside the main column),
takes its compact form from `netforge check --compact`, and forms the URL fragment the
browser would: raw deflate (as CompressionStream("deflate-raw")) + base64url, plain and
encrypted (salt 16 + iv 12 + GCM tag 16 bytes). Asserts both fit a 2,000-character
link with room for the site's address, and that loading the compact form gives the same
layers, parameters, shapes and edges as the original. Then the same for a harsher
variant (every layer renamed, positions scattered). Prints the measured sizes.
"""
import base64
import json
import os
import sys
import tempfile
import zlib

from builder_docs import check_json, document, run

ORIGIN_ALLOWANCE = 100  # "https://<host>/<path>/#": what the link needs besides the fragment
LINK_LIMIT = 2000


def fifty_layer_model():
    nodes, edges = [], []
    counts = {}

    def add(type_, inputs, x, y, name=None, **params):
        base = type_.lower()
        counts[base] = counts.get(base, 0) + 1
        nid = len(nodes) + 1
        nodes.append({"id": nid, "type": type_, "name": name or f"{base}_{counts[base]}", "params": params,
                      "pos": [x, y]})
        edges.extend({"from": src, "to": nid, "port": port} for port, src in enumerate(inputs))
        return nid

    y = 0

    def below(type_, prev, name=None, **params):
        nonlocal y
        y += 100
        return add(type_, [prev], 0, y, name, **params)

    x = add("Input", [], 0, 0, "image", shape=[64, 64, 3])
    h = below("Conv2d", x, "stem", out_channels=32, kernel_size=[3, 3], padding="same", bias=False)
    h = below("BatchNorm2d", h)
    h = below("ReLU", h)
    h = below("MaxPool2d", h, kernel_size=[3, 3], stride=[2, 2], padding="same")
    channels = 32
    for stage, width in enumerate([32, 64, 128, 256]):
        stride = 1 if stage == 0 else 2
        shortcut = h
        a = below("Conv2d", h, out_channels=width, kernel_size=[3, 3], stride=[stride, stride], padding="same",
                  bias=False)
        a = below("BatchNorm2d", a)
        a = below("ReLU", a)
        a = below("Conv2d", a, out_channels=width, kernel_size=[3, 3], padding="same", bias=False)
        a = below("BatchNorm2d", a)
        if stride != 1 or width != channels:
            shortcut = add("Conv2d", [shortcut], 220, y - 300, out_channels=width, kernel_size=[1, 1],
                           stride=[stride, stride], bias=False)
            shortcut = add("BatchNorm2d", [shortcut], 220, y - 200)
        y += 100
        h = add("Add", [a, shortcut], 0, y, f"block{stage + 1}")
        h = below("ReLU", h)
        channels = width
    h = below("Dropout2d", h, p=0.1)
    h = below("GlobalAvgPool2d", h)
    h = below("Linear", h, out_features=256)
    h = below("BatchNorm1d", h)
    h = below("ReLU", h)
    h = below("Dropout", h, p=0.3)
    h = below("Linear", h, out_features=128)
    h = below("GELU", h)
    h = below("Dropout", h, p=0.3)
    h = below("Linear", h, "head", out_features=100)
    h = below("LogSoftmax", h)
    assert len(nodes) == 50, len(nodes)
    return document("ResNet-ish 50", nodes, edges)


def harsh_variant(doc):
    """The same model with every layer renamed and the nodes scattered (worst case for
    the compact form's default names and position deltas)."""
    doc = json.loads(json.dumps(doc))
    for n in doc["nodes"]:
        n["name"] = f"{n['type'][:6].lower()} layer #{n['id']:02d}"
        n["pos"] = [(n["id"] * 7919) % 1201 - 600, (n["id"] * 104729) % 997 + n["id"] * 40]
    return doc


def summary(report):
    nodes = [(n["name"], n["type"], n["shape"], n["params"]) for n in report["nodes"]]
    edges = [(e["from"], e["to"], e["port"], e["shape"]) for e in report["edges"]]
    return nodes, edges, report["total"]


def measure(netforge, tmp, label, doc):
    saved = os.path.join(tmp, "model.json")
    with open(saved, "w") as f:
        json.dump(doc, f)
    original = check_json(netforge, saved)
    assert original["errors"] == 0, [n["issues"] for n in original["nodes"] if n["issues"]]
    _, compact, _ = run(netforge, "check", saved, "--compact")
    packed = os.path.join(tmp, "compact.json")
    with open(packed, "w") as f:
        f.write(compact)
    restored = check_json(netforge, packed)
    assert summary(restored) == summary(original), f"{label}: the compact form does not restore the model exactly"
    # Saving the restored document compacts to the same bytes.
    _, again, _ = run(netforge, "check", packed, "--compact")
    assert again == compact, f"{label}: compact form is not stable"

    raw = compact.encode("utf-8")
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate, zlib's default level
    deflated = deflater.compress(raw) + deflater.flush()
    assert zlib.decompress(deflated, -15) == raw
    plain = "nf1." + base64.urlsafe_b64encode(deflated).decode().rstrip("=")
    sealed = "nf1e." + base64.urlsafe_b64encode(bytes(16 + 12) + deflated + bytes(16)).decode().rstrip("=")
    print(f"50-layer model, {label}: compact {len(raw)} bytes, deflated {len(deflated)} bytes; "
          f"link fragment {len(plain)} characters, {len(sealed)} with a password")
    for kind, fragment in (("plain", plain), ("password", sealed)):
        assert len(fragment) + ORIGIN_ALLOWANCE <= LINK_LIMIT, \
            f"{label}: {kind} link fragment is {len(fragment)} characters"


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 2
    netforge = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        model = fifty_layer_model()
        for label, doc in (("editor-made", model), ("every layer renamed and scattered", harsh_variant(model))):
            measure(netforge, tmp, label, doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
