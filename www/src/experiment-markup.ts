// The experiment panel's markup, one source for the app (index.html) and the embed
// (embed.html): each page puts empty `<div data-exp="run|figure|overlay|results">` slots
// where it wants those parts, and `mountExperimentMarkup` replaces them before the panel
// starts. Built with DOM calls (no HTML parsing), so a strict CSP has nothing to object to.

type Attrs = Record<string, string | boolean>;

/** An element with attributes (`true`: present and empty, `false`: absent) and children. */
function h(tag: string, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) node.setAttribute(name, '');
    else if (value !== false) node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

const button = (id: string, label: string, attrs: Attrs = {}) => h('button', { id, type: 'button', ...attrs }, label);

/** What the plot shows, under it. */
export const FIGURE_CAPTION =
  "Dots: mean excess risk over seeds; shaded: its 95 % interval (a log-normal mean's; none with fewer than 3 seeds); dashed: the preset's cited slope with its constant fitted to the data (with several m, the limit m → ∞, drawn with the floor fit's C); fine dots in the curves' colour: this app's floor reading caulk_m fitted to every m at once (its legend says whether, fitted again without the largest n, it predicts that point inside the measured interval, and by how many half-intervals it misses); light blue dots: its rising-exponent reading caulk_m_rate, fitted the same way (both models, not the paper's statement); grey dots: the best constant predictor.";

const PARTS: Record<string, (compact: boolean) => Node[]> = {
  // Estimate, Run / Pause / Cancel with progress, the over-budget question, status lines.
  run: () => [
    h('p', { id: 'exp-estimate', class: 'estimate', 'aria-live': 'polite' }),
    h(
      'label',
      { class: 'switch' },
      h('input', { type: 'checkbox', id: 'exp-live', role: 'switch', checked: true }),
      h('span', {}, 'Live: run every change at once'),
      h('small', { id: 'exp-live-note' }),
    ),
    h(
      'div',
      { class: 'exp-actions' },
      button('exp-run', 'Run'),
      button('exp-pause', 'Pause', { 'aria-pressed': 'false', disabled: true }),
      button('exp-cancel', 'Cancel', { disabled: true }),
      h('progress', { id: 'exp-progress', value: '0', max: '1', 'aria-label': 'Runs finished' }),
    ),
    h(
      'div',
      { id: 'exp-confirm', class: 'notice confirm', role: 'alertdialog', 'aria-labelledby': 'exp-confirm-text', hidden: true },
      h('p', { id: 'exp-confirm-text' }),
      button('exp-confirm-run', 'Run anyway'),
      button('exp-confirm-no', 'Not now'),
    ),
    h('p', { id: 'exp-status', role: 'status', 'aria-live': 'polite' }),
    h('p', { id: 'exp-device', class: 'notice', role: 'alert', hidden: true }),
  ],
  figure: () => [h('figure', { class: 'figure' }, h('div', { id: 'exp-plot', class: 'plot-host' }), h('figcaption', {}, FIGURE_CAPTION))],
  overlay: () => {
    const choice = (value: string, label: string, checked = false) =>
      h('label', {}, h('input', { type: 'radio', name: 'overlay', value, checked }), ` ${label}`);
    return [
      h(
        'fieldset',
        { class: 'overlay' },
        h('legend', {}, 'Theory overlay'),
        choice('calibrated', 'calibrated to the data', true),
        choice('raw', "raw (the config's C)"),
        choice('none', 'none'),
      ),
      // Real data (digits) measures each fit twice: shown only when the results do.
      h(
        'fieldset',
        { class: 'measure', hidden: true },
        h('legend', {}, 'Measure'),
        h('label', {}, h('input', { type: 'radio', name: 'measure', value: 'error', checked: true }), ' test error rate'),
        h('label', {}, h('input', { type: 'radio', name: 'measure', value: 'squared' }), ' squared loss on the labels'),
      ),
      h(
        'div',
        { class: 'pins', role: 'group', 'aria-label': 'Pinned curves' },
        button('exp-pin', 'Pin these curves', { disabled: true, title: 'Freeze the curves on the plot, faded, to compare with the next change (at most 4; kept in the link)' }),
        h('ul', { id: 'exp-pins', class: 'chips', 'aria-label': 'Pins' }),
      ),
    ];
  },
  // Summary, every number, exports (short labels in the compact embed).
  results: (compact) => [
    h('ul', { id: 'exp-summary', class: 'summary', 'aria-live': 'polite' }),
    h('details', { class: 'exp-details' }, h('summary', {}, 'Every number'), h('table', { id: 'exp-table', class: 'numbers' })),
    h(
      'div',
      { class: 'exports', role: 'group', 'aria-label': 'Export' },
      button('export-link', 'Copy link'),
      ...(compact ? [] : [button('export-embed', 'Copy embed code', { title: 'An iframe of this figure for a course page (README: embedding)' })]),
      button('export-svg', compact ? 'SVG' : 'Figure as SVG'),
      button('export-png', compact ? 'PNG' : 'Figure as PNG'),
      button('export-json', compact ? 'JSON' : 'Results as JSON', { disabled: true }),
      button('export-csv', compact ? 'CSV' : 'Results as CSV', { disabled: true }),
      h('input', { id: 'export-link-text', type: 'text', readonly: true, hidden: true, 'aria-label': 'Link to this configuration' }),
      h('span', { id: 'export-status', role: 'status', 'aria-live': 'polite' }),
    ),
    // Your own curves: a CSV or JSON table of method, m, n, error[, lo, hi] (README); the
    // app's page only (an embed shows the figure it was made for).
    ...(compact
      ? []
      : [
          h(
            'div',
            { class: 'own-curves', role: 'group', 'aria-label': 'Your own curves' },
            h('label', { for: 'import-file', class: 'import-label' }, 'Your own curves (CSV or JSON: method, m, n, error[, lo, hi])'),
            h('input', { id: 'import-file', type: 'file', accept: '.csv,.json,.txt,text/csv,application/json' }),
            button('import-clear', 'Clear your curves', { hidden: true }),
            h('p', { id: 'import-status', role: 'status', 'aria-live': 'polite' }),
          ),
        ]),
  ],
};

/** Replace the page's `data-exp` slots by their parts; `compact` for the embed. */
export function mountExperimentMarkup(compact: boolean): void {
  for (const slot of document.querySelectorAll<HTMLElement>('[data-exp]')) {
    const make = PARTS[slot.dataset.exp ?? ''];
    if (!make) throw new Error(`unknown experiment part "${slot.dataset.exp}"`);
    slot.replaceWith(...make(compact));
  }
}
