// tests/browser/firstsight.test.mjs - the first picture after opening is readable
// (issue 16 items 1, 2, 6): box titles at least 11 px on screen, boxes on screen, the
// canvas at least 65% of a 1280x800 window; big graphs open at their inputs at a
// readable zoom with Fit one key away; Netron's keys (search, arrows along edges,
// Escape, ? / F1). Reads window.netforgeStatus.view / .panels and window.netforgeGraph.
//
// The 20k and 100k-node models are synthesized into build-web/synth (never committed)
// with tests/scene/make_synthetic.py when missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { assert, CORPUS, ROOT, screenshot, status, waitStatus } from './lib.mjs';
import { clickUi, graph, openModel, waitGraph } from './graph_lib.mjs';

const REPRO = path.resolve(CORPUS, '../../repro');  // ../shared/repro, beside the corpus (NETFORGE_CORPUS moves both)
const SYNTH = path.join(ROOT, 'build-web/synth');

function synthetic(nodes) {
  const file = path.join(SYNTH, `synth${nodes / 1000}k.onnx`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(SYNTH, { recursive: true });
    execFileSync('/usr/bin/python3', [path.join(ROOT, 'tests/scene/make_synthetic.py'), '--nodes', String(nodes), '-o', file]);
  }
  return file;
}

// The 24-layer PyTorch TransformerEncoder of the issue (1,959 nodes), exported with
// Debian's torch by ../shared/repro/export_enc.py when missing (about a minute).
function transformer24() {
  const file = path.join(SYNTH, 'enc24.onnx');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(SYNTH, { recursive: true });
    execFileSync('/usr/bin/python3', [path.join(REPRO, 'export_enc.py'), '24', file]);
  }
  return file;
}

const MODELS = [
  ['~10 nodes', () => path.join(CORPUS, 'node/test_gelu_default_1_expanded.onnx')],
  ['~2k-node 24-layer transformer', transformer24],
  ['~10k-node 128-layer transformer', () => path.join(REPRO, 'encoder128.onnx')],
  ['~20k nodes', () => synthetic(20000)],
  ['~100k nodes', () => synthetic(100000)],
];

// Waits until the status reports the view of the drawn graph, and checks it is readable.
async function readableView(page, what) {
  const s = await waitStatus(page, (st) => st.state === 'drawn' && st.view && st.view.boxes_on_screen > 0, `${what}: view`, 60000);
  const v = s.view;
  assert(v.title_px_min >= 11, `${what}: box titles at least 11 px (${JSON.stringify(v)})`);
  assert(v.boxes_on_screen >= 1, `${what}: boxes on screen (${JSON.stringify(v)})`);
  return s;
}

export default function register(t) {
  for (const [size, file] of [[1280, 800], [1600, 1000]].flatMap((vp) => MODELS.map((m) => [vp, m]))) {
    const [[w, h], [label, model]] = [size, file];
    t.test(`first picture is readable: ${label} at ${w}x${h}`, { context: { viewport: { width: w, height: h } }, timeout: 240000 },
      async ({ page, url }) => {
        const f = model();
        await openModel(page, url, f);
        const s = await readableView(page, label);
        if (w === 1280) assert(s.view.canvas_fraction >= 0.65, `canvas gets >= 65% of the width: ${JSON.stringify(s.view)}`);
        assert(!s.panels.includes('Node'), `no Node panel without a selection: ${JSON.stringify(s.panels)}`);
        await screenshot(page, `firstsight-${path.basename(f, '.onnx')}-${w}x${h}`);
      });
  }

  t.test('a stacked transformer opens as input -> layers x24 -> output', { context: { viewport: { width: 1280, height: 800 } }, timeout: 240000 },
    async ({ page, url }) => {
      await openModel(page, url, transformer24());
      await readableView(page, 'enc24');
      const g = await waitGraph(page, (x) => x.grouped && x.grouped.boxes.length > 0, 'group boxes');
      const titles = g.grouped.boxes.map((b) => b[0]);
      assert(titles.includes('layers \u00d724'), `the series box with its count on screen: ${JSON.stringify(titles)}`);
      assert(g.nodes <= 8, `input -> layers x24 -> output, not a column of slivers: ${g.nodes} boxes`);
      assert(g.ui.hint, 'a one-line hint says how to open a group');
    });

  t.test('a graph taller than the canvas opens at its inputs; 0 fits it whole', { context: { viewport: { width: 1280, height: 800 } }, timeout: 240000 },
    async ({ page, url }) => {
      await openModel(page, url, synthetic(20000));
      const before = (await readableView(page, '20k')).view;
      const g0 = await graph(page);
      // At its inputs: the top of the layout is on screen, just below the toolbar.
      const topOnScreen = (0 - g0.origin[1]) * g0.zoom;
      assert(topOnScreen > 0 && topOnScreen < 200, `the graph's top is at the top of the canvas: ${topOnScreen}`);
      await page.mouse.move(g0.canvas[0] + g0.canvas[2] / 2, g0.canvas[1] + g0.canvas[3] / 2);
      await page.keyboard.press('0');
      const g1 = await waitGraph(page, new Function('g', `return g.zoom < ${g0.zoom} * 0.8 && !g.grouped.animating;`), 'fit after 0');
      assert(g1.zoom < g0.zoom, 'Fit zooms out to the whole graph');
      const after = await waitStatus(page, new Function('st', `return st.view && st.view.title_px_min < ${before.title_px_min};`), 'the view after Fit');
      assert(after.view.boxes_on_screen > before.boxes_on_screen, `Fit shows more boxes: ${JSON.stringify(after.view)}`);
    });

  t.test('keys: Ctrl+F search, Enter / Shift+Enter, Escape clears, arrows follow edges, ? and F1', { context: { viewport: { width: 1280, height: 800 } } },
    async ({ page, url }) => {
      let g = await openModel(page, url, 'light/light_squeezenet.onnx');
      await page.mouse.move(g.canvas[0] + g.canvas[2] / 2, g.canvas[1] + g.canvas[3] / 2);
      await page.keyboard.press('Control+f');
      g = await waitGraph(page, (x) => x.search_open, 'search open');
      await page.keyboard.type('Concat');  // found while typing: the first match is current
      g = await waitGraph(page, (x) => x.matches > 2 && x.match >= 0, 'a match');
      const m0 = g.match, first = g.match_name;
      await page.keyboard.press('Enter');
      g = await waitGraph(page, new Function('g', `return g.match === ${m0 + 1};`), 'next match');
      assert(g.match_name !== first, 'Enter goes to the next match');
      await page.keyboard.press('Shift+Enter');
      g = await waitGraph(page, new Function('g', `return g.match === ${m0};`), 'previous match');
      assert(g.match_name === first, 'Shift+Enter goes back');
      await clickUi(page, 'search_select');
      g = await waitGraph(page, (x) => x.selected >= 0, 'selected');
      const start = g.selected_name;
      let s = await waitStatus(page, (st) => st.panels.includes('Node'), 'the Node panel appears with a selection');
      await page.keyboard.press('Escape');  // closes and clears the search
      g = await waitGraph(page, (x) => !x.search_open && x.matches === 0, 'search cleared');
      // Arrows: down to a consumer, up to one of its producers (the nearest across).
      await page.mouse.move(g.canvas[0] + 5, g.canvas[1] + g.canvas[3] - 5);
      await page.keyboard.press('ArrowDown');
      g = await waitGraph(page, new Function('g', `return g.selected >= 0 && g.selected_name !== ${JSON.stringify(start)};`), 'moved down');
      const below = g.selected_name;
      const belowIndex = g.selected;
      await page.keyboard.press('ArrowUp');
      g = await waitGraph(page, new Function('g', `return g.selected >= 0 && g.selected !== ${belowIndex};`), 'up to a producer');
      assert(below !== undefined, 'moved');
      // The selected box stays on screen as the selection moves.
      const r = g.selected_rect;
      assert(r && r[1] >= g.canvas[1] - 1 && r[1] + r[3] <= g.canvas[1] + g.canvas[3] + 1, `the selection is on screen: ${JSON.stringify(r)}`);
      await page.keyboard.press('Escape');  // clears the selection
      g = await waitGraph(page, (x) => x.selected === -1, 'selection cleared');
      s = await waitStatus(page, (st) => !st.panels.includes('Node'), 'the Node panel goes with the selection');
      await page.keyboard.press('Shift+Slash');  // "?"
      s = await waitStatus(page, (st) => st.panels.includes('Keyboard shortcuts'), '? shows the keys');
      await screenshot(page, 'firstsight-keys-help');
      await page.keyboard.press('?');
      s = await waitStatus(page, (st) => !st.panels.includes('Keyboard shortcuts'), '? again hides them');
      await page.keyboard.press('F1');
      s = await waitStatus(page, (st) => st.panels.includes('Keyboard shortcuts'), 'F1 shows the keys');
    });

  t.test('Backspace closes the group around the selection, Enter opens it again', { context: { viewport: { width: 1280, height: 800 } } },
    async ({ page, url }) => {
      let g = await openModel(page, url, transformer24());
      const settled = (extra) => new Function('g', `return g.stage === 'ready' && g.grouped && !g.grouped.animating && (${extra});`);
      await page.mouse.move(g.canvas[0] + g.canvas[2] / 2, g.canvas[1] + g.canvas[3] / 2);
      await page.keyboard.press('Control+f');
      await waitGraph(page, (x) => x.search_open, 'search open');
      await page.keyboard.type('Softmax');
      await waitGraph(page, (x) => x.matches > 0 && x.match >= 0, 'a match');
      await clickUi(page, 'search_select');  // selects it: the groups around it open
      g = await waitGraph(page, settled('g.selected >= 0 && g.grouped.frames > 0'), 'revealed in its group');
      const frames = g.grouped.frames;
      await page.keyboard.press('Escape');  // the search goes, the selection stays
      await waitGraph(page, (x) => !x.search_open && x.selected >= 0, 'search closed');
      await page.keyboard.press('Backspace');
      g = await waitGraph(page, settled(`g.grouped.frames < ${frames} && g.selected >= 0`), 'Backspace closes the group');
      const closed = g.selected_name;
      await page.keyboard.press('Enter');
      g = await waitGraph(page, settled(`g.grouped.frames === ${frames}`), 'Enter opens it again');
      assert(closed !== undefined, 'the closed group was selected');
      await readableView(page, 'after opening');
    });

  t.test('docked panels collapse to a bar and give the room to the canvas', { context: { viewport: { width: 1280, height: 800 } } },
    async ({ page, url }) => {
      await openModel(page, url, 'light/light_squeezenet.onnx');
      const s = await readableView(page, 'squeezenet');
      assert(s.panels.includes('Model'), `the Model panel is docked open: ${JSON.stringify(s.panels)}`);
      const g = await graph(page);
      assert(g.canvas[0] >= 250, `the canvas starts right of the Model panel: ${JSON.stringify(g.canvas)}`);
      const tb = g.ui.fit;
      assert(!tb || tb[0] >= g.canvas[0], `the toolbar is on the canvas, not over the panel: ${JSON.stringify(tb)}`);
    });
}
