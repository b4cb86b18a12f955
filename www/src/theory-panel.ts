// The theory panel: risk-vs-n plot of the selected bounds, formula cards (KaTeX, symbolic and
// with the current numbers, both from the same Rust report as the plot), the (α, d) phase
// diagram and n_ε against m. Everything is drawn from one BoundsReport.

import katex from 'katex';
import { renderLogLog, type Series } from './plot';
import { renderPhase } from './phase';
import { badge } from './controls';
import type { BoundCurve, BoundsReport } from './types';

/** Signed number with a real minus sign. */
export function signed(v: number, digits = 3): string {
  return v.toFixed(digits).replace('-', '−');
}

function count(v: number): string {
  return v >= 1e9 ? v.toExponential(2) : Math.round(v).toLocaleString('en');
}

function tex(host: HTMLElement, source: string): void {
  katex.render(source, host, { throwOnError: false, output: 'html' });
}

function text<K extends keyof HTMLElementTagNameMap>(tag: K, content: string, cls?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = content;
  if (cls) node.className = cls;
  return node;
}

/** Curves grouped by bound id, in registry order. */
function groups(report: BoundsReport): BoundCurve[][] {
  const out = new Map<string, BoundCurve[]>();
  for (const b of report.bounds) out.set(b.id, [...(out.get(b.id) ?? []), b]);
  return [...out.values()];
}

function nEpsText(b: BoundCurve, eps: number): string {
  return b.n_eps === null ? `n_ε: none (${b.n_eps_note ?? 'no reason given'})` : `n_ε = ${count(b.n_eps)} for ε = ${eps}`;
}

function drawRisk(report: BoundsReport): void {
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
}

function drawFormulas(report: BoundsReport): void {
  const host = document.getElementById('formulas')!;
  const cards = groups(report).map((g) => {
    const first = g[0];
    const card = document.createElement('article');
    card.className = `formula-card card-${first.id}`;
    card.dataset.id = first.id;
    const head = document.createElement('h3');
    head.append(text('span', first.name), badge(first.status));
    const cite = text('p', first.citation, 'citation');
    const symbolic = text('div', '', 'formula');
    tex(symbolic, `R(n) = ${first.formula}`);
    const rows = document.createElement('ul');
    rows.className = 'formula-rows';
    for (const b of g) {
      const li = document.createElement('li');
      const values = text('span', '', 'formula-values');
      tex(values, `R(n) = ${b.formula_values}`);
      const facts = text(
        'span',
        `slope over n ∈ [${count(report.params.n_min)}, ${count(report.params.n_max)}]: ${signed(b.slope)} (n-exponent ${signed(b.exponent)}); ${nEpsText(b, report.params.eps)}`,
        'facts',
      );
      li.append(values, facts);
      rows.append(li);
    }
    card.append(head, cite, symbolic, rows, text('p', `Holds when: ${first.conditions}`, 'conditions'));
    if (first.violated) card.append(text('p', `Condition violated: ${first.violated}`, 'violated'));
    return card;
  });
  host.replaceChildren(...cards);
}

let phaseKey = '';

function drawPhase(report: BoundsReport): void {
  const p = report.phase;
  // The cells depend on β only; redraw them only when β changed, otherwise move the mark.
  const key = `${report.params.beta}`;
  const host = document.getElementById('phase')!;
  if (key !== phaseKey || !host.querySelector('svg')) {
    renderPhase(host, p);
    phaseKey = key;
  } else {
    const svg = host.querySelector('svg')!;
    const fresh = renderPhase(document.createElement('div'), p);
    svg.replaceWith(fresh);
  }
  const [a, d] = p.current;
  document.getElementById('phase-text')!.textContent =
    `At α = ${a} and d = ${d}, α·d = ${+(a * d).toFixed(4)} ${p.caulk_wins ? '>' : '≤'} 1: caulking's rate ` +
    `${p.caulk_wins ? 'beats' : 'does not beat'} learning a β-smooth target from scratch in d dimensions (for equal β the boundary is α·d = 1, whatever β). ` +
    `The from-scratch curve above is for the composite's own smoothness s* = s_φ·αβ instead; against that one caulking's exponent is larger whenever d > s_φ (here d = ${d}, s_φ = ${report.params.s_phi}).`;
}

function drawNEps(report: BoundsReport): void {
  const c = report.n_eps_vs_m;
  const series: Series[] = [{ id: 'caulk_m', label: 'caulking at finite m (model)', x: c.m, y: c.n_eps }];
  if (c.limit !== null) {
    series.push({ id: 'caulk_limit', label: 'limit m → ∞ (paper)', x: [c.m[0], c.m[c.m.length - 1]], y: [c.limit, c.limit] });
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
  document.getElementById('neps-text')!.textContent = `${note} As m grows, n_ε falls toward the limit rate's ${
    c.limit === null ? 'value' : count(c.limit)
  }.`;
}

function drawSummary(report: BoundsReport): void {
  const lines = report.bounds.map(
    (b) => `${b.label} [${b.status}]: slope ${signed(b.slope)}, ${nEpsText(b, report.params.eps)}.`,
  );
  const head = `s = αβ = ${+report.params.s.toFixed(4)}, s* = ${+report.params.s_star.toFixed(4)}, d = ${report.params.d}.`;
  document.getElementById('summary')!.replaceChildren(...[head, ...lines].map((t) => text('li', t)));
}

/** Redraw the whole panel from `report`. */
export function drawTheory(report: BoundsReport): void {
  drawRisk(report);
  drawFormulas(report);
  drawPhase(report);
  drawNEps(report);
  drawSummary(report);
}
