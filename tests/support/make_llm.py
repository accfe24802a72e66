#!/usr/bin/env python3
"""Writes a synthetic GPT/LLaMA-like ONNX graph of 7 billion parameters whose weights
are in one external data file, written as a sparse file (all zeros, no disk used).

    /usr/bin/python3 tests/support/make_llm.py -o DIR [--layers 32] [--vocab 64000]

Writes DIR/llm7b.onnx (the graph, well under 1 MB) and DIR/llm7b.onnx.data
(float16 weights, 14.0 GB with the defaults, made with truncate: no blocks are
written). Prints one JSON line: files, parameters, bytes, nodes and one weight's
name for tests. Layers as a Hugging Face LLaMA export names them
(/model/layers.N/self_attn/q_proj/MatMul ...): RMSNorm, q/k/v/o projections,
attention, SwiGLU MLP, residual adds. Nothing here is committed but this script.
"""
import argparse
import json
import os

import onnx
from onnx import TensorProto, helper


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-o', '--out', required=True, help='output folder')
    ap.add_argument('--layers', type=int, default=32)
    ap.add_argument('--vocab', type=int, default=64000)
    ap.add_argument('--hidden', type=int, default=4096)
    ap.add_argument('--ffn', type=int, default=11008)
    ap.add_argument('--heads', type=int, default=32)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    model_path = os.path.join(a.out, 'llm7b.onnx')
    data_name = 'llm7b.onnx.data'
    d, f, v, h = a.hidden, a.ffn, a.vocab, a.heads

    inits, nodes = [], []
    offset = 0
    params = 0

    def weight(name, dims):
        nonlocal offset, params
        t = TensorProto()
        t.name = name
        t.data_type = TensorProto.FLOAT16
        t.dims.extend(dims)
        n = 1
        for x in dims:
            n *= x
        length = n * 2
        t.data_location = TensorProto.EXTERNAL
        for k, val in (('location', data_name), ('offset', str(offset)), ('length', str(length))):
            e = t.external_data.add()
            e.key, e.value = k, val
        offset += (length + 4095) // 4096 * 4096  # aligned as exporters do
        params += n
        inits.append(t)
        return name

    def const_i64(name, vals):
        inits.append(helper.make_tensor(name, TensorProto.INT64, [len(vals)], vals))
        return name

    def node(op, ins, out, name, **attrs):
        nodes.append(helper.make_node(op, ins, [out], name=name, **attrs))
        return out

    const_i64('/model/shape_heads', [1, -1, h, d // h])
    const_i64('/model/shape_merge', [1, -1, d])
    inits.append(helper.make_tensor('/model/eps', TensorProto.FLOAT16, [], [1e-6]))
    inits.append(helper.make_tensor('/model/two', TensorProto.FLOAT16, [], [2.0]))
    inits.append(helper.make_tensor('/model/scale', TensorProto.FLOAT16, [], [float((d // h) ** 0.5)]))

    def rms_norm(x, scope):
        w = weight(scope + '.weight', [d])
        p = node('Pow', [x, '/model/two'], scope + '/Pow_output_0', scope + '/Pow')
        m = node('ReduceMean', [p], scope + '/ReduceMean_output_0', scope + '/ReduceMean', axes=[-1], keepdims=1)
        e = node('Add', [m, '/model/eps'], scope + '/Add_output_0', scope + '/Add')
        s = node('Sqrt', [e], scope + '/Sqrt_output_0', scope + '/Sqrt')
        q = node('Div', [x, s], scope + '/Div_output_0', scope + '/Div')
        return node('Mul', [q, w], scope + '/Mul_output_0', scope + '/Mul')

    def linear(x, scope, n_in, n_out):
        w = weight(scope + '.weight', [n_in, n_out])
        return node('MatMul', [x, w], scope + '/MatMul_output_0', scope + '/MatMul')

    embed = weight('model.embed_tokens.weight', [v, d])
    x = node('Gather', [embed, 'input_ids'], '/model/embed_tokens/Gather_output_0', '/model/embed_tokens/Gather')
    for i in range(a.layers):
        s = '/model/layers.%d' % i
        n1 = rms_norm(x, s + '/input_layernorm')
        heads = []
        for proj in ('q_proj', 'k_proj', 'v_proj'):
            y = linear(n1, s + '/self_attn/' + proj, d, d)
            r = node('Reshape', [y, '/model/shape_heads'], s + '/self_attn/%s/Reshape_output_0' % proj,
                     s + '/self_attn/%s/Reshape' % proj)
            perm = [0, 2, 3, 1] if proj == 'k_proj' else [0, 2, 1, 3]
            heads.append(node('Transpose', [r], s + '/self_attn/%s/Transpose_output_0' % proj,
                              s + '/self_attn/%s/Transpose' % proj, perm=perm))
        qk = node('MatMul', [heads[0], heads[1]], s + '/self_attn/MatMul_output_0', s + '/self_attn/MatMul')
        sc = node('Div', [qk, '/model/scale'], s + '/self_attn/Div_output_0', s + '/self_attn/Div')
        sm = node('Softmax', [sc], s + '/self_attn/Softmax_output_0', s + '/self_attn/Softmax', axis=-1)
        av = node('MatMul', [sm, heads[2]], s + '/self_attn/MatMul_1_output_0', s + '/self_attn/MatMul_1')
        tr = node('Transpose', [av], s + '/self_attn/Transpose_output_0', s + '/self_attn/Transpose', perm=[0, 2, 1, 3])
        mg = node('Reshape', [tr, '/model/shape_merge'], s + '/self_attn/Reshape_output_0', s + '/self_attn/Reshape')
        o = linear(mg, s + '/self_attn/o_proj', d, d)
        x = node('Add', [x, o], s + '/Add_output_0', s + '/Add')
        n2 = rms_norm(x, s + '/post_attention_layernorm')
        g = linear(n2, s + '/mlp/gate_proj', d, f)
        sg = node('Sigmoid', [g], s + '/mlp/act_fn/Sigmoid_output_0', s + '/mlp/act_fn/Sigmoid')
        si = node('Mul', [g, sg], s + '/mlp/act_fn/Mul_output_0', s + '/mlp/act_fn/Mul')
        up = linear(n2, s + '/mlp/up_proj', d, f)
        gu = node('Mul', [si, up], s + '/mlp/Mul_output_0', s + '/mlp/Mul')
        dn = linear(gu, s + '/mlp/down_proj', f, d)
        x = node('Add', [x, dn], s + '/Add_1_output_0', s + '/Add_1')
    x = rms_norm(x, '/model/norm')
    logits = linear(x, '/lm_head', d, v)
    nodes[-1].output[0] = 'logits'

    graph = helper.make_graph(
        nodes, 'llm7b',
        [helper.make_tensor_value_info('input_ids', TensorProto.INT64, ['batch', 'seq'])],
        [helper.make_tensor_value_info('logits', TensorProto.FLOAT16, ['batch', 'seq', v])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='make_llm.py')
    model.ir_version = 8
    with open(model_path, 'wb') as out:
        out.write(model.SerializeToString())
    data_path = os.path.join(a.out, data_name)
    with open(data_path, 'wb') as out:
        out.truncate(offset)  # sparse: zeros that take no disk
    print(json.dumps({'model': model_path, 'data': data_path, 'parameters': params, 'data_bytes': offset,
                      'nodes': len(nodes), 'weight': '/model/layers.0/self_attn/q_proj.weight',
                      'weight_elements': d * d}))


if __name__ == '__main__':
    main()
