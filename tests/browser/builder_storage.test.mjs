// tests/browser/builder_storage.test.mjs - the builder never loses work: an unreadable
// autosave is kept (and downloadable), a failed save says so and keeps the last good
// one, two tabs keep both models, New is undoable, a long pasted document arrives
// whole, and the editor stops at the node limit the loader reads back.
// Widgets are found by name (builder_lib.mjs); the storage is IndexedDB (web/autosave.js).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropFiles, screenshot, waitReady } from './lib.mjs';
import {
  addFromPicker, assert, builderDoc, builderShown, builderUi, click, frames, openBuilder, pickTemplate, rect, waitUi,
} from './builder_lib.mjs';

const LEGACY_KEY = 'netforge.builder.document';  // where NetForge kept the autosave before IndexedDB
const NODE_LIMIT = 20000;                         // src/builder/limits.h kMaxDocumentNodes

// A saved document of `count` nodes: Input, then a chain of ReLUs.
function chainJson(count) {
  const nodes = [], edges = [];
  for (let i = 1; i <= count; ++i) {
    nodes.push({ id: i, type: i === 1 ? 'Input' : 'ReLU', name: i === 1 ? 'input_1' : `relu_${i - 1}`,
      pos: [(i % 100) * 200, Math.floor(i / 100) * 80] });
    if (i > 1) edges.push({ from: i - 1, to: i, port: 0 });
  }
  return JSON.stringify({ format: 'netforge-builder', version: 1, name: 'Chain', nodes, edges });
}

// The text of the autosave ("current" in web/autosave.js's IndexedDB store), or null.
const storedText = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const open = indexedDB.open('netforge-builder');
  open.onsuccess = () => {
    const get = open.result.transaction('documents').objectStore('documents').get('current');
    get.onsuccess = () => { resolve(get.result ? get.result.text : null); open.result.close(); };
    get.onerror = () => reject(get.error);
  };
  open.onerror = () => reject(open.error);
}));

// Waits until the autosave holds what the builder shows.
async function waitSaved(page) {
  for (let i = 0; i < 100; ++i) {
    if (await storedText(page) === await page.evaluate(() => window.netforgeBuilder.doc())) return;
    await page.waitForTimeout(100);
  }
  throw new Error('the autosave never caught up with the builder');
}

async function readDownload(download) {
  const file = await download.path();
  return fs.readFileSync(file, 'utf8');
}

async function reloadBuilder(page) {
  await page.reload();
  await waitReady(page);
  await page.waitForFunction(() => window.netforgeBuilder !== undefined, null, { timeout: 10000 });
}

export default function register(t) {
  t.test('a reload reopens the builder left open, on its document; one closed stays closed', {
    context: { viewport: { width: 1280, height: 800 } },
  }, async ({ page, url }) => {
    await openBuilder(page, url);
    await pickTemplate(page, 'CIFAR', 'CIFAR-10 CNN');
    const doc = await builderDoc(page);
    assert(doc.nodes.length > 8, `the template is open (${doc.nodes.length} layers)`);
    await waitSaved(page);
    await page.reload();
    await waitReady(page);
    // Nobody presses anything: the window comes back with the document on its canvas.
    await page.waitForFunction(() => (window.netforgeStatus.panels || []).includes('Builder'), null, { timeout: 10000 })
      .catch(() => {});
    assert(await builderShown(page), 'the builder is open again after the reload');
    await page.waitForFunction((n) => JSON.parse(window.netforgeBuilder.doc()).nodes.length === n, doc.nodes.length,
      { timeout: 15000 }).catch(() => {});
    const back = await builderDoc(page);
    const layers = (d) => d.nodes.map((n) => `${n.type}:${n.name}`).join(' ');
    assert(layers(back) === layers(doc), `the same layers after the reload: ${layers(back)}`);
    await rect(page, `node:${doc.nodes[0].name}`);
    await screenshot(page, 'builder-reopened');

    // Closed (here by its shortcut), it stays closed over a reload; the document is kept.
    await click(page, 'canvas');
    await page.keyboard.press('Control+Shift+B');
    await page.waitForFunction(() => !(window.netforgeStatus.panels || []).includes('Builder'), null, { timeout: 10000 });
    await page.reload();
    await waitReady(page);
    await page.waitForFunction((n) => JSON.parse(window.netforgeBuilder.doc()).nodes.length === n, doc.nodes.length,
      { timeout: 15000 }).catch(() => {});
    await frames(page, 10);
    assert(!(await builderShown(page)), 'a builder closed before the reload stays closed');
    assert(layers(await builderDoc(page)) === layers(doc), 'the closed builder still holds the document');
  });

  t.test('an unreadable autosave survives reloads untouched, is announced and can be downloaded', async ({ page, url }) => {
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    // An autosave cut short (as a full disk or a crash leaves it), in the storage an
    // older NetForge used: it is moved to IndexedDB once, then read from there.
    const whole = chainJson(3);
    const cut = whole.slice(0, Math.floor(whole.length * 0.6));
    await page.evaluate(([key, text]) => localStorage.setItem(key, text), [LEGACY_KEY, cut]);
    for (let round = 1; round <= 2; ++round) {
      await page.reload();
      await waitReady(page);
      await page.waitForFunction(() => window.netforgeBuilder !== undefined, null, { timeout: 10000 });
      // The builder opens by itself with the notice: nobody had to open it.
      await waitUi(page, (u) => /could not be read/.test(u.notice) && u.kept >= 1, `round ${round}: the notice`);
      assert((await builderDoc(page)).nodes.length === 0, 'nothing of the unreadable save was opened');
    }
    const [download] = await Promise.all([page.waitForEvent('download'), click(page, 'btn:Download kept')]);
    assert(await readDownload(download) === cut, 'the kept copy is the autosave byte for byte');
    // The current save is still the unreadable text: the reloads did not overwrite it.
    const stored = await storedText(page);
    assert(stored === cut, `the autosave is untouched after two reloads (${String(stored).slice(0, 80)})`);
  });

  t.test('a failed save (quota) shows an error and the last good save stays', async ({ page, url }) => {
    await openBuilder(page, url);
    await addFromPicker(page, 'Input', 'Input');
    await addFromPicker(page, 'Flatten', 'Flatten');
    await waitSaved(page);
    // The disk is full from now on: every IndexedDB write fails as a quota error does.
    await page.evaluate(() => {
      IDBObjectStore.prototype.put = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
    });
    await addFromPicker(page, 'Linear', 'Linear');
    await waitUi(page, (u) => /could not be saved/.test(u.notice) && /QuotaExceededError/.test(u.notice), 'the save error');
    await reloadBuilder(page);
    await page.waitForFunction(() => JSON.parse(window.netforgeBuilder.doc()).nodes.length > 0, null, { timeout: 10000 });
    const doc = await builderDoc(page);
    assert(doc.nodes.length === 2, `the last good save (2 nodes) came back (${doc.nodes.length})`);
  });

  t.test('two tabs editing the builder both keep their model', async ({ page, context, url }) => {
    await openBuilder(page, url);
    const other = await context.newPage();
    await openBuilder(other, url);
    // Tabs in turn (a tab in the background gets no animation frames).
    await page.bringToFront();
    await addFromPicker(page, 'Input', 'Input');
    await waitSaved(page);
    await other.bringToFront();
    await addFromPicker(other, 'Linear', 'Linear');
    await waitSaved(other);  // it saved over the first tab's model, which is kept aside
    await waitUi(other, (u) => u.kept >= 1 && u.other_tab === true, 'the second tab hears of the first');
    await addFromPicker(other, 'ReLU', 'ReLU');
    await waitSaved(other);
    await page.bringToFront();
    await waitUi(page, (u) => u.other_tab === true, 'the first tab hears of the second');
    await addFromPicker(page, 'Flatten', 'Flatten');  // the first tab saves last
    await waitSaved(page);
    const first = await builderDoc(page), second = await builderDoc(other);
    await other.close();
    // A fresh page: the latest model opens, the other one is kept and downloadable.
    await reloadBuilder(page);
    await waitUi(page, (u) => u.kept >= 1, 'a kept document');
    const now = await builderDoc(page);
    assert(JSON.stringify(now.nodes) === JSON.stringify(first.nodes), 'the last tab\'s model is open');
    const [download] = await Promise.all([page.waitForEvent('download'), click(page, 'btn:Download kept')]);
    const kept = JSON.parse(await readDownload(download));
    assert(JSON.stringify(kept.nodes) === JSON.stringify(second.nodes),
      `the other tab's model is kept (${kept.nodes.map((n) => n.name)} vs ${second.nodes.map((n) => n.name)})`);
  });

  t.test('New is undoable', async ({ page, url }) => {
    await openBuilder(page, url);
    await addFromPicker(page, 'Input', 'Input');
    await addFromPicker(page, 'Flatten', 'Flatten');
    const before = await builderDoc(page);
    await click(page, 'btn:New');
    assert((await builderDoc(page)).nodes.length === 0, 'New empties the builder');
    await click(page, 'btn:Undo');
    const back = await builderDoc(page);
    assert(JSON.stringify(back.nodes) === JSON.stringify(before.nodes) && back.edges.length === before.edges.length,
      'Undo brings the model back');
  });

  t.test('a pasted document longer than 64 KiB arrives whole', async ({ page, context, url }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
    await openBuilder(page, url);
    const text = chainJson(1200);
    assert(text.length > 100000, `the document is ${text.length} characters`);
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await click(page, 'btn:Open document');
    await click(page, 'btn:Paste from clipboard');
    await waitUi(page, (u) => u.import_chars > 0, 'the pasted text');
    const ui = await builderUi(page);
    assert(ui.import_chars === text.length, `all ${text.length} characters arrived (${ui.import_chars})`);
    await click(page, 'btn:Open');
    await page.waitForFunction(() => JSON.parse(window.netforgeBuilder.doc()).nodes.length === 1200, null, { timeout: 20000 });
  });

  t.test('the editor refuses the node past the limit the loader reads back', { timeout: 180000 }, async ({ page, url }) => {
    await openBuilder(page, url);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-limit-'));
    try {
      const file = path.join(dir, 'full.netforge.json');
      fs.writeFileSync(file, chainJson(NODE_LIMIT));
      await dropFiles(page, [file]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await rect(page, 'btn:Open shared model', 60000);
    await click(page, 'btn:Open shared model');
    await page.waitForFunction((n) => JSON.parse(window.netforgeBuilder.doc()).nodes.length === n, NODE_LIMIT,
      { timeout: 60000 });
    await click(page, 'search');
    await page.keyboard.type('Linear', { delay: 5 });
    await frames(page, 2);
    await click(page, 'add:Linear');
    await waitUi(page, (u) => /at most 20000 nodes/.test(u.status), 'the limit message', 30000);
    assert((await builderDoc(page)).nodes.length === NODE_LIMIT, 'no node was added');
  });
}
