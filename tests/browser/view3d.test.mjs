// tests/browser/view3d.test.mjs - the 3D view (Graph | Layered | 3D | Neurons): the
// sample CNN drawn as slabs (a non-blank WebGL picture), a click on a conv layer
// opens it with an animation (frames in between), after a run (F9) its planes
// show the real feature maps instead of the flat placeholder, hover reads a value,
// and the PNG export is the picture.
import fs from 'node:fs';
import { assert, decodePng, imageStats, screenshot, waitDrawn, waitReady, waitStatus } from './lib.mjs';
import { clickAt, clickUi, waitGraph } from './graph_lib.mjs';

// Colour spread of a square around (x, y): the mean RGB and the standard deviation of
// the luminance (a flat placeholder is near 0, a feature map is not).
function patch(png, x, y, r = 6) {
  const { width, height, channels, pixels } = decodePng(png);
  const lums = [];
  const mean = [0, 0, 0];
  for (let yy = Math.round(y) - r; yy <= Math.round(y) + r; yy++) {
    for (let xx = Math.round(x) - r; xx <= Math.round(x) + r; xx++) {
      if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
      const o = (yy * width + xx) * channels;
      for (let c = 0; c < 3; c++) mean[c] += pixels[o + c];
      lums.push(0.2126 * pixels[o] + 0.7152 * pixels[o + 1] + 0.0722 * pixels[o + 2]);
    }
  }
  const m = lums.reduce((a, b) => a + b, 0) / lums.length;
  const sd = Math.sqrt(lums.reduce((a, b) => a + (b - m) * (b - m), 0) / lums.length);
  return { mean: mean.map((v) => v / lums.length), sd };
}

const differs = (a, b) => Math.max(...a.mean.map((v, i) => Math.abs(v - b.mean[i])));

export default function register(t) {
  t.test('3D: slabs, animated open, feature-map textures after a run, hover value, PNG', { timeout: 180000 },
    async ({ page, url }) => {
      await page.goto(url);  // the built-in sample: a CIFAR-10 CNN with weights
      await waitReady(page);
      await waitDrawn(page, 'sample.onnx');
      await clickUi(page, 'view_3d');
      let g = await waitGraph(page, (s) => s.view === '3d' && s.space && s.space.frames > 1 && s.space.layers >= 5,
        'the 3D picture');
      assert(g.space.error === '', `no error: ${g.space.error}`);
      assert(g.space.planes === 0 && g.space.boxes > 10, `closed slabs and dense units: ${JSON.stringify(g.space)}`);
      await page.waitForTimeout(200);
      const closed = (await screenshot(page, 'view3d-closed')).png;
      const st = imageStats(closed);
      assert(st.colors > 200 && st.nonBackground > 0.08, `a non-blank picture: ${JSON.stringify(st)}`);

      // Open the 64-channel conv layer with a click on its top face; catch it mid-way.
      const target = g.space.probes.find((p) => !p.dense && p.c === 64);
      assert(target, `a 64-channel layer on screen: ${JSON.stringify(g.space.probes)}`);
      // Record the animation's progress as each frame publishes it (screenshots are too slow to
      // catch a 0.7 s animation reliably on a loaded machine).
      await page.evaluate(() => {
        window.__animSeen = [];
        const tick = () => {
          const s = (window.netforgeGraph || {}).space;
          if (s && s.animating) window.__animSeen.push(s.anim_t);
          if (window.__animSeen.length < 1000) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      await clickAt(page, target.x, target.y);
      await page.mouse.move(300, 600);  // off the model: no hover card in the pictures
      g = await waitGraph(page, (s) => !s.space.animating && s.space.open === 1, 'the layer open');
      await page.waitForTimeout(200);
      const open = (await screenshot(page, 'view3d-open')).png;
      assert(g.space.planes === 64, `one plane per channel: ${g.space.planes}`);
      const seen = await page.evaluate(() => window.__animSeen);
      const between = seen.filter((t) => t > 0.02 && t < 0.98);
      console.log(`        animation frames seen: ${seen.length}, in between: ${between.length}`);
      assert(between.length >= 1, `the open animates: frames in between (${JSON.stringify(seen.slice(0, 20))})`);

      // A plane of the open layer, unrun: a flat placeholder.
      let probe = g.space.probes.find((p) => p.i === target.i);
      const before = patch(open, probe.x, probe.y);

      // Run (F9, random-normal input): the planes get the real maps.
      await page.keyboard.press('F9');
      const s = await waitStatus(page, (x) => x.run && ['done', 'error', 'cancelled'].includes(x.run.state), 'the run', 120000);
      assert(s.run.state === 'done', `run ended in ${s.run.state}: ${s.run.error}`);
      g = await waitGraph(page, (x) => x.space.run && x.space.textured >= 64 && !x.space.animating, 'textured planes', 30000);
      await page.waitForTimeout(300);
      g = await waitGraph(page, () => true, 'state');
      probe = g.space.probes.find((p) => p.i === target.i);
      const ran = (await screenshot(page, 'view3d-run')).png;
      const after = patch(ran, probe.x, probe.y);
      assert(before.sd < 4, `the unrun plane is flat: sd ${before.sd.toFixed(1)} at ${JSON.stringify(probe)}`);
      assert(after.sd > before.sd + 4 || differs(before, after) > 20,
        `the run's texture differs from the placeholder: sd ${before.sd.toFixed(1)} -> ${after.sd.toFixed(1)}, ` +
        `mean ${before.mean.map(Math.round)} -> ${after.mean.map(Math.round)}`);

      // Hover reads the value under the cursor.
      await page.mouse.move(probe.x + 1, probe.y + 1);
      g = await waitGraph(page, (x) => x.space.hover_layer >= 0 && x.space.hover_value !== '', 'a hovered value');
      assert(Number.isFinite(Number(g.space.hover_value)), `value ${g.space.hover_value}`);

      // PNG export: the picture as drawn.
      const download = page.waitForEvent('download', { timeout: 60000 });
      await clickUi(page, 'picture_png');
      const file = await (await download).path();
      const png = fs.readFileSync(file);
      const img = decodePng(png);
      const ist = imageStats(png);
      assert(img.width > 300 && img.height > 200 && ist.colors > 200, `a PNG of the view: ${JSON.stringify(ist)}`);

      // Click again: it closes, animated, back to one slab.
      probe = g.space.probes.find((p) => p.i === target.i);
      await page.mouse.move(10, 10);
      await clickAt(page, probe.x, probe.y);
      g = await waitGraph(page, (x) => x.space.open === 0 && !x.space.animating && x.space.planes === 0, 'the layer closed');
    });
}
