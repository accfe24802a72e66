#!/usr/bin/env python3
"""Writes a synthetic transformer-like ONNX model with about N nodes, for benchmarks.

    /usr/bin/python3 tests/scene/make_synthetic.py --nodes 100000 -o /tmp/synth100k.onnx

Blocks of LayerNormalization -> MatMul -> Add -> Gelu-like (Mul/Erf/Add/Mul) -> MatMul
-> Add -> residual Add, 11 nodes each, chained; every 8th block also feeds a skip
connection 3 blocks ahead (long edges). Tiny weights (the graph is what matters).
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--nodes', type=int, default=100000)
    ap.add_argument('-o', '--out', required=True)
    a = ap.parse_args()
    d = 8
    nodes, inits = [], []
    inits.append(numpy_helper.from_array(np.ones((d,), np.float32), 'ln_s'))
    inits.append(numpy_helper.from_array(np.zeros((d,), np.float32), 'ln_b'))
    inits.append(numpy_helper.from_array(np.full((1,), 0.70710678, np.float32), 'rsqrt2'))
    inits.append(numpy_helper.from_array(np.ones((1,), np.float32), 'one'))
    inits.append(numpy_helper.from_array(np.full((1,), 0.5, np.float32), 'half'))
    x = 'x'
    blocks = a.nodes // 11
    skips = {}
    for b in range(blocks):
        p = 'b%d_' % b
        inits.append(numpy_helper.from_array(np.eye(d, dtype=np.float32), p + 'w1'))
        inits.append(numpy_helper.from_array(np.zeros((d,), np.float32), p + 'b1'))
        inits.append(numpy_helper.from_array(np.eye(d, dtype=np.float32), p + 'w2'))
        inits.append(numpy_helper.from_array(np.zeros((d,), np.float32), p + 'b2'))
        nodes += [
            helper.make_node('LayerNormalization', [x, 'ln_s', 'ln_b'], [p + 'ln'], name=p + 'ln', axis=-1),
            helper.make_node('MatMul', [p + 'ln', p + 'w1'], [p + 'mm1'], name=p + 'mm1'),
            helper.make_node('Add', [p + 'mm1', p + 'b1'], [p + 'a1'], name=p + 'a1'),
            helper.make_node('Mul', [p + 'a1', 'rsqrt2'], [p + 'g1'], name=p + 'g1'),
            helper.make_node('Erf', [p + 'g1'], [p + 'g2'], name=p + 'g2'),
            helper.make_node('Add', [p + 'g2', 'one'], [p + 'g3'], name=p + 'g3'),
            helper.make_node('Mul', [p + 'a1', p + 'g3'], [p + 'g4'], name=p + 'g4'),
            helper.make_node('Mul', [p + 'g4', 'half'], [p + 'g5'], name=p + 'g5'),
            helper.make_node('MatMul', [p + 'g5', p + 'w2'], [p + 'mm2'], name=p + 'mm2'),
            helper.make_node('Add', [p + 'mm2', p + 'b2'], [p + 'a2'], name=p + 'a2'),
        ]
        res_in = skips.pop(b, x)
        nodes.append(helper.make_node('Add', [res_in if res_in != x else x, p + 'a2'], [p + 'out'], name=p + 'res'))
        if b % 8 == 0 and b + 3 < blocks:
            skips[b + 3] = p + 'out'
        x = p + 'out'
    g = helper.make_graph(nodes, 'synthetic', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 16, d])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 16, d])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)], producer_name='netforge-synthetic')
    onnx.save(m, a.out)
    print('%s: %d nodes' % (a.out, len(nodes)))


if __name__ == '__main__':
    main()
