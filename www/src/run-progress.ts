// What the page says of a sweep in progress: the stage on screen (the curve's shape on a few
// seeds, then the other seeds filling in), runs done of the total and the time left, the
// modelled wall time of the units not done, counted down between progress events and held
// still while paused.

import type { Part } from './worker-pool';
import { seconds } from './run-gate';

/**
 * The run in progress: its ranges of seeds (queued to the workers in order), the last point
 * run, the config, the seeds in all, the workers and the units the estimate counts.
 */
export interface RunInProgress {
  parts: Part[];
  point: string;
  fragment: string;
  seeds: number;
  workers: number;
  units: number;
}

/**
 * The status line of `run` at `now` (ms, `performance.now()`): the stage, runs done of the
 * total, the time left (`wall`: the whole run's estimated wall time in seconds, for the
 * ranges still queued), and whether it is paused.
 */
export function progressLine(run: RunInProgress, now: number, wall: number | null, paused: boolean): { done: number; total: number; text: string } {
  const { parts, units } = run;
  const done = parts.reduce((a, p) => a + (p.results ? (p.progress?.total ?? 0) : (p.progress?.done ?? 0)), 0);
  const total = Math.max(1, units, done);
  const running = parts.filter((p) => p.progress && !p.results);
  const queued = parts.filter((p) => !p.progress).reduce((a, p) => a + p.to - p.from, 0);
  const left = Math.max(
    0,
    ...running.map((p) => p.progress!.eta_s - (now - p.at) / 1000),
    // Ranges still queued: their share of the estimate.
    wall !== null ? (wall * queued) / Math.max(1, run.seeds) : 0,
  );
  const workers = run.workers > 1 ? ` · ${run.workers} workers` : '';
  const pause = paused ? ' · paused' : '';
  return { done, total, text: `${stageText(run)} · ${done} of ${total} runs · about ${seconds(left)} left${workers}${pause} · ${run.point}` };
}

/** Which stage is on screen: the shape on a few seeds, or the other seeds filling in. */
export function stageText(run: RunInProgress): string {
  const { parts, seeds } = run;
  const first = parts.filter((p) => p.stage === 1);
  if (parts.every((p) => p.stage === 1)) return `All ${seeds} seed${seeds === 1 ? '' : 's'} at once`;
  const shape = first.reduce((a, p) => a + p.to - p.from, 0);
  if (first.some((p) => !p.results))
    return `Stage 1 of 2: the whole curve's shape on ${shape} of ${seeds} seeds (${shape} seed${shape === 1 ? '' : 's'}: no interval; the bands come with stage 2)`;
  const filled = parts.filter((p) => p.results).reduce((a, p) => a + p.to - p.from, 0);
  return `Stage 2 of 2: the curve on ${filled} of ${seeds} seeds is final, the other seeds are filling in and the bands narrow`;
}

/**
 * The time left stands still while paused: at a pause (`pausing`) each range's estimate is
 * brought to `now`, and from a resume it counts from then.
 */
export function holdClock(run: RunInProgress, pausing: boolean, now: number): void {
  for (const part of run.parts) {
    if (part.progress && pausing) part.progress.eta_s = Math.max(0, part.progress.eta_s - (now - part.at) / 1000);
    part.at = now;
  }
}
