// tests/browser/lib.mjs - shared helpers for the browser suites: the static server,
// Chromium (Debian's /usr/bin/chromium driven by playwright-core; never a browser
// download), waiting on window.netforgeStatus, dropping files, and PNG checks.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SITE = process.env.NETFORGE_SITE || path.join(ROOT, 'build-web/site');
export const CORPUS = process.env.NETFORGE_CORPUS || path.resolve(ROOT, '../shared/corpus/onnx');
export const SHOTS = process.env.NETFORGE_SHOTS || path.join(ROOT, 'build-web/screenshots');
export const CHROMIUM = process.env.NETFORGE_CHROMIUM || '/usr/bin/chromium';

// Flags from /work/shared/TOOLCHAIN.md: WebGL2 on SwiftShader, no background traffic.
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

// Starts scripts/serve.py on a free loopback port; resolves to { url, stop }.
export function startServer(dir = SITE) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [path.join(ROOT, 'scripts/serve.py'), '--dir', dir, '--port', '0'], {
      env: { ...process.env, NETFORGE_SERVE_QUIET: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error('serve.py did not start within 10 s')), 10000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          stop: () => new Promise((done) => { child.once('exit', done); child.kill('SIGTERM'); }),
        });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve.py exited (${code}): ${out}`)); });
  });
}

export const status = (page) => page.evaluate(() => window.netforgeStatus);

// Waits until `predicate(window.netforgeStatus)` holds; on timeout the error shows
// the last status, which usually says what went wrong.
export async function waitStatus(page, predicate, what, timeout = 30000) {
  try {
    await page.waitForFunction(`(${predicate.toString()})(window.netforgeStatus || {})`, null,
      { timeout, polling: 50 });
  } catch (e) {
    const last = await page.evaluate(() => JSON.stringify(window.netforgeStatus)).catch(() => '(page gone)');
    throw new Error(`timed out waiting for ${what}; netforgeStatus = ${last}`);
  }
  return status(page);
}

export const waitReady = (page) => waitStatus(page, (s) => s.ready === true, 'ready');
export const waitDrawn = (page, file) =>
  waitStatus(page, new Function('s', `return s.state === 'drawn' && s.file === ${JSON.stringify(file)};`),
    `state "drawn" with ${file}`);

// Drops files on the page the way a user does: dragenter, dragover, drop events
// carrying a DataTransfer with real File objects.
export async function dropFiles(page, filePaths, target = '#canvas') {
  const payload = filePaths.map((p) => ({ name: path.basename(p), b64: fs.readFileSync(p).toString('base64') }));
  await page.evaluate(({ payload, target }) => {
    const dt = new DataTransfer();
    for (const f of payload) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name));
    }
    const el = document.querySelector(target);
    for (const type of ['dragenter', 'dragover', 'drop']) {
      el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, { payload, target });
}

export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  const png = await page.screenshot({ path: file });
  return { file, png };
}

// [PNG] Decodes an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes).
export function decodePng(buf) {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0, height = 0, channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8], colorType = data[9], interlace = data[12];
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
        throw new Error(`unsupported PNG (depth ${depth}, colour type ${colorType}, interlace ${interlace})`);
      }
      channels = colorType === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = v & 0xff;
    }
  }
  return { width, height, channels, pixels: out };
}

// How much is on screen: distinct colours, the share of pixels that differ from the
// most common colour (the background), and the mean luminance (0..1).
export function imageStats(png) {
  const { width, height, channels, pixels } = decodePng(png);
  const counts = new Map();
  let lum = 0;
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    const key = (pixels[o] << 16) | (pixels[o + 1] << 8) | pixels[o + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
    lum += (0.2126 * pixels[o] + 0.7152 * pixels[o + 1] + 0.0722 * pixels[o + 2]) / 255;
  }
  const dominant = Math.max(...counts.values());
  return {
    width, height,
    colors: counts.size,
    nonBackground: 1 - dominant / (width * height),
    meanLuminance: lum / (width * height),
  };
}

// Share of pixels that differ between two same-sized screenshots.
export function pixelDifference(pngA, pngB) {
  const a = decodePng(pngA), b = decodePng(pngB);
  if (a.width !== b.width || a.height !== b.height) return 1;
  let differing = 0;
  for (let i = 0; i < a.width * a.height; i++) {
    const oa = i * a.channels, ob = i * b.channels;
    if (a.pixels[oa] !== b.pixels[ob] || a.pixels[oa + 1] !== b.pixels[ob + 1] || a.pixels[oa + 2] !== b.pixels[ob + 2]) {
      differing++;
    }
  }
  return differing / (a.width * a.height);
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}
