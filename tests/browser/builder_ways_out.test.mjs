// tests/browser/builder_ways_out.test.mjs - every download of the builder's code panel,
// used through the UI on a template picked from the gallery: "Download .py" in PyTorch
// and in Keras (each compiles with /usr/bin/python3; the Keras file calls the same layer
// classes under the same names as the TF.js model), "Download TF.js model" loaded by
// TensorFlow.js's tf.loadLayersModel (tfjs-layers from tests/keras, the Keras engine the
// builder tests use) with the builder's output shape and trainable parameter count,
// "Download Keras JSON" (model.to_json()'s config: one layer per document layer, the
// TF.js model's topology, built by tfjs-layers' modelFromJSON), and
// "Download notebook" checked as nbformat 4 JSON whose code compiles and whose model cell
// runs with /usr/bin/python3 (python3-torch).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addFromPicker, assert, builderDoc, builderUi, click, frames, openBuilder, waitUi } from './builder_lib.mjs';
import { screenshot } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), click(page, button)]);
  return { name: file.suggestedFilename(), text: fs.readFileSync(await file.path(), 'utf8') };
}

async function tfjsLayers() {
  const requireKeras = createRequire(path.join(here, '..', 'keras', 'package.json'));
  const tf = requireKeras('@tensorflow/tfjs-core');
  requireKeras('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  return requireKeras('@tensorflow/tfjs-layers');
}

const trainableCount = (model) => model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);

// A Keras model.to_json() config built by tfjs-layers (no weights: Keras's initialisers).
async function buildFromKerasConfig(config) {
  const model = await (await tfjsLayers()).models.modelFromJSON(config);
  return { outputShape: model.outputShape, trainable: trainableCount(model) };
}

// tf.loadLayersModel over HTTP, as a page that hosts model.json would load it.
async function loadWithTfjs(modelJson) {
  const tfl = await tfjsLayers();
  const server = http.createServer((req, res) => {
    res.setHeader('connection', 'close');
    res.end(modelJson);
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const model = await tfl.loadLayersModel(`http://127.0.0.1:${server.address().port}/model.json`);
    return { outputShape: model.outputShape, trainable: trainableCount(model) };
  } finally {
    server.close();
  }
}

export default function register(t) {
  t.test('a template downloads as PyTorch and Keras .py, a TF.js model that tfjs-layers loads and a notebook that runs', {
    timeout: 180000, context: { viewport: { width: 1600, height: 1000 } },
  }, async ({ page, url }) => {
    await openBuilder(page, url);
    await click(page, 'btn:From template');
    await click(page, 'template_search');
    await page.keyboard.type('cifar', { delay: 5 });
    await frames(page, 3);
    await click(page, 'template:CIFAR-10 CNN');
    await frames(page, 3);
    const ui = await builderUi(page);
    assert(ui.errors === 0 && ui.params_trainable > 0, `the template has no errors (${ui.errors})`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-ways-out-'));
    const compiles = (name, text) => {
      fs.writeFileSync(path.join(dir, name), text);
      execFileSync('/usr/bin/python3', ['-m', 'py_compile', path.join(dir, name)]);
    };
    try {
      await click(page, 'btn:PyTorch');
      await frames(page, 3);
      const torchPy = await download(page, 'btn:Download');
      assert(torchPy.name.endsWith('_pytorch.py'), `the PyTorch download is a _pytorch.py (${torchPy.name})`);
      assert(torchPy.text.includes('import torch') && torchPy.text.includes('nn.Conv2d(3, 32'),
        'the PyTorch file builds the template with torch.nn');
      compiles('model_pytorch.py', torchPy.text);

      await click(page, 'btn:Keras');
      await frames(page, 3);
      await screenshot(page, 'builder-ways-out');
      const kerasPy = await download(page, 'btn:Download');
      assert(kerasPy.name.endsWith('_keras.py'), `the Keras download is a _keras.py (${kerasPy.name})`);
      compiles('model_keras.py', kerasPy.text);
      // Each "name = layers.Class(..., name="name")" of the Keras file, by layer name.
      const kerasCalls = new Map();
      for (const m of kerasPy.text.matchAll(/= (?:layers\.(\w+)|keras\.(Input))\(.*name="(\w+)"/g))
        kerasCalls.set(m[3], m[1] || 'InputLayer');

      const tfjs = await download(page, 'btn:Download TF.js model');
      assert(tfjs.name === 'model.json', `the TF.js download is model.json (${tfjs.name})`);
      const topology = JSON.parse(tfjs.text);
      assert(topology.format === 'layers-model' && topology.modelTopology.class_name === 'Functional',
        'model.json holds a layers-model topology');
      const jsonLayers = topology.modelTopology.config.layers.map((l) => [l.config.name, l.class_name]);
      const classes = new Set(jsonLayers.map(([, c]) => c));
      for (const c of ['InputLayer', 'Conv2D', 'BatchNormalization', 'MaxPooling2D', 'Flatten', 'Dense'])
        assert(classes.has(c), `model.json has a ${c} (${[...classes].join(', ')})`);
      assert(JSON.stringify(jsonLayers) === JSON.stringify([...kerasCalls]),
        `the Keras .py calls the model.json's layers in order: ${JSON.stringify([...kerasCalls])} vs ${JSON.stringify(jsonLayers)}`);
      const loaded = await loadWithTfjs(tfjs.text);
      assert(JSON.stringify(loaded.outputShape) === JSON.stringify([null, 10]),
        `tf.loadLayersModel built it with output (None, 10) (${JSON.stringify(loaded.outputShape)})`);
      assert(loaded.trainable === ui.params_trainable,
        `tfjs-layers has the builder's ${ui.params_trainable} trainable parameters (${loaded.trainable})`);

      const kerasJson = await download(page, 'btn:Download Keras JSON');
      assert(/^\w+_keras\.json$/.test(kerasJson.name), `the Keras JSON download is a _keras.json (${kerasJson.name})`);
      const keras = JSON.parse(kerasJson.text);
      assert(keras.class_name === 'Functional' && keras.keras_version && keras.backend === 'tensorflow',
        `a Keras functional model config (${keras.class_name}, Keras ${keras.keras_version})`);
      const docLayers = (await builderDoc(page)).nodes.map((n) => n.name);
      const kerasLayers = keras.config.layers.map((l) => l.name);
      assert(JSON.stringify(kerasLayers) === JSON.stringify(docLayers),
        `one Keras layer per document layer, same names, same order: ${kerasLayers} vs ${docLayers}`);
      assert(JSON.stringify(keras) === JSON.stringify(topology.modelTopology), 'the TF.js model wraps this same config');
      const built = await buildFromKerasConfig(keras);
      assert(JSON.stringify(built.outputShape) === JSON.stringify([null, 10]) && built.trainable === ui.params_trainable,
        `tfjs-layers builds the Keras JSON: output ${JSON.stringify(built.outputShape)}, ${built.trainable} trainable parameters`);

      const nb = await download(page, 'btn:Download notebook');
      assert(nb.name.endsWith('.ipynb'), `the notebook download is an .ipynb (${nb.name})`);
      const notebook = JSON.parse(nb.text);
      assert(notebook.nbformat === 4 && Array.isArray(notebook.cells), 'nbformat 4');
      const cells = notebook.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
      assert(cells.some((c) => c.includes('datasets.CIFAR10(')), 'a 3x32x32 classifier trains on CIFAR-10');
      compiles('notebook.py', cells.join('\n\n'));
      fs.writeFileSync(path.join(dir, 'model.py'), cells[0]);
      const out = execFileSync('/usr/bin/python3', [path.join(dir, 'model.py')], { encoding: 'utf8', timeout: 120000 });
      assert(out.includes('output (2, 10)') && out.includes(`parameters ${ui.params_trainable}`),
        `the model cell runs with torch: ${out}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  t.test('a model Keras cannot express downloads no TF.js model or Keras JSON and says why', async ({ page, url }) => {
    await openBuilder(page, url);
    await addFromPicker(page, 'Input', 'Input');
    await addFromPicker(page, 'Squeeze', 'Squeeze');  // PyTorch only
    let downloaded = null;
    page.on('download', (d) => { downloaded = d.suggestedFilename(); });
    await click(page, 'btn:Download TF.js model');
    await frames(page, 10);
    await waitUi(page, (u) => u.status.includes('not available in Keras'), 'the refusal under the toolbar');
    await click(page, 'canvas');
    await frames(page, 2);
    await click(page, 'btn:Download Keras JSON');
    await frames(page, 10);
    await waitUi(page, (u) => u.status.includes('not available in Keras'), 'the Keras JSON refusal');
    assert(downloaded === null, `nothing was downloaded (${downloaded})`);
  });
}
