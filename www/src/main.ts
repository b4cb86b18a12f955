// Caulk Lab page: the state is the canonical URL fragment; Rust (wasm) parses, validates and
// rewrites it, and computes everything drawn. This file wires state, controls and panels.
// Every string that may come from a URL reaches the DOM through textContent, never as HTML.

import { baked_file, baked_file_of, bound_registry, bounds, digits_preview, key_specs, merge_results, parse_fragment, probe, set_key, switch_preset } from '../pkg/caulk.js';
import { boot, byId, PageState } from './boot';
import { drawDigits, type DigitPreviews } from './digits-view';
import { buildPanelControls, buildToggles, syncToggles, type BoundInfo } from './controls';
import { mountExperimentMarkup } from './experiment-markup';
import { ExperimentPanel } from './experiment-panel';
import { LessonView } from './lesson';
import { registerOffline } from './offline';
import { OwnCurves } from './own-curves';
import { drawTheory } from './theory-page';
import { timed, wirePhaseSwitch } from './theory-panel';
import type { BoundsReport, Config, DeviceReport, KeySpec, Parsed, Results } from './types';

const state = new PageState();
let experiment: ExperimentPanel | null = null;
let lesson: LessonView | null = null;
let ownCurves: OwnCurves | null = null;

/** Apply a parse result: state, URL, controls, panels. Timed as `caulk:update`. */
function update(p: Parsed): void {
  timed('update', () => {
    state.accept(p);
    syncToggles(p.config);
    drawTheory(timed('bounds', () => bounds(state.fragment) as BoundsReport), (v) => change('eps', v));
    const preset = document.getElementById('ctl-preset') as HTMLSelectElement | null;
    if (preset) preset.value = String(p.config.preset);
    showDigits(p.config);
    // Before the experiment hears of the change: a lesson step may hold its live runs.
    lesson?.sync(p.config, p.given ?? []);
  });
  experiment?.estimate();
  const own = ownCurves?.of(p) ?? null;
  experiment?.hold('table', own !== null);
  byId('import-clear').hidden = own === null;
  if (own) experiment?.showImported(own);
  else void experiment?.showBaked(baked_file, baked_file_of);
  experiment?.configChanged();
}

/** The seed whose digits the strip shows (redrawn only when it changes). */
let digitsSeed: number | null = null;

/** On the `digits` preset, the strip of seed 0's source and target images; hidden otherwise. */
function showDigits(c: Config): void {
  const host = byId('exp-data');
  host.hidden = c.preset !== 'digits';
  if (host.hidden || digitsSeed === Number(c.seed)) return;
  try {
    drawDigits(host, digits_preview(state.fragment, 10) as DigitPreviews);
    digitsSeed = Number(c.seed);
  } catch (e) {
    host.textContent = `The digits could not be drawn (${String(e)}).`;
  }
}

const change = (key: string, value: string) => update(timed('set_key', () => set_key(state.fragment, key, value) as Parsed));

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

/** Builds the page's controls and panels (the compute module loaded); returns its update. */
function setup(): (p: Parsed) => void {
  const specs = key_specs() as KeySpec[];
  buildPanelControls(byId('controls'), byId('controls-advanced'), specs, 'theory', change);
  buildToggles(byId('toggles'), bound_registry() as BoundInfo[], (ids) => change('bounds', ids.join(',')));
  buildPanelControls(byId('exp-controls'), byId('exp-advanced'), specs, 'experiment', change);
  buildPanelControls(byId('claim-controls'), null, specs, 'claim', change);
  wirePhaseSwitch();
  const presetSelect = byId('ctl-preset') as HTMLSelectElement;
  for (const name of specs.find((s) => s.key === 'preset')?.choices ?? []) presetSelect.append(new Option(name, name));
  presetSelect.addEventListener('change', () => update(switch_preset(state.fragment, presetSelect.value) as Parsed));
  experiment = new ExperimentPanel(
    () => state.fragment,
    () => state.config!,
    (f, parts) => merge_results(f, parts) as Results,
    change,
  );
  lesson = new LessonView(byId('lesson'), {
    open: (f) => update(parse_fragment(f) as Parsed),
    setKey: change,
    specs,
    fragment: () => state.fragment,
    results: () => experiment?.shownResults() ?? null,
    hold: (on) => experiment?.hold('lesson', on),
  });
  ownCurves = new OwnCurves(byId('import-status'));
  const file = byId('import-file') as HTMLInputElement;
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen) void ownCurves?.import(chosen, state.fragment, update).finally(() => (file.value = ''));
  });
  byId('import-clear').addEventListener('click', () => {
    ownCurves?.clear();
    change('table', '');
  });
  return update;
}

async function main(): Promise<void> {
  mountExperimentMarkup(false);
  const first = await boot(state, setup, () => (byId('device').textContent = 'No compute device: WebAssembly failed to load.'));
  if (!first) return;
  registerOffline(byId('messages'));
  await showDevice(first.config.backend);
}

void main();
