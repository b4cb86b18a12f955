// The experiment panel: estimate before running, Run / Cancel, progress with time left,
// curves drawn point by point as the worker finishes them (mean line and 95 % band), then
// the fitted slopes next to the theory's prediction, a calibrated bound overlay and a table.
// The sweep runs in Web Workers (worker.ts); Cancel terminates them and keeps every point
// that had finished. What is drawn and listed is experiment-view.ts's.
//
// Live: with the switch on (by default when the estimate is at most LIVE_S seconds), a change
// of a key that moves the numbers abandons the sweep in progress and, 150 ms after the last
// change, starts the new one. A sweep runs in two stages: the first SHAPE_SEEDS seeds over
// every point (the whole curve's shape), then the other seeds, which narrow the bands; the
// ranges of seeds are queued to the workers, and their results merge in seed order into
// exactly the numbers of one run.

import { drawCurves, hasSecondMeasure, joinPoints, summarise, theoryCurve, type Measure } from './experiment-view';
import type { Backbone, Claim, Config, Estimate, FinishedPoint, Results } from './types';
import { enableNumberExports, wireExports } from './experiment-export';
import { claim_of, estimate_wall_seconds, estimate_with_rates, pins_with, pins_without } from '../pkg/caulk.js';
import { drawClaim } from './claim-view';
import { drawPins } from './pins-view';
import { drawEpsLine } from './eps-line';
import type { Reply } from './jobs';
import { plan, SHAPE_SEEDS, WorkerPool, type Part } from './worker-pool';
import { SteadinessCheck } from './steadiness-check';
import { gate, LIVE_S, megabytes, seconds } from './run-gate';
import { BakedShelf } from './baked-shelf';
import { byId as $ } from './boot';

/** Delay of each settling probe after the estimate before it (see `settleProbes`). */
const SETTLE_MS = 1500;
/** Seed-points the page's cache keeps (about 100 bytes each). */
const CACHE_MAX = 200_000;
/** Parameters the backbone cache keeps in all (8 bytes each: 64 MB). */
const BACKBONE_VALUES = 8_000_000;
/** Wait after the last change before a live run starts. */
const DEBOUNCE_MS = 150;


export class ExperimentPanel {
  /** Worker 0 answers estimates; a run uses workers 0 … k−1, one shard each. */
  private pool = new WorkerPool(
    (r) => this.onReply(r),
    (message) => this.fail(message),
  );
  private id = 0;
  /**
   * The run in progress: its ranges of seeds (queued to the workers in order), the last
   * point run, the seeds in all and the workers.
   */
  private shards: {
    parts: Part[];
    point: string;
    fragment: string;
    seeds: number;
    workers: number;
    units: number;
  } | null = null;
  /** The user's choice of the Live switch (null: on when the estimate is at most LIVE_S). */
  private liveChoice: boolean | null = null;
  private liveTimer = 0;
  /** The numbers key (baked file name) of the config whose curves are on show or running. */
  private shownKey = '';
  /** Whether a baked file is being looked for (a live run waits for the answer). */
  private bakedCheck: Promise<boolean> = Promise.resolve(false);
  /** The timer that counts the time left down between progress events (while running). */
  private countdown = 0;
  private points = new Map<string, FinishedPoint[]>();
  private estimateTimer = 0;
  /**
   * Probes still to make once the page is quiet: the first estimates are measured while the
   * page loads (rendering, compiling), and the worker estimates with the median of its last
   * probes (`RateHistory`), so two more set a slowed first one aside.
   */
  private settleProbes = 2;
  private results: Results | null = null;
  /** Why the points on the plot are a partial sweep (cancelled or failed), if they are. */
  private partial: { reason: string; fragment: string } | null = null;
  /** The last estimate and the fragment it was made for. */
  private estimated: { fragment: string; estimate: Estimate } | null = null;
  private estimateIds = new Map<number, string>();
  /** Run as soon as the estimate for the current config arrives. */
  private runWhenEstimated = false;
  /** Results computed ahead of time, beside the page. */
  private shelf = new BakedShelf();
  /** The config whose over-budget run the user confirmed. */
  private confirmed = '';
  /** The state and status of the curves on show before a config change made them stale. */
  private beforeStale: { state: string; status: string } | null = null;

  /**
   * `fragment` gives the current config; `merge` joins the results of a sweep's shards (the
   * wasm `merge_results`); `onDone` hears every finished sweep.
   */
  constructor(
    private fragment: () => string,
    private config: () => Config,
    private merge: (fragment: string, parts: Results[]) => Results,
    private setKey: (key: string, value: string) => void,
    private onDone: (r: Results) => void = () => {},
    liveByDefault = true,
  ) {
    if (!liveByDefault) this.liveChoice = false;
    $('exp-run').addEventListener('click', () => {
      this.liveRun = false;
      this.run();
    });
    $('exp-pin').addEventListener('click', () => this.pin());
    document.getElementById('ctl-at_n')?.addEventListener('change', (e) => this.setKey('at_n', (e.target as HTMLSelectElement).value));
    const live = $('exp-live') as HTMLInputElement;
    const testDefault = (window as unknown as { caulkLive?: boolean }).caulkLive;
    if (typeof testDefault === 'boolean') this.liveChoice = testDefault;
    live.addEventListener('change', () => {
      this.liveChoice = live.checked;
      this.showLive();
      if (live.checked) this.schedule();
    });
    $('exp-pause').addEventListener('click', () => this.togglePause());
    for (const radio of document.querySelectorAll('input[name="overlay"], input[name="measure"]')) {
      radio.addEventListener('change', () => this.draw(this.results));
    }
    $('exp-confirm-run').addEventListener('click', () => {
      this.confirmed = this.fragment();
      $('exp-confirm').hidden = true;
      this.run();
    });
    $('exp-confirm-no').addEventListener('click', () => {
      $('exp-confirm').hidden = true;
      $('exp-status').textContent = 'Not run.';
    });
    $('exp-cancel').addEventListener('click', () => this.cancel('Cancelled'));
    wireExports({
      fragment: () => this.fragment(),
      results: () => this.results,
      partial: () => (this.partial ? { ...this.partial, points: this.finishedPoints() } : null),
    });
  }

  /** Pin the final curves on show under the first free letter (A-D). */
  private pin(): void {
    if (!this.results) return;
    const taken = this.config().pins.map((p) => p.label);
    const label = ['A', 'B', 'C', 'D'].find((l) => !taken.includes(l)) ?? 'E';
    try {
      this.setKey('pins', pins_with(this.fragment(), this.results, label));
    } catch (e) {
      $('exp-status').textContent = `Not pinned: ${e instanceof Error ? e.message : String(e)}.`;
    }
  }

  /** The pin list: a chip per pin, with a button that unpins it. */
  private showPins(): void {
    drawPins($('exp-pins'), this.config().pins, (label) => this.setKey('pins', pins_without(this.fragment(), label)));
  }

  private setResults(r: Results | null): void {
    this.results = r;
    $('exp-pin').toggleAttribute('disabled', r === null);
    this.partial = null;
    enableNumberExports(r !== null);
  }

  /** After a cancel or a failure: the finished points stay exportable, marked partial. */
  private setPartial(reason: string): void {
    const any = [...this.points.values()].some((p) => p.length > 0);
    this.partial = any ? { reason, fragment: this.fragment() } : null;
    enableNumberExports(any);
  }

  private finishedPoints(): FinishedPoint[] {
    return joinPoints([...this.points.values()].flat()).sort((a, b) => a.label.localeCompare(b.label) || a.n - b.n);
  }

  /** The steadiness check of the last finished run (steadiness-check.ts). */
  private steadiness = new SteadinessCheck(this.pool, {
    checking: (shown) => {
      $('experiment').dataset.steady = 'checking';
      // Shown only: the results (and their exports) stay as they are until the verdict.
      summarise(shown, $('exp-summary'), $('exp-table'));
    },
    verdict: (results) => this.showSteadiness(results),
    failed: () => ($('experiment').dataset.steady = 'failed'),
  });

  /** Results with their steadiness verdict: flags on the plot's summary and in the exports. */
  private showSteadiness(results: Results): void {
    if (this.results !== null && this.results !== results && this.shards === null) {
      this.setResults(results);
      this.draw(results);
      summarise(results, $('exp-summary'), $('exp-table'));
      $('experiment').dataset.steady = results.curves.some((c) => c.flags.some((f) => f.startsWith('unsteady'))) ? 'unsteady' : 'steady';
    }
  }

  /** Stop every worker (a run in progress is abandoned; the next use starts fresh ones). */
  private stopWorkers(): void {
    this.pool.stopAll();
    this.shards = null;
  }

  /** The estimate's wall time with the run's workers (the estimate itself is for one core). */
  private wallSeconds(est: Estimate): number {
    return estimate_wall_seconds(est, this.pool.parallelism(est));
  }

  /**
   * Curves on show (final or partial) whose numbers are of another config than the current
   * one (a key that changes them was moved since; `file` is the current config's numbers
   * key, `name` and `nameOf` as in `showBaked`): kept, with a status saying so, so a link
   * copied now is not mistaken for theirs. Moving back restores their status. True when
   * the final results on show are the current config's.
   */
  private markStale(file: string, name: (fragment: string) => string, nameOf: (r: unknown) => string): boolean {
    if (this.running()) return false;
    const shown = this.results ? nameOf(this.results) : this.partial ? name(this.partial.fragment) : null;
    const host = $('experiment');
    const stale = shown !== null && shown !== file;
    if (stale && host.dataset.state !== 'stale') {
      this.beforeStale = { state: host.dataset.state ?? 'idle', status: $('exp-status').textContent ?? '' };
      host.dataset.state = 'stale';
      $('exp-status').textContent =
        'The curves shown are of an earlier configuration (their JSON export carries it); the controls have changed since. Press Run to compute the current one.';
    } else if (!stale && host.dataset.state === 'stale' && this.beforeStale) {
      host.dataset.state = this.beforeStale.state;
      $('exp-status').textContent = this.beforeStale.status;
      this.beforeStale = null;
    }
    return this.results !== null && !stale;
  }

  /**
   * Show results computed ahead of time for exactly the current config (`baked/<key>.json`
   * beside the page), if there are any; `name` gives a config's file name, `nameOf` a
   * results object's (they must agree). Running again recomputes them here.
   */
  showBaked(name: (fragment: string) => string, nameOf: (r: unknown) => string): Promise<boolean> {
    this.numbersKey = name;
    this.bakedCheck = this.findBaked(name, nameOf);
    return this.bakedCheck;
  }

  /** The numbers key of a fragment (set by `showBaked`). */
  private numbersKey: (fragment: string) => string = (f) => f;

  private async findBaked(name: (fragment: string) => string, nameOf: (r: unknown) => string): Promise<boolean> {
    const fragment = this.fragment();
    const file = name(fragment);
    // Curves of exactly these numbers on show (this browser's run, or the baked ones) stay.
    if (this.markStale(file, name, nameOf)) return true;
    const results = await this.shelf.find(file, nameOf);
    if (!results || this.fragment() !== fragment) return false;
    if (this.running()) {
      if (this.shards?.fragment === fragment) return false;
      this.abandon();
    }
    this.points.clear();
    this.setResults(results);
    this.shownKey = file;
    this.draw(results);
    summarise(results, $('exp-summary'), $('exp-table'));
    $('experiment').dataset.state = 'baked';
    this.beforeStale = null;
    $('exp-status').textContent = `Precomputed results for exactly this configuration (computed ahead of time on ${results.backend} in ${seconds(results.elapsed_ms / 1000)}). Press Run to compute them again in this browser.`;
    this.onDone(results);
    return true;
  }

  /** Ask for the cost of the current config (debounced). */
  estimate(): void {
    clearTimeout(this.estimateTimer);
    this.estimateTimer = window.setTimeout(() => {
      if (this.running()) return;
      try {
        this.requestEstimate();
      } catch (e) {
        $('exp-estimate').textContent = `No estimate: ${e instanceof Error ? e.message : String(e)}.`;
      }
    }, 150);
  }

  /** An estimate of `fragment` is in: show it, settle the rates, run what waited for it. */
  private onEstimate(fragment: string, estimate: Estimate): void {
    this.estimated = { fragment, estimate };
    const workers = this.pool.parallelism(estimate);
    const split = workers > 1 ? ` in ${workers} workers` : '';
    const where = estimate.rates.gpu != null ? "on this device's GPU" : 'on this device';
    $('exp-estimate').textContent = `About ${seconds(this.wallSeconds(estimate))} ${where} (${estimate.units} runs${split}, ${megabytes(estimate.bytes)} of memory).`;
    // In the page itself (no worker) a probe would hold the main thread: no settling.
    if (this.settleProbes > 0 && !this.pool.inPage) {
      this.settleProbes--;
      window.setTimeout(() => {
        if (!this.running() && !this.runWhenEstimated && this.fragment() === fragment) this.requestEstimate();
      }, SETTLE_MS);
    }
    this.showLive();
    if (this.runWhenEstimated && fragment === this.fragment()) {
      this.runWhenEstimated = false;
      this.run();
    }
  }

  /**
   * The estimate of `fragment` with the last estimate's rates (no probe), when there is a last
   * one of another config; null otherwise, or where it fails (the worker's estimate then
   * says why).
   */
  private estimateLocally(fragment: string): Estimate | null {
    if (!this.estimated || this.estimated.fragment === fragment) return null;
    try {
      return estimate_with_rates(fragment, this.estimated.estimate.rates) as Estimate;
    } catch {
      return null;
    }
  }

  private requestEstimate(): void {
    const fragment = this.fragment();
    // Live, once the rates have settled: the estimate of a change is made here with them
    // (the worker's probe would hold up the live run that starts at the same moment).
    const local = this.isLive() && this.settleProbes === 0 ? this.estimateLocally(fragment) : null;
    if (local) return this.onEstimate(fragment, local);
    // A new config's estimate may take seconds (the first one on a GPU measures it): the old
    // one's text must not stand for it meanwhile.
    if (this.estimated?.fragment !== fragment) $('exp-estimate').textContent = 'Estimating the cost…';
    this.estimateIds.set(++this.id, fragment);
    this.pool.get().postMessage({ type: 'estimate', id: this.id, fragment });
  }

  /**
   * The gate before a run: the estimate for exactly this config must be in; a config over
   * the memory limit is refused, one over the time budget needs the user's confirmation.
   * Returns whether to run now.
   */
  private gate(): boolean {
    const fragment = this.fragment();
    // A live run uses the rates of the last estimate (no probe, so it starts at once); the
    // worker's own estimate of this config follows and refines the figure shown.
    // (Shown as the config's estimate: the worker's, asked for at the same change, is dropped
    // with the workers of the sweep this run replaces.)
    const local = this.liveRun ? this.estimateLocally(fragment) : null;
    if (local) this.onEstimate(fragment, local);
    const est = this.estimated?.fragment === fragment ? this.estimated.estimate : null;
    if (!est) {
      this.runWhenEstimated = true;
      $('exp-status').textContent = 'Estimating the cost first…';
      try {
        this.requestEstimate();
      } catch (e) {
        this.runWhenEstimated = false;
        this.fail(e instanceof Error ? e.message : String(e));
      }
      return false;
    }
    const live = this.liveRun;
    const liveOn = this.isLive();
    this.liveRun = false;
    const verdict = gate(est, this.wallSeconds(est), { live, liveOn, confirmed: this.confirmed === fragment });
    if (verdict.go) return true;
    if ('confirm' in verdict) {
      $('exp-confirm-text').textContent = verdict.confirm;
      $('exp-confirm').hidden = false;
      ($('exp-confirm-run') as HTMLButtonElement).focus();
    } else {
      // A live run held back by its length: the switch says why Live is off.
      if (live && !liveOn) this.showLive();
      $('exp-status').textContent = verdict.status;
    }
    return false;
  }

  /** A sweep is in progress (running or paused). */
  private running(): boolean {
    return $('exp-run').hasAttribute('disabled');
  }

  private setRunning(on: boolean): void {
    $('exp-run').toggleAttribute('disabled', on);
    $('exp-cancel').toggleAttribute('disabled', !on);
    $('exp-pause').toggleAttribute('disabled', !on);
    $('exp-pause').textContent = 'Pause';
    $('exp-pause').setAttribute('aria-pressed', 'false');
    $('experiment').dataset.state = on ? 'running' : 'idle';
    window.clearInterval(this.countdown);
    if (on) {
      this.countdown = window.setInterval(() => {
        if ($('experiment').dataset.state === 'running') this.showProgress();
      }, 1000);
    }
  }

  /**
   * The run's status line and bar: runs done of the total, the stage on screen, and the time
   * left: the modelled wall time of the units not done, counted down between events.
   */
  private showProgress(): void {
    if (!this.shards) return;
    const { parts, units } = this.shards;
    const now = performance.now();
    const done = parts.reduce((a, p) => a + (p.results ? (p.progress?.total ?? 0) : (p.progress?.done ?? 0)), 0);
    const total = Math.max(1, units, done);
    const running = parts.filter((p) => p.progress && !p.results);
    const left = Math.max(
      0,
      ...running.map((p) => p.progress!.eta_s - (now - p.at) / 1000),
      // Ranges still queued: their share of the estimate.
      this.estimated ? (this.wallSeconds(this.estimated.estimate) * parts.filter((p) => !p.progress).reduce((a, p) => a + p.to - p.from, 0)) / Math.max(1, this.shards.seeds) : 0,
    );
    const bar = $('exp-progress') as HTMLProgressElement;
    bar.max = total;
    bar.value = done;
    const workers = this.shards.workers > 1 ? ` · ${this.shards.workers} workers` : '';
    const paused = $('experiment').dataset.state === 'paused' ? ' · paused' : '';
    $('exp-status').textContent = `${this.stageText()} · ${done} of ${total} runs · about ${seconds(left)} left${workers}${paused} · ${this.shards.point}`;
  }

  /** Which stage is on screen: the shape on a few seeds, or the other seeds filling in. */
  private stageText(): string {
    if (!this.shards) return '';
    const { parts, seeds } = this.shards;
    const first = parts.filter((p) => p.stage === 1);
    if (parts.every((p) => p.stage === 1)) return `All ${seeds} seed${seeds === 1 ? '' : 's'} at once`;
    const shape = first.reduce((a, p) => a + p.to - p.from, 0);
    if (first.some((p) => !p.results)) return `Stage 1 of 2: the whole curve on ${shape} of ${seeds} seeds`;
    const filled = parts.filter((p) => p.results).reduce((a, p) => a + p.to - p.from, 0);
    return `Stage 2 of 2: the curve on ${filled} of ${seeds} seeds is final, the other seeds are filling in and the bands narrow`;
  }

  /** Hold every worker after its current unit, or let them go on. */
  private togglePause(): void {
    if (!this.running()) return;
    const pausing = $('experiment').dataset.state !== 'paused';
    this.pool.broadcast({ type: pausing ? 'pause' : 'resume', id: this.id });
    // The time left stands still while paused: each shard's estimate is brought to now when
    // pausing and counts from the resume.
    if (this.shards) {
      const now = performance.now();
      for (const part of this.shards.parts) {
        if (part.progress && pausing) part.progress.eta_s = Math.max(0, part.progress.eta_s - (now - part.at) / 1000);
        part.at = now;
      }
    }
    $('experiment').dataset.state = pausing ? 'paused' : 'running';
    $('exp-pause').textContent = pausing ? 'Resume' : 'Pause';
    $('exp-pause').setAttribute('aria-pressed', String(pausing));
    if (pausing) $('exp-status').textContent = 'Paused after the current run (the finished points stay); press Resume to go on.';
  }

  run(): void {
    const live = this.liveRun;
    if (this.running() || !this.gate()) return;
    this.steadiness.stop();
    $('exp-confirm').hidden = true;
    this.beforeStale = null;
    this.setResults(null);
    this.points.clear();
    $('exp-summary').replaceChildren();
    $('exp-table').replaceChildren();
    // A live rerun keeps the last curves on show, faded, until its first point replaces them.
    if (live && $('exp-plot').querySelector('svg .series')) $('exp-plot').classList.add('previous');
    else this.draw(null);
    this.setRunning(true);
    $('exp-device').hidden = true;
    $('exp-status').textContent = 'Starting…';
    const fragment = this.fragment();
    this.shownKey = this.numbersKey(fragment);
    this.startedAt = performance.now();
    performance.mark('caulk:run-start');
    this.counts = { computed: 0, cached: 0 };
    const est = this.estimated?.fragment === fragment ? this.estimated.estimate : null;
    const workers = est ? this.pool.parallelism(est) : 1;
    const seeds = Number(this.config().seeds);
    this.shards = { parts: plan(seeds, workers), point: '', fragment, seeds, workers, units: est?.units ?? 1 };
    const id = ++this.id;
    try {
      for (let w = 0; w < workers; w++) this.dispatch(w, id, est);
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
    }
  }

  /** Give worker `w` its next range of seeds of run `id`. */
  private dispatch(w: number, id: number, est: Estimate | null): void {
    const run = this.shards;
    const index = run?.parts.findIndex((p) => p.worker === w && !p.sent) ?? -1;
    if (!run || index < 0) return;
    const part = run.parts[index];
    part.sent = true;
    // The worker's seeds' backbones only (they are the large part).
    const backbones = Object.fromEntries([...this.backbones].filter(([, b]) => b.seed >= part.from && b.seed < part.to));
    const known = { points: Object.fromEntries(this.cache), backbones };
    this.pool.get(w).postMessage({ type: 'run', id, fragment: run.fragment, from: part.from, to: part.to, part: index, rates: est?.rates ?? null, known });
  }

  /**
   * The point cache: every seed-point this page has computed, by its key (what its numbers
   * depend on, src/experiment/cache.rs), kept across changes and runs (the oldest dropped
   * beyond CACHE_MAX). A run computes only the seed-points not in it.
   */
  private cache = new Map<string, [number, number]>();
  /**
   * The backbone cache: every backbone pre-trained in this page, by its key (its extractor,
   * source sample, architecture and device: not α, β or σ), so that moving those keys fits
   * again on the backbones there are; at most BACKBONE_VALUES parameters in all.
   */
  private backbones = new Map<string, Backbone>();
  private backboneValues = 0;
  /** Seed-points of the run on show: computed, and taken from the cache. */
  private counts = { computed: 0, cached: 0 };
  private startedAt = 0;

  /**
   * Live: after a change that moves the numbers, abandon the sweep of the old config and
   * (debounced) run the new one once its estimate is in, unless its curves are on show.
   */
  private schedule(): void {
    clearTimeout(this.liveTimer);
    // The sweep of the old config stops at once (its CPU is free for the new one), and
    // fresh workers load the compute module while the debounce runs.
    if (this.running() && this.shards?.fragment !== this.fragment() && this.shownKey !== this.numbersKey(this.fragment())) {
      this.abandon();
      const est = this.estimated?.estimate;
      for (let w = 0; w < (est ? this.pool.parallelism(est) : 1); w++) this.pool.get(w);
    }
    this.liveTimer = window.setTimeout(async () => {
      const fragment = this.fragment();
      if (this.held || (await this.bakedCheck)) return;
      if (this.fragment() !== fragment || !this.isLive()) return;
      if (this.running()) {
        if (this.shards?.fragment === fragment) return;
        this.abandon();
      }
      if (this.results && this.shownKey === this.numbersKey(fragment)) return;
      this.liveRun = true;
      this.run();
    }, DEBOUNCE_MS);
  }

  /** Whether a live run is waiting for its estimate (it then runs only within LIVE_S). */
  private liveRun = false;

  /** Live is on: the user's choice, or by default when the last estimate is within LIVE_S. */
  private isLive(): boolean {
    if (this.liveChoice !== null) return this.liveChoice;
    const est = this.estimated?.estimate;
    return est ? this.wallSeconds(est) <= LIVE_S : true;
  }

  /** The switch shows whether live is on, and why when by default. */
  private showLive(): void {
    const live = $('exp-live') as HTMLInputElement;
    live.checked = this.isLive();
    const est = this.estimated?.estimate;
    $('exp-live-note').textContent =
      this.liveChoice === null && est && !live.checked ? `off: this configuration takes about ${seconds(this.wallSeconds(est))}` : '';
  }

  /** Drop the sweep in progress (its config is no longer the current one) without a word. */
  private abandon(): void {
    this.stopWorkers();
    this.id++;
    this.setRunning(false);
    this.points.clear();
  }

  cancel(why: string): void {
    if (!this.running()) return;
    this.stopWorkers();
    this.id++;
    this.setRunning(false);
    const kept = this.finishedPoints().length;
    $('exp-status').textContent = `${why}: ${kept} finished point${kept === 1 ? '' : 's'} kept.`;
    $('experiment').dataset.state = 'cancelled';
    this.setPartial(why);
    this.draw(null);
  }

  private fail(message: string): void {
    this.setRunning(false);
    this.stopWorkers();
    this.id++;
    const kept = this.finishedPoints().length;
    $('exp-status').textContent = `The run stopped: ${message}. ${kept} finished point${kept === 1 ? '' : 's'} kept; Run starts again.`;
    this.setPartial(`failed: ${message}`);
    $('experiment').dataset.state = 'error';
  }

  private onReply(r: Reply): void {
    if (r.id !== this.id) return;
    switch (r.type) {
      case 'estimate': {
        const fragment = this.estimateIds.get(r.id) ?? '';
        this.estimateIds.delete(r.id);
        this.onEstimate(fragment, r.estimate);
        break;
      }
      case 'progress': {
        const p = r.event;
        const part = this.shards?.parts[r.part ?? 0];
        if (!this.shards || !part) break;
        part.progress = p;
        part.at = performance.now();
        if (p.backbone && !this.backbones.has(p.backbone.key)) {
          this.backbones.set(p.backbone.key, p.backbone);
          this.backboneValues += p.backbone.params.length;
          for (const [key, b] of this.backbones) {
            if (this.backboneValues <= BACKBONE_VALUES) break;
            this.backbones.delete(key);
            this.backboneValues -= b.params.length;
          }
        }
        if (p.seed) {
          this.counts[p.seed.cached ? 'cached' : 'computed']++;
          $('experiment').dataset.computed = String(this.counts.computed);
          $('experiment').dataset.cached = String(this.counts.cached);
          if (!p.seed.cached) {
            this.cache.set(p.seed.key, [p.seed.risk, p.seed.trainable]);
            if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
          }
        }
        this.shards.point = p.point;
        this.showProgress();
        if (p.finished && p.finished.risk_mean !== null) {
          // Marks for www/bench/live.mjs: the first point of a run on screen.
          if (this.points.size === 0) performance.mark('caulk:first-point');
          const list = this.points.get(p.finished.label) ?? [];
          list.push(p.finished);
          this.points.set(p.finished.label, list);
          this.draw(null);
          // Fault drill (set by the end-to-end tests): a worker dies after the first point,
          // as when the browser kills it, and the page must recover.
          const w = window as unknown as { caulkFaultDrill?: string };
          if (w.caulkFaultDrill === 'kill-worker') {
            delete w.caulkFaultDrill;
            this.pool.killFirst();
            this.fail('a worker stopped (fault drill: killed)');
            break;
          }
        }
        break;
      }
      case 'device':
        $('exp-device').hidden = false;
        $('exp-device').textContent = r.message;
        break;
      case 'done': {
        const run = this.shards;
        const part = run?.parts[r.part ?? 0];
        if (!run || !part) break;
        part.results = r.results;
        if (part.stage === 1 && run.parts.every((x) => x.stage !== 1 || x.results)) performance.mark('caulk:shape');
        // The worker that finished takes its next range.
        this.dispatch(part.worker, r.id, this.estimated?.fragment === run.fragment ? this.estimated.estimate : null);
        this.showProgress();
        const parts = run.parts.map((x) => x.results);
        if (parts.some((x) => x === null)) break;
        let results: Results;
        try {
          results = parts.length === 1 ? parts[0]! : this.merge(run.fragment, parts as Results[]);
        } catch (e) {
          this.fail(`the shards' results did not merge (${e instanceof Error ? e.message : String(e)})`);
          break;
        }
        this.shards = null;
        this.setRunning(false);
        performance.mark('caulk:done');
        $('experiment').dataset.state = 'done';
        const workers = run.workers > 1 ? ` in ${run.workers} workers` : this.pool.inPage ? ' in this page (it may not start a worker)' : '';
        const stages = run.parts.some((x) => x.stage === 2) ? `, shape first on ${SHAPE_SEEDS} seeds, then all ${run.seeds}` : '';
        const reused = this.counts.cached > 0 ? `; ${this.counts.computed} seed-points computed, ${this.counts.cached} reused from earlier runs` : '';
        $('exp-status').textContent = `Done in ${seconds((performance.now() - this.startedAt) / 1000)} on ${results.backend}${workers}${stages}${reused}.`;
        this.draw(results);
        summarise(results, $('exp-summary'), $('exp-table'));
        this.setResults(results);
        this.onDone(results);
        this.steadiness.start(run.fragment, results);
        break;
      }
      case 'error':
        if (this.running()) {
          this.fail(r.message);
          break;
        }
        // An estimate failed (e.g. backend=gpu without WebGPU): no run waits on it any more.
        $('exp-estimate').textContent = `No estimate: ${r.message}.`;
        if (this.runWhenEstimated) {
          this.runWhenEstimated = false;
          $('exp-status').textContent = `Not run: ${r.message}.`;
        }
        break;
    }
  }

  /** ε is being dragged on the plot: the plot is not redrawn under the pointer. */
  private dragging = false;

  /**
   * The config changed (any key): the ε line and the claim follow at once; live, a change
   * that moves the numbers runs the new config (`schedule`).
   */
  configChanged(): void {
    if (this.dragging) this.drawClaimPart(this.results);
    else this.draw(this.results);
    this.showLive();
    if (this.isLive() && !this.held) this.schedule();
  }

  /** Why live runs are held: a lesson step that hides the curves, your own curves on show. */
  private holds = new Set<string>();

  private get held(): boolean {
    return this.holds.size > 0;
  }

  /** Hold live runs for `reason` (`on`), or release that hold. */
  hold(reason: string, on: boolean): void {
    if (on) this.holds.add(reason);
    else this.holds.delete(reason);
    if (on) clearTimeout(this.liveTimer);
  }

  /** Your own curves (an imported table, `import_table`) on show instead of a sweep's. */
  showImported(results: Results): void {
    if (this.running()) this.abandon();
    this.points.clear();
    this.setResults(results);
    this.shownKey = this.numbersKey(this.fragment());
    this.draw(results);
    summarise(results, $('exp-summary'), $('exp-table'));
    $('experiment').dataset.state = 'imported';
    this.beforeStale = null;
    $('exp-status').textContent = `Your own curves (${results.backend}), summarised as the app's are: fitted slopes, n_ε and the bound calibrated to them. Clear them to run the preset again.`;
  }

  /** The final results on show when they are the current config's (baked or run here); else null. */
  shownResults(): Results | null {
    return this.results !== null && this.shownKey === this.numbersKey(this.fragment()) ? this.results : null;
  }

  /** Curves from the finished points, or from the final results with the theory overlay; the ε line; the claim. */
  private draw(results: Results | null): void {
    const overlay = (document.querySelector('input[name="overlay"]:checked') as HTMLInputElement | null)?.value ?? 'calibrated';
    const measure = ((document.querySelector('input[name="measure"]:checked') as HTMLInputElement | null)?.value ?? 'error') as Measure;
    const twoMeasures = results !== null && hasSecondMeasure(results);
    const measures = document.querySelector<HTMLFieldSetElement>('fieldset.measure');
    if (measures) measures.hidden = !twoMeasures;
    $('exp-plot').classList.remove('previous');
    drawCurves($('exp-plot'), results, this.points, overlay, this.config().pins, measure);
    this.showPins();
    const svg = $('exp-plot').querySelector('svg');
    // ε is a target error rate: its line belongs on the error axis only.
    if (svg && (results !== null || this.points.size > 0) && !(twoMeasures && measure === 'squared')) {
      drawEpsLine(
        svg,
        Number(this.config().eps),
        (v) => {
          this.dragging = true;
          this.setKey('eps', v);
        },
        (v) => {
          this.dragging = false;
          this.setKey('eps', v);
          this.draw(this.results);
          (document.querySelector('#exp-plot .eps-line') as HTMLElement | null)?.focus();
        },
      );
    }
    // Results without a theoretical slope (peft) leave nothing to overlay.
    const choices = document.querySelector<HTMLFieldSetElement>('fieldset.overlay');
    if (choices) {
      choices.disabled = results !== null && theoryCurve(results) === undefined;
      choices.title = choices.disabled ? 'This preset states no theoretical slope to overlay.' : '';
    }
    this.drawClaimPart(results);
    // Marks drawn over the curves by others (a lesson's guess) are drawn again.
    $('exp-plot').dispatchEvent(new CustomEvent('caulk:drawn'));
  }

  /** The claim figures (where the page has them) from the final results, for the current ε and at_n. */
  private drawClaimPart(results: Results | null): void {
    const risk = document.getElementById('claim-risk');
    const neps = document.getElementById('claim-neps');
    const summary = document.getElementById('claim-summary');
    if (!risk || !neps || !summary) return;
    let claim: Claim | null = null;
    let why = 'The claim figures need the results of a finished sweep.';
    if (results) {
      try {
        claim = claim_of(results, this.fragment()) as Claim | null;
        why = 'The claim needs curves at two or more source sizes m (the headline preset, or add m).';
      } catch (e) {
        why = `No claim: ${e instanceof Error ? e.message : String(e)}.`;
      }
    } else if (this.running()) {
      why = 'The claim figures appear when the sweep has finished (they need every seed).';
    }
    drawClaim(claim, risk, neps, summary, why);
    const select = document.getElementById('ctl-at_n') as HTMLSelectElement | null;
    if (select) {
      const grid = results?.curves[0]?.n ?? [];
      const want = grid.map(String).join(',');
      if (select.dataset.grid !== want) {
        select.replaceChildren(...grid.map((n) => new Option(n.toLocaleString('en'), String(n))));
        select.dataset.grid = want;
      }
      select.disabled = grid.length === 0;
      if (claim) select.value = String(claim.n);
    }
  }
}
