// tests/browser/builder_onnx.test.mjs - "Export ONNX" in the builder: a dropped
// builder document (the CIFAR-10 CNN example) downloads as an .onnx file that Debian's
// onnx.checker accepts with the builder's parameter count and the layers' ops, that is
// byte for byte what `netforge export-onnx` writes for the same document (so the
// native checks of tests/onnxexport hold for the page's file too), and that the viewer
// opens when the file is dropped back on the page. A document with errors says why
// instead of downloading.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropFiles, ROOT, waitDrawn } from './lib.mjs';
import { assert, builderDoc, builderUi, click, frames, openBuilder, waitUi } from './builder_lib.mjs';

const CNN_DOC = path.join(ROOT, 'tests', 'builder', 'docs', 'cifar10_cnn.json');

const NETFORGE = path.join(process.env.NF_BUILD_NATIVE || path.join(ROOT, 'build-native-web'), 'netforge');

// onnx.checker (full check) on the file; returns { nodes, ops, inputs, outputs, params, opset }.
function checkOnnx(file) {
  const code = [
    'import json, math, sys, onnx',
    'm = onnx.load(sys.argv[1])',
    'onnx.checker.check_model(m, full_check=True)',
    'print(json.dumps({"nodes": len(m.graph.node), "opset": m.opset_import[0].version,',
    '  "ops": [n.op_type for n in m.graph.node],',
    '  "inputs": [i.name for i in m.graph.input], "outputs": [o.name for o in m.graph.output],',
    '  "params": sum(math.prod(t.dims) for t in m.graph.initializer)}))',
  ].join('\n');
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', code, file], { encoding: 'utf8', timeout: 120000 }));
}

async function openDocument(page, file, nodes) {
  await dropFiles(page, [file]);
  await frames(page, 5);
  await page.keyboard.press('Enter');  // accept opening the dropped document
  await page.waitForFunction((n) => JSON.parse(window.netforgeBuilder.doc()).nodes.length === n, nodes, { timeout: 10000 });
}

export default function register(t) {
  t.test('Export ONNX downloads a valid model that the viewer opens', async ({ page, url }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-builder-onnx-'));
    try {
      await openBuilder(page, url);
      const want = JSON.parse(fs.readFileSync(CNN_DOC, 'utf8'));
      await openDocument(page, CNN_DOC, want.nodes.length);
      const ui = await builderUi(page);
      const [download] = await Promise.all([page.waitForEvent('download'), click(page, 'btn:Export ONNX')]);
      const name = download.suggestedFilename();
      assert(name.endsWith('.onnx'), `the download is an .onnx file (${name})`);
      const file = path.join(dir, name);
      await download.saveAs(file);
      const facts = checkOnnx(file);
      assert(facts.opset === 17, `opset 17 (${facts.opset})`);
      assert(facts.params === ui.params_total,
        `the ONNX model holds the parameters the builder shows (${facts.params} vs ${ui.params_total})`);
      // conv1 relu1 pool1 conv2 relu2 pool2 flatten fc1 relu3 fc2 relu4 fc3: one ONNX op each.
      const ops = ['Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'MaxPool', 'Flatten', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm'];
      assert(JSON.stringify(facts.ops) === JSON.stringify(ops), `the layers' ops in order: ${facts.ops.join(' ')}`);
      const names = want.nodes.map((n) => n.name);
      assert(JSON.stringify(facts.inputs) === JSON.stringify([names[0]]) &&
             JSON.stringify(facts.outputs) === JSON.stringify([names[names.length - 1]]),
        `the graph's input and output are named after the layers: ${facts.inputs} -> ${facts.outputs}`);
      const native = path.join(dir, 'native.onnx');
      execFileSync(NETFORGE, ['export-onnx', CNN_DOC, '-o', native], { timeout: 60000 });
      assert(fs.readFileSync(file).equals(fs.readFileSync(native)),
        `the page wrote what netforge export-onnx writes (${fs.statSync(file).size} vs ${fs.statSync(native).size} bytes)`);

      await dropFiles(page, [file]);  // back into the viewer
      const s = await waitDrawn(page, name);
      assert(s.nodes === facts.nodes && !s.error, `the viewer drew the exported model: ${JSON.stringify(s)}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  t.test('Export ONNX of a document with errors explains instead of downloading', async ({ page, url }) => {
    await openBuilder(page, url);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-builder-onnx-'));
    try {
      const file = path.join(dir, 'broken.netforge.json');  // a Linear with nothing feeding it
      fs.writeFileSync(file, JSON.stringify({ format: 'netforge-builder', version: 1, name: 'Broken',
        nodes: [{ id: 1, type: 'Linear', name: 'fc', pos: [0, 0] }], edges: [] }));
      await openDocument(page, file, 1);
      let downloaded = false;
      page.on('download', () => { downloaded = true; });
      await click(page, 'btn:Export ONNX');
      await waitUi(page, (u) => (u.status || '').startsWith('Export ONNX:'), 'the export error in the toolbar');
      await frames(page, 5);
      assert(!downloaded, 'nothing was downloaded');
      assert((await builderDoc(page)).nodes.length === 1, 'the document is untouched');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
