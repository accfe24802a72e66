// tests/browser/builder_bench.mjs - builder editing speed in headless Chromium
// (SwiftShader): a 500-layer document (a 20 x 25 grid of one long chain) opened from a
// share link, fitted on screen, then for ~3 s each: a node dragged in circles, and
// the view panned with the right button. Frame intervals come from
// requestAnimationFrame timestamps in the page.
//
//   node builder_bench.mjs [--nodes N] [--seconds S] [--viewport 1600x1000]
//   (NETFORGE_SITE picks the site, as for run.mjs)
//
// Prints one line per gesture:
//   builder 500 nodes, drag: median frame 16.7 ms (60 fps), p95 18.1 ms, 180 frames, zoom 31%
import zlib from 'node:zlib';
import { launchBrowser, startServer, waitReady } from './lib.mjs';

const args = process.argv.slice(2);
let count = 500;
let seconds = 3;
let viewport = '1600x1000';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--nodes') count = Number(args[++i]);
  else if (args[i] === '--seconds') seconds = Number(args[++i]);
  else if (args[i] === '--viewport') viewport = args[++i];
}

// The compact document (src/builder/serialize.h): an Input, then Linear/ReLU pairs,
// each fed by the previous layer, laid out row by row.
function shareFragment(n) {
  const cols = 20;
  const l = [['Input', 0, { shape: [64] }, 0, 0, 0]];
  for (let i = 1; i < n; ++i) {
    const wrap = i % cols === 0;
    l.push([i % 2 ? 'Linear' : 'ReLU', 0, 0, 0, wrap ? -200 * (cols - 1) : 200, wrap ? 80 : 0]);
  }
  const text = JSON.stringify({ v: 1, n: 'Bench', l });
  return 'nf1.' + zlib.deflateRawSync(Buffer.from(text)).toString('base64url');
}

const frames = (page, n = 2) =>
  page.evaluate((n) => new Promise((done) => {
    const step = (k) => (k <= 0 ? done() : requestAnimationFrame(() => step(k - 1)));
    step(n);
  }), n);

// Runs `gesture(tElapsedMs)` (one mouse move) as fast as the page takes it for `ms`,
// while the page records animation-frame timestamps.
async function measure(page, ms, gesture) {
  const recording = page.evaluate((ms) => new Promise((resolve) => {
    const t = [];
    const start = performance.now();
    const tick = (now) => { t.push(now); if (now - start < ms) requestAnimationFrame(tick); else resolve(t); };
    requestAnimationFrame(tick);
  }), ms);
  await page.evaluate(() => { window.__nfCallbackMs = []; });
  const t0 = Date.now();
  while (Date.now() - t0 < ms) await gesture(Date.now() - t0);
  const t = await recording;
  const cpu = (await page.evaluate(() => window.__nfCallbackMs)).filter((x) => x > 0.05).sort((a, b) => a - b);
  const d = t.slice(1).map((x, i) => x - t[i]).sort((a, b) => a - b);
  const pick = (xs, q) => xs.length ? xs[Math.min(xs.length - 1, Math.floor(xs.length * q))] : 0;
  return { frames: d.length, median: pick(d, 0.5), p95: pick(d, 0.95), cpu: pick(cpu, 0.5) };
}

const [vw, vh] = viewport.split('x').map(Number);
const VIEWPORT = { width: vw || 1600, height: vh || 1000 };

// A page whose animation-frame callbacks are timed (the app's frame is one): the
// page's CPU per frame, apart from what the compositor takes on other threads.
async function timedPage(browser) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.addInitScript(() => {
    const raf = window.requestAnimationFrame.bind(window);
    window.__nfCallbackMs = [];
    window.requestAnimationFrame = (cb) => raf((now) => {
      const t0 = performance.now();
      try { cb(now); } finally { window.__nfCallbackMs.push(performance.now() - t0); }
    });
  });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  return page;
}

async function main() {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    // Control: the same page and viewport with the builder closed, the mouse circling.
    // What SwiftShader and the app shell cost on this machine without any builder work.
    const idle = await timedPage(browser);
    await idle.goto(`${server.url}?sample=0`);
    await waitReady(idle);
    await idle.waitForTimeout(500);
    const base = await measure(idle, seconds * 1000, (t) => idle.mouse.move(800 + 100 * Math.sin(t / 300), 500 + 100 * Math.cos(t / 300)));
    console.log(`builder closed (control), mouse moving: median frame ${base.median.toFixed(1)} ms ` +
      `(${Math.round(1000 / base.median)} fps), p95 ${base.p95.toFixed(1)} ms, app frame ${base.cpu.toFixed(1)} ms CPU (median)`);
    await idle.close();

    const page = await timedPage(browser);
    await page.goto(`${server.url}?sample=0#${shareFragment(count)}`);
    await waitReady(page);
    await page.waitForFunction(() => window.netforgeBuilder !== undefined, null, { timeout: 10000 }).catch(() => {});
    await page.waitForTimeout(500);
    await page.keyboard.press('Enter');  // "Open shared model"
    await page.waitForFunction((n) => window.netforgeBuilder && JSON.parse(window.netforgeBuilder.doc()).nodes.length === n,
      count, { timeout: 30000 });
    await frames(page, 10);
    const ui = await page.evaluate(() => window.netforgeBuilder.ui());
    const nodeRects = Object.entries(ui.rects).filter(([k]) => k.startsWith('node:'));
    const canvas = ui.rects.canvas;
    let zoom = Math.round(ui.zoom * 100);
    console.log(`builder ${count} nodes: ${nodeRects.length} on screen at zoom ${zoom}%, ${ui.errors} error(s), ` +
      `viewport ${VIEWPORT.width}x${VIEWPORT.height}`);

    // The app's own share of a frame: drawing the canvas (CPU), mean over the gesture.
    const canvasCost = async () => {
      await frames(page, 3);
      const u = await page.evaluate(() => window.netforgeBuilder.ui());
      return `builder window ${u.gesture_window_ms.toFixed(2)} ms CPU of which canvas ${u.gesture_canvas_ms.toFixed(2)} ms, ` +
        `${u.canvas_vertices} canvas vertices`;
    };
    const report = async (what, r) => console.log(`builder ${count} nodes, ${what}: median frame ${r.median.toFixed(1)} ms ` +
      `(${Math.round(1000 / r.median)} fps), p95 ${r.p95.toFixed(1)} ms, ${r.frames} frames, zoom ${zoom}%; ` +
      `app frame ${r.cpu.toFixed(1)} ms CPU (median), ` + await canvasCost());

    // Drag a node in the middle of the grid in circles.
    const [, r] = nodeRects[Math.floor(nodeRects.length / 2)];
    const cx = r[0] + r[2] / 2, cy = r[1] + r[3] / 2;
    await page.mouse.move(cx, cy);
    await frames(page);
    await page.mouse.down();
    await frames(page);
    const drag = await measure(page, seconds * 1000, (t) =>
      page.mouse.move(cx + 80 * Math.sin(t / 300), cy + 80 * (1 - Math.cos(t / 300))));
    await page.mouse.up();
    await report('drag', drag);

    // Pan with the right button from the canvas centre.
    const px = canvas[0] + canvas[2] / 2, py = canvas[1] + canvas[3] / 2;
    await page.mouse.move(px, py);
    await frames(page);
    await page.mouse.down({ button: 'right' });
    await frames(page);
    const pan = await measure(page, seconds * 1000, (t) =>
      page.mouse.move(px + 150 * Math.sin(t / 400), py + 100 * Math.sin(t / 250)));
    await page.mouse.up({ button: 'right' });
    await report('pan', pan);

    // At 100 % (names and shapes drawn; the nodes around the middle are on screen).
    await page.keyboard.press('0');
    await frames(page, 5);
    const ui100 = await page.evaluate(() => window.netforgeBuilder.ui());
    const near = Object.entries(ui100.rects).filter(([k]) => k.startsWith('node:'));
    if (!near.length) {
      console.log('builder 500 nodes at 100%: no node on screen (viewport too small), drag skipped');
      return;
    }
    const [, r1] = near[Math.floor(near.length / 2)];
    const qx = r1[0] + r1[2] / 2, qy = r1[1] + r1[3] / 2;
    await page.mouse.move(qx, qy);
    await frames(page);
    await page.mouse.down();
    await frames(page);
    const drag100 = await measure(page, seconds * 1000, (t) =>
      page.mouse.move(qx + 80 * Math.sin(t / 300), qy + 80 * (1 - Math.cos(t / 300))));
    await page.mouse.up();
    console.log(`builder ${count} nodes at ${Math.round(ui100.zoom * 100)}%: ${near.length} nodes on screen`);
    zoom = Math.round(ui100.zoom * 100);
    await report('drag at 100%', drag100);
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
}

main().catch((e) => {
  console.error(`builder_bench: ${e && e.stack || e}`);
  process.exit(1);
});
