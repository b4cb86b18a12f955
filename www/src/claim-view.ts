// The title claim as figures: from the measured curves of a result with several m (the Rust
// `claim` table, src/experiment/claim.rs), (a) the risk at one n against m and (b) n_ε against
// m with bootstrap intervals, beside the calibrated `caulk_m` bound's n_ε(m) and the limit
// rate's n_ε as the floor. An n_ε not reached inside the n grid is drawn at n_max as an
// open triangle pointing up, labelled "> n_max", never extrapolated. ε is set by dragging
// a horizontal line on the measured-curves plot (`drawEpsLine`), by keyboard on that line,
// or by the slider beside these figures.

import { el, renderLogLog, scaleOf, type Series } from './plot';
import { count } from './theory-panel';
import type { Claim } from './types';

const fmt = (v: number | null) => (v === null ? '–' : v.toExponential(2));
const nText = (v: number | null, nMax: number) => (v === null ? `> ${count(nMax)}` : count(v));

/** Class suffix of a series (colours follow the method, as on the curves plot). */
const id = (method: string) => `m-${method}`;

/**
 * Draw the claim into `riskHost` (risk at n against m) and `nepsHost` (n_ε against m), its
 * text alternative into `summary`; with no claim, say why in both.
 */
export function drawClaim(claim: Claim | null, riskHost: HTMLElement, nepsHost: HTMLElement, summary: HTMLElement, why: string): void {
  if (!claim) {
    for (const host of [riskHost, nepsHost]) {
      const svg = renderLogLog(host, [], { title: why, xLabel: 'source samples m', yLabel: '', size: [440, 300] });
      svg.setAttribute('aria-label', why);
    }
    const li = document.createElement('li');
    li.textContent = why;
    summary.replaceChildren(li);
    return;
  }
  const risk: Series[] = claim.series.map((s) => ({
    id: id(s.method),
    label: s.label,
    x: s.rows.map((r) => r.m),
    y: s.rows.map((r) => r.risk),
    band: { lo: s.rows.map((r) => r.risk_lo), hi: s.rows.map((r) => r.risk_hi) },
    dots: true,
  }));
  const riskSvg = renderLogLog(riskHost, risk, {
    title: `Measured excess risk at n = ${count(claim.n)} against source samples m, log-log`,
    xLabel: 'source samples m',
    yLabel: `risk at n = ${count(claim.n)}`,
    legend: 'top-right',
    size: [440, 300],
  });
  riskSvg.setAttribute('aria-label', `Measured excess risk at n = ${count(claim.n)} against source samples m, with 95 % intervals`);
  riskSvg.setAttribute('aria-describedby', 'claim-summary');

  // n_ε: measured where reached (band from its interval; an open upper end goes to n_max),
  // the bound dashed, the limit flat. Unreached points are drawn separately at n_max.
  const neps: Series[] = [];
  for (const s of claim.series) {
    neps.push({
      id: id(s.method),
      label: `${s.label}, measured`,
      x: s.rows.map((r) => r.m),
      y: s.rows.map((r) => r.n_eps),
      band: { lo: s.rows.map((r) => r.n_eps_lo ?? claim.n_max), hi: s.rows.map((r) => r.n_eps_hi ?? claim.n_max) },
      dots: true,
    });
    neps.push({ id: `${id(s.method)} bound`, label: `${s.label}, caulk_m fitted (model)`, x: s.rows.map((r) => r.m), y: s.rows.map((r) => r.bound_n_eps) });
  }
  const ms = claim.series.flatMap((s) => s.rows.map((r) => r.m));
  const [m0, m1] = [Math.min(...ms), Math.max(...ms)];
  const limits = claim.series.map((s) => s.limit_n_eps).filter((v): v is number => v !== null);
  if (limits.length > 0) neps.push({ id: 'theory', label: 'limit rate (m → ∞), fitted C', x: [m0, m1], y: [Math.min(...limits), Math.min(...limits)] });
  neps.push({ id: 'constant', label: `n grid ends (${count(claim.n_max)})`, x: [m0, m1], y: [claim.n_max, claim.n_max] });
  const nepsSvg = renderLogLog(nepsHost, neps, {
    title: `Target samples needed to reach ε = ${claim.eps}, against source samples m, log-log`,
    xLabel: 'source samples m',
    yLabel: `n_ε for ε = ${claim.eps}`,
    legend: 'top-right',
    size: [440, 300],
  });
  nepsSvg.setAttribute('aria-label', `Target samples n_ε needed to reach ε = ${claim.eps} against source samples m: measured with 95 % intervals, the fitted caulk_m bound and the limit rate`);
  nepsSvg.setAttribute('aria-describedby', 'claim-summary');
  const scale = scaleOf(nepsSvg);
  if (scale) {
    const marks = el('g', { class: 'claim-marks' }, nepsSvg);
    for (const s of claim.series) {
      for (const r of s.rows) {
        // Every measured n_ε as a mark with its value (tests read them); unreached ones as
        // open triangles at n_max, labelled.
        const x = scale.px(r.m);
        const y = scale.py(r.n_eps ?? claim.n_max);
        const mark = r.n_eps === null
          ? el('path', { d: `M${x - 6},${y + 5}L${x},${y - 6}L${x + 6},${y + 5}Z`, class: `unreached series-${id(s.method)}` }, marks)
          : el('circle', { cx: x, cy: y, r: 4.5, class: `reached series-${id(s.method)}` }, marks);
        mark.setAttribute('data-series', s.label);
        mark.setAttribute('data-m', String(r.m));
        mark.setAttribute('data-neps', r.n_eps === null ? 'none' : String(r.n_eps));
        el('title', {}, mark).textContent = `${s.label}, m = ${count(r.m)}: n_ε ${nText(r.n_eps, claim.n_max)}`;
        if (r.n_eps === null) el('text', { x: x + 8, y: y - 6, class: 'tick' }, marks).textContent = `> ${count(claim.n_max)}`;
      }
    }
  }
  const lines: string[] = [`ε = ${claim.eps}; risk read at n = ${count(claim.n)}; the n grid ends at ${count(claim.n_max)}.`];
  for (const s of claim.series) {
    const reached = s.rows.filter((r) => r.n_eps !== null);
    const falls = reached.length >= 2 && reached.every((r, i) => i === 0 || r.n_eps! <= reached[i - 1].n_eps!);
    lines.push(
      `${s.label}: ` +
        s.rows
          .map((r) => `m = ${count(r.m)}: risk ${fmt(r.risk)} [${fmt(r.risk_lo)}, ${fmt(r.risk_hi)}], n_ε ${nText(r.n_eps, claim.n_max)} [${nText(r.n_eps_lo, claim.n_max)}, ${nText(r.n_eps_hi, claim.n_max)}], bound ${r.bound_n_eps === null ? 'floor ≥ ε' : count(r.bound_n_eps)}`)
          .join('; ') +
        `. ${falls ? 'n_ε falls as m grows.' : reached.length < 2 ? 'Too few m reach ε to tell a trend: raise ε or n.' : 'n_ε does not fall steadily with m here (see the intervals).'}` +
        ` Fitted caulk_m: C = ${fmt(s.c)}, C_pre = ${fmt(s.c_pre)}; the limit rate's n_ε = ${s.limit_n_eps === null ? '–' : count(s.limit_n_eps)}.`,
    );
  }
  summary.replaceChildren(
    ...lines.map((t) => {
      const li = document.createElement('li');
      li.textContent = t;
      return li;
    }),
  );
}

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
  const hit = el('rect', { x: scale.left, width: scale.right - scale.left, height: 40, class: 'eps-hit' }, g);
  const line = el('line', { x1: scale.left, x2: scale.right, class: 'eps-rule' }, g);
  const label = el('text', { x: scale.right - 6, 'text-anchor': 'end', class: 'eps-label' }, g);
  const short = (v: number) => String(+v.toPrecision(3));
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
