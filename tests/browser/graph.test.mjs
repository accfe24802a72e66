// tests/browser/graph.test.mjs - the graph view in headless Chromium: a dropped model
// is laid out and drawn (and the picture is a graph), then panned, zoomed, searched,
// clicked; the direction toggle re-lays out and is remembered; a subgraph body opens
// with a breadcrumb back; PNG and SVG exports download valid files.
//
// The view publishes its state as window.netforgeGraph (graph_view.cpp publishState):
// scene size, camera, selection, search, GL counters, and the screen rectangles of its
// controls (ui.*), which these tests click.
import fs from 'node:fs';
import path from 'node:path';
import {
  assert, CORPUS, decodePng, dropFiles, pixelDifference, screenshot, waitDrawn, waitReady, waitStatus,
} from './lib.mjs';
import { clickAt, clickUi, graph, openModel, waitGraph } from './graph_lib.mjs';

const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8'));
const entry = (p) => manifest.files.find((f) => f.path === p);
const INCEPTION = 'light/light_inception_v1.onnx';
const IF_MODEL = 'node/test_if.onnx';

const open = openModel;

// Pixels close to a category's header colour (the boxes), per category.
function categoryPixels(png) {
  const cats = { conv: [0x33, 0x55, 0x88], pooling: [0x33, 0x55, 0x33], activation: [0x70, 0x29, 0x21],
    tensor: [0x6c, 0x4f, 0x47], normalization: [0x2f, 0x6b, 0x5e], io: [0x1f, 0x1f, 0x1f] };
  const { width, height, channels, pixels } = decodePng(png);
  const counts = Object.fromEntries(Object.keys(cats).map((k) => [k, 0]));
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    for (const [k, c] of Object.entries(cats)) {
      if (Math.abs(pixels[o] - c[0]) <= 6 && Math.abs(pixels[o + 1] - c[1]) <= 6 && Math.abs(pixels[o + 2] - c[2]) <= 6) counts[k]++;
    }
  }
  return counts;
}

export default function register(t) {
  t.test('graph: a dropped model is laid out and drawn; the picture is a graph', { timeout: 60000 }, async ({ page, url }) => {
    const g = await open(page, url, INCEPTION);
    const e = entry(INCEPTION);
    const want = e.node_count + e.inputs.length + e.outputs.length;
    assert(g.nodes === want, `one box per node, input and output: want ${want}, got ${g.nodes}`);
    assert(g.edges > e.node_count, `edges drawn: ${g.edges}`);
    assert(g.timings.layout_ms > 0 && g.timings.max_slice_ms < 80,
      `laid out in slices (longest ${g.timings.max_slice_ms} ms): ${JSON.stringify(g.timings)}`);
    const s = await page.evaluate(() => window.netforgeStatus);
    assert(s.state === 'drawn' && s.timings.layout_ms > 0, `status drawn with a layout time: ${JSON.stringify(s.timings)}`);
    const { png } = await screenshot(page, 'graph-inception-fit');
    const c = categoryPixels(png);
    assert(c.conv > 200 && c.pooling > 20 && c.activation > 20,
      `conv, pooling and activation boxes visible in their colours: ${JSON.stringify(c)}`);
  });

  t.test('graph: pans, zooms at the cursor, searches, selects, fits', { timeout: 90000 }, async ({ page, url }) => {
    let g = await open(page, url, INCEPTION);
    const fit = g.zoom;
    const [cx, cy] = [g.canvas[0] + g.canvas[2] / 2, g.canvas[1] + g.canvas[3] / 2 + 40];
    // Zoom at the cursor: the scene point under it stays under it.
    const before = { x: g.origin[0] + (cx - g.canvas[0]) / g.zoom, y: g.origin[1] + (cy - g.canvas[1]) / g.zoom };
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 6; i++) { await page.mouse.wheel(0, -240); await page.waitForTimeout(40); }
    g = await waitGraph(page, new Function('g', `return g.zoom > ${fit} * 2;`), 'zoomed in');
    const after = { x: g.origin[0] + (cx - g.canvas[0]) / g.zoom, y: g.origin[1] + (cy - g.canvas[1]) / g.zoom };
    assert(Math.hypot(after.x - before.x, after.y - before.y) < 8 / g.zoom + 2,
      `zoom keeps the point under the cursor: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    const { png: zoomed } = await screenshot(page, 'graph-inception-zoomed');
    // Drag to pan.
    const origin = g.origin;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) { await page.mouse.move(cx + i * 15, cy + i * 8); await page.waitForTimeout(20); }
    await page.mouse.up();
    g = await waitGraph(page, new Function('g', `return Math.abs(g.origin[0] - ${origin[0]}) > 1;`), 'panned');
    assert(Math.abs((origin[0] - g.origin[0]) * g.zoom - 150) < 20, `pan follows the mouse: ${origin} -> ${g.origin}`);
    const { png: panned } = await screenshot(page, 'graph-inception-panned');
    assert(pixelDifference(zoomed, panned) > 0.01, 'the picture moved');
    // Search (Ctrl+F) over op types and names; Enter goes to the next match.
    await page.keyboard.press('Control+f');
    await waitGraph(page, (x) => x.search_open, 'search open');
    await page.keyboard.type('concat');
    g = await waitGraph(page, (x) => x.matches > 1 && x.match >= 0, 'search matches');
    const first = g.match_name;
    await page.keyboard.press('Enter');
    g = await waitGraph(page, new Function('x', `return x.match_name !== ${JSON.stringify(first)};`), 'the next match');
    await page.waitForTimeout(400);  // the camera glides to the match
    g = await graph(page);
    assert(g.zoom >= 0.5, `zoomed to the match: ${g.zoom}`);
    const { png: found } = await screenshot(page, 'graph-inception-search');
    // Text is drawn close up: many colours from antialiased glyphs.
    const colours = new Set();
    const img = decodePng(found);
    for (let i = 0; i < img.width * img.height; i += 7) colours.add(img.pixels.readUIntBE(i * img.channels, 3));
    assert(colours.size > 200, `text close up (${colours.size} colours)`);
    // The match is centred: a click there selects it. (Escape closes and clears the search.)
    const match = g.match_name;
    await page.keyboard.press('Escape');
    await waitGraph(page, (x) => !x.search_open && x.matches === 0, 'search closed and cleared');
    await clickAt(page, g.canvas[0] + g.canvas[2] / 2, g.canvas[1] + g.canvas[3] / 2);
    g = await waitGraph(page, (x) => x.selected >= 0, 'a node selected');
    assert(g.selected_name === match, `clicked the centred match: ${g.selected_name} vs ${match}`);
    // 0 fits the whole graph again; F brings the selection back.
    await page.keyboard.press('0');
    // (The graph opened at a readable zoom at its inputs, issue 16: Fit shows all of it.)
    g = await waitGraph(page, (x) => x.zoom * x.bounds[0] <= x.canvas[2] + 1 && x.zoom * x.bounds[1] <= x.canvas[3] + 1 &&
      (x.zoom * x.bounds[0] > x.canvas[2] * 0.5 || x.zoom * x.bounds[1] > x.canvas[3] * 0.5), 'fit again');
    const fitted = g.zoom;
    await page.keyboard.press('f');
    await waitGraph(page, new Function('x', `return x.zoom > ${fitted} * 2;`), 'focused on the selection');
    await screenshot(page, 'graph-inception-selected');
  });

  t.test('graph: the direction toggle re-lays out and is remembered', { timeout: 90000 }, async ({ page, url }) => {
    let g = await open(page, url, INCEPTION);
    const tall = g.bounds[1] > g.bounds[0];
    await clickUi(page, 'direction');
    await waitStatus(page, (s) => s.state === 'drawn', 'drawn again');
    g = await waitGraph(page, (x) => x.direction === 'LR' && x.stage === 'ready', 'left to right');
    assert(tall && g.bounds[0] > g.bounds[1], `the graph turned sideways: ${g.bounds}`);
    await screenshot(page, 'graph-inception-lr');
    await page.reload();
    await waitReady(page);
    await dropFiles(page, [path.join(CORPUS, INCEPTION)]);
    await waitDrawn(page, path.basename(INCEPTION));
    g = await waitGraph(page, (x) => x.stage === 'ready', 'drawn after reload');
    assert(g.direction === 'LR', `remembered after reload: ${g.direction}`);
    await clickUi(page, 'direction');
    await waitGraph(page, (x) => x.direction === 'TB' && x.stage === 'ready', 'back to top to bottom');
  });

  t.test('graph: options saved by older versions are read, then kept as JSON', { timeout: 90000 }, async ({ page, url }) => {
    // The positional form older versions wrote ("LR 0 1 0 A 7 1": left to right, names
    // shown), put there only while the page has no saved options yet.
    await page.addInitScript(() => {
      if (!localStorage.getItem('netforge.graph.options')) localStorage.setItem('netforge.graph.options', 'LR 0 1 0 A 7 1');
    });
    let g = await open(page, url, INCEPTION);
    assert(g.direction === 'LR' && g.names && !g.initializers_as_nodes, `the old options apply: ${g.direction} names ${g.names}`);
    const saved = JSON.parse(await page.evaluate(() => localStorage.getItem('netforge.graph.options')));
    assert(saved.direction === 'LR' && saved.names === true && saved.grouping === 'auto' && saved.stubs === true,
      `stored again as JSON: ${JSON.stringify(saved)}`);
    await clickUi(page, 'direction');
    await waitGraph(page, (x) => x.direction === 'TB' && x.stage === 'ready', 'top to bottom');
    await page.reload();
    await waitReady(page);
    await dropFiles(page, [path.join(CORPUS, INCEPTION)]);
    await waitDrawn(page, path.basename(INCEPTION));
    g = await waitGraph(page, (x) => x.stage === 'ready', 'drawn after reload');
    assert(g.direction === 'TB' && g.names, `the JSON options survive a reload: ${g.direction} names ${g.names}`);
  });

  t.test('graph: weights as nodes and expanded subgraphs are options', { timeout: 90000 }, async ({ page, url }) => {
    let g = await open(page, url, INCEPTION);
    const folded = g.nodes;
    await clickUi(page, 'options');
    await clickUi(page, 'initializers');
    g = await waitGraph(page, new Function('x', `return x.stage === 'ready' && x.nodes > ${folded};`), 'initializer boxes');
    assert(g.initializers_as_nodes, 'option on');
    await page.keyboard.press('Escape');
    await clickUi(page, 'options');
    await clickUi(page, 'initializers');
    await waitGraph(page, new Function('x', `return x.stage === 'ready' && x.nodes === ${folded};`), 'folded again');
  });

  t.test('graph: a subgraph opens with a breadcrumb back', { timeout: 90000 }, async ({ page, url }) => {
    let g = await open(page, url, IF_MODEL);
    assert(g.graph === 0 && g.depth === 1, `main graph first: ${JSON.stringify(g)}`);
    // Select the If node (search centres it), then click its first body row.
    await page.keyboard.press('Control+f');
    await page.keyboard.type('If');
    g = await waitGraph(page, (x) => x.matches >= 1, 'If found');
    await page.waitForTimeout(400);
    await clickUi(page, 'search_select');
    g = await waitGraph(page, (x) => x.selected >= 0 && x.selected_rect, 'If selected');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    g = await graph(page);
    const [x, y, w] = g.selected_rect;
    const rowCentre = y + (22 + 2 + 7.5) * g.zoom;  // BoxStyle: header 22, pad 4/2, row 15
    await clickAt(page, x + w / 2, rowCentre);
    g = await waitGraph(page, (v) => v.graph !== 0 && v.depth === 2 && v.stage === 'ready', 'the body open');
    await screenshot(page, 'graph-if-body');
    await clickUi(page, 'crumb0');
    g = await waitGraph(page, (v) => v.graph === 0 && v.depth === 1 && v.stage === 'ready', 'back to the main graph');
    // Inline expansion instead: the bodies' nodes join the main graph.
    const closed = g.nodes;
    await clickUi(page, 'options');
    await clickUi(page, 'expand');
    g = await waitGraph(page, new Function('v', `return v.stage === 'ready' && v.nodes > ${closed};`), 'bodies inline');
    await page.keyboard.press('Escape');
    await clickUi(page, 'options');
    await clickUi(page, 'expand');
    await waitGraph(page, new Function('v', `return v.stage === 'ready' && v.nodes === ${closed};`), 'collapsed');
  });

  t.test('graph: exports a PNG and an SVG of the whole graph', { timeout: 120000 }, async ({ page, url }) => {
    await open(page, url, INCEPTION);
    await clickUi(page, 'export');
    await clickUi(page, 'scale_quarter');
    const svgDownload = page.waitForEvent('download');
    await clickUi(page, 'save_svg');
    const svg = fs.readFileSync(await (await svgDownload).path(), 'utf8');
    assert(svg.startsWith('<?xml') && svg.includes('</svg>') && (svg.match(/<g id="n/g) || []).length > 200,
      `an SVG with a group per box (${svg.length} bytes)`);
    const pngDownload = page.waitForEvent('download', { timeout: 60000 });
    await clickUi(page, 'save_png');
    const file = await (await pngDownload).path();
    const png = fs.readFileSync(file);
    const img = decodePng(png);
    const g = await graph(page);
    assert(Math.abs(img.width - Math.ceil(g.bounds[0] * 0.25 + 16)) <= 2, `PNG width at scale 1/4: ${img.width}`);
    const c = categoryPixels(png);
    assert(c.conv > 50, `the PNG shows conv boxes: ${JSON.stringify(c)}`);
    fs.copyFileSync(file, path.join(path.dirname((await screenshot(page, 'graph-export-dialog')).file), 'graph-export.png'));
  });
}
