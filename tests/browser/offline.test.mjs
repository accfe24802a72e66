// tests/browser/offline.test.mjs - after one visit the site works with no network:
// the service worker serves every file from its cache, the app starts, and files
// can still be opened. Also checks the site is installable (manifest + icons).
import path from 'node:path';
import { assert, CORPUS, dropFiles, screenshot, startServer, waitDrawn, waitReady } from './lib.mjs';

export default function register(t) {
  t.test('works offline after one visit', async ({ page, context }) => {
    // A server of its own, so the test can really take the network away.
    const server = await startServer();
    try {
      await page.goto(server.url);
      await waitDrawn(page, 'sample.onnx');
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000, polling: 100 });
    } finally {
      await server.stop();
    }
    await context.setOffline(true);
    const probe = await page.evaluate(() => fetch('not-in-the-cache.txt').then(() => 'online', () => 'offline'));
    assert(probe === 'offline', `the network is really gone (${probe})`);

    await page.reload();
    await waitReady(page);
    await waitDrawn(page, 'sample.onnx');
    await dropFiles(page, [path.join(CORPUS, 'light/light_bvlc_alexnet.onnx')]);
    await waitDrawn(page, 'light_bvlc_alexnet.onnx');
    await page.goto(`${server.url}?sample=0`);  // another URL of the app, same cache
    await waitReady(page);
    await screenshot(page, 'offline');
  });

  t.test('is installable: manifest with name, standalone display and icons', async ({ page, url }) => {
    await page.goto(url);
    await waitReady(page);
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector('link[rel=manifest]').href;
      const m = await (await fetch(href)).json();
      const icons = [];
      for (const icon of m.icons) {
        const r = await fetch(new URL(icon.src, href));
        icons.push({ src: icon.src, sizes: icon.sizes, ok: r.ok, type: r.headers.get('content-type') });
      }
      return { name: m.name, display: m.display, start_url: m.start_url, icons };
    });
    assert(manifest.name === 'NetForge' && manifest.display === 'standalone', JSON.stringify(manifest));
    assert(manifest.icons.some((i) => i.sizes === '512x512' && i.ok && i.type === 'image/png'), 'a 512 px PNG icon');
    assert(manifest.icons.some((i) => i.sizes === '192x192' && i.ok && i.type === 'image/png'), 'a 192 px PNG icon');
    // Chromium's own verdict on installability, through the DevTools protocol.
    const cdp = await page.context().newCDPSession(page);
    // Test contexts are incognito-like, which Chromium reports on its own ("in-incognito").
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    const siteErrors = installabilityErrors.filter((e) => e.errorId !== 'in-incognito');
    assert(siteErrors.length === 0, `Chromium says installable: ${JSON.stringify(siteErrors)}`);
  });
}
