#!/usr/bin/env python3
"""importer.corpus_roundtrip: ONNX -> generated PyTorch -> the corpus's expected outputs.

For every corpus model with test data in the chosen folders, `netforge codegen MODEL.onnx`
writes PyTorch code; the test imports it, loads the weights from the ONNX file through the
generated loader, runs test_data_set_0 and compares with output_N.pb (rtol 1e-4, atol 1e-5;
float16/bfloat16 outputs at their own resolution),
and checks that the parameter count equals the ONNX file's float initializers (minus
BatchNormalization running statistics, which are buffers). Prints the share that converts and
matches per folder and names every failure with its reason. Fails when a share is below
its floor. Exit 77 (skipped) without python3-torch / python3-onnx.

usage: corpus_roundtrip.py NETFORGE CORPUS_DIR WORK_DIR
"""
import collections
import importlib.util
import json
import os
import re
import subprocess
import sys
import traceback

try:
    import numpy as np
    import onnx
    import torch
    from onnx import numpy_helper
    from onnx_counts import parameter_count
    import onnx_small_types
except ImportError as e:
    print("skipped:", e)
    sys.exit(77)

# Floors (share of models with test data that convert and match).
FLOORS = {"pytorch-converted": 0.95, "pytorch-operator": 0.95, "light": 1.0, "simple": 0.8, "node": 0.965}
# Issue 15: >= 95% of the corpus models with data (the folders above but the node tests) together.
MODELS_FLOOR = 0.95
RTOL, ATOL = 1e-4, 1e-5


def read_value(path, kind):
    """A tensor (numpy array), a sequence (list of arrays) or an optional (None or either) from
    a test-data .pb file; kind: "tensor", "sequence" or "optional"."""
    proto = {"sequence": onnx.SequenceProto, "optional": onnx.OptionalProto}.get(kind, onnx.TensorProto)()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())

    def array(t):  # numpy_helper of onnx 1.12 cannot read float8/float4/int4/int2
        return onnx_small_types.to_array(t) if t.data_type in onnx_small_types.SMALL_TYPES else numpy_helper.to_array(t)
    if kind == "optional":  # elem_type 1: a tensor, 3: a sequence, 0: empty
        return array(proto.tensor_value) if proto.elem_type == 1 else \
            [array(t) for t in proto.sequence_value.tensor_values] if proto.elem_type == 3 else None
    return [array(t) for t in proto.tensor_values] if kind == "sequence" else array(proto)


def value_kind(value_info):
    """How a graph input/output's test data is stored: "tensor", "sequence" or "optional"."""
    t = value_info.type
    return "optional" if t.HasField("optional_type") else "sequence" if t.HasField("sequence_type") else "tensor"


def compare(got, want):
    rtol, atol = RTOL, ATOL
    if torch.is_tensor(got) and got.dtype in (torch.float16, torch.bfloat16):
        # Half-precision results differ by the last bit when summed in another order:
        # compare them at their own resolution (one unit in the last place).
        rtol = atol = torch.finfo(got.dtype).eps
        got = got.float()
    got = got.detach().numpy() if torch.is_tensor(got) else np.asarray(got)
    if tuple(got.shape) != tuple(want.shape):
        return f"output shape {tuple(got.shape)}, expected {tuple(want.shape)}"
    if want.dtype == object or got.dtype == object:
        return "non-numeric output"
    if want.dtype == np.bool_ or got.dtype == np.bool_:
        return None if np.array_equal(got.astype(np.bool_), want.astype(np.bool_)) else "boolean values differ"
    if not np.allclose(got.astype(np.float64), want.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True):
        diff = np.nanmax(np.abs(got.astype(np.float64) - want.astype(np.float64))) if got.size else 0
        return f"values differ (max abs diff {diff:.3g})"
    return None


def check_model(netforge, onnx_path, data_dir, work):
    """None when it converts and matches, else a reason."""
    name = os.path.basename(onnx_path)[:-5]
    os.makedirs(work, exist_ok=True)
    py = os.path.join(work, name + ".py")
    r = subprocess.run([netforge, "codegen", onnx_path, "-o", py], capture_output=True, text=True)
    if r.returncode != 0:
        msg = r.stderr.strip()
        msg = msg[len("netforge: " + onnx_path + ": "):] if msg.startswith("netforge: " + onnx_path) else msg
        return "import: " + msg
    try:
        spec = importlib.util.spec_from_file_location("nf_gen_" + name.replace("-", "_"), py)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        net = mod.Model()
        mod.load_onnx_weights(net, onnx_path)
        net.eval()
        proto = onnx.load(onnx_path)
        want_params = parameter_count(proto)
        got_params = sum(p.numel() for p in net.parameters())
        feeds = []
        for i, spec in enumerate(mod.INPUTS):
            path = os.path.join(data_dir, f"input_{i}.pb")
            value = read_value(path, spec[2] if spec[2] in ("sequence", "optional") else "tensor") if os.path.exists(path) else None
            feeds.append([mod.to_torch(a) for a in value] if isinstance(value, list) else
                         None if value is None else mod.to_torch(value))
            if spec[1] == torch.bfloat16 and torch.is_tensor(feeds[-1]):  # numpy has no bfloat16: read as float32
                feeds[-1] = feeds[-1].to(torch.bfloat16)
        with torch.no_grad():
            outs = net(*feeds)
        if not isinstance(outs, tuple):
            outs = (outs,)
        k = 0
        while os.path.exists(os.path.join(data_dir, f"output_{k}.pb")):
            out_path = os.path.join(data_dir, f"output_{k}.pb")
            if k >= len(outs):
                return f"missing output {k}"
            declared = proto.graph.output[k] if k < len(proto.graph.output) else None
            kind = value_kind(declared) if declared is not None else "tensor"
            want = read_value(out_path, "sequence" if kind == "tensor" and isinstance(outs[k], list) else kind)
            if want is None or outs[k] is None:
                if (want is None) != (outs[k] is None):
                    return f"output {k}: {'no value' if outs[k] is None else 'a value'}, expected {'none' if want is None else 'one'}"
                k += 1
                continue
            if isinstance(want, list):
                if not isinstance(outs[k], list) or len(outs[k]) != len(want):
                    return f"output {k}: sequence of {len(outs[k]) if isinstance(outs[k], list) else 'no'} items, expected {len(want)}"
                bad = next((b for b in (compare(g, w) for g, w in zip(outs[k], want)) if b), None)
            else:
                bad = compare(outs[k], want)
            if bad:
                return f"output {k}: {bad}"
            k += 1
        if got_params != want_params:
            return f"parameter count {got_params}, ONNX has {want_params}"
    except Exception as e:  # the reason is the report
        last = traceback.extract_tb(e.__traceback__)[-1]
        return f"python: {type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''} (line {last.lineno})"
    return None


def reason_class(reason):
    """The reason without model-specific details, to count failures by kind."""
    r = re.sub(r"node '[^']*' ", "", reason)
    r = re.sub(r"'[^']*'", "'...'", r)
    r = re.sub(r"\(max abs diff [^)]*\)|\(line \d+\)|output \d+", "", r)
    r = re.sub(r"\d+", "N", r)
    return r.strip()[:110]


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    netforge, corpus, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    torch.set_grad_enabled(False)
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    folders = collections.OrderedDict((f, []) for f in FLOORS)
    for e in manifest["files"]:
        if e.get("folder") in folders and any(p.endswith("output_0.pb") for p in e.get("data_files", [])):
            folders[e["folder"]].append(e)
    ok_all = True
    models_total = models_ok = 0  # the corpus models with data: every folder but the node tests
    for folder, entries in folders.items():
        fails = []
        for e in entries:
            onnx_path = os.path.join(corpus, e["path"])
            data_dir = os.path.join(corpus, os.path.dirname(e["path"]), e["test"], "test_data_set_0")
            reason = check_model(netforge, onnx_path, data_dir, os.path.join(work, folder))
            if reason:
                fails.append((e["test"], reason))
        n = len(entries)
        share = (n - len(fails)) / n if n else 1.0
        print(f"{folder}: {n - len(fails)}/{n} convert and match ({100 * share:.1f}%, floor {100 * FLOORS[folder]:.0f}%)")
        by_reason = collections.Counter(reason_class(r) for _, r in fails)
        for reason, count in by_reason.most_common():
            print(f"   {count:4d} x {reason}")
        for test, reason in fails:
            print(f"   FAIL {test}: {reason}")
        if share < FLOORS[folder]:
            ok_all = False
        if folder != "node":
            models_total, models_ok = models_total + n, models_ok + n - len(fails)
    if models_total:
        share = models_ok / models_total
        print(f"corpus models with data (all folders but node tests): {models_ok}/{models_total} convert and match "
              f"({100 * share:.1f}%, floor {100 * MODELS_FLOOR:.0f}%)")
        ok_all = ok_all and share >= MODELS_FLOOR
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
