// web/share.js - share links: the model travels in the URL fragment only (never sent
// to a server). Format: src/builder/share.h. The app (src/app/builder_web.cpp) hands
// over the compact document text and polls NetForgeShare.poll() for results, so no
// callback into wasm is needed.
'use strict';
const NetForgeShare = (() => {
  const ITERATIONS = 600000, SALT = 16, IV = 12;
  const AAD = new TextEncoder().encode('nf1e');
  let queue = [];       // results for the app: {kind: 'doc'|'password'|'error'|'link'|'file', text}
  let pending = null;   // the encrypted payload waiting for a password

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
  const inflate = (b) => through(new DecompressionStream('deflate-raw'), b);
  async function key(password, salt) {
    const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveKey']);
    return crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations: ITERATIONS, hash: 'SHA-256' }, base,
                                   { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  }

  // Builds the link for `compact` (encrypted when `password` is not empty), puts it in
  // location.hash and on the clipboard; reports {kind: 'link'} or an error.
  async function make(compact, password) {
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
    }
  }

  async function openPlain(payload) {
    try {
      push('doc', new TextDecoder().decode(await inflate(payload)));
    } catch (e) {
      push('error', 'This share link is damaged: ' + e.message);
    }
  }

  // Reads location.hash once at startup.
  function start() {
    const h = location.hash.replace(/^#/, '');
    try {
      if (h.startsWith('nf1e.')) {
        pending = b64uDecode(h.slice(5));
        if (pending.length < SALT + IV + 16) throw new Error('this link is cut short');
        push('password');
      } else if (h.startsWith('nf1.')) {
        openPlain(b64uDecode(h.slice(4)));
      }
    } catch (e) {
      push('error', 'This share link is damaged: ' + e.message);
    }
  }

  async function unlock(password) {
    if (!pending) return;
    try {
      const salt = pending.subarray(0, SALT), iv = pending.subarray(SALT, SALT + IV);
      const z = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: AAD }, await key(password, salt),
                                            pending.subarray(SALT + IV));
      pending = null;
      await openPlain(new Uint8Array(z));
    } catch (e) {
      push('error', 'Wrong password, or the link was changed: the model could not be decrypted. Nothing was replaced.');
    }
  }

  // A dropped file's text: when it is a builder document (saved or compact JSON),
  // queues {kind: 'file', text: name + '\n' + text} for the builder and returns true.
  function offerDocument(name, text) {
    const head = text.slice(0, 4096);
    if (!/^\s*\{/.test(head) || !(head.includes('"netforge-builder"') || /^\s*\{\s*"v"\s*:/.test(head))) return false;
    push('file', name + '\n' + text);
    return true;
  }

  // The next result as "kind\ntext", or '' when none.
  function poll() {
    const r = queue.shift();
    return r ? r.kind + '\n' + r.text : '';
  }

  return Object.freeze({ make, start, unlock, poll, offerDocument });
})();
