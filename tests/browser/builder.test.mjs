// tests/browser/builder.test.mjs - the model builder: opened from its shortcut, layers
// added by typing in its picker, the generated PyTorch code run by /usr/bin/python3
// (python3-torch) with the expected output shape; the document survives a reload
// (autosave to page storage); share links round-trip offline.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assert, screenshot, startServer, waitReady } from './lib.mjs';
import { centre, click, frames, rect, showBuilder } from './builder_lib.mjs';

const builderState = (page) =>
  page.evaluate(() => (window.netforgeBuilder ? { code: window.netforgeBuilder.code(), ok: window.netforgeBuilder.ok(),
                                                    doc: window.netforgeBuilder.doc() } : null));

async function addLayer(page, name) {
  await page.keyboard.type(name, { delay: 10 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(150);
}

export default function register(t) {
  registerShare(t);
  t.test('canvas: drag moves a node, Delete removes it, Ctrl+Z brings it back', async ({ page, url }) => {
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    await showBuilder(page);
    for (const layer of ['Input', 'Flatten', 'Linear']) await addLayer(page, layer);
    const doc = async () => JSON.parse((await builderState(page)).doc);
    const before = (await doc()).nodes[0];
    const [bx, by] = centre(await rect(page, `node:${before.name}`));
    // As a person does: hover, press, move, release, each seen by a frame of its own
    // (on a loaded machine several events can otherwise land in one frame).
    await page.mouse.move(bx, by);
    await frames(page, 2);
    await page.mouse.down();
    await frames(page, 1);
    for (let i = 1; i <= 10; ++i) { await page.mouse.move(bx + 24 * i, by); await frames(page, 1); }
    await page.mouse.up();
    await frames(page, 2);
    await page.waitForTimeout(200);
    const moved = (await doc()).nodes[0];
    const dx = moved.pos ? moved.pos[0] - before.pos[0] : NaN;
    assert(dx > 150, `input_1 moved right by the drag (${JSON.stringify(before)} -> ${JSON.stringify(moved)})`);
    await page.keyboard.press('Delete');
    await page.waitForTimeout(200);
    assert((await doc()).nodes.length === 2, 'Delete removed the selected node');
    await page.keyboard.press('Control+z');
    await page.waitForTimeout(200);
    const back = await doc();
    assert(back.nodes.length === 3 && back.edges.length === 2, 'Ctrl+Z restored the node and its edge');
    await screenshot(page, 'builder-moved');
  });
  t.test('builds Input -> Flatten -> Linear by keyboard; the PyTorch code runs', async ({ page, url }) => {
    await page.goto(`${url}?sample=0`);
    await waitReady(page);
    await showBuilder(page);
    await addLayer(page, 'Input');
    await addLayer(page, 'Flatten');
    await addLayer(page, 'Linear');
    await page.waitForTimeout(300);
    const state = await builderState(page);
    await screenshot(page, 'builder');
    assert(state.ok, `code generated (${state.code.slice(0, 300)})`);
    const doc = JSON.parse(state.doc);
    assert(doc.nodes.length === 3, `3 nodes in the document (${doc.nodes.length})`);
    assert(state.code.includes('nn.Linear(3072, 64'), 'Linear gets 32*32*3 = 3072 inputs');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-builder-'));
    const file = path.join(dir, 'model.py');
    fs.writeFileSync(file, state.code);
    const out = execFileSync('/usr/bin/python3', [file], { encoding: 'utf8', timeout: 120000 });
    fs.rmSync(dir, { recursive: true, force: true });
    assert(/output \(\d+, 64\)/.test(out), `python prints the output shape (N, 64): ${out}`);

    // Undo removes the Linear; autosave keeps the document across a reload.
    await click(page, 'canvas');  // the keys go to the canvas, not the picker's text field
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+z');
    await page.waitForTimeout(200);
    const undone = JSON.parse((await builderState(page)).doc);
    assert(undone.nodes.length === 2, `undo removed a node (${undone.nodes.length})`);
    await page.reload();
    await waitReady(page);
    await page.waitForFunction(() => window.netforgeBuilder !== undefined, null, { timeout: 10000 });
    // The autosave is read from IndexedDB after start-up: give it a moment.
    let restored = { nodes: [] };
    for (let tries = 0; tries < 100 && restored.nodes.length !== 2; ++tries) {
      if (tries) await page.waitForTimeout(100);
      restored = JSON.parse((await builderState(page)).doc);
    }
    assert(restored.nodes.length === 2, `autosaved document restored (${restored.nodes.length} nodes)`);
  });
}

// Share links, offline: plain and password-protected links made from the toolbar
// restore the document after a reload; a wrong password replaces nothing.
function registerShare(t) {
  t.test('share link round trip, plain and encrypted, offline', async ({ page, context }) => {
    const server = await startServer();
    try {
      await page.goto(`${server.url}?sample=0`);
      await waitReady(page);
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000, polling: 100 });
    } finally {
      await server.stop();
    }
    await context.setOffline(true);
    await showBuilder(page);
    for (const layer of ['Input', 'Flatten', 'Linear']) await addLayer(page, layer);
    const original = JSON.parse((await builderState(page)).doc);
    assert(original.nodes.length === 3, 'built 3 nodes');
    const nodeCount = async () => JSON.parse((await builderState(page)).doc).nodes.length;

    // Plain link.
    await click(page, 'btn:Copy share link');
    await page.waitForFunction(() => location.hash.startsWith('#nf1.'), null, { timeout: 10000 });
    await click(page, 'btn:New');
    await page.waitForTimeout(200);
    assert(await nodeCount() === 0, 'New empties the builder');
    await page.reload();
    await waitReady(page);
    await page.waitForTimeout(800);
    assert(await nodeCount() === 0, 'the autosaved (empty) work is kept until the shared model is accepted');
    await page.keyboard.press('Enter');  // "Open shared model"
    await page.waitForFunction(() => JSON.parse(window.netforgeBuilder.doc()).nodes.length === 3, null, { timeout: 10000 });
    await screenshot(page, 'builder-shared');

    // Encrypted link.
    await click(page, 'share_password');
    await page.keyboard.type('s3cret');
    await click(page, 'btn:Copy share link');
    await page.waitForFunction(() => location.hash.startsWith('#nf1e.'), null, { timeout: 20000 });
    await click(page, 'btn:New');
    await page.waitForTimeout(200);
    await page.reload();
    await waitReady(page);
    await page.waitForTimeout(800);
    await page.keyboard.type('wrong');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(4000);  // PBKDF2 with 600,000 iterations
    await screenshot(page, 'builder-wrong-password');
    assert(await nodeCount() === 0, 'a wrong password replaces nothing');
    await page.keyboard.type('s3cret');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(4000);
    await page.keyboard.press('Enter');  // "Open shared model"
    await page.waitForFunction(() => JSON.parse(window.netforgeBuilder.doc()).nodes.length === 3, null, { timeout: 10000 });
    const restored = JSON.parse((await builderState(page)).doc);
    assert(JSON.stringify(restored.nodes) === JSON.stringify(original.nodes), 'the shared model is the one built');
  });
}
