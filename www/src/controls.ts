// Parameter controls built from the Rust key table (bounds, steps and help come from there),
// and the bound toggles built from the Rust bound registry. Every change goes through
// `set_key`, which validates it; a refused value shows a message and the control snaps
// back to the config's value.

import type { Config, KeySpec } from './types';

export type Widget = 'range' | 'number' | 'list' | 'select';

/** The theory panel's controls, in display order. */
export const THEORY_CONTROLS: [string, Widget][] = [
  ['alpha', 'range'],
  ['beta', 'range'],
  ['s_phi', 'range'],
  ['d', 'range'],
  ['k', 'select'],
  ['eps', 'number'],
  ['m', 'list'],
  ['n', 'list'],
  ['c', 'number'],
  ['c_pre', 'number'],
  ['nu', 'number'],
  ['c_h', 'number'],
  ['c_f', 'number'],
];

export interface BoundInfo {
  id: string;
  name: string;
  status: string;
  citation: string;
}

type OnChange = (key: string, value: string) => void;

function valueText(config: Config, key: string): string {
  const v = config[key];
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** The experiment panel's controls. */
export const EXPERIMENT_CONTROLS: [string, Widget][] = [
  ['seeds', 'number'],
  ['methods', 'list'],
  ['width', 'list'],
  ['depth', 'number'],
  ['steps', 'number'],
  ['lr', 'number'],
  ['sigma', 'number'],
  ['seed', 'number'],
  ['backend', 'select'],
];

const ALL_CONTROLS = () => [...THEORY_CONTROLS, ...EXPERIMENT_CONTROLS];

export function buildControls(host: HTMLElement, specs: KeySpec[], onChange: OnChange, controls: [string, Widget][] = THEORY_CONTROLS): void {
  for (const [key, widget] of controls) {
    const spec = specs.find((s) => s.key === key);
    if (!spec) throw new Error(`no key spec for ${key}`);
    const row = document.createElement('div');
    row.className = `control control-${widget}`;
    const label = document.createElement('label');
    label.htmlFor = `ctl-${key}`;
    label.textContent = spec.help;
    let input: HTMLInputElement | HTMLSelectElement;
    if (widget === 'select') {
      const select = document.createElement('select');
      if (spec.choices.length > 0) {
        for (const c of spec.choices) select.append(new Option(c, c));
      } else {
        for (let v = spec.min; v <= spec.max; v++) select.append(new Option(String(v), String(v)));
      }
      input = select;
    } else {
      const box = document.createElement('input');
      box.type = widget === 'list' ? 'text' : widget;
      if (widget !== 'list') {
        const step = spec.kind === 'int' ? 1 : widget === 'range' ? 0.01 : 'any';
        box.step = String(step);
        box.min = String(spec.min_open && typeof step === 'number' ? spec.min + step : spec.min);
        box.max = String(spec.max);
      } else {
        box.inputMode = spec.kind === 'enum-list' ? 'text' : 'numeric';
        box.spellcheck = false;
        box.setAttribute('aria-describedby', `help-${key}`);
      }
      input = box;
    }
    input.id = `ctl-${key}`;
    input.name = key;
    input.addEventListener(widget === 'range' ? 'input' : 'change', () => onChange(key, input.value));
    row.append(label, input);
    if (widget === 'range') {
      const out = document.createElement('output');
      out.id = `out-${key}`;
      out.htmlFor.add(input.id);
      row.append(out);
    }
    if (widget === 'list') {
      const help = document.createElement('small');
      help.id = `help-${key}`;
      help.textContent =
        spec.kind === 'enum-list' ? `comma list of ${spec.choices.join(', ')}` : `comma list, increasing, ${spec.min}–${spec.max}`;
      row.append(help);
    }
    host.append(row);
  }
}

export function syncControls(config: Config): void {
  for (const [key] of ALL_CONTROLS()) {
    const input = document.getElementById(`ctl-${key}`) as HTMLInputElement | null;
    if (!input) continue;
    const value = valueText(config, key);
    if (input.value !== value) input.value = value;
    const out = document.getElementById(`out-${key}`);
    if (out) out.textContent = value;
  }
}

export function buildToggles(host: HTMLElement, registry: BoundInfo[], onChange: (ids: string[]) => void): void {
  const legend = document.createElement('legend');
  legend.textContent = 'Bounds';
  host.append(legend);
  for (const b of registry) {
    const label = document.createElement('label');
    label.className = 'toggle';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = `show-${b.id}`;
    box.value = b.id;
    box.addEventListener('change', () => {
      const ids = [...host.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].filter((x) => x.checked).map((x) => x.value);
      onChange(ids);
    });
    const swatch = document.createElement('span');
    swatch.className = `swatch swatch-${b.id}`;
    swatch.setAttribute('aria-hidden', 'true');
    const name = document.createElement('span');
    name.textContent = b.name;
    label.append(box, swatch, name, badge(b.status));
    label.title = b.citation;
    host.append(label);
  }
}

export function syncToggles(config: Config): void {
  document.querySelectorAll<HTMLInputElement>('#toggles input[type=checkbox]').forEach((box) => {
    box.checked = config.bounds.includes(box.value);
  });
}

/** A status badge: paper / standard / model. */
export function badge(status: string): HTMLElement {
  const b = document.createElement('span');
  b.className = `badge badge-${status}`;
  b.textContent = status;
  return b;
}
