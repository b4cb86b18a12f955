// The theory panel's figures without KaTeX (the embed and the experiment views use them): the
// risk-vs-n plot of the selected bounds, the (α, d) phase diagram, n_ε against m and the
// summary. The formula cards are in formula-cards.ts, the whole panel's redraw in
// theory-page.ts, the number formats every panel shares in format.ts. Everything is drawn
// from one BoundsReport.

import { renderLogLog, type Series } from './plot';
import { movePhaseMark, phaseMap, renderPhase } from './phase';
import { drawEpsLine } from './eps-line';
import type { BoundCurve, BoundsReport } from './types';
import { count, signed, text } from './format';

/** Curves grouped by bound id, in registry order. */
export function groups(report: BoundsReport): BoundCurve[][] {
  const out = new Map<string, BoundCurve[]>();
  for (const b of report.bounds) out.set(b.id, [...(out.get(b.id) ?? []), b]);
  return [...out.values()];
}

export function nEpsText(b: BoundCurve, eps: number): string {
  return b.n_eps === null ? `n_ε: none (${b.n_eps_note ?? 'no reason given'})` : `n_ε = ${count(b.n_eps)} for ε = ${eps}`;
}

/** ε is being dragged on the plot: it is not redrawn under the pointer meanwhile. */
let epsDragging = false;

/**
 * The risk-vs-n plot into #plot (described by #summary), with the ε line; `onEps` (when
 * given) makes the line draggable and sets ε.
 */
export function drawRisk(report: BoundsReport, onEps?: (value: string) => void): void {
  if (epsDragging) return;
  const series: Series[] = groups(report).flatMap((g) =>
    g.map((b, i) => ({
      id: b.id,
      label: `${b.label}  ${signed(b.slope)}`,
      x: b.n,
      y: b.risk,
      // Several m: lighter for smaller m, the largest m darkest.
      variant: g.length > 1 ? `shade-${Math.min(3, 3 - (g.length - 1 - i))}` : undefined,
    })),
  );
  const svg = renderLogLog(document.getElementById('plot')!, series, {
    title: 'Excess risk against target sample size n, log-log',
    xLabel: 'target samples n',
    yLabel: `excess risk (scale C = ${report.params.c})`,
  });
  svg.setAttribute('aria-describedby', 'summary');
  svg.setAttribute('aria-label', `Excess-risk bounds against target sample size n, log-log, with the target error ε = ${report.params.eps}`);
  if (onEps) {
    drawEpsLine(
      svg,
      report.params.eps,
      (v) => {
        epsDragging = true;
        onEps(v);
      },
      (v) => {
        epsDragging = false;
        onEps(v);
        (document.querySelector('#plot .eps-line') as HTMLElement | null)?.focus();
      },
    );
  }
}

let phaseKey = '';

let lastPhase: BoundsReport | null = null;

/** The comparison the phase diagram shows (its switch; the first without one). */
function phaseChoice(): string {
  return (document.querySelector('input[name="phase-compare"]:checked') as HTMLInputElement | null)?.value ?? 'equal_beta';
}

export function drawPhase(report: BoundsReport): void {
  lastPhase = report;
  const p = report.phase;
  const id = phaseChoice();
  // The cells depend on β, s_φ and the comparison; redraw them only when one changed,
  // otherwise move the mark.
  const key = `${report.params.beta} ${report.params.s_phi} ${id}`;
  const host = document.getElementById('phase')!;
  if (key !== phaseKey || !host.querySelector('svg')) {
    renderPhase(host, p, id);
    phaseKey = key;
  } else {
    movePhaseMark(host, p, id);
  }
  const [a, d] = p.current;
  const map = phaseMap(p, id);
  const gap = `exponent gap ${map.gap_now >= 0 ? '+' : '−'}${Math.abs(map.gap_now).toFixed(3)}`;
  document.getElementById('phase-text')!.textContent =
    map.id === 'equal_beta'
      ? `At α = ${a} and d = ${d}, α·d = ${+(a * d).toFixed(4)} ${map.caulk_wins ? '>' : '≤'} 1: caulking's rate ` +
        `${map.caulk_wins ? 'beats' : 'does not beat'} learning a β-smooth target from scratch in d dimensions (${gap}; for equal β the boundary is α·d = 1, whatever β). ` +
        `Colour: caulking's exponent 2s/(2s+1) minus scratch's 2β/(2β+d). The other comparison, against the same composite target, is one switch away.`
      : `At α = ${a} and d = ${d}, d ${map.caulk_wins ? '>' : '≤'} min(s_φ, 1) = ${Math.min(report.params.s_phi, 1)}: caulking's rate ` +
        `${map.caulk_wins ? 'beats' : 'does not beat'} learning the same composite target from scratch (${gap}), whose smoothness is s* = αβ·min(s_φ, 1): ` +
        `caulking's exponent 2s/(2s+1) is larger whenever d > min(s_φ, 1), whatever α. Colour: 2s/(2s+1) minus 2s*/(2s*+d), the from-scratch curve of the plot above.`;
  document.getElementById('phase-text')!.textContent += ` Status: ${map.status}.`;
}

/** Redraw the phase diagram when its comparison switch changes. */
export function wirePhaseSwitch(): void {
  for (const radio of document.querySelectorAll('input[name="phase-compare"]')) {
    radio.addEventListener('change', () => {
      if (lastPhase) drawPhase(lastPhase);
    });
  }
}

export function drawNEps(report: BoundsReport): void {
  const c = report.n_eps_vs_m;
  const rate = report.n_eps_vs_m_rate;
  const series: Series[] = [
    { id: 'caulk_m', label: 'floor reading caulk_m (model)', x: c.m, y: c.n_eps },
    { id: 'caulk_m_rate', label: 'rising-exponent reading caulk_m_rate (model)', x: rate.m, y: rate.n_eps },
  ];
  if (c.limit !== null) {
    series.push({ id: 'caulk_limit', label: 'limit m → ∞ (paper\'s rate)', x: [c.m[0], c.m[c.m.length - 1]], y: [c.limit, c.limit] });
  }
  renderLogLog(document.getElementById('neps')!, series, {
    title: 'Target samples needed to reach ε, against source samples m',
    xLabel: 'source samples m',
    yLabel: `n_ε for ε = ${report.params.eps}`,
    legend: 'top-right',
    size: [440, 340],
  });
  const first = c.n_eps.findIndex((v) => v !== null);
  const top = count(c.m[c.m.length - 1]);
  const note =
    first < 0
      ? `Up to m = ${top} the pre-training floor is above ε: no number of target samples reaches it.`
      : first > 0
        ? `Below m ≈ ${count(c.m[first])} the pre-training floor is above ε, so no n reaches it.`
        : `Every m from ${count(c.m[0])} to ${top} reaches ε.`;
  document.getElementById('neps-text')!.textContent = `Floor reading: ${note} Rising-exponent reading: no floor, so every m reaches ε, with n_ε ${
    rate.n_eps[0] === null ? '' : `${count(rate.n_eps[0])} at m = ${count(rate.m[0])}, `
  }falling as the exponent rises. In both models (this app's, status model) n_ε falls toward the limit rate's ${c.limit === null ? 'value' : count(c.limit)}.`;
}

/** One line per curve into #summary. */
export function drawSummary(report: BoundsReport): void {
  const lines = report.bounds.map(
    (b) => `${b.label} [${b.status}]: slope ${signed(b.slope)}, ${nEpsText(b, report.params.eps)}.`,
  );
  const head = `s = αβ = ${+report.params.s.toFixed(4)}, s* = ${+report.params.s_star.toFixed(4)}, d = ${report.params.d}.`;
  document.getElementById('summary')!.replaceChildren(...[head, ...lines].map((t) => text('li', t)));
}

/** Run `f` as performance measure `caulk:<name>` (read by www/bench/theory.mjs). */
export function timed<T>(name: string, f: () => T): T {
  const start = performance.now();
  const out = f();
  performance.measure(`caulk:${name}`, { start, end: performance.now() });
  return out;
}
