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
