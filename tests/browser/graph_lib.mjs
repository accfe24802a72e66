// tests/browser/graph_lib.mjs - helpers for tests that drive the graph view through
// window.netforgeGraph (graph_view.cpp publishState): wait for a state, click the
// screen rectangles the view publishes, open a corpus model.
import path from 'node:path';
import { CORPUS, dropFiles, waitDrawn, waitReady } from './lib.mjs';

export const graph = (page) => page.evaluate(() => window.netforgeGraph || {});

export async function waitGraph(page, predicate, what, timeout = 20000) {
  try {
    await page.waitForFunction(`(${predicate.toString()})(window.netforgeGraph || {})`, null, { timeout, polling: 50 });
  } catch (e) {
    const g = await page.evaluate(() => JSON.stringify(window.netforgeGraph)).catch(() => '(page gone)');
    throw new Error(`timed out waiting for ${what}; netforgeGraph = ${g}`);
  }
  return graph(page);
}

// ImGui samples the mouse once per frame: press and release in separate frames.
export async function clickAt(page, x, y) {
  await page.mouse.move(x, y);
  await page.waitForTimeout(60);
  await page.mouse.down();
  await page.waitForTimeout(60);
  await page.mouse.up();
  await page.waitForTimeout(60);
}

export const centre = (r) => [r[0] + r[2] / 2, r[1] + r[3] / 2];

export async function clickUi(page, name) {
  const g = await waitGraph(page, new Function('g', `return !!(g.ui && g.ui[${JSON.stringify(name)}]);`), `control ${name}`);
  const [x, y] = centre(g.ui[name]);
  await clickAt(page, x, y);
}

// Opens a model (a corpus path, or an absolute path) on a fresh page and waits until drawn.
export async function openModel(page, url, rel, query = '?sample=0') {
  const file = path.isAbsolute(rel) ? rel : path.join(CORPUS, rel);
  await page.goto(`${url}${query}`);
  await waitReady(page);
  await dropFiles(page, [file]);
  await waitDrawn(page, path.basename(file));
  return waitGraph(page, (g) => g.stage === 'ready' && g.frames > 0, 'the graph drawn');
}

// Opens `file` through the page's file input (as File > Open does) on a page that is
// ready, and returns the milliseconds from the input's change event to the status
// "drawn" (or "error"), measured in the page.
export async function openTimed(page, file) {
  await page.evaluate(() => {
    document.getElementById('netforge-file').addEventListener('change', () => { window.__nfPicked = performance.now(); }, { once: true });
  });
  await page.setInputFiles('#netforge-file', file);
  await page.waitForFunction((n) => {
    const s = window.netforgeStatus;
    if (s.file === n && (s.state === 'drawn' || s.state === 'error')) {
      window.__nfDrawn = window.__nfDrawn || performance.now();
      return true;
    }
    return false;
  }, path.basename(file), { timeout: 600000, polling: 10 });
  return page.evaluate(() => window.__nfDrawn - window.__nfPicked);
}
