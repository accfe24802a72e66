// tests/browser/run_bench.mjs [--rounds 3] [--runs 5] [--no-native] [--no-browser] [model.onnx ...]
// Whole-model run time, ours next to onnxruntime 1.30 on the same files (issue 13):
//   browser: NetForge's runtime in the page (NetForgeRun.bench: one warm-up, then N
//            runs, nothing kept) vs onnxruntime-web's wasm backend (SIMD, one thread),
//            both in the same headless Chromium;
//   native:  `netforge run --repeat N` vs onnxruntime-node (CPU EP, one thread).
// The machine is shared, so each side runs `--runs` times per round, the sides take
// turns for `--rounds` rounds, and the medians of all runs are printed with the ratio.
// Also prints each model's memory in the page: the heap's growth during its first run
// (peak) next to the target, weights + 2x the largest set of live intermediate values
// (measured by the executor), and our time per op type in the page.
// onnxruntime comes from tests/ort/node_modules (scripts/setup.sh); without it only our
// numbers are printed. Models default to $NETFORGE_CACHE/ortbench (scripts/bench.sh
// exports them with ../shared/peers/ortweb/export_bench_models.py).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launchBrowser, ROOT, SITE, waitStatus } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const ROUNDS = opt('--rounds', 3);
const RUNS = opt('--runs', 5);
const NATIVE = !args.includes('--no-native');
const BROWSER = !args.includes('--no-browser');
const CACHE = process.env.NETFORGE_CACHE || path.join(os.homedir(), '.cache/netforge');
let models = args.filter((a) => !a.startsWith('--'));
if (!models.length) {
  models = ['resnet50', 'mobilenet_v3_large', 'transformer_enc6_d256'].map((m) => path.join(CACHE, 'ortbench', `${m}.onnx`));
}
models = models.filter((m) => fs.existsSync(m));
if (!models.length) {
  console.log('run_bench: no models (export them with ../shared/peers/ortweb/export_bench_models.py)');
  process.exit(0);
}

const ORT_MODULES = path.join(ROOT, 'tests/ort/node_modules');
const requireOrt = createRequire(path.join(ORT_MODULES, 'noop.js'));
let ortWebDist = null;
let ortNode = null;
try {
  ortWebDist = path.dirname(requireOrt.resolve('onnxruntime-web'));
} catch { console.log('run_bench: onnxruntime-web is not installed (bash scripts/setup.sh); ours only'); }
try {
  ortNode = requireOrt('onnxruntime-node');
} catch { if (NATIVE) console.log('run_bench: onnxruntime-node is not installed (bash scripts/setup.sh); ours only'); }

const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(x < 100 ? 1 : 0) : '-');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-');
const MiB = (b) => `${(b / 1048576).toFixed(1)} MiB`;

// Random inputs like the ORT harness: symbolic dims 1, float32 uniform [-0.5, 0.5), ints zero.
function feedsFor(ort, session) {
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296 - 0.5; };
  const feeds = {};
  for (const m of session.inputMetadata) {
    const dims = m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    let data;
    if (m.type === 'float32') data = Float32Array.from({ length: n }, rnd);
    else if (m.type === 'int64') data = new BigInt64Array(n);
    else if (m.type === 'int32') data = new Int32Array(n);
    else throw new Error(`input ${m.name}: type ${m.type} not handled`);
    feeds[m.name] = new ort.Tensor(m.type, data, dims);
  }
  return feeds;
}

// The page's half of the onnxruntime-web side (stringified into /ort.html).
const ORT_PAGE = `<!doctype html><meta charset="utf-8"><title>ort-web</title>
<script type="module">
import * as ort from '/ort-dist/ort.wasm.min.mjs';
${feedsFor.toString()}
let session = null, feeds = null;
window.__load = async (i) => {
  ort.env.wasm.wasmPaths = '/ort-dist/';
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  if (session) await session.release();
  const bytes = new Uint8Array(await (await fetch('/model/' + i)).arrayBuffer());
  session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  feeds = feedsFor(ort, session);
  await session.run(feeds);  // warm-up
};
window.__run = async (n) => {
  const times = [];
  for (let i = 0; i < n; i++) { const t = performance.now(); await session.run(feeds); times.push(performance.now() - t); }
  return times;
};
window.__ready = true;
</script>`;

const TYPES = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html',
  '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.txt': 'text/plain', '.png': 'image/png' };
function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    // onnxruntime-web's page is cross-origin isolated, as in ../shared/peers/ortweb/bench.mjs.
    const isolated = url.pathname === '/ort.html' || url.pathname.startsWith('/ort-dist/') || url.pathname.startsWith('/model/')
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    const send = (file) => {
      res.writeHead(200, { ...isolated, 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Content-Length': fs.statSync(file).size, 'Cache-Control': 'no-store' });
      fs.createReadStream(file).pipe(res);
    };
    if (url.pathname === '/ort.html') { res.writeHead(200, { ...isolated, 'Content-Type': 'text/html' }); res.end(ORT_PAGE); return; }
    if (url.pathname.startsWith('/model/')) { const m = models[Number(url.pathname.slice(7))]; if (m) return send(m); }
    const base = url.pathname.startsWith('/ort-dist/') && ortWebDist ? ortWebDist : SITE;
    const rel = url.pathname.startsWith('/ort-dist/') ? url.pathname.slice(10) : url.pathname.slice(1) || 'index.html';
    const file = path.join(base, path.normalize(rel));
    if (file.startsWith(base) && fs.existsSync(file) && fs.statSync(file).isFile()) return send(file);
    res.writeHead(404); res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Opens model i in the app the way a drop does (the page fetches the bytes itself).
async function openInApp(page, i) {
  const name = path.basename(models[i]);
  await page.evaluate(async ([i, name]) => {
    const bytes = await (await fetch('/model/' + i)).arrayBuffer();
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name));
    const el = document.querySelector('#canvas');
    for (const type of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [i, name]);
  await page.waitForFunction((name) => {
    const s = window.netforgeStatus || {};
    if (s.state === 'error') throw new Error(`${name}: ${s.error}`);
    return s.state === 'drawn' && s.file === name;
  }, name, { timeout: 300000, polling: 200 });
}

async function benchInApp(page, runs) {
  const id = await page.evaluate(() => (window.netforgeStatus.run && window.netforgeStatus.run.bench.id) || 0);
  await page.evaluate((n) => window.NetForgeRun.bench(n), runs);
  const s = await waitStatus(page, new Function('st', `return st.run && st.run.bench.id > ${id} && ` +
    `['done', 'error'].includes(st.run.bench.state);`), 'the bench runs', 600000);
  const b = s.run.bench;
  if (b.state !== 'done') throw new Error(`NetForge bench: ${b.error}`);
  return b;
}

const rows = [];
if (BROWSER) {
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchBrowser();
  try {
    for (let i = 0; i < models.length; i++) {
      const name = path.basename(models[i], '.onnx');
      const app = await (await browser.newContext({ bypassCSP: true })).newPage();  // waitStatus evaluates strings
      app.setDefaultTimeout(600000);
      app.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
      app.on('console', (m) => { if (m.type() === 'error') console.error(`[page] ${m.text()}`); });
      await app.goto(`${base}?sample=0&sw=0`);
      await waitStatus(app, (st) => st.ready === true, 'the app to start', 180000);
      const heapBeforeOpen = await app.evaluate(() => (window.Module.HEAPU8 || window.HEAPU8).buffer.byteLength);
      const t0 = performance.now();
      await openInApp(app, i);
      console.error(`  ${name}: drawn in the app after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const heapOpened = await app.evaluate(() => (window.Module.HEAPU8 || window.HEAPU8).buffer.byteLength);
      let ortPage = null;
      if (ortWebDist) {
        ortPage = await browser.newPage();
        ortPage.setDefaultTimeout(600000);
        await ortPage.goto(`${base}ort.html`);
        await ortPage.waitForFunction(() => window.__ready === true);
        await ortPage.evaluate((i) => window.__load(i), i);
      console.error(`  ${name}: onnxruntime-web session ready`);
      }
      const ours = [], ortWeb = [];
      const opMs = {};
      let memory = null;
      for (let r = 0; r < ROUNDS; r++) {
        if (ortPage) {
          await ortPage.bringToFront();
          ortWeb.push(...await ortPage.evaluate((n) => window.__run(n), RUNS));
        }
        await app.bringToFront();  // the app runs one run per frame: it must be drawing
        const b = await benchInApp(app, RUNS);
        ours.push(...b.runs_ms);
        for (const [op, ms] of Object.entries(b.op_ms || {})) opMs[op] = (opMs[op] || 0) + ms;
        console.error(`  ${name} round ${r + 1}: NetForge ${b.runs_ms.map(fmt).join(' ')}; ort-web ${ortWeb.slice(-RUNS).map(fmt).join(' ')}`);
        if (!memory) memory = { ...b, wasm_bytes: await app.evaluate(() => (window.Module.HEAPU8 || window.HEAPU8).buffer.byteLength) };
      }
      for (const op of Object.keys(opMs)) opMs[op] /= ours.length;  // ms per run
      rows.push({ name, ours: median(ours), ortWeb: median(ortWeb), memory, opMs, heapBeforeOpen, heapOpened });
      if (ortPage) await ortPage.close();
      await app.close();
    }
  } finally {
    await browser.close();
    server.close();
  }

  console.log(`\nwhole-model run in headless Chromium (median ms of ${ROUNDS}x${RUNS} runs, sides interleaved; one thread):`);
  console.log(`  ${'model'.padEnd(26)} ${'NetForge'.padStart(10)} ${'ort-web 1.30'.padStart(13)} ${'ratio'.padStart(7)}`);
  for (const r of rows) console.log(`  ${r.name.padEnd(26)} ${fmt(r.ours).padStart(10)} ${fmt(r.ortWeb).padStart(13)} ${ratio(r.ours, r.ortWeb).padStart(7)}`);
  console.log('NetForge time per op type in the page (ms per run, mean of the timed runs; top 8):');
  for (const r of rows) {
    const top = Object.entries(r.opMs).sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`  ${r.name.padEnd(26)} ${top.map(([op, ms]) => `${op} ${ms.toFixed(1)}`).join(', ')}`);
  }
  console.log('memory in the page (first run of each model; the heap is malloc\'s bytes in use):');
  console.log(`  ${'model'.padEnd(26)} ${'peak'.padStart(10)} ${'target'.padStart(10)}  (target = weights + 2 x largest live set)`);
  for (const r of rows) {
    const m = r.memory;
    const target = m.weight_bytes + 2 * m.peak_live_bytes;
    console.log(`  ${r.name.padEnd(26)} ${MiB(m.heap_peak_bytes).padStart(10)} ${MiB(target).padStart(10)}  ` +
      `${m.heap_peak_bytes <= target ? 'within' : 'OVER'}: weights ${MiB(m.weight_bytes)} + 2 x live ${MiB(m.peak_live_bytes)}; ` +
      `held as packed copies ${MiB(m.packed_weight_bytes)}, decoded ${MiB(m.held_weight_bytes ?? m.weight_bytes)}; ` +
      `wasm memory ${MiB(r.heapBeforeOpen)} empty, ${MiB(r.heapOpened)} opened, ${MiB(m.wasm_bytes)} after a run`);
  }
}
fs.mkdirSync(path.join(ROOT, 'build-web'), { recursive: true });

const nativeRows = [];
if (NATIVE) {
  const cli = path.join(process.env.NF_BUILD_NATIVE || path.join(ROOT, 'build-native-web'), 'netforge');
  for (const m of models) {
    const name = path.basename(m, '.onnx');
    let session = null, feeds = null;
    if (ortNode) {
      session = await ortNode.InferenceSession.create(m, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
      feeds = feedsFor(ortNode, session);
      await session.run(feeds);
    }
    const ours = [], ort = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (session) for (let k = 0; k < RUNS; k++) { const t = performance.now(); await session.run(feeds); ort.push(performance.now() - t); }
      const input = session ? session.inputNames[0] : 'input';
      const out = execFileSync(cli, ['run', m, '--input', `${input}=random`, '--repeat', String(RUNS), '--json'], { maxBuffer: 1 << 26 });
      ours.push(...JSON.parse(out).timing.runs_ms);
    }
    if (session) await session.release();
    nativeRows.push({ name, ours: median(ours), ort: median(ort) });
  }
  console.log(`\nwhole-model run, native (netforge run --repeat vs onnxruntime-node 1.30, one thread, median ms of ${ROUNDS}x${RUNS}, interleaved):`);
  console.log(`  ${'model'.padEnd(26)} ${'NetForge'.padStart(10)} ${'ort-node 1.30'.padStart(14)} ${'ratio'.padStart(7)}`);
  for (const r of nativeRows) console.log(`  ${r.name.padEnd(26)} ${fmt(r.ours).padStart(10)} ${fmt(r.ort).padStart(14)} ${ratio(r.ours, r.ort).padStart(7)}`);
}
fs.writeFileSync(path.join(ROOT, 'build-web/bench-runtime.json'), JSON.stringify({ rounds: ROUNDS, runs: RUNS, browser: rows, native: nativeRows }, null, 1));
