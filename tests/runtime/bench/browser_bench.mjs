// tests/runtime/bench/browser_bench.mjs <kernels_bench_web.js> [args...] - runs the
// kernel benchmark built for the web (run_wasm.sh bench-web) in headless Debian
// Chromium and prints its output. Times there are wall clock (no CPU time in a page).
// playwright-core comes from tests/browser/node_modules (scripts/setup.sh), or from
// the folder named by PLAYWRIGHT_NODE_MODULES.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = process.env.PLAYWRIGHT_NODE_MODULES || path.join(here, '../../browser/node_modules');
const { chromium } = createRequire(path.join(modules, 'noop.js'))('playwright-core');
const [js, ...args] = process.argv.slice(2);
const dir = path.dirname(path.resolve(js)), name = path.basename(js);
const page = `<!doctype html><script>var Module = { arguments: ${JSON.stringify(args)},
  print: (t) => console.log(t), printErr: (t) => console.log(t) };</script><script src="${name}"></script>`;
const server = http.createServer((req, res) => {
  const file = req.url === '/' ? null : path.join(dir, path.basename(req.url));
  if (!file) return res.end(page);
  if (!fs.existsSync(file)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
  fs.createReadStream(file).pipe(res);
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
try {
  const tab = await browser.newPage();
  const done = new Promise((resolve) => tab.on('console', (m) => {
    console.log(m.text());
    if (m.text().startsWith('kernels_bench done')) resolve();
  }));
  tab.on('pageerror', (e) => { console.error(e); process.exitCode = 1; });
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await Promise.race([done, new Promise((_, rej) => setTimeout(() => rej(new Error('timed out')), 600000))]);
  console.log(`(${await browser.version()}, wall clock)`);
} finally {
  await browser.close();
  server.close();
}
