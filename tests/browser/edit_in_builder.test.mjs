// tests/browser/edit_in_builder.test.mjs - the Graph toolbar's "Edit in builder": a dropped
// CNN becomes a builder document (one undoable step: the builder's previous model comes
// back with Undo), a layer is changed in the properties panel, and the code taken from
// the Copy button runs in /usr/bin/python3 (python3-torch) with the changed layer. A
// builder that already holds a model asks first (Keep mine / Replace), and Undo after
// Replace brings that model back. A MobileNetV2 (ReLU6 as Clip(0, 6)) opens with builder
// layers only, its Clips as ReLU6 layers, its parameter count, and its code runs. A model
// whose Split and TopK have two used outputs opens with those as ONNX op layers titled by
// their op, with two output ports each; a new layer connected by a drag from a second
// output port reads that output. A 6-layer transformer encoder opens with its repeated
// layers folded into one box that unfolds (its layers editable, the code follows) and
// folds again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropFiles, screenshot, SITE, waitDrawn, waitReady } from './lib.mjs';
import { addFromPicker, assert, builderDoc, builderUi, click, connectByDrag, frames, rect, setParam, showBuilder, waitUi } from './builder_lib.mjs';
import { clickUi, openModel, waitGraph } from './graph_lib.mjs';

function runPython(code) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-edit-in-builder-'));
  try {
    const file = path.join(dir, 'model.py');
    fs.writeFileSync(file, code);
    return execFileSync('/usr/bin/python3', [file], { encoding: 'utf8', timeout: 120000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// A model exported by python3-torch once per machine into the temp folder as `name`:
// `script` is Python that writes the ONNX file to the path in the variable FILE.
function exportedOnce(name, script) {
  const file = path.join(os.tmpdir(), name);
  if (!fs.existsSync(file)) {
    execFileSync('/usr/bin/python3', ['-c', `FILE = ${JSON.stringify(file)}\n${script}`],
      { encoding: 'utf8', timeout: 180000, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return file;
}

// torchvision's MobileNetV2 (random weights, 96x96 input).
const mobileNetV2 = () => exportedOnce('nf-edit-in-builder-mobilenet_v2.onnx', `
import torch, torchvision
torch.manual_seed(0)
m = torchvision.models.mobilenet_v2().eval()
torch.onnx.export(m, (torch.rand(1, 3, 96, 96),), FILE, opset_version=14, input_names=["image"], output_names=["logits"])
`);

// A GLU (Split into halves) and TopK's values and indices: two nodes with two used outputs.
const twoOutputs = () => exportedOnce('nf-edit-in-builder-two-outputs.onnx', `
import torch
class TwoOutputs(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
    def forward(self, x):
        a, b = torch.split(self.conv(x), [4, 4], dim=1)  # a Split (chunk() exports as two Slices)
        values, indices = (a * torch.sigmoid(b)).flatten(1).topk(5)
        return values + indices.float()
torch.manual_seed(0)
torch.onnx.export(TwoOutputs().eval(), (torch.rand(1, 3, 8, 8),), FILE, opset_version=14, input_names=["x"], output_names=["y"])
`);

// A 6-layer nn.TransformerEncoder (d_model 32, random weights): the hierarchy's series "layers ×6".
const encoder6 = () => exportedOnce('nf-edit-in-builder-encoder6.onnx', `
import torch, torch.nn as nn
torch.manual_seed(1)
enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True), num_layers=6).eval()
torch.onnx.export(enc, (torch.randn(1, 12, 32),), FILE, opset_version=14, input_names=["src"], output_names=["out"])
`);

// Drags the builder's canvas up with the right button (a pan) until widget `name` shows.
async function panUntilShown(page, name) {
  for (let k = 0; k < 30; ++k) {
    const ui = await builderUi(page);
    if (ui.rects[name]) return;
    const [x, y, w, h] = ui.rects.canvas;
    await page.mouse.move(x + w / 2, y + h * 0.8);
    await page.mouse.down({ button: 'right' });
    for (let s = 1; s <= 4; ++s) {
      await page.mouse.move(x + w / 2, y + h * (0.8 - 0.15 * s));
      await frames(page, 1);
    }
    await page.mouse.up({ button: 'right' });
    await frames(page, 2);
  }
  await rect(page, name, 1000);  // fails naming what shows
}

// Graph toolbar "Edit in builder" on the open model; the import's report, which names no error.
async function editInBuilder(page) {
  await clickUi(page, 'edit_in_builder');
  const g = await waitGraph(page, (s) => !!s.edit_in_builder, 'the import published');
  assert(g.edit_in_builder.error === '', `no error: ${g.edit_in_builder.error}`);
  return g;
}

export default function register(t) {
  t.test('a transformer opens in the builder with its repeated layers folded; unfold, edit a layer, the code follows', {
    timeout: 300000, context: { viewport: { width: 1600, height: 1000 } },
  }, async ({ page, url }) => {
    await openModel(page, url, encoder6());
    await editInBuilder(page);
    await waitUi(page, (u) => u.settled && u.folds && u.folds.length > 0, 'the folds published');
    let ui = await builderUi(page);
    const doc = await builderDoc(page);
    assert(ui.folds.length === 1, `one repeated series: ${JSON.stringify(ui.folds)}`);
    const fold = ui.folds[0];
    assert(fold.name === 'layers' && fold.count === 6 && fold.folded, `"layers ×6", folded: ${JSON.stringify(fold)}`);
    assert(fold.layers > 6 * 5 && fold.layers < doc.nodes.length, `the box holds the six layers' ${fold.layers} of ${doc.nodes.length} layers`);
    // Folded: the box on screen, readable, and none of its layers.
    await rect(page, 'fold:layers');
    assert(ui.text_px >= 11, `box text readable at the first picture: ${ui.text_px} px`);
    // The first feed-forward Linear (32 -> 64) of layers.0.
    const member = doc.nodes.find((n) => n.name === 'layers_0_linear1' && n.type === 'Linear');
    assert(member, `layers.0's linear1: ${doc.nodes.filter((n) => n.type === 'Linear').map((n) => n.name).join(' ')}`);
    assert(!ui.rects[`node:${member.name}`], `${member.name} is inside the folded box, not drawn`);
    await screenshot(page, 'edit-in-builder-folded');

    // Unfold: the layers show; edit one; the code follows.
    await click(page, 'fold:layers');
    await waitUi(page, (u) => u.folds[0].folded === false, 'unfolded');
    await panUntilShown(page, `node:${member.name}`);
    await click(page, `node:${member.name}`);
    const before = await page.evaluate(() => window.netforgeBuilder.code());
    await setParam(page, 'out_features', '48');
    await waitUi(page, (u) => u.settled, 'the code after the edit');
    const edited = (await builderDoc(page)).nodes.find((n) => n.id === member.id);
    assert(edited.params.out_features === 48, `the layer has 48 features: ${edited.params.out_features}`);
    const code = await page.evaluate(() => window.netforgeBuilder.code());
    assert(code !== before && /nn\.Linear\(32, 48/.test(code), 'the code has the edited layer: nn.Linear(32, 48...)');
    await screenshot(page, 'edit-in-builder-unfolded-edited');

    // Fold again from the tab over the run (Fit, nothing selected: the top of the model).
    await click(page, 'canvas');
    await page.keyboard.press('Escape');
    await click(page, 'btn:Fit');
    await click(page, 'fold:layers');
    await waitUi(page, (u) => u.folds[0].folded === true, 'folded again');
    ui = await builderUi(page);
    assert(!ui.rects[`node:${member.name}`], 'folded again: its layers are not drawn');
  });

  t.test('nodes with two used outputs open as ONNX op layers with two output ports; a drag from the second connects it', {
    timeout: 240000, context: { viewport: { width: 1600, height: 1000 } },
  }, async ({ page, url }) => {
    await openModel(page, url, twoOutputs());
    await editInBuilder(page);
    let doc = await builderDoc(page);
    const split = doc.nodes.find((n) => n.type === 'OnnxOp' && n.params.op_type === 'Split');
    const topk = doc.nodes.find((n) => n.type === 'OnnxOp' && n.params.op_type === 'TopK');
    assert(split && topk, `a Split and a TopK layer: ${doc.nodes.map((n) => n.type).join(' ')}`);
    const second = doc.edges.filter((e) => e.out === 1).map((e) => e.from).sort();
    assert(JSON.stringify(second) === JSON.stringify([split.id, topk.id].sort()), `one edge reads each one's output 2: ${JSON.stringify(doc.edges)}`);
    let ui = await builderUi(page);
    assert(ui.errors === 0, `no errors (${ui.errors})`);
    // Both output ports of the Split are drawn, and the box is titled by its op.
    await rect(page, `out:${split.name}`);
    await rect(page, `out:${split.name}:1`);
    const added = await addFromPicker(page, 'tanh', 'Tanh');
    await connectByDrag(page, split.name, added.name, 0, 1);
    doc = await builderDoc(page);
    const edge = doc.edges.find((e) => e.to === added.id);
    assert(edge && edge.from === split.id && edge.out === 1, `the drag connected output 2 of ${split.name}: ${JSON.stringify(edge)}`);
    ui = await builderUi(page);
    assert(ui.errors === 0, `the new layer reads the half it was connected to (${ui.errors} errors)`);
    await click(page, `node:${split.name}`);
    await frames(page, 3);
    await screenshot(page, 'edit-in-builder-two-outputs');
    await click(page, 'btn:Copy');
    const copied = await page.evaluate(() => window.netforgeBuilder.copied());
    assert(copied.includes(`${split.name}, ${split.name}_1 = onnx_split(`), 'the Split binds both halves');
    const out = runPython(copied);
    assert(/output \(1, 5\)/.test(out), `python prints the ONNX output shape (1, 5): ${out}`);
  });

  t.test('a MobileNetV2 (ReLU6 as Clip) opens in the builder with builder layers only, and its code runs', {
    timeout: 300000, context: { viewport: { width: 1600, height: 1000 } },
  }, async ({ page, url }) => {
    await openModel(page, url, mobileNetV2());
    const g = await editInBuilder(page);
    console.log(`    MobileNetV2 Edit in builder: ${g.edit_in_builder.layers} layers in ${g.edit_in_builder.ms} ms (in the page)`);
    const doc = await builderDoc(page);
    const clips = doc.nodes.filter((n) => n.type === 'ReLU6');
    assert(clips.length === 35, `35 ReLU6 layers (Clip(0, 6)): ${clips.length}`);
    const generic = doc.nodes.filter((n) => n.type === 'OnnxOp');
    assert(generic.length === 0, `no ONNX op layers: ${generic.map((n) => n.params.op_type).join(' ')}`);
    const ui = await builderUi(page);
    assert(ui.errors === 0 && ui.params_total === 3487816, `complete, with the file's 3,487,816 parameters (${ui.errors} errors, ${ui.params_total})`);
    // Its numbered features.0..18 open folded as one box: unfolded, the first Clip shows.
    assert(ui.folds.length === 1 && ui.folds[0].name === 'features' && ui.folds[0].count === 19,
      `features ×19 folded: ${JSON.stringify(ui.folds)}`);
    await click(page, 'fold:features');
    await click(page, `node:${clips[0].name}`);
    await frames(page, 3);
    await screenshot(page, 'edit-in-builder-mobilenet');
    await click(page, 'btn:Copy');
    const copied = await page.evaluate(() => window.netforgeBuilder.copied());
    assert(copied.includes('nn.ReLU6()'), 'the Clip layers are nn.ReLU6 modules');
    const out = runPython(copied);
    assert(/output \(1, 1000\)/.test(out), `python prints the ONNX output shape (1, 1000): ${out}`);
    assert(out.includes('parameters 3487816'), `PyTorch counts the file's parameters: ${out}`);
  });


  t.test('drop a CNN, Edit in builder, change a layer, copy the code: it runs in python3-torch', {
    timeout: 240000, context: { viewport: { width: 1600, height: 1000 } },
  }, async ({ page, url }) => {
    // The sample CIFAR-10 CNN the site ships (Conv/ReLU/MaxPool x2, Flatten, Linear).
    await openModel(page, url, path.join(SITE, 'sample.onnx'));
    await clickUi(page, 'edit_in_builder');
    await page.waitForFunction(() => window.netforgeBuilder !== undefined && JSON.parse(window.netforgeBuilder.doc()).nodes.length > 0,
      null, { timeout: 15000 });
    const g = await waitGraph(page, (s) => !!s.edit_in_builder, 'the import published');
    assert(g.edit_in_builder.error === '', `no error: ${g.edit_in_builder.error}`);
    console.log(`    Edit in builder: ${g.edit_in_builder.layers} layers in ${g.edit_in_builder.ms} ms (in the page)`);
    let doc = await builderDoc(page);
    const types = doc.nodes.map((n) => n.type).join(' ');
    assert(types === 'Input Conv2d ReLU MaxPool2d Conv2d ReLU MaxPool2d Flatten Linear',
      `the layers of the sample CNN in order: ${types}`);
    assert(doc.edges.length === 8, `a chain of 8 edges (${doc.edges.length})`);
    let ui = await builderUi(page);
    assert(ui.errors === 0 && ui.params_total === 60362, `complete, with the model's 60,362 parameters (${ui.params_total})`);

    // Undo brings the previous builder model (empty here) back; redo the import again.
    await click(page, 'canvas');
    await page.keyboard.press('Control+z');
    await frames(page, 3);
    assert((await builderDoc(page)).nodes.length === 0, 'Undo restored the previous builder model');
    await page.keyboard.press('Control+y');
    await frames(page, 3);
    assert((await builderDoc(page)).nodes.length === 9, 'Redo brought the imported model back');

    // Change a layer: the first convolution gets 16 instead of 32 output channels.
    const conv = (await builderDoc(page)).nodes.find((n) => n.type === 'Conv2d');
    await click(page, `node:${conv.name}`);
    await setParam(page, 'out_channels', '16');
    doc = await builderDoc(page);
    assert(doc.nodes.find((n) => n.id === conv.id).params.out_channels === 16, 'the channel count changed');
    ui = await builderUi(page);
    assert(ui.errors === 0 && ui.params_total < 60362, `fewer parameters after the change (${ui.params_total})`);

    // Copy the code with the Copy button and run it.
    await click(page, 'btn:Copy');
    const copied = await page.evaluate(() => window.netforgeBuilder.copied());
    assert(copied.includes(`nn.Conv2d(3, 16`), 'the copied code has the changed convolution');
    const out = runPython(copied);
    const shape = out.match(/output \((\d+), (\d+)\)/);
    const params = out.match(/parameters (\d+)/);
    assert(shape && shape[2] === '10', `python prints an output of shape (N, 10): ${out}`);
    assert(params && Number(params[1]) === ui.params_total,
      `PyTorch counts the parameters the builder shows (${params && params[1]} vs ${ui.params_total})`);
  });

  t.test('a builder holding a model asks before Edit in builder replaces it; Undo brings it back', {
    timeout: 120000, context: { viewport: { width: 1600, height: 1000 } },
  }, async ({ page, url }) => {
    // The user's model in the builder: one Input layer.
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    await showBuilder(page);
    const mine = await addFromPicker(page, 'Input', 'Input');
    await click(page, 'canvas');
    await page.keyboard.press('Control+Shift+B');  // hides the builder: the graph's toolbar is in sight
    await frames(page, 3);
    await dropFiles(page, [path.join(SITE, 'sample.onnx')]);
    await waitDrawn(page, 'sample.onnx');
    await waitGraph(page, (g) => g.stage === 'ready' && g.frames > 0, 'the graph drawn');

    // Edit in builder asks; Keep mine leaves the user's model as it was.
    await clickUi(page, 'edit_in_builder');
    await rect(page, 'btn:Keep mine');
    assert((await builderDoc(page)).nodes.length === 1, 'nothing replaced while asking');
    await click(page, 'btn:Keep mine');
    await frames(page, 3);
    let doc = await builderDoc(page);
    assert(doc.nodes.length === 1 && doc.nodes[0].name === mine.name, `Keep mine kept the model (${doc.nodes.length} nodes)`);

    // Asked again, Replace: the imported model, one undo step away from the user's.
    await click(page, 'canvas');
    await page.keyboard.press('Control+Shift+B');
    await frames(page, 3);
    await clickUi(page, 'edit_in_builder');
    await click(page, 'btn:Replace');
    await frames(page, 3);
    assert((await builderDoc(page)).nodes.length === 9, 'Replace opened the imported model');
    await click(page, 'canvas');
    await page.keyboard.press('Control+z');
    await frames(page, 3);
    doc = await builderDoc(page);
    assert(doc.nodes.length === 1 && doc.nodes[0].name === mine.name, `Undo brought the user's model back (${doc.nodes.length} nodes)`);
  });
}
