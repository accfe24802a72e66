// tests/browser/bench_models.mjs [model.onnx ...] - opens each model in the app in
// headless Chromium, as a user's drop would, and prints per model: parse time
// (sniff + skeleton + protobuf + IR, in wasm), layout and draw times, drop-to-drawn
// time measured in the page, and the wasm memory after opening (its peak: wasm
// memory never shrinks) relative to the file size.
// Default models: every .onnx in ~/.cache/netforge/models and models-big
// (scripts/bench.sh exports them with /work/shared/peers/export_models.py).
// Graphs of more than 300 nodes open as groups (the app's default);
// NETFORGE_GROUPING=flat measures the flat graph instead (every node laid out).
// NETFORGE_BENCH_JSON=<name> names the result file build-web/<name>.json (default
// bench-models.json, or bench-models-flat.json when flat).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, startServer, waitReady } from './lib.mjs';
import { openTimed } from './graph_lib.mjs';

let files = process.argv.slice(2);
if (!files.length) {
  for (const dir of ['models', 'models-big']) {
    const d = path.join(os.homedir(), '.cache/netforge', dir);
    if (fs.existsSync(d)) files.push(...fs.readdirSync(d).filter((f) => f.endsWith('.onnx')).map((f) => path.join(d, f)));
  }
  files.sort((a, b) => fs.statSync(a).size - fs.statSync(b).size);
}
if (!files.length) {
  console.log('bench_models: no models found (export them first: see scripts/bench.sh)');
  process.exit(0);
}

const server = await startServer();
const browser = await launchBrowser();
const rows = [];
try {
  for (const file of files) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    if (process.env.NETFORGE_GROUPING === 'flat') {
      // The graph view's remembered options (graph_view.cpp saveOptions): grouping F.
      await page.addInitScript(() => localStorage.setItem('netforge.graph.options', 'TB 0 0 0 F 7 1'));
    }
    await page.goto(server.url + '?sample=0&sw=0');
    await waitReady(page);
    const baseMemory = await page.evaluate(() => window.netforgeStatus.wasm_memory_bytes || 0);
    const dropMs = await openTimed(page, file);
    const name = path.basename(file);
    const r = { s: await page.evaluate(() => window.netforgeStatus), ms: dropMs };
    const size = fs.statSync(file).size;
    rows.push({
      model: name, mb: size / 1e6, nodes: r.s.nodes, state: r.s.state, error: r.s.error,
      parse_ms: r.s.timings.parse_ms, layout_ms: r.s.timings.layout_ms, draw_ms: r.s.timings.draw_ms,
      drop_to_drawn_ms: r.ms, wasm_memory_mb: r.s.wasm_memory_bytes / 1e6, base_memory_mb: baseMemory / 1e6,
      memory_over_file: r.s.wasm_memory_bytes / size,
    });
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
console.log('opening big models in headless Chromium (wasm):');
console.log('  model                         MB     nodes  parse ms  layout ms  draw ms  drop->drawn ms  wasm MB  wasm/file');
for (const r of rows) {
  if (r.state === 'error') { console.log(`  ${r.model.padEnd(26)} ERROR ${r.error}`); continue; }
  console.log(`  ${r.model.padEnd(26)} ${r.mb.toFixed(1).padStart(6)} ${String(r.nodes).padStart(8)} ${r.parse_ms.toFixed(1).padStart(9)}` +
    ` ${r.layout_ms.toFixed(1).padStart(10)} ${r.draw_ms.toFixed(1).padStart(8)} ${r.drop_to_drawn_ms.toFixed(0).padStart(15)}` +
    ` ${r.wasm_memory_mb.toFixed(1).padStart(8)} ${r.memory_over_file.toFixed(2).padStart(10)}`);
}
fs.mkdirSync(path.join(path.dirname(new URL(import.meta.url).pathname), '../../build-web'), { recursive: true });
const jsonName = process.env.NETFORGE_BENCH_JSON ||
  (process.env.NETFORGE_GROUPING === 'flat' ? 'bench-models-flat' : 'bench-models');
fs.writeFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), `../../build-web/${jsonName}.json`),
  JSON.stringify(rows, null, 2) + '\n');
