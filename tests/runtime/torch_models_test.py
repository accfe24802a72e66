#!/usr/bin/env python3
"""Models exported with Debian's torch (torchvision CNNs, nn.Transformer, a GPT-like
decoder with a causal mask) run through `netforge run` and match torch's outputs
(rtol 1e-3, atol 1e-4) and onnxruntime-node's on the same file and inputs (rtol 1e-3,
atol 1e-5; tests/runtime/ort_run.mjs, onnxruntime from tests/ort/node_modules; that
comparison is skipped with a note when onnxruntime-node is not installed). Skipped
(exit 0 with a note) when torch is not installed.

usage: torch_models_test.py NETFORGE_BINARY [MODEL...]
"""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    import torchvision
    from onnx import TensorProto, numpy_helper
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(0)

exe = sys.argv[1]
only = sys.argv[2:]
torch.manual_seed(0)


class GPT(torch.nn.Module):
    """Token + position embeddings, pre-norm blocks with a causal mask, LM head."""

    def __init__(self, vocab=100, d=64, heads=4, layers=2, ctx=16):
        super().__init__()
        self.tok = torch.nn.Embedding(vocab, d)
        self.pos = torch.nn.Embedding(ctx, d)
        layer = torch.nn.TransformerEncoderLayer(d, heads, 4 * d, dropout=0.0, batch_first=True, norm_first=True,
                                                 activation="gelu")
        self.blocks = torch.nn.TransformerEncoder(layer, layers)
        self.ln = torch.nn.LayerNorm(d)
        self.head = torch.nn.Linear(d, vocab)

    def forward(self, ids):
        n = ids.shape[1]
        x = self.tok(ids) + self.pos(torch.arange(n).unsqueeze(0))
        mask = torch.triu(torch.full((n, n), float("-inf")), diagonal=1)
        return self.head(self.ln(self.blocks(x, mask=mask)))


ORT_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort_run.mjs")
ort_missing = None  # why the onnxruntime comparison is skipped


def onnxruntime_outputs(path, inputs, out):
    """Outputs of onnxruntime-node on the same model and .npy inputs, or None when absent."""
    global ort_missing
    if ort_missing:
        return None
    r = subprocess.run(["node", ORT_RUN, path, out, *inputs], capture_output=True, text=True, timeout=120)
    if r.returncode == 3 or (r.returncode != 0 and "Cannot find" in r.stderr):
        ort_missing = r.stderr.strip() or "onnxruntime-node is not installed"
        return None
    if r.returncode != 0:
        raise RuntimeError("onnxruntime-node failed: " + r.stderr.strip()[-300:])
    return np.load(os.path.join(out, "output_0.npy"))


models = {
    "resnet18": lambda: (torchvision.models.resnet18(), (torch.rand(1, 3, 64, 64),)),
    "mobilenet_v3_small": lambda: (torchvision.models.mobilenet_v3_small(), (torch.rand(1, 3, 64, 64),)),
    "convnext_tiny": lambda: (torchvision.models.convnext_tiny(), (torch.rand(1, 3, 32, 32),)),
    "transformer": lambda: (torch.nn.Transformer(d_model=32, nhead=4, num_encoder_layers=1, num_decoder_layers=1,
                                                 dim_feedforward=64, dropout=0.0), (torch.rand(5, 2, 32), torch.rand(4, 2, 32))),
    "gpt": lambda: (GPT(), (torch.randint(0, 100, (1, 12)),)),
}
passed = failed = 0
with tempfile.TemporaryDirectory() as tmp:
    for name, make in models.items():
        if only and name not in only:
            continue
        m, xs = make()
        m.eval()
        path = os.path.join(tmp, name + ".onnx")
        with torch.no_grad():
            want = m(*xs).numpy()
            torch.onnx.export(m, xs, path, opset_version=17, input_names=[f"in{i}" for i in range(len(xs))])
        args, ort_inputs = [], []
        for i, x in enumerate(xs):
            p = os.path.join(tmp, f"{name}_in{i}.npy")
            np.save(p, x.numpy())
            args += ["--input", f"in{i}={p}"]
            ort_inputs.append(f"in{i}={p}")
        out = os.path.join(tmp, "out_" + name)
        r = subprocess.run([exe, "run", path, *args, "--save", out], capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            failed += 1
            print(f"FAIL {name}: {r.stderr.strip()}")
            continue
        t = TensorProto()
        t.ParseFromString(open(os.path.join(out, "output_0.pb"), "rb").read())
        got = numpy_helper.to_array(t)
        ort = onnxruntime_outputs(path, ort_inputs, os.path.join(tmp, "ort_" + name))
        if ort is not None and not (got.shape == ort.shape and np.allclose(got, ort, rtol=1e-3, atol=1e-5)):
            failed += 1
            diff = np.abs(got - ort).max() if got.shape == ort.shape else "n/a"
            print(f"FAIL {name}: differs from onnxruntime-node: shape {got.shape} vs {ort.shape}, max abs diff {diff}")
            continue
        if got.shape == want.shape and np.allclose(got, want, rtol=1e-3, atol=1e-4):
            passed += 1
            print(f"ok {name}" + ("" if ort is None else f" (max abs diff to onnxruntime-node {np.abs(got - ort).max():.2e})"))
        else:
            failed += 1
            print(f"FAIL {name}: shape {got.shape} vs {want.shape}, max abs diff {np.abs(got - want).max() if got.shape == want.shape else 'n/a'}")
print(f"torch models: {passed} passed, {failed} failed" +
      (f"; onnxruntime comparison skipped: {ort_missing}" if ort_missing else "; also compared with onnxruntime-node"))
sys.exit(1 if failed else 0)
