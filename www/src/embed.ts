// The embeddable figure (www/embed.html#<fragment>): one figure, theory or experiment
// (`view=`), with the controls that `show=` lists. Used directly in an iframe or through the
// <caulk-lab> element (caulk-lab.ts), to which it reports by postMessage:
//   { source: 'caulk-lab', type: 'ready', fragment }            when the figure is drawn,
//   { source: 'caulk-lab', type: 'finished', fragment, results } when a run has finished,
//   { source: 'caulk-lab', type: 'resize', fragment, height }    when its content's height
//     changes (CSS px), with Canvas's { subject: 'lti.frameResize', height } beside it, so a
//     parent page (or an LMS) can size the frame to its content (README: embeds that fit).
// It listens to no message, so nothing a parent or another frame posts changes it. It starts
// work (the wasm, the figure, baked results) only once it is visible: a slide deck loads
// every iframe at once. Every string from the URL reaches the DOM as text.

import { baked_file, baked_file_of, bounds, key_specs, merge_results, set_key } from '../pkg/caulk.js';
import { boot, byId, PageState } from './boot';
import { buildKeyControls } from './controls';
import { mountExperimentMarkup } from './experiment-markup';
import { ExperimentPanel } from './experiment-panel';
import { drawRisk, drawSummary } from './theory-panel';
import type { BoundsReport, KeySpec, Parsed, Results } from './types';

const state = new PageState();
let panel: ExperimentPanel | null = null;

/** To the embedding page, if any (the results are the page's own numbers, not secrets). */
function tell(message: object): void {
  if (window.parent !== window) window.parent.postMessage({ source: 'caulk-lab', fragment: state.fragment, ...message }, '*');
}

/**
 * Fits the figure to the frame and tells the embedding page the content's height. The plots
 * are capped (style.css) at what the frame's height leaves after the rest of the content,
 * `rest`, so a frame of fixed height holds the whole figure, controls included. The height
 * posted is the one at which every plot is drawn at its natural size (its width times the
 * viewBox's aspect), `rest + natural`: a page that sizes the frame from it (the README's
 * snippet, Canvas) gives the plots their full size in one step. Both are independent of the
 * cap, so setting it settles at once.
 */
function fitToFrame(): void {
  if (typeof ResizeObserver === 'undefined') return;
  const root = document.documentElement;
  let capped = '';
  let posted = -1;
  const fit = () => {
    const plots = [...document.querySelectorAll<SVGSVGElement>('.plot-host svg')].filter((s) => s.getClientRects().length > 0);
    const style = getComputedStyle(document.body);
    const content = document.body.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
    let drawn = 0;
    let natural = 0;
    for (const svg of plots) {
      const { width, height } = svg.getBoundingClientRect();
      const box = svg.viewBox.baseVal;
      drawn += height;
      natural += box && box.width > 0 ? (width * box.height) / box.width : height;
    }
    const rest = Math.ceil(content - drawn);
    const cap = `${rest}px/${Math.max(1, plots.length)}`;
    if (cap !== capped) {
      capped = cap;
      root.style.setProperty('--embed-rest', `${rest}px`);
      root.style.setProperty('--embed-plots', String(Math.max(1, plots.length)));
    }
    const height = Math.ceil(rest + natural);
    if (window.parent === window || Math.abs(height - posted) < 1) return;
    posted = height;
    tell({ type: 'resize', height });
    // Canvas (and other LTI hosts) size an LTI frame from this message.
    window.parent.postMessage({ subject: 'lti.frameResize', height }, '*');
  };
  new ResizeObserver(fit).observe(document.body);
  fit();
}

/** Resolves once the page is on screen (at once where that cannot be told). */
function visible(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof IntersectionObserver === 'undefined') return resolve();
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        seen.disconnect();
        resolve();
      }
    });
    seen.observe(document.body);
  });
}

function update(p: Parsed): void {
  state.accept(p);
  (byId('open-full') as HTMLAnchorElement).href = `index.html#${state.fragment}`;
  if (p.config.view === 'experiment') {
    panel?.estimate();
    void panel?.showBaked(baked_file, baked_file_of);
    panel?.configChanged();
  } else {
    const report = bounds(state.fragment) as BoundsReport;
    drawRisk(report);
    drawSummary(report);
  }
  tell({ type: 'ready' });
}

/** Builds the figure the link asks for, with the controls `show=` lists; returns its update. */
function setup(first: Parsed): (p: Parsed) => void {
  const view = String(first.config.view);
  const shown = (first.config.show as string[]).filter((k) => k !== 'none');
  const specs = key_specs() as KeySpec[];
  const change = (key: string, value: string) => update(set_key(state.fragment, key, value) as Parsed);
  byId('controls').hidden = buildKeyControls(byId('controls'), specs, shown, change) === 0;
  byId(view === 'experiment' ? 'experiment' : 'theory').hidden = false;
  if (view === 'experiment') {
    panel = new ExperimentPanel(
      () => state.fragment,
      () => state.config!,
      (f, parts) => merge_results(f, parts) as Results,
      change,
      (results) => tell({ type: 'finished', results }),
      // A course page may hold many embeds: none starts work by itself.
      false,
    );
  }
  return update;
}

async function main(): Promise<void> {
  mountExperimentMarkup(true);
  fitToFrame();
  await visible();
  await boot(state, setup);
}

void main();
