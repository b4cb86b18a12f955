// The theory panel's formula cards: each bound symbolically and with the current numbers
// (KaTeX, with MathML for screen readers), its status, citation, conditions, slope and n_ε, all
// from the same Rust report as the plot. Only the app's page loads KaTeX: the embed never
// imports this module.

import katex from 'katex';
import { badge } from './controls';
import { count, signed, text } from './format';
import { groups, nEpsText } from './theory-panel';
import type { BoundCurve, BoundsReport } from './types';

function tex(host: HTMLElement, source: string): void {
  katex.render(source, host, { throwOnError: false, output: 'htmlAndMathml' });
}

/** Render TeX into `host` unless it already shows exactly that source (KaTeX is the costly
 * part of a redraw; symbolic formulas never change and value formulas change only with the
 * parameters they contain). */
function texCached(host: HTMLElement, source: string): void {
  if (host.dataset.tex === source) return;
  tex(host, source);
  host.dataset.tex = source;
}

/** Formula cards, kept per bound id across redraws. */
const cards = new Map<string, HTMLElement>();

function card(first: BoundCurve): HTMLElement {
  const known = cards.get(first.id);
  if (known) return known;
  const node = document.createElement('article');
  node.className = `formula-card card-${first.id}`;
  node.dataset.id = first.id;
  const head = document.createElement('h3');
  head.append(text('span', first.name), badge(first.status));
  const symbolic = text('div', '', 'formula');
  // It scrolls sideways on a phone: the keyboard must reach it (WCAG 2.1.1).
  symbolic.tabIndex = 0;
  symbolic.setAttribute('role', 'group');
  symbolic.setAttribute('aria-label', `${first.name}: formula`);
  texCached(symbolic, `R(n) = ${first.formula}`);
  const rows = document.createElement('ul');
  rows.className = 'formula-rows';
  node.append(head, text('p', first.citation, 'citation'), symbolic, rows, text('p', `Holds when: ${first.conditions}`, 'conditions'));
  node.append(text('p', '', 'violated'));
  cards.set(first.id, node);
  return node;
}

/** The cards of the report's bounds into #formulas. */
export function drawFormulas(report: BoundsReport): void {
  const host = document.getElementById('formulas')!;
  const shown = groups(report).map((g) => {
    const node = card(g[0]);
    const rows = node.querySelector('.formula-rows')!;
    while (rows.children.length > g.length) rows.lastElementChild!.remove();
    g.forEach((b, i) => {
      let li = rows.children[i] as HTMLElement | undefined;
      if (!li) {
        li = document.createElement('li');
        li.append(text('span', '', 'formula-values'), text('span', '', 'facts'));
        li.tabIndex = 0;
        li.setAttribute('aria-label', `${g[0].name}: with the current numbers`);
        rows.append(li);
      }
      texCached(li.querySelector<HTMLElement>('.formula-values')!, `R(n) = ${b.formula_values}`);
      li.querySelector('.facts')!.textContent =
        `slope over n ∈ [${count(report.params.n_min)}, ${count(report.params.n_max)}]: ${signed(b.slope)} ` +
        `(n-exponent ${signed(b.exponent)}); ${nEpsText(b, report.params.eps)}`;
    });
    const violated = node.querySelector<HTMLElement>('.violated')!;
    violated.textContent = g[0].violated ? `Condition violated: ${g[0].violated}` : '';
    violated.hidden = !g[0].violated;
    return node;
  });
  host.replaceChildren(...shown);
}
