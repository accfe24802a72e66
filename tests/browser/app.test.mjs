// tests/browser/app.test.mjs - the app shell in headless Chromium: start-up, the
// sample model, opening files by drop and by the file input, errors, HiDPI,
// resizing, themes, the read-only status object.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  assert, CORPUS, dropFiles, ROOT, imageStats, pixelDifference, screenshot, SITE, status, waitDrawn, waitReady,
  waitStatus,
} from './lib.mjs';

const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8'));
const entry = (p) => manifest.files.find((f) => f.path === p);
const ALEXNET = 'light/light_bvlc_alexnet.onnx';
const SQUEEZENET = 'light/light_squeezenet.onnx';

// A model whose weights live in a separate file (ONNX external data), written by
// Debian's python3-onnx.
function externalDataFixture() {
  const dir = path.join(ROOT, 'build-web/fixtures');
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('/usr/bin/python3', ['-c', `
import numpy as np, onnx, sys
from onnx import helper, numpy_helper, TensorProto
w = numpy_helper.from_array(np.arange(4096, dtype=np.float32).reshape(64, 64), 'W')
g = helper.make_graph([helper.make_node('MatMul', ['x', 'W'], ['y'])], 'ext',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 64])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 64])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])
onnx.save_model(m, sys.argv[1] + '/ext.onnx', save_as_external_data=True, all_tensors_to_one_file=True,
                location='ext.weights', size_threshold=0)
`, dir]);
  return { model: path.join(dir, 'ext.onnx'), data: path.join(dir, 'ext.weights') };
}

export default function register(t) {
  t.test('loads, becomes ready and opens the sample model', async ({ page, url }) => {
    await page.goto(url);
    await waitReady(page);
    const s = await waitDrawn(page, 'sample.onnx');
    assert(s.nodes === 8, `the sample CNN has 8 nodes (conv-relu-pool x2, flatten, gemm), status says ${s.nodes}`);
    assert(s.error === null, `no error expected, got ${s.error}`);
    assert(s.frames > 0 && s.first_frame_ms > 0, 'frames are counted and the first frame time is recorded');
    assert(s.timings.parse_ms >= 0 && s.timings.draw_ms > 0, `timings recorded: ${JSON.stringify(s.timings)}`);
  });

  t.test('renders a non-blank page', async ({ page, url }) => {
    await page.goto(url);
    await waitDrawn(page, 'sample.onnx');
    const { png } = await screenshot(page, 'app-sample');
    const st = imageStats(png);
    assert(st.colors >= 32, `a rendered UI has many colours (text antialiasing); got ${st.colors}`);
    assert(st.nonBackground > 0.02, `more than 2% of the page is not background; got ${(st.nonBackground * 100).toFixed(2)}%`);
  });

  t.test('starts empty with ?sample=0', async ({ page, url }) => {
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    const s = await status(page);
    assert(s.state === 'empty' && s.file === null && s.nodes === 0, `empty state expected: ${JSON.stringify(s)}`);
    await screenshot(page, 'app-empty');
  });

  t.test('opens a dropped ONNX file from the corpus', async ({ page, url }) => {
    await page.goto(url);
    await waitDrawn(page, 'sample.onnx');
    await dropFiles(page, [path.join(CORPUS, ALEXNET)]);
    const s = await waitDrawn(page, path.basename(ALEXNET));
    const want = entry(ALEXNET).node_count_incl_subgraphs;
    assert(s.nodes === want, `alexnet has ${want} nodes per the corpus manifest; status says ${s.nodes}`);
    assert(s.size === fs.statSync(path.join(CORPUS, ALEXNET)).size, 'status reports the file size');
    const recent = await page.evaluate(() => localStorage.getItem('netforge.recent'));
    assert(/light_bvlc_alexnet\.onnx/.test(recent) && /sample\.onnx/.test(recent), `recent files remembered: ${recent}`);
    await screenshot(page, 'app-alexnet');
  });

  t.test('opens files set on #netforge-file exactly like a drop', async ({ page, url }) => {
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    await page.setInputFiles('#netforge-file', path.join(CORPUS, SQUEEZENET));
    const s = await waitDrawn(page, path.basename(SQUEEZENET));
    const want = entry(SQUEEZENET).node_count_incl_subgraphs;
    assert(s.nodes === want, `squeezenet has ${want} nodes; status says ${s.nodes}`);
  });

  t.test('a dropped image is a Run panel input and keeps the open model', async ({ page, url }) => {
    await page.goto(url);
    await waitDrawn(page, 'sample.onnx');
    await dropFiles(page, [path.join(SITE, 'icon-192.png')]);
    const s = await waitStatus(page, (st) => st.run && st.run.image === 'icon-192.png', 'the image in the Run panel');
    assert(s.state === 'drawn' && s.file === 'sample.onnx' && s.error === null, `the sample stays open: ${JSON.stringify(s)}`);
  });

  t.test('a PNG named .onnx gives a clear error and keeps the open model', async ({ page, url }) => {
    await page.goto(url);
    await waitDrawn(page, 'sample.onnx');
    const before = await status(page);
    // Images are Run panel inputs by their extension; under a model's name the reader says what it is.
    const fake = path.join(ROOT, 'build-web/fixtures/photo.onnx');
    fs.mkdirSync(path.dirname(fake), { recursive: true });
    fs.copyFileSync(path.join(SITE, 'icon-192.png'), fake);
    await dropFiles(page, [fake]);
    const s = await waitStatus(page, (st) => st.state === 'error', 'state "error"');
    assert(/photo\.onnx/.test(s.error) && /PNG/.test(s.error), `the error names the file and says it is a PNG: ${s.error}`);
    assert(s.file === before.file && s.nodes === before.nodes, `the sample stays open: ${JSON.stringify(s)}`);
    // The error panel opens by itself: the screen changes and shows red text.
    await page.waitForTimeout(100);
    await screenshot(page, 'app-png-error');
    // The next good file clears the error state.
    await dropFiles(page, [path.join(CORPUS, ALEXNET)]);
    const after = await waitDrawn(page, path.basename(ALEXNET));
    assert(after.error === null, `a successful open clears the error: ${after.error}`);
  });

  t.test('what a drop is gets decided by the app: a junk file is refused with what is accepted; of two models the first opens', async ({ page, url }) => {
    await page.goto(url);
    await waitDrawn(page, 'sample.onnx');
    const dir = path.join(ROOT, 'build-web/fixtures');
    fs.mkdirSync(dir, { recursive: true });
    const junk = path.join(dir, 'notes.docx');
    fs.writeFileSync(junk, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(64, 1)]));
    await dropFiles(page, [junk]);
    const s = await waitStatus(page, (st) => st.state === 'error', 'state "error"');
    assert(/^notes\.docx: /.test(s.error) && /ZIP/.test(s.error) && /\.onnx/.test(s.error) && /builder/.test(s.error),
      `the error names the file, says what it is and what NetForge opens: ${s.error}`);
    assert(s.file === 'sample.onnx', `the sample stays open: ${JSON.stringify(s)}`);
    // Two models in one drop: the first opens, the second is named in the log, not used as data.
    await dropFiles(page, [path.join(CORPUS, ALEXNET), path.join(SITE, 'sample.onnx')]);
    const after = await waitDrawn(page, path.basename(ALEXNET));
    assert(after.error === null && after.problems === s.problems + 1, `one problem logged for the second model: ${JSON.stringify(after)}`);
  });

  t.test('several files dropped together: the model and its external data', async ({ page, url }) => {
    const fx = externalDataFixture();
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    await dropFiles(page, [fx.data, fx.model]);  // order does not matter: the .onnx is the model
    let s = await waitDrawn(page, 'ext.onnx');
    assert(s.nodes === 1 && s.problems === 0 && s.error === null && s.notice === null, `opened with its data, no problem: ${JSON.stringify(s)}`);
    // Without the data file the model still opens, with a notice (not an error: a graph
    // shared without its weights is normal).
    await dropFiles(page, [path.join(CORPUS, ALEXNET)]);
    await waitDrawn(page, path.basename(ALEXNET));
    await dropFiles(page, [fx.model]);
    s = await waitDrawn(page, 'ext.onnx');
    assert(s.problems === 0 && s.error === null && s.notice === 'weights not included: structure only',
      `missing ext.weights is a notice, not a problem: ${JSON.stringify(s)}`);
    await screenshot(page, 'app-missing-external-data');
  });

  t.test('netforgeStatus is read-only', async ({ page, url }) => {
    await page.goto(url);
    await waitDrawn(page, 'sample.onnx');
    const r = await page.evaluate(() => {
      const attempts = [];
      try { window.netforgeStatus = { state: 'hacked' }; } catch (e) { attempts.push('assign threw'); }
      try { window.netforgeStatus.state = 'hacked'; } catch (e) { attempts.push('field threw'); }
      try { window.netforgeStatus.timings.parse_ms = -1; } catch (e) { attempts.push('nested threw'); }
      try { delete window.netforgeStatus; } catch (e) { attempts.push('delete threw'); }
      const s = window.netforgeStatus;
      return { state: s.state, parse: s.timings.parse_ms, frozen: Object.isFrozen(s) && Object.isFrozen(s.timings) };
    });
    assert(r.state === 'drawn' && r.parse >= 0 && r.frozen, `status unchanged and frozen: ${JSON.stringify(r)}`);
  });

  t.test('HiDPI: the framebuffer has device pixels', { context: { deviceScaleFactor: 2, viewport: { width: 800, height: 600 } } },
    async ({ page, url }) => {
      await page.goto(url);
      await waitDrawn(page, 'sample.onnx');
      const size = await page.evaluate(() => {
        const c = document.getElementById('canvas');
        return { w: c.width, h: c.height, cw: c.clientWidth, ch: c.clientHeight, dpr: devicePixelRatio };
      });
      assert(size.dpr === 2 && size.cw === 800 && size.ch === 600, `CSS size follows the window: ${JSON.stringify(size)}`);
      assert(size.w === 1600 && size.h === 1200, `framebuffer is CSS size x 2: ${JSON.stringify(size)}`);
      const { png } = await screenshot(page, 'app-hidpi');
      const st = imageStats(png);
      assert(st.width === 1600 && st.colors >= 32, `a crisp 1600px-wide screenshot with text: ${JSON.stringify(st)}`);
    });

  t.test('follows window resizes', async ({ page, url }) => {
    await page.goto(url);
    await waitDrawn(page, 'sample.onnx');
    await page.setViewportSize({ width: 900, height: 500 });
    await page.waitForFunction(() => {
      const c = document.getElementById('canvas');
      return c.width === 900 && c.height === 500;
    }, null, { timeout: 10000, polling: 50 });
    const frames = (await status(page)).frames;
    await page.waitForFunction((n) => window.netforgeStatus.frames > n, frames, { timeout: 10000, polling: 50 });
    const { png } = await screenshot(page, 'app-resized');
    assert(imageStats(png).width === 900, 'the page is 900 px wide');
  });

  t.test('keyboard: Ctrl+Shift+L switches to the light theme and remembers it', async ({ page, url }) => {
    await page.goto(url);
    await waitDrawn(page, 'sample.onnx');
    const dark = imageStats((await screenshot(page, 'theme-dark')).png).meanLuminance;
    await page.keyboard.press('Control+Shift+L');
    await page.waitForFunction(() => localStorage.getItem('netforge.theme') === 'light', null, { timeout: 10000, polling: 50 });
    await page.waitForTimeout(200);
    const light = imageStats((await screenshot(page, 'theme-light')).png).meanLuminance;
    // (The sample opens readable, its dark-titled boxes larger than a fit: +0.2 and 3x.)
    assert(light > dark + 0.2 && light > dark * 3, `the light theme is much brighter: dark ${dark.toFixed(2)}, light ${light.toFixed(2)}`);
    await page.reload();
    await waitDrawn(page, 'sample.onnx');
    await page.waitForTimeout(200);
    const again = imageStats((await screenshot(page, 'theme-light-reloaded')).png).meanLuminance;
    assert(Math.abs(again - light) < 0.05, `the theme survives a reload: ${again.toFixed(2)} vs ${light.toFixed(2)}`);
  });

  t.test('keyboard: F1 shows the shortcuts window; the File menu opens on click', async ({ page, url }) => {
    await page.goto(url);
    await waitDrawn(page, 'sample.onnx');
    await page.waitForTimeout(100);
    const before = (await screenshot(page, 'keys-before')).png;
    await page.keyboard.press('F1');
    await page.waitForTimeout(300);
    const withHelp = (await screenshot(page, 'keys-f1')).png;
    assert(pixelDifference(before, withHelp) > 0.005, 'F1 changes the screen (the shortcuts window appears)');
    await page.mouse.click(20, 10);  // "File" at the left of the menu bar
    await page.waitForTimeout(300);
    const withMenu = (await screenshot(page, 'menu-file')).png;
    assert(pixelDifference(withHelp, withMenu) > 0.002, 'clicking File opens its menu');
  });

  t.test('keyboard: the app takes its chords, the browser keeps reload and zoom', async ({ page, url }) => {
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    const prevented = await page.evaluate(() => {
      const press = (code, key, ctrlKey) => {
        const e = new KeyboardEvent('keydown', { code, key, ctrlKey, bubbles: true, cancelable: true });
        document.body.dispatchEvent(e);
        document.body.dispatchEvent(new KeyboardEvent('keyup', { code, key, ctrlKey, bubbles: true }));
        return e.defaultPrevented;
      };
      return { ctrlO: press('KeyO', 'o', true), ctrlR: press('KeyR', 'r', true), f5: press('F5', 'F5', false),
               zoom: press('Equal', '=', true) };
    });
    assert(prevented.ctrlO, 'Ctrl+O goes to the app (the browser would show its own open dialog)');
    assert(!prevented.ctrlR && !prevented.f5 && !prevented.zoom, `reload and zoom stay with the browser: ${JSON.stringify(prevented)}`);
  });

  t.test('keyboard: Ctrl+Shift+O opens the sample', async ({ page, url }) => {
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    await page.keyboard.press('Control+Shift+O');
    await waitDrawn(page, 'sample.onnx');
  });
}
