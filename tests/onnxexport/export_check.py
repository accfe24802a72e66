#!/usr/bin/env python3
"""Builder -> ONNX: every document exports to a model that the world and we accept.

usage: export_check.py NETFORGE BUILDER_DOCS_DIR

For each example document (tests/builder/docs), each template (`netforge template`) and
one small document per PyTorch layer of the catalog:
  1. `netforge export-onnx DOC -o M.onnx` (random weights; a second export with
     --init zeros must hold only zero weights apart from norm scales and statistics);
  2. onnx.checker.check_model(M, full_check=True) passes (Debian's onnx; opset 17,
     strict shape inference against every declared shape);
  3. the sum of initializer elements equals the builder's parameter count (trainable +
     BatchNorm running statistics, `netforge check --json`);
  4. `netforge info M.onnx` opens it and `netforge run M.onnx --input random` runs it in
     our runtime: every output has the shape the builder shows (batch 1) and is finite.
  5. the builder's PyTorch code with the exported weights (mapped by name: MatMul weights
     transposed, recurrent gates reordered to PyTorch's order, attention projections
     packed into in_proj) gives the runtime's outputs (rtol 1e-4, atol 1e-4); the
     documents it cannot map (duplicate layer names) are listed at the end;
  6. the other direction: `netforge codegen M.onnx` (the importer) writes PyTorch that
     loads M's weights by its name map and gives the runtime's outputs.
Then, for a few documents, the builder's PyTorch module exported by torch.onnx has
the same number of parameters and the same output shapes as our export.
Exits 77 (skipped) when the onnx Python package is missing.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "builder"))
from builder_docs import EXAMPLES, SKIP, catalog, check_json, run, smoke_document, write_temp  # noqa: E402

try:
    import onnx
    import onnx.numpy_helper
except ImportError:
    print("the onnx Python package is not installed: skipping")
    sys.exit(SKIP)

TORCH_DOCS = ["cifar10_cnn", "mlp", "residual_add", "lstm_classifier", "unet_like"]


def initializer_elements(model):
    return sum(math.prod(t.dims) for t in model.graph.initializer)


def export(netforge, doc_path, out, *extra):
    run(netforge, "export-onnx", doc_path, "-o", out, *extra)
    return onnx.load(out)


def check_document(netforge, doc_path, label, tmp):
    expected = check_json(netforge, doc_path)
    assert expected["errors"] == 0, f"{label}: the builder reports errors"
    out = os.path.join(tmp, "model.onnx")
    model = export(netforge, doc_path, out, "--seed", "7")
    assert model.opset_import[0].version == 17, f"{label}: opset {model.opset_import[0].version}"
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as e:  # noqa: BLE001 - the checker raises several kinds
        raise AssertionError(f"{label}: onnx.checker: {str(e).splitlines()[0]}")
    want_params = expected["total"]["trainable"] + expected["total"]["non_trainable"]
    got_params = initializer_elements(model)
    assert got_params == want_params, f"{label}: {got_params} weights in the ONNX model, the builder shows {want_params}"
    run(netforge, "info", out)
    _, stdout, _ = run(netforge, "run", out, "--input", "random", "--json")
    outputs = json.loads(stdout)["outputs"]
    assert len(outputs) == len(expected["outputs"]), f"{label}: {len(outputs)} outputs, builder {len(expected['outputs'])}"
    for got, spec in zip(outputs, expected["outputs"]):
        assert got["shape"] == [1] + spec["shape"], \
            f"{label}: output {spec['name']} has shape {got['shape']} in the runtime, the builder shows {[1] + spec['shape']}"
        assert all(math.isfinite(v) for v in got.get("first_values", [])), f"{label}: non-finite output values"
    zeros = export(netforge, doc_path, out, "--init", "zeros")
    for t in zeros.graph.initializer:
        values = onnx.numpy_helper.to_array(t)
        keeps = t.name.endswith(("running_var", "norm1.weight", "norm2.weight", "norm3.weight")) or \
            (values.size and (values == 1).all()) or (values == 0.25).all()
        assert keeps or not values.any(), f"{label}: --init zeros left non-zero weights in {t.name}"
    return len(model.graph.node)


def torch_compare(netforge, doc_path, label, tmp):
    """The builder's PyTorch code exported by torch.onnx: same parameters, same output shapes."""
    import warnings
    import torch
    warnings.filterwarnings("ignore")
    expected = check_json(netforge, doc_path)
    _, code, _ = run(netforge, "codegen", doc_path, "--framework", "pytorch", "--no-main")
    namespace = {"__name__": "netforge_generated"}
    exec(compile(code, f"<{label}>", "exec"), namespace)
    model = namespace[expected["class_name"]]()
    model.eval()
    # Distinct random values: torch.onnx merges initializers with equal contents (the
    # ones and zeros of fresh norm layers), which would hide parameters from the count.
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.is_floating_point():
                t.uniform_(0.5, 1.5)
    inputs = tuple(torch.randn(1, *spec["shape"]) if spec["dtype"] == "float32" else torch.randint(0, 2, [1] + spec["shape"])
                   for spec in expected["inputs"])
    path = os.path.join(tmp, "torch.onnx")
    torch.onnx.export(model, inputs, path, opset_version=17, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE)
    theirs = onnx.load(path)
    ours = export(netforge, doc_path, os.path.join(tmp, "ours.onnx"))
    torch_params = sum(p.numel() for p in model.parameters()) + \
        sum(b.numel() for n, b in model.named_buffers() if not n.endswith("num_batches_tracked"))
    assert initializer_elements(ours) == torch_params, \
        f"{label}: our ONNX has {initializer_elements(ours)} weights, the PyTorch module {torch_params}"
    # torch.onnx writes parameters as initializers too (LSTM weights reordered and split
    # into pieces, num_batches_tracked added): same count once those are left out.
    theirs_params = sum(math.prod(t.dims) for t in theirs.graph.initializer
                        if t.data_type == onnx.TensorProto.FLOAT and not t.name.endswith("num_batches_tracked"))
    assert theirs_params == torch_params, f"{label}: torch.onnx wrote {theirs_params} weights, the module has {torch_params}"
    ours_out = [[d.dim_value for d in o.type.tensor_type.shape.dim[1:]] for o in ours.graph.output]
    theirs_out = [[d.dim_value for d in o.type.tensor_type.shape.dim[1:]] for o in theirs.graph.output]
    assert ours_out == theirs_out, f"{label}: output shapes {ours_out}, torch.onnx {theirs_out}"


# ONNX's gate order within a recurrent weight, as blocks of the PyTorch one: PyTorch
# stores LSTM gates i, f, g, o and ONNX i, o, f, c; GRU r, z, n and ONNX z, r, h.
TORCH_GATES_FROM_ONNX = {"LSTM": [0, 2, 3, 1], "GRU": [1, 0, 2], "RNN": [0]}


def torch_weight(module, suffix, base, weights, matmul_rhs):
    """The value of the PyTorch parameter `suffix` of `module` (the builder layer whose
    initializers are named `base`.*) from the exported initializers, or None when it has
    no counterpart. Handles the layouts that differ: MatMul weights [in, out] (Linear on
    sequences, attention projections), recurrent weights [D, gates*H, in] in ONNX's gate
    order with the two biases joined, attention's packed in_proj as three projections,
    layers the PyTorch code wraps in nn.Sequential (padding + conv, separable convs)."""
    import re
    import numpy as np
    import torch.nn as nn
    if isinstance(module, nn.Sequential):  # (padding, conv) or separable (depthwise, pointwise)
        index, _, rest = suffix.partition(".")
        weighted = [k for k, m in enumerate(module) if next(m.parameters(), None) is not None]
        if int(index) not in weighted:
            return None
        part = ["depthwise.", "pointwise."][weighted.index(int(index))] if len(weighted) == 2 else ""
        return torch_weight(module[int(index)], rest, base + part, weights, matmul_rhs)
    kind = next((k for k in TORCH_GATES_FROM_ONNX if isinstance(module, getattr(nn, k))), None)
    m = re.fullmatch(r"(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)(_reverse)?", suffix)
    if kind and m:
        what, layer, d = m.group(1), m.group(2), 1 if m.group(3) else 0
        if what.startswith("weight"):
            w = weights.get(f"{base}{what}_l{layer}")
        else:
            b = weights.get(f"{base}bias_l{layer}")
            w = None if b is None else np.split(b, 2, axis=1)[0 if what == "bias_ih" else 1]
        if w is None:
            return None
        blocks = np.split(w[d], len(TORCH_GATES_FROM_ONNX[kind]), axis=0)
        return np.concatenate([blocks[k] for k in TORCH_GATES_FROM_ONNX[kind]], axis=0)
    m = re.fullmatch(r"(.*?)(in_proj_weight|in_proj_bias|[qkv]_proj_weight)", suffix)
    if m:
        prefix, what = base + m.group(1), m.group(2)
        if what == "in_proj_bias":
            parts = [weights.get(f"{prefix}{x}_proj_bias") for x in "qkv"]
            return None if any(p is None for p in parts) else np.concatenate(parts)
        parts = [weights.get(f"{prefix}{x}_proj_weight") for x in ("qkv" if what == "in_proj_weight" else what[0])]
        return None if any(p is None for p in parts) else np.concatenate([p.T for p in parts])
    w = weights.get(base + suffix)
    if w is not None and base + suffix in matmul_rhs:
        w = w.T
    return w


def run_in_runtime(netforge, model_path, expected, seed, work):
    """Random inputs (batch 2, in the document's input specs; seeded) written as
    input_N.pb and run by `netforge run`; returns the inputs and the folder holding
    output_N.pb."""
    import numpy as np
    gen = np.random.default_rng(seed)
    inputs = [gen.integers(0, 2, [2] + spec["shape"]).astype(np.int64) if spec["dtype"] == "int64"
              else gen.standard_normal([2] + spec["shape"]).astype(np.float32) for spec in expected["inputs"]]
    in_dir, out_dir = work + "_in", work + "_out"
    for d in (in_dir, out_dir):
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
    for k, x in enumerate(inputs):
        with open(os.path.join(in_dir, f"input_{k}.pb"), "wb") as f:
            f.write(onnx.numpy_helper.from_array(x).SerializeToString())
    run(netforge, "run", model_path, "--inputs", in_dir, "--save", out_dir)
    return inputs, out_dir


def numeric_compare(netforge, doc_path, label, tmp):
    """Our runtime on the exported model against the builder's PyTorch code with the same
    weights (mapped from the initializers by torch_weight()). Returns the reason when a
    PyTorch weight has no counterpart (duplicate layer names, whose initializer names are
    made unique), None when the outputs match; raises when they differ."""
    import numpy as np
    import torch
    expected = check_json(netforge, doc_path)
    _, code, _ = run(netforge, "codegen", doc_path, "--framework", "pytorch", "--no-main")
    namespace = {"__name__": "netforge_generated"}
    exec(compile(code, f"<{label}>", "exec"), namespace)
    model = namespace[expected["class_name"]]()
    model.eval()
    out = os.path.join(tmp, "numeric.onnx")
    ours = export(netforge, doc_path, out, "--seed", "3")
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in ours.graph.initializer}
    matmul_rhs = {n.input[1] for n in ours.graph.node if n.op_type == "MatMul"}
    names = [n["name"] for n in expected["nodes"]]
    if len(set(names)) != len(names):
        return "duplicate layer names"
    layer_name = {n["python_name"]: n["name"] for n in expected["nodes"]}
    state = model.state_dict()
    for key, tensor in state.items():
        if key.endswith("num_batches_tracked"):
            continue
        module, _, suffix = key.partition(".")
        w = torch_weight(model.get_submodule(module), suffix, layer_name.get(module, "") + ".", weights, matmul_rhs)
        if w is None:
            return f"no initializer for {key}"
        if tuple(w.shape) != tuple(tensor.shape):
            assert w.size == tensor.numel(), f"{label}: {key} is {tuple(tensor.shape)} in PyTorch, {w.shape} in ONNX"
            w = w.reshape(tuple(tensor.shape))  # e.g. a per-channel vector stored [C, 1, 1]
        state[key] = torch.from_numpy(np.array(w))
    model.load_state_dict(state)
    inputs, out_dir = run_in_runtime(netforge, out, expected, 5, os.path.join(tmp, "run"))
    with torch.no_grad():
        want = model(*[torch.from_numpy(x) for x in inputs])
    if not isinstance(want, tuple):
        want = (want,)
    for k, w in enumerate(want):
        got = onnx.numpy_helper.to_array(onnx.load_tensor(os.path.join(out_dir, f"output_{k}.pb")))
        w = w.numpy()
        assert got.shape == w.shape, f"{label}: output {k} shape {got.shape}, PyTorch {w.shape}"
        if not np.allclose(got, w, rtol=1e-4, atol=1e-4):
            worst = float(np.max(np.abs(got - w)))
            raise AssertionError(f"{label}: output {k} differs from the PyTorch code by up to {worst:.3g} "
                                 f"(largest output magnitude {float(np.max(np.abs(w))):.3g})")
    return None


def importer_compare(netforge, doc_path, label, tmp):
    """The other direction on the exported model: `netforge codegen MODEL.onnx` (the ONNX
    -> PyTorch importer) loads the model's own weights through its generated name map
    and gives our runtime's outputs."""
    import numpy as np
    import torch
    expected = check_json(netforge, doc_path)
    model_path = os.path.join(tmp, "imported.onnx")
    export(netforge, doc_path, model_path, "--seed", "9")
    _, code, _ = run(netforge, "codegen", model_path, "--no-main")
    namespace = {"__name__": "netforge_imported"}
    exec(compile(code, f"<imported {label}>", "exec"), namespace)
    model = namespace["Model"]()
    namespace["load_onnx_weights"](model, model_path)
    model.eval()
    inputs, out_dir = run_in_runtime(netforge, model_path, expected, 11, os.path.join(tmp, "imported"))
    with torch.no_grad():
        got = model(*[torch.from_numpy(x) for x in inputs])
    if not isinstance(got, tuple):
        got = (got,)
    assert len(got) == len(expected["outputs"]), f"{label}: the imported code returns {len(got)} outputs"
    for k, g in enumerate(got):
        want = onnx.numpy_helper.to_array(onnx.load_tensor(os.path.join(out_dir, f"output_{k}.pb")))
        g = g.numpy()
        assert g.shape == want.shape, f"{label}: imported output {k} shape {g.shape}, runtime {want.shape}"
        if not np.allclose(g, want, rtol=1e-4, atol=1e-4):
            raise AssertionError(f"{label}: the imported PyTorch code's output {k} differs from the runtime by up to "
                                 f"{float(np.max(np.abs(g - want))):.3g}")


def main():
    netforge, docs_dir = sys.argv[1], sys.argv[2]
    failures, uncompared = [], []
    counts = {"examples": 0, "templates": 0, "layers": 0, "torch": 0, "numeric": 0, "imported": 0}
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("examples", name, os.path.join(docs_dir, name + ".json")) for name in EXAMPLES]
        _, out, _ = run(netforge, "template", "--json")
        for t in json.loads(out):
            path = os.path.join(tmp, f"template_{len(cases)}.json")
            run(netforge, "template", t["name"], "-o", path)
            cases.append(("templates", "template " + t["name"], path))
        for layer in catalog(netforge):
            if "pytorch" in layer["frameworks"]:
                cases.append(("layers", "layer " + layer["type"], write_temp(smoke_document(layer), tmp)))
        try:
            import torch  # noqa: F401
            have_torch = True
        except ImportError:
            have_torch = False
        for group, label, path in cases:
            try:
                nodes = check_document(netforge, path, label, tmp)
                counts[group] += 1
                not_compared = numeric_compare(netforge, path, label, tmp) if have_torch else "no torch"
                counts["numeric"] += 0 if not_compared else 1
                if have_torch:
                    importer_compare(netforge, path, label, tmp)
                    counts["imported"] += 1
                if have_torch and not_compared:
                    uncompared.append(f"{label} ({not_compared})")
                print(f"ok   {label}: {nodes} nodes, "
                      f"{'outputs equal PyTorch' if not not_compared else 'not compared: ' + not_compared}")
            except AssertionError as e:
                failures.append(str(e))
                print(f"FAIL {e}")
        try:
            import torch  # noqa: F401
            for name in TORCH_DOCS:
                try:
                    torch_compare(netforge, os.path.join(docs_dir, name + ".json"), "torch.onnx " + name, tmp)
                    counts["torch"] += 1
                    print(f"ok   torch.onnx {name}")
                except AssertionError as e:
                    failures.append(str(e))
                    print(f"FAIL {e}")
        except ImportError:
            print("python3-torch is not installed: torch.onnx comparison skipped")
    print(f"exported, checked and run: {counts['examples']} examples, {counts['templates']} templates, "
          f"{counts['layers']} layer types; outputs equal the PyTorch code with the same weights for "
          f"{counts['numeric']}; the ONNX -> PyTorch importer's code with the model's weights equals the "
          f"runtime for {counts['imported']}; torch.onnx parameter counts equal for {counts['torch']} documents")
    if uncompared:
        print(f"outputs not compared with PyTorch for {len(uncompared)}: {', '.join(uncompared)}")
    if failures:
        print(f"{len(failures)} failures")
        sys.exit(1)


if __name__ == "__main__":
    main()
