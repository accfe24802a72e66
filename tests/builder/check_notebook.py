#!/usr/bin/env python3
"""The builder's notebook download (`netforge codegen DOC.json --notebook`) works.

usage: check_notebook.py NETFORGE DOCS_DIR

For every example document and every template: the .ipynb is nbformat 4 JSON (checked
with python3-nbformat's schema when installed, else the fields nbformat 4.4 requires);
its code cells, concatenated, compile with python3; the model cell runs with torch and
shows the builder's output shapes and parameter count. Where the notebook loads MNIST or
CIFAR-10, the data and training cells run too, on torchvision's FakeData of the same
image size in place of the download (the machine is offline): one epoch step trains and
the test accuracy is printed. Exits 77 (skipped) when python3-torch is missing.
"""
import contextlib
import io
import json
import os
import sys
import tempfile

from builder_docs import EXAMPLES, SKIP, check_json, run

try:
    import torch
    from torchvision import datasets
except ImportError:
    print("SKIP: python3-torch / python3-torchvision are not installed")
    sys.exit(SKIP)


def check_format(nb, label):
    try:
        import nbformat
        nbformat.validate(nbformat.from_dict(nb))
        return
    except ImportError:
        pass
    assert nb["nbformat"] == 4 and isinstance(nb["nbformat_minor"], int), f"{label}: not nbformat 4"
    assert isinstance(nb["metadata"], dict) and nb["cells"], f"{label}: no metadata or no cells"
    for cell in nb["cells"]:
        assert cell["cell_type"] in ("markdown", "code"), f"{label}: cell type {cell['cell_type']}"
        assert isinstance(cell["metadata"], dict) and all(isinstance(s, str) for s in cell["source"])
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{label}: a code cell has outputs"
        else:
            assert set(cell) == {"cell_type", "metadata", "source"}, f"{label}: markdown cell fields {sorted(cell)}"


def fake_dataset(name, shape):
    def make(root, train=True, download=False, transform=None):
        return datasets.FakeData(size=8 if train else 4, image_size=shape, num_classes=10, transform=transform)
    return make


def check_notebook(netforge, path, label):
    _, text, _ = run(netforge, "codegen", path, "--notebook")
    nb = json.loads(text)
    check_format(nb, label)
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    compile("\n\n".join(cells), label + ".ipynb", "exec")
    expected = check_json(netforge, path)
    ns = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(cells[0], label + " model cell", "exec"), ns)
    outs = ns["outputs"] if isinstance(ns["outputs"], tuple) else (ns["outputs"],)
    want = [next(n["shape_pytorch"] for n in expected["nodes"] if n["id"] == o["id"]) for o in expected["outputs"]]
    assert [list(o.shape[1:]) for o in outs] == want, f"{label}: model cell outputs {[tuple(o.shape) for o in outs]}, builder {want}"
    params = ns["count_parameters"](ns["model"])
    assert params == expected["total"]["trainable"], f"{label}: {params} parameters, builder {expected['total']['trainable']}"
    data = next((c for c in cells if "torchvision import datasets" in c), None)
    if data is None:
        assert cells[-1].strip() == "train(model)", f"{label}: no data loader and no random-data training"
        return "model cell runs; random-data training"
    name = "MNIST" if "datasets.MNIST(" in data else "CIFAR10"
    shape = [1, 28, 28] if name == "MNIST" else [3, 32, 32]
    size = next(n["shape_pytorch"] for n in expected["nodes"] if n["id"] == expected["inputs"][0]["id"])
    if len(size) == 3:
        shape = size  # FakeData at the model's size (the real images are resized to it)
    real = datasets.MNIST, datasets.CIFAR10
    datasets.MNIST, datasets.CIFAR10 = fake_dataset("MNIST", tuple(shape)), fake_dataset("CIFAR10", tuple(shape))
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(data, label + " data cell", "exec"), ns)
            exec(compile(cells[-1].replace("epochs = 2", "epochs = 1"), label + " training cell", "exec"), ns)
    finally:
        datasets.MNIST, datasets.CIFAR10 = real
    assert "test accuracy" in out.getvalue(), f"{label}: the training cell printed no accuracy: {out.getvalue()}"
    return f"model cell runs; {name} loader and training loop run (on FakeData)"


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    netforge, docs = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    failures = []
    jobs = [(name, os.path.join(docs, name + ".json")) for name in EXAMPLES]
    with tempfile.TemporaryDirectory() as tmp:
        for t in json.loads(run(netforge, "template", "--json")[1]):
            path = os.path.join(tmp, f"template_{len(jobs)}.json")
            run(netforge, "template", t["name"], "-o", path)
            jobs.append(("template " + t["name"], path))
        for label, path in jobs:
            if check_json(netforge, path)["errors"]:
                continue
            try:
                print(f"{label}: {check_notebook(netforge, path, label)}")
            except Exception as e:
                failures.append(f"{label}: {type(e).__name__}: {e}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(jobs) - len(failures)} notebooks checked, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
