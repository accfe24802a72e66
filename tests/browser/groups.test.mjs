// tests/browser/groups.test.mjs - the hierarchy in the graph view: a model bigger than
// the auto threshold opens as group boxes (first sight), a click on a box opens it
// into a frame, a click on the frame's title closes it again, the view keeps the
// clicked group in place, the Groups menu expands everything / switches to the flat
// graph, and decluttering toggles change what is drawn.
//
// ResNet-50 from the corpus (light/light_resnet50.onnx, 415 nodes, no usable names):
// its groups come from structure alone (repeated bottleneck blocks).
import fs from 'node:fs';
import path from 'node:path';
import { assert, CORPUS, decodePng, imageStats, pixelDifference, screenshot } from './lib.mjs';
import { clickAt, clickUi, openModel, waitGraph } from './graph_lib.mjs';

const RESNET = 'light/light_resnet50.onnx';
const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8'));
const entry = (p) => manifest.files.find((f) => f.path === p);

const settled = (what) => new Function('g', `return g.stage === 'ready' && g.grouped && !g.grouped.animating${what ? ` && (${what})` : ''};`);

export default function register(t) {
  t.test('groups: a big model opens as group boxes; a click opens and closes one', { timeout: 120000 }, async ({ page, url }) => {
    let g = await openModel(page, url, RESNET);
    g = await waitGraph(page, settled(), 'grouped');
    const nodes = entry(RESNET).node_count;
    assert(g.grouped.groups > 3 && g.grouped.repeats >= 2, `groups and repeat classes found: ${JSON.stringify(g.grouped)}`);
    assert(g.nodes < nodes && g.grouped.items === g.nodes && g.nodes <= 200,
      `first sight shows fewer boxes than nodes (${g.nodes} of ${nodes}), at most 200`);
    // First sight opens groups only while the boxes fit the canvas readably (issue 16).
    assert(g.nodes <= 40, `first sight shows what fits the canvas readably: ${g.nodes} boxes`);
    const view = await page.evaluate(() => window.netforgeStatus.view);
    assert(view && view.title_px_min >= 11, `readable: ${JSON.stringify(view)}`);
    const first = await screenshot(page, 'groups-resnet-first-sight');
    assert(imageStats(first.png).colors > 50, 'something is drawn');
    // Collapse everything: only the top-level groups remain, as boxes.
    await clickUi(page, 'groups');
    await clickUi(page, 'collapse_all');
    await page.keyboard.press('Escape');
    // First sight opened at a readable zoom at the inputs (issue 16): 0 shows every box.
    await waitGraph(page, settled('g.grouped.frames === 0'), 'collapsed');
    await page.keyboard.press('0');
    g = await waitGraph(page, settled('g.grouped.frames === 0 && g.grouped.boxes.length >= 3'), 'collapsed to boxes');
    assert(g.nodes < nodes / 4, `a few boxes for ${nodes} nodes: ${g.nodes}`);
    await page.waitForTimeout(400);  // the camera fits the smaller scene
    g = await waitGraph(page, settled('g.grouped.boxes.length >= 3'), 'boxes on screen');
    const collapsed = await screenshot(page, 'groups-resnet-collapsed');

    // Open a group box: it becomes a frame holding its contents.
    const before = g;
    const [name, bx, by, bw, bh] = g.grouped.boxes[0];
    await clickAt(page, bx + bw / 2, by + bh / 2);
    g = await waitGraph(page, settled(`g.grouped.frames === ${before.grouped.frames + 1}`), `"${name}" opened`);
    assert(g.nodes > before.nodes, `more boxes after opening: ${before.nodes} -> ${g.nodes}`);
    assert(g.grouped.reused > 0 || g.grouped.laid_out <= 3,
      `only the changed groups laid out again: ${JSON.stringify(g.grouped)}`);
    assert(g.grouped.toggle_ms > 0 && g.grouped.toggle_ms < 2000, `timed: ${g.grouped.toggle_ms} ms`);
    const title = g.grouped.frame_titles.find((f) => f[0] === name);
    assert(title, `the opened group's frame is on screen with its title "${name}": ${JSON.stringify(g.grouped.frame_titles)}`);
    // The clicked group stays where it was: its frame starts at the box's corner.
    assert(Math.abs(title[1] - bx) < 3 && Math.abs(title[2] - by) < 3,
      `the frame opens where the box was: box ${[bx, by]}, frame ${title.slice(1, 3)}`);
    const opened = await screenshot(page, 'groups-resnet-opened');
    assert(pixelDifference(collapsed.png, opened.png) > 0.005, 'the picture changed');

    // Close it with a click on the frame's title band.
    await clickAt(page, title[1] + 30, title[2] + title[4] / 2);
    g = await waitGraph(page, settled(`g.grouped.frames === ${before.grouped.frames}`), `"${name}" closed`);
    assert(g.nodes === before.nodes, `back to the collapsed view: ${g.nodes} vs ${before.nodes}`);
    assert(g.grouped.boxes.some((b) => b[0] === name), `"${name}" is a box again`);
  });

  t.test('groups: expand all, flat graph, declutter toggles', { timeout: 120000 }, async ({ page, url }) => {
    let g = await openModel(page, url, RESNET);
    g = await waitGraph(page, settled(), 'grouped');
    const firstSight = g.nodes;
    await clickUi(page, 'groups');
    await clickUi(page, 'collapse_all');
    g = await waitGraph(page, settled('g.grouped.frames === 0'), 'everything closed');
    const closed = g.nodes;
    await clickUi(page, 'expand_all');
    g = await waitGraph(page, settled(`g.nodes > ${closed}`), 'everything open');
    const e = entry(RESNET);
    const folded = g.nodes;
    assert(g.grouped.frames === g.grouped.groups - 1, `every group is a frame: ${JSON.stringify(g.grouped)}`);
    await screenshot(page, 'groups-resnet-expanded');
    // Exports carry the frames: SVG elements, and the PNG's tinted frame fills.
    await page.keyboard.press('Escape');
    await clickUi(page, 'export');
    const svgDownload = page.waitForEvent('download');
    await clickUi(page, 'save_svg');
    const svg = fs.readFileSync(await (await svgDownload).path(), 'utf8');
    const svgFrames = (svg.match(/class="frame"/g) || []).length;
    assert(svgFrames === g.grouped.frames, `the SVG has every frame: ${svgFrames} of ${g.grouped.frames}`);
    await clickUi(page, 'scale_quarter');
    const pngDownload = page.waitForEvent('download', { timeout: 60000 });
    await clickUi(page, 'save_png');
    const pngFile = await (await pngDownload).path();
    fs.copyFileSync(pngFile, path.join(path.dirname((await screenshot(page, 'groups-export-dialog')).file), 'groups-export.png'));
    const img = decodePng(fs.readFileSync(pngFile));
    let tinted = 0;
    for (let i = 0; i < img.width * img.height; i++) {
      const o = i * img.channels;
      const [r, gg, b] = [img.pixels[o], img.pixels[o + 1], img.pixels[o + 2]];
      if (Math.min(r, gg, b) > 185 && Math.max(r, gg, b) - Math.min(r, gg, b) >= 8) tinted++;
    }
    assert(tinted > img.width * img.height * 0.05, `the PNG shows the frames' tints: ${tinted} of ${img.width * img.height} pixels`);
    await page.keyboard.press('Escape');
    await clickUi(page, 'groups');
    // Constants shown as their own boxes: more boxes.
    await clickUi(page, 'fold_constants');
    g = await waitGraph(page, settled(`g.nodes > ${folded}`), 'constants drawn');
    assert(g.nodes <= e.node_count + e.inputs.length + e.outputs.length, `at most one box per node: ${g.nodes}`);
    await clickUi(page, 'fold_constants');
    g = await waitGraph(page, settled(`g.nodes === ${folded}`), 'constants folded again');
    // The flat graph: every node, no groups.
    await clickUi(page, 'grouping_flat');
    g = await waitGraph(page, (x) => x.stage === 'ready' && !x.grouped, 'flat');
    assert(g.nodes === e.node_count + e.inputs.length + e.outputs.length, `one box per node when flat: ${g.nodes}`);
    await page.keyboard.press('Escape');
    await clickUi(page, 'groups');
    await clickUi(page, 'grouping_auto');
    await waitGraph(page, settled(`g.nodes === ${firstSight}`), 'grouped again');
  });
}
