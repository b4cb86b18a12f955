// The experiment's exports (the buttons under the measured curves): the link, the embed code,
// the figure as SVG or PNG, the numbers as JSON or CSV. Final results export as Rust writes
// them (`results_csv`); a sweep cut short (cancelled, failed) exports its finished points,
// marked partial (`points_csv`: the CSV is written by Rust alone).

import { points_csv, results_csv, set_key } from '../pkg/caulk.js';
import { byId } from './boot';
import { copyText, download, embedCode, standaloneSvg, svgToPng } from './export';
import type { FinishedPoint, Results } from './types';

/** What the exports read: the final results, or the partial sweep's points and why it stopped. */
export interface ExportSource {
  fragment(): string;
  results(): Results | null;
  partial(): { reason: string; fragment: string; points: FinishedPoint[] } | null;
}

/** Wires the export buttons (those the page has) to `source`. */
export function wireExports(source: ExportSource): void {
  const status = (t: string) => (byId('export-status').textContent = t);
  const stamp = () => `caulk-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
  const figure = () => byId('exp-plot').querySelector('svg') as SVGSVGElement | null;
  byId('export-link').addEventListener('click', async () => {
    const ok = await copyText(location.href, byId('export-link-text') as HTMLInputElement);
    status(ok ? 'Link copied.' : 'Copy the selected link.');
  });
  document.getElementById('export-embed')?.addEventListener('click', async () => {
    const fragment = (set_key(source.fragment(), 'view', 'experiment') as { fragment: string }).fragment;
    const ok = await copyText(embedCode(fragment, 'Caulk Lab: measured learning curves'), byId('export-link-text') as HTMLInputElement);
    status(ok ? 'Embed code copied: paste it into a course page (README: embedding in a course page).' : 'Copy the selected embed code.');
  });
  byId('export-svg').addEventListener('click', () => {
    const svg = figure();
    if (svg) download(`${stamp()}.svg`, new Blob([standaloneSvg(svg)], { type: 'image/svg+xml' }));
  });
  byId('export-png').addEventListener('click', async () => {
    const svg = figure();
    if (!svg) return;
    try {
      download(`${stamp()}.png`, await svgToPng(standaloneSvg(svg)));
    } catch (e) {
      status(`PNG export failed: ${String(e)}`);
    }
  });
  byId('export-json').addEventListener('click', () => {
    const results = source.results();
    const partial = source.partial();
    const body = results ?? (partial ? { partial: true, ...partial } : null);
    if (body) download(`${stamp()}.json`, new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' }));
  });
  byId('export-csv').addEventListener('click', () => {
    const results = source.results();
    const partial = source.partial();
    const csv = results ? results_csv(results) : partial ? points_csv(partial.points) : null;
    if (csv) download(`${stamp()}.csv`, new Blob([csv], { type: 'text/csv' }));
  });
}

/** Enables the JSON and CSV exports where there are numbers to export. */
export function enableNumberExports(on: boolean): void {
  byId('export-json').toggleAttribute('disabled', !on);
  byId('export-csv').toggleAttribute('disabled', !on);
}
