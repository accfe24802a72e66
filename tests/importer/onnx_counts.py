"""The parameter count a faithful PyTorch rewrite of an ONNX graph has.

Float initializers, each counted once per owner: exporters that deduplicate equal weights
(torch) route every extra owner through an Identity node, and each such owner had its own
parameter in the original model. BatchNormalization running statistics are buffers, not
parameters."""
import numpy as np
import onnx

FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16}


def parameter_count(model):
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    alias = {n.output[0]: n.input[0] for n in g.node if n.op_type == "Identity" and n.input and n.input[0] in inits}
    used = [i for n in g.node if n.op_type != "Identity" or not n.input or n.input[0] not in inits for i in n.input]
    used += [o.name for o in g.output]
    stats = {n.input[i] for n in g.node if n.op_type == "BatchNormalization" for i in (3, 4) if i < len(n.input)}
    owners = {}
    for name in set(used):
        if name in stats:
            continue
        root = alias.get(name, name)
        if root in inits and inits[root].data_type in FLOAT_TYPES:
            owners[name] = int(np.prod(inits[root].dims))
    return sum(owners.values())
