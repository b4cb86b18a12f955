// The pinned curves' list under the measured curves: a chip per pin (its letter and its
// number of curves) with a button that unpins it. The pins themselves travel in the link
// (`pins=`, src/config/pins.rs).

import type { Pin } from './types';

/** Draws `pins` into `list` (only when the letters changed); `unpin(label)` on a chip's ×. */
export function drawPins(list: HTMLElement, pins: Pin[], unpin: (label: string) => void): void {
  const letters = JSON.stringify(pins.map((p) => p.label));
  if (list.dataset.pins === letters) return;
  list.dataset.pins = letters;
  list.replaceChildren(
    ...pins.map((p, k) => {
      const li = document.createElement('li');
      li.className = `chip pin-chip pin-${k}`;
      const name = document.createElement('span');
      name.textContent = `pin ${p.label} (${p.curves.length} curve${p.curves.length === 1 ? '' : 's'})`;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '×';
      remove.setAttribute('aria-label', `unpin ${p.label}`);
      remove.addEventListener('click', () => unpin(p.label));
      li.append(name, remove);
      return li;
    }),
  );
}
