// web/share.js - share links: the model travels in the URL fragment only (never sent
// to a server). Format and limits: src/builder/share.h. The app (src/app/builder_web.cpp)
// hands over the compact document text and polls NetForgeShare.poll() for results, so
// no callback into wasm is needed; busy() tells it to keep drawing frames meanwhile.
'use strict';
const NetForgeShare = (() => {
  const ITERATIONS = 600000, SALT = 16, IV = 12;
  // builder/share.h kMaxShareFragmentChars, builder/limits.h kMaxDocumentBytes.
  const MAX_FRAGMENT_CHARS = 2 << 20, MAX_DOCUMENT_BYTES = 64 << 20;
  const FORMAT = 1;  // kShareFormatVersion
  const AAD = new TextEncoder().encode('nf1e');
  let queue = [];       // results for the app: {kind: 'doc'|'password'|'error'|'link'|'file', text}
  let pending = null;   // the encrypted payload waiting for a password
  let working = 0;      // operations under way (inflate, PBKDF2, deflate)

  const push = (kind, text) => queue.push({ kind, text: text || '' });

  function b64uEncode(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function b64uDecode(text) {
    if (!/^[A-Za-z0-9_-]*=*$/.test(text)) throw new Error('this link is damaged (bad characters)');
    const s = atob(text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; ++i) out[i] = s.charCodeAt(i);
    return out;
  }
  async function through(stream, bytes) {
    const piped = new Blob([bytes]).stream().pipeThrough(stream);
    return new Uint8Array(await new Response(piped).arrayBuffer());
  }
  const deflate = (b) => through(new CompressionStream('deflate-raw'), b);
  // Inflates chunk by chunk and stops as soon as the output passes the document limit,
  // so a small hostile link cannot make the page unpack hundreds of megabytes.
  async function inflate(bytes) {
    const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_DOCUMENT_BYTES) {
        reader.cancel().catch(() => {});
        throw new Error(`it unpacks to more than ${MAX_DOCUMENT_BYTES >> 20} MiB, more than any builder document`);
      }
      chunks.push(value);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.byteLength; }
    return out;
  }
  // The fragment holds a bad link: take it out of the address bar, so a reload does not
  // repeat the work and the error.
  function clearFragment() {
    history.replaceState(null, '', location.pathname + location.search);
  }
  async function key(password, salt) {
    // NFKC: the same password typed on another keyboard (composed or decomposed
    // accents, full-width forms) derives the same key.
    const text = new TextEncoder().encode(String(password).normalize('NFKC'));
    const base = await crypto.subtle.importKey('raw', text, 'PBKDF2', false, ['deriveKey']);
    return crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations: ITERATIONS, hash: 'SHA-256' }, base,
                                   { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  }

  // Builds the link for `compact` (encrypted when `password` is not empty), puts it in
  // location.hash and on the clipboard; reports {kind: 'link'} or an error.
  async function make(compact, password) {
    working++;
    try {
      const z = await deflate(new TextEncoder().encode(compact));
      let fragment;
      if (password) {
        const salt = crypto.getRandomValues(new Uint8Array(SALT));
        const iv = crypto.getRandomValues(new Uint8Array(IV));
        const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD },
                                                              await key(password, salt), z));
        const all = new Uint8Array(SALT + IV + ct.length);
        all.set(salt, 0); all.set(iv, SALT); all.set(ct, SALT + IV);
        fragment = 'nf1e.' + b64uEncode(all);
      } else {
        fragment = 'nf1.' + b64uEncode(z);
      }
      history.replaceState(null, '', '#' + fragment);
      try { await navigator.clipboard.writeText(location.href); } catch (e) { /* the address bar has it */ }
      push('link', location.href);
    } catch (e) {
      push('error', 'Could not make the share link: ' + e.message);
    } finally {
      working--;
    }
  }

  async function openPlain(payload) {
    working++;
    try {
      push('doc', new TextDecoder().decode(await inflate(payload)));
    } catch (e) {
      clearFragment();
      push('error', 'This share link was not opened: ' + e.message + '. It was removed from the address bar.');
    } finally {
      working--;
    }
  }

  // Reads location.hash once at startup.
  function start() {
    const h = location.hash.replace(/^#/, '');
    const version = /^nf(\d{1,6})e?\./.exec(h);
    if (version && Number(version[1]) > FORMAT) {
      // Kept in the address bar: a newer NetForge can still open it.
      push('error', `This share link was made by a newer NetForge (link format ${version[1]}); this version reads ` +
        `format ${FORMAT}. Reload the page to get the newest version, then open the link again.`);
      return;
    }
    if (!h.startsWith('nf1.') && !h.startsWith('nf1e.')) return;
    if (h.length > MAX_FRAGMENT_CHARS) {
      clearFragment();
      push('error', `This share link was not opened: it is ${h.length} characters long, more than the ` +
        `${MAX_FRAGMENT_CHARS} a NetForge link can have. It was removed from the address bar.`);
      return;
    }
    try {
      if (h.startsWith('nf1e.')) {
        pending = b64uDecode(h.slice(5));
        if (pending.length < SALT + IV + 16) throw new Error('this link is cut short');
        push('password');
      } else if (h.startsWith('nf1.')) {
        openPlain(b64uDecode(h.slice(4)));
      }
    } catch (e) {
      clearFragment();
      push('error', 'This share link is damaged: ' + e.message + '. It was removed from the address bar.');
    }
  }

  async function unlock(password) {
    if (!pending) return;
    working++;
    try {
      const salt = pending.subarray(0, SALT), iv = pending.subarray(SALT, SALT + IV);
      const z = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: AAD }, await key(password, salt),
                                            pending.subarray(SALT + IV));
      pending = null;
      await openPlain(new Uint8Array(z));
    } catch (e) {
      push('error', 'Wrong password, or the link was changed: the model could not be decrypted. Nothing was replaced.');
    } finally {
      working--;
    }
  }

  // A dropped builder document (the app decided it is one: src/document/file_routing.h):
  // queues {kind: 'file', text: name + '\n' + text} for the builder.
  function openDocument(name, text) {
    push('file', name + '\n' + text);
  }

  // The "Paste from clipboard" button of the builder's Open document dialog: the whole
  // clipboard text, however long (the dialog's field grows to hold it).
  async function pasteClipboard() {
    working++;
    try {
      if (!navigator.clipboard || !navigator.clipboard.readText) throw new Error('this browser does not let pages read it');
      push('paste', await navigator.clipboard.readText());
    } catch (e) {
      push('paste-error', `The clipboard could not be read (${e && e.message || e}); drop the file on the page instead.`);
    } finally {
      working--;
    }
  }

  // The next result as "kind\ntext", or '' when none.
  function poll() {
    const r = queue.shift();
    return r ? r.kind + '\n' + r.text : '';
  }

  // True while results are on their way or waiting: the app keeps drawing frames, so
  // they show without the user moving the mouse.
  function busy() { return working > 0 || queue.length > 0; }

  return Object.freeze({ make, start, unlock, poll, busy, openDocument, pasteClipboard });
})();
