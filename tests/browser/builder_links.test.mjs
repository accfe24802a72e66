// tests/browser/builder_links.test.mjs - share links that must not hurt: a small link
// that unpacks to hundreds of megabytes is refused at once and removed from the address
// bar; a link from a newer NetForge says so; long non-ASCII passwords are used whole and
// NFKC-normalised; results show without the user touching the mouse.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { dropFiles, waitReady } from './lib.mjs';
import { addFromPicker, assert, builderDoc, click, frames, openBuilder, rect, waitUi } from './builder_lib.mjs';

// Types any characters, as a keyboard with them (or an input method) does: a key event
// carrying the text, which the app receives as text input. (page.keyboard.type sends
// characters missing from the US layout as an IME commit, which only editable HTML
// elements receive, not the app's canvas.)
async function typeUnicode(page, text) {
  const cdp = await page.context().newCDPSession(page);
  for (const ch of text) {
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: ch, text: ch, unmodifiedText: ch });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: ch });
  }
  await cdp.detach();
  await frames(page, 2);
}

const link = (url, fragment) => `${url}?sample=0#${fragment}`;
const plainFragment = (text) => `nf1.${zlib.deflateRawSync(Buffer.from(text)).toString('base64url')}`;

export default function register(t) {
  t.test('a link that unpacks to 128 MiB is refused quickly and cleared; the heap stays small', async ({ page, url }) => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(128 << 20, 0x20), { level: 9 });
    const fragment = `nf1.${bomb.toString('base64url')}`;
    assert(fragment.length < 400000, `the link is small (${fragment.length} characters)`);
    const started = Date.now();
    await page.goto(link(url, fragment));
    await waitReady(page);
    await waitUi(page, (u) => /more than 64 MiB/.test(u.share_message), 'the refusal', 20000);
    const seconds = (Date.now() - started) / 1000;
    const state = await page.evaluate(() => ({ hash: location.hash, heap: window.Module.HEAPU8.length }));
    assert(state.hash === '', `the bad fragment left the address bar (${state.hash.slice(0, 40)})`);
    // The 128 MiB never reach the app: its memory stays near the 64 MB it starts with.
    assert(state.heap <= 100 << 20, `the wasm heap stayed small (${(state.heap / 1048576).toFixed(0)} MiB)`);
    assert(seconds < 15, `refused in ${seconds.toFixed(1)} s`);
    assert((await builderDoc(page)).nodes.length === 0, 'nothing was opened');
  });

  t.test('links from a newer NetForge say so', async ({ page, url }) => {
    await page.goto(link(url, 'nf2.AAAAAAAA'));
    await waitReady(page);
    await waitUi(page, (u) => /newer NetForge \(link format 2\)/.test(u.share_message), 'the newer-format message');
    const compact = JSON.stringify({ v: 4, n: 'Future', l: [['Input', 0, 0, 0, 0, 0]] });
    await page.goto('about:blank');  // a new page load, not a jump within the same page
    await page.goto(link(url, plainFragment(compact)));
    await waitReady(page);
    await waitUi(page, (u) => /newer NetForge \(document version 4\)/.test(u.share_message), 'the newer-document message');
  });

  t.test('a 70-character non-ASCII password is used whole; an NFKC-equivalent one opens the link', {
    timeout: 180000,
  }, async ({ page, url }) => {
    await openBuilder(page, url);
    await addFromPicker(page, 'Input', 'Input');
    await addFromPicker(page, 'Flatten', 'Flatten');
    const original = await builderDoc(page);
    const composed = 'é'.repeat(69) + 'ö';                 // U+00E9 ... U+00F6: 140 bytes of UTF-8
    const decomposed = 'e\u0301'.repeat(69) + 'o\u0308';  // the same password, keyed in as combining marks
    const wrongEnd = 'é'.repeat(69) + 'ü';                // differs only in the 70th character
    assert(composed.normalize('NFKC') === decomposed.normalize('NFKC') && composed !== decomposed, 'test passwords');
    await click(page, 'share_password');
    await typeUnicode(page, composed);
    await click(page, 'btn:Copy share link');
    await page.waitForFunction(() => location.hash.startsWith('#nf1e.'), null, { timeout: 30000 });
    await click(page, 'btn:New');
    await page.reload();
    await waitReady(page);
    await rect(page, 'unlock_password', 15000);
    await typeUnicode(page, wrongEnd);
    await page.keyboard.press('Enter');
    await waitUiText(page, /Wrong password/, 'a wrong 70th character is a wrong password');
    await typeUnicode(page, decomposed);
    await page.keyboard.press('Enter');
    // No mouse and no keys from here: the decrypted model's question shows by itself.
    await rect(page, 'btn:Open shared model', 60000);
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => JSON.parse(window.netforgeBuilder.doc()).nodes.length === n,
      original.nodes.length, { timeout: 10000 });
    assert(JSON.stringify((await builderDoc(page)).nodes) === JSON.stringify(original.nodes), 'the model came back');
  });

  t.test('a dropped document shows its question without the mouse moving', async ({ page, url }) => {
    await openBuilder(page, url);
    await click(page, 'canvas');  // out of the search field, whose blinking cursor keeps frames coming
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-drop-'));
    try {
      const file = path.join(dir, 'tiny.netforge.json');
      fs.writeFileSync(file, JSON.stringify({ format: 'netforge-builder', version: 1, name: 'Tiny',
        nodes: [{ id: 1, type: 'Input', name: 'input_1', pos: [0, 0] }], edges: [] }));
      await page.waitForTimeout(2500);  // the app has gone idle: it draws only when asked
      const framesBefore = await page.evaluate(() => window.netforgeStatus.frames);
      await frames(page, 10);
      assert(await page.evaluate(() => window.netforgeStatus.frames) === framesBefore, 'the app is idle');
      await dropFiles(page, [file]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await rect(page, 'btn:Open shared model', 10000);
  });
}

// The unlock popup's message (published with the widget rectangles as unlock_error).
async function waitUiText(page, re, what) {
  await waitUi(page, `(u) => ${re}.test(u.unlock_error)`, what, 60000);
}
