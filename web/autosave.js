// web/autosave.js - the builder's autosave in IndexedDB (NetForgeAutosave).
//
// One object store, "documents", keyed by name:
//   current         {text, tab, stamp}  the last good save (a failed write leaves it as it was)
//   kept:<id>       {text, reason, time} documents kept aside, never overwritten by a save:
//                   kept:unreadable-<stamp> an autosave this version could not read
//                   kept:tab-<tab>          another tab's model, saved over by this tab
//                   kept:legacy             a localStorage autosave met next to an IndexedDB one
// Two tabs: every save reads "current" in the same transaction; when another tab wrote
// it since this tab last read or wrote it, that document moves to kept:tab-<its tab>
// first, so both tabs' models survive. Tabs tell each other through a BroadcastChannel.
// The app (src/app/builder_web.cpp) polls results like NetForgeShare:
//   restore  text of "current" ('' when none)         kept     number of kept documents
//   saved    ''                                       error    message: a save failed
//   unavailable  message: no storage at all (private mode): said, without opening the builder
//   tab      another tab saved the builder's model
'use strict';
const NetForgeAutosave = (() => {
  const DB_NAME = 'netforge-builder', STORE = 'documents', LEGACY_KEY = 'netforge.builder.document';
  const tab = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const queue = [];
  let working = 0;
  let base = null;          // the stamp of "current" this tab last read or wrote
  let restoredText = null;  // what restore() handed to the app, for keepUnreadable()
  let waiting = null;       // the newest text to save while a save is under way
  let saving = false;
  let persistAsked = false;
  let dbPromise = null;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('netforge-builder') : null;
  if (channel) channel.onmessage = (e) => { if (e.data && e.data.tab !== tab) push('tab'); };

  const push = (kind, text) => queue.push({ kind, text: text === undefined ? '' : String(text) });
  const describe = (e) => (e && (e.name || e.message) ? `${e.name || 'Error'}: ${e.message || ''}` : String(e));

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        if (typeof indexedDB === 'undefined') throw new Error('this browser has no IndexedDB');
        const req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
        req.onblocked = () => reject(new Error('the page storage is blocked by another tab'));
      });
    }
    return dbPromise;
  }

  // Runs body(store) in one transaction; resolves with body's result once it is committed,
  // rejects (and nothing is written) if any request or the commit fails.
  async function transaction(mode, body) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      let result;
      tx.oncomplete = () => resolve(result);
      tx.onabort = () => reject(tx.error || new Error('the write was cancelled'));
      tx.onerror = (e) => e.preventDefault();  // reported by onabort
      Promise.resolve().then(() => body(tx.objectStore(STORE))).then((r) => { result = r; }, (e) => {
        try { tx.abort(); } catch (_) { /* already finished */ }
        reject(e);
      });
    });
  }
  const request = (req) => new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  // Requests must be made while the transaction is active: each helper issues its
  // request synchronously and only then waits.
  const get = (store, key) => request(store.get(key));
  const put = (store, key, value) => request(store.put(value, key));
  const keptKeys = (store) => request(store.getAllKeys(IDBKeyRange.bound('kept:', 'kept:\uffff')));
  const stamp = () => `${Date.now()}-${tab}`;

  // Reads the autosave (once, at startup), moving a localStorage autosave of an older
  // NetForge into IndexedDB first.
  async function restore() {
    working++;
    try {
      let legacy = null;
      try { legacy = localStorage.getItem(LEGACY_KEY); } catch (e) { /* storage disabled */ }
      const found = await transaction('readwrite', async (store) => {
        let current = await get(store, 'current');
        if (legacy) {
          if (!current) {
            current = { text: legacy, tab: 'legacy', stamp: stamp() };
            await put(store, 'current', current);
          } else if (current.text !== legacy) {
            await put(store, 'kept:legacy', { text: legacy, reason: 'an older autosave', time: Date.now() });
          }
        }
        return { current, kept: (await keptKeys(store)).length };
      });
      if (legacy) try { localStorage.removeItem(LEGACY_KEY); } catch (e) { /* nothing to do */ }
      base = found.current ? found.current.stamp : null;
      restoredText = found.current ? found.current.text : '';
      push('restore', restoredText);
      if (found.kept) push('kept', found.kept);
    } catch (e) {
      restoredText = '';
      push('restore', '');
      push('unavailable', `The builder cannot save in this browser (${describe(e)}); download your work with Save JSON.`);
    } finally {
      working--;
    }
  }

  // Saves `text` as the current document; saves issued while one is under way collapse
  // into the newest.
  function save(text) {
    waiting = String(text);
    if (!saving) drain();
  }
  async function drain() {
    saving = true;
    working++;
    try {
      while (waiting !== null) {
        const text = waiting;
        waiting = null;
        const next = stamp();
        try {
          const conflict = await transaction('readwrite', async (store) => {
            const current = await get(store, 'current');
            let other = null;
            if (current && current.stamp !== base && current.tab !== tab && current.text !== text) {
              other = current.tab;
              await put(store, `kept:tab-${other}`, { text: current.text, reason: 'another tab\'s model', time: Date.now() });
            }
            await put(store, 'current', { text, tab, stamp: next });
            await request(store.delete(`kept:tab-${tab}`));  // an older copy of this tab's model
            return other ? (await keptKeys(store)).length : -1;
          });
          base = next;
          push('saved');
          if (conflict >= 0) push('kept', conflict);
          if (channel) channel.postMessage({ tab });
          if (!persistAsked && navigator.storage && navigator.storage.persist) {
            persistAsked = true;
            navigator.storage.persist().catch(() => {});
          }
        } catch (e) {
          push('error', `Your last change could not be saved in this browser (${describe(e)}). ` +
            'The last good save is kept; download your work with Save JSON.');
        }
      }
    } finally {
      saving = false;
      working--;
    }
  }

  // The autosave handed over by restore() could not be read: keep a copy aside (the
  // current entry stays too, until the user's next edit replaces it).
  async function keepUnreadable(reason) {
    if (!restoredText) return;
    working++;
    try {
      const kept = await transaction('readwrite', async (store) => {
        // Keyed by the save's stamp: reloading over the same unreadable save keeps one copy.
        await put(store, `kept:unreadable-${base}`, { text: restoredText, reason: String(reason), time: Date.now() });
        return (await keptKeys(store)).length;
      });
      push('kept', kept);
    } catch (e) {
      push('error', `The unreadable autosave could not be copied aside (${describe(e)}); it is still untouched.`);
    } finally {
      working--;
    }
  }

  function download(name, text) {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // Offers every kept document as a file download.
  async function downloadKept() {
    working++;
    try {
      const entries = await transaction('readonly', async (store) => {
        const keys = await keptKeys(store);
        const values = await Promise.all(keys.map((k) => get(store, k)));
        return keys.map((k, i) => [k, values[i]]);
      });
      for (const [k, v] of entries) download(`netforge-${k.slice(5).replace(/[^A-Za-z0-9_-]/g, '_')}.json`, v.text);
    } catch (e) {
      push('error', `The kept documents could not be read (${describe(e)}).`);
    } finally {
      working--;
    }
  }

  // Deletes the kept documents (the user's explicit choice, after downloading them).
  async function forgetKept() {
    working++;
    try {
      await transaction('readwrite', async (store) => {
        for (const k of await keptKeys(store)) await request(store.delete(k));
      });
      push('kept', 0);
    } catch (e) {
      push('error', `The kept documents could not be removed (${describe(e)}).`);
    } finally {
      working--;
    }
  }

  function poll() {
    const r = queue.shift();
    return r ? `${r.kind}\n${r.text}` : '';
  }
  function busy() { return working > 0 || queue.length > 0; }

  return Object.freeze({ restore, save, keepUnreadable, downloadKept, forgetKept, poll, busy });
})();
