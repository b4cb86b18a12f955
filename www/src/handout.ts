// A lesson as a printed handout: every step's title, text (its numbers as that step sets
// them), question (answer left out, with room to write) and prediction prompt, each followed
// by the figures the step shows, copied from the page once the step has drawn them (theory
// at once, measured curves from their baked results). The print style sheet then prints the
// handout alone (body.printing-handout).

import { renderLessonText } from './lesson-text';

/** The plots each part of the page carries. */
const PLOTS: Record<string, string[]> = {
  bounds: ['#plot'],
  formulas: ['#formulas'],
  phase: ['#phase'],
  neps: ['#neps'],
  experiment: ['#exp-plot'],
  claim: ['#claim-risk', '#claim-neps'],
  numbers: ['#exp-table'],
};

/** What the handout needs of a step and of the page. */
export interface HandoutStep {
  title: string;
  /** The step's text with its numbers filled as the page shows them now. */
  textNode: () => HTMLElement;
  show: string[];
  question: string | null;
  predict: string | null;
  measures: boolean;
}

/** Resolves when the experiment panel shows finished curves (baked or run), or after `ms`. */
function curvesDrawn(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const poll = () => {
      const state = document.getElementById('experiment')?.dataset.state;
      if (state === 'baked' || state === 'done' || performance.now() - t0 > ms) resolve();
      else setTimeout(poll, 100);
    };
    poll();
  });
}

/** The heading, text and figures of one step, as the page shows it now. */
function section(k: number, step: HandoutStep): HTMLElement {
  const sec = document.createElement('section');
  sec.className = 'handout-step';
  const h = document.createElement('h2');
  h.textContent = `${k + 1}. ${step.title}`;
  sec.append(h, step.textNode());
  if (step.predict) {
    const p = document.createElement('p');
    p.className = 'handout-predict';
    p.textContent = `Predict before you look: ${step.predict}  Your guess: ____________`;
    sec.append(p);
  }
  for (const part of step.show) {
    for (const sel of PLOTS[part] ?? []) {
      const node = document.querySelector(sel);
      if (!node) continue;
      const copy = node.cloneNode(true) as HTMLElement;
      copy.removeAttribute('id');
      copy.querySelectorAll('[id]').forEach((n) => n.removeAttribute('id'));
      copy.classList.add('handout-figure');
      sec.append(copy);
    }
  }
  if (step.question) {
    const q = document.createElement('p');
    q.className = 'handout-question';
    q.textContent = step.question;
    const lines = document.createElement('div');
    lines.className = 'handout-lines';
    sec.append(q, lines);
  }
  return sec;
}

/**
 * Build the handout of `title` into `host` by visiting every step (`visit(k)` opens step k
 * and returns it), come back to step `back`, and print.
 */
export async function printHandout(
  host: HTMLElement,
  title: string,
  count: number,
  visit: (k: number) => HandoutStep,
  back: number,
): Promise<void> {
  const head = document.createElement('h1');
  head.textContent = title;
  const parts: HTMLElement[] = [head];
  for (let k = 0; k < count; k++) {
    const step = visit(k);
    // The theory draws at once; measured curves come from their baked file.
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    if (step.measures) await curvesDrawn(8000);
    parts.push(section(k, step));
  }
  visit(back);
  host.replaceChildren(...parts);
  host.hidden = false;
  document.body.classList.add('printing-handout');
  const done = () => {
    document.body.classList.remove('printing-handout');
    host.hidden = true;
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
}

/** A step's text rendered afresh, its numbers copied from the page's spans. */
export function textSnapshot(text: string, values: string[]): HTMLElement {
  const box = document.createElement('div');
  box.className = 'lesson-text';
  renderLessonText(box, text).forEach((t, i) => {
    t.node.textContent = values[i] ?? '';
    t.node.className = 'computed';
  });
  return box;
}
