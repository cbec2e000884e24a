// Signing a sent inspection on the phone: a pad for the inspector's signature and one for the head of the
// inspected place (countersignature, on the inspector's phone). Each is sent once as a PNG; the record is then
// final. A link opens the inspection record (PDF).

function pad(label) {
  const wrap = document.createElement('div');
  wrap.className = 'sign-pad';
  const canvas = document.createElement('canvas');
  canvas.width = 600;
  canvas.height = 220;
  canvas.setAttribute('aria-label', label);
  const context = canvas.getContext('2d');
  context.lineWidth = 4;
  context.lineCap = 'round';
  context.strokeStyle = '#000';
  let drawing = false;
  let inked = false;
  const at = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
  };
  canvas.addEventListener('pointerdown', (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...at(event));
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    context.lineTo(...at(event));
    context.stroke();
    inked = true;
  });
  const stop = () => { drawing = false; };
  canvas.addEventListener('pointerup', stop);
  canvas.addEventListener('pointercancel', stop);
  wrap.append(canvas);
  return {
    node: wrap,
    canvas,
    inked: () => inked,
    clear() { context.clearRect(0, 0, canvas.width, canvas.height); inked = false; },
    png: () => new Promise((resolve) => canvas.toBlob(resolve, 'image/png')),
  };
}

function button(label, className = 'btn') {
  const node = document.createElement('button');
  node.type = 'button';
  node.className = className;
  node.textContent = label;
  return node;
}

async function send(inspectionId, auth, role, blob, name) {
  const body = new FormData();
  body.append('role', role);
  if (name) body.append('name', name);
  body.append('file', blob, 'signature.png');
  const response = await fetch(`/api/v1/inspections/${inspectionId}/signatures`, {
    method: 'POST', body, credentials: 'omit',
    headers: {Authorization: `Bearer ${auth.token}`, 'Accept-Language': document.documentElement.lang || 'zh-CN'},
  });
  let detail = null;
  try { detail = await response.json(); } catch { detail = null; }
  return {ok: response.ok, message: detail && detail.error ? detail.error.message : ''};
}

function signer(inspectionId, auth, text, role, withName) {
  const section = document.createElement('div');
  section.className = 'signer';
  section.dataset.role = role;
  const title = document.createElement('h3');
  title.textContent = role === 'inspector' ? text.signInspector : text.signCountersigner;
  section.append(title);
  let name = null;
  if (withName) {
    const label = document.createElement('label');
    label.className = 'field';
    label.textContent = text.countersignerName;
    name = document.createElement('input');
    name.name = 'countersigner-name';
    name.maxLength = 100;
    label.append(name);
    section.append(label);
  }
  const board = pad(title.textContent);
  const status = document.createElement('p');
  status.className = 'sign-status';
  status.setAttribute('role', 'status');
  const clear = button(text.signClear);
  const confirm = button(text.signConfirm, 'btn primary');
  clear.addEventListener('click', () => board.clear());
  confirm.addEventListener('click', async () => {
    if (!board.inked()) { status.textContent = text.signEmpty; return; }
    if (name && !name.value.trim()) { status.textContent = text.countersignerName; name.focus(); return; }
    confirm.disabled = true;
    const outcome = await send(inspectionId, auth, role, await board.png(), name && name.value.trim());
    if (outcome.ok) {
      section.dataset.signed = '1';
      status.textContent = text.signDone;
      clear.remove();
      confirm.remove();
    } else {
      confirm.disabled = false;
      status.textContent = outcome.message || text.signFailed;
    }
  });
  section.append(board.node, clear, confirm, status);
  return section;
}

export function signingPanel(box, inspectionId, auth, text) {
  const panel = document.createElement('section');
  panel.className = 'signing';
  panel.dataset.inspectionId = String(inspectionId);
  const hint = document.createElement('p');
  hint.className = 'muted small';
  hint.textContent = text.signHint;
  const link = document.createElement('a');
  link.href = `/inspections/${inspectionId}/record.pdf`;
  link.textContent = text.recordPdf;
  link.className = 'record-link';
  panel.append(hint, signer(inspectionId, auth, text, 'inspector', false),
    signer(inspectionId, auth, text, 'countersigner', true), link);
  box.append(panel);
}
