// tests/browser/edit_in_builder_bench.mjs [model.onnx ...] - Edit in builder, native and in
// the page (issue 15: a 20k-node transformer in <= 2 s in the page).
//
// For each model: `netforge import --time` (native: open, import), then in headless
// Chromium the model is opened (File > Open's input), drawn, and the Graph toolbar's "Edit in builder" clicked:
// the import itself (netforgeGraph.edit_in_builder.ms, measured in the page) and the wall
// time until the builder holds the document and has drawn it (its analysis and PyTorch
// code included). Then one edit in the builder (issue 15: the builder stays usable): the
// first repeated series is unfolded, its first Linear layer's out_features typed in the
// properties panel, and from the Enter key: the wall time until the canvas shows the edit
// (the ui's revision, polled every frame) and until the new code is published,
// the longest gap between drawn frames meanwhile, and what the app measured itself
// (edit_ms: analysis and looks on the edit's frame; code_ms and state_ms: the code and the
// saved JSON, on later frames for a big document). Models default to ResNet-50 ($NETFORGE_CACHE/models) and the 96+96
// transformer ($NETFORGE_CACHE/models-big, NETFORGE_BENCH_BIG=1), where scripts/bench.sh exports them.
//   resnet50.onnx: native open 8 ms + import 2 ms; page: import 9 ms, builder shown 0.4 s (123 layers)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, ROOT, startServer, waitReady } from './lib.mjs';
import { clickUi, openTimed, waitGraph } from './graph_lib.mjs';
import { builderDoc, builderUi, centre, click, clickAt, clickInCanvas, frames, rect, waitUi } from './builder_lib.mjs';

const CACHE = process.env.NETFORGE_CACHE || path.join(os.homedir(), '.cache/netforge');
const NETFORGE = path.join(process.env.NF_BUILD_NATIVE || path.join(ROOT, 'build-native-web'), 'netforge');
let models = process.argv.slice(2);
if (!models.length) {
  models = ['models/resnet50.onnx', 'models-big/transformer_enc96_dec96.onnx'].map((m) => path.join(CACHE, m));
}
models = models.filter((m) => fs.existsSync(m));
if (!models.length) {
  console.log('edit_in_builder_bench: no models (scripts/bench.sh exports ResNet-50 and the 96+96 transformer)');
  process.exit(0);
}

function native(model) {
  if (!fs.existsSync(NETFORGE)) return 'native: no netforge binary';
  const r = spawnSync(NETFORGE, ['import', model, '--time', '-o', os.devNull], { encoding: 'utf8', timeout: 600000 });
  return 'native: ' + (r.stderr || '').trim();
}

async function inPage(browser, url, model) {
  // bypassCSP: waitForFunction compiles its predicate in the page (see run.mjs).
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, bypassCSP: true });
  const page = await context.newPage();
  try {
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    await openTimed(page, model);  // through the file input: a 180 MB drop would not fit one evaluate()
    await waitGraph(page, (g) => g.stage === 'ready' && g.frames > 0, 'the graph drawn', 600000);
    const t0 = Date.now();
    await clickUi(page, 'edit_in_builder');
    const g = await waitGraph(page, (s) => !!s.edit_in_builder, 'the import published', 600000);
    if (g.edit_in_builder.error) return `page: ${g.edit_in_builder.error}`;
    const layers = g.edit_in_builder.layers;
    await page.waitForFunction((n) => window.netforgeBuilder && JSON.parse(window.netforgeBuilder.doc()).nodes.length === n,
      layers, { timeout: 600000, polling: 100 });
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const shown = `page: import ${g.edit_in_builder.ms.toFixed(0)} ms, builder shown ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
      `(${layers} layers, analysis and code included)`;
    return `${shown}\n  ${await editInPage(page)}`;
  } finally {
    await context.close();
  }
}

// NETFORGE_BENCH_VERBOSE=1: each step of the edit on stderr, and a screenshot when one fails.
const verbose = !!process.env.NETFORGE_BENCH_VERBOSE;
const step = (what) => verbose && console.error(`  ${new Date().toISOString().slice(11, 19)} ${what}`);

// One edit in the builder: see the top of this file.
async function editInPage(page) {
  try {
    return await editSteps(page);
  } catch (e) {
    const shot = path.join(ROOT, 'build-web/screenshots/edit_in_builder_bench_failed.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot }).catch(() => {});
    throw new Error(`${e.message} (screenshot: ${shot})`);
  }
}

async function editSteps(page) {
  await waitUi(page, (u) => u.settled, 'the builder settled', 600000);
  const ui = await builderUi(page);
  let unfold = '';
  if (ui.folds && ui.folds.length) {
    const t = Date.now();
    await click(page, `fold:${ui.folds[0].name}`);
    step(`unfold ${ui.folds[0].name}`);
    await waitUi(page, (u) => u.folds[0].folded === false, 'unfolded', 60000);
    unfold = `unfold ${ui.folds[0].name} ×${ui.folds[0].count} ${Date.now() - t} ms (2 frames of input included); `;
  }
  const doc = await builderDoc(page);
  const names = new Set(Object.keys((await builderUi(page)).rects).filter((k) => k.startsWith('node:')).map((k) => k.slice(5)));
  const linear = doc.nodes.find((n) => n.type === 'Linear' && names.has(n.name));
  if (!linear) return `${unfold}edit: no Linear layer on screen`;
  step(`select ${linear.name}`);
  await clickInCanvas(page, `node:${linear.name}`);  // the unfolded run's first Linear may be half off the canvas
  await waitUi(page, `(u) => u.selection.includes(${JSON.stringify(linear.name)})`, 'the layer selected', 120000);
  step('type out_features');
  const [px, py] = centre(await rect(page, 'param:out_features', 120000));
  await clickAt(page, px, py);
  await page.keyboard.press('Control+a');
  await page.keyboard.type(String(linear.params.out_features + 1), { delay: 5 });
  await frames(page, 2);
  await page.evaluate(() => {
    window.__nfGaps = [];
    let last = performance.now();
    const tick = (t) => {
      window.__nfGaps.push(t - last);
      last = t;
      if (!window.__nfGapsDone) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    window.__nfCodeBefore = window.netforgeBuilder.code();  // (384 -> 385 keeps its length)
  });
  const { revision, params_total: params } = await builderUi(page);
  step(`Enter (revision ${revision})`);
  const t = await page.evaluate(() => performance.now());
  await page.keyboard.press('Enter');
  // Drawn: the first frame whose canvas shows the edit (the ui's revision; builds before it
  // had one: the parameter total the edit changes), polled every frame.
  const drawn = await page.waitForFunction(({ rev, params, t0 }) => {
    const u = window.netforgeBuilder.ui();
    return (rev !== undefined ? u.revision !== rev : u.params_total !== params) && performance.now() - t0;
  }, { rev: revision, params, t0: t }, { timeout: 120000, polling: 'raf' }).then((h) => h.jsonValue());
  step(`drawn after ${drawn.toFixed(0)} ms`);
  await page.waitForFunction(() => window.netforgeBuilder.code() !== window.__nfCodeBefore && window.netforgeBuilder.ui().settled,
    null, { timeout: 120000, polling: 10 });
  const r = await page.evaluate((t0) => {
    window.__nfGapsDone = true;
    const gaps = [...window.__nfGaps].sort((a, b) => a - b);
    return { ms: performance.now() - t0, gap: gaps[gaps.length - 1], median: gaps[Math.floor(gaps.length / 2)] };
  }, t);
  const after = await builderUi(page);
  return `${unfold}edit ${linear.name}.out_features: drawn ${drawn.toFixed(0)} ms after Enter, code published ${r.ms.toFixed(0)} ms, ` +
    `longest frame gap ${r.gap.toFixed(0)} ms (median ${r.median.toFixed(0)} ms); in the app: analysis + looks ${after.edit_ms} ms (the edit's frame), ` +
    `code ${after.code_ms} ms, saved JSON ${after.state_ms} ms`;
}

const server = await startServer();
const browser = await launchBrowser();
try {
  for (const model of models) {
    console.log(`${path.basename(model)}: ${native(model)}`);
    console.log(`${path.basename(model)}: ${await inPage(browser, server.url, model)}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
