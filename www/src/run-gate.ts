// Whether a run may start, decided from its estimate: a live run (started by a change, not
// by Run) only within LIVE_S seconds unless the user switched Live on; no run over the memory
// limit; a run over BUDGET_S seconds only once the user has confirmed it. The panel
// (experiment-panel.ts) shows what the decision says.

import type { Estimate } from './types';

/** Runs estimated above this many seconds start only after the user confirms. */
export const BUDGET_S = 120;
/** Live runs start by themselves when the estimate is at most this (seconds). */
export const LIVE_S = 10;

/** Seconds as the page writes them: `7 s`, `2 min 5 s`. */
export function seconds(s: number): string {
  return s < 60 ? `${Math.max(1, Math.round(s))} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Bytes as the page writes them: `16 MB`, `2.1 GB`. */
export function megabytes(b: number): string {
  return b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(b / 1e6))} MB`;
}

/** The gate's answer: go, or the status line saying why not, or the question to confirm. */
export type Gate = { go: true } | { go: false; status: string } | { go: false; confirm: string };

/**
 * The gate for a run whose estimate is `est` and whose wall time with its workers is `wall`
 * seconds: `live` when a change started it (then `liveOn` says whether Live is on, by the
 * user or by default), `confirmed` when the user has said yes to this config's long run.
 */
export function gate(est: Estimate, wall: number, opts: { live: boolean; liveOn: boolean; confirmed: boolean }): Gate {
  if (opts.live && !opts.liveOn) {
    return { go: false, status: `Not run live: this configuration would take about ${seconds(wall)}, over ${LIVE_S} s. Press Run, or switch Live on.` };
  }
  if (est.bytes > est.memory_limit) {
    return {
      go: false,
      status: `Not run: this configuration needs about ${megabytes(est.bytes)} of memory, over the ${megabytes(est.memory_limit)} limit; lower width, depth, seeds, m or n.`,
    };
  }
  if (wall > BUDGET_S && !opts.confirmed) {
    return { go: false, confirm: `This run would take about ${seconds(wall)} on this device (${est.units} runs), more than the ${seconds(BUDGET_S)} budget. Run it anyway?` };
  }
  return { go: true };
}
