// tests/browser/overlay.test.mjs - "Colour by" in the graph view: switching to MACs
// recolours the boxes and frames and shows a legend with the scale; a Model Explorer
// node-data JSON file loaded through the chooser colours the nodes it names with its
// thresholds; a broken file is a clear message, not a crash; the SVG and PNG exports
// carry the overlay and its legend.
//
// ResNet-50 from the corpus (light/light_resnet50.onnx, 415 nodes named n0..n414).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assert, decodePng, pixelDifference, screenshot } from './lib.mjs';
import { clickUi, openModel, waitGraph } from './graph_lib.mjs';

const RESNET = 'light/light_resnet50.onnx';
const settled = (what) => new Function('g', `return g.stage === 'ready' && g.grouped && !g.grouped.animating${what ? ` && (${what})` : ''};`);

// The colour of the screenshot at page point (x, y) as [r, g, b].
function pixelAt(png, x, y) {
  const img = decodePng(png);
  const o = (Math.round(y) * img.width + Math.round(x)) * img.channels;
  return [img.pixels[o], img.pixels[o + 1], img.pixels[o + 2]];
}

// How many pixels of the screenshot are close to `rgb`.
function countColour(png, [r, g, b], tolerance = 12) {
  const img = decodePng(png);
  let n = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    const o = i * img.channels;
    if (Math.abs(img.pixels[o] - r) <= tolerance && Math.abs(img.pixels[o + 1] - g) <= tolerance &&
        Math.abs(img.pixels[o + 2] - b) <= tolerance) n++;
  }
  return n;
}

async function loadNodeData(page, file) {
  await clickUi(page, 'color_by');
  const chooser = page.waitForEvent('filechooser');
  await clickUi(page, 'color_load');
  await (await chooser).setFiles(file);
}

export default function register(t) {
  t.test('overlay: colour by MACs, legend, node-data file', { timeout: 120000 }, async ({ page, url }) => {
    await openModel(page, url, RESNET);
    let g = await waitGraph(page, settled(), 'grouped');
    // Every group closed: a few group boxes (whose colour is their subtree's aggregate).
    await clickUi(page, 'groups');
    await clickUi(page, 'collapse_all');
    await page.keyboard.press('Escape');
    // First sight opens at a readable zoom at the inputs (issue 16): 0 shows every box.
    await waitGraph(page, settled('g.grouped.frames === 0'), 'collapsed');
    await page.keyboard.press('0');
    await page.waitForTimeout(400);  // the camera fits the smaller scene
    g = await waitGraph(page, settled('g.grouped.frames === 0 && g.grouped.boxes.length >= 3'), 'group boxes on screen');
    assert(g.overlay && g.overlay.color_by === 'category' && !g.overlay.active, `category colours first: ${JSON.stringify(g.overlay)}`);
    const before = await screenshot(page, 'overlay-category');
    const [, bx, by] = g.grouped.boxes[0];
    const headerBefore = pixelAt(before.png, bx + 4, by + 4);

    // Colour by MACs: the legend appears, the boxes take the scale's colours.
    await clickUi(page, 'color_by');
    await clickUi(page, 'color_macs');
    await page.keyboard.press('Escape');
    g = await waitGraph(page, settled('g.overlay.active && g.overlay.color_by === "macs" && g.ui.legend'), 'coloured by MACs');
    assert(g.overlay.title === 'MACs (sum per group)', `legend title: ${g.overlay.title}`);
    assert(g.overlay.entries.length >= 3 && g.overlay.entries.at(-1)[1].includes('no value'),
      `legend entries low to high, then "no value": ${JSON.stringify(g.overlay.entries)}`);
    assert(g.overlay.colored > 3, `boxes coloured: ${g.overlay.colored}`);
    await page.waitForTimeout(300);
    const macs = await screenshot(page, 'overlay-macs');
    assert(pixelDifference(before.png, macs.png) > 0.003, 'the picture changed');
    const headerAfter = pixelAt(macs.png, bx + 4, by + 4);
    assert(headerAfter.some((c, i) => Math.abs(c - headerBefore[i]) > 20),
      `the first group box's header changed colour: ${headerBefore} -> ${headerAfter}`);
    // The legend's swatches are on screen in the scale's colours.
    const top = g.overlay.entries[g.overlay.entries.length - 2][0];
    const rgb = [1, 3, 5].map((k) => parseInt(top.slice(k, k + 2), 16));
    assert(countColour(macs.png, rgb) > 20, `the legend's top colour ${top} is drawn`);

    // The SVG export carries the overlay and its legend.
    await clickUi(page, 'export');
    const download = page.waitForEvent('download');
    await clickUi(page, 'save_svg');
    const svg = fs.readFileSync(await (await download).path(), 'utf8');
    assert(svg.includes('class="legend"') && svg.includes('MACs (sum per group)'), 'the SVG has the legend');
    assert(svg.includes(`fill="${top}"`), `the SVG uses the scale's colours (${top})`);
    // The PNG too: the boxes and the legend band below the graph in the scale's colours.
    const pngDownload = page.waitForEvent('download', { timeout: 60000 });
    await clickUi(page, 'save_png');
    const exported = fs.readFileSync(await (await pngDownload).path());
    fs.writeFileSync(path.join(path.dirname(macs.file), 'overlay-export.png'), exported);
    assert(countColour(exported, rgb, 3) > 100, `the exported PNG shows ${top}`);
    await page.keyboard.press('Escape');

    // A node-data file: values by node name, thresholds; n0 (the first Conv) is red.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-overlay-'));
    const good = path.join(dir, 'latency.json');
    const results = {};
    for (let i = 0; i < 415; i++) results[`n${i}`] = { value: i === 0 ? 50 : 1 };
    fs.writeFileSync(good, JSON.stringify({ results, thresholds: [{ value: 5, bgColor: '#2060ff' }, { value: 100, bgColor: '#ff2020' }] }));
    await loadNodeData(page, good);
    await page.keyboard.press('Escape');
    g = await waitGraph(page, settled('g.overlay.active && g.overlay.color_by === "data"'), 'coloured by the file');
    assert(g.overlay.file === 'latency.json' && g.overlay.title.startsWith('latency.json'), JSON.stringify(g.overlay));
    assert(g.overlay.entries.some((e) => e[0] === '#ff2020') && g.overlay.entries.some((e) => e[0] === '#2060ff'),
      `the file's thresholds are the legend: ${JSON.stringify(g.overlay.entries)}`);
    await page.waitForTimeout(300);
    const data = await screenshot(page, 'overlay-node-data');
    assert(countColour(data.png, [0x20, 0x60, 0xff]) > 200, 'boxes in the low threshold colour');

    // A broken file: a message, the last colouring stays, the page works.
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{"results": {"n0": {"value": ');
    await loadNodeData(page, broken);
    g = await waitGraph(page, (x) => x.overlay && x.overlay.error.includes('not valid JSON'), 'the error shown');
    assert(g.overlay.error.startsWith('broken.json'), `names the file: ${g.overlay.error}`);
    await screenshot(page, 'overlay-broken-file');
    await page.keyboard.press('Escape');
    assert(g.overlay.color_by === 'data' && g.overlay.active, 'the loaded file still colours the graph');
    // Back to the usual look.
    await clickUi(page, 'color_by');
    await clickUi(page, 'color_category');
    await page.keyboard.press('Escape');
    g = await waitGraph(page, settled('!g.overlay.active && !g.ui.legend'), 'category colours again');
  });
}
