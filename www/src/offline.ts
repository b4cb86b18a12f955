// Offline use: the service worker (sw.js beside the page: its folder is its scope, so any
// sub-path works) keeps this build; when a new build has been installed, a line offers to
// reload into it (the new worker takes over, then the page reloads: never old and new files
// mixed). Where it cannot register (a file: URL, a browser without it, storage refused) the
// page works online as before.

/** Register the worker; `messages` gets the offer of a new build. */
export function registerOffline(messages: HTMLElement): void {
  if (!('serviceWorker' in navigator) || !location.protocol.startsWith('http')) return;
  navigator.serviceWorker
    .register(new URL('sw.js', document.baseURI))
    .then((reg) => {
      if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(messages, reg.waiting);
      reg.addEventListener('updatefound', () => {
        const next = reg.installing;
        next?.addEventListener('statechange', () => {
          if (next.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(messages, next);
        });
      });
    })
    .catch(() => {
      // Online only: nothing else depends on it.
    });
}

/** A line with a button: reload into the new build. */
function offerUpdate(messages: HTMLElement, next: ServiceWorker): void {
  const li = document.createElement('li');
  li.className = 'warning';
  li.append('A new version of Caulk Lab is ready. ');
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.className = 'link-button';
  reload.textContent = 'Reload to use it';
  reload.addEventListener('click', () => {
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    next.postMessage('activate');
  });
  li.append(reload);
  messages.append(li);
  messages.hidden = false;
}
