// tests/browser/graph_bench.mjs - graph view numbers in headless Chromium (SwiftShader).
//
//   node graph_bench.mjs [--runs N] [--pan] model.onnx ...
//   (NETFORGE_SITE picks the site, as for run.mjs)
//
// Drop to drawn: a fresh page per run (?sample=0, idle a moment so start-up work is
// done), the file handed to #netforge-file (as Netron's bench hands it to its file
// input), timed in the page from the input's change event to the first frame whose
// window.netforgeStatus says "drawn". Also: the app's own split (parse, layout =
// display graph + layout + geometry, first draw) and the longest gap between two
// animation frames while it loaded (the page never froze longer than that).
// --pan: after the load, drags the view in a circle for 2 s at fit-to-screen and
// again zoomed in, and reports the frame intervals (median and 90th percentile).
import path from 'node:path';
import { launchBrowser, startServer, waitReady, waitDrawn } from './lib.mjs';

const args = process.argv.slice(2);
let runs = 2;
let pan = false;
const models = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--pan') pan = true;
  else models.push(args[i]);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function frameIntervals(page, move) {
  const measure = page.evaluate(() => new Promise((resolve) => {
    const t = []; const start = performance.now();
    const tick = (now) => { t.push(now); if (now - start < 2000) requestAnimationFrame(tick); else resolve(t); };
    requestAnimationFrame(tick);
  }));
  await move();
  const t = await measure;
  const d = t.slice(1).map((x, i) => x - t[i]).sort((a, b) => a - b);
  return { frames: d.length, median: d[d.length >> 1], p90: d[Math.floor(d.length * 0.9)] };
}

async function circleDrag(page, cx, cy) {
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 0; i < 110; i++) {
    await page.mouse.move(cx + 150 * Math.cos(i / 10), cy + 100 * Math.sin(i / 10));
    await page.waitForTimeout(8);
  }
  await page.mouse.up();
}

const server = await startServer();
const browser = await launchBrowser();
try {
  for (const model of models) {
    const results = [];
    for (let r = 0; r < runs; r++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(`${server.url}?sample=0`);
      await waitReady(page);
      await page.waitForTimeout(1500);
      await page.evaluate(() => {
        window.__bench = { gaps: [] };
        document.querySelector('#netforge-file').addEventListener('change', () => {
          window.__bench.t0 = performance.now();
        }, { capture: true, once: true });
        let last = performance.now();
        const tick = (now) => {
          if (window.__bench.t0 !== undefined && !window.__bench.t1) window.__bench.gaps.push(now - last);
          last = now;
          const s = window.netforgeStatus || {};
          if (window.__bench.t0 !== undefined && s.state === 'drawn' && !window.__bench.t1) window.__bench.t1 = now;
          if (!window.__bench.t1) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      const wall0 = Date.now();
      await page.setInputFiles('#netforge-file', model);
      const s = await waitDrawn(page, path.basename(model)).catch(async (e) => { throw e; });
      const wall = Date.now() - wall0;
      await page.waitForFunction(() => window.__bench.t1, null, { timeout: 120000 });
      const b = await page.evaluate(() => window.__bench);
      const g = await page.evaluate(() => window.netforgeGraph);
      const res = {
        drop_to_drawn_ms: Math.round(b.t1 - b.t0), node_wall_ms: wall, parse_ms: s.timings.parse_ms,
        layout_ms: s.timings.layout_ms, draw_ms: s.timings.draw_ms, nodes: g.nodes, edges: g.edges,
        longest_frame_gap_ms: Math.round(Math.max(0, ...b.gaps)), pipeline: g.timings,
      };
      if (pan && r === runs - 1) {
        await page.waitForFunction(() => window.netforgeGraph.gl.overview_done, null, { timeout: 120000 }).catch(() => {});
        const cx = g.canvas[0] + g.canvas[2] / 2, cy = g.canvas[1] + g.canvas[3] / 2;
        res.pan_fit = await frameIntervals(page, () => circleDrag(page, cx, cy));
        await page.mouse.move(cx, cy);
        for (let i = 0; i < 12; i++) { await page.mouse.wheel(0, -300); await page.waitForTimeout(40); }
        await page.waitForTimeout(800);
        res.pan_zoomed = await frameIntervals(page, () => circleDrag(page, cx, cy));
        const z = await page.evaluate(() => window.netforgeGraph);
        res.zoomed = { zoom: z.zoom, gl: z.gl };
      }
      results.push(res);
      await page.close();
    }
    console.log(`${path.basename(model)}: drop->drawn median ${median(results.map((x) => x.drop_to_drawn_ms))} ms ` +
      `(runs ${results.map((x) => x.drop_to_drawn_ms).join(', ')})`);
    for (const x of results) console.log('  ' + JSON.stringify(x));
  }
} finally {
  await browser.close();
  await server.stop();
}
