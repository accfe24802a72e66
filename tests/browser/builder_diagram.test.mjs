// tests/browser/builder_diagram.test.mjs - the builder as a diagram tool, through its UI
// alone (widgets by name, builder_lib.mjs): pick a template, recolour a layer, write a
// note, add a frame round it and a label, align and auto-arrange, then export the
// picture as SVG and PNG and check both hold the boxes, the note and the colours; a
// reload brings all of it back (the document is autosaved). At 1280x800, a laptop.
import fs from 'node:fs';
import path from 'node:path';
import { decodePng, imageStats, screenshot, SHOTS, waitReady } from './lib.mjs';
import {
  assert, builderDoc, builderUi, click, clickAt, frames, openBuilder, pickTemplate, rect, showBuilder, waitUi,
} from './builder_lib.mjs';

// Pixels within `tol` of an 0xRRGGBB colour.
function near(png, rgb, tol = 14) {
  const [r, g, b] = [(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255];
  let n = 0;
  for (let i = 0; i < png.width * png.height; ++i) {
    const o = i * png.channels;
    if (Math.abs(png.pixels[o] - r) <= tol && Math.abs(png.pixels[o + 1] - g) <= tol && Math.abs(png.pixels[o + 2] - b) <= tol) ++n;
  }
  return n;
}

async function typeInto(page, widget, text) {
  await click(page, widget);
  await page.keyboard.press('Control+a');
  await page.keyboard.type(text, { delay: 5 });
  await frames(page, 3);
}

// Pixels within `tol` of an 0xRRGGBB colour inside the screen rectangle r = [x, y, w, h].
function nearIn(png, rgb, r, tol = 10) {
  const [cr, cg, cb] = [(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255];
  let n = 0;
  for (let y = Math.max(0, Math.floor(r[1])); y < Math.min(png.height, r[1] + r[3]); ++y)
    for (let x = Math.max(0, Math.floor(r[0])); x < Math.min(png.width, r[0] + r[2]); ++x) {
      const o = (y * png.width + x) * png.channels;
      if (Math.abs(png.pixels[o] - cr) <= tol && Math.abs(png.pixels[o + 1] - cg) <= tol && Math.abs(png.pixels[o + 2] - cb) <= tol) ++n;
    }
  return n;
}

async function download(page, button) {
  const pending = page.waitForEvent('download', { timeout: 60000 });
  await click(page, button);
  return fs.readFileSync(await (await pending).path());
}

// Every layer of `doc` on the canvas, whole, readable (box text at least 11 px high and
// drawn: glyph pixels stand out from the box's fill), overlapping neither another box
// nor the legend.
async function readableOnScreen(ui, doc, png, what) {
  assert(ui.text_px >= 11, `${what}: box text ${ui.text_px} px high at zoom ${ui.zoom}`);
  const [cx, cy, cw, ch] = ui.rects.canvas;
  const boxes = doc.nodes.map((n) => [n.name, ui.rects[`node:${n.name}`]]);
  for (const [name, r] of boxes) {
    assert(r && r[0] >= cx && r[1] >= cy && r[0] + r[2] <= cx + cw && r[1] + r[3] <= cy + ch,
      `${what}: ${name} wholly on the canvas (${JSON.stringify(r)} in ${JSON.stringify(ui.rects.canvas)})`);
  }
  const meets = (a, b) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
  for (let i = 0; i < boxes.length; ++i) {
    if (ui.rects.legend) assert(!meets(boxes[i][1], ui.rects.legend), `${what}: ${boxes[i][0]} clear of the legend`);
    for (let j = i + 1; j < boxes.length; ++j)
      assert(!meets(boxes[i][1], boxes[j][1]), `${what}: ${boxes[i][0]} and ${boxes[j][0]} do not overlap`);
  }
  for (const [name, r] of boxes) {
    const counts = new Map();
    const at = (x, y) => {
      const o = (y * png.width + x) * png.channels;
      return (png.pixels[o] << 16) | (png.pixels[o + 1] << 8) | png.pixels[o + 2];
    };
    let total = 0;
    for (let y = Math.ceil(r[1]) + 6; y < r[1] + r[3] - 6; ++y)  // clear of the border and the ports
      for (let x = Math.ceil(r[0]) + 3; x < r[0] + r[2] - 3; ++x, ++total) counts.set(at(x, y), (counts.get(at(x, y)) || 0) + 1);
    const fill = Math.max(...counts.values());
    assert((total - fill) / total > 0.05, `${what}: text drawn in ${name} (${((total - fill) / total * 100).toFixed(1)}% of its pixels)`);
  }
}

export default function register(t) {
  t.test('Template, recolour, note, frame, label, align, arrange; SVG and PNG exports hold them', {
    timeout: 240000, context: { viewport: { width: 1280, height: 800 } },
  }, async ({ page, url }) => {
    await openBuilder(page, url);
    await click(page, 'btn:From template');
    await click(page, 'template_search');
    await page.keyboard.type('CIFAR', { delay: 5 });
    await frames(page, 3);
    await click(page, 'template:CIFAR-10 CNN');
    await frames(page, 4);
    let doc = await builderDoc(page);
    const conv = doc.nodes.find((n) => n.type === 'Conv2d');
    assert(conv && doc.nodes.length > 8, `the CIFAR-10 CNN template is open (${doc.nodes.length} layers)`);
    let ui = await builderUi(page);
    assert(ui.rects.legend, 'the canvas shows a colour legend');
    const shot = await screenshot(page, 'builder-diagram-template');
    await readableOnScreen(ui, doc, decodePng(shot.png), 'the CIFAR-10 CNN template at 1280 x 800');

    // Recolour the first convolution (a swatch) and give it a note.
    await click(page, `node:${conv.name}`);
    await click(page, 'swatch:10');  // #ffd966
    await typeInto(page, 'node_note', 'Learns edges and colours');
    doc = await builderDoc(page);
    let c = doc.nodes.find((n) => n.id === conv.id);
    assert(c.color === '#ffd966' && c.note === 'Learns edges and colours', `colour and note saved: ${JSON.stringify(c)}`);
    assert(doc.version === 2, `a decorated document is version 2 (${doc.version})`);

    // A frame round the selected layer, titled; a free label.
    await click(page, 'btn:Add frame');
    await typeInto(page, 'annotation_text', 'Feature extractor');
    await click(page, 'btn:Add label');
    await typeInto(page, 'annotation_text', 'CIFAR-10 classifier');
    doc = await builderDoc(page);
    const kinds = (doc.annotations || []).map((a) => `${a.kind}:${a.text}`).join(', ');
    assert(kinds === 'frame:Feature extractor, label:CIFAR-10 classifier', `frame and label in the document: ${kinds}`);
    await rect(page, 'frame:Feature extractor');
    await rect(page, 'label:CIFAR-10 classifier');

    // Auto-arrange left to right (layered layout): every edge points right, the frame
    // goes with the layer it held.
    const before = JSON.stringify([doc.nodes.map((n) => n.pos), doc.annotations.map((a) => a.pos)]);
    await click(page, 'btn:Arrange LR');
    await frames(page, 3);
    doc = await builderDoc(page);
    const pos = new Map(doc.nodes.map((n) => [n.id, n.pos]));
    assert(doc.edges.every((e) => pos.get(e.from)[0] < pos.get(e.to)[0]), 'left to right: every edge points right');
    const frame = doc.annotations.find((a) => a.kind === 'frame');
    const cp = pos.get(conv.id);
    assert(frame.pos[0] < cp[0] && frame.pos[1] < cp[1] && frame.pos[0] + frame.size[0] > cp[0] + 100,
      `the frame followed the convolution (${frame.pos} ${frame.size} round ${cp})`);
    await screenshot(page, 'builder-diagram-arranged-lr');

    // Align: two layers of the row selected with Ctrl+click, left edges lined up.
    const [a, b] = [doc.nodes[1], doc.nodes[3]];
    assert(a.pos[0] !== b.pos[0], 'two layers at different x');
    await click(page, `node:${a.name}`);
    await click(page, `node:${b.name}`, ['Control']);
    await click(page, 'btn:Align');
    await click(page, 'align:0');
    doc = await builderDoc(page);
    assert(doc.nodes[1].pos[0] === doc.nodes[3].pos[0], `left edges aligned (${doc.nodes[1].pos} / ${doc.nodes[3].pos})`);

    // Ctrl+Z twice: the alignment, then the arrangement (layers and frame) undone.
    await page.keyboard.press('Control+z');
    await frames(page, 2);
    await page.keyboard.press('Control+z');
    await frames(page, 3);
    doc = await builderDoc(page);
    assert(JSON.stringify([doc.nodes.map((n) => n.pos), doc.annotations.map((a) => a.pos)]) === before,
      'Ctrl+Z puts the layers and the frame back');

    // Top to bottom (the view fits the result, above the legend); nothing selected: the
    // whole canvas is exported.
    await click(page, 'btn:Arrange TB');
    await frames(page, 3);
    const cv = await rect(page, 'canvas');
    await clickAt(page, cv[0] + 6, cv[1] + 6);
    doc = await builderDoc(page);
    ui = await builderUi(page);
    const legend = ui.rects.legend;
    const covered = doc.nodes.filter((n) => {
      const r = ui.rects[`node:${n.name}`];
      return r && r[1] + r[3] > legend[1] && r[0] < legend[0] + legend[2];
    });
    assert(ui.zoom > 0.3 && covered.length === 0,
      `Fit shows the whole diagram above the legend (zoom ${ui.zoom}; under the legend: ${covered.map((n) => n.name)})`);
    await screenshot(page, 'builder-diagram-canvas');

    // Export: SVG and PNG (2x, light), then the dark look.
    await click(page, 'btn:Export picture');
    const svg = (await download(page, 'btn:Download SVG')).toString('utf8');
    const boxes = (svg.match(/<g class="node"/g) || []).length;
    assert(svg.includes('data-netforge-view="builder"') && boxes === doc.nodes.length,
      `an SVG with one group per layer: ${boxes} of ${doc.nodes.length}`);
    for (const text of ['Learns edges and colours', 'Feature extractor', 'CIFAR-10 classifier', '#ffd966', '>Convolution<'])
      assert(svg.includes(text), `the SVG holds ${text}`);
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.writeFileSync(path.join(SHOTS, 'builder-diagram-export.svg'), svg);
    const pngBytes = await download(page, 'btn:Download PNG');
    fs.writeFileSync(path.join(SHOTS, 'builder-diagram-export.png'), pngBytes);
    const png = decodePng(pngBytes);
    const viewBox = svg.match(/viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"/);
    assert(viewBox && Math.abs(png.width - Number(viewBox[3]) * 2) <= 4,
      `the PNG is the SVG's picture at 2x: ${png.width} px for ${viewBox && viewBox[3]} units`);
    assert(near(png, 0xffd966) > 2000, `the recoloured box is in the PNG (${near(png, 0xffd966)} px)`);
    assert(near(png, 0xffffff, 2) > png.width * png.height * 0.4, 'a light background');
    await click(page, 'export_bg:dark');
    await click(page, 'export_fit');
    const dark = decodePng(await download(page, 'btn:Download PNG'));
    assert(Math.abs(dark.width / dark.height - 16 / 9) < 0.02, `16:9 fit: ${dark.width} x ${dark.height}`);
    assert(near(dark, 0x121417, 3) > dark.width * dark.height * 0.4, 'a dark background');
    await click(page, 'btn:Close export');

    // A reload brings the colours, the note, the frame and the label back.
    const saved = JSON.stringify(doc);
    await page.reload();
    await waitReady(page);
    await showBuilder(page);  // open again by itself (it was open), on the saved document
    await waitUi(page, '(u) => u.rects && u.rects.canvas', 'the builder after the reload');
    await page.waitForFunction((n) => JSON.parse(window.netforgeBuilder.doc()).nodes.length === n, doc.nodes.length,
      { timeout: 15000 }).catch(() => {});
    const back = await builderDoc(page);
    c = back.nodes.find((n) => n.id === conv.id);
    assert(c && c.color === '#ffd966' && c.note === 'Learns edges and colours', `after a reload the layer keeps its colour and note: ${JSON.stringify(c)}`);
    const backKinds = (back.annotations || []).map((a) => `${a.kind}:${a.text}`).join(', ');
    assert(backKinds === kinds, `after a reload the frame and label are back: ${backKinds}`);
    assert(JSON.stringify(back) === saved, 'after a reload the document is the one left (positions included)');
    await screenshot(page, 'builder-diagram-reloaded');
    await rect(page, 'frame:Feature extractor');
    await rect(page, 'label:CIFAR-10 classifier');
  });

  t.test('templates open readable at 1280 x 800: whole when columns allow, else from the input; no box over another', {
    timeout: 240000, context: { viewport: { width: 1280, height: 800 } },
  }, async ({ page, url }) => {
    await openBuilder(page, url);
    for (const [query, name, whole] of [['CIFAR', 'CIFAR-10 CNN', true], ['Transformer', 'Transformer encoder classifier', true],
      ['U-Net', 'U-Net (small)', false], ['ResNet', 'ResNet-18', false]]) {
      await pickTemplate(page, query, name);
      await page.mouse.move(5, 5);
      await frames(page, 3);
      const doc = await builderDoc(page);
      const ui = await builderUi(page);
      const shot = decodePng((await screenshot(page, `builder-template-${query.toLowerCase()}`)).png);
      if (whole) {
        await readableOnScreen(ui, doc, shot, name);
      } else {  // too long for one screen at a readable size: its first layers, readable
        assert(ui.text_px >= 11, `${name}: box text ${ui.text_px} px high`);
        const input = ui.rects[`node:${doc.nodes[0].name}`];
        assert(input && input[1] >= ui.rects.canvas[1], `${name}: starts at its input (${JSON.stringify(input)})`);
      }
    }
  });

  t.test('Layered: the document as visualkeras-style boxes in the builder, rebuilt after an edit; SVG export', {
    timeout: 240000, context: { viewport: { width: 1280, height: 800 } },
  }, async ({ page, url }) => {
    await openBuilder(page, url);
    await pickTemplate(page, 'CIFAR', 'CIFAR-10 CNN');
    const doc = await builderDoc(page);
    await click(page, 'picture:Layered');
    await waitUi(page, "(u) => u.picture.view === 'layered' && !u.picture.busy && u.picture.boxes > 0", 'the layered picture');
    let ui = await builderUi(page);
    assert(ui.picture.error === '', `no error: ${ui.picture.error}`);
    // Activations fold into the layer before them, as for ONNX models: fewer boxes than layers.
    assert(ui.picture.boxes >= 5 && ui.picture.boxes < doc.nodes.length,
      `one box per layer, activations folded: ${ui.picture.boxes} boxes for ${doc.nodes.length} layers`);
    await page.mouse.move(5, 5);
    await frames(page, 2);
    const shot = (await screenshot(page, 'builder-layered')).png;
    const st = imageStats(shot);
    assert(st.colors > 100, `a picture, not a blank canvas: ${JSON.stringify(st)}`);

    // Hover a box: the tooltip's facts are published; a click selects that layer in the builder.
    const spot = ui.picture.hotspots.find((h) => h[3] > 6 && h[4] > 6 && h[0] > 0);
    assert(spot, `a box on screen: ${JSON.stringify(ui.picture.hotspots)}`);
    await page.mouse.move(spot[1] + 3, spot[2] + spot[4] / 2);
    await waitUi(page, `(u) => u.picture.hover_layer === ${spot[0]} && !!u.picture.hover`, 'the hovered box');
    ui = await builderUi(page);
    const hover = ui.picture.hover;
    const node = doc.nodes.find((n) => n.name === hover.name);
    assert(node && hover.type.startsWith(node.type) && /×/.test(hover.shape) && hover.params >= 0,
      `the tooltip names the layer, its type, output shape and params: ${JSON.stringify(hover)}`);
    await screenshot(page, 'builder-layered-hover');
    await clickAt(page, spot[1] + 3, spot[2] + spot[4] / 2);
    await waitUi(page, `(u) => u.selection.length === 1 && u.selection[0] === ${JSON.stringify(node.name)}`, 'the clicked layer selected');

    // An edit (a layer added after the last one) rebuilds the picture.
    const before = ui.picture.boxes;
    await click(page, 'search');
    await page.keyboard.type('Linear', { delay: 5 });
    await frames(page, 2);
    await click(page, 'add:Linear');
    await waitUi(page, `(u) => !u.picture.busy && u.picture.boxes === ${before + 1}`, 'the picture after the edit');

    // The picture's own SVG export says which view it is.
    const svg = (await download(page, 'picture_svg')).toString('utf8');
    assert(svg.includes('data-netforge-view="layered"'), 'the SVG root names the layered view');
    assert((svg.match(/class="layer"/g) || []).length === before + 1, 'one group per box in the SVG');

    // The legend with dims: each layer type with its output shape, in the export too.
    await click(page, 'legend_dims');
    await waitUi(page, "(u) => !u.picture.busy && u.picture.boxes > 0", 'the picture with dims');
    const dims = (await download(page, 'picture_svg')).toString('utf8');
    assert(/class="legend-entry"[^>]*data-dims="1×32×32×32"/.test(dims) || /data-dims="1×\d+×\d+×\d+"/.test(dims),
      'the legend lists shapes');

    // Back: the editable diagram.
    await click(page, 'picture:Diagram');
    await waitUi(page, "(u) => u.picture.view === 'diagram' && u.rects && u.rects.canvas", 'the diagram again');
  });

  t.test('Neurons: a builder MLP as circles per layer with +M, hover and click; a CNN says what it left out', {
    timeout: 240000, context: { viewport: { width: 1280, height: 800 } },
  }, async ({ page, url }) => {
    await openBuilder(page, url);
    await pickTemplate(page, 'MLP', 'MLP');
    const doc = await builderDoc(page);
    await click(page, 'picture:Neurons');
    await waitUi(page, "(u) => u.picture.view === 'neurons' && u.picture.neuron_layers > 0", 'the neurons picture');
    let ui = await builderUi(page);
    const linear = doc.nodes.filter((n) => n.type === 'Linear').length;
    assert(ui.picture.error === '' && ui.picture.neuron_layers === linear + 1,
      `a column per Linear layer plus the input: ${ui.picture.neuron_layers} for ${linear} Linear layers (${ui.picture.error})`);
    assert(/dense layers/.test(ui.picture.caption), `the caption counts the dense layers: ${ui.picture.caption}`);
    // The app's dark theme: the picture is on dark paper.
    assert(ui.picture.dark && ui.picture.background === 0x121417, `dark paper: ${ui.picture.background}`);
    await page.mouse.move(5, 5);
    await frames(page, 2);
    const shot = decodePng((await screenshot(page, 'builder-neurons')).png);
    const r = ui.rects.picture_canvas;
    const inCanvas = { ...shot, pixels: shot.pixels };
    const count = (rgb) => nearIn(inCanvas, rgb, r);
    const green = count(0x7fbf7f), blue = count(0x6f9fd8), orange = count(0xe88a6a);
    assert(green > 300 && blue > 600 && orange > 150,
      `circles: input green ${green}, hidden blue ${blue}, output orange ${orange} pixels`);
    const dark = count(0x121417);
    assert(dark > r[2] * r[3] * 0.3, `on the dark paper: ${dark} pixels`);

    // The SVG names its view and truncates the 784 inputs with "+773".
    let svg = (await download(page, 'picture_svg')).toString('utf8');
    assert(svg.includes('data-netforge-view="neurons"'), 'the SVG root names the neurons view');
    assert(svg.includes('>+773</text>'), 'the 784 inputs truncated with +773');

    // Hover a hidden column: its layer's facts; click: the layer is selected in the builder.
    const hidden = ui.picture.hotspots.find((h) => h[0] > 0 && h[4] > 40);
    await page.mouse.move(hidden[1] + hidden[3] / 2, hidden[2] + 40);
    await waitUi(page, `(u) => u.picture.hover_layer === ${hidden[0]} && !!u.picture.hover`, 'a hovered neuron layer');
    ui = await builderUi(page);
    assert(ui.picture.hover.type.startsWith('Linear') && /^1×\d+$/.test(ui.picture.hover.shape) && ui.picture.hover.params > 0,
      `the tooltip: ${JSON.stringify(ui.picture.hover)}`);
    await screenshot(page, 'builder-neurons-hover');
    await clickAt(page, hidden[1] + hidden[3] / 2, hidden[2] + 40);
    await waitUi(page, `(u) => u.selection.length === 1 && u.selection[0] === ${JSON.stringify(ui.picture.hover.name)}`,
      'the clicked layer selected');

    // An edit: one more Linear layer after the output layer (selected with a click on
    // its column, as "+" adds after the selection), one more column.
    const before = ui.picture.neuron_layers;
    const last = ui.picture.hotspots[ui.picture.hotspots.length - 1];
    await clickAt(page, last[1] + last[3] / 2, last[2] + Math.min(40, last[4] / 2));
    const output = doc.nodes[doc.nodes.length - 1].name;
    await waitUi(page, `(u) => u.selection.length === 1 && u.selection[0] === ${JSON.stringify(output)}`, 'the output layer selected');
    await click(page, 'search');
    await page.keyboard.type('Linear', { delay: 5 });
    await frames(page, 2);
    await click(page, 'add:Linear');
    await waitUi(page, `(u) => u.picture.neuron_layers === ${before + 1}`, 'one more neuron layer after the edit');
    svg = (await download(page, 'picture_svg')).toString('utf8');
    assert((svg.match(/class="neuron-layer"/g) || []).length === before + 1, 'the SVG has the new layer too');

    // A CNN: its convolutions as boxes, the dense part as neurons, and what was left out.
    await pickTemplate(page, 'CIFAR', 'CIFAR-10 CNN');
    await waitUi(page, "(u) => u.picture.view === 'neurons' && u.picture.neuron_layers > 0 && u.picture.boxes > 0", 'a CNN as neurons');
    ui = await builderUi(page);
    assert(ui.picture.boxes >= 5 && /Left out: \d+ layers? \(.*Conv2d/.test(ui.picture.caption),
      `the caption says what it shows and leaves out: ${ui.picture.caption}`);
    await frames(page, 3);
    await screenshot(page, 'builder-neurons-cnn');
  });
}
