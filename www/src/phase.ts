// The (α, d) phase diagram of one comparison (a PhaseMap): cells coloured by the exponent gap,
// caulking's minus scratch's (blue where caulking's rate is faster, vermillion where slower,
// deeper for a larger gap), the boundary where the gap is 0, a colour key, and the current
// point. Colours are SVG presentation attributes (allowed by the CSP), not style attributes.

import { el } from './plot';
import type { PhaseDiagram, PhaseMap } from './types';

/** The gap at which a cell's colour is fully saturated. */
const GAP_FULL = 0.4;

const W = 440;
const H = 340;
const M = { left: 52, right: 12, top: 12, bottom: 44 };
const D_MIN = 0.5;
const D_MAX = 16.5;

/** Plot coordinates of (α, d). */
const px = (a: number) => M.left + a * (W - M.left - M.right);
const py = (d: number) => H - M.bottom - ((d - D_MIN) / (D_MAX - D_MIN)) * (H - M.top - M.bottom);

/** The comparison `id` of `p` (the first where `id` is unknown). */
export function phaseMap(p: PhaseDiagram, id: string): PhaseMap {
  return p.maps.find((m) => m.id === id) ?? p.maps[0];
}

/** Fill colour and opacity of a cell with exponent gap `gap`. */
function cellColour(gap: number): { fill: string; 'fill-opacity': string } {
  const strength = Math.min(Math.abs(gap) / GAP_FULL, 1);
  return { fill: gap > 0 ? '#0072b2' : '#d55e00', 'fill-opacity': (0.08 + 0.72 * strength).toFixed(3) };
}

export function renderPhase(host: Element, p: PhaseDiagram, id = 'equal_beta'): SVGSVGElement {
  const map = phaseMap(p, id);
  const svg = el('svg', { viewBox: `0 0 ${W} ${H + 34}`, role: 'img', class: 'plot phase', 'data-map': map.id });
  el('title', {}, svg).textContent = `Exponent gap over caulk smoothness α and input dimension d: caulking against ${map.label}`;
  const cw = (W - M.left - M.right) / p.alpha.length;
  const ch = (H - M.top - M.bottom) / p.d.length;

  const cells = el('g', { class: 'cells', 'shape-rendering': 'crispEdges' }, svg);
  p.d.forEach((d, r) => {
    p.alpha.forEach((a, c) => {
      el('rect', { x: px(a) - cw, y: py(d) - ch / 2, width: cw + 0.5, height: ch + 0.5, ...cellColour(map.gap[r][c]) }, cells);
    });
  });
  const boundary = map.boundary.map(([a, d], i) => `${i ? 'L' : 'M'}${px(a).toFixed(2)},${py(d).toFixed(2)}`).join('');
  el('path', { d: boundary, class: 'phase-boundary' }, svg);
  colourKey(svg);

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
  if (map.id === 'equal_beta') {
    el('text', { x: px(0.04), y: py(1.6), class: 'phase-note' }, axes).textContent = 'α·d < 1';
    el('text', { x: px(0.7), y: py(13), class: 'phase-note' }, axes).textContent = 'α·d > 1';
  } else {
    const sPhi = map.boundary[0]?.[1] ?? 1;
    if (sPhi > D_MIN + 0.6) el('text', { x: px(0.6), y: py(sPhi) + 14, class: 'phase-note' }, axes).textContent = 'd < min(s_φ, 1)';
    el('text', { x: px(0.6), y: py(Math.min(sPhi + 4, 13)), class: 'phase-note' }, axes).textContent = 'd > min(s_φ, 1), any α';
  }

  const mark = el('g', { class: 'phase-current' }, svg);
  el('circle', { r: 6 }, mark);
  el('title', {}, mark);
  host.replaceChildren(svg);
  movePhaseMark(host, p, map.id);
  return svg;
}

/** The colour key under the plot: the gap from −GAP_FULL to +GAP_FULL. */
function colourKey(svg: SVGSVGElement): void {
  const key = el('g', { class: 'phase-key' }, svg);
  const steps = 16;
  const x0 = M.left;
  const width = (W - M.left - M.right) * 0.6;
  const y = H + 6;
  for (let i = 0; i < steps; i++) {
    const gap = -GAP_FULL + ((i + 0.5) / steps) * 2 * GAP_FULL;
    el('rect', { x: x0 + (i * width) / steps, y, width: width / steps + 0.5, height: 10, ...cellColour(gap) }, key);
  }
  for (const [gap, label] of [[-GAP_FULL, `−${GAP_FULL}`], [0, '0'], [GAP_FULL, `+${GAP_FULL}`]] as const) {
    el('text', { x: x0 + ((gap + GAP_FULL) / (2 * GAP_FULL)) * width, y: y + 22, 'text-anchor': 'middle', class: 'tick' }, key).textContent = label;
  }
  el('text', { x: x0 + width + 8, y: y + 9, class: 'tick' }, key).textContent = 'exponent gap';
}

/** Move the current-point mark of the diagram in `host` to `p.current`. */
export function movePhaseMark(host: Element, p: PhaseDiagram, id = 'equal_beta'): void {
  const mark = host.querySelector('.phase-current');
  if (!mark) return;
  const map = phaseMap(p, id);
  const [a, d] = p.current;
  mark.setAttribute('data-alpha', String(a));
  mark.setAttribute('data-d', String(d));
  const circle = mark.querySelector('circle')!;
  circle.setAttribute('cx', px(a).toFixed(2));
  circle.setAttribute('cy', py(d).toFixed(2));
  mark.setAttribute('data-gap', map.gap_now.toFixed(4));
  mark.querySelector('title')!.textContent =
    `current: α = ${a}, d = ${d}: caulking ${map.caulk_wins ? 'beats' : 'does not beat'} ${map.label} (exponent gap ${map.gap_now >= 0 ? '+' : '−'}${Math.abs(map.gap_now).toFixed(3)})`;
}
