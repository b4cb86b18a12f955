// What the experiment panel shows of a sweep: its curves (mean line and 95 % band per curve,
// point by point while it runs; with the theory overlay and the best constant once done), the
// fitted slopes against the theory, and a table of every point.

import { mean_interval, t_interval } from '../pkg/caulk.js';
import { renderLogLog, type Series } from './plot';
import { count, signed } from './format';
import type { ClaimSeries, Curve, FinishedPoint, Pin, Results } from './types';

/**
 * The points as the plot shows them: reports of the same (curve, n) from several workers
 * (each with its share of the seeds) joined into one, its mean over all their seeds and the
 * 95 % interval a sweep's curve has (wasm `mean_interval`: none with fewer than 3 seeds).
 * A point reported by one worker only is shown as that worker computed it.
 */
export function joinPoints(reports: FinishedPoint[]): FinishedPoint[] {
  const byPoint = new Map<string, FinishedPoint[]>();
  for (const r of reports) {
    const key = `${r.label}\u0000${r.n}`;
    byPoint.set(key, [...(byPoint.get(key) ?? []), r]);
  }
  return [...byPoint.values()].map((parts) => {
    if (parts.length === 1) return parts[0];
    const risks = parts.flatMap((p) => p.risks);
    const k = risks.length;
    const mean = risks.reduce((a, r) => a + r, 0) / Math.max(1, k);
    const band = mean_interval(new Float64Array(risks));
    const [lo, hi] = band.length === 2 ? [band[0], band[1]] : [null, null];
    return { ...parts[0], risks, seeds: k, risk_mean: k ? mean : null, risk_lo: lo, risk_hi: hi };
  });
}


/** Shades for several m: lighter for smaller m. */
function shades(labels: string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const byMethod = new Map<string, string[]>();
  for (const l of labels) {
    const method = l.split(' ')[0];
    byMethod.set(method, [...(byMethod.get(method) ?? []), l]);
  }
  for (const group of byMethod.values()) {
    group.forEach((l, i) => out.set(l, group.length > 1 ? `shade-${Math.min(3, 3 - (group.length - 1 - i))}` : undefined));
  }
  return out;
}

/**
 * The curve the theory overlay follows: the preset's first curve with a theoretical slope
 * (and its fitted C); a `scratch` curve's (the from-scratch rate) only where every curve is
 * scratch (the scratch preset). None where the preset states no slope (peft).
 */
export function theoryCurve(results: Results): Curve | undefined {
  const theorised = results.curves.filter((c) => c.calibrated_c !== null && c.predicted_slope !== null);
  return results.curves.every((c) => c.method === 'scratch') ? theorised[0] : theorised.find((c) => c.method !== 'scratch');
}

/**
 * Draw into `plot` the curves of the final results (with the theory overlay `overlay`:
 * calibrated, raw or none), or while a sweep runs those of its finished `points` (by curve);
 * with neither, the plot says `empty`.
 */
export function drawCurves(
  plot: HTMLElement,
  results: Results | null,
  points: Map<string, FinishedPoint[]>,
  overlay: string,
  pins: Pin[] = [],
  measure: Measure = 'error',
  empty?: string,
): void {
  // Pins first, under the live curves: faded, one dash per pin, one legend row each.
  const series: Series[] = pins.flatMap((pin, k) =>
    pin.curves.map((c, i) => ({
      id: `m-${c.method}`,
      label: `pin ${pin.label}`,
      x: c.n,
      y: c.risk,
      variant: `pinned pin-${k}`,
      noLegend: i > 0,
    })),
  );
  const labels = results ? results.curves.map((c) => c.label) : [...points.keys()];
  const shade = shades(labels);
  const id = (method: string) => `m-${method}`;
  const real = results !== null && hasSecondMeasure(results);
  const squared = real && measure === 'squared';
  if (results) {
    for (const c of results.curves) {
      const loss = squared ? c.squared_loss : undefined;
      series.push({
        id: id(c.method),
        // An unsteady curve (src/experiment/run/steady.rs) says so in the legend, beside its slope
        // (the slope of the error rate: on the squared loss no slope is fitted).
        label: loss
          ? c.label
          : `${c.label}  ${c.slope === null ? '' : signed(c.slope)}${c.flags.some((f) => f.startsWith('unsteady')) ? '  (unsteady)' : ''}`,
        x: c.n,
        y: loss ? loss.mean : c.risk_mean,
        band: loss ? { lo: loss.lo, hi: loss.hi } : { lo: c.risk_lo, hi: c.risk_hi },
        dots: true,
        variant: shade.get(c.label),
      });
    }
    const first = theoryCurve(results);
    if (first && overlay !== 'none') {
      // C·n^slope with the theory's slope: C fitted to the data, or the config's C (raw).
      const slope = first.predicted_slope!;
      const raw = overlay === 'raw';
      // Several m: both finite-m readings fitted to them, per m, and the limit rate drawn with
      // the floor reading's C (the model's own m → ∞ limit), never with one curve's C.
      const model = raw ? undefined : modelOf(results, first);
      const scale = raw ? results.config.c : (model?.model?.c ?? first.calibrated_c!);
      const measuredAt = (m: number) => results.curves.find((c) => c.method === first.method && c.width === first.width && c.m === m);
      for (const row of model?.model?.rows ?? []) {
        const measured = measuredAt(row.m);
        series.push({
          id: 'model',
          label: `floor fit (caulk_m), m = ${count(row.m)}: ${heldText(row.heldout_n, row.heldout_miss)}`,
          x: measured?.n ?? first.n,
          y: row.fitted,
          variant: `fit-m-${first.method} ${measured ? (shade.get(measured.label) ?? '') : ''}`.trim(),
        });
      }
      const exponent = model?.models.find((r) => r.id === 'exponent');
      (exponent?.fitted ?? []).forEach((y, i) => {
        const m = model!.rows[i]?.m;
        const measured = m === undefined ? undefined : measuredAt(m);
        series.push({
          id: 'fit-exponent',
          label: `exponent fit (caulk_m_rate, model): slopes ${exponent!.exponents.map((e) => signed(e, 2)).join(', ')}`,
          x: measured?.n ?? first.n,
          y,
          noLegend: i > 0,
          variant: measured ? shade.get(measured.label) : undefined,
        });
      });
      const finiteM = atFiniteM(first);
      series.push({
        id: 'theory',
        label: raw
          ? `${finiteM ? 'limit' : 'theory'} ${signed(slope)}, raw (C = ${scale})`
          : model?.model
            ? `limit ${signed(slope)} (m → ∞), C of the floor fit`
            : `${finiteM ? 'limit' : 'theory'} ${signed(slope)}, C calibrated`,
        x: first.n,
        y: first.n.map((n) => scale * n ** slope),
      });
    }
    const span = results.curves[0]?.n ?? [];
    if (results.constant_risk !== null && span.length > 0 && !squared) {
      series.push({ id: 'constant', label: 'best constant', x: [span[0], span[span.length - 1]], y: [results.constant_risk, results.constant_risk] });
    }
  } else {
    for (const [label, reports] of points) {
      const sorted = joinPoints(reports).sort((a, b) => a.n - b.n);
      series.push({
        id: id(sorted[0].method),
        label,
        x: sorted.map((p) => p.n),
        y: sorted.map((p) => p.risk_mean),
        band: { lo: sorted.map((p) => p.risk_lo), hi: sorted.map((p) => p.risk_hi) },
        dots: true,
        variant: shade.get(label),
      });
    }
  }
  const what = squared ? 'squared loss on the test labels' : real || results?.config.preset === 'digits' ? 'test error rate' : 'excess risk on the test set';
  const svg = renderLogLog(plot, series, {
    title: `Measured ${what} against target sample size n, log-log`,
    xLabel: 'target samples n',
    yLabel: what,
    empty,
  });
  svg.setAttribute('aria-describedby', 'exp-summary');
}

/**
 * Whether a curve was measured at a finite source size m: its rate is then the m → ∞ limit,
 * which it need not reach, not a prediction for it. (`limit` runs the oracle, `scratch`
 * pre-trains nothing: their curves have no m.)
 */
function atFiniteM(c: Curve): boolean {
  return c.m !== null;
}

/** What the plot's y axis shows: the risk (an error rate on real data) or, where results carry it, the squared loss. */
export type Measure = 'error' | 'squared';

/** Whether results measure each fit twice (real data: error rate and squared loss). */
export function hasSecondMeasure(results: Results): boolean {
  return results.curves.some((c) => c.squared_loss !== undefined && c.squared_loss !== null);
}

/** A held-out check in words: whether the prediction of the held-out n lands inside its
 * measured interval, and the miss in units of its half-interval. */
export function heldText(n: number | null, miss: number | null): string {
  if (n === null) return 'no held-out check';
  if (miss === null) return `held-out n = ${count(n)}: no interval there`;
  return `held-out n = ${count(n)} ${Math.abs(miss) <= 1 ? 'inside' : 'outside'} (${signed(miss, 1)})`;
}

/** The claim series (with its fitted caulk_m model) of the curve the theory overlay follows. */
function modelOf(results: Results, first: Curve): ClaimSeries | undefined {
  return results.claim?.series.find((s) => s.method === first.method && s.width === first.width && s.model);
}

/** The fitted finite-m model in words: its constants, which are shared, its fit per m, where it misses. */
function modelLines(r: Results): string[] {
  const lines: string[] = [];
  for (const s of r.claim?.series ?? []) {
    const f = s.model;
    if (!f) continue;
    lines.push(
      `Floor reading caulk_m (this app's model) for ${s.label}: R = C·(n^${signed(f.exponent)} + C_pre·ε_pre(m)^s), exponent fixed at the limit's, C = ${f.c.toExponential(2)} and C_pre = ${f.c_pre.toExponential(2)} fitted once and shared by every m; fitted again without the largest n of every m, its prediction there is checked against each m's measured interval (miss in units of the half-interval: within ±1 is inside).`,
    );
    for (const reading of s.models) {
      const held = reading.heldout
        .map((h) => `m = ${count(h.m)} ${Math.round((Math.exp(h.log_error) - 1) * 100)} %${h.interval_miss === null ? '' : ` (${h.interval_miss.toFixed(1)} half-intervals)`}`)
        .join(', ');
      lines.push(`  ${reading.id} reading (${reading.bound}, ${reading.status}): ${reading.formula}; typical miss fitted on every m ${Math.round((Math.exp(reading.log_rms) - 1) * 100)} %; predicting each m from the others: ${held}.`);
    }
    for (const row of f.rows) {
      lines.push(
        `  m = ${count(row.m)}: ${heldText(row.heldout_n, row.heldout_miss)}, typical miss ${Math.round((Math.exp(row.log_rms) - 1) * 100)} %${row.miss ? `; the model misses here: ${row.miss}` : ''}.`,
      );
    }
  }
  return lines;
}

/**
 * The paired differences between methods on one backbone (same seeds' target data), one line
 * per (backbone, n): each method minus the reference with its 95 % Student-t interval, and
 * whether the interval excludes 0.
 */
function pairLines(r: Results): string[] {
  const groups = new Map<string, typeof r.method_pairs>();
  for (const p of r.method_pairs ?? []) {
    const key = `${p.reference}\u0000${p.m ?? '-'}\u0000${p.width}\u0000${p.n}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const fmt = (v: number) => signed(v, 4);
  return [...groups.values()].map((ps) => {
    const p0 = ps[0];
    const where = p0.m === null ? '' : ` (m = ${count(p0.m)})`;
    const items = ps.map((p) => {
      const verdict = p.d_risk_hi < 0 ? 'lower, resolved' : p.d_risk_lo > 0 ? 'higher, resolved' : 'not resolved';
      return `${p.method} ${fmt(p.d_risk)} [${fmt(p.d_risk_lo)}, ${fmt(p.d_risk_hi)}] ${verdict}`;
    });
    return `Paired against ${p0.reference}${where} at n = ${count(p0.n)}, ${p0.seeds} seeds (risk difference, 95 % t interval): ${items.join('; ')}.`;
  });
}

/** n_ε read off a curve: the smallest n whose mean risk is at most ε (interpolated), or why none. */
function nEpsMeasured(c: Curve, eps: number): string {
  if (c.n_eps !== null && c.n_eps <= c.n[0]) return `n_ε ≤ ${count(c.n[0])} for ε = ${eps} (reached at the first n)`;
  if (c.n_eps !== null) return `n_ε ≈ ${count(c.n_eps)} for ε = ${eps}`;
  const measured = c.n.filter((_, j) => c.risk_mean[j] !== null);
  return measured.length === 0 ? 'no finished point' : `ε = ${eps} not reached by n = ${count(measured[measured.length - 1])}`;
}

/** The fitted slopes against the theory (a list into `summary`) and every point (`table`). */
export function summarise(r: Results, summary: HTMLElement, table: HTMLElement): void {
  const real = hasSecondMeasure(r);
  const lines: string[] = [`What to expect, and what it rests on: ${r.prediction}.`];
  const eps = r.config.eps;
  // A flag every curve carries (a short n-window: "rests on 3 points") is said once.
  const shared = r.curves.length > 1 ? r.curves[0].flags.filter((f) => r.curves.every((c) => c.flags.includes(f))) : [];
  for (const f of shared) lines.push(`Note (every curve): ${f}.`);
  for (const c of r.curves) {
    const fitted =
      c.slope === null
        ? 'no slope (too few points)'
        : c.slope_lo === null || c.slope_hi === null
          ? `fitted slope ${signed(c.slope)} (no interval: ${Math.min(...c.seeds_done)} seed${Math.min(...c.seeds_done) === 1 ? '' : 's'} at some n, or seeds that differ across n)`
          : `fitted slope ${signed(c.slope)} (95 % CI ${signed(c.slope_lo)} to ${signed(c.slope_hi)})`;
    const theory = c.predicted_slope === null ? '' : `; ${atFiniteM(c) ? 'limit (m → ∞)' : 'theory'} ${signed(c.predicted_slope)}`;
    const params = c.trainable === null ? '' : `; ${c.trainable} trainable parameters`;
    lines.push(`${c.label}: ${fitted}${theory}; ${nEpsMeasured(c, eps)}${params}.`);
    if (c.shapes) lines.push(`  Shape (${c.label}): ${c.shapes.verdict}.`);
    for (const note of [...c.flags.filter((f) => !shared.includes(f)), ...c.notes]) lines.push(`  Note (${c.label}): ${note}.`);
  }
  lines.push(...modelLines(r));
  lines.push(...pairLines(r));
  const imported = r.backend.startsWith('imported');
  if (imported) lines.push('These are your numbers: nothing here was trained, and no steadiness check applies.');
  else lines.push(
    r.steadiness
      ? `Steadiness check: ${r.steadiness}.`
      : 'Steadiness not checked in this browser run (the CLI and the precomputed results check it by running seed 0 again from starting weights perturbed at f32 rounding; set jitter = 1e-6 under Advanced to compare by hand).',
  );
  if (r.constant_risk !== null) {
    lines.push(`The best constant predictor has risk ${r.constant_risk.toExponential(2)} (dotted line).`);
    lines.push(...belowConstant(r, r.constant_risk));
  }
  summary.replaceChildren(
    ...lines.map((t) => {
      const li = document.createElement('li');
      li.textContent = t;
      return li;
    }),
  );
  const head = document.createElement('tr');
  const columns = real
    ? ['curve', 'n', 'mean error', '95 % interval', 'mean squared loss', '95 % interval', 'interval method', 'seeds']
    : ['curve', 'n', 'mean risk', '95 % interval', 'interval method', 'seeds'];
  for (const h of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const rows = r.curves.flatMap((c) =>
    c.n.map((n, j) => {
      const tr = document.createElement('tr');
      const fmt = (v: number | null) => (v === null ? '–' : v.toExponential(3));
      const loss = c.squared_loss;
      const band = (lo: number | null, hi: number | null) =>
        lo === null || hi === null ? `no interval (${c.seeds_done[j]} seed${c.seeds_done[j] === 1 ? '' : 's'})` : `${fmt(lo)} – ${fmt(hi)}`;
      const second = real ? [loss ? fmt(loss.mean[j]) : '–', loss ? band(loss.lo[j], loss.hi[j]) : '–'] : [];
      // Results baked before the intervals said their method carry none (a bootstrap).
      const method = c.interval ? `mean ${c.interval.risk}, slope ${c.interval.slope}` : 'bootstrap (older results)';
      for (const v of [c.label, String(n), fmt(c.risk_mean[j]), band(c.risk_lo[j], c.risk_hi[j]), ...second, method, String(c.seeds_done[j])]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    }),
  );
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...rows);
  table.replaceChildren(thead, tbody);
}

/**
 * Per n where some curve has not beaten the best constant predictor: which curves lie below it
 * (have learned something) and which do not, in one line each.
 */
export function belowConstant(r: Results, constant: number): string[] {
  const grid = r.curves[0]?.n ?? [];
  return grid.flatMap((n, j) => {
    const at = r.curves.filter((c) => c.risk_mean[j] !== null && c.risk_mean[j] !== undefined);
    // Each curve's risk minus the constant's, seed by seed where the seeds pair (the constant
    // is each seed's test set's), with a Student-t interval; else the curve's own interval.
    const side = (c: (typeof at)[number]): 'below' | 'above' | 'open' => {
      const seeds = c.risks[j] ?? [];
      let lo = c.risk_lo[j] ?? null;
      let hi = c.risk_hi[j] ?? null;
      if (seeds.length === r.constant_risks.length && seeds.length >= 2) {
        const d = t_interval(new Float64Array(seeds.map((v, i) => v - r.constant_risks[i])));
        if (d.length === 3) [lo, hi] = [constant + d[1], constant + d[2]];
      }
      if (hi !== null && hi < constant) return 'below';
      if (lo !== null && lo > constant) return 'above';
      return 'open';
    };
    const sides = at.map((c) => ({ label: c.label, side: side(c) }));
    const of = (k: string) => sides.filter((s) => s.side === k).map((s) => s.label);
    const [below, open, above] = [of('below'), of('open'), of('above')];
    if (open.length === 0 && above.length === 0) return [];
    const parts = [
      below.length > 0 ? `below the best constant predictor, resolved: ${below.join(', ')}` : 'no curve lies resolvably below the best constant predictor',
      open.length > 0 ? `not resolved from it (the interval of its paired difference holds 0: read as not yet shown to have learned anything): ${open.join(', ')}` : '',
      above.length > 0 ? `above it, resolved (learned nothing beyond a constant): ${above.join(', ')}` : '',
    ].filter((t) => t !== '');
    return [`At n = ${count(n)}, ${parts.join('; ')}.`];
  });
}
