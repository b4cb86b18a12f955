// Caulk Lab page: the state is the canonical URL fragment; Rust (wasm) parses, validates and
// rewrites it, and computes the bounds. This file only wires controls, plot and text.
// Every string that may come from a URL reaches the DOM through textContent, never as HTML.

import init, { bounds, key_specs, parse_fragment, probe, set_key } from '../pkg/caulk.js';
import { renderLogLog } from './plot';
import type { BoundsReport, DeviceReport, KeySpec, Parsed } from './types';

/** Keys with a slider, in display order. */
const SLIDERS = ['alpha', 'beta', 'd'] as const;

/** Slider step per key kind. */
const STEP: Record<string, number> = { float: 0.01, int: 1 };

const STATUS_TEXT: Record<string, string> = {
  paper: 'from the paper',
  standard: 'published result',
  model: 'modelling assumption',
};

let fragment = '';

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page is missing #${id}`);
  return node as T;
}

/** Signed number with a real minus sign. */
function signed(v: number, digits = 3): string {
  return v.toFixed(digits).replace('-', '−');
}

function showMessages(p: Parsed): void {
  const box = byId('messages');
  const items: [string, string][] = [
    ...p.errors.map((e) => ['error', `${e.key}: ${e.message}. Using the default for ${e.key}.`] as [string, string]),
    ...p.warnings.map((w) => ['warning', w] as [string, string]),
  ];
  box.replaceChildren(
    ...items.map(([cls, text]) => {
      const li = document.createElement('li');
      li.className = cls;
      li.textContent = text;
      return li;
    }),
  );
  box.hidden = items.length === 0;
}

function buildControls(specs: KeySpec[]): void {
  const form = byId('controls');
  for (const key of SLIDERS) {
    const spec = specs.find((s) => s.key === key);
    if (!spec) throw new Error(`no key spec for ${key}`);
    const step = STEP[spec.kind] ?? 1;
    const row = document.createElement('div');
    row.className = 'control';
    const label = document.createElement('label');
    label.htmlFor = `ctl-${key}`;
    label.textContent = spec.help;
    const input = document.createElement('input');
    input.type = 'range';
    input.id = `ctl-${key}`;
    input.name = key;
    input.min = String(spec.min_open ? spec.min + step : spec.min);
    input.max = String(spec.max);
    input.step = String(step);
    const out = document.createElement('output');
    out.id = `out-${key}`;
    out.htmlFor.add(input.id);
    input.addEventListener('input', () => update(set_key(fragment, key, input.value) as Parsed));
    row.append(label, input, out);
    form.append(row);
  }
}

function syncControls(p: Parsed): void {
  for (const key of SLIDERS) {
    const value = String(p.config[key]);
    const input = byId<HTMLInputElement>(`ctl-${key}`);
    if (input.value !== value) input.value = value;
    byId(`out-${key}`).textContent = value;
  }
}

function draw(): void {
  const report = bounds(fragment) as BoundsReport;
  const { params } = report;
  const svg = renderLogLog(
    byId('plot'),
    report.bounds.map((b) => ({
      id: b.id,
      label: `${b.name} [${b.status}]  slope ${signed(b.slope)}`,
      x: b.n,
      y: b.risk,
    })),
    {
      title: 'Excess risk against target sample size n, log-log',
      xLabel: 'target samples n',
      yLabel: `excess risk (scale C = ${params.c})`,
    },
  );
  const lines = report.bounds.map((b) => {
    const nEps = b.n_eps === null ? `no finite n_ε (${b.n_eps_note ?? 'unknown'})` : `n_ε = ${b.n_eps.toLocaleString('en')}`;
    return `${b.name} (${STATUS_TEXT[b.status] ?? b.status}: ${b.citation}): slope ${signed(b.slope)}, ${nEps} for ε = ${params.eps}.`;
  });
  const [limit, scratch] = report.bounds;
  const ratio = limit && scratch ? limit.slope / scratch.slope : NaN;
  const head = `With s = αβ = ${params.s.toFixed(3)} and d = ${params.d}, the caulking exponent is ${
    Number.isFinite(ratio) ? ratio.toFixed(2) : '?'
  }× the from-scratch exponent.`;
  const summary = byId('summary');
  summary.replaceChildren(
    ...[head, ...lines].map((t) => {
      const li = document.createElement('li');
      li.textContent = t;
      return li;
    }),
  );
  svg.setAttribute('aria-label', [head, ...lines].join(' '));
}

function update(p: Parsed): void {
  fragment = p.fragment;
  showMessages(p);
  if (location.hash.slice(1) !== fragment) history.replaceState(null, '', `#${fragment}`);
  syncControls(p);
  draw();
}

async function showDevice(backend: string): Promise<void> {
  const line = byId('device');
  try {
    const report = (await probe(backend)) as DeviceReport;
    line.textContent = report.line;
    line.dataset.gpu = String(report.gpu);
  } catch (e) {
    line.textContent = `CPU fallback: device probe failed (${String(e)})`;
    line.dataset.gpu = 'false';
  }
}

async function main(): Promise<void> {
  try {
    await init({ module_or_path: new URL('caulk_bg.wasm', import.meta.url) });
  } catch (e) {
    const box = byId('messages');
    const li = document.createElement('li');
    li.className = 'error';
    li.textContent = `The compute module could not be loaded (${String(e)}). This page needs WebAssembly.`;
    box.replaceChildren(li);
    box.hidden = false;
    byId('device').textContent = 'No compute device: WebAssembly failed to load.';
    return;
  }
  buildControls(key_specs() as KeySpec[]);
  const first = parse_fragment(location.hash) as Parsed;
  update(first);
  window.addEventListener('hashchange', () => {
    if (location.hash.slice(1) !== fragment) update(parse_fragment(location.hash) as Parsed);
  });
  document.body.dataset.ready = 'true';
  await showDevice(first.config.backend);
}

void main();
