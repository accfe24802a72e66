// web/run.js - the page side of the Run panel (src/app/platform_web_run.cpp).
//
// Images are decoded by the browser (createImageBitmap, no colour-space conversion)
// and handed to the app as RGBA pixels; .npy/.pb tensors and labels.txt go over as
// raw bytes. The bytes wait here under an id while _nf_host_run_input allocates
// room in the app and copies them over (readInto); then they are dropped.
'use strict';
(function () {
  // The app decides what a file is (src/document/file_routing.h; web/host.js asks it);
  // the kinds the app's _nf_host_run_input takes: 0 image, 1 tensor, 2 labels.
  const KINDS = { 'run-image': 0, 'run-tensor': 1, 'run-labels': 2 };

  function reportError(message) {
    window.Module.ccall('nf_host_error', null, ['string'], [message]);
  }

  const pending = new Map();  // id -> Uint8Array, only during send()
  let nextId = 1;

  // Hands bytes to the app; false (with a message) if it refused them.
  function send(kind, name, bytes, width, height, isDefault) {
    const id = nextId++;
    pending.set(id, bytes);
    try {
      const taken = window.Module.ccall('nf_host_run_input', 'number',
        ['number', 'string', 'number', 'number', 'number', 'number', 'number'],
        [kind, name, id, bytes.byteLength, width, height, isDefault ? 1 : 0]);
      if (!taken) reportError(`${name}: the Run panel could not take this input (${bytes.byteLength} bytes; at most 1 GiB)`);
      return !!taken;
    } finally {
      pending.delete(id);
    }
  }

  // Called by the app (nf_js_run_read): copies file `id` to wasm address dst.
  function readInto(id, heap, dst, n) {
    const bytes = pending.get(id);
    if (!bytes || n !== bytes.byteLength) return false;
    heap.set(bytes, dst >>> 0);
    return true;
  }

  const MAX_SIDE = 16384;
  async function decodeImage(file) {
    const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    try {
      if (bitmap.width > MAX_SIDE || bitmap.height > MAX_SIDE) {
        throw new Error(`the image is ${bitmap.width}x${bitmap.height}; at most ${MAX_SIDE} pixels a side`);
      }
      const canvas = typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(bitmap.width, bitmap.height)
        : Object.assign(document.createElement('canvas'), { width: bitmap.width, height: bitmap.height });
      const g = canvas.getContext('2d', { willReadFrequently: true });
      g.drawImage(bitmap, 0, 0);
      const data = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
      return { width: bitmap.width, height: bitmap.height, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    } finally {
      bitmap.close();
    }
  }

  // items: [{ file, role }] with roles from the app ('run-image', 'run-tensor', 'run-labels').
  async function take(items) {
    for (const { file, role } of items) {
      const kind = role in KINDS ? KINDS[role] : -1;
      try {
        if (kind === 0) {
          const img = await decodeImage(file);
          send(0, file.name, img.bytes, img.width, img.height, false);
        } else if (kind > 0) {
          send(kind, file.name, new Uint8Array(await file.arrayBuffer()), 0, 0, false);
        }
      } catch (e) {
        reportError(`${file.name}: ${kind === 0 ? 'the image could not be decoded' : 'the file could not be read'} (${e && e.message || e})`);
      }
    }
  }

  // A hidden chooser of its own, so run inputs never open as a model.
  const picker = document.createElement('input');
  picker.type = 'file';
  picker.multiple = true;
  picker.accept = 'image/*,.npy,.pb,.txt';
  picker.style.display = 'none';
  picker.addEventListener('change', () => {
    const chosen = Array.from(picker.files || []);
    picker.value = '';
    NetForgeHost.openFiles(chosen, 'run');
  });
  document.addEventListener('DOMContentLoaded', () => document.body.appendChild(picker));

  async function fetchDefaultLabels() {
    try {
      const response = await fetch('imagenet_labels.txt');
      if (!response.ok) return;  // classes then show as numbers
      send(2, 'imagenet_labels.txt', new Uint8Array(await response.arrayBuffer()), 0, 0, true);
    } catch (e) {
      console.warn('netforge: no ImageNet labels:', e);
    }
  }

  Object.defineProperty(window, 'NetForgeRun', {
    value: Object.freeze({
      take,
      readInto,
      pick: () => picker.click(),
      fetchDefaultLabels,
      // Benchmark hook (scripts/bench.sh): runs the open model `runs` times after one
      // warm-up, one run per frame, with the Run panel's inputs and nothing kept;
      // the result appears in netforgeStatus.run.bench.
      bench: (runs) => window.Module.ccall('nf_host_run_bench', null, ['number'], [runs]),
    }),
    enumerable: true,
  });
})();
