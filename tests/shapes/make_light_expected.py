#!/usr/bin/env python3
"""Independent reference numbers for the light/ model-zoo graphs of the corpus.

usage: /usr/bin/python3 make_light_expected.py CORPUS_DIR > data/light_expected.json

Uses python3-onnx (its own C++ shape inference) and numpy, not NetForge:
  params = elements of float weights: float initializers that some node reads,
           plus the outputs of ConstantOfShape nodes (the light models store
           weights that way);
  macs   = Conv: output elements * prod(W.shape[1:]);
           Gemm: M * N * K; MatMul: output elements * K.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference

corpus = sys.argv[1]
out = {}
for name in sorted(os.listdir(os.path.join(corpus, 'light'))):
    if not name.endswith('.onnx'):
        continue
    m = onnx.load(os.path.join(corpus, 'light', name))
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    shapes = {}
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    used = {i for n in m.graph.node for i in n.input}
    params = sum(int(np.prod(a.shape)) for k, a in inits.items() if a.dtype.kind == 'f' and k in used)
    for n in m.graph.node:
        if n.op_type == 'ConstantOfShape':
            dims = [int(d) for d in inits[n.input[0]].tolist()]
            shapes[n.output[0]] = dims
            params += int(np.prod(dims))
    inferred = shape_inference.infer_shapes(m)
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output) + list(inferred.graph.input):
        dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        shapes.setdefault(vi.name, dims)
    macs = 0
    for n in m.graph.node:
        if n.op_type == 'Conv':
            w = shapes[n.input[1]]
            macs += int(np.prod(shapes[n.output[0]])) * int(np.prod(w[1:]))
        elif n.op_type == 'Gemm':
            a = shapes[n.input[0]]
            trans_a = any(x.name == 'transA' and x.i for x in n.attribute)
            k = a[0] if trans_a else a[1]
            macs += int(np.prod(shapes[n.output[0]])) * k
        elif n.op_type == 'MatMul':
            macs += int(np.prod(shapes[n.output[0]])) * shapes[n.input[0]][-1]
    out['light/' + name] = {'params': params, 'macs': macs}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
