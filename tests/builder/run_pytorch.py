#!/usr/bin/env python3
"""Runs the PyTorch code NetForge generates and compares it with what the builder shows.

usage: run_pytorch.py NETFORGE DOCS_DIR

For each example document, each template (`netforge template NAME`) and one small
document per PyTorch layer of the catalog:
`netforge check --json` gives the shapes and parameter counts the builder displays and
`netforge codegen --framework pytorch --train` the code. The code is executed with
python3-torch; the model gets random inputs of the builder's input shapes; its output
shapes, parameter count (sum over model.parameters()) and buffer count (BatchNorm
running statistics) must equal the builder's, and the generated train() must run.
Exits 77 (skipped) when torch is not installed.
"""
import json
import os
import sys
import tempfile

from builder_docs import EXAMPLES, SKIP, catalog, check_json, run, smoke_document, write_temp

try:
    import torch
    import torch.nn as nn
except ImportError:
    print("python3-torch is not installed: skipping")
    sys.exit(SKIP)


def example_input(spec, batch):
    shape = [batch] + spec["shape"]
    if spec["dtype"] == "int64":
        return torch.randint(0, 2, shape)
    return torch.randn(*shape)


def run_document(netforge, path, label, train_steps):
    expected = check_json(netforge, path)
    assert expected["errors"] == 0, f"{label}: the builder reports errors"
    _, code, _ = run(netforge, "codegen", path, "--framework", "pytorch", "--train")
    namespace = {"__name__": "netforge_generated"}
    exec(compile(code, f"<{label}>", "exec"), namespace)  # the main block does not run
    cls = namespace[expected["class_name"]]
    torch.manual_seed(0)
    model = cls()
    model.eval()
    inputs = [example_input(spec, 3) for spec in expected["inputs"]]
    with torch.no_grad():
        outputs = model(*inputs)
    if not isinstance(outputs, tuple):
        outputs = (outputs,)
    assert len(outputs) == len(expected["outputs"]), f"{label}: {len(outputs)} outputs"
    for out, spec in zip(outputs, expected["outputs"]):
        got, want = list(out.shape), [3] + spec["shape"]
        assert got == want, f"{label}: output {spec['name']} has shape {got}, the builder shows {want}"
    params = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for n, b in model.named_buffers() if not n.endswith("num_batches_tracked"))
    assert params == expected["total"]["trainable"], \
        f"{label}: {params} parameters, the builder shows {expected['total']['trainable']}"
    assert buffers == expected["total"]["non_trainable"], \
        f"{label}: {buffers} buffer values, the builder shows {expected['total']['non_trainable']}"
    if train_steps:
        loss = namespace["train"](model, steps=train_steps, batch_size=4)
        assert loss == loss, f"{label}: training produced NaN"
    return params


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    netforge, docs = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    failures = []
    for name in EXAMPLES:
        path = os.path.join(docs, name + ".json")
        try:
            params = run_document(netforge, path, name, train_steps=2)
            print(f"ok  {name}: {params} parameters")
        except Exception as e:  # report every document, not only the first failure
            failures.append(f"{name}: {e}")
    with tempfile.TemporaryDirectory() as tmp:
        for t in json.loads(run(netforge, "template", "--json")[1]):
            path = os.path.join(tmp, "template.json")
            run(netforge, "template", t["name"], "-o", path)
            try:
                params = run_document(netforge, path, t["name"], train_steps=0)
                print(f"ok  template {t['name']}: {params} parameters")
            except Exception as e:
                failures.append(f"template {t['name']}: {e}")
        layers = [l for l in catalog(netforge) if "pytorch" in l["frameworks"]]
        for layer in layers:
            path = write_temp(smoke_document(layer), tmp)
            try:
                run_document(netforge, path, layer["type"], train_steps=0)
            except Exception as e:
                failures.append(f"layer {layer['type']}: {e}")
        print(f"ran the generated code of {len(layers)} PyTorch layer types at their defaults")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
