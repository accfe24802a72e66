// tests/browser/builder_ui.test.mjs - the builder used through its UI alone: layers
// added from the picker, connected by dragging port to port, parameters typed into the
// properties panel, the code taken from the Copy button and run by /usr/bin/python3
// (python3-torch). Widgets are found by name (builder_lib.mjs), never by fixed
// coordinates. Also: canvas zoom, box-select, copy/paste/duplicate, Shift+click toggling a
// connection, "+" with nothing selected adding after the last layer added.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodePng, dropFiles, imageStats, screenshot } from './lib.mjs';
import {
  addFromPicker, assert, builderDoc, builderUi, centre, click, clickAt, connectByDrag, dragBetween, frames,
  fitWhole, openBuilder, rect, setParam,
} from './builder_lib.mjs';

// Clicks a spot of the canvas no node covers (its left edge: Fit centres the model).
async function clickEmptyCanvas(page) {
  const c = await rect(page, 'canvas');
  await clickAt(page, c[0] + 10, c[1] + c[3] - 10);
}

function runPython(code) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-builder-ui-'));
  try {
    const file = path.join(dir, 'model.py');
    fs.writeFileSync(file, code);
    return execFileSync('/usr/bin/python3', [file], { encoding: 'utf8', timeout: 120000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The Flowpoints tutorial's CIFAR-10 CNN (the PyTorch "training a classifier" net).
const CIFAR = [
  ['Input', 'Input', {}],
  ['Conv2d', 'Conv2d', { out_channels: '6', kernel_size: '5' }],
  ['ReLU', 'ReLU', {}],
  ['MaxPool2d', 'MaxPool2d', {}],
  ['Conv2d', 'Conv2d', { out_channels: '16', kernel_size: '5' }],
  ['ReLU', 'ReLU', {}],
  ['MaxPool2d', 'MaxPool2d', {}],
  ['Flatten', 'Flatten', {}],
  ['Linear', 'Linear', { out_features: '120' }],
  ['ReLU', 'ReLU', {}],
  ['Linear', 'Linear', { out_features: '84' }],
  ['ReLU', 'ReLU', {}],
  ['Linear', 'Linear', { out_features: '10' }],
];

export default function register(t) {
  t.test('CIFAR-10 CNN built through the UI alone; the copied PyTorch code runs', {
    timeout: 360000, context: { viewport: { width: 1600, height: 1000 } },
  }, async ({ page, url, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin }).catch(() => {});
    await openBuilder(page, url);
    const names = [];
    for (const [query, type, params] of CIFAR) {
      // Nothing selected (a click on the empty canvas): "+" adds after the last layer added
      // and connects it (Flowpoints); every third one is cut with Shift+click and joined
      // again by dragging port to port.
      if (names.length) await clickEmptyCanvas(page);
      const node = await addFromPicker(page, query, type);
      names.push(node.name);
      if (names.length > 1) {
        const edge = async () => {
          const doc = await builderDoc(page);
          const prev = doc.nodes.find((m) => m.name === names[names.length - 2]);
          return [doc, doc.edges.some((e) => e.from === prev.id && e.to === node.id)];
        };
        let [doc, joined] = await edge();
        assert(doc.edges.length === names.length - 1 && joined,
          `"+" with nothing selected connected ${names[names.length - 2]} -> ${node.name} (${JSON.stringify(doc.edges)})`);
        if (names.length % 3 === 0) {
          await click(page, `node:${names[names.length - 2]}`);
          await click(page, `node:${node.name}`, ['Shift']);
          [doc, joined] = await edge();
          assert(!joined && doc.edges.length === names.length - 2, `Shift+click on a connected layer disconnected it (${JSON.stringify(doc.edges)})`);
          await connectByDrag(page, names[names.length - 2], node.name);
          [doc, joined] = await edge();
          assert(joined && doc.edges.length === names.length - 1,
            `dragging ${names[names.length - 2]} -> ${node.name} made that edge (${JSON.stringify(doc.edges)})`);
        }
      }
      if (Object.keys(params).length) {
        await fitWhole(page);
        await click(page, `node:${node.name}`);  // select it: the properties panel shows its fields
        for (const [p, v] of Object.entries(params)) await setParam(page, p, v);
        const n = (await builderDoc(page)).nodes.find((m) => m.name === node.name);
        for (const [p, v] of Object.entries(params)) {
          const got = Array.isArray(n.params[p]) ? n.params[p][0] : n.params[p];
          assert(String(got) === v, `${node.name}.${p} typed as ${v}, document has ${JSON.stringify(n.params[p])}`);
        }
      }
    }
    // Dragging port to port connects: Shift+click takes the Flatten -> Linear edge away,
    // a drag from Flatten's output to Linear's input puts it back.
    await fitWhole(page);
    const [flatten, linear] = [names[7], names[8]];
    await click(page, `node:${flatten}`);
    await click(page, `node:${linear}`, ['Shift']);
    assert((await builderDoc(page)).edges.length === names.length - 2, `Shift+click disconnected ${flatten} -> ${linear}`);
    await connectByDrag(page, flatten, linear);
    {
      const doc = await builderDoc(page);
      const [a, b] = [flatten, linear].map((name) => doc.nodes.find((m) => m.name === name).id);
      assert(doc.edges.length === names.length - 1 && doc.edges.some((e) => e.from === a && e.to === b),
        `dragging ${flatten} -> ${linear} made that edge (${JSON.stringify(doc.edges)})`);
    }
    // The Input shape field shows and takes "HxWxC"; a bad value is refused with a message.
    await click(page, `node:${names[0]}`);
    await setParam(page, 'shape', '32x32x0');
    let ui = await builderUi(page);
    assert(/shape/.test(ui.field_error), `a zero size is refused with a message: "${ui.field_error}"`);
    await rect(page, 'field_error');
    assert(JSON.stringify((await builderDoc(page)).nodes[0].params.shape) === '[32,32,3]', 'the refused shape changed nothing');
    await setParam(page, 'shape', '32x32x3');

    await fitWhole(page);
    ui = await builderUi(page);
    const state = await page.evaluate(() => ({ ok: window.netforgeBuilder.ok(), code: window.netforgeBuilder.code() }));
    const summary = (await builderDoc(page)).nodes.map((n) => `${n.name} ${JSON.stringify(n.params)}`).join('\n');
    assert(state.ok && ui.errors === 0, `the model is complete (errors ${ui.errors}): ${state.code.slice(0, 300)}\n${summary}`);
    assert(ui.params_total === 62006, `the toolbar shows the tutorial net's 62,006 parameters (${ui.params_total})`);
    const cv = await rect(page, 'canvas');
    await page.mouse.move(cv[0] + 10, cv[1] + cv[3] - 10);  // no tooltip over the toolbar
    await frames(page, 3);
    await screenshot(page, 'builder-cifar10-ui');

    // Copy the code with the Copy button; read it back from the system clipboard.
    await click(page, 'btn:Copy');
    let copied = await page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
    const hooked = await page.evaluate(() => window.netforgeBuilder.copied());
    if (!copied) copied = hooked;  // a headless clipboard may refuse reads: the hook saw the same click
    assert(copied === hooked && copied === state.code, 'Copy put the generated code on the clipboard');
    const out = runPython(copied);
    const shape = out.match(/output \((\d+), (\d+)\)/);
    const params = out.match(/parameters (\d+)/);
    assert(shape && shape[2] === '10', `python prints an output of shape (N, 10): ${out}`);
    assert(params && Number(params[1]) === ui.params_total,
      `PyTorch counts the parameters the builder shows (${params && params[1]} vs ${ui.params_total})`);
  });

  t.test('a dropped builder document opens in the builder after asking', async ({ page, url }) => {
    await openBuilder(page, url);
    for (const [query, type] of [['Input', 'Input'], ['Flatten', 'Flatten'], ['Linear', 'Linear']]) {
      await addFromPicker(page, query, type);  // the selected node gets the next one appended
    }
    const saved = await page.evaluate(() => window.netforgeBuilder.doc());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-builder-drop-'));
    const file = path.join(dir, 'mlp.netforge.json');
    fs.writeFileSync(file, saved);
    try {
      await click(page, 'btn:New');
      assert((await builderDoc(page)).nodes.length === 0, 'New emptied the builder');
      await dropFiles(page, [file]);
      await frames(page, 5);
      assert((await builderDoc(page)).nodes.length === 0, 'nothing is replaced before the user accepts');
      await page.keyboard.press('Enter');  // "Open shared model" in the popup naming the file
      await page.waitForFunction(() => JSON.parse(window.netforgeBuilder.doc()).nodes.length === 3, null, { timeout: 10000 });
      const doc = await builderDoc(page);
      assert(JSON.stringify(doc.nodes) === JSON.stringify(JSON.parse(saved).nodes) && doc.edges.length === 2,
        'the dropped document is the one saved');
      const s = await page.evaluate(() => window.netforgeStatus);
      assert(s.state === 'empty' && !s.error, `the model reader was not involved (${JSON.stringify(s)})`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  t.test('theme and accent from the saved settings: light with green', async ({ page, url }) => {
    await page.addInitScript(() => {
      localStorage.setItem('netforge.theme', 'light');
      localStorage.setItem('netforge.accent', 'green');
    });
    await openBuilder(page, url);
    await addFromPicker(page, 'Input', 'Input');
    const fit = await rect(page, 'btn:Fit');
    const { png } = await screenshot(page, 'builder-light-green');
    assert(imageStats(png).meanLuminance > 0.6, 'the light theme is light');
    // The Fit button is drawn in the accent (mixed with the window background).
    const { width, channels, pixels } = decodePng(png);
    let r = 0, g = 0, b = 0, n = 0;
    for (let y = Math.ceil(fit[1] + 2); y < fit[1] + fit[3] - 2; ++y) {
      for (let x = Math.ceil(fit[0] + 2); x < fit[0] + 6; ++x) {
        const o = (y * width + x) * channels;
        r += pixels[o]; g += pixels[o + 1]; b += pixels[o + 2]; ++n;
      }
    }
    [r, g, b] = [r / n, g / n, b / n];
    assert(g > r + 15 && g > b, `the button takes the green accent (rgb ${r.toFixed(0)}, ${g.toFixed(0)}, ${b.toFixed(0)})`);
  });

  t.test('canvas: zoom keys and wheel, box-select, copy/paste, duplicate, Shift+click connect, undo', {
    timeout: 120000, context: { viewport: { width: 1600, height: 1000 } },
  }, async ({ page, url }) => {
    await openBuilder(page, url);
    const a = await addFromPicker(page, 'Input', 'Input');
    await clickEmptyCanvas(page);
    // Flowpoints: with nothing selected, "+" appends after the layer added last.
    const b = await addFromPicker(page, 'Flatten', 'Flatten');
    await clickEmptyCanvas(page);
    const c = await addFromPicker(page, 'Linear', 'Linear');
    let doc = await builderDoc(page);
    const chain = (d) => d.edges.map((e) => `${e.from}>${e.to}`).sort().join(' ');
    assert(doc.nodes.length === 3 && chain(doc) === `${a.id}>${b.id} ${b.id}>${c.id}`,
      `"+" with nothing selected adds after the last layer added: ${chain(doc)}`);

    // Shift+click toggles: select a, Shift+click b disconnects a -> b; again connects;
    // select b, Shift+click c disconnects and again connects.
    await click(page, `node:${a.name}`);
    await click(page, `node:${b.name}`, ['Shift']);
    doc = await builderDoc(page);
    assert(chain(doc) === `${b.id}>${c.id}`, `Shift+click disconnected a -> b (${chain(doc)})`);
    await click(page, `node:${a.name}`);
    await click(page, `node:${b.name}`, ['Shift']);
    await click(page, `node:${b.name}`);
    await click(page, `node:${c.name}`, ['Shift']);
    await click(page, `node:${b.name}`);
    await click(page, `node:${c.name}`, ['Shift']);
    doc = await builderDoc(page);
    assert(chain(doc) === `${a.id}>${b.id} ${b.id}>${c.id}`, `Shift+click connected the chain again (${chain(doc)})`);

    // Zoom: "-" zooms out about the centre, "+" back in, the wheel at the cursor.
    await click(page, `node:${c.name}`);
    const z0 = (await builderUi(page)).zoom;
    await page.keyboard.press('Minus');
    await frames(page, 3);
    const z1 = (await builderUi(page)).zoom;
    assert(z1 < z0, `"-" zoomed out (${z0} -> ${z1})`);
    await page.keyboard.press('Equal');
    await frames(page, 3);
    assert(Math.abs((await builderUi(page)).zoom - z0) < 1e-3, '"+" zoomed back');
    const [nx, ny] = centre(await rect(page, `node:${a.name}`));
    await page.mouse.move(nx, ny);
    await page.mouse.wheel(0, -300);
    await frames(page, 4);
    const zoomed = await builderUi(page);
    const [mx, my] = centre(zoomed.rects[`node:${a.name}`]);
    assert(zoomed.zoom > z0, `the wheel zoomed in (${z0} -> ${zoomed.zoom})`);
    assert(Math.hypot(mx - nx, my - ny) < 6, `the node under the cursor stays there (${nx},${ny} -> ${mx},${my})`);
    await click(page, 'btn:Fit');

    // Box-select all three by dragging over empty canvas, then Ctrl+C / Ctrl+V.
    const cv = await rect(page, 'canvas');
    await dragBetween(page, [cv[0] + 5, cv[1] + 5], [cv[0] + cv[2] - 5, cv[1] + cv[3] - 5]);
    let ui = await builderUi(page);
    assert(ui.selection.length === 3, `the box selected 3 nodes (${JSON.stringify(ui.selection)})`);
    await page.keyboard.press('Control+c');
    await frames(page);
    await page.keyboard.press('Control+v');
    await frames(page, 3);
    doc = await builderDoc(page);
    assert(doc.nodes.length === 6 && doc.edges.length === 4, `paste copied the nodes and their 2 inner edges (${doc.nodes.length}, ${doc.edges.length})`);
    ui = await builderUi(page);
    assert(ui.selection.length === 3 && !ui.selection.includes(a.name), `the pasted copies are selected (${ui.selection})`);

    // Ctrl+D duplicates the selection; Delete removes it; Ctrl+Z brings it back.
    await page.keyboard.press('Control+d');
    await frames(page, 3);
    doc = await builderDoc(page);
    assert(doc.nodes.length === 9 && doc.edges.length === 6, `duplicate (${doc.nodes.length}, ${doc.edges.length})`);
    await page.keyboard.press('Delete');
    await frames(page, 3);
    doc = await builderDoc(page);
    assert(doc.nodes.length === 6 && doc.edges.length === 4, `Delete removed the 3 selected (${doc.nodes.length})`);
    await page.keyboard.press('Control+z');
    await frames(page, 3);
    doc = await builderDoc(page);
    assert(doc.nodes.length === 9 && doc.edges.length === 6, `Ctrl+Z restored them (${doc.nodes.length})`);
    await screenshot(page, 'builder-canvas-edits');
  });

  t.test('New > From template: search, pick ResNet-18, code shown, Undo brings the model back', {
    timeout: 120000, context: { viewport: { width: 1600, height: 1000 } },
  }, async ({ page, url }) => {
    await openBuilder(page, url);
    const mine = await addFromPicker(page, 'Input', 'Input');
    await click(page, 'btn:From template');
    await click(page, 'template_search');
    await page.keyboard.type('resid', { delay: 5 });  // matches descriptions too
    await frames(page, 3);
    const ui = await builderUi(page);
    assert(ui.rects['template:ResNet-18'] && ui.rects['template:MobileNetV2 block'] && !ui.rects['template:MLP'],
      `the search keeps the residual templates only (${Object.keys(ui.rects).filter((k) => k.startsWith('template:'))})`);
    await screenshot(page, 'builder-template-gallery');
    await click(page, 'template:ResNet-18');
    await frames(page, 3);
    const doc = await builderDoc(page);
    // stem 4 + 8 blocks x 7 + 3 downsampling shortcuts x 2 + pool + fc + input
    assert(doc.nodes.length === 4 + 8 * 7 + 3 * 2 + 2 + 1, `ResNet-18 has 69 layers (${doc.nodes.length})`);
    assert(doc.nodes.filter((n) => n.type === 'Add').length === 8, 'its eight residual blocks end in Add');
    const after = await builderUi(page);
    assert(after.errors === 0 && after.params_trainable === 11689512,
      `no errors and torchvision's 11,689,512 parameters (${after.errors}, ${after.params_trainable})`);
    const code = await page.evaluate(() => window.netforgeBuilder.code());
    assert(/^class ResNet18\(nn\.Module\):/m.test(code), `the code panel shows the class: ${code.slice(0, 200)}`);
    const cv = await rect(page, 'canvas');
    await page.mouse.move(cv[0] + 10, cv[1] + cv[3] - 10);
    await frames(page, 3);
    await screenshot(page, 'builder-template-resnet18');
    await page.keyboard.press('Control+z');
    await frames(page, 3);
    const back = await builderDoc(page);
    assert(back.nodes.length === 1 && back.nodes[0].name === mine.name, `Ctrl+Z brought the user's model back (${back.nodes.length})`);
  });
}
