// Caulk Lab page: the state is the canonical URL fragment; Rust (wasm) parses, validates and
// rewrites it, and computes everything drawn. This file wires state, controls and panels.
// Every string that may come from a URL reaches the DOM through textContent, never as HTML.

import init, { baked_file, baked_file_of, bound_registry, bounds, digits_preview, import_table, key_specs, table_results, merge_results, parse_fragment, probe, set_key, switch_preset } from '../pkg/caulk.js';
import { drawDigits, type DigitPreviews } from './digits-view';
import { buildPanelControls, buildToggles, syncControls, syncToggles, type BoundInfo } from './controls';
import { mountExperimentMarkup } from './experiment-markup';
import { ExperimentPanel } from './experiment-panel';
import { LessonView } from './lesson';
import { showMessages } from './messages';
import { wasmFile } from './wasm-url';
import { drawTheory } from './theory-page';
import { timed, wirePhaseSwitch } from './theory-panel';
import type { BoundsReport, Config, DeviceReport, KeySpec, Parsed, Results } from './types';

let fragment = '';
let config: Config | null = null;
let experiment: ExperimentPanel | null = null;
let lesson: LessonView | null = null;

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page is missing #${id}`);
  return node;
}

/** Apply a parse result: state, URL, controls, panels. Timed as `caulk:update`. */
function update(p: Parsed): void {
  timed('update', () => {
    fragment = p.fragment;
    config = p.config;
    showMessages(byId('messages'), p);
    if (location.hash.slice(1) !== fragment) history.replaceState(null, '', `#${fragment}`);
    // Each refused value also says so under its own control.
    syncControls(p.config, p.errors);
    syncToggles(p.config);
    drawTheory(timed('bounds', () => bounds(fragment) as BoundsReport), (v) => change('eps', v));
    const preset = document.getElementById('ctl-preset') as HTMLSelectElement | null;
    if (preset) preset.value = String(p.config.preset);
    showDigits(p.config);
    // Before the experiment hears of the change: a lesson step may hold its live runs.
    lesson?.sync(p.config, p.given ?? []);
  });
  experiment?.estimate();
  const own = ownCurves(p);
  experiment?.hold('table', own !== null);
  byId('import-clear').hidden = own === null;
  if (own) experiment?.showImported(own);
  else void experiment?.showBaked(baked_file, baked_file_of);
  experiment?.configChanged();
}

/** A table imported this session that is too large for the link (kept here, not in the URL). */
let imported: { text: string; name: string } | null = null;

/** Your own curves under the current config: the link's `table`, or a table too large for it. */
function ownCurves(p: Parsed): Results | null {
  try {
    if (p.config.table) return table_results(p.fragment) as Results;
    if (imported) return (import_table(imported.text, imported.name, p.fragment) as Imported).results;
  } catch (e) {
    byId('import-status').textContent = `Your curves could not be drawn: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}

/** `import_table`'s object. */
interface Imported {
  link: string;
  rows: number;
  results: Results;
}

/** Largest table file read (a table that size is far beyond a link anyway). */
const MAX_TABLE_BYTES = 2_000_000;

/**
 * A chosen file of your own curves: validated (one line naming row and column on a problem,
 * and nothing on the page changes), then carried by the link's `table` key, or, too large
 * for a link, kept for this session with a note to share the file itself.
 */
async function importFile(file: File): Promise<void> {
  const status = byId('import-status');
  if (file.size > MAX_TABLE_BYTES) {
    status.textContent = `${file.name}: ${file.size} bytes, over the ${MAX_TABLE_BYTES} a table may have.`;
    return;
  }
  const text = await file.text();
  let got: Imported;
  try {
    got = import_table(text, file.name, fragment) as Imported;
  } catch (e) {
    status.textContent = `${file.name}: ${e instanceof Error ? e.message : String(e)}`;
    return;
  }
  const next = set_key(fragment, 'table', got.link) as Parsed;
  if (next.errors.length === 0) {
    imported = null;
    status.textContent = `${file.name}: ${got.rows} rows imported; the link now carries them.`;
    update(next);
  } else {
    imported = { text, name: file.name };
    status.textContent = `${file.name}: ${got.rows} rows imported. Too large for a link (${next.errors[0].message.replace(/;.*/, '')}): share the file (or "Results as JSON"), and import it again to see these curves.`;
    update(set_key(fragment, 'table', '') as Parsed);
  }
}

/** The seed whose digits the strip shows (redrawn only when it changes). */
let digitsSeed: number | null = null;

/** On the `digits` preset, the strip of seed 0's source and target images; hidden otherwise. */
function showDigits(c: Config): void {
  const host = byId('exp-data');
  host.hidden = c.preset !== 'digits';
  if (host.hidden || digitsSeed === Number(c.seed)) return;
  try {
    drawDigits(host, digits_preview(fragment, 10) as DigitPreviews);
    digitsSeed = Number(c.seed);
  } catch (e) {
    host.textContent = `The digits could not be drawn (${String(e)}).`;
  }
}

const change = (key: string, value: string) => update(timed('set_key', () => set_key(fragment, key, value) as Parsed));

/**
 * The service worker (sw.js, beside the page: its folder is its scope, so any sub-path
 * works) that keeps this build for offline use. Where it cannot register (a file: URL, a
 * browser without it, storage refused) the page works online as before.
 */
function registerOffline(): void {
  if (!('serviceWorker' in navigator) || !location.protocol.startsWith('http')) return;
  navigator.serviceWorker
    .register(new URL('sw.js', document.baseURI))
    .then((reg) => {
      if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
      // A new build installed while this page runs the old one: offer to reload into it
      // (the new worker takes over, the page reloads: never old and new files mixed).
      reg.addEventListener('updatefound', () => {
        const next = reg.installing;
        next?.addEventListener('statechange', () => {
          if (next.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(next);
        });
      });
    })
    .catch(() => {
      // Online only: nothing else depends on it.
    });
}

/** A line with a button: reload into the new build. */
function offerUpdate(next: ServiceWorker): void {
  const box = byId('messages');
  const li = document.createElement('li');
  li.className = 'warning';
  li.append('A new version of Caulk Lab is ready. ');
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.className = 'link-button';
  reload.textContent = 'Reload to use it';
  reload.addEventListener('click', () => {
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    next.postMessage('activate');
  });
  li.append(reload);
  box.append(li);
  box.hidden = false;
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
  mountExperimentMarkup(false);
  try {
    await init({ module_or_path: new URL(wasmFile(), import.meta.url) });
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
  const specs = key_specs() as KeySpec[];
  buildPanelControls(byId('controls'), byId('controls-advanced'), specs, 'theory', change);
  buildToggles(byId('toggles'), bound_registry() as BoundInfo[], (ids) => change('bounds', ids.join(',')));
  buildPanelControls(byId('exp-controls'), byId('exp-advanced'), specs, 'experiment', change);
  buildPanelControls(byId('claim-controls'), null, specs, 'claim', change);
  wirePhaseSwitch();
  const presetSelect = byId('ctl-preset') as HTMLSelectElement;
  for (const name of specs.find((s) => s.key === 'preset')?.choices ?? []) presetSelect.append(new Option(name, name));
  presetSelect.addEventListener('change', () => update(switch_preset(fragment, presetSelect.value) as Parsed));
  experiment = new ExperimentPanel(
    () => fragment,
    () => config!,
    (f, parts) => merge_results(f, parts) as Results,
    change,
  );
  lesson = new LessonView(byId('lesson'), {
    open: (f) => update(parse_fragment(f) as Parsed),
    setKey: change,
    specs,
    fragment: () => fragment,
    results: () => experiment?.shownResults() ?? null,
    hold: (on) => experiment?.hold('lesson', on),
  });
  const file = byId('import-file') as HTMLInputElement;
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen) void importFile(chosen).finally(() => (file.value = ''));
  });
  byId('import-clear').addEventListener('click', () => {
    imported = null;
    byId('import-status').textContent = 'Your curves are cleared.';
    change('table', '');
  });
  const first = parse_fragment(location.hash) as Parsed;
  update(first);
  window.addEventListener('hashchange', () => {
    if (location.hash.slice(1) !== fragment) update(parse_fragment(location.hash) as Parsed);
  });
  document.body.dataset.ready = 'true';
  registerOffline();
  await showDevice(first.config.backend);
}

void main();
