// tests/browser/bench.mjs [runs] - time from navigation to the app's first rendered
// frame, and to the sample model on screen, in headless Chromium (SwiftShader WebGL2).
// Cold runs use a fresh browser context each (empty HTTP and service-worker caches);
// warm runs reload a page whose service worker already holds the site.
// Prints a human summary and writes build-web/bench-first-frame.json.
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, ROOT, startServer, waitDrawn, waitReady } from './lib.mjs';

const runs = Number(process.argv[2] || 5);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function measure(page) {
  await waitReady(page);
  const s = await waitDrawn(page, 'sample.onnx');
  return { first_frame_ms: s.first_frame_ms, sample_drawn_ms: s.first_drawn_ms, parse_ms: s.timings.parse_ms };
}

const server = await startServer();
const browser = await launchBrowser();
const cold = [], warm = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(server.url);
    cold.push(await measure(page));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
    await page.reload();
    warm.push(await measure(page));
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}

const summary = (xs, key) => ({ median: median(xs.map((x) => x[key])), runs: xs.map((x) => Math.round(x[key])) });
const result = {
  runs,
  cold: { first_frame_ms: summary(cold, 'first_frame_ms'), sample_drawn_ms: summary(cold, 'sample_drawn_ms') },
  warm: { first_frame_ms: summary(warm, 'first_frame_ms'), sample_drawn_ms: summary(warm, 'sample_drawn_ms') },
};
fs.writeFileSync(path.join(ROOT, 'build-web/bench-first-frame.json'), JSON.stringify(result, null, 2) + '\n');
const line = (label, s) => console.log(`  ${label.padEnd(44)} median ${Math.round(s.median)} ms  (runs: ${s.runs.join(', ')})`);
console.log(`navigation -> first frame, headless Chromium + SwiftShader, ${runs} runs:`);
line('first frame, cold (empty caches)', result.cold.first_frame_ms);
line('sample model drawn, cold', result.cold.sample_drawn_ms);
line('first frame, warm (service worker cache)', result.warm.first_frame_ms);
line('sample model drawn, warm', result.warm.sample_drawn_ms);
