// tests/browser/bigfiles_bench.mjs - LLM-size files and blocking (issue 16 item 5):
//   - the synthetic 7B-parameter model with 14 GB of external data (sparse, from
//     tests/support/make_llm.py, removed afterwards) dropped with its model in headless
//     Chromium at 1280x800: drop -> drawn (page clock), one 33.5 MB weight's statistics,
//     and the page's peak memory (wasm heap + JS heap + array buffers, sampled every
//     100 ms); the CLI's `netforge info` and `stats --tensor` time and peak RSS;
//   - the longest task that blocked the page (PerformanceObserver 'longtask', >= 50 ms)
//     from the drop until drawn, for the LLM and for synthetic 20k/100k-node graphs.
// usage: node tests/browser/bigfiles_bench.mjs
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, ROOT, startServer, waitReady, waitStatus } from './lib.mjs';
import { dropDiskFiles, makeLlm, samplePeakMemory } from './bigfiles.test.mjs';

const NATIVE = process.env.NF_BUILD_NATIVE || path.join(ROOT, 'build-native-web');
const MB = (b) => (b / 1e6).toFixed(1);

function synthetic(nodes) {
  const file = path.join(ROOT, 'build-web/synth', `synth${nodes / 1000}k.onnx`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    execFileSync('/usr/bin/python3', [path.join(ROOT, 'tests/scene/make_synthetic.py'), '--nodes', String(nodes), '-o', file]);
  }
  return file;
}

// Wall time and peak RSS of one CLI command (python's getrusage of the child).
function timeCli(args) {
  const py = 'import resource,subprocess,sys,time\nt=time.time()\nr=subprocess.run(sys.argv[1:],capture_output=True)\n' +
    'print(r.returncode,(time.time()-t)*1000,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
  const [rc, ms, kb] = execFileSync('/usr/bin/python3', ['-c', py, path.join(NATIVE, 'netforge'), ...args]).toString().trim().split(' ');
  return { rc: Number(rc), ms: Number(ms), rss: Number(kb) * 1024 };
}

async function openInPage(browser, url, files, stats) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block', bypassCSP: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(`${url}?sample=0&sw=0`);
  await waitReady(page);
  await page.evaluate(() => {
    window.__nfLongest = 0;
    window.__nfLong = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__nfLongest = Math.max(window.__nfLongest, e.duration);
        window.__nfLong++;
      }
    }).observe({ type: 'longtask' });
  });
  const memory = await samplePeakMemory(page, cdp);
  await dropDiskFiles(page, files);
  const name = path.basename(files[0]);
  const s = await waitStatus(page, new Function('s', `return (s.state === 'drawn' || s.state === 'error') && s.file === ${JSON.stringify(name)};`),
    `${name} drawn`, 600000);
  const open = await page.evaluate(() => ({ ms: window.netforgeStatus.first_drawn_ms - window.__nfDropped,
    longest: window.__nfLongest, long: window.__nfLong }));
  let statsMs = null;
  if (stats) {
    await page.evaluate((n) => window.NetForgeHost.tensorStats(n), stats);
    const t = await waitStatus(page, (x) => x.tensor && (x.tensor.state === 'done' || x.tensor.state === 'error'), 'statistics', 600000);
    statsMs = t.tensor.state === 'done' ? t.tensor.ms : `error: ${t.tensor.error}`;
  }
  const after = await page.evaluate(() => ({ longest: window.__nfLongest, long: window.__nfLong }));
  const peak = await memory.stop();
  await context.close();
  return { s, open, after, statsMs, peak };
}

const server = await startServer();
const browser = await launchBrowser();
const llm = makeLlm();
try {
  console.log(`LLM-size model: ${(llm.parameters / 1e9).toFixed(2)}B parameters, ${llm.nodes} nodes, ` +
    `external data ${(llm.data_bytes / 1e9).toFixed(1)} GB (sparse), 1280x800 headless Chromium`);
  const r = await openInPage(browser, server.url, [llm.model, llm.data], llm.weight);
  console.log(`  page: drop -> drawn ${r.open.ms.toFixed(0)} ms (${r.s.state}); statistics of ${llm.weight} ` +
    `(${MB(llm.weight_elements * 2)} MB) ${r.statsMs} ms`);
  console.log(`  page: peak memory ${MB(r.peak.total)} MB (wasm heap ${MB(r.peak.wasm)}, JS heap ${MB(r.peak.js)}, ` +
    `array buffers ${MB(r.peak.buffers)}); longest blocking task ${r.after.longest.toFixed(0)} ms ` +
    `(${r.after.long} tasks >= 50 ms; until drawn: ${r.open.longest.toFixed(0)} ms)`);
  const info = timeCli(['info', llm.model]);
  const stats = timeCli(['stats', llm.model, '--tensor', llm.weight]);
  console.log(`  CLI: info ${info.ms.toFixed(0)} ms, peak RSS ${MB(info.rss)} MB (exit ${info.rc}); ` +
    `stats of one weight ${stats.ms.toFixed(0)} ms, peak RSS ${MB(stats.rss)} MB (exit ${stats.rc})`);
} finally {
  fs.rmSync(llm.dir, { recursive: true, force: true });
}
try {
  console.log('longest blocking task from drop to drawn (PerformanceObserver longtask; target < 50 ms):');
  for (const nodes of [20000, 100000]) {
    const file = synthetic(nodes);
    const r = await openInPage(browser, server.url, [file], null);
    console.log(`  ${path.basename(file).padEnd(16)} ${String(r.s.nodes).padStart(7)} nodes: drawn in ${r.open.ms.toFixed(0)} ms, ` +
      `longest task ${r.open.longest.toFixed(0)} ms, ${r.open.long} tasks >= 50 ms`);
  }
} finally {
  await browser.close();
  await server.stop();
}
