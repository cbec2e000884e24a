// On every page: the service worker (offline use of the inspection pages), photo previews for file
// inputs marked data-preview, and confirmations for buttons marked data-confirm.

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', {scope: '/'}).catch(() => {});
}

for (const input of document.querySelectorAll('input[type="file"][data-preview]')) {
  input.addEventListener('change', () => {
    const box = input.closest('label').nextElementSibling;
    if (!box || !box.classList.contains('previews')) return;
    box.replaceChildren();
    for (const file of input.files) {
      const img = document.createElement('img');
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      img.onload = () => URL.revokeObjectURL(img.src);
      const figure = document.createElement('div');
      figure.className = 'preview';
      figure.append(img);
      box.append(figure);
    }
  });
}

for (const button of document.querySelectorAll('[data-confirm]')) {
  button.addEventListener('click', (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
}

// A class letter's receipt link: the phone's share sheet (WeChat and the like) where there is one, else the
// clipboard; a read-only field marked data-select selects itself for a long-press copy.
for (const button of document.querySelectorAll('[data-share]')) {
  button.addEventListener('click', async () => {
    const url = button.dataset.share;
    try {
      if (navigator.share) await navigator.share({title: button.dataset.shareTitle || '', url});
      else await navigator.clipboard.writeText(url);
      button.classList.add('done');
    } catch (error) { /* the user closed the share sheet */ }
  });
}
for (const field of document.querySelectorAll('input[data-select]')) {
  field.addEventListener('focus', () => field.select());
}

// "Select all" for a list of tick boxes (data-check-all names the boxes' name).
for (const all of document.querySelectorAll('input[data-check-all]')) {
  all.addEventListener('change', () => {
    for (const box of document.querySelectorAll(`input[type="checkbox"][name="${all.dataset.checkAll}"]`)) {
      box.checked = all.checked;
    }
  });
}
