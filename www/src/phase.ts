// The (α, d) phase diagram: cells where caulking's rate beats learning from scratch (ratio of
// exponents > 1, blue) or not (vermillion), the boundary α·d = 1, and the current point.
// Colours are SVG presentation attributes (allowed by the CSP), not style attributes.

import { el } from './plot';
import type { PhaseDiagram } from './types';

const W = 440;
const H = 340;
const M = { left: 52, right: 12, top: 12, bottom: 44 };
const D_MIN = 0.5;
const D_MAX = 16.5;

/** Plot coordinates of (α, d). */
const px = (a: number) => M.left + a * (W - M.left - M.right);
const py = (d: number) => H - M.bottom - ((d - D_MIN) / (D_MAX - D_MIN)) * (H - M.top - M.bottom);

export function renderPhase(host: Element, p: PhaseDiagram): SVGSVGElement {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'plot phase' });
  el('title', {}, svg).textContent = 'Phase diagram over caulk smoothness α and input dimension d';
  const cw = (W - M.left - M.right) / p.alpha.length;
  const ch = (H - M.top - M.bottom) / p.d.length;

  const cells = el('g', { class: 'cells', 'shape-rendering': 'crispEdges' }, svg);
  p.d.forEach((d, r) => {
    p.alpha.forEach((a, c) => {
      const ratio = p.ratio[r][c];
      const strength = Math.min(Math.abs(Math.log(ratio)) / Math.log(4), 1);
      el('rect', {
        x: px(a) - cw,
        y: py(d) - ch / 2,
        width: cw + 0.5,
        height: ch + 0.5,
        fill: ratio > 1 ? '#0072b2' : '#d55e00',
        'fill-opacity': (0.12 + 0.6 * strength).toFixed(3),
      }, cells);
    });
  });
  const boundary = p.boundary.map(([a, d], i) => `${i ? 'L' : 'M'}${px(a).toFixed(2)},${py(d).toFixed(2)}`).join('');
  el('path', { d: boundary, class: 'phase-boundary' }, svg);

  const axes = el('g', { class: 'axes' }, svg);
  el('rect', { x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom, class: 'frame' }, axes);
  for (const a of [0, 0.25, 0.5, 0.75, 1]) {
    el('text', { x: px(a), y: H - M.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, axes).textContent = String(a);
  }
  for (const d of [1, 4, 8, 12, 16]) {
    el('text', { x: M.left - 6, y: py(d) + 4, 'text-anchor': 'end', class: 'tick' }, axes).textContent = String(d);
  }
  el('text', { x: (M.left + W - M.right) / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-label' }, axes).textContent =
    'caulk smoothness α';
  el('text', { x: -(M.top + H - M.bottom) / 2, y: 14, transform: 'rotate(-90)', 'text-anchor': 'middle', class: 'axis-label' }, axes)
    .textContent = 'input dimension d';
  el('text', { x: px(0.04), y: py(1.6), class: 'phase-note' }, axes).textContent = 'α·d < 1';
  el('text', { x: px(0.7), y: py(13), class: 'phase-note' }, axes).textContent = 'α·d > 1';

  const mark = el('g', { class: 'phase-current' }, svg);
  el('circle', { r: 6 }, mark);
  el('title', {}, mark);
  host.replaceChildren(svg);
  movePhaseMark(host, p);
  return svg;
}

/** Move the current-point mark of the diagram in `host` to `p.current`. */
export function movePhaseMark(host: Element, p: PhaseDiagram): void {
  const mark = host.querySelector('.phase-current');
  if (!mark) return;
  const [a, d] = p.current;
  mark.setAttribute('data-alpha', String(a));
  mark.setAttribute('data-d', String(d));
  const circle = mark.querySelector('circle')!;
  circle.setAttribute('cx', px(a).toFixed(2));
  circle.setAttribute('cy', py(d).toFixed(2));
  mark.querySelector('title')!.textContent =
    `current: α = ${a}, d = ${d}: caulking ${p.caulk_wins ? 'beats' : 'does not beat'} scratch`;
}
