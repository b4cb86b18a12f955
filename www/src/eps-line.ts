// The target error ε as a horizontal line on a risk plot (the bounds and the measured
// curves): n_ε is where a curve crosses it. Dragged with a pointer or a finger, or moved by
// keyboard; the caller turns the value into `set_key('eps', …)`.

import { short } from './controls';
import { el, scaleOf } from './plot';

/**
 * A horizontal line at y = ε on the measured-curves plot `svg`, draggable (pointer, touch)
 * and keyboard-operable (↑/↓ by 10^0.05, PageUp/PageDown by 10^0.25): `onDrag(value)` while
 * it moves, `onDrop(value)` when let go. Outside the axis it sits at the edge, saying so.
 */
export function drawEpsLine(svg: SVGSVGElement, eps: number, onDrag: (v: string) => void, onDrop: (v: string) => void): void {
  const scale = scaleOf(svg);
  if (!scale) return;
  const clampY = (y: number) => Math.min(scale.bottom, Math.max(scale.top, y));
  const g = el('g', { class: 'eps-line', tabindex: 0, role: 'slider', 'aria-label': 'target error ε (drag, or use the arrow keys)' }, svg);
  // Under the legend, so that the legend stays readable where the line crosses it.
  const legend = svg.querySelector('.legend');
  if (legend) svg.insertBefore(g, legend);
  const hit = el('rect', { x: scale.left, width: scale.right - scale.left, height: 40, class: 'eps-hit' }, g);
  const line = el('line', { x1: scale.left, x2: scale.right, class: 'eps-rule' }, g);
  const label = el('text', { x: scale.right - 6, 'text-anchor': 'end', class: 'eps-label' }, g);
  let value = eps;
  const place = (v: number) => {
    value = v;
    const raw = scale.py(v);
    const y = clampY(raw);
    line.setAttribute('y1', String(y));
    line.setAttribute('y2', String(y));
    hit.setAttribute('y', String(y - 20));
    label.setAttribute('y', String(y - 6));
    const off = raw > scale.bottom ? ' (below the axis)' : raw < scale.top ? ' (above the axis)' : '';
    label.textContent = `ε = ${short(v)}${off}`;
    g.setAttribute('aria-valuenow', String(v));
    g.setAttribute('aria-valuetext', `ε = ${short(v)}`);
  };
  place(eps);
  const toValue = (clientY: number) => {
    const ctm = svg.getScreenCTM();
    if (!ctm) return value;
    const y = new DOMPoint(0, clientY).matrixTransform(ctm.inverse()).y;
    return scale.fromY(clampY(y));
  };
  let dragging = false;
  let frame = 0;
  g.addEventListener('pointerdown', (e) => {
    dragging = true;
    g.setPointerCapture(e.pointerId);
    g.classList.add('dragging');
    e.preventDefault();
  });
  g.addEventListener('pointermove', (e) => {
    if (!dragging) return;
    place(toValue(e.clientY));
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => onDrag(short(value)));
  });
  const end = (e: PointerEvent) => {
    if (!dragging) return;
    dragging = false;
    g.classList.remove('dragging');
    place(toValue(e.clientY));
    cancelAnimationFrame(frame);
    onDrop(short(value));
  };
  g.addEventListener('pointerup', end);
  g.addEventListener('pointercancel', end);
  g.addEventListener('keydown', (e) => {
    const step = { ArrowUp: 0.05, ArrowDown: -0.05, PageUp: 0.25, PageDown: -0.25 }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    onDrop(short(value * 10 ** step));
  });
}
