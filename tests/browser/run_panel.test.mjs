// tests/browser/run_panel.test.mjs - the Run panel: drop a CNN and an image, run it
// in the page (F9), and compare the top-5 classes with torch's on the same input;
// the first conv layer's feature maps must show the image's stripes.
// Fixture (torchvision ResNet-18 with seed-0 random weights, a striped PNG, torch's
// top-5): tests/browser/run_panel_fixture.py, cached in build-web/run_panel/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { clickAt, waitGraph } from './graph_lib.mjs';
import { assert, decodePng, dropFiles, ROOT, screenshot, SITE, waitDrawn, waitReady, waitStatus } from './lib.mjs';

const DIR = path.join(ROOT, 'build-web/run_panel');
const SCRIPT = path.join(ROOT, 'tests/browser/run_panel_fixture.py');

function fixture() {
  const ref = path.join(DIR, 'reference.json');
  if (!fs.existsSync(ref) || fs.statSync(ref).mtimeMs < fs.statSync(SCRIPT).mtimeMs) {
    execFileSync('/usr/bin/python3', [SCRIPT, DIR], { stdio: 'inherit' });
  }
  return JSON.parse(fs.readFileSync(ref, 'utf8'));
}

// Gradient energy of one tile of the screenshot: sum |dx| and sum |dy| of the
// luminance inside the tile (inset, so the tile's border does not count).
function gradients(png, x0, y0, w, h) {
  const { width, channels, pixels } = png;
  const lum = (x, y) => {
    const o = (y * width + x) * channels;
    return 0.2126 * pixels[o] + 0.7152 * pixels[o + 1] + 0.0722 * pixels[o + 2];
  };
  let dx = 0, dy = 0;
  for (let y = y0 + 2; y < y0 + h - 3; y++) {
    for (let x = x0 + 2; x < x0 + w - 3; x++) {
      dx += Math.abs(lum(x + 1, y) - lum(x, y));
      dy += Math.abs(lum(x, y + 1) - lum(x, y));
    }
  }
  return { dx, dy };
}

export default function register(t) {
  t.test('drop ResNet-18 and an image, run, top-5 equals torch; feature maps show the stripes',
    { timeout: 240000 }, async ({ page, url }) => {
      const ref = fixture();
      await page.goto(`${url}?sample=0`);
      await waitReady(page);
      await dropFiles(page, [path.join(DIR, 'resnet18.onnx')]);
      await waitDrawn(page, 'resnet18.onnx');
      // An image is a run input: the Run panel opens with it; ImageNet mean/std is the default.
      await dropFiles(page, [path.join(DIR, 'stripes.png')]);
      let s = await waitStatus(page, (st) => st.run && st.run.image === 'stripes.png' && st.run.labels === 1000,
        'the image and the ImageNet labels in the Run panel');
      assert(s.run.preset === 'ImageNet mean/std', `preset is ${s.run.preset}`);
      assert(s.state === 'drawn' && s.file === 'resnet18.onnx', 'the image did not replace the model');
      await page.keyboard.press('F9');
      s = await waitStatus(page, (st) => st.run && ['done', 'error', 'cancelled'].includes(st.run.state),
        'the run to finish', 180000);
      assert(s.run.state === 'done', `run ended in ${s.run.state}: ${s.run.error}`);
      const got = s.run.top.map((e) => e.index);
      assert(JSON.stringify(got) === JSON.stringify(ref.top5),
        `top-5 ${JSON.stringify(got)} differs from torch's ${JSON.stringify(ref.top5)}`);
      const labels = fs.readFileSync(path.join(SITE, 'imagenet_labels.txt'), 'utf8').split('\n');
      assert(s.run.top[0].label === labels[ref.top5[0]] && s.run.top[0].label.length > 0,
        `top-1 label "${s.run.top[0].label}", expected "${labels[ref.top5[0]]}"`);
      assert(s.run.node_times > 40, `only ${s.run.node_times} node times recorded`);
      assert(s.run.keep_all && s.run.kept_values > 40, `kept ${s.run.kept_values} values`);
      console.log(`        run ${s.run.run_ms.toFixed(0)} ms, longest slice ${s.run.longest_slice_ms.toFixed(1)} ms ` +
        `(slowest node ${s.run.slowest_node.op} ${s.run.slowest_node.ms.toFixed(1)} ms), ` +
        `kept ${(s.run.kept_bytes / 1048576).toFixed(1)} MiB in ${s.run.kept_values} values; top-1 ${s.run.top[0].label}`);

      // The first conv output is shown until the user selects another node.
      s = await waitStatus(page, (st) => st.run.inspect.tiles > 0 && st.run.inspect.grid[2] > 0, 'feature maps drawn');
      assert(/conv/i.test(s.run.inspect.value), `inspected ${s.run.inspect.value}, expected the first conv output`);
      assert(s.run.inspect.channels === 64, `${s.run.inspect.channels} channels`);
      await page.waitForTimeout(300);  // a frame with the textures on screen
      const { png: shot } = await screenshot(page, 'run_panel_feature_maps');
      const png = decodePng(shot);
      const { tile, pitch, columns } = s.run.inspect;
      const [gx, gy] = s.run.inspect.grid;
      let striped = 0, flat = 0, checked = 0;
      const shown = Math.min(16, s.run.inspect.tiles);
      for (let i = 0; i < shown; i++) {
        const x = Math.round(gx + (i % columns) * pitch[0]), y = Math.round(gy + Math.floor(i / columns) * pitch[1]);
        if (x + tile[0] > png.width || y + tile[1] > Math.min(png.height, s.run.inspect.visible_bottom)) continue;
        checked++;
        const g = gradients(png, x, y, Math.round(tile[0]), Math.round(tile[1]));
        if (g.dx + g.dy < 1000) flat++;
        else if (g.dx > 2 * g.dy) striped++;
      }
      // Vertical stripes: across the tile (dx) the maps change, down it (dy) they mostly do not.
      assert(checked >= 4, `only ${checked} feature-map tiles are on screen`);
      assert(striped >= checked / 2, `only ${striped} of ${checked} feature maps show the vertical stripes (${flat} flat)`);

      // Selecting a node in the graph shows its output in the panel: find a layer4 conv
      // with the graph's search (it centres the match), then click it.
      let g = await waitGraph(page, (x) => x.canvas, 'the graph view');
      await clickAt(page, g.canvas[0] + g.canvas[2] * 0.6, g.canvas[1] + 20);  // focus the graph
      await page.keyboard.press('Control+f');
      await waitGraph(page, (x) => x.search_open, 'search open');
      await page.keyboard.type('layer4.1/conv2');
      g = await waitGraph(page, (x) => x.matches >= 1 && x.match >= 0, 'search matches');
      await page.waitForTimeout(400);  // the camera glides to the match
      await page.keyboard.press('Escape');
      await waitGraph(page, (x) => !x.search_open, 'search closed');
      g = await waitGraph(page, (x) => x.canvas, 'the graph view');
      await clickAt(page, g.canvas[0] + g.canvas[2] / 2, g.canvas[1] + g.canvas[3] / 2);
      s = await waitStatus(page, (st) => /layer4/.test(st.run.inspect.value || '') && st.run.inspect.tiles > 0,
        'the selected node\'s output in the Run panel');
      assert(s.run.inspect.channels === 512, `layer4 output has ${s.run.inspect.channels} channels, expected 512`);
      await screenshot(page, 'run_panel_selected_layer4');
    });

  t.test('F9 runs and F9 again cancels; frames keep coming during the run', { timeout: 240000 }, async ({ page, url }) => {
    fixture();
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    await dropFiles(page, [path.join(DIR, 'resnet18.onnx')]);
    await waitDrawn(page, 'resnet18.onnx');
    await dropFiles(page, [path.join(DIR, 'stripes.png')]);
    await waitStatus(page, (st) => st.run && st.run.image === 'stripes.png', 'the image in the Run panel');
    await page.keyboard.press('F9');
    let s = await waitStatus(page, (st) => st.run.state === 'running' && st.run.done > 0, 'the run to start');
    const framesBefore = s.frames;
    await page.keyboard.press('F9');
    s = await waitStatus(page, (st) => st.run.state !== 'running', 'the run to stop');
    assert(s.run.state === 'cancelled', `F9 during the run should cancel it, state ${s.run.state}`);
    assert(s.run.done < s.run.total, `cancelled after ${s.run.done} of ${s.run.total} nodes`);
    assert(s.frames > framesBefore, 'frames were drawn while the model ran');
    // Runs again to the end after a cancel.
    await page.keyboard.press('F9');
    s = await waitStatus(page, (st) => st.run.state === 'done', 'a second run', 180000);
    assert(s.run.top.length === 5, 'top-5 after the second run');
  });

  t.test('a dropped .npy feeds the sample model; logits equal the native CLI on the same file', async ({ page, url }) => {
    const dir = path.join(ROOT, 'build-web/run_panel');
    fs.mkdirSync(dir, { recursive: true });
    const npy = path.join(dir, 'cifar_input.npy');
    execFileSync('/usr/bin/python3', ['-c',
      'import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(3).standard_normal((1, 3, 32, 32)).astype(np.float32))', npy]);
    const out = path.join(dir, 'cifar_native');
    execFileSync(path.join(ROOT, 'build-native-web/netforge'),
      ['run', path.join(SITE, 'sample.onnx'), '--input', `image=${npy}`, '--save', out]);
    const native = JSON.parse(execFileSync('/usr/bin/python3', ['-c',
      'import onnx, sys, json; from onnx import numpy_helper; ' +
      'print(json.dumps(numpy_helper.to_array(onnx.load_tensor(sys.argv[1])).ravel().tolist()))',
      path.join(out, 'output_0.pb')]).toString());
    const order = native.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).map((p) => p[1]).slice(0, 5);
    await page.goto(url);
    await waitDrawn(page, 'sample.onnx');
    await dropFiles(page, [npy]);
    await waitStatus(page, (st) => st.run && st.run.state === 'idle' && st.run.labels > 0, 'the Run panel open');
    await page.keyboard.press('F9');
    const s = await waitStatus(page, (st) => st.run.state === 'done' || st.run.state === 'error', 'the run');
    assert(s.run.state === 'done', `run: ${s.run.error}`);
    assert(JSON.stringify(s.run.top.map((e) => e.index)) === JSON.stringify(order),
      `top-5 ${JSON.stringify(s.run.top.map((e) => e.index))}, native ${JSON.stringify(order)}`);
    // ImageNet names are not put on a 10-class output.
    assert(s.run.top.every((e) => e.label === ''), `labels on a 10-class output: ${JSON.stringify(s.run.top)}`);
    for (const e of s.run.top) {
      assert(Math.abs(e.score - native[e.index]) <= 1e-4 * Math.max(1, Math.abs(native[e.index])),
        `logit ${e.index}: page ${e.score}, native ${native[e.index]}`);
    }
    // A dropped labels.txt names the classes.
    const names = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
    const labels = path.join(dir, 'labels.txt');
    fs.writeFileSync(labels, names.join('\n') + '\n');
    await dropFiles(page, [labels]);
    const named = await waitStatus(page, (st) => st.run.labels === 10, 'the dropped labels');
    assert(named.run.top.every((e) => e.label === names[e.index]), `labels: ${JSON.stringify(named.run.top)}`);

    // The benchmark hook (scripts/bench.sh): 3 runs after a warm-up, with the memory
    // the executor measured; the panel's own results stay.
    await page.evaluate(() => window.NetForgeRun.bench(3));
    const b = (await waitStatus(page, (st) => st.run.bench.id > 0 && ['done', 'error'].includes(st.run.bench.state),
      'the bench runs')).run.bench;
    assert(b.state === 'done', `bench: ${b.error}`);
    assert(b.runs_ms.length === 3 && b.runs_ms.every((ms) => ms > 0), `bench runs ${JSON.stringify(b.runs_ms)}`);
    assert(b.weight_bytes > 0 && b.peak_live_bytes > 0 && b.heap_peak_bytes >= b.weight_bytes,
      `bench memory ${JSON.stringify(b)}`);
    const after = await waitStatus(page, (st) => st.run.state === 'done', 'the panel\'s run');
    assert(after.run.top.length === 5, 'the panel still shows its top-5');
  });
}
