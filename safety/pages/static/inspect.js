// The checklist form behind a QR code: large answers, a photo right where an item fails, previews, and a
// submission that goes through the phone's outbox (so it survives having no signal).
import {enqueue, flush, format, list, messages, rememberAuth, sha256Hex, watch} from './outbox.js';
import {signingPanel} from './sign.js';

const form = document.getElementById('checklist');
const text = messages();
const auth = rememberAuth();
let startedAt = new Date().toISOString();
const files = new Map(); // item id → [File]
const fixFiles = new Map(); // item id → [File]: photos of a problem fixed on the spot (立行立改)
let lastSubmitted = null; // the client_uuid of the latest submission from this page
let position = null;      // the device's latest location, when the user allowed it

// Where the phone is (asked once, with the browser's permission prompt): the server flags an inspection
// submitted far from its point, never refuses it, so a refusal or no fix only leaves the location out.
function locate() {
  const status = document.getElementById('location-status');
  if (!('geolocation' in navigator)) return;
  navigator.geolocation.getCurrentPosition((found) => {
    position = {latitude: found.coords.latitude, longitude: found.coords.longitude,
      accuracy: Math.min(found.coords.accuracy || 0, 100000)};
    if (status) status.textContent = text.locationKnown;
  }, () => { if (status) status.textContent = text.locationUnknown; },
  {enableHighAccuracy: true, timeout: 15000, maximumAge: 120000});
}
locate();

function items() {
  return Array.from(form.querySelectorAll('fieldset.item'));
}

function checked(item, name) {
  const input = item.querySelector(`input[name="${name}-${item.dataset.itemId}"]:checked`);
  return input || null;
}

// What the answer means: pass / fail / na, or null when not answered yet.
function outcome(item) {
  const id = item.dataset.itemId;
  switch (item.dataset.kind) {
    case 'number': {
      if (item.querySelector(`input[name="na-${id}"]`).checked) return 'na';
      const raw = item.querySelector(`input[name="value-${id}"]`).value;
      if (raw === '') return null;
      const value = Number(raw);
      const low = item.dataset.min === '' ? -Infinity : Number(item.dataset.min);
      const high = item.dataset.max === '' ? Infinity : Number(item.dataset.max);
      return value < low || value > high ? 'fail' : 'pass';
    }
    case 'choice': {
      const choice = checked(item, 'choice');
      if (!choice) return null;
      if (choice.dataset.na) return 'na';
      return choice.dataset.fails === '1' ? 'fail' : 'pass';
    }
    default: {
      const radio = checked(item, 'outcome');
      return radio ? radio.value : null;
    }
  }
}

function value(item) {
  const id = item.dataset.itemId;
  if (item.dataset.kind === 'number') {
    const raw = item.querySelector(`input[name="value-${id}"]`).value;
    return raw === '' ? null : Number(raw);
  }
  if (item.dataset.kind === 'choice') {
    const choice = checked(item, 'choice');
    return choice && !choice.dataset.na ? choice.value : null;
  }
  if (item.dataset.kind === 'text') return item.querySelector(`textarea[name="value-${id}"]`).value.trim() || null;
  return null;
}

function refresh(item) {
  const result = outcome(item);
  item.classList.toggle('failed', result === 'fail');
  item.classList.toggle('passed', result === 'pass');
  if (item.dataset.kind === 'number') {
    const note = item.querySelector('[data-computed]');
    note.textContent = result === 'fail' ? text.outOfRange : result === 'pass' ? text.inRange : '';
    note.className = `computed ${result === 'fail' ? 'bad' : 'good'}`;
  }
  if (item.classList.contains('invalid')) validate(item);
  if (!form.querySelector('fieldset.item.invalid')) document.getElementById('form-error').hidden = true;
}

// 立行立改: a failed general item the inspector saw fixed there and then, with what was done.
function fixNote(item) {
  const box = item.querySelector(`textarea[name="fix-${item.dataset.itemId}"]`);
  return box ? box.value.trim() : '';
}

function needsPhoto(item) {
  if (item.dataset.kind === 'photo') return outcome(item) !== 'na';
  return outcome(item) === 'fail' && item.dataset.photoOnFail === '1';
}

function problemOf(item) {
  const result = outcome(item);
  if (result === null) return item.dataset.kind === 'number' ? text.numberMissing : text.answerMissing;
  if (needsPhoto(item) && !(files.get(item.dataset.itemId) || []).length) {
    return item.dataset.kind === 'photo' ? text.photoAnswer : text.photoMissing;
  }
  if (result === 'fail' && fixNote(item) && !(fixFiles.get(item.dataset.itemId) || []).length) {
    return text.fixPhotoMissing;
  }
  return null;
}

function validate(item) {
  const problem = problemOf(item);
  const box = item.querySelector('.item-error');
  box.hidden = !problem;
  box.textContent = problem || '';
  item.classList.toggle('invalid', Boolean(problem));
  return !problem;
}

function showPreviews(item) {
  const box = item.querySelector('.previews');
  box.replaceChildren();
  for (const [index, file] of (files.get(item.dataset.itemId) || []).entries()) {
    const figure = document.createElement('div');
    figure.className = 'preview';
    const img = document.createElement('img');
    img.src = URL.createObjectURL(file);
    img.alt = file.name;
    img.onload = () => URL.revokeObjectURL(img.src);
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = '×';
    remove.title = text.remove;
    remove.setAttribute('aria-label', text.remove);
    remove.addEventListener('click', () => {
      files.get(item.dataset.itemId).splice(index, 1);
      showPreviews(item);
      if (item.classList.contains('invalid')) validate(item);
    });
    figure.append(img, remove);
    box.append(figure);
  }
}

for (const item of items()) {
  item.addEventListener('change', (event) => {
    if (event.target.classList.contains('fix-photo-input')) {
      const chosen = Array.from(event.target.files || []);
      fixFiles.set(item.dataset.itemId, [...(fixFiles.get(item.dataset.itemId) || []), ...chosen]);
      event.target.value = '';
      item.querySelector('.fix-count').textContent = format(text.fixPhotos, {n: fixFiles.get(item.dataset.itemId).length});
    }
    if (event.target.classList.contains('photo-input')) {
      const chosen = Array.from(event.target.files || []);
      files.set(item.dataset.itemId, [...(files.get(item.dataset.itemId) || []), ...chosen]);
      event.target.value = '';
      showPreviews(item);
    }
    refresh(item);
  });
  item.addEventListener('input', () => refresh(item));
}

async function payload() {
  const results = [];
  const photos = [];
  for (const item of items()) {
    const id = item.dataset.itemId;
    const result = outcome(item);
    const withPhotos = result !== 'na' && (result === 'fail' || item.dataset.kind === 'photo');
    const hashes = [];
    for (const file of withPhotos ? files.get(id) || [] : []) {
      const sha256 = await sha256Hex(file);
      hashes.push(sha256);
      photos.push({sha256, blob: file, name: file.name});
    }
    const note = result === 'fail' || item.dataset.kind === 'photo'
      ? item.querySelector(`textarea[name="note-${id}"]`).value.trim() : '';
    const entry = {item_id: Number(id), outcome: result, value: value(item), note, photos: [...new Set(hashes)]};
    if (result === 'fail' && fixNote(item)) {
      const fixed = [];
      for (const file of fixFiles.get(id) || []) {
        const sha256 = await sha256Hex(file);
        fixed.push(sha256);
        photos.push({sha256, blob: file, name: file.name});
      }
      entry.fixed_on_spot = {note: fixNote(item), photos: [...new Set(fixed)]};
    }
    results.push(entry);
  }
  const data = {
    client_uuid: crypto.randomUUID(),
    template_version_id: Number(form.dataset.versionId),
    started_at: startedAt,
    submitted_at: new Date().toISOString(),
    results,
  };
  if (position) data.location = position;
  if (form.dataset.qrToken) data.qr_token = form.dataset.qrToken;
  else data.point_id = Number(form.dataset.pointId);
  return {data, photos};
}

function showResult(state, detail) {
  const box = document.getElementById('result');
  box.hidden = false;
  box.replaceChildren();
  const head = document.createElement('p');
  head.className = `lead queue-state ${state}`;
  head.dataset.state = state;
  head.textContent = state === 'sent' ? text.sentDone : text.queued;
  box.append(head);
  if (state === 'sent') {
    const hazards = (detail && detail.hazards) || [];
    const p = document.createElement('p');
    p.textContent = hazards.length ? text.hazardsOpened : text.noHazards;
    box.append(p);
    if (hazards.length) {
      const ul = document.createElement('ul');
      for (const hazard of hazards) {
        const li = document.createElement('li');
        const link = document.createElement('a');
        link.href = `/hazards/${hazard.id}`;
        link.textContent = `${hazard.title} (H${String(hazard.id).padStart(6, '0')})`;
        li.append(link);
        ul.append(li);
      }
      box.append(ul);
    }
    if (detail && detail.id && auth) signingPanel(box, detail.id, auth, text);
  }
  box.scrollIntoView({behavior: 'smooth', block: 'start'});
}

function reset() {
  form.reset();
  files.clear();
  for (const item of items()) {
    item.classList.remove('failed', 'passed', 'invalid');
    item.querySelector('.item-error').hidden = true;
    showPreviews(item);
    refresh(item);
  }
  startedAt = new Date().toISOString();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const invalid = items().filter((item) => !validate(item));
  const formError = document.getElementById('form-error');
  formError.hidden = invalid.length === 0;
  formError.textContent = invalid.length ? text.fixErrors : '';
  if (invalid.length) {
    invalid[0].scrollIntoView({behavior: 'smooth', block: 'center'});
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const {data, photos} = await payload();
    lastSubmitted = data.client_uuid;
    await enqueue({client_uuid: data.client_uuid, username: auth && auth.username, payload: data,
      photos: [...new Set(photos.map((p) => p.sha256))], point: form.dataset.pointName,
      school: form.dataset.schoolName}, photos);
    reset();
    locate();
    const outcome = await flush();
    const mine = (outcome.sent || []).find((s) => s.record.client_uuid === data.client_uuid);
    showResult(mine ? 'sent' : 'waiting', mine && mine.inspection);
  } finally {
    button.disabled = false;
  }
});

async function banner() {
  const waiting = (await list()).length;
  const node = document.getElementById('outbox-banner');
  node.hidden = waiting === 0;
  node.querySelector('[data-text]').textContent = format(text.waitingCount, {n: waiting});
  const result = document.querySelector('#result [data-state="waiting"]');
  if (result && waiting === 0) {
    result.dataset.state = 'sent';
    result.className = 'lead queue-state sent';
    result.textContent = text.sentDone;
  }
}

function connection() {
  document.getElementById('offline-note').hidden = navigator.onLine;
}

window.addEventListener('outbox-changed', banner);
window.addEventListener('online', connection);
window.addEventListener('offline', connection);
connection();
banner();
watch();
flush();

// Keep this page for use without signal (the service worker keeps it from the next visit on by itself).
if ('caches' in window && navigator.onLine && !navigator.serviceWorker?.controller) {
  caches.open('safety-pages-v1').then((cache) => cache.add(location.href.split('#')[0]))
    .then(() => { document.body.dataset.offlineReady = '1'; }, () => {});
} else {
  document.body.dataset.offlineReady = '1';
}

// A submission that waited (no signal, or another send had it) shows its hazards once it is sent.
window.addEventListener('outbox-sent', (event) => {
  if (event.detail.client_uuid === lastSubmitted) showResult('sent', event.detail.inspection);
});
