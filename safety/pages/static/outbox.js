// The phone's outbox: submitted inspections and their photos wait in IndexedDB until the server has them.
//
// Every submission gets its client_uuid when it is queued; the server keeps exactly one inspection per uuid,
// so sending again after a lost answer is harmless. Photos are named in the inspection by the SHA-256 the
// phone computes, uploaded first (each upload is idempotent by content), then the inspections go in one
// POST /api/v1/sync. A Web Lock keeps two tabs from sending at the same moment.

const DB_NAME = 'safety-outbox';
const AUTH_KEY = 'safety.auth';
const LOCK = 'safety-outbox-send';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let opened = null;
function db() {
  if (!opened) {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('submissions', {keyPath: 'client_uuid'});
      req.result.createObjectStore('photos', {keyPath: 'sha256'});
    };
    opened = request(req);
  }
  return opened;
}

async function store(name, mode = 'readonly') {
  return (await db()).transaction(name, mode).objectStore(name);
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

// --- who is sending -------------------------------------------------------------------------------------

export function rememberAuth() {
  // The page hands over its session's bearer token; keep the one that lasts longest (a page opened from
  // the offline cache may carry an older one).
  const meta = document.querySelector('meta[name="api-auth"]');
  if (!meta) return currentAuth();
  const fresh = JSON.parse(meta.content);
  const kept = currentAuth();
  if (!kept || kept.username !== fresh.username || new Date(fresh.expires) > new Date(kept.expires)) {
    localStorage.setItem(AUTH_KEY, JSON.stringify(fresh));
  }
  return currentAuth();
}

export function currentAuth() {
  try { return JSON.parse(localStorage.getItem(AUTH_KEY)); } catch { return null; }
}

export function forgetAuth() {
  localStorage.removeItem(AUTH_KEY);
}

// --- the queue ------------------------------------------------------------------------------------------

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function enqueue(record, photos) {
  // One transaction: the inspection and its photos are queued together or not at all.
  const tx = (await db()).transaction(['submissions', 'photos'], 'readwrite');
  for (const photo of photos) tx.objectStore('photos').put({...photo, uploaded: false});
  tx.objectStore('submissions').put({...record, state: 'waiting', error: null, queued_at: new Date().toISOString()});
  await done(tx);
  changed();
}

export async function list() {
  const all = await request((await store('submissions')).getAll());
  return all.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
}

export async function discard(uuid) {
  const tx = (await db()).transaction(['submissions', 'photos'], 'readwrite');
  const record = await request(tx.objectStore('submissions').get(uuid));
  if (record) {
    for (const sha of record.photos) tx.objectStore('photos').delete(sha);
    tx.objectStore('submissions').delete(uuid);
  }
  await done(tx);
  changed();
}

async function update(record) {
  await request((await store('submissions', 'readwrite')).put(record));
}

function changed() {
  window.dispatchEvent(new CustomEvent('outbox-changed'));
}

// --- sending --------------------------------------------------------------------------------------------

class Offline extends Error {}

function language() {
  return document.documentElement.lang || 'zh-CN';
}

async function call(url, options, auth) {
  let response;
  try {
    response = await fetch(url, {...options, headers: {...(options.headers || {}),
      Authorization: `Bearer ${auth.token}`, 'Accept-Language': language()}, credentials: 'omit'});
  } catch (error) {
    throw new Offline(String(error));
  }
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  return {status: response.status, body};
}

function problem(body) {
  const error = (body && body.error) || {};
  const fields = Object.entries(error.fields || {}).map(([field, texts]) => `${field}: ${[].concat(texts).join(' ')}`);
  return [error.message, ...fields].filter(Boolean).join(' ');
}

async function uploadPhotos(record, auth) {
  for (const sha of record.photos) {
    // A fresh transaction each time: one stays open only until the next network wait.
    const photo = await request((await store('photos')).get(sha));
    if (!photo || photo.uploaded) continue;
    const form = new FormData();
    form.append('file', photo.blob, photo.name || `${sha}.jpg`);
    const {status, body} = await call('/api/v1/photos', {method: 'POST', body: form}, auth);
    if (status === 401) return 'login';
    if (status !== 200 && status !== 201) return problem(body) || `HTTP ${status}`;
    if (body.sha256 !== sha) return `photo ${sha.slice(0, 8)}…: ${body.sha256}`;
    await request((await store('photos', 'readwrite')).put({sha256: sha, uploaded: true}));
  }
  return null;
}

async function sendAll() {
  const auth = currentAuth();
  if (!auth) return {sent: [], waiting: (await list()).length};
  const mine = (await list()).filter((r) => r.username === auth.username && r.state !== 'rejected');
  const ready = [];
  for (const record of mine) {
    const trouble = await uploadPhotos(record, auth);
    if (trouble === 'login') {
      await update({...record, state: 'login'});
      changed();
      return {sent: [], login: true};
    }
    if (trouble) {
      await update({...record, state: 'rejected', error: trouble});
      continue;
    }
    ready.push(record);
  }
  const sent = [];
  for (let start = 0; start < ready.length; start += 50) {
    const batch = ready.slice(start, start + 50);
    const {status, body} = await call('/api/v1/sync', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({inspections: batch.map((r) => r.payload)})}, auth);
    if (status === 401) {
      for (const record of batch) await update({...record, state: 'login'});
      break;
    }
    if (status !== 200) {
      for (const record of batch) await update({...record, state: 'waiting', error: problem(body) || `HTTP ${status}`});
      continue;
    }
    for (const result of body.results) {
      const record = batch[result.index];
      if (result.outcome === 'created' || result.outcome === 'already_had') {
        sent.push({record, inspection: result.inspection});
        await discard(record.client_uuid);
        // Whoever sent it (a background send, another flush), the page that queued it can show what it found.
        window.dispatchEvent(new CustomEvent('outbox-sent',
          {detail: {client_uuid: record.client_uuid, inspection: result.inspection}}));
      } else {
        await update({...record, state: 'rejected', error: problem({error: result.error})});
      }
    }
  }
  changed();
  return {sent};
}

export async function flush() {
  // Sends what is waiting; resolves with what was sent. Offline: everything stays queued.
  const run = async () => {
    try {
      return await sendAll();
    } catch (error) {
      if (error instanceof Offline) return {sent: [], offline: true};
      throw error;
    } finally {
      changed();
    }
  };
  if (navigator.locks) return navigator.locks.request(LOCK, run);
  return run();
}

// Send whenever the connection comes back, and every half minute while anything waits.
let watching = false;
export function watch() {
  if (watching) return;
  watching = true;
  window.addEventListener('online', () => { flush(); });
  setInterval(async () => {
    if ((await list()).some((r) => r.state === 'waiting')) flush();
  }, 30000);
}

export function messages() {
  const node = document.getElementById('page-messages');
  return node ? JSON.parse(node.textContent) : {};
}

export function format(text, values) {
  // Placeholders are written {name} (the template's gettext would try to fill %(name)s itself).
  return text.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ''));
}
