// tests/browser/view3d_bench.mjs - the 3D view's frame time in headless Chromium
// (SwiftShader) at 1280x800: ResNet-50 (light_resnet50, structure only) with every
// layer closed, then with one 256-channel layer open. The view is orbited (mouse
// drag in a circle) for 3 s each, so every animation frame redraws the scene; it
// prints the median and 90th-percentile interval between animation frames and the
// app's own GL-call time per frame. Target: <= 33 ms.
//
//   node tests/browser/view3d_bench.mjs [model.onnx]   (NETFORGE_SITE picks the site)
import path from 'node:path';
import { CORPUS, launchBrowser, startServer, waitReady, waitDrawn, dropFiles } from './lib.mjs';
import { clickAt, clickUi, waitGraph } from './graph_lib.mjs';

const model = process.argv[2] || path.join(CORPUS, 'light/light_resnet50.onnx');

async function orbitFrames(page, ms = 3000) {
  const measure = page.evaluate((ms) => new Promise((resolve) => {
    const t = []; const start = performance.now();
    const tick = (now) => { t.push(now); if (now - start < ms) requestAnimationFrame(tick); else resolve(t); };
    requestAnimationFrame(tick);
  }), ms);
  const [cx, cy] = [640, 430];
  await page.mouse.move(cx + 60, cy);
  await page.mouse.down();
  const start = Date.now();
  let a = 0;
  while (Date.now() - start < ms) {
    a += 0.15;
    await page.mouse.move(cx + 60 * Math.cos(a), cy + 40 * Math.sin(a));
  }
  await page.mouse.up();
  const t = await measure;
  const d = t.slice(1).map((x, i) => x - t[i]).sort((x, y) => x - y);
  return { frames: d.length, median: d[d.length >> 1], p90: d[Math.floor(d.length * 0.9)] };
}

async function glMs(page) {
  const g = await waitGraph(page, () => true, 'state');
  return g.space.gl_ms;
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, bypassCSP: true });
  const page = await context.newPage();
  // Baseline: the headless browser's own frame interval on an empty page, so a
  // median equal to it means the 3D view is held by the browser's frame clock, not by us.
  await page.goto('about:blank');
  const idle = await page.evaluate(() => new Promise((resolve) => {
    const t = []; const tick = (now) => { t.push(now); if (t.length < 60) requestAnimationFrame(tick); else resolve(t); };
    requestAnimationFrame(tick);
  }));
  const idleD = idle.slice(1).map((x, i) => x - idle[i]).sort((x, y) => x - y);
  console.log(`baseline, an empty page in the same browser: frame interval median ${idleD[idleD.length >> 1].toFixed(1)} ms`);
  await page.goto(`${server.url}?sample=0`);
  await waitReady(page);
  await dropFiles(page, [model]);
  await waitDrawn(page, path.basename(model));
  const flat = await orbitFrames(page);
  console.log(`baseline, the 2D graph view of the same model dragged the same way: frame interval median ${flat.median.toFixed(1)} ms, p90 ${flat.p90.toFixed(1)} ms`);
  await clickUi(page, 'view_3d');
  let g = await waitGraph(page, (s) => s.view === '3d' && s.space && s.space.frames > 2, 'the 3D view', 60000);
  const closed = await orbitFrames(page);
  const closedGl = await glMs(page);
  console.log(`${path.basename(model)}: ${g.space.layers} layers, ${g.space.boxes} boxes, all closed: ` +
    `frame interval median ${closed.median.toFixed(1)} ms, p90 ${closed.p90.toFixed(1)} ms over ${closed.frames} frames; ` +
    `GL calls ${closedGl.toFixed(1)} ms`);
  await clickUi(page, 'fit');
  g = await waitGraph(page, (s) => s.space.frames > 0, 'fit');
  // A 256-channel layer well inside the canvas: below the toolbar, above the hint line.
  const top = g.ui.fit[1] + g.ui.fit[3] + 20;
  const bottom = g.canvas[1] + g.canvas[3] - 60;
  const target = g.space.probes.find((p) => !p.dense && p.c === 256 && p.y > top && p.y < bottom);
  if (!target) throw new Error('no 256-channel layer on screen');
  await clickAt(page, target.x, target.y);
  g = await waitGraph(page, (s) => s.space.open === 1 && !s.space.animating, 'the layer open', 30000);
  const open = await orbitFrames(page);
  const openGl = await glMs(page);
  console.log(`one 256-channel layer open (${g.space.planes} planes, ${g.space.vertices} vertices): ` +
    `frame interval median ${open.median.toFixed(1)} ms, p90 ${open.p90.toFixed(1)} ms over ${open.frames} frames; ` +
    `GL calls ${openGl.toFixed(1)} ms`);
  console.log(JSON.stringify({ closed, open, closedGl, openGl }));
} finally {
  await browser.close();
  await server.stop();
}
