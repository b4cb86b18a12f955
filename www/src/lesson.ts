// Lessons on the page: `#…&lesson=<name>&step=<k>` opens www/lessons/<name>.json (this
// origin only: the name is a validated slug, the file a path under the page), validated in
// Rust (`parse_lesson`: the first problem names its step and field). A step applies its
// config, shows only its parts of the page (and, where it lists them, only its controls),
// renders its text with reactive numbers, asks its question (answer on click) and, for a
// prediction, covers the measured curves until the student has set a guess, then shows the
// guess beside the measurement and on the plot. Steps move by the buttons, the step list,
// the arrow keys and PageUp/PageDown.

import { bounds, parse_lesson, set_key } from '../pkg/caulk.js';
import { short, widgetLog, widgetStep } from './controls';
import { printHandout, textSnapshot } from './handout';
import { renderLessonText, type Token } from './lesson-text';
import { el, scaleOf } from './plot';
import { count, signed } from './format';
import type { BoundsReport, Config, Curve, KeySpec, Results } from './types';

/** `parse_lesson`'s object (Rust `lesson::Lesson`). */
export interface Lesson {
  title: string;
  intro: string | null;
  steps: LessonStep[];
}

export interface LessonStep {
  title: string;
  text: string;
  fragment: string;
  show: string[];
  controls: string[];
  question: { prompt: string; answer: string } | null;
  predict: Predict | null;
}

export interface Predict {
  quantity: 'n_eps' | 'slope';
  method: string;
  m: number | null;
  prompt: string;
  min: number;
  max: number;
}

/** What the lesson view needs of the page. */
export interface LessonHost {
  /** Open a fragment (a step's config with the lesson keys): parse it and update everything. */
  open(fragment: string): void;
  /** Set one key of the current config. */
  setKey(key: string, value: string): void;
  /** The key table. */
  specs: KeySpec[];
  /** The current canonical fragment. */
  fragment(): string;
  /** The measured results on show for the current config, if any. */
  results(): Results | null;
  /** Hold (or release) live runs of the experiment panel. */
  hold(on: boolean): void;
}

/** The parts a step may show, and the page elements that carry them. */
const PART_SELECTOR = '[data-part]';

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

/** The number a guess slider's position 0…1000 stands for (n_ε on a log scale). */
function guessAt(p: Predict, pos: number): number {
  const t = pos / 1000;
  if (p.quantity === 'n_eps') return Math.round(Math.exp(Math.log(p.min) + t * (Math.log(p.max) - Math.log(p.min))));
  return +(p.min + t * (p.max - p.min)).toFixed(2);
}

function guessText(p: Predict, v: number): string {
  return p.quantity === 'n_eps' ? `n_ε ≈ ${count(v)}` : `slope ${signed(v, 2)}`;
}

/** The measured curve a prediction is about. */
function curveOf(r: Results, p: Predict): Curve | undefined {
  return r.curves.find((c) => c.method === p.method && (p.m === null || c.m === p.m));
}

export class LessonView {
  private lesson: Lesson | null = null;
  private name = '';
  private step = 0;
  private tokens: Token[] = [];
  private specs: Map<string, KeySpec>;
  private readonly el: {
    box: HTMLElement;
    title: HTMLElement;
    intro: HTMLElement;
    count: HTMLElement;
    prev: HTMLButtonElement;
    next: HTMLButtonElement;
    list: HTMLOListElement;
    stepTitle: HTMLElement;
    text: HTMLElement;
    question: HTMLDetailsElement;
    predict: HTMLElement;
    error: HTMLElement;
  };

  constructor(
    host: HTMLElement,
    private readonly page: LessonHost,
  ) {
    this.specs = new Map(page.specs.map((s) => [s.key, s]));
    const nav = h('nav', { class: 'lesson-nav', 'aria-label': 'Lesson steps' });
    const prev = h('button', { type: 'button', id: 'lesson-prev', 'aria-keyshortcuts': 'ArrowLeft PageUp' }, '← Previous');
    const next = h('button', { type: 'button', id: 'lesson-next', 'aria-keyshortcuts': 'ArrowRight PageDown' }, 'Next →');
    const countLine = h('span', { id: 'lesson-count', 'aria-live': 'polite' });
    nav.append(prev, countLine, next);
    const all = h('details', { class: 'lesson-steps' });
    all.append(h('summary', {}, 'All steps'));
    const list = h('ol', { id: 'lesson-list' });
    all.append(list);
    const question = h('details', { id: 'lesson-question', class: 'lesson-question' });
    const error = h('p', { id: 'lesson-error', class: 'notice error', role: 'alert' });
    error.hidden = true;
    const leave = h('button', { type: 'button', id: 'lesson-leave', class: 'link-button' }, 'Leave the lesson');
    const printButton = h('button', { type: 'button', id: 'lesson-print', class: 'link-button' }, 'Print the handout');
    const foot = h('p', { class: 'lesson-foot' });
    foot.append(printButton, leave);
    this.el = {
      box: host,
      title: h('h2', { id: 'lesson-title' }),
      intro: h('p', { class: 'lesson-intro' }),
      count: countLine,
      prev,
      next,
      list,
      stepTitle: h('h3', { id: 'lesson-step-title', tabindex: '-1' }),
      text: h('div', { id: 'lesson-text', class: 'lesson-text' }),
      question,
      predict: h('div', { id: 'lesson-predict', class: 'lesson-predict' }),
      error,
    };
    host.replaceChildren(this.el.title, error, this.el.intro, nav, this.el.stepTitle, this.el.text, this.el.predict, question, all, foot);
    prev.addEventListener('click', () => this.go(this.step - 1));
    next.addEventListener('click', () => this.go(this.step + 1));
    leave.addEventListener('click', () => this.page.setKey('lesson', ''));
    printButton.addEventListener('click', () => void this.handout());
    document.addEventListener('keydown', (e) => this.onKey(e));
    document.getElementById('exp-plot')?.addEventListener('caulk:drawn', () => this.drawGuess());
  }

  /** Whether a lesson is open. */
  get open(): boolean {
    return this.lesson !== null && !this.el.box.hidden;
  }

  /**
   * The config changed (any key). Outside a lesson: close it. Inside: load the lesson if it
   * is new (a link that names only the lesson and step opens the step's own config), show
   * step `config.step`, and refresh the reactive numbers.
   */
  sync(config: Config, given: string[]): void {
    const name = String(config.lesson ?? '');
    if (!name) {
      this.close();
      return;
    }
    if (name !== this.name) {
      this.name = name;
      this.lesson = null;
      this.page.hold(true);
      void this.load(name).then(() => {
        if (!this.lesson) return;
        const k = Number(config.step) - 1;
        // A link with only the lesson keys opens the step as its author set it up.
        if (given.every((g) => g === 'lesson' || g === 'step' || g === 'v')) this.go(k);
        else this.show(config);
      });
      return;
    }
    if (this.lesson) this.show(config);
  }

  private async load(name: string): Promise<void> {
    this.el.box.hidden = false;
    document.body.classList.add('in-lesson');
    this.el.title.textContent = `Lesson “${name}”`;
    try {
      const reply = await fetch(new URL(`lessons/${name}.json`, document.baseURI));
      if (!reply.ok) throw new Error(`lessons/${name}.json: ${reply.status === 404 ? 'no such lesson' : `HTTP ${reply.status}`}`);
      const text = await reply.text();
      try {
        this.lesson = parse_lesson(text) as Lesson;
      } catch (e) {
        throw new Error(`lessons/${name}.json: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.el.error.hidden = true;
    } catch (e) {
      this.lesson = null;
      this.fail(`The lesson could not be opened: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** A one-line problem in the lesson panel; the rest of the page stays as it is. */
  private fail(message: string): void {
    this.el.error.textContent = message;
    this.el.error.hidden = false;
    this.page.hold(false);
    this.showParts(null);
    this.unveil();
  }

  private close(): void {
    if (this.el.box.hidden && !this.name) return;
    this.name = '';
    this.lesson = null;
    this.el.box.hidden = true;
    document.body.classList.remove('in-lesson');
    this.showParts(null);
    this.unveil();
    this.page.hold(false);
  }

  /** No curves covered (outside a lesson, or a step without a prediction). */
  private unveil(): void {
    for (const part of document.querySelectorAll<HTMLElement>('.veiled')) {
      part.classList.remove('veiled');
      part.removeAttribute('inert');
    }
    document.querySelector('#exp-plot .guess')?.remove();
  }

  /** Open step `k` (from 0) with its own config. */
  go(k: number): void {
    const lesson = this.lesson;
    if (!lesson || k < 0 || k >= lesson.steps.length) return;
    this.page.open(`${lesson.steps[k].fragment}&lesson=${this.name}&step=${k + 1}`);
    // The step's first part at the top (the header is hidden in a lesson).
    window.scrollTo({ top: 0 });
    this.el.stepTitle.focus({ preventScroll: true });
  }

  /** Show the config's step of the loaded lesson. */
  private show(config: Config): void {
    const lesson = this.lesson!;
    const k = Number(config.step) - 1;
    if (k >= lesson.steps.length) {
      this.fail(`step ${k + 1}: the lesson “${lesson.title}” has ${lesson.steps.length} steps.`);
      return;
    }
    const step = lesson.steps[k];
    this.step = k;
    this.el.title.textContent = lesson.title;
    this.el.intro.textContent = lesson.intro ?? '';
    this.el.intro.hidden = !lesson.intro || k > 0;
    this.el.count.textContent = `Step ${k + 1} of ${lesson.steps.length}`;
    this.el.prev.disabled = k === 0;
    this.el.next.disabled = k === lesson.steps.length - 1;
    // A step's text, question, prediction and the step list are built once per step shown
    // (the parsed lesson's step objects are new with every load).
    if (this.rendered !== step) this.renderStep(step, lesson);
    this.showParts(step);
    this.page.hold(!step.show.some((p) => p === 'experiment' || p === 'claim' || p === 'numbers'));
    this.fill(config);
    this.showPrediction();
  }

  /** The step whose text and controls are built. */
  private rendered: LessonStep | null = null;

  private renderStep(step: LessonStep, lesson: Lesson): void {
    this.rendered = step;
    this.el.stepTitle.textContent = step.title;
    this.tokens = renderLessonText(this.el.text, step.text);
    for (const t of this.tokens) this.wire(t);
    const q = step.question;
    this.el.question.hidden = !q;
    this.el.question.open = false;
    if (q) {
      const summary = h('summary', {}, q.prompt);
      const answer = h('p', { class: 'lesson-answer' }, q.answer);
      this.el.question.replaceChildren(summary, answer);
    }
    this.el.list.replaceChildren(
      ...lesson.steps.map((s, i) => {
        const li = h('li');
        const b = h('button', { type: 'button', class: 'link-button' }, s.title);
        if (i === this.step) b.setAttribute('aria-current', 'step');
        b.addEventListener('click', () => this.go(i));
        li.append(b);
        return li;
      }),
    );
    this.renderPredict(step.predict);
  }

  /** Parts of the page a step does not show are hidden (a step of null: all shown). */
  private showParts(step: LessonStep | null): void {
    for (const part of document.querySelectorAll<HTMLElement>(PART_SELECTOR)) {
      part.classList.toggle('lesson-hidden', step !== null && !step.show.includes(part.dataset.part ?? ''));
    }
    // A section none of whose parts is shown goes too.
    for (const section of document.querySelectorAll<HTMLElement>('main > section')) {
      const parts = [...section.querySelectorAll<HTMLElement>(PART_SELECTOR)];
      section.classList.toggle('lesson-hidden', step !== null && parts.length > 0 && parts.every((p) => p.classList.contains('lesson-hidden')));
    }
    for (const row of document.querySelectorAll<HTMLElement>('main .control[data-key]')) {
      row.classList.toggle('lesson-hidden', step !== null && step.controls.length > 0 && !step.controls.includes(row.dataset.key ?? ''));
    }
    document.querySelector('header')?.classList.toggle('lesson-hidden', step !== null);
  }

  /** A token's span: a draggable number for a config key, a computed number otherwise. */
  private wire(t: Token): void {
    const spec = this.specs.get(t.name);
    if (!spec) {
      t.node.className = 'computed';
      return;
    }
    const node = t.node;
    node.className = 'reactive';
    node.tabIndex = 0;
    node.setAttribute('role', 'slider');
    node.setAttribute('aria-label', `${spec.help} (drag, or use the arrow keys)`);
    node.setAttribute('aria-valuemin', String(spec.min));
    node.setAttribute('aria-valuemax', String(spec.max));
    const log = spec.kind === 'int-list' || spec.widget.type === 'log-slider' || widgetLog(spec.widget);
    const clamp = (v: number) => Math.min(spec.max, Math.max(spec.min_open ? spec.min + (widgetStep(spec.widget) ?? 1e-3) : spec.min, v));
    const round = (v: number) => (spec.kind === 'float' ? +(+v.toPrecision(log ? 2 : 3)).toFixed(log ? 12 : 3) : Math.round(log ? +v.toPrecision(2) : v));
    // One step: ×10^0.1 on a log scale, else the slider's step (1 for integers).
    const stepped = (v: number, k: number) => round(clamp(log ? v * 10 ** (0.1 * k) : v + k * (widgetStep(spec.widget) ?? (spec.kind === 'float' ? 0.05 : 1))));
    const set = (v: number) => this.page.setKey(spec.key, String(v));
    node.addEventListener('keydown', (e) => {
      const k = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1, PageUp: 5, PageDown: -5 }[e.key];
      if (k === undefined) return;
      e.preventDefault();
      e.stopPropagation();
      set(stepped(Number(node.dataset.value), k));
    });
    let start: { x: number; v: number } | null = null;
    node.addEventListener('pointerdown', (e) => {
      start = { x: e.clientX, v: Number(node.dataset.value) };
      node.setPointerCapture(e.pointerId);
      node.classList.add('dragging');
      e.preventDefault();
    });
    node.addEventListener('pointermove', (e) => {
      if (!start) return;
      // 8 px a step: a short drag moves a few steps, a long one spans the range.
      const v = stepped(start.v, Math.round((e.clientX - start.x) / 8));
      if (v !== Number(node.dataset.value)) set(v);
    });
    const end = () => {
      start = null;
      node.classList.remove('dragging');
    };
    node.addEventListener('pointerup', end);
    node.addEventListener('pointercancel', end);
  }

  /** The reactive numbers from `config` and its bounds report. */
  private fill(config: Config): void {
    let report: BoundsReport | null = null;
    const computed = (): BoundsReport | null => {
      if (report) return report;
      try {
        // Every bound a computed number may read, whatever the step draws.
        const all = set_key(this.page.fragment(), 'bounds', 'caulk_limit,caulk_m,scratch') as { fragment: string };
        report = bounds(all.fragment) as BoundsReport;
      } catch {
        report = null;
      }
      return report;
    };
    for (const t of this.tokens) {
      const spec = this.specs.get(t.name);
      if (spec) {
        const raw = config[t.name];
        const list = Array.isArray(raw) ? (raw as number[]) : null;
        const v = list ? (list.length === 1 ? list[0] : NaN) : Number(raw);
        t.node.dataset.value = String(v);
        t.node.textContent = list && list.length !== 1 ? list.map((x) => count(x)).join(', ') : spec.kind === 'float' ? short(v) : count(v);
        t.node.setAttribute('aria-valuenow', String(v));
        t.node.setAttribute('aria-valuetext', t.node.textContent);
        // A list of several values is shown, not dragged.
        t.node.setAttribute('aria-disabled', String(list !== null && list.length !== 1));
        continue;
      }
      t.node.textContent = this.computedValue(t.name, computed);
    }
  }

  private computedValue(name: string, report: () => BoundsReport | null): string {
    const r = report();
    if (!r) return '–';
    const bound = (id: string) => r.bounds.find((b) => b.id === id);
    const nEps = (id: string) => {
      const b = bound(id);
      if (!b) return '–';
      return b.n_eps === null ? 'never (its floor is above ε)' : count(b.n_eps);
    };
    switch (name) {
      case 's':
        return short(r.params.s);
      case 's_star':
        return short(r.params.s_star);
      case 'rate':
        return signed(bound('caulk_limit')?.exponent ?? NaN);
      case 'scratch_rate':
        return signed(bound('scratch')?.exponent ?? NaN);
      case 'n_eps':
        return nEps('caulk_m');
      case 'n_eps_limit':
        return nEps('caulk_limit');
      default:
        return '–';
    }
  }

  /** Every step with its figures on paper (src: handout.ts), then back to this step. */
  private async handout(): Promise<void> {
    const lesson = this.lesson;
    const host = document.getElementById('handout');
    if (!lesson || !host) return;
    await printHandout(
      host,
      lesson.title,
      lesson.steps.length,
      (k) => {
        this.go(k);
        const step = lesson.steps[k];
        const values = this.tokens.map((t) => t.node.textContent ?? '');
        return {
          title: step.title,
          textNode: () => textSnapshot(step.text, values),
          show: step.show,
          question: step.question?.prompt ?? null,
          predict: step.predict?.prompt ?? null,
          measures: step.show.some((p) => p === 'experiment' || p === 'claim' || p === 'numbers'),
        };
      },
      this.step,
    );
  }

  // --- Predict, then see -------------------------------------------------------------------

  private storeKey(): string {
    return `caulk-guess:${this.name}:${this.step + 1}`;
  }

  private guess(): number | null {
    try {
      const v = sessionStorage.getItem(this.storeKey());
      return v === null ? null : Number(v);
    } catch {
      return null;
    }
  }

  private renderPredict(p: Predict | null): void {
    const box = this.el.predict;
    box.hidden = !p;
    if (!p) {
      box.replaceChildren();
      return;
    }
    const id = 'lesson-guess';
    const label = h('label', { for: id }, p.prompt);
    const slider = h('input', { type: 'range', id, min: '0', max: '1000', step: '1', value: '500' });
    const out = h('output', { for: id, id: 'lesson-guess-value' });
    const reveal = h('button', { type: 'button', id: 'lesson-reveal' }, 'Lock in my guess and reveal');
    const result = h('p', { id: 'lesson-result', 'aria-live': 'polite' });
    const again = h('button', { type: 'button', id: 'lesson-again', class: 'link-button' }, 'Guess again');
    const shown = () => {
      const v = guessAt(p, Number(slider.value));
      out.textContent = guessText(p, v);
      slider.setAttribute('aria-valuetext', out.textContent);
    };
    slider.addEventListener('input', shown);
    reveal.addEventListener('click', () => {
      try {
        sessionStorage.setItem(this.storeKey(), String(guessAt(p, Number(slider.value))));
      } catch {
        // Storage refused (private mode): the guess lives until the step changes.
        this.unstored = guessAt(p, Number(slider.value));
      }
      this.showPrediction();
      result.focus();
    });
    again.addEventListener('click', () => {
      try {
        sessionStorage.removeItem(this.storeKey());
      } catch {
        // Nothing stored.
      }
      this.unstored = null;
      this.showPrediction();
    });
    result.tabIndex = -1;
    box.replaceChildren(label, slider, out, reveal, result, again);
    shown();
  }

  /** A guess kept in memory where session storage is refused. */
  private unstored: number | null = null;

  /** Before a guess: the curves covered. After: uncovered, the guess beside the measurement. */
  private showPrediction(): void {
    const p = this.lesson?.steps[this.step]?.predict ?? null;
    const guess = p ? (this.guess() ?? this.unstored) : null;
    const veiled = p !== null && guess === null;
    for (const part of document.querySelectorAll<HTMLElement>('[data-part="experiment"], [data-part="claim"], [data-part="numbers"]')) {
      part.classList.toggle('veiled', veiled);
      part.toggleAttribute('inert', veiled);
    }
    if (!p) return;
    const box = this.el.predict;
    const q = (sel: string) => box.querySelector<HTMLElement>(sel);
    q('#lesson-guess')!.toggleAttribute('disabled', guess !== null);
    q('#lesson-reveal')!.hidden = guess !== null;
    q('#lesson-again')!.hidden = guess === null;
    const result = q('#lesson-result')!;
    if (guess === null) {
      result.textContent = 'The measured curves stay covered until you have made your guess.';
      return;
    }
    result.textContent = `Your guess: ${guessText(p, guess)}. ${this.measured(p)}`;
    this.drawGuess();
  }

  /** The measurement a prediction is compared with, in words. */
  private measured(p: Predict): string {
    const r = this.page.results();
    const c = r ? curveOf(r, p) : undefined;
    if (!r || !c) return 'Measured: the curves are still loading.';
    if (p.quantity === 'slope') {
      if (c.slope === null) return 'Measured: no slope (too few points).';
      const ci = c.slope_lo !== null && c.slope_hi !== null ? ` (95 % interval ${signed(c.slope_lo, 2)} to ${signed(c.slope_hi, 2)})` : '';
      const theory = c.predicted_slope !== null ? `; theory ${signed(c.predicted_slope, 2)}` : '';
      return `Measured: slope ${signed(c.slope, 2)}${ci}${theory}.`;
    }
    const eps = r.config.eps;
    if (c.n_eps === null) return `Measured: this curve does not reach ε = ${eps} inside its n grid.`;
    const row = r.claim?.series.find((s) => s.method === c.method && s.width === c.width)?.rows.find((x) => x.m === c.m);
    const ci = row && row.n_eps_lo !== null ? ` (95 % interval ${count(row.n_eps_lo)} to ${row.n_eps_hi === null ? 'beyond the grid' : count(row.n_eps_hi)})` : '';
    return `Measured: n_ε ≈ ${count(c.n_eps)} for ε = ${eps}${ci}.`;
  }

  /** The guess drawn on the measured curves: a vertical line at n_ε, or a line of the guessed slope through the curve's first point. */
  private drawGuess(): void {
    const svg = document.querySelector<SVGSVGElement>('#exp-plot svg');
    svg?.querySelector('.guess')?.remove();
    const p = this.open ? (this.lesson?.steps[this.step]?.predict ?? null) : null;
    const guess = p ? (this.guess() ?? this.unstored) : null;
    const result = this.el.predict.querySelector<HTMLElement>('#lesson-result');
    if (p && guess !== null && result) result.textContent = `Your guess: ${guessText(p, guess)}. ${this.measured(p)}`;
    const scale = svg ? scaleOf(svg) : undefined;
    const r = this.page.results();
    if (!svg || !scale || !p || guess === null || !r) return;
    const g = el('g', { class: 'guess' }, svg);
    if (p.quantity === 'n_eps') {
      const x = Math.min(scale.right, Math.max(scale.left, scale.px(guess)));
      el('line', { x1: x, x2: x, y1: scale.top, y2: scale.bottom, class: 'guess-rule' }, g);
      el('text', { x: x + 4, y: scale.top + 14, class: 'guess-label' }, g).textContent = `your guess: ${count(guess)}`;
      return;
    }
    const c = curveOf(r, p);
    const j = c?.risk_mean.findIndex((v) => v !== null) ?? -1;
    if (!c || j < 0) return;
    const n0 = c.n[j];
    const y0 = c.risk_mean[j]!;
    const n1 = c.n[c.n.length - 1];
    el('line', { x1: scale.px(n0), y1: scale.py(y0), x2: scale.px(n1), y2: scale.py(y0 * (n1 / n0) ** guess), class: 'guess-rule' }, g);
    el('text', { x: scale.px(n1) - 4, y: scale.py(y0 * (n1 / n0) ** guess) - 6, 'text-anchor': 'end', class: 'guess-label' }, g).textContent = `your guess: ${signed(guess, 2)}`;
  }

  // --- Keyboard ----------------------------------------------------------------------------

  private onKey(e: KeyboardEvent): void {
    if (!this.open || e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target as HTMLElement | null;
    // Keys that move a control stay with it.
    if (t && (t.closest('input, select, textarea, [role="slider"], [contenteditable]') || t.isContentEditable)) return;
    const dir = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 }[e.key];
    if (dir === undefined) return;
    e.preventDefault();
    this.go(this.step + dir);
  }
}
