// The public report form: anyone who scanned a point's code tells the school what is wrong there.
// It posts to the public report endpoint (no account, rate limited) and shows the reference it gets back.
import {format, messages} from './outbox.js';

const form = document.getElementById('report');
const text = messages();

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('report-error');
  error.hidden = true;
  const data = new FormData(form);
  const file = data.get('file');
  if (!file || !file.size) data.delete('file');
  if (!data.get('phone')) data.delete('phone');
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const response = await fetch(form.action, {method: 'POST', body: data, credentials: 'omit',
      headers: {'Accept-Language': document.documentElement.lang}});
    const body = await response.json().catch(() => null);
    if (response.status === 202) {
      form.hidden = true;
      const done = document.getElementById('report-done');
      done.querySelector('[data-text]').textContent = format(text.reportSent, {ref: body.reference});
      done.hidden = false;
      return;
    }
    const problem = body && body.error;
    const fields = problem && problem.fields ? Object.values(problem.fields).flat().join(' ') : '';
    error.textContent = format(text.reportFailed, {reason: [problem && problem.message, fields].filter(Boolean).join(' ')});
    error.hidden = false;
  } catch {
    error.textContent = text.networkDown;
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
});
