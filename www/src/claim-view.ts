// The title claim as figures: from the measured curves of a result with several m (the Rust
// `claim` table, src/experiment/analysis/claim.rs), (a) the risk at one n against m and (b) n_ε against
// m with 95 % intervals, beside the calibrated `caulk_m` bound's n_ε(m) and the limit
// rate's n_ε as the floor. An n_ε not reached inside the n grid is drawn at n_max as an
// open triangle pointing up, labelled "> n_max", never extrapolated. ε is set by dragging
// a horizontal line on the measured-curves plot (eps-line.ts), by keyboard on that line,
// or by the slider beside these figures.

import { claim_of, set_key, switch_preset } from '../pkg/caulk.js';
import { el, renderLogLog, scaleOf, type Series } from './plot';
import { count } from './format';
import type { Claim, Results } from './types';

const fmt = (v: number | null) => (v === null ? '–' : v.toExponential(2));

type Step = Claim['series'][number]['paired'][number];
type Row = Claim['series'][number]['rows'][number];

/**
 * Marks each step between neighbouring m on a claim figure by a paired change `change`
 * ([value, lo, hi], null where there is none): ▼ a resolved fall, ▲ a resolved rise, ○ not
 * resolved, between the two rows' `value`s, in the colour of the series' own line (style.css
 * gives each method its colour), with `title` as its tooltip.
 */
function stepMarks(
  svg: SVGSVGElement,
  claim: Claim,
  value: (r: Row) => number | null,
  change: (p: Step) => number[] | null,
  title: (s: Claim['series'][number], p: Step, d: number[], how: string) => string,
): void {
  const scale = scaleOf(svg);
  if (!scale) return;
  const steps = el('g', { class: 'claim-steps' }, svg);
  for (const s of claim.series) {
    const line = svg.querySelector(`path.series[data-id="${id(s.method)}"]`);
    const colour = line ? getComputedStyle(line).stroke : '';
    for (const p of s.paired) {
      const d = change(p);
      const [a, b] = [s.rows.find((r) => r.m === p.m_from), s.rows.find((r) => r.m === p.m_to)].map((r) => (r ? value(r) : null));
      if (!d || !a || !b) continue;
      const kind = d[2] < 0 ? 'fall' : d[1] > 0 ? 'rise' : 'open';
      const mark = el('text', { x: scale.px(Math.sqrt(p.m_from * p.m_to)), y: scale.py(Math.sqrt(a * b)) - 8, class: `step-mark step-${kind}`, 'text-anchor': 'middle' }, steps);
      mark.textContent = kind === 'fall' ? '▼' : kind === 'rise' ? '▲' : '○';
      if (colour) mark.style.fill = colour;
      mark.setAttribute('data-step', `${p.m_from}-${p.m_to}`);
      mark.setAttribute('data-resolved', kind === 'open' ? 'no' : 'yes');
      el('title', {}, mark).textContent = title(s, p, d, kind === 'open' ? 'not resolved' : 'resolved');
    }
  }
}
/** A measured n_ε: "> n_max" where not reached, "≤ n_min" where the grid's first point already reaches ε. */
const nText = (v: number | null, nMax: number, nMin = 0) => (v === null ? `> ${count(nMax)}` : v <= nMin ? `≤ ${count(nMin)}` : count(v));
/** The fitted bound's n_ε, "extrapolated" beyond the grid. */
const boundText = (v: number | null, nMax: number) => (v === null ? 'floor ≥ ε' : v > nMax ? `${count(v)} (extrapolated beyond the grid)` : count(v));

/** Class suffix of a series (colours follow the method, as on the curves plot). */
const id = (method: string) => `m-${method}`;

/**
 * Draw the claim into `riskHost` (risk at n against m) and `nepsHost` (n_ε against m), its
 * text alternative into `summary`; with no claim, say why in both.
 */
export function drawClaim(claim: Claim | null, riskHost: HTMLElement, nepsHost: HTMLElement, summary: HTMLElement, why: string): void {
  const verdict = document.getElementById('claim-verdict');
  verdict?.replaceChildren(
    ...(claim?.series ?? [])
      .map((s) => s.verdict)
      .filter((v): v is string => !!v)
      .map((v) => {
        const li = document.createElement('li');
        li.textContent = v;
        return li;
      }),
  );
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
  // Each step between neighbouring m marked by its paired risk change (the same seeds' target
  // data at every m).
  stepMarks(riskSvg, claim, (r) => r.risk, (p) => [p.d_risk, p.d_risk_lo, p.d_risk_hi], (s, p, d, how) =>
    `${s.label}, m = ${count(p.m_from)} → ${count(p.m_to)}: paired risk change at n = ${count(p.n_risk)} ${fmt(d[0])} [${fmt(d[1])}, ${fmt(d[2])}] over ${p.seeds} seeds, ${how}`);

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
  // Each step whose both curves reach ε marked by its paired change of n_ε (jackknife over the
  // seeds), as on the risk figure.
  stepMarks(nepsSvg, claim, (r) => r.n_eps, (p) => p.d_log_n_eps ?? null, (s, p, d, how) =>
    `${s.label}, m = ${count(p.m_from)} → ${count(p.m_to)}: n_ε × ${Math.exp(d[0]).toFixed(2)} [${Math.exp(d[1]).toFixed(2)}, ${Math.exp(d[2]).toFixed(2)}], paired over ${p.seeds} seeds (jackknife), ${how}`);
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
        el('title', {}, mark).textContent = `${s.label}, m = ${count(r.m)}: n_ε ${nText(r.n_eps, claim.n_max, claim.n_min)}`;
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
          .map((r) => `m = ${count(r.m)}: risk ${fmt(r.risk)} [${fmt(r.risk_lo)}, ${fmt(r.risk_hi)}], n_ε ${nText(r.n_eps, claim.n_max, claim.n_min)} [${nText(r.n_eps_lo, claim.n_max, claim.n_min)}, ${nText(r.n_eps_hi, claim.n_max, claim.n_min)}], floor reading's bound ${boundText(r.bound_n_eps, claim.n_max)}`)
          .join('; ') +
        `. ${falls ? 'n_ε falls as m grows.' : reached.length < 2 ? 'Too few m reach ε to tell a trend: raise ε or n.' : 'n_ε does not fall steadily with m here (see the intervals).'}` +
        ` Fitted caulk_m (model): C = ${fmt(s.c)}, C_pre = ${fmt(s.c_pre)}; the limit rate's n_ε with that C = ${s.limit_n_eps === null ? '–' : boundText(s.limit_n_eps, claim.n_max)}.`,
    );
    if (s.paired.length > 0)
      lines.push(
        `${s.label}, paired steps at n = ${count(s.paired[0].n_risk)} (▼ resolved fall, ▲ resolved rise, ○ not resolved): ` +
          s.paired
            .map((p) => `m = ${count(p.m_from)} → ${count(p.m_to)}: ${fmt(p.d_risk)} [${fmt(p.d_risk_lo)}, ${fmt(p.d_risk_hi)}] ${p.d_risk_hi < 0 ? '▼' : p.d_risk_lo > 0 ? '▲' : '○'}`)
            .join('; ') +
          '.',
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
 * The claim figures, where the page has them (`#claim-risk`, `#claim-neps`, `#claim-summary`,
 * `#ctl-at_n`), from the final `results` of a sweep for the ε and at_n of `fragment`; with
 * none, why not (`running`: a sweep is in progress). The at_n menu lists the results' n grid.
 */
export function drawClaimFigures(results: Results | null, fragment: string, running: boolean): void {
  const risk = document.getElementById('claim-risk');
  const neps = document.getElementById('claim-neps');
  const summary = document.getElementById('claim-summary');
  if (!risk || !neps || !summary) return;
  let claim: Claim | null = null;
  let why = 'The claim figures need the results of a finished sweep.';
  if (results) {
    try {
      claim = claim_of(results, fragment) as Claim | null;
      why = 'The claim needs curves at two or more source sizes m (the headline preset, or add m).';
    } catch (e) {
      why = `No claim: ${e instanceof Error ? e.message : String(e)}.`;
    }
  } else if (running) {
    why = 'The claim figures appear when the sweep has finished (they need every seed).';
  }
  const offers = results && !claim ? claimOffers(results, fragment) : [];
  showOffers(offers, why, risk);
  drawClaim(claim, risk, neps, summary, why);
  const select = document.getElementById('ctl-at_n') as HTMLSelectElement | null;
  if (select) {
    const grid = results?.curves[0]?.n ?? [];
    const want = grid.map(String).join(',');
    if (select.dataset.grid !== want) {
      select.replaceChildren(...grid.map((n) => new Option(n.toLocaleString('en'), String(n))));
      select.dataset.grid = want;
    }
    select.disabled = grid.length === 0;
    if (claim) select.value = String(claim.n);
  }
}

/** A link that would draw the claim: its text and the fragment it opens. */
interface Offer {
  text: string;
  fragment: string;
}

/**
 * What would draw the claim for results that cannot (one m): the headline preset, and on a
 * preset that pre-trains, the same config with a second m ten times the largest.
 */
function claimOffers(results: Results, fragment: string): Offer[] {
  const offers: Offer[] = [];
  try {
    offers.push({ text: 'Open the headline preset (three m, measured)', fragment: (switch_preset(fragment, 'headline') as { fragment: string }).fragment });
    const ms = results.config.m;
    if (ms.length > 0 && results.config.preset !== 'limit' && results.config.preset !== 'scratch') {
      const top = Math.max(...ms);
      const next = Math.min(top * 10, 1_000_000);
      if (next > top) {
        offers.push({ text: `Add m = ${count(next)} to this configuration`, fragment: (set_key(fragment, 'm', [...ms, next].join(',')) as { fragment: string }).fragment });
      }
    }
  } catch {
    // A refused key leaves only the offers made so far.
  }
  return offers;
}

/** With offers, the figures give way to why there is no claim and the links that make one. */
function showOffers(offers: Offer[], why: string, riskHost: HTMLElement): void {
  const box = document.getElementById('claim-offer');
  const figures = riskHost.closest('.claim-figures') as HTMLElement | null;
  if (!box) return;
  box.hidden = offers.length === 0;
  if (figures) figures.hidden = offers.length > 0;
  if (offers.length === 0) return;
  const p = document.createElement('p');
  p.textContent = `${why} The claim compares the same method across pre-training sizes m.`;
  const links = offers.map((o) => {
    const a = document.createElement('a');
    a.href = `#${o.fragment}`;
    a.textContent = o.text;
    a.className = 'button-link';
    return a;
  });
  box.replaceChildren(p, ...links);
}
