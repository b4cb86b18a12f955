// Parameter controls built from the Rust key table: each key declares its widget, the panels
// that show it and whether it sits under "advanced" beside its bounds and default
// (src/config/keys.rs), so a new key gets its control with no change here. Every change goes
// through `set_key`, which validates it; a refused value shows an inline message under its
// control naming the key, and the control snaps back to the config's value (the last valid
// result stays on screen). The bound toggles are built from the Rust bound registry.

import type { Config, KeySpec } from './types';
import type { Widget } from './rust-types';

export type Panel = 'theory' | 'experiment' | 'claim';

export interface BoundInfo {
  id: string;
  name: string;
  status: string;
  citation: string;
}

type OnChange = (key: string, value: string) => void;

/** A built control: `sync` shows a config's value in it. */
interface Built {
  key: string;
  row: HTMLElement;
  sync: (config: Config) => void;
}

/** Every control on the page, by row. */
const built: Built[] = [];

function valueText(config: Config, key: string): string {
  const v = config[key];
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** A number as the fragment may carry it, short: 3 significant digits. */
export function short(v: number): string {
  return String(+v.toPrecision(3));
}

function node<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

/**
 * The geometric grid from `from` to `to` with `points` values, rounded to integers and made
 * strictly increasing (duplicates after rounding dropped).
 */
export function geometricGrid(from: number, to: number, points: number): number[] {
  const k = Math.max(2, Math.round(points));
  const [a, b] = [Math.max(1, Math.min(from, to)), Math.max(from, to)];
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const v = Math.round(a * (b / a) ** (i / (k - 1)));
    if (out.length === 0 || v > out[out.length - 1]) out.push(v);
  }
  return out;
}

/** Whether `list` is the geometric grid of its ends and length. */
function isGeometric(list: number[]): boolean {
  if (list.length < 2) return false;
  const g = geometricGrid(list[0], list[list.length - 1], list.length);
  return g.length === list.length && g.every((v, i) => v === list[i]);
}

/** The id of `key`'s control in `panel`: `ctl-<key>` in its first panel, `ctl-<panel>-<key>` in the others. */
export function controlId(spec: KeySpec, panel: Panel | null): string {
  return panel === null || spec.panels[0] === panel ? `ctl-${spec.key}` : `ctl-${panel}-${spec.key}`;
}

/** A row: label, widget, and the inline message slot for a refused value. */
function row(spec: KeySpec, id: string, type: string): { row: HTMLElement; label: HTMLElement } {
  const r = node('div', { class: `control control-${type}`, 'data-key': spec.key });
  const label = node('label', { for: id }, spec.help);
  r.append(label);
  return { row: r, label };
}

/** The step a widget declares (sliders and steppers), if it declares one. */
export function widgetStep(w: Widget): number | undefined {
  return w.type === 'slider' || w.type === 'stepper' ? w.step : undefined;
}

/** Whether a stepper halves and doubles. */
export function widgetLog(w: Widget): boolean {
  return w.type === 'stepper' && w.log;
}

function slider(spec: KeySpec, id: string, onChange: OnChange, log: { lo: number; hi: number } | null): Built {
  const { row: r } = row(spec, id, log ? 'log-slider' : 'slider');
  const input = node('input', { type: 'range', id, name: spec.key });
  const step = widgetStep(spec.widget) ?? 0.01;
  if (log) {
    input.min = String(Math.log10(log.lo));
    input.max = String(Math.log10(log.hi));
    input.step = '0.01';
  } else {
    input.step = String(step);
    input.min = String(spec.min_open ? spec.min + step : spec.min);
    input.max = String(spec.max);
  }
  const out = node('output', { id: `out-${id.slice(4)}`, for: id });
  input.addEventListener('input', () => onChange(spec.key, log ? short(10 ** Number(input.value)) : input.value));
  r.append(input, out);
  return {
    key: spec.key,
    row: r,
    sync: (c) => {
      const v = Number(c[spec.key]);
      const want = log ? String(Math.log10(v)) : String(v);
      if (document.activeElement !== input && input.value !== want) input.value = want;
      out.textContent = log ? short(v) : String(v);
      input.setAttribute('aria-valuetext', `${spec.help}: ${out.textContent}`);
    },
  };
}

function stepper(spec: KeySpec, id: string, onChange: OnChange): Built {
  const { row: r } = row(spec, id, 'stepper');
  const box = node('div', { class: 'stepper' });
  const input = node('input', { type: 'number', id, name: spec.key, step: spec.kind === 'int' ? '1' : 'any' });
  const minus = node('button', { type: 'button', 'aria-label': `decrease ${spec.key}` }, '−');
  const plus = node('button', { type: 'button', 'aria-label': `increase ${spec.key}` }, '+');
  const move = (dir: number) => {
    const v = Number(input.value);
    const step = widgetStep(spec.widget) ?? 1;
    const log = widgetLog(spec.widget);
    let next = log ? (dir > 0 ? v * 2 : v / 2) : v + dir * step;
    if (spec.kind === 'int') next = Math.round(next);
    onChange(spec.key, short(next));
  };
  minus.addEventListener('click', () => move(-1));
  plus.addEventListener('click', () => move(1));
  input.addEventListener('change', () => onChange(spec.key, input.value));
  box.append(minus, input, plus);
  r.append(box);
  return { key: spec.key, row: r, sync: (c) => void (input.value = valueText(c, spec.key)) };
}

function select(spec: KeySpec, id: string, onChange: OnChange): Built {
  const { row: r } = row(spec, id, 'select');
  const s = node('select', { id, name: spec.key });
  if (spec.choices.length > 0) for (const c of spec.choices) s.append(new Option(c, c));
  else for (let v = spec.min; v <= spec.max; v++) s.append(new Option(String(v), String(v)));
  s.addEventListener('change', () => onChange(spec.key, s.value));
  r.append(s);
  return { key: spec.key, row: r, sync: (c) => void (s.value = valueText(c, spec.key)) };
}

/** An integer list as chips with a remove button each, and a box that adds one. */
function chips(spec: KeySpec, id: string, onChange: OnChange): Built {
  const { row: r } = row(spec, id, 'chips');
  const list = node('ul', { class: 'chips', 'aria-label': `${spec.key} values` });
  const add = node('div', { class: 'chip-add' });
  const input = node('input', { type: 'number', id, name: spec.key, min: String(spec.min), max: String(spec.max), step: '1', placeholder: 'add', inputmode: 'numeric' });
  const button = node('button', { type: 'button', 'aria-label': `add a value to ${spec.key}` }, 'Add');
  let current: number[] = [];
  const commit = (values: number[]) => onChange(spec.key, [...new Set(values)].sort((a, b) => a - b).join(','));
  const addValue = () => {
    const raw = input.value.trim();
    if (raw === '') return;
    input.value = '';
    // A value that is not a whole number in range is refused by set_key, with its message.
    if (!Number.isInteger(Number(raw))) return onChange(spec.key, [...current.map(String), raw].join(','));
    commit([...current, Number(raw)]);
  };
  button.addEventListener('click', addValue);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      addValue();
    }
  });
  add.append(input, button);
  r.append(list, add);
  return {
    key: spec.key,
    row: r,
    sync: (c) => {
      const values = (c[spec.key] as number[]).slice();
      if (values.join(',') === current.join(',') && list.children.length === values.length) return;
      current = values;
      list.replaceChildren(
        ...values.map((v) => {
          const li = node('li', { class: 'chip' });
          const remove = node('button', { type: 'button', 'aria-label': `remove ${spec.key} = ${v}` }, '×');
          remove.disabled = values.length === 1;
          remove.addEventListener('click', () => commit(current.filter((x) => x !== v)));
          li.append(node('span', {}, v.toLocaleString('en')), remove);
          return li;
        }),
      );
    },
  };
}

function checkboxes(spec: KeySpec, id: string, onChange: OnChange): Built {
  const r = node('fieldset', { class: 'control control-checkboxes', 'data-key': spec.key, id });
  r.append(node('legend', {}, spec.help));
  const boxes = spec.choices.map((choice) => {
    const label = node('label', { class: 'check' });
    const box = node('input', { type: 'checkbox', value: choice, name: spec.key });
    box.addEventListener('change', () => {
      const on = boxes.filter((b) => b.checked).map((b) => b.value);
      // An empty list is refused by set_key with its message; the box snaps back.
      onChange(spec.key, on.join(','));
    });
    label.append(box, node('span', {}, choice));
    r.append(label);
    return box;
  });
  return {
    key: spec.key,
    row: r,
    sync: (c) => {
      const on = c[spec.key] as string[];
      for (const b of boxes) b.checked = on.includes(b.value);
    },
  };
}

/** An integer list as a geometric grid: from, to, points (a list that is no such grid is said to be custom). */
function grid(spec: KeySpec, id: string, onChange: OnChange): Built {
  const r = node('fieldset', { class: 'control control-grid', 'data-key': spec.key, id });
  r.append(node('legend', {}, `${spec.help}: a geometric grid`));
  const field = (name: string, attrs: Record<string, string>) => {
    const label = node('label', { class: 'grid-field' });
    const input = node('input', { type: 'number', name: `${spec.key}-${name}`, 'aria-label': `${spec.key} ${name}`, ...attrs });
    label.append(node('span', {}, name), input);
    r.append(label);
    return input;
  };
  const from = field('from', { min: String(spec.min), max: String(spec.max), step: '1' });
  const to = field('to', { min: String(spec.min), max: String(spec.max), step: '1' });
  const points = field('points', { min: '2', max: String(spec.max_items), step: '1' });
  const note = node('small', { class: 'grid-note' });
  r.append(note);
  const commit = () => {
    const [a, b, k] = [Number(from.value), Number(to.value), Number(points.value)];
    if (![a, b, k].every(Number.isFinite) || a < 1 || b < 1) return onChange(spec.key, `${from.value},${to.value}`);
    onChange(spec.key, geometricGrid(a, b, Math.min(k, spec.max_items)).join(','));
  };
  for (const input of [from, to, points]) input.addEventListener('change', commit);
  return {
    key: spec.key,
    row: r,
    sync: (c) => {
      const list = c[spec.key] as number[];
      from.value = String(list[0]);
      to.value = String(list[list.length - 1]);
      points.value = String(list.length);
      note.textContent = isGeometric(list) ? list.map((v) => v.toLocaleString('en')).join(', ') : `custom list: ${list.join(', ')} (edit under Advanced)`;
    },
  };
}

/** A free-text box for a list key (under "advanced"). */
function text(spec: KeySpec, id: string, onChange: OnChange): Built {
  const { row: r } = row(spec, id, 'text');
  const input = node('input', { type: 'text', id, name: spec.key, spellcheck: 'false', inputmode: spec.kind === 'enum-list' ? 'text' : 'numeric' });
  const help = node('small', { id: `help-${id}` }, spec.kind === 'enum-list' ? `comma list of ${spec.choices.join(', ')}` : `comma list, increasing, ${spec.min}–${spec.max}`);
  input.setAttribute('aria-describedby', help.id);
  input.addEventListener('change', () => onChange(spec.key, input.value));
  r.append(input, help);
  return { key: spec.key, row: r, sync: (c) => void (input.value = valueText(c, spec.key)) };
}

function make(spec: KeySpec, id: string, onChange: OnChange): Built | null {
  const w = spec.widget;
  switch (w.type) {
    case 'slider':
      return slider(spec, id, onChange, null);
    case 'log-slider':
      return slider(spec, id, onChange, { lo: w.lo!, hi: w.hi! });
    case 'stepper':
      return stepper(spec, id, onChange);
    case 'select':
      return select(spec, id, onChange);
    case 'chips':
      return chips(spec, id, onChange);
    case 'checkboxes':
      return checkboxes(spec, id, onChange);
    case 'grid':
      return grid(spec, id, onChange);
    default:
      return null;
  }
}

function place(b: Built | null, host: HTMLElement): void {
  if (!b) return;
  b.row.append(node('p', { class: 'control-error', role: 'alert', hidden: '' }));
  host.append(b.row);
  built.push(b);
}

/**
 * The controls of `panel` from the key table, in table order: the main ones into `host`,
 * the advanced ones (and a free-text box for each list key) into `advanced`.
 */
export function buildPanelControls(host: HTMLElement, advanced: HTMLElement | null, specs: KeySpec[], panel: Panel, onChange: OnChange): void {
  for (const spec of specs.filter((s) => s.panels.includes(panel) && s.key !== 'preset')) {
    const id = controlId(spec, panel);
    const b = make(spec, id, onChange);
    if (b && panel === 'experiment' && spec.unused_by.length) unusedBy.set(b.row, spec.unused_by);
    place(b, spec.advanced && advanced ? advanced : host);
    const list = spec.kind === 'int-list' || spec.kind === 'enum-list';
    if (list && advanced) place(text(spec, `txt-${id.slice(4)}`, onChange), advanced);
  }
}

/** The controls of `keys` (an embed's `show=` list), in table order, into `host`. */
export function buildKeyControls(host: HTMLElement, specs: KeySpec[], keys: string[], onChange: OnChange): number {
  const chosen = specs.filter((s) => keys.includes(s.key) && s.widget.type !== 'none');
  for (const spec of chosen) place(make(spec, controlId(spec, null), onChange), host);
  return chosen.length;
}

/** Experiment-panel rows of keys the preset does not read (KeySpec.unused_by), by key. */
const unusedBy = new Map<HTMLElement, string[]>();

/**
 * Show `config` in every control, and the inline messages of `errors` under theirs; hide the
 * experiment controls of keys the config's preset does not read (digits: the synthetic task's).
 */
export function syncControls(config: Config, errors: { key: string; message: string }[] = []): void {
  for (const b of built) {
    const unused = unusedBy.get(b.row);
    // Inline style: the rows' CSS display would override the hidden attribute.
    if (unused) b.row.style.display = unused.includes(String(config.preset)) ? 'none' : '';
    b.sync(config);
    const slot = b.row.querySelector<HTMLElement>(':scope > .control-error');
    const e = errors.find((x) => x.key === b.key);
    if (slot) {
      slot.textContent = e ? `${e.key}: ${e.message}` : '';
      slot.hidden = !e;
    }
    b.row.classList.toggle('invalid', !!e);
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
