// tests/browser/compare_bench.mjs [A.onnx B.onnx] - a comparison in the app (wasm,
// headless Chromium): A dropped, B Shift-dropped, then the in-page diff's wall time
// (both models drawn -> report), the number of frame slices and the longest slice
// (what blocked the page), and the counts; then `netforge diff --time` (native, the
// same job in 12 ms slices) on the same pair in the same run, for comparison; then
// the Merged view: the merged graph's slices and the time until it is drawn.
// Default pair: scripts/bench_diff.py's 30k-node chain and the copy with one block
// inserted (/tmp/netforge-bench-diff; run that script first).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dropFiles, launchBrowser, ROOT, startServer, waitDrawn, waitReady } from './lib.mjs';

const NETFORGE = path.join(process.env.NF_BUILD_NATIVE || path.join(ROOT, 'build-native-web'), 'netforge');

const dir = '/tmp/netforge-bench-diff';
const [a, b] = process.argv.length > 3 ? process.argv.slice(2, 4)
  : [path.join(dir, 'chain30k.onnx'), path.join(dir, 'chain30k_inserted.onnx')];
if (!fs.existsSync(a) || !fs.existsSync(b)) {
  console.log(`compare_bench: ${a} or ${b} missing (python3 scripts/bench_diff.py build-native-web/netforge)`);
  process.exit(0);
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block', bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${server.url}?sample=0`);
  await waitReady(page);
  await dropFiles(page, [a]);
  await waitDrawn(page, path.basename(a));
  await page.evaluate(() => {
    window.addEventListener('drop', (e) => Object.defineProperty(e, 'shiftKey', { value: true }), { capture: true, once: true });
  });
  await dropFiles(page, [b]);
  await page.waitForFunction(() => window.netforgeCompare && ['ready', 'failed'].includes(window.netforgeCompare.state),
    null, { timeout: 600000, polling: 100 });
  const c = await page.evaluate(() => window.netforgeCompare);
  console.log(`compare_bench: ${path.basename(a)} vs ${path.basename(b)}: ${c.state}; diff ${c.diff_ms.toFixed(0)} ms in ` +
    `${c.steps} slices (their work ${c.steps_ms.toFixed(0)} ms, a redraw every 250 ms between), longest slice ` +
    `${c.longest_step_ms.toFixed(1)} ms (began at: ${c.longest_step_label}); ${c.pairs} pairs, ${c.changed} changed, ` +
    `${c.removed} removed, ${c.added} added`);
  // Merged: the merged graph built in slices (MergeJob), then laid out like any model.
  const ui = (await page.evaluate(() => window.netforgeDifferences)).ui.diff_view_merged;
  if (c.state === 'ready' && ui) {
    const t0 = Date.now();
    await page.mouse.click(ui[0] + ui[2] / 2, ui[1] + ui[3] / 2);
    await page.waitForFunction(() => window.netforgeCompare.merged && window.netforgeCompare.merged.state === 'drawn',
      null, { timeout: 600000, polling: 100 });
    const m = (await page.evaluate(() => window.netforgeCompare)).merged;
    console.log(`compare_bench: merged view: ${m.nodes} nodes built in ${m.merge_ms.toFixed(0)} ms of slices (longest ` +
      `${m.merge_longest_ms.toFixed(1)} ms), drawn ${Date.now() - t0} ms after the click`);
  }
  await context.close();
  // The native CLI on the same pair (exit 1: the models differ).
  if (fs.existsSync(NETFORGE)) {
    const p = spawnSync(NETFORGE, ['diff', a, b, '--time'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const lines = (p.stderr || '').split('\n');
    const line = lines.find((l) => l.startsWith('diff time:'));
    console.log(`compare_bench: native netforge diff --time, same pair: ${line ? line.slice('diff time: '.length) : `no timing (exit ${p.status})`}`);
    const merged = lines.find((l) => l.startsWith('merged graph'));
    if (merged) console.log(`compare_bench: native ${merged}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
