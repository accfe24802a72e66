#!/usr/bin/env python3
"""Keras code of imported models, built by a Keras engine (issue 15).

usage: keras_imported.py NETFORGE CORPUS_DIR WORK_DIR

The model zoo's ResNet-50 and VGG-19 (corpus folder `light`) open in the builder with
layers Keras has: ResNet's residual Sum nodes become Add merges and the Reshape before
each classifier becomes Flatten. For each, `netforge import` writes the builder document,
`netforge codegen --framework keras` must write Keras code (not refuse a layer), and
tests/builder/check_tfjs.mjs must build its Keras model with tfjs-layers (TensorFlow
itself cannot be installed here) with the output shape and parameter count that
`netforge check --framework keras` shows. Exit 77 (skipped) without the corpus or
tests/keras (bash scripts/setup.sh).
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK_TFJS = os.path.join(HERE, "..", "builder", "check_tfjs.mjs")
# corpus file -> text its Keras code must hold
MODELS = {
    "light/light_resnet50.onnx": ["layers.Add(", "layers.Flatten(", "layers.Dense(1000"],
    "light/light_vgg19.onnx": ["layers.Flatten(", "layers.Dense(4096"],
}


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    netforge, corpus, work = sys.argv[1:]
    if not corpus or not os.path.isdir(corpus):
        print("SKIP: no corpus (NETFORGE_CORPUS_DIR)")
        return 77
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        print("SKIP: no node for tfjs-layers")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = []
    for rel, wanted in MODELS.items():
        name = os.path.splitext(os.path.basename(rel))[0]
        doc = os.path.join(work, name + ".json")
        r = subprocess.run([netforge, "import", os.path.join(corpus, rel), "-o", doc], capture_output=True, text=True)
        if r.returncode:
            failures.append(f"{name}: import failed: {r.stderr.strip()[:400]}")
            continue
        r = subprocess.run([netforge, "codegen", doc, "--framework", "keras"], capture_output=True, text=True)
        if r.returncode:
            failures.append(f"{name}: no Keras code: {r.stderr.strip()[:400]}")
            continue
        missing = [w for w in wanted if w not in r.stdout]
        if missing:
            failures.append(f"{name}: the Keras code lacks {missing}")
        print(f"{name}: Keras code of {r.stdout.count(chr(10))} lines")
    r = subprocess.run([node, CHECK_TFJS, netforge, work], capture_output=True, text=True, timeout=600)
    if r.returncode == 77:
        print(r.stdout.strip())
        return 77
    built = {line.split(":")[0] for line in r.stdout.splitlines() if ": tfjs-layers built it" in line}
    for line in r.stdout.splitlines():
        if line.startswith("light_"):
            print(line)
    if r.returncode:
        failures.append(f"check_tfjs failed ({r.returncode}): {r.stdout.strip()[-800:]} {r.stderr.strip()[-400:]}")
    for rel in MODELS:
        name = os.path.splitext(os.path.basename(rel))[0]
        if name not in built:
            failures.append(f"{name}: tfjs-layers did not build its Keras model")
    for f in failures:
        print("FAIL", f)
    print(f"{len(MODELS) - len({f.split(':')[0] for f in failures})} passed, "
          f"{len({f.split(':')[0] for f in failures})} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
