#!/usr/bin/env python3
"""scripts/bench_diff.py NETFORGE [OUT_DIR] - times `netforge diff` on 30k-node models.

Synthesizes a transformer-like chain (1250 blocks x 24 nodes, distinct small weights
per block) and three partners: the same with one block inserted in the middle, the
same with every name removed (structure alone must pair it), and both at once; and a
chain whose blocks all hold the same weights against its copy with a block inserted
and no names (no weight is unique: structure, neighbours and alignment do the work).
Prints the phase times `netforge diff --time` reports (median of 3 runs), and the
longest slice of the sliced job the app runs between frames (12 ms budget).

`build` is also the chain maker of tests/browser/compare.test.mjs (a small one, grouped
as a series of layers), so it is importable: the timing runs only as a script.
"""
import os, re, statistics, subprocess, sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

D = 8


def build(blocks, insert_at=-1, named=True, same_weights=False):
    nodes, inits = [], []
    x = "x"
    seed = 0
    for l in range(blocks + (1 if insert_at >= 0 else 0)):
        k = 10**6 + l if l == insert_at else (0 if same_weights else seed)
        if l != insert_at:
            seed += 1
        s = f"/layers.{l}/"
        nm = lambda op, i: (s + f"{op}_{i}") if named else ""
        def w(name, shape):
            arr = ((np.arange(np.prod(shape)).reshape(shape) + k * 1000) * 1e-3).astype(np.float32)
            inits.append(numpy_helper.from_array(arr, f"{name}{l}"))
            return f"{name}{l}"
        def node(op, ins, i, nout=1, **attrs):
            outs = [f"v{l}_{i}_{j}" for j in range(nout)]
            nodes.append(helper.make_node(op, ins, outs, name=nm(op, i), **attrs))
            return outs if nout > 1 else outs[0]
        h = node("ReduceMean", [x], 0, axes=[-1])
        h = node("Sub", [x, h], 1)
        h = node("Mul", [h, w("g1_", [D])], 2)
        h = node("Add", [h, w("b1_", [D])], 3)
        qkv = node("MatMul", [h, w("wqkv", [D, 3 * D])], 4)
        q, kk, v = node("Split", [qkv], 5, nout=3, axis=-1)
        kt = node("Transpose", [kk], 6, perm=[0, 2, 1])
        a = node("MatMul", [q, kt], 7)
        a = node("Softmax", [a], 8, axis=-1)
        a = node("MatMul", [a, v], 9)
        a = node("MatMul", [a, w("wo", [D, D])], 10)
        a = node("Add", [a, w("bo", [D])], 11)
        x1 = node("Add", [x, a], 12)
        h = node("ReduceMean", [x1], 13, axes=[-1])
        h = node("Sub", [x1, h], 14)
        h = node("Mul", [h, w("g2_", [D])], 15)
        h = node("MatMul", [h, w("w1", [D, 4 * D])], 16)
        h = node("Add", [h, w("b1", [4 * D])], 17)
        h = node("Relu", [h], 18)
        h = node("MatMul", [h, w("w2", [4 * D, D])], 19)
        h = node("Add", [h, w("b2", [D])], 20)
        h = node("Mul", [h, w("s", [D])], 21)
        h = node("Identity", [h], 22)
        x = node("Add", [x1, h], 23)
    g = helper.make_graph(nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, D])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 16, D])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def main():
    netforge = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/netforge-bench-diff"
    os.makedirs(out, exist_ok=True)

    def path(name, **kw):
        p = os.path.join(out, name)
        if not os.path.exists(p):
            save(build(1250, **kw), p)
        return p

    a = path("chain30k.onnx")
    cases = [("30k vs 30k, one block inserted", path("chain30k_inserted.onnx", insert_at=625)),
             ("30k vs 30k, names removed", path("chain30k_unnamed.onnx", named=False)),
             ("30k vs 30k, inserted + unnamed", path("chain30k_inserted_unnamed.onnx", insert_at=625, named=False)),
             # Every block's weights alike and no names: structure and alignment do all the work.
             ("30k vs 30k, alike blocks, inserted + unnamed",
              path("chain30k_alike_inserted_unnamed.onnx", insert_at=625, named=False, same_weights=True),
              path("chain30k_alike.onnx", same_weights=True))]
    print("netforge diff --time, median of 3 (native):")
    for title, b, *base in cases:
        a_of_case = base[0] if base else a
        runs = []
        for _ in range(3):
            p = subprocess.run([netforge, "diff", a_of_case, b, "--time"], capture_output=True, text=True)
            m = re.search(r"load ([\d.]+) ms, match ([\d.]+) ms \((\d+) pairs\), match \+ differences ([\d.]+) ms", p.stderr)
            if not m:
                raise SystemExit(f"{title}: no timing line in {p.stderr!r}")
            sl = re.search(r"longest ([\d.]+) ms", p.stderr)
            runs.append(tuple(float(v) for v in m.groups()) + (float(sl.group(1)) if sl else float("nan"),))
            summary = p.stdout.splitlines()[0]
        med = [statistics.median(r[i] for r in runs) for i in range(5)]
        print(f"  {title:44s} load {med[0]:7.1f} ms  match {med[1]:7.1f} ms  match+differences {med[3]:7.1f} ms  "
              f"longest 12 ms slice {med[4]:6.1f} ms  "
              f"| {summary}")


if __name__ == "__main__":
    main()
