#!/usr/bin/env python3
"""Models exported with Debian's torch (torchvision CNNs, nn.Transformer, a GPT-like
decoder with a causal mask) run through `netforge run` and match torch's outputs
(rtol 1e-3, atol 1e-4). Skipped (exit 0 with a note) when torch is not installed.

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


models = {
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
        args = []
        for i, x in enumerate(xs):
            p = os.path.join(tmp, f"{name}_in{i}.npy")
            np.save(p, x.numpy())
            args += ["--input", f"in{i}={p}"]
        out = os.path.join(tmp, "out_" + name)
        r = subprocess.run([exe, "run", path, *args, "--save", out], capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            failed += 1
            print(f"FAIL {name}: {r.stderr.strip()}")
            continue
        t = TensorProto()
        t.ParseFromString(open(os.path.join(out, "output_0.pb"), "rb").read())
        got = numpy_helper.to_array(t)
        if got.shape == want.shape and np.allclose(got, want, rtol=1e-3, atol=1e-4):
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}: shape {got.shape} vs {want.shape}, max abs diff {np.abs(got - want).max() if got.shape == want.shape else 'n/a'}")
print(f"torch models: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
