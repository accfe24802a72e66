// tests/browser/builder_lib.mjs - driving the Builder window like a user: every edit is
// a mouse or keyboard event at a place found by name in window.netforgeBuilder.ui()
// (the rectangles the app publishes for its widgets, nodes and ports; see
// src/app/view_builder.h). The hook only reads state; nothing here edits through it.
import { assert, waitReady } from './lib.mjs';

// Resolves after `n` animation frames (ImGui reads input once per frame).
export const frames = (page, n = 2) =>
  page.evaluate((n) => new Promise((done) => {
    const step = (k) => (k <= 0 ? done() : requestAnimationFrame(() => step(k - 1)));
    step(n);
  }), n);

export const builderUi = (page) => page.evaluate(() => (window.netforgeBuilder ? window.netforgeBuilder.ui() : null));
export const builderDoc = async (page) => JSON.parse(await page.evaluate(() => window.netforgeBuilder.doc()));
// Waits until the builder's published ui() satisfies `predicate` (a function of ui,
// or its source text; it runs in the page).
export async function waitUi(page, predicate, what, timeout = 15000) {
  try {
    await page.waitForFunction(`(() => { const u = window.netforgeBuilder && window.netforgeBuilder.ui();
      return u && (${predicate})(u); })()`, null, { timeout, polling: 50 });
  } catch (e) {
    throw new Error(`${what}: not seen; ui shows ${JSON.stringify(await builderUi(page).catch(() => null)).slice(0, 600)}`);
  }
}

export const centre = (r) => [r[0] + r[2] / 2, r[1] + r[3] / 2];

// The rectangle [x, y, w, h] of widget `name`, waiting until the app shows it.
export async function rect(page, name, timeout = 10000) {
  try {
    const handle = await page.waitForFunction((name) => {
      const u = window.netforgeBuilder && window.netforgeBuilder.ui();
      return u && u.rects && u.rects[name] ? u.rects[name] : null;
    }, name, { timeout, polling: 50 });
    return await handle.jsonValue();
  } catch (e) {
    const u = await builderUi(page).catch(() => null);
    const names = u && u.rects ? Object.keys(u.rects).join(' ') : '(no ui)';
    throw new Error(`no builder widget "${name}" on screen; shown: ${names}`);
  }
}

// Press and release in separate frames, as a person does.
// (The app reads the events queued before a frame at its start, so one animation
// frame after each step is enough.)
export async function clickAt(page, x, y, modifiers = []) {
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.move(x, y);
  await frames(page, 1);
  await page.mouse.down();
  await frames(page, 1);
  await page.mouse.up();
  await frames(page, modifiers.length ? 1 : 2);
  for (const m of modifiers) await page.keyboard.up(m);
  if (modifiers.length) await frames(page, 1);
}

export async function click(page, name, modifiers = []) {
  const [x, y] = centre(await rect(page, name));
  await clickAt(page, x, y, modifiers);
}

// Clicks the part of widget `name` (a node box) that the canvas shows: a box's rectangle
// is not clipped to the canvas, and a click on its hidden part (under the canvas's edge,
// beside the properties panel) is a click on something else.
export async function clickInCanvas(page, name, modifiers = []) {
  const [x, y, w, h] = await rect(page, name);
  const [cx, cy, cw, ch] = await rect(page, 'canvas');
  const x0 = Math.max(x, cx), x1 = Math.min(x + w, cx + cw), y0 = Math.max(y, cy), y1 = Math.min(y + h, cy + ch);
  if (x1 - x0 < 4 || y1 - y0 < 4) throw new Error(`${name} is not on the canvas (box ${[x, y, w, h]}, canvas ${[cx, cy, cw, ch]})`);
  await clickAt(page, (x0 + x1) / 2, (y0 + y1) / 2, modifiers);
}

// Drags from (x0, y0) to (x1, y1) in `steps` frames with the left button held.
export async function dragBetween(page, [x0, y0], [x1, y1], steps = 5) {
  await page.mouse.move(x0, y0);
  await frames(page, 1);
  await page.mouse.down();
  await frames(page, 1);
  for (let i = 1; i <= steps; ++i) {
    await page.mouse.move(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps);
    await frames(page, 1);
  }
  await frames(page, 1);
  await page.mouse.up();
  await frames(page, 2);
}

// True while the Builder window is open (window.netforgeStatus.panels lists open windows).
export const builderShown = (page) =>
  page.evaluate(() => !!(window.netforgeStatus && (window.netforgeStatus.panels || []).includes('Builder')));

// Opens the Builder window with Ctrl+Shift+B unless it is open already (a reload
// reopens it for who had it open, so a plain toggle could close it).
export async function showBuilder(page) {
  await page.waitForFunction(() => window.netforgeBuilder !== undefined, null, { timeout: 10000 });
  await frames(page, 3);  // the remembered open state is applied on the first frames
  if (!(await builderShown(page))) {
    await page.mouse.click(640, 360);
    await page.keyboard.press('Control+Shift+B');
  }
  await page.waitForFunction(() => (window.netforgeStatus.panels || []).includes('Builder'), null, { timeout: 10000 });
  await rect(page, 'search');
}

// Opens the app with no sample model and the builder on an empty document.
export async function openBuilder(page, url) {
  await page.goto(`${url}?sample=0`);
  await waitReady(page);
  await showBuilder(page);
}

// Fit, pressed twice: the first fits at a readable size (a long model then shows only
// its start, or the selected layer), the second on that view shows the whole model.
export async function fitWhole(page) {
  await click(page, 'btn:Fit');
  await click(page, 'btn:Fit');
}

// New > From template: searches the gallery for `query` and opens template `name`.
export async function pickTemplate(page, query, name) {
  await click(page, 'btn:From template');
  await click(page, 'template_search');
  await page.keyboard.press('Control+a');
  await page.keyboard.type(query, { delay: 5 });
  await frames(page, 3);
  await click(page, `template:${name}`);
  await frames(page, 4);
}

// Types `query` into the picker's search field and clicks the "+" of layer `type`.
// Returns the new node (the one with the highest id).
export async function addFromPicker(page, query, type) {
  const before = (await builderDoc(page)).nodes.length;
  await click(page, 'search');
  await page.keyboard.press('Control+a');
  await page.keyboard.type(query, { delay: 5 });
  await frames(page, 2);
  await click(page, `add:${type}`);
  // The click acts on release, and the document is published at the start of the next
  // frame: on a loaded machine the read can come first, so wait for it (a few frames).
  await page.waitForFunction((n) => JSON.parse(window.netforgeBuilder.doc()).nodes.length === n,
    before + 1, { timeout: 5000, polling: 50 }).catch(() => {});
  const doc = await builderDoc(page);
  if (doc.nodes.length !== before + 1) {
    const u = await builderUi(page);
    assert(false, `the "+" of ${type} added a node (${before} -> ${doc.nodes.length}; ` +
      `status "${u.status}", selection ${JSON.stringify(u.selection)}, search rect ${JSON.stringify(u.rects.search)})`);
  }
  return doc.nodes.reduce((a, n) => (n.id > a.id ? n : a));
}

// Types `text` into parameter field `param` of the selected node and presses Enter.
export async function setParam(page, param, text) {
  await click(page, `param:${param}`);
  await page.keyboard.press('Control+a');
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press('Enter');
  await frames(page, 2);
}

// Drags from `from`'s output port `out` (0: the first, named "out:NAME"; then
// "out:NAME:1"...) to input port `port` of `to` (node names).
export async function connectByDrag(page, from, to, port = 0, out = 0) {
  const a = centre(await rect(page, `out:${from}${out ? `:${out}` : ''}`));
  const b = centre(await rect(page, `in:${to}:${port}`));
  await dragBetween(page, a, b);
}

export { assert };
