// tests/browser/hostile.test.mjs - models with hostile dims in the app: shape rules
// that used to size vectors from a declared dim (AffineGrid, SplitToSequence,
// ConstantOfShape) and tensors whose size overflows 64 bits. Before the fix the
// first threw bad_alloc, which aborted the wasm module and froze the page in
// "laying-out"; now the model is drawn with unknown shapes and the page goes on.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { assert, CORPUS, dropFiles, ROOT, screenshot, status, waitDrawn, waitReady } from './lib.mjs';

// Written by Debian's python3-onnx (1.12: no checker run, it predates AffineGrid and INT4).
function hostileModel() {
  const dir = path.join(ROOT, 'build-web/fixtures');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'hostile_dims.onnx');
  execFileSync('/usr/bin/python3', ['-c', `
import onnx, sys
from onnx import helper, TensorProto
huge = 1 << 40
nodes = [
    helper.make_node('AffineGrid', ['theta', 'size'], ['grid']),
    helper.make_node('SplitToSequence', ['x'], ['seq']),
    helper.make_node('ConstantOfShape', ['size'], ['zeros']),
    helper.make_node('Add', ['w_double', 'w_double'], ['sum']),
]
w_double = TensorProto(name='w_double', data_type=TensorProto.DOUBLE, dims=[1 << 58], raw_data=b'\\x00' * 8)
w_int4 = TensorProto(name='w_int4', data_type=22, dims=[1 << 62], raw_data=b'\\x11')
g = helper.make_graph(nodes, 'hostile',
    [helper.make_tensor_value_info('theta', TensorProto.FLOAT, [1, 2, 3]),
     helper.make_tensor_value_info('size', TensorProto.INT64, [huge]),
     helper.make_tensor_value_info('x', TensorProto.FLOAT, [huge, 4])],
    [helper.make_tensor_value_info('grid', TensorProto.FLOAT, None),
     helper.make_tensor_sequence_value_info('seq', TensorProto.FLOAT, None),
     helper.make_tensor_value_info('zeros', TensorProto.FLOAT, None),
     helper.make_tensor_value_info('sum', TensorProto.DOUBLE, None)],
    [w_double, w_int4])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 20)])
m.ir_version = 8
open(sys.argv[1], 'wb').write(m.SerializeToString())
`, file]);
  return file;
}

export default function register(t) {
  t.test('hostile dims: drawn with unknown shapes, and the page keeps working', async ({ page, url }) => {
    const file = hostileModel();
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    await dropFiles(page, [file]);
    const s = await waitDrawn(page, 'hostile_dims.onnx');
    assert(s.nodes === 4, `the four nodes are shown: ${JSON.stringify(s)}`);
    assert(s.error === null, `no error: the sizes are reported as unknown / too large: ${s.error}`);
    await screenshot(page, 'hostile-dims');
    // The module is alive: the next model opens as usual.
    await dropFiles(page, [path.join(CORPUS, 'light/light_squeezenet.onnx')]);
    const after = await waitDrawn(page, 'light_squeezenet.onnx');
    assert(after.error === null && after.nodes > 0, `squeezenet opens after it: ${JSON.stringify(after)}`);
    const frames = (await status(page)).frames;
    assert(frames > 0, 'frames keep coming');
  });
}
