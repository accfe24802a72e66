// tests/browser/bigfiles.test.mjs - LLM-size files (issue 16 item 5): a synthetic
// 7-billion-parameter GPT-like graph whose 14 GB of weights are one external data
// file (a sparse file from tests/support/make_llm.py, in a temporary folder removed at
// the end) is dropped with its model; the page reaches "drawn", shows one weight's
// statistics on request (all zeros), and its memory (wasm heap + JS heap + array
// buffers) stays under 300 MB: the data file is read in slices, never whole. A data
// file removed after opening gives a clear message when it is read.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assert, ROOT, screenshot, waitReady, waitStatus } from './lib.mjs';

const LIMIT_BYTES = 300e6;

export function makeLlm() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netforge-llm-'));
  const out = execFileSync('/usr/bin/python3', [path.join(ROOT, 'tests/support/make_llm.py'), '-o', dir]);
  return { dir, ...JSON.parse(out.toString()) };
}

// Drops files from disk the way a user does, without reading them in the test: a
// hidden file input receives them by path (Chromium keeps them disk-backed), and their
// File objects travel in the drop event's DataTransfer.
export async function dropDiskFiles(page, paths) {
  await page.evaluate(() => {
    const i = document.createElement('input');
    i.type = 'file';
    i.multiple = true;
    i.id = 'nf-test-disk-files';
    i.style.display = 'none';
    document.body.appendChild(i);
  });
  await page.setInputFiles('#nf-test-disk-files', paths);
  await page.evaluate(() => {
    const input = document.getElementById('nf-test-disk-files');
    const dt = new DataTransfer();
    for (const f of input.files) dt.items.add(f);
    input.remove();
    window.__nfDropped = performance.now();
    const canvas = document.querySelector('#canvas');
    for (const type of ['dragenter', 'dragover', 'drop'])
      canvas.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
}

// The page's memory: the wasm heap, V8's JS heap, and array buffers outside the wasm
// heap (the slices read from the data file), from the DevTools protocol. V8's
// backingStorageSize counts ArrayBuffers but not the wasm memory (checked in Chromium
// 156), so the three add up without overlap.
export async function pageMemory(page, cdp) {
  const wasm = await page.evaluate(() => window.Module.HEAPU8.buffer.byteLength);
  const heap = await cdp.send('Runtime.getHeapUsage');
  const buffers = heap.backingStorageSize || 0;
  return { wasm, js: heap.usedSize, buffers, total: wasm + heap.usedSize + buffers };
}

// Samples pageMemory every 100 ms until stop(), which resolves to the largest seen
// (a last sample included).
export async function samplePeakMemory(page, cdp) {
  let peak = await pageMemory(page, cdp);
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const m = await pageMemory(page, cdp).catch(() => null);
      if (m && m.total > peak.total) peak = m;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      sampling = false;
      await sampler;
      const last = await pageMemory(page, cdp).catch(() => null);
      if (last && last.total > peak.total) peak = last;
      return peak;
    },
  };
}

export default function register(t) {
  t.test('a 7B-parameter model with 14 GB of external data opens, draws and reads one weight', { timeout: 240000 },
    async ({ page, context, url }) => {
      const llm = makeLlm();
      try {
        assert(llm.data_bytes >= 14e9, `a 14 GB data file (${llm.data_bytes})`);
        const cdp = await context.newCDPSession(page);
        await page.goto(`${url}?sample=0`);
        await waitReady(page);
        const memory = await samplePeakMemory(page, cdp);

        await dropDiskFiles(page, [llm.model, llm.data]);
        const s = await waitStatus(page, (st) => st.state === 'drawn' && st.file === 'llm7b.onnx', 'the LLM drawn', 120000);
        const openMs = await page.evaluate(() => (window.netforgeStatus.first_drawn_ms || performance.now()) - window.__nfDropped);
        assert(s.error === null && s.notice === null, `no error, no missing-data notice: ${s.error} / ${s.notice}`);
        assert(s.nodes === llm.nodes, `all ${llm.nodes} nodes (${s.nodes})`);

        await page.evaluate((name) => window.NetForgeHost.tensorStats(name), llm.weight);
        const done = await waitStatus(page, (st) => st.tensor && (st.tensor.state === 'done' || st.tensor.state === 'error'),
          'the weight statistics', 120000);
        assert(done.tensor.state === 'done', `statistics computed: ${JSON.stringify(done.tensor)}`);
        const st = done.tensor.stats;
        assert(done.tensor.name === llm.weight && st.count === llm.weight_elements && st.zero_fraction === 1 &&
          st.min === 0 && st.max === 0 && st.nan === 0, `all zeros: ${JSON.stringify(done.tensor)}`);
        await page.waitForTimeout(300);
        await screenshot(page, 'bigfiles-llm7b-stats');
        const peak = await memory.stop();
        console.log(`        open ${openMs.toFixed(0)} ms, stats of ${(llm.weight_elements * 2 / 1e6).toFixed(1)} MB in ` +
          `${done.tensor.ms} ms; peak memory ${(peak.total / 1e6).toFixed(1)} MB (wasm ${(peak.wasm / 1e6).toFixed(1)}, ` +
          `JS ${(peak.js / 1e6).toFixed(1)}, buffers ${(peak.buffers / 1e6).toFixed(1)})`);
        assert(peak.total < LIMIT_BYTES, `page memory under 300 MB: ${JSON.stringify(peak)}`);

        // The data file disappears while the model is open: reading another weight says so.
        fs.rmSync(llm.data);
        await page.evaluate(() => window.NetForgeHost.tensorStats('/model/layers.1/mlp/up_proj.weight'));
        const gone = await waitStatus(page, (x) => x.tensor && x.tensor.name === '/model/layers.1/mlp/up_proj.weight' &&
          (x.tensor.state === 'done' || x.tensor.state === 'error'), 'the error for a removed data file', 60000);
        assert(gone.tensor.state === 'error' && /llm7b\.onnx\.data' could not be read/.test(gone.tensor.error),
          `a clear message: ${JSON.stringify(gone.tensor)}`);
        await page.waitForTimeout(300);
        await screenshot(page, 'bigfiles-llm7b-removed');
      } finally {
        fs.rmSync(llm.dir, { recursive: true, force: true });
      }
    });
}
