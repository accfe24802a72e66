#!/usr/bin/env node
// Builds the builder's Keras models with a Keras engine: TensorFlow.js's layers API
// (tfjs-layers 4.22, tests/keras), which constructs Keras layers from Keras's own JSON
// config. TensorFlow itself cannot be installed here.
//
// usage: node check_tfjs.mjs NETFORGE DOCS_DIR
//
// For every example document in DOCS_DIR, every template (`netforge template`) and one
// small document per Keras layer type of the catalog (tests/builder/builder_docs.py), it
// takes `netforge codegen --framework tfjs` (the model.json the builder downloads),
// loads it with tf.loadLayersModel over HTTP as a page would, and requires the output
// shapes and countParams() to equal what `netforge check --framework keras` shows.
// Layers tfjs-layers lacks (MultiHeadAttention, GroupNormalization, 1D/3D padding...)
// or implements differently (Conv `groups` is ignored) cannot be built: such models are
// checked only statically (check_keras.py compares the Python code with the same JSON),
// and the output says which layer types were verified by the engine and which were not.
// Exit 0 all verified or static, 1 a mismatch, 77 (skipped) when tests/keras is not installed.
//
// Bounded in time: each netforge/python3 call may take CALL_S seconds and each model load
// LOAD_S; the whole run stops with a failure after NETFORGE_TFJS_DEADLINE_S (default 240;
// it takes 2 s, 20 s on a loaded machine), naming the document it was on. ctest's TIMEOUT (300,
// tests/builder/extra.cmake) is the last resort for a hang inside tfjs-layers itself.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const requireKeras = createRequire(path.join(here, '..', 'keras', 'package.json'));
let tf, tfl;
try {
  tf = requireKeras('@tensorflow/tfjs-core');
  // tfjs-layers' Orthogonal initialiser (recurrent kernels) calls chained ops
  // (tensor.flatten()...) that only the @tensorflow/tfjs bundle registers.
  const proto = tf.Tensor.prototype;
  proto.flatten ??= function () { return tf.reshape(this, [this.size]); };
  for (const op of ['stridedSlice', 'sign', 'transpose', 'reshape'])
    proto[op] ??= function (...args) { return tf[op](this, ...args); };
  requireKeras('@tensorflow/tfjs-backend-cpu');
  tfl = requireKeras('@tensorflow/tfjs-layers');
} catch (e) {
  console.log(`SKIP: tests/keras is not installed (bash scripts/setup.sh): ${e.message}`);
  process.exit(77);
}

const [netforge, docsDir] = process.argv.slice(2);
if (!netforge || !docsDir) {
  console.log('usage: node check_tfjs.mjs NETFORGE DOCS_DIR');
  process.exit(2);
}
const CALL_S = 60, LOAD_S = 60;
const DEADLINE_S = Number(process.env.NETFORGE_TFJS_DEADLINE_S || 240);
let current = 'the start';
const started = Date.now();
const overDeadline = () => (Date.now() - started) / 1000 > DEADLINE_S;
const deadlineMessage = () => `took longer than ${DEADLINE_S} s (NETFORGE_TFJS_DEADLINE_S); stopped at ${current}`;
// Between awaits the event loop is free: a load that never settles ends here.
setTimeout(() => {
  console.log(`FAIL ${deadlineMessage()}`);
  process.exit(1);
}, DEADLINE_S * 1000 + 1000).unref();
function withTimeout(promise, seconds, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${seconds} s`)), seconds * 1000);
  })]).finally(() => clearTimeout(timer));
}
await tf.setBackend('cpu');
const known = new Set(Object.keys(tf.serialization.SerializationMap.getMap().classNameMap));

function nf(...args) {
  return execFileSync(netforge, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'],
                                       timeout: CALL_S * 1000, killSignal: 'SIGKILL' });
}
function check(docPath) {
  try {
    return JSON.parse(nf('check', docPath, '--framework', 'keras', '--json'));
  } catch (e) {  // exit 1: the document has errors; the report is still printed
    if (e.stdout) return JSON.parse(e.stdout);
    throw e;
  }
}

// What keeps tfjs-layers from building a layer faithfully: "" when nothing does.
function engineGap(layer) {
  if (!known.has(layer.class_name)) return `${layer.class_name} is not in tfjs-layers`;
  const inner = layer.config.layer;
  if (inner && !known.has(inner.class_name)) return `${inner.class_name} is not in tfjs-layers`;
  if ((layer.config.groups ?? 1) !== 1) return `${layer.class_name} groups=${layer.config.groups} (tfjs-layers ignores groups)`;
  // Keras's GRU has reset_after=True since TF 2 (two bias vectors, as PyTorch); tfjs-layers
  // refuses reset_after=True and counts 3 * units fewer parameters.
  if (layer.class_name === 'GRU' || inner?.class_name === 'GRU') return 'GRU (tfjs-layers lacks reset_after=True)';
  return '';
}

// Initialisers do not change shapes or counts; zeros spare the large templates'
// random and orthogonal initialisation (seconds each on a loaded machine).
function initialisersOf(cls) {
  if (/^SeparableConv/.test(cls)) return ['depthwise_initializer', 'pointwise_initializer', 'bias_initializer'];
  if (cls === 'DepthwiseConv2D') return ['depthwise_initializer', 'bias_initializer'];
  if (/^(LSTM|GRU|SimpleRNN)$/.test(cls)) return ['kernel_initializer', 'recurrent_initializer', 'bias_initializer'];
  if (cls === 'Embedding') return ['embeddings_initializer'];
  if (/^(Dense|Conv\dD|Conv\dDTranspose)$/.test(cls)) return ['kernel_initializer', 'bias_initializer'];
  return [];
}
function zeroInitialisers(config) {
  for (const key of initialisersOf(config.class_name)) config.config[key] = { class_name: 'Zeros', config: {} };
  if (config.config.layer) zeroInitialisers(config.config.layer);
}

// Serves model.json so tf.loadLayersModel reads it the way a page does.
let served = '';
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.setHeader('connection', 'close');  // no kept-alive socket the server may close under the next fetch
  res.end(served);
}).listen(0, '127.0.0.1');
await new Promise(resolve => server.once('listening', resolve));
const url = `http://127.0.0.1:${server.address().port}/model.json`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-tfjs-'));
const docs = [];
for (const f of fs.readdirSync(docsDir).filter(f => f.endsWith('.json')).sort())
  docs.push({ label: f.replace(/\.json$/, ''), path: path.join(docsDir, f) });
for (const t of JSON.parse(nf('template', '--json'))) {
  const p = path.join(tmp, `template_${docs.length}.json`);
  nf('template', t.name, '-o', p);
  docs.push({ label: `template "${t.name}"`, path: p });
}
// One small document per layer type, written by the Python tests' helper (one recipe).
const smokeDir = path.join(tmp, 'smoke');
execFileSync('python3', [path.join(here, 'builder_docs.py'), 'smoke', netforge, smokeDir],
             { timeout: CALL_S * 1000, killSignal: 'SIGKILL' });
for (const f of fs.readdirSync(smokeDir).sort())
  docs.push({ label: `layer ${f.replace(/\.json$/, '')}`, path: path.join(smokeDir, f), layerType: f.replace(/\.json$/, '') });

const failures = [];
const engineTypes = new Set(), staticTypes = new Map();
let built = 0, staticOnly = 0, refused = 0;
for (const doc of docs) {
  if (overDeadline()) {
    failures.push(`${deadlineMessage()} (${docs.length - docs.indexOf(doc)} documents not checked)`);
    break;
  }
  current = doc.label;
  let expected;
  try {
    expected = check(doc.path);
  } catch (e) {
    failures.push(`${doc.label}: netforge check failed: ${(e.stderr || e.message).trim()}`);
    continue;
  }
  if (expected.errors > 0) {  // Keras lacks a layer: check_keras.py tests the refusal
    refused++;
    continue;
  }
  let modelJson;
  try {
    modelJson = JSON.parse(nf('codegen', doc.path, '--framework', 'tfjs'));
  } catch (e) {
    failures.push(`${doc.label}: netforge codegen --framework tfjs failed: ${(e.stderr || e.message).trim()}`);
    continue;
  }
  const gaps = [...new Set(modelJson.modelTopology.config.layers.map(engineGap).filter(Boolean))];
  if (gaps.length) {
    staticOnly++;
    if (doc.layerType) staticTypes.set(doc.layerType, gaps.join('; '));
    console.log(`${doc.label}: static only (${gaps.join('; ')})`);
    continue;
  }
  try {
    const fast = structuredClone(modelJson);
    fast.modelTopology.config.layers.forEach(zeroInitialisers);
    served = JSON.stringify(fast);
    const model = await withTimeout(tfl.loadLayersModel(url), LOAD_S, 'tf.loadLayersModel');
    const shapes = (Array.isArray(model.outputShape[0]) || model.outputShape[0] === null && model.outputs.length > 1)
      ? model.outputShape : [model.outputShape];
    const got = shapes.map(s => JSON.stringify(s.slice(1)));
    const want = expected.outputs.map(o => JSON.stringify(o.shape));
    const params = model.countParams();
    const wantParams = expected.total.trainable + expected.total.non_trainable;
    if (JSON.stringify(got) !== JSON.stringify(want))
      failures.push(`${doc.label}: tfjs output shapes ${got.join(', ')}, the builder shows ${want.join(', ')}`);
    else if (params !== wantParams)
      failures.push(`${doc.label}: tfjs counts ${params} parameters, the builder ${wantParams}`);
    else {
      built++;
      if (doc.layerType) engineTypes.add(doc.layerType);
      console.log(`${doc.label}: tfjs-layers built it: outputs ${want.join(', ')}, ${params} parameters`);
    }
    model.dispose();
  } catch (e) {
    failures.push(`${doc.label}: tfjs-layers could not build it: ${e.message}`);
  }
}
server.close();
fs.rmSync(tmp, { recursive: true, force: true });

console.log(`\nverified by the tfjs-layers engine: ${engineTypes.size} layer types: ${[...engineTypes].sort().join(', ')}`);
console.log(`checked only statically (ast, check_keras.py): ${staticTypes.size} layer types:`);
for (const [t, why] of [...staticTypes].sort()) console.log(`  ${t}: ${why}`);
console.log(`documents: ${built} built by tfjs-layers with equal shapes and parameter counts, ` +
            `${staticOnly} static only, ${refused} refused (Keras lacks a layer), ${failures.length} failed` +
            ` in ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const f of failures) console.log('FAIL', f);
process.exit(failures.length ? 1 : 0);
