// web/host.js - the page half of NetForge: everything the wasm app needs from the
// browser, and everything tests and tools may read from the page.
//
// Index
//   [SECTION] File registry     files stay here: a model as an ArrayBuffer, external
//                               data as the File itself, read in slices on request
//   [SECTION] Opening files     drop anywhere, the #netforge-file input, the sample; the
//                               app says what each file is, the page hands it over;
//                               browser-owned keys (reload, zoom) kept away from SDL
//   [SECTION] Status            window.netforgeStatus, a read-only frozen snapshot
//   [SECTION] NetForgeHost      the functions the app calls (src/app/platform_web_*.cpp)
//   [SECTION] Module + boot     Emscripten's Module object, service worker
//
// Contract with the app (exported C functions, see src/app/CMakeLists.txt):
//   _nf_host_route_begin / _route_add / _route_commit  what each file is (first bytes only)
//   _nf_host_loading(label)                      reading has started
//   _nf_host_open_begin / _open_add / _open_commit one batch = one model + data files
//   NetForgeHost.fetchRange / readInto             the app's reads (platform_web_files.cpp)
//   _nf_host_error(message)                       a page-side failure
'use strict';

(function () {
  const params = new URLSearchParams(location.search);

  // [SECTION] File registry ------------------------------------------------------
  // id -> { bytes: Uint8Array } over a whole file (a model, the first bytes of a dropped
  // file), or a SlicedFile. The app's ByteSource holds the id and releases it when the
  // model is closed, which frees the buffer.
  const files = new Map();
  let nextFileId = 1;

  // External data (tens of GB for an LLM) is never read whole: the File stays a File,
  // its first bytes are kept for sniffing, and the app asks for the ranges it needs
  // (fetchRange); each arrives asynchronously as one slice, and the app reads it on a
  // later frame. A few recent slices are kept; older ones are dropped.
  const MAX_SLICES = 3;
  const MAX_SLICE_BYTES = 2 ** 30;  // the Run panel reads data files whole up to 1 GiB
  const FETCH_READY = 0, FETCH_PENDING = 1, FETCH_FAILED = 2;
  class SlicedFile {
    constructor(file, head) {
      this.file = file;
      this.head = head;      // Uint8Array: the first bytes (document::kProbeHeadBytes)
      this.slices = [];      // most recent first: { offset, n, bytes, error }
    }
    covering(offset, n) {
      if (offset + n <= this.head.byteLength) return { offset: 0, n: this.head.byteLength, bytes: this.head };
      return this.slices.find((x) => x.bytes && offset >= x.offset && offset + n <= x.offset + x.n);
    }
    fetch(offset, n) {
      if (this.covering(offset, n)) return { state: FETCH_READY };
      const same = this.slices.find((x) => x.offset === offset && x.n === n);
      if (same && same.error) {
        this.slices.splice(this.slices.indexOf(same), 1);  // asked again later: read again
        return { state: FETCH_FAILED, error: same.error };
      }
      if (same) return { state: FETCH_PENDING };
      if (n > MAX_SLICE_BYTES) return { state: FETCH_FAILED, error: `${humanBytes(n)} of '${this.file.name}' cannot be read at once` };
      const slice = { offset, n, bytes: null, error: null };
      this.slices.unshift(slice);
      while (this.slices.length > MAX_SLICES) this.slices.pop();
      const name = this.file.name;
      this.file.slice(offset, offset + n).arrayBuffer().then((buf) => {
        if (buf.byteLength !== n) {
          slice.error = `'${name}' is shorter than when it was opened (${buf.byteLength} of ${n} bytes at ` +
            `offset ${offset}); open it again`;
        } else {
          slice.bytes = new Uint8Array(buf);
        }
      }, (e) => {
        slice.error = `'${name}' could not be read (${e && e.name || e}): it was moved, changed or deleted ` +
          'since it was opened; open it again';
      });
      return { state: FETCH_PENDING };
    }
  }

  // [SECTION] Status -------------------------------------------------------------
  let base = {
    ready: false, state: 'empty', file: null, size: 0, nodes: 0, error: null, problems: 0,
    timings: { parse_ms: 0, layout_ms: 0, draw_ms: 0 },
  };
  let frames = 0;
  let firstFrameMs = null;
  let firstDrawnMs = null;  // when a model was first on screen (scripts/bench.sh)
  let snapshot = null;  // rebuilt lazily after a change
  let runStatus = null;  // the Run panel's state (app: platform::publishRunStatus)
  let tensorStatus = null;  // the Tensor panel's statistics (app: platform::publishTensorStatus)
  const longFrames = [];  // frames of 40 ms or more, with what they spent it on (app/frame_log.h)

  function deepFreeze(o) {
    for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
    return Object.freeze(o);
  }
  // The last 64 long frames ({start, ms, parts: [[what, ms], ...]}), for benchmarks.
  Object.defineProperty(window, 'netforgeLongFrames', {
    enumerable: true, configurable: false, get: () => Object.freeze(longFrames.slice()),
  });
  // Read-only for page scripts: a getter without a setter on a non-configurable
  // property, returning a frozen object (assigning to it, or to its fields, does nothing).
  Object.defineProperty(window, 'netforgeStatus', {
    enumerable: true,
    configurable: false,
    get() {
      if (!snapshot) {
        snapshot = deepFreeze(Object.assign(JSON.parse(JSON.stringify(base)),
          { frames: frames, first_frame_ms: firstFrameMs, first_drawn_ms: firstDrawnMs, run: runStatus, tensor: tensorStatus }));
      }
      return snapshot;
    },
  });

  // [SECTION] Opening files ------------------------------------------------------
  let moduleReady;
  const whenModuleReady = new Promise((resolve) => { moduleReady = resolve; });
  let openChain = Promise.resolve();  // batches open in the order they were given

  function callApp(name, types, args) {
    return window.Module.ccall(name, null, types, args);
  }

  // items: [{ name, read: () => Promise<ArrayBuffer> }] read whole, or
  // [{ name, file: File }] read in slices on request (external data). One call = one batch.
  // compare: the batch is the second model of File > Compare with... (or a Shift-drop).
  function openItems(items, label, compare) {
    if (!items.length) return openChain;
    openChain = openChain.then(async () => {
      await whenModuleReady;
      callApp('nf_host_open_target', ['number'], [compare ? 1 : 0]);
      callApp('nf_host_loading', ['string'], [label]);
      const entries = [];
      for (const item of items) {
        try {
          if (item.file) {
            const head = await item.file.slice(0, PROBE_BYTES).arrayBuffer();
            entries.push(new SlicedFile(item.file, new Uint8Array(head)));
          } else {
            entries.push({ bytes: new Uint8Array(await item.read()) });
          }
        } catch (e) {
          callApp('nf_host_error', ['string'], [`${item.name}: the file could not be read (${e && e.message || e})`]);
          return;
        }
      }
      callApp('nf_host_open_begin', [], []);
      items.forEach((item, i) => {
        const id = nextFileId++;
        files.set(id, entries[i]);
        const sliced = entries[i] instanceof SlicedFile;
        callApp('nf_host_open_add', ['number', 'string', 'number', 'number'],
          [id, item.name, sliced ? item.file.size : entries[i].bytes.byteLength, sliced ? 1 : 0]);
      });
      callApp('nf_host_open_commit', [], []);
    }).catch((e) => console.error('netforge: opening failed', e));
    return openChain;
  }

  function humanBytes(n) {
    const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return i === 0 ? `${n} bytes` : `${n.toFixed(1)} ${units[i]}`;
  }

  // What each file is for is the app's decision (src/document/file_routing.h): the page
  // hands over each file's name, size, type and first bytes, and gets one role per file.
  // The unsupported ones the app has already reported.
  const PROBE_BYTES = 4096;  // document::kProbeHeadBytes
  async function routeFiles(list, target) {
    const heads = await Promise.all(list.map((f) => f.slice(0, PROBE_BYTES).arrayBuffer()
      .then((b) => new Uint8Array(b), () => new Uint8Array(0))));
    await whenModuleReady;
    callApp('nf_host_route_begin', ['number'], [target === 'run' ? 1 : 0]);
    list.forEach((f, i) => {
      const id = nextFileId++;
      files.set(id, { bytes: heads[i] });  // released by the app once read
      callApp('nf_host_route_add', ['number', 'string', 'number', 'string', 'number'],
        [id, f.name, f.size, f.type || '', heads[i].byteLength]);
    });
    return window.Module.ccall('nf_host_route_commit', 'string', [], []).split('\n').slice(0, list.length);
  }

  // target: 'page' (a drop, the page's picker), 'run' (the Run panel's chooser) or
  // 'compare' (the model to compare the open one with: Compare with..., Shift-drop).
  function openFileList(fileList, target) {
    const list = Array.from(fileList || []);
    if (!list.length) return Promise.resolve();
    return routeFiles(list, target).then((roles) => {
      const having = (...wanted) => list.filter((f, i) => wanted.includes(roles[i]));
      const run = list.map((f, i) => ({ file: f, role: roles[i] })).filter((x) => x.role.startsWith('run-'));
      if (run.length && typeof NetForgeRun !== 'undefined') NetForgeRun.take(run);
      for (const f of having('builder')) {
        if (typeof NetForgeShare === 'undefined') continue;
        f.text().then((text) => NetForgeShare.openDocument(f.name, text),
          (e) => callApp('nf_host_error', ['string'], [`${f.name}: the file could not be read (${e && e.message || e})`]));
      }
      const model = having('model', 'data');
      // Data files up to SLICE_ABOVE_BYTES are read whole as before (every read is then
      // synchronous: shape inference can read constants kept there); bigger ones stay Files.
      const sliced = new Set(having('data').filter((f) => f.size > SLICE_ABOVE_BYTES));
      if (model.length) return openModels(model, sliced, target === 'compare');
      return undefined;
    }).catch((e) => console.error('netforge: routing files failed', e));
  }

  // A model file is read whole (protobuf caps it at 2 GiB); data files stay Files.
  const MAX_MODEL_BYTES = 2 ** 31;
  const SLICE_ABOVE_BYTES = 256 * 2 ** 20;
  function openModels(list, sliced, compare) {
    const total = list.reduce((sum, f) => sum + f.size, 0);
    const label = `${list.length === 1 ? list[0].name : `${list.length} files`} (${humanBytes(total)})`;
    const tooBig = list.find((f) => !sliced.has(f) && f.size > MAX_MODEL_BYTES);
    if (tooBig) {
      return whenModuleReady.then(() => callApp('nf_host_error', ['string'], [`${tooBig.name}: a model file of ` +
        `${humanBytes(tooBig.size)} is larger than the 2 GiB an ONNX file can hold; large weights belong in ` +
        'external data files, opened together with the model']));
    }
    return openItems(list.map((f) => (sliced.has(f) ? { name: f.name, file: f }
      : { name: f.name, read: () => f.arrayBuffer() })), label, compare);
  }

  function openSample() {
    return openItems([{
      name: 'sample.onnx',
      read: async () => {
        const response = await fetch('sample.onnx');
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.arrayBuffer();
      },
    }], 'sample.onnx');
  }

  // No browser menu over the canvas (a listener, not an inline handler: the page's
  // Content-Security-Policy allows no inline script).
  document.getElementById('canvas').addEventListener('contextmenu', (e) => e.preventDefault());

  const input = document.getElementById('netforge-file');
  let pickTarget = 'page';  // which menu item opened the chooser
  input.addEventListener('change', () => {
    const chosen = Array.from(input.files || []);
    input.value = '';  // choosing the same file again must fire 'change' again
    openFileList(chosen, pickTarget);
  });

  // Dropping anywhere on the page; the dashed outline shows while dragging files.
  let dragDepth = 0;
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
  window.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth++;
    document.body.classList.add('nf-dragging');
  });
  window.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  window.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) document.body.classList.remove('nf-dragging');
  });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    dragDepth = 0;
    document.body.classList.remove('nf-dragging');
    // Holding Shift: compare the open model with the dropped one.
    if (e.dataTransfer && e.dataTransfer.files.length) openFileList(e.dataTransfer.files, e.shiftKey ? 'compare' : 'page');
  });

  // Keys the browser keeps. SDL cancels the default action of every Ctrl chord and
  // function key it sees, which would take reload, zoom, full screen and the
  // developer tools away from the user; these never reach the app.
  const BROWSER_KEYS = new Set(['F5', 'F11', 'F12', 'Ctrl+KeyR', 'Ctrl+Shift+KeyR', 'Ctrl+Equal', 'Ctrl+Shift+Equal',
    'Ctrl+Minus', 'Ctrl+Digit0', 'Ctrl+NumpadAdd', 'Ctrl+NumpadSubtract', 'Ctrl+Numpad0', 'Ctrl+KeyL',
    'Ctrl+Shift+KeyI', 'Ctrl+Shift+KeyJ', 'Ctrl+KeyP', 'Ctrl+Tab', 'Ctrl+Shift+Tab']);
  function browserKey(e) {
    const chord = `${e.ctrlKey || e.metaKey ? 'Ctrl+' : ''}${e.shiftKey ? 'Shift+' : ''}${e.code}`;
    if (BROWSER_KEYS.has(chord)) e.stopImmediatePropagation();
  }
  window.addEventListener('keydown', browserKey, true);
  window.addEventListener('keyup', browserKey, true);

  // [SECTION] NetForgeHost -------------------------------------------------------
  function showNote(text, isError) {
    const note = document.getElementById('nf-boot');
    note.textContent = text;
    note.classList.toggle('error', !!isError);
    note.style.display = '';
  }

  const host = {
    // Copies bytes [offset, offset+n) of file `id` into heap at dst. Pointers arrive as
    // signed 32-bit values; >>> 0 makes those above 2 GiB positive (MAXIMUM_MEMORY=4GB).
    // A sliced file reads only from its first bytes or a slice that has arrived.
    readInto(id, offset, heap, dst, n) {
      const entry = files.get(id);
      if (!entry || offset < 0 || n < 0) return false;
      const slice = entry instanceof SlicedFile ? entry.covering(offset, n) : { offset: 0, bytes: entry.bytes };
      if (!slice || offset - slice.offset + n > slice.bytes.byteLength) return false;
      heap.set(slice.bytes.subarray(offset - slice.offset, offset - slice.offset + n), dst >>> 0);
      return true;
    },
    // Asks for bytes [offset, offset+n) of file `id` to be readable: { state: 0 ready,
    // 1 on the way (ask again on a later frame), 2 failed, error: why }.
    fetchRange(id, offset, n) {
      const entry = files.get(id);
      if (!entry) return { state: FETCH_FAILED, error: 'the file was closed' };
      if (entry instanceof SlicedFile) return entry.fetch(offset, n);
      return offset >= 0 && n >= 0 && offset + n <= entry.bytes.byteLength ? { state: FETCH_READY }
        : { state: FETCH_FAILED, error: 'the data lies past the end of the file' };
    },
    release(id) { files.delete(id); },
    openPicker() { pickTarget = 'page'; input.click(); },
    openComparePicker() { pickTarget = 'compare'; input.click(); },
    openSample,
    sampleDisabled() { return params.get('sample') === '0'; },
    publishStatus(json) {
      base = JSON.parse(json);
      if (base.state === 'drawn' && firstDrawnMs === null) firstDrawnMs = performance.now();
      snapshot = null;
    },
    publishRun(json) {
      runStatus = JSON.parse(json);
      snapshot = null;
    },
    publishTensor(json) {
      tensorStatus = JSON.parse(json);
      snapshot = null;
    },
    // For tests and tools: select the weight `name` and compute its statistics, as the
    // Tensor panel's button does; netforgeStatus.tensor follows.
    tensorStats(name) {
      return whenModuleReady.then(() => callApp('nf_host_tensor_stats', ['string'], [String(name)]));
    },
    publishFrame(n) {
      frames = n;
      if (firstFrameMs === null) {
        firstFrameMs = performance.now();
        document.getElementById('nf-boot').style.display = 'none';
      }
      snapshot = null;
    },
    publishLongFrame(json) {  // app/frame_log.h
      longFrames.push(deepFreeze(JSON.parse(json)));
      if (longFrames.length > 64) longFrames.shift();
    },
    setClipboard(text) {
      if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
    },
    storageGet(key) {
      try { return localStorage.getItem(key); } catch (e) { return null; }
    },
    storageSet(key, value) {
      try { localStorage.setItem(key, value); } catch (e) { /* private mode: not persisted */ }
    },
    fatal(message) {
      base = Object.assign({}, base, { state: 'error', error: message });
      snapshot = null;
      showNote(`NetForge cannot start: ${message}`, true);
    },
    // For tests and tools: open files exactly as a drop does (target 'compare': as a
    // Shift-drop or File > Compare with...).
    openFiles: openFileList,
  };
  Object.defineProperty(window, 'NetForgeHost', { value: Object.freeze(host), enumerable: true });

  // [SECTION] Module + boot -------------------------------------------------------
  window.Module = {
    canvas: document.getElementById('canvas'),
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onRuntimeInitialized: () => moduleReady(),
    onAbort: (what) => host.fatal(`the app stopped (${what})`),
  };

  if ('serviceWorker' in navigator && params.get('sw') !== '0') {
    window.addEventListener('load', () => {
      navigator.serviceWorker.register('sw.js').catch((e) => console.warn('netforge: no offline support:', e));
    });
  }
})();
