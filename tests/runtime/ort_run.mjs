// tests/runtime/ort_run.mjs MODEL.onnx OUT_DIR NAME=IN.npy ... - runs MODEL once with
// onnxruntime-node (CPU, one thread, all graph optimisations) on .npy inputs and writes
// every output as OUT_DIR/output_N.npy (float32/int64 little-endian, C order): the
// reference torch_models_test.py compares `netforge run` with. onnxruntime-node comes
// from tests/ort/node_modules (scripts/setup.sh); exit 3 when it is not installed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../ort/node_modules/noop.js'));
let ort;
try {
  ort = require('onnxruntime-node');
} catch {
  console.error('onnxruntime-node is not installed (bash scripts/setup.sh)');
  process.exit(3);
}

const DTYPES = { '<f4': ['float32', Float32Array], '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array] };

function readNpy(file) {
  const b = fs.readFileSync(file);
  if (b.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = b[6];
  const hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = b.toString('latin1', start, start + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order is not supported`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const [type, Arr] = DTYPES[descr] || [];
  if (!type) throw new Error(`${file}: dtype ${descr} is not supported`);
  const body = b.subarray(start + hlen);
  const data = new Arr(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  return new ort.Tensor(type, data, shape);
}

function writeNpy(file, tensor) {
  const descr = { float32: '<f4', int64: '<i8', int32: '<i4', bool: '|b1' }[tensor.type];
  if (!descr) throw new Error(`output type ${tensor.type} is not supported`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const d = tensor.data;
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(d.buffer, d.byteOffset, d.byteLength)]));
}

const [model, outDir, ...specs] = process.argv.slice(2);
if (!model || !outDir) {
  console.error('usage: ort_run.mjs MODEL.onnx OUT_DIR NAME=IN.npy ...');
  process.exit(2);
}
const session = await ort.InferenceSession.create(model, {
  executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all',
});
const feeds = {};
for (const spec of specs) {
  const eq = spec.indexOf('=');
  feeds[spec.slice(0, eq)] = readNpy(spec.slice(eq + 1));
}
const results = await session.run(feeds);
fs.mkdirSync(outDir, { recursive: true });
session.outputNames.forEach((name, i) => writeNpy(path.join(outDir, `output_${i}.npy`), results[name]));
