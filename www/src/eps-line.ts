// The target error ε as a horizontal line on a risk plot (the bounds and the measured
// curves): n_ε is where a curve crosses it. Dragged with a pointer or a finger, or moved by
// keyboard; the caller turns the value into `set_key('eps', …)`.

import { short } from './controls';
import { el, scaleOf } from './plot';

/**
 * A horizontal line at y = ε on the risk plot `svg`, draggable (pointer, touch) and
 * keyboard-operable (↑/↓ by 10^0.05, PageUp/PageDown by 10^0.25): `onDrag(value)` while it
 * moves, `onDrop(value)` when let go. Outside the axis it sits at the edge, saying so.
 *
 * Two layers: the line and its label are drawn in the chart (decoration, hidden from
 * assistive technology: the chart is one image), and the control is an HTML slider laid over
 * the chart in the same host, so that no control sits inside an image (WCAG's
 * nested-interactive). The slider's box follows the line through the chart's own transform
 * (viewBox → screen), also when the chart is resized.
 */
export function drawEpsLine(svg: SVGSVGElement, eps: number, onDrag: (v: string) => void, onDrop: (v: string) => void): void {
  const scale = scaleOf(svg);
  const host = svg.parentElement;
  if (!scale || !host) return;
  host.querySelector(':scope > .eps-line')?.remove();
  const clampY = (y: number) => Math.min(scale.bottom, Math.max(scale.top, y));
  const mark = el('g', { class: 'eps-mark', 'aria-hidden': 'true' }, svg);
  // Under the legend, so that the legend stays readable where the line crosses it.
  const legend = svg.querySelector('.legend');
  if (legend) svg.insertBefore(mark, legend);
  const line = el('line', { x1: scale.left, x2: scale.right, class: 'eps-rule' }, mark);
  const label = el('text', { x: scale.right - 6, 'text-anchor': 'end', class: 'eps-label' }, mark);
  const handle = document.createElement('div');
  handle.className = 'eps-line';
  handle.tabIndex = 0;
  handle.setAttribute('role', 'slider');
  handle.setAttribute('aria-orientation', 'vertical');
  handle.setAttribute('aria-label', 'target error ε (drag, or use the arrow keys)');
  host.append(handle);
  let value = eps;
  /** The handle's box: 20 viewBox units either side of the line, across the plotting area. */
  const placeHandle = () => {
    const ctm = svg.getScreenCTM();
    if (!ctm) return;
    const y = clampY(scale.py(value));
    const a = new DOMPoint(scale.left, y - 20).matrixTransform(ctm);
    const b = new DOMPoint(scale.right, y + 20).matrixTransform(ctm);
    const h = host.getBoundingClientRect();
    handle.style.left = `${a.x - h.left - host.clientLeft}px`;
    handle.style.top = `${a.y - h.top - host.clientTop}px`;
    handle.style.width = `${b.x - a.x}px`;
    handle.style.height = `${b.y - a.y}px`;
  };
  const place = (v: number) => {
    value = v;
    const raw = scale.py(v);
    const y = clampY(raw);
    line.setAttribute('y1', String(y));
    line.setAttribute('y2', String(y));
    label.setAttribute('y', String(y - 6));
    const off = raw > scale.bottom ? ' (below the axis)' : raw < scale.top ? ' (above the axis)' : '';
    label.textContent = `ε = ${short(v)}${off}`;
    handle.setAttribute('aria-valuenow', String(v));
    handle.setAttribute('aria-valuetext', `ε = ${short(v)}${off}`);
    placeHandle();
  };
  place(eps);
  // The chart's size follows its host's width (and, in an embed, the frame's height).
  if (typeof ResizeObserver !== 'undefined') {
    const resized = new ResizeObserver(() => (svg.isConnected ? placeHandle() : resized.disconnect()));
    resized.observe(svg);
  }
  handle.addEventListener('focus', () => mark.classList.add('focused'));
  handle.addEventListener('blur', () => mark.classList.remove('focused'));
  const toValue = (clientY: number) => {
    const ctm = svg.getScreenCTM();
    if (!ctm) return value;
    const y = new DOMPoint(0, clientY).matrixTransform(ctm.inverse()).y;
    return scale.fromY(clampY(y));
  };
  let dragging = false;
  let frame = 0;
  handle.addEventListener('pointerdown', (e) => {
    dragging = true;
    handle.setPointerCapture(e.pointerId);
    mark.classList.add('dragging');
    e.preventDefault();
  });
  handle.addEventListener('pointermove', (e) => {
    if (!dragging) return;
    place(toValue(e.clientY));
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => onDrag(short(value)));
  });
  const end = (e: PointerEvent) => {
    if (!dragging) return;
    dragging = false;
    mark.classList.remove('dragging');
    place(toValue(e.clientY));
    cancelAnimationFrame(frame);
    onDrop(short(value));
  };
  handle.addEventListener('pointerup', end);
  handle.addEventListener('pointercancel', end);
  handle.addEventListener('keydown', (e) => {
    const step = { ArrowUp: 0.05, ArrowDown: -0.05, PageUp: 0.25, PageDown: -0.25 }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    onDrop(short(value * 10 ** step));
  });
}
