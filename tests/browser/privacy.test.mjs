// tests/browser/privacy.test.mjs - "nothing leaves the page" is enforced by the browser:
// index.html carries a Content-Security-Policy that allows connections to this site
// only. The app still starts under it (wasm compiles, the sample draws, the service
// worker registers), and a fetch to another origin is refused by the policy itself.
import { assert } from './lib.mjs';

// Polls from here (page.waitForFunction would need eval in the page, which the policy forbids).
async function until(page, fn, what, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn).catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export default function register(t) {
  t.test('the Content-Security-Policy lets the app run and blocks other origins', {
    context: { bypassCSP: false },
  }, async ({ page, url }) => {
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await page.goto(url);
    await until(page, () => window.netforgeStatus && window.netforgeStatus.state === 'drawn' &&
      window.netforgeStatus.file === 'sample.onnx', 'the sample drawn under the policy');
    const csp = await page.evaluate(() => {
      const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
      return meta ? meta.content : '';
    });
    assert(/(^|;)\s*connect-src 'self'\s*(;|$)/.test(csp), `connect-src is 'self' only (${csp})`);
    assert(/default-src 'self'/.test(csp), `default-src is 'self' (${csp})`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await until(page, () => navigator.serviceWorker.controller !== null, 'the service worker in control');
    assert(violations.length === 0, `the app itself breaks no rule of the policy: ${violations.join(' | ')}`);

    const probe = await page.evaluate(() => new Promise((resolve) => {
      const seen = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
      fetch('http://127.0.0.2:1/').then(() => resolve({ fetched: true, seen }),
        (e) => setTimeout(() => resolve({ fetched: false, error: String(e), seen }), 300));
    }));
    assert(!probe.fetched, 'the fetch to another origin failed');
    assert(probe.seen.some((v) => v.startsWith('connect-src') && v.includes('127.0.0.2')),
      `the policy refused it, not the network (${JSON.stringify(probe)})`);
  });
}
