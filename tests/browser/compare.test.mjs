// tests/browser/compare.test.mjs - File > Compare with...: a model and a changed copy
// (one Conv's kernel 3 -> 5, one Conv + Relu inserted), written here by Debian's
// python3-onnx. Through the UI: open A, Compare with... (its shortcut, the file
// chooser) picks B; both graphs show side by side coloured by what changed, with a
// legend; the Differences panel lists the changed Conv with its kernel and the
// inserted nodes; clicking the row selects the Conv on both sides; a Shift-drop
// compares too; Close comparison goes back to one graph. A grouped pair (the corpus's
// ResNet-50 and a copy with a kernel changed, a Relu removed, a gate inserted): a
// click on a changed Conv opens the groups around it on both sides and selects it.
// Merged: the Differences panel's "Merged" shows A and B as one graph (pairs one box,
// the inserted nodes green in place), a row focuses its node there, and "Side by side"
// goes back with the selection kept; the Tensor panel shows the merged graph's weights
// (read from B's file for B's side) and A's again side by side. A pair of layer series (16 vs 17 layers): folding
// the series in A folds B's, unfolding the folded rest ("layers.1..layers.15 ×15") in A
// unfolds B's, folding back folds both.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { assert, CORPUS, decodePng, dropFiles, ROOT, screenshot, waitStatus } from './lib.mjs';
import { centre, clickAt, clickUi, graph, openModel, waitGraph } from './graph_lib.mjs';

function pairFixture() {
  const dir = path.join(ROOT, 'build-web/fixtures');
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('/usr/bin/python3', ['-c', `
import numpy as np, onnx, sys
from onnx import helper, numpy_helper, TensorProto
def build(changed):
    seeds = {'conv1': 1, 'conv2': 2, 'conv3': 3, 'conv3b': 4, 'fc': 5}  # each weight its own: B's others equal A's
    rand = lambda name, shape: np.random.default_rng(seeds[name]).standard_normal(shape).astype(np.float32)
    nodes, inits = [], []
    x = 'x'
    layers = [('block1', 'conv1', 3, 8, 3), ('block1', 'conv2', 8, 8, 5 if changed else 3),
              ('block2', 'conv3', 8, 8, 3)]
    if changed:
        layers.append(('block2', 'conv3b', 8, 8, 3))
    for scope, name, cin, cout, k in layers:
        w = numpy_helper.from_array(rand(name, (cout, cin, k, k)) * 0.1, name + '.weight')
        inits.append(w)
        nodes.append(helper.make_node('Conv', [x, w.name], [name + '_out'], name=f'/{scope}/{name}/Conv',
                                      kernel_shape=[k, k], pads=[k // 2] * 4))
        nodes.append(helper.make_node('Relu', [name + '_out'], [name + '_act'], name=f'/{scope}/{name}/Relu'))
        x = name + '_act'
    nodes.append(helper.make_node('GlobalAveragePool', [x], ['pooled'], name='/head/pool'))
    nodes.append(helper.make_node('Flatten', ['pooled'], ['flat'], name='/head/flatten'))
    fc = numpy_helper.from_array(rand('fc', (10, 8)), 'fc.weight')
    inits.append(fc)
    nodes.append(helper.make_node('Gemm', ['flat', 'fc.weight'], ['y'], name='/head/fc', transB=1))
    g = helper.make_graph(nodes, 'small_cnn', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 3, 32, 32])],
                          [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 10])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])
onnx.save(build(False), sys.argv[1] + '/compare_a.onnx')
onnx.save(build(True), sys.argv[1] + '/compare_b.onnx')
`, dir]);
  return { a: path.join(dir, 'compare_a.onnx'), b: path.join(dir, 'compare_b.onnx') };
}

// light_resnet50 (grouped when drawn) and a changed copy: res3_1's first 1x1 Conv
// becomes 3x3, the Relu after res5_1_branch2a's BatchNorm goes, x*sigmoid(x) is
// inserted where res4_3 starts.
function resnetPair() {
  const dir = path.join(ROOT, 'build-web/fixtures');
  fs.mkdirSync(dir, { recursive: true });
  const a = path.join(CORPUS, 'light/light_resnet50.onnx');
  const b = path.join(dir, 'light_resnet50_changed.onnx');
  execFileSync('/usr/bin/python3', ['-c', `
import onnx, sys
from onnx import helper, numpy_helper
m = onnx.load(sys.argv[1]); g = m.graph
inits = {i.name: i for i in g.initializer}
by_w = {n.input[1]: n for n in g.node if len(n.input) > 1}
conv = by_w['gpu_0/res3_1_branch2a_w_0']
for a in conv.attribute:
    if a.name == 'kernel_shape': a.ints[:] = [3, 3]
    if a.name == 'pads': a.ints[:] = [1, 1, 1, 1]
s = inits['gpu_0/res3_1_branch2a_w_0__SHAPE']
arr = numpy_helper.to_array(s).copy(); arr[2:] = 3
s.CopyFrom(numpy_helper.from_array(arr, s.name))
bn = by_w['gpu_0/res5_1_branch2a_bn_s_0'].output[0]
relu = next(i for i, n in enumerate(g.node) if n.op_type == 'Relu' and n.input[0] == bn)
gone = g.node[relu].output[0]; del g.node[relu]
for n in g.node:
    for k, x in enumerate(n.input):
        if x == gone: n.input[k] = bn
x = by_w['gpu_0/res4_3_branch2a_w_0'].input[0]
i = next(i for i, n in enumerate(g.node) if x in n.output)
g.node[i].output[list(g.node[i].output).index(x)] = x + '_pre'
g.node.insert(i + 1, helper.make_node('Sigmoid', [x + '_pre'], [x + '_gate']))
g.node.insert(i + 2, helper.make_node('Mul', [x + '_pre', x + '_gate'], [x]))
onnx.save(m, sys.argv[2])
`, a, b]);
  return { a, b };
}

// A 16-layer transformer-like chain (scripts/bench_diff.py's maker, 384 nodes: grouped
// as the series "layers ×16") and the same with a layer inserted in the middle
// ("layers ×17").
function seriesPair() {
  const dir = path.join(ROOT, 'build-web/fixtures');
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('/usr/bin/python3', ['-c', `
import sys
sys.path.insert(0, sys.argv[1])
from bench_diff import build
from onnx import save
save(build(16), sys.argv[2] + '/series16.onnx')
save(build(16, insert_at=8), sys.argv[2] + '/series17.onnx')
`, path.join(ROOT, 'scripts'), dir]);
  return { a: path.join(dir, 'series16.onnx'), b: path.join(dir, 'series17.onnx') };
}

const compare = (page) => page.evaluate(() => window.netforgeCompare || {});
const differences = (page) => page.evaluate(() => window.netforgeDifferences || {});

async function waitCompared(page) {
  try {
    await page.waitForFunction(() => window.netforgeCompare && window.netforgeCompare.state === 'ready' &&
      window.netforgeGraphB && window.netforgeGraphB.stage === 'ready' && window.netforgeDifferences &&
      window.netforgeDifferences.total > 0, null, { timeout: 30000, polling: 50 });
  } catch (e) {
    throw new Error(`comparison not ready: ${JSON.stringify(await compare(page))}`);
  }
  return compare(page);
}

// Opens A, then Shift-drops B beside it, and waits for the comparison.
async function openPair(page, url, a, b) {
  await openModel(page, url, a);
  await page.evaluate(() => {
    window.addEventListener('drop', (e) => Object.defineProperty(e, 'shiftKey', { value: true }), { capture: true, once: true });
  });
  await dropFiles(page, [b]);
  return waitCompared(page);
}

// Clicks the Differences panel's "Merged" and waits for the merged graph to be drawn.
async function showMerged(page, d, timeout) {
  await clickAt(page, ...centre(d.ui.diff_view_merged));
  await page.waitForFunction(() => window.netforgeGraphMerged && window.netforgeGraphMerged.stage === 'ready' &&
    window.netforgeCompare.merged && window.netforgeCompare.merged.state === 'drawn', null, { timeout });
}

// Pixels of `rgb` (within a tolerance) in the screenshot's columns [x0, x1) (rows
// above y1 when given).
function countColour(png, rgb, x0, x1, y1 = Infinity) {
  const img = decodePng(png);
  const ch = img.channels;
  let n = 0;
  for (let y = 0; y < Math.min(y1, img.height); y++) {
    for (let x = x0; x < Math.min(x1, img.width); x++) {
      const p = (y * img.width + x) * ch;
      if (Math.abs(img.pixels[p] - rgb[0]) < 6 && Math.abs(img.pixels[p + 1] - rgb[1]) < 6 && Math.abs(img.pixels[p + 2] - rgb[2]) < 6) n++;
    }
  }
  return n;
}
const hex = (s) => [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16));

export default function register(t) {
  t.test('Compare with...: both graphs coloured, the change listed, a click selects it on both sides', async ({ page, url }) => {
    const { a, b } = pairFixture();
    // Listening before the page opens: playwright turns on its chooser interception
    // asynchronously, and a key pressed right after listening could beat it.
    const chooser = new Promise((resolve) => page.once('filechooser', resolve));
    await openModel(page, url, a);
    await page.keyboard.press('Control+Shift+KeyD');  // File > Compare with... (its shortcut)
    await (await chooser).setFiles(b);
    const c = await waitCompared(page);
    assert(c.file_b === 'compare_b.onnx', `B is the chosen file: ${JSON.stringify(c)}`);
    assert(c.changed >= 1 && c.added === 2 && c.removed === 0,
      `one Conv changed, a Conv + Relu inserted: ${JSON.stringify(c)}`);
    console.log(`        in-page diff ${c.diff_ms.toFixed(1)} ms in ${c.steps} slices, longest slice ${c.longest_step_ms.toFixed(1)} ms`);

    // The Differences panel lists the changed kernel and the inserted nodes.
    const d = await differences(page);
    const conv2 = d.rows.findIndex((r) => r.status === 'changed' && r.title.includes('/block1/conv2/Conv'));
    assert(conv2 >= 0, `conv2 is listed as changed: ${JSON.stringify(d.rows)}`);
    assert(d.rows[conv2].detail.includes('kernel_shape'), `with its kernel: ${d.rows[conv2].detail}`);
    assert(d.rows.some((r) => r.status === 'added' && r.title.includes('conv3b')), 'the inserted Conv is listed as added');

    // Both panes coloured by the comparison, with the legend.
    const ga = await graph(page);
    const gb = await page.evaluate(() => window.netforgeGraphB);
    assert(ga.overlay.color_by === 'diff' && ga.overlay.colored > 0, `A coloured: ${JSON.stringify(ga.overlay)}`);
    assert(gb.overlay.color_by === 'diff' && gb.overlay.colored > 0, `B coloured: ${JSON.stringify(gb.overlay)}`);
    assert(gb.overlay.entries.map((e) => e[1]).join(',') === 'same,changed,added', `B's legend: ${JSON.stringify(gb.overlay.entries)}`);
    assert(ga.canvas[0] + ga.canvas[2] <= gb.canvas[0] + 1, `side by side: A ${ga.canvas} left of B ${gb.canvas}`);

    // A click on the row selects conv2 on both sides.
    const row = d.ui[`diff_row_${conv2}`];
    assert(row, `the row has a rectangle: ${JSON.stringify(d.ui)}`);
    await clickAt(page, ...centre(row));
    await waitGraph(page, (g) => g.selected_name && g.selected_name.includes('conv2'), 'conv2 selected in A');
    await page.waitForFunction(() => (window.netforgeGraphB.selected_name || '').includes('conv2'), null, { timeout: 10000 })
      .catch(async () => { throw new Error(`B selected ${JSON.stringify((await page.evaluate(() => window.netforgeGraphB)).selected_name)}`); });
    await page.waitForTimeout(600);  // the focus animation
    const shot = (await screenshot(page, 'compare-side-by-side')).png;
    const amber = hex(ga.overlay.entries.find((e) => e[1] === 'changed')[0]);
    const mid = Math.round(gb.canvas[0]);
    assert(countColour(shot, amber, Math.round(ga.canvas[0]), mid) > 50, 'a changed (amber) box in A');
    assert(countColour(shot, amber, mid, 1280) > 50, 'a changed (amber) box in B');

    // Closing goes back to one graph over the whole canvas.
    await clickAt(page, ...centre(d.ui.diff_close));
    await page.waitForFunction(() => window.netforgeCompare.state === 'off', null, { timeout: 10000 });
    await waitGraph(page, (g) => g.overlay.color_by === 'category', 'A back to category colours');
  });

  t.test('Merged: A and B as one graph, pairs one box, the inserted nodes green in place, a row focuses the node', {
    context: { viewport: { width: 1280, height: 800 } },  // the size a reviewer compares with side by side
  }, async ({ page, url }) => {
    const { a, b } = pairFixture();
    const c = await openPair(page, url, a, b);
    let d = await differences(page);
    assert(d.ui.diff_view_merged, `the Side by side | Merged switch is shown: ${JSON.stringify(d.ui)}`);
    await clickAt(page, ...centre(d.ui.diff_view_merged));
    try {
      await page.waitForFunction(() => window.netforgeCompare.layout === 'merged' && window.netforgeCompare.merged &&
        window.netforgeCompare.merged.state === 'drawn' && window.netforgeGraphMerged && window.netforgeGraphMerged.stage === 'ready',
      null, { timeout: 20000, polling: 50 });
    } catch (e) {
      throw new Error(`merged view not drawn: ${JSON.stringify(await compare(page))}`);
    }
    const m = (await compare(page)).merged;
    // One box per pair, each removed and added node once, with their statuses.
    assert(m.nodes === c.pairs + c.removed + c.added, `merged nodes = pairs + removed + added: ${JSON.stringify(m)} vs ${JSON.stringify(c)}`);
    assert(m.added === 2 && m.removed === 0 && m.changed === c.changed && m.same === c.pairs - c.changed,
      `statuses as the report: ${JSON.stringify(m)} vs ${JSON.stringify(c)}`);
    console.log(`        merged graph of ${m.nodes} nodes built in ${m.merge_ms.toFixed(1)} ms`);
    let gm = await page.evaluate(() => window.netforgeGraphMerged);
    assert(gm.overlay.color_by === 'diff' && gm.overlay.colored > 0, `merged graph coloured: ${JSON.stringify(gm.overlay)}`);
    assert(gm.overlay.entries.map((e) => e[1]).join(',') === 'same,changed,removed,added', `merged legend: ${JSON.stringify(gm.overlay.entries)}`);
    assert(gm.canvas[2] > 600, `one graph over the canvas, not half of it: ${gm.canvas}`);
    // A Differences row focuses the node in the merged graph.
    d = await differences(page);
    const conv2 = d.rows.findIndex((r) => r.status === 'changed' && r.title.includes('/block1/conv2/Conv'));
    await clickAt(page, ...centre(d.ui[`diff_row_${conv2}`]));
    await page.waitForFunction(() => (window.netforgeGraphMerged.selected_name || '').includes('conv2'), null, { timeout: 10000 })
      .catch(async () => { throw new Error(`merged selected ${JSON.stringify((await page.evaluate(() => window.netforgeGraphMerged)).selected_name)}`); });
    await page.mouse.move(1200, 790);  // off the row: its tooltip would cover the graph
    await page.waitForTimeout(600);  // the focus animation
    const shot = (await screenshot(page, 'compare-merged')).png;
    gm = await page.evaluate(() => window.netforgeGraphMerged);
    const colour = (name) => hex(gm.overlay.entries.find((e) => e[1] === name)[0]);
    const x0 = Math.round(gm.canvas[0]), x1 = Math.round(gm.canvas[0] + gm.canvas[2]);
    assert(countColour(shot, colour('changed'), x0, x1) > 50, 'the changed Conv is amber in the merged graph');
    // Back to side by side: both panes again, the selection kept on both sides.
    await clickAt(page, ...centre(d.ui.diff_view_side));
    await page.waitForFunction(() => window.netforgeCompare.layout === 'side-by-side', null, { timeout: 10000 });
    await waitGraph(page, (g) => g.selected_name && g.selected_name.includes('conv2'), 'conv2 still selected in A');
  });

  t.test('Merged: the inserted Conv + Relu are green between the layers around them', async ({ page, url }) => {
    const { a, b } = pairFixture();
    await openPair(page, url, a, b);
    const d = await differences(page);
    await showMerged(page, d, 20000);
    const added = d.rows.findIndex((r) => r.status === 'added' && r.title.includes('conv3b'));
    await clickAt(page, ...centre(d.ui[`diff_row_${added}`]));
    await page.waitForFunction(() => (window.netforgeGraphMerged.selected_name || '').includes('conv3b'), null, { timeout: 10000 });
    await page.waitForTimeout(600);
    const gm = await page.evaluate(() => window.netforgeGraphMerged);
    const shot = (await screenshot(page, 'compare-merged-added')).png;
    const green = hex(gm.overlay.entries.find((e) => e[1] === 'added')[0]);
    assert(countColour(shot, green, Math.round(gm.canvas[0]), Math.round(gm.canvas[0] + gm.canvas[2])) > 50,
      'the inserted nodes are green in the merged graph');
  });

  t.test('Shift-drop compares; the added nodes are green in B', async ({ page, url }) => {
    const { a, b } = pairFixture();
    await openModel(page, url, a);
    await page.evaluate(() => {  // dropFiles without Shift would replace A
      window.__nfShift = true;
      window.addEventListener('drop', (e) => { if (window.__nfShift) Object.defineProperty(e, 'shiftKey', { value: true }); }, true);
    });
    await dropFiles(page, [b]);
    await waitCompared(page);
    const s = await page.evaluate(() => window.netforgeStatus);
    assert(s.file === 'compare_a.onnx', `A stays open: ${s.file}`);
    await page.waitForTimeout(300);
    const gb = await page.evaluate(() => window.netforgeGraphB);
    const shot = (await screenshot(page, 'compare-shift-drop')).png;
    const green = hex(gb.overlay.entries.find((e) => e[1] === 'added')[0]);
    assert(countColour(shot, green, Math.round(gb.canvas[0]), 1280) > 50, 'the inserted nodes are green in B');
  });

  t.test('grouped pair: opening/closing a group in A does it to its partner in B; a click on a changed Conv opens its groups and selects it on both sides', { timeout: 120000 }, async ({ page, url }) => {
    const { a, b } = resnetPair();
    const c = await openPair(page, url, a, b);
    assert(c.removed === 1 && c.added === 2, `a Relu removed, Sigmoid + Mul added: ${JSON.stringify(c)}`);
    let ga = await graph(page);
    let gb = await page.evaluate(() => window.netforgeGraphB);
    assert(ga.grouped && gb.grouped, 'both sides grouped');
    // Each pane keeps its overlays inside its half.
    await page.waitForFunction(() => window.netforgeGraph.ui && window.netforgeGraph.ui.legend, null, { timeout: 10000 });
    ga = await graph(page);
    assert(ga.ui.legend[0] + ga.ui.legend[2] <= gb.canvas[0], `A's legend inside A: ${ga.ui.legend} vs B at ${gb.canvas}`);
    // Group open/close is mirrored through the matching: a box opened in A opens its
    // partner in B (the groups of this pair differ in number, so not by path), and
    // closing its frame in A closes it in B.
    const openA = new Set(ga.grouped.open_names);
    const openB = new Set(gb.grouped.open_names);
    // First sight shows A's inputs at a readable zoom: 0 (over A) shows every box.
    await page.mouse.move(ga.canvas[0] + ga.canvas[2] / 2, ga.canvas[1] + ga.canvas[3] / 2);
    await page.keyboard.press('0');
    await page.waitForTimeout(400);  // the camera fits
    ga = await waitGraph(page, new Function('g', 'return g.grouped.boxes.length > 0 && !g.grouped.animating;'), 'group boxes on screen in A');
    assert(ga.grouped.boxes.length > 0, `A shows closed groups: ${JSON.stringify(ga.grouped)}`);
    const box = ga.grouped.boxes[0];
    await clickAt(page, box[1] + box[3] / 2, box[2] + box[4] / 2);
    await waitGraph(page, new Function('g', `return g.grouped.open_names.length > ${openA.size};`), `${box[0]} opens in A`);
    ga = await graph(page);
    const opened = ga.grouped.open_names.filter((n) => !openA.has(n));
    assert(opened.length === 1, `one group opened in A: ${JSON.stringify(opened)}`);
    // Its partner opens: one group of the same kind; not by name: A's "Block A ×2" is
    // B's "Block A ×3" (B's inserted Sigmoid + Mul regroup its blocks).
    await page.waitForFunction((n) => window.netforgeGraphB.grouped.open_names.length === n, openB.size + 1, { timeout: 10000 })
      .catch(async () => { throw new Error(`B did not open ${opened[0]}'s partner: ${JSON.stringify((await page.evaluate(() => window.netforgeGraphB)).grouped.open_names)} (before ${[...openB]})`); });
    gb = await page.evaluate(() => window.netforgeGraphB);
    const partner = gb.grouped.open_names.filter((n) => !openB.has(n));
    assert(partner.length === 1 && partner[0].split(' ')[0] === opened[0].split(' ')[0],
      `B opened the partner of ${opened[0]}: ${JSON.stringify(partner)}`);
    await page.waitForTimeout(400);  // the boxes glide into place
    await screenshot(page, 'compare-group-mirrored-open');
    ga = await graph(page);
    const title = ga.grouped.frame_titles.find((f) => f[0].startsWith(opened[0]));
    assert(title, `${opened[0]}'s frame title is on screen in A: ${JSON.stringify(ga.grouped.frame_titles)}`);
    await clickAt(page, title[1] + Math.min(title[3], 60) / 2, title[2] + title[4] / 2);
    await page.waitForFunction(([n, p]) => !window.netforgeGraph.grouped.open_names.includes(n) &&
      !window.netforgeGraphB.grouped.open_names.includes(p), [opened[0], partner[0]], { timeout: 10000 })
      .catch(async () => { throw new Error(`${opened[0]} still open: A ${JSON.stringify((await graph(page)).grouped.open_names)}, B ${JSON.stringify((await page.evaluate(() => window.netforgeGraphB)).grouped.open_names)}`); });
    gb = await page.evaluate(() => window.netforgeGraphB);
    assert(gb.grouped.open_names.length === openB.size, `B back to its groups: ${JSON.stringify(gb.grouped.open_names)} vs ${[...openB]}`);
    const d = await differences(page);
    const k = d.rows.findIndex((r) => r.status === 'changed' && r.title.startsWith('Conv') && r.detail.includes('kernel_shape'));
    assert(k >= 0, `the changed Conv is listed: ${JSON.stringify(d.rows)}`);
    await clickAt(page, ...centre(d.ui[`diff_row_${k}`]));
    const conv = d.rows[k].title.split(' ')[1];
    await waitGraph(page, new Function('g', `return g.selected_name === ${JSON.stringify(conv)};`), `${conv} shown and selected in A`);
    await page.waitForFunction((n) => window.netforgeGraphB.selected_name === n, conv, { timeout: 10000 })
      .catch(async () => { throw new Error(`B selected ${JSON.stringify((await page.evaluate(() => window.netforgeGraphB)).selected_name)}`); });
    await page.waitForTimeout(600);
    await screenshot(page, 'compare-grouped');
    // The changed ConstantOfShape feeding that Conv is drawn as its "+1 constant" row on
    // both sides: its row selects the Conv's box it is folded into, in A and in B. First
    // something else on each side (the removed Relu in A, an added node in B), listed
    // first once changed rows are filtered out.
    await clickAt(page, ...centre(d.ui.diff_show_changed));
    await page.waitForFunction(() => window.netforgeDifferences.rows.every((r) => r.status !== 'changed'), null, { timeout: 10000 });
    let dd = await differences(page);
    for (const kind of ['removed', 'added']) {
      await clickAt(page, ...centre(dd.ui[`diff_row_${dd.rows.findIndex((r) => r.status === kind)}`]));
      await page.waitForTimeout(300);
    }
    await page.waitForFunction((n) => window.netforgeGraph.selected_name !== n && window.netforgeGraphB.selected_name !== n,
      conv, { timeout: 10000 });
    await clickAt(page, ...centre(dd.ui.diff_show_changed));
    await page.waitForFunction(() => window.netforgeDifferences.rows.some((r) => r.status === 'changed'), null, { timeout: 10000 });
    dd = await differences(page);
    const folded = dd.rows.findIndex((r) => r.status === 'changed' && r.title.startsWith('ConstantOfShape'));
    assert(folded >= 0 && dd.ui[`diff_row_${folded}`], `the changed ConstantOfShape is listed: ${JSON.stringify(dd.rows.map((r) => r.title))}`);
    await clickAt(page, ...centre(dd.ui[`diff_row_${folded}`]));
    await page.waitForFunction((n) => window.netforgeGraph.selected_name === n && window.netforgeGraphB.selected_name === n,
      conv, { timeout: 10000 })
      .catch(async () => { throw new Error(`the folded constant selects A ${JSON.stringify((await graph(page)).selected_name)}, B ${JSON.stringify((await page.evaluate(() => window.netforgeGraphB)).selected_name)}, not ${conv}`); });

    // Merged, the groups come from the merged graph; a closed group takes the strongest
    // status inside it, so the groups holding the three edits are not grey.
    await showMerged(page, d, 30000);
    const m = (await compare(page)).merged;
    assert(m.removed === 1 && m.added === 2 && m.nodes === c.pairs + c.removed + c.added, `merged ResNet-50: ${JSON.stringify(m)}`);
    const gm = await page.evaluate(() => window.netforgeGraphMerged);
    assert(gm.grouped && gm.overlay.color_by === 'diff', `merged graph grouped and coloured: ${JSON.stringify(gm.overlay)}`);
    // The Conv selected side by side is brought into view in the merged graph.
    await page.waitForFunction((n) => window.netforgeGraphMerged.selected_name === n, conv, { timeout: 10000 })
      .catch(async () => { throw new Error(`merged selected ${JSON.stringify((await page.evaluate(() => window.netforgeGraphMerged)).selected_name)}`); });
    await page.mouse.move(1200, 710);
    await page.waitForTimeout(700);  // the focus animation
    const shot = (await screenshot(page, 'compare-merged-grouped')).png;
    // The minimap on the canvas's right edge does not count either.
    const x0 = Math.round(gm.canvas[0]), x1 = Math.round(gm.canvas[0] + gm.canvas[2]) - 60;
    await page.waitForFunction(() => window.netforgeGraphMerged.ui && window.netforgeGraphMerged.ui.legend, null, { timeout: 10000 });
    const above = (await page.evaluate(() => window.netforgeGraphMerged)).ui.legend[1];  // the legend's swatches do not count
    const painted = ['changed', 'removed', 'added'].map((k) => countColour(shot, hex(gm.overlay.entries.find((e) => e[1] === k)[0]), x0, x1, above));
    assert(painted[0] > 50, `the changed Conv, amber, in view around the selection: ${painted}`);
  });

  t.test('series pair: folding, unfolding the folded rest and folding back in A does the same to B', { timeout: 90000 }, async ({ page, url }) => {
    const { a, b } = seriesPair();
    const c = await openPair(page, url, a, b);
    assert(c.added === 24 && c.removed === 0, `one layer of 24 nodes inserted: ${JSON.stringify(c)}`);
    const graphB = () => page.evaluate(() => window.netforgeGraphB);
    // Both sides: the whole graph is one series, of 16 and of 17 layers, shown as one
    // box. Opened in A, it opens in B (every layer shown, nothing folded).
    let ga = await waitGraph(page, (g) => g.grouped && g.grouped.boxes.some((b) => b[0].includes('×')), 'the series box in A');
    const box = ga.grouped.boxes.find((b) => b[0].includes('×'));
    await clickAt(page, box[1] + box[3] / 2, box[2] + box[4] / 2);
    await page.waitForFunction(() => window.netforgeGraph.grouped.open_names.length === 1 &&
      window.netforgeGraphB.grouped.open_names.length === 1, null, { timeout: 10000 })
      .catch(async () => { throw new Error(`the series open on both sides: A ${JSON.stringify((await graph(page)).grouped)}, B ${JSON.stringify((await graphB()).grouped)}`); });
    let gb = await graphB();
    ga = await graph(page);
    assert(/×16/.test(ga.grouped.open_names[0]) && /×17/.test(gb.grouped.open_names[0]),
      `A's series of 16 layers, B's of 17: ${ga.grouped.open_names} / ${gb.grouped.open_names}`);
    const waitFolded = async (what, foldedA, foldedB) => {
      await page.waitForFunction(([fa, fb]) => {
        const ga = window.netforgeGraph, gb = window.netforgeGraphB;
        return ga.grouped && gb.grouped && ga.grouped.folded_names.length === fa && gb.grouped.folded_names.length === fb &&
          !ga.grouped.animating && !gb.grouped.animating;
      }, [foldedA, foldedB], { timeout: 10000 }).catch(async () => {
        throw new Error(`${what}: A folded ${JSON.stringify((await graph(page)).grouped.folded_names)}, B folded ${JSON.stringify((await graphB()).grouped.folded_names)}`);
      });
    };
    await waitFolded('opened: every layer shown', 0, 0);
    // Groups > Fold repeated layers in A: B's series folds too.
    // A's toolbar, cut at its half, puts the buttons that do not fit on a second row:
    // Groups is inside A (it was under B's pane, a click there hit B's toolbar).
    ga = await graph(page);
    assert(ga.ui.groups[0] + ga.ui.groups[2] <= ga.canvas[0] + ga.canvas[2], `A's Groups button inside A: ${ga.ui.groups} vs ${ga.canvas}`);
    await clickUi(page, 'groups');
    await clickUi(page, 'fold_series');
    await page.keyboard.press('Escape');
    await waitFolded('folded in A, so in B', 1, 1);
    // Unfold the folded rest in A: a click on its box. B's rest unfolds too.
    ga = await waitGraph(page, (g) => g.grouped.boxes.some((b) => b[0].includes('×')), 'the folded rest on screen in A');
    const rest = ga.grouped.boxes.find((box) => box[0].includes('×'));
    gb = await graphB();
    const itemsB = gb.grouped.items;
    await clickAt(page, rest[1] + rest[3] / 2, rest[2] + rest[4] / 2);
    await waitFolded(`${rest[0]} unfolded in A, so its partner in B`, 0, 0);
    gb = await graphB();
    assert(gb.grouped.items >= itemsB + 15, `B shows its layers again: ${itemsB} -> ${gb.grouped.items} items`);
    await page.mouse.move(640, 712);  // the status bar: no tooltip
    await page.waitForTimeout(500);  // the boxes glide into place
    await screenshot(page, 'compare-series-unfolded');
    // Fold back in A: both folded again.
    await clickUi(page, 'groups');
    await clickUi(page, 'fold_series');
    await page.keyboard.press('Escape');
    await waitFolded('folded back in A, so in B', 1, 1);
    gb = await graphB();
    assert(gb.grouped.items === itemsB, `B back to its folded items: ${gb.grouped.items} vs ${itemsB}`);
  });

  t.test('Merged: the Tensor panel shows the merged graph\'s weight (B\'s changed kernel, B\'s added Conv), A\'s side by side', async ({ page, url }) => {
    const { a, b } = pairFixture();
    // What the files hold: conv2's kernel is 3x3 in A and 5x5 in B, conv3b's only in B.
    const facts = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import json, sys, onnx
from onnx import numpy_helper
out = {}
for side, f in (('a', sys.argv[1]), ('b', sys.argv[2])):
    for t in onnx.load(f).graph.initializer:
        arr = numpy_helper.to_array(t).astype('float64')
        out[side + ':' + t.name] = {'count': int(arr.size), 'mean': float(arr.mean())}
print(json.dumps(out))
`, a, b]).toString());
    await openPair(page, url, a, b);
    const d = await differences(page);
    await showMerged(page, d, 20000);
    // A weight chosen while the merged graph shows is the merged graph's: its data
    // read from the file of the side it came from.
    const stats = async (name, want) => {
      await page.evaluate((n) => window.NetForgeHost.tensorStats(n), name);
      // The same name may have been done before (for the other model): wait for this count.
      const s = await waitStatus(page, new Function('st', `return !!st.tensor && st.tensor.name === ${JSON.stringify(name)} &&
        (st.tensor.state === 'error' || (st.tensor.state === 'done' && st.tensor.stats.count === ${want.count}));`),
      `the statistics of ${name} (${want.count} values)`, 15000);
      assert(s.tensor.state === 'done', `${name}: ${JSON.stringify(s.tensor)}`);
      assert(s.tensor.stats.count === want.count && Math.abs(s.tensor.stats.mean - want.mean) < 1e-5,
        `${name} is the one in the file (${JSON.stringify(want)}): ${JSON.stringify(s.tensor.stats)}`);
    };
    await stats('conv2.weight', facts['b:conv2.weight']);    // B's 5x5, not A's 3x3
    await stats('conv3b.weight', facts['b:conv3b.weight']);  // A has no such weight
    await page.mouse.move(640, 790);
    await page.waitForTimeout(300);
    await screenshot(page, 'compare-merged-tensor');
    // Side by side again: the panel follows A.
    await clickAt(page, ...centre(d.ui.diff_view_side));
    await page.waitForFunction(() => window.netforgeCompare.layout === 'side-by-side', null, { timeout: 10000 });
    await stats('conv2.weight', facts['a:conv2.weight']);
  });
}
