// tests/browser/run.mjs - runs every tests/browser/*.test.mjs suite against the
// built site (build-web/site), served by scripts/serve.py on a free loopback port.
//
// A suite module default-exports register(t) and calls t.test(name, [options,] fn).
// Each test gets a fresh browser context (options.context is merged into its
// options: viewport, deviceScaleFactor, ...) and fn({ page, context, url, browser }).
// A test fails if fn throws, times out, or the page throws an uncaught exception.
// Prints one line per test, "<suite>: N passed, N failed" per suite and
// "browser: N passed, N failed" at the end; exits 1 if anything failed.
//
// NETFORGE_BROWSER_FILTER=<text> runs only tests whose "suite: name" contains it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchBrowser, SITE, startServer } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.env.NETFORGE_BROWSER_FILTER || '';
const DEFAULT_TIMEOUT_MS = 90000;

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  if (!fs.existsSync(path.join(SITE, 'index.html'))) {
    console.error(`browser: no site at ${SITE}; run scripts/build-web.sh first`);
    console.log('browser: 0 passed, 1 failed');
    process.exit(1);
  }
  const files = fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort();
  const server = await startServer();
  const browser = await launchBrowser();
  let passed = 0, failed = 0;
  try {
    for (const file of files) {
      const suite = path.basename(file, '.test.mjs');
      const tests = [];
      const mod = await import(pathToFileURL(path.join(here, file)).href);
      mod.default({
        test(name, options, fn) {
          if (typeof options === 'function') [options, fn] = [{}, options];
          tests.push({ name, options, fn });
        },
      });
      let suitePassed = 0, suiteFailed = 0;
      for (const t of tests) {
        if (filter && !`${suite}: ${t.name}`.includes(filter)) continue;
        const started = Date.now();
        // bypassCSP: playwright's waitForFunction compiles its predicate in the page, which
        // the page's Content-Security-Policy (no eval) forbids. privacy.test.mjs runs with
        // the policy on and checks the app works under it.
        const context = await browser.newContext({
          viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1, bypassCSP: true, ...(t.options.context || {}),
        });
        const page = await context.newPage();
        const pageErrors = [];
        page.on('pageerror', (e) => pageErrors.push(e.message));
        try {
          await withTimeout(t.fn({ page, context, url: server.url, browser }),
            t.options.timeout || DEFAULT_TIMEOUT_MS, `"${t.name}"`);
          if (pageErrors.length) throw new Error(`uncaught exception in the page: ${pageErrors[0]}`);
          suitePassed++;
          console.log(`  ok    ${suite}: ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        } catch (e) {
          suiteFailed++;
          console.log(`  FAIL  ${suite}: ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
          console.log(`        ${String(e && e.message || e).split('\n').join('\n        ')}`);
        } finally {
          await context.close().catch(() => {});
        }
      }
      console.log(`${suite}: ${suitePassed} passed, ${suiteFailed} failed`);
      passed += suitePassed;
      failed += suiteFailed;
    }
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
  if (passed + failed === 0) {
    console.error('browser: no test ran');
    failed = 1;
  }
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`browser: the runner failed: ${e && e.stack || e}`);
  console.log('browser: 0 passed, 1 failed');
  process.exit(1);
});
