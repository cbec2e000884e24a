// The inspector's list: what is still queued on this phone, with its state, and a way to send it now.
import {currentAuth, discard, flush, format, list, messages, rememberAuth, watch} from './outbox.js';

const text = messages();
rememberAuth();

const STATE = {waiting: 'waiting', login: 'login', rejected: 'rejected'};

async function render() {
  const records = await list();
  const auth = currentAuth();
  const box = document.getElementById('queue-list');
  box.replaceChildren();
  for (const record of records) {
    const li = document.createElement('li');
    li.className = 'row';
    li.dataset.uuid = record.client_uuid;
    const title = document.createElement('span');
    title.className = 'row-title';
    title.textContent = `${record.point} · ${record.school}`;
    const meta = document.createElement('span');
    meta.className = 'row-meta';
    const state = document.createElement('span');
    const kind = STATE[record.state] || 'waiting';
    state.className = `queue-state ${kind}`;
    state.dataset.state = kind;
    state.textContent = kind === 'rejected' ? `${text.rejected}: ${record.error || ''}` : text[kind];
    const when = document.createElement('span');
    when.className = 'muted';
    const photos = format(text.photos, {n: record.photos.length});
    when.textContent = `${new Date(record.payload.submitted_at).toLocaleString()} · ${photos} · ${record.username}`;
    meta.append(state, when);
    li.append(title, meta);
    if (kind === 'rejected' || (auth && record.username !== auth.username)) {
      const drop = document.createElement('button');
      drop.type = 'button';
      drop.className = 'btn small danger';
      drop.textContent = text.discard;
      drop.addEventListener('click', async () => {
        if (window.confirm(text.discardConfirm)) await discard(record.client_uuid);
      });
      li.append(drop);
    }
    box.append(li);
  }
  document.getElementById('queue-empty').hidden = records.length > 0;
  document.getElementById('send-now').hidden = records.length === 0;
}

function connection() {
  document.getElementById('offline-note').hidden = navigator.onLine;
}

document.getElementById('send-now').addEventListener('click', () => flush());
window.addEventListener('outbox-changed', render);
window.addEventListener('online', connection);
window.addEventListener('offline', connection);
connection();
render();
watch();
flush();

if ('caches' in window && navigator.onLine && !navigator.serviceWorker?.controller) {
  caches.open('safety-pages-v1').then((cache) => cache.add(location.href.split('#')[0])).catch(() => {});
}
