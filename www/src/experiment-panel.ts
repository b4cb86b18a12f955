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
//
// Its parts, each in a module of its own: the workers and the seed plan (worker-pool.ts), the
// estimate (estimates.ts), the gate before a run (run-gate.ts), the Live switch
// (live-switch.ts), the status of a run in progress (run-progress.ts), what the page keeps of
// its runs (run-caches.ts), stale curves (stale-note.ts), baked results (baked-shelf.ts), the
// steadiness check (steadiness-check.ts), the exports (experiment-export.ts), the pins
// (pins-view.ts), the ε line (eps-line.ts) and the claim (claim-view.ts).

import { drawCurves, hasSecondMeasure, joinPoints, summarise, theoryCurve, type Measure } from './experiment-view';
import type { Config, Estimate, FinishedPoint, Results } from './types';
import { enableNumberExports, wireExports } from './experiment-export';
import { pins_with, pins_without } from '../pkg/caulk.js';
import { drawClaimFigures } from './claim-view';
import { drawPins } from './pins-view';
import { drawEpsLine } from './eps-line';
import type { Reply } from './jobs';
import { plan, SHAPE_SEEDS, WorkerPool } from './worker-pool';
import { SteadinessCheck } from './steadiness-check';
import { gate, seconds } from './run-gate';
import { BakedShelf } from './baked-shelf';
import { Estimates } from './estimates';
import { LiveSwitch } from './live-switch';
import { holdClock, progressLine, type RunInProgress } from './run-progress';
import { RunCaches } from './run-caches';
import { StaleNote } from './stale-note';
import { byId as $ } from './boot';

export class ExperimentPanel {
  /** Worker 0 answers estimates; a run uses workers 0 … k−1, one shard each. */
  private pool = new WorkerPool(
    (r) => this.onReply(r),
    (message) => this.fail(message),
  );
  /** The id of the latest request to the workers: replies to older ones are dropped. */
  private id = 0;
  /** The run in progress. */
  private shards: RunInProgress | null = null;
  /** The numbers key (baked file name) of the config whose curves are on show or running. */
  private shownKey = '';
  /** Whether a baked file is being looked for (a live run waits for the answer). */
  private bakedCheck: Promise<boolean> = Promise.resolve(false);
  /** The timer that counts the time left down between progress events (while running). */
  private countdown = 0;
  /** The finished points of the run on show, by curve label. */
  private points = new Map<string, FinishedPoint[]>();
  private results: Results | null = null;
  /** Why the points on the plot are a partial sweep (cancelled or failed), if they are. */
  private partial: { reason: string; fragment: string } | null = null;
  /** The cost estimate on show (estimates.ts). */
  private estimates = new Estimates(this.pool, {
    fragment: () => this.fragment(),
    running: () => this.running(),
    waiting: () => this.runWhenEstimated,
    live: () => this.live.on(),
    nextId: () => ++this.id,
    arrived: (fragment) => this.onEstimate(fragment),
  });
  /** Run as soon as the estimate for the current config arrives. */
  private runWhenEstimated = false;
  /** Results computed ahead of time, beside the page. */
  private shelf = new BakedShelf();
  /** The config whose over-budget run the user confirmed. */
  private confirmed = '';
  /** The config whose live run the gate held back by its length (its status says how long). */
  private heldLive = '';
  /** The note on curves of an earlier config, and what it replaced. */
  private stale = new StaleNote();
  /** The points and backbones this page has computed, for later runs to reuse. */
  private caches = new RunCaches();
  /** Seed-points of the run on show: computed, and taken from the cache. */
  private counts = { computed: 0, cached: 0 };
  private startedAt = 0;
  /** The Live switch and the holds on live runs. */
  private live: LiveSwitch;

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
    this.live = new LiveSwitch(
      liveByDefault,
      () => (this.estimates.last ? this.estimates.wallSeconds(this.estimates.last.estimate) : null),
      () => this.schedule(),
    );
    $('exp-run').addEventListener('click', () => {
      this.liveRun = false;
      this.run();
    });
    $('exp-pin').addEventListener('click', () => this.pin());
    document.getElementById('ctl-at_n')?.addEventListener('change', (e) => this.setKey('at_n', (e.target as HTMLSelectElement).value));
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
    const stale = shown !== null && shown !== file;
    this.stale.set(stale);
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
    this.stale.forget();
    $('exp-status').textContent = `Precomputed results for exactly this configuration (computed ahead of time on ${results.backend} in ${seconds(results.elapsed_ms / 1000)}). Press Run to compute them again in this browser.`;
    this.onDone(results);
    return true;
  }

  /** Ask for the cost of the current config (debounced). */
  estimate(): void {
    this.estimates.debounced();
  }

  /**
   * An estimate of `fragment` is in (and shown): the switch follows it, a live run held back
   * says the new time; run what waited for it.
   */
  private onEstimate(fragment: string): void {
    this.live.show();
    // A settled estimate of a config held back from a live run: the status gives its time,
    // not the first (slower) one's.
    const est = this.estimates.of(fragment);
    if (est && this.heldLive === fragment && $('experiment').dataset.state === 'idle' && !this.live.on()) {
      const verdict = gate(est, this.estimates.wallSeconds(est), { live: true, liveOn: false, confirmed: false });
      if ('status' in verdict) $('exp-status').textContent = verdict.status;
    }
    if (this.runWhenEstimated && fragment === this.fragment()) {
      this.runWhenEstimated = false;
      this.run();
    }
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
    const local = this.liveRun ? this.estimates.local(fragment) : null;
    if (local) this.estimates.accept(fragment, local);
    const est = this.estimates.of(fragment);
    if (!est) {
      this.runWhenEstimated = true;
      $('exp-status').textContent = 'Estimating the cost first…';
      try {
        this.estimates.request();
      } catch (e) {
        this.runWhenEstimated = false;
        this.fail(e instanceof Error ? e.message : String(e));
      }
      return false;
    }
    const live = this.liveRun;
    const liveOn = this.live.on();
    this.liveRun = false;
    const verdict = gate(est, this.estimates.wallSeconds(est), { live, liveOn, confirmed: this.confirmed === fragment });
    // Each decision replaces the last: only a live run held back by its length is remembered.
    this.heldLive = !verdict.go && live && !liveOn ? fragment : '';
    if (verdict.go) return true;
    if ('confirm' in verdict) {
      $('exp-confirm-text').textContent = verdict.confirm;
      $('exp-confirm').hidden = false;
      ($('exp-confirm-run') as HTMLButtonElement).focus();
    } else {
      // A live run held back by its length: the switch says why Live is off.
      if (live && !liveOn) this.live.show();
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

  /** The run's status line and bar (run-progress.ts). */
  private showProgress(): void {
    if (!this.shards) return;
    const est = this.estimates.last?.estimate;
    const paused = $('experiment').dataset.state === 'paused';
    const line = progressLine(this.shards, performance.now(), est ? this.estimates.wallSeconds(est) : null, paused);
    const bar = $('exp-progress') as HTMLProgressElement;
    bar.max = line.total;
    bar.value = line.done;
    $('exp-status').textContent = line.text;
  }

  /** Hold every worker after its current unit, or let them go on. */
  private togglePause(): void {
    if (!this.running()) return;
    const pausing = $('experiment').dataset.state !== 'paused';
    this.pool.broadcast({ type: pausing ? 'pause' : 'resume', id: this.id });
    if (this.shards) holdClock(this.shards, pausing, performance.now());
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
    this.stale.forget();
    this.setResults(null);
    this.points.clear();
    $('exp-summary').replaceChildren();
    $('exp-table').replaceChildren();
    // Running first, so that the empty plot and the claim say a sweep is on its way.
    const keepPrevious = live && $('exp-plot').querySelector('svg .series') !== null;
    this.setRunning(true);
    // A live rerun keeps the last curves on show, faded, until its first point replaces them.
    if (keepPrevious) $('exp-plot').classList.add('previous');
    else this.draw(null);
    $('exp-device').hidden = true;
    $('exp-status').textContent = 'Starting…';
    const fragment = this.fragment();
    this.shownKey = this.numbersKey(fragment);
    this.startedAt = performance.now();
    performance.mark('caulk:run-start');
    this.counts = { computed: 0, cached: 0 };
    const est = this.estimates.of(fragment);
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
    const known = this.caches.known(part.from, part.to);
    this.pool.get(w).postMessage({ type: 'run', id, fragment: run.fragment, from: part.from, to: part.to, part: index, rates: est?.rates ?? null, known });
  }

  /**
   * Live: after a change that moves the numbers, abandon the sweep of the old config and
   * (debounced) run the new one once its estimate is in, unless its curves are on show.
   */
  private schedule(): void {
    // The sweep of the old config stops at once (its CPU is free for the new one), and
    // fresh workers load the compute module while the debounce runs.
    if (this.running() && this.shards?.fragment !== this.fragment() && this.shownKey !== this.numbersKey(this.fragment())) {
      this.abandon();
      const est = this.estimates.last?.estimate;
      for (let w = 0; w < (est ? this.pool.parallelism(est) : 1); w++) this.pool.get(w);
    }
    this.live.debounce(async () => {
      const fragment = this.fragment();
      if (this.live.held || (await this.bakedCheck)) return;
      if (this.fragment() !== fragment || !this.live.on()) return;
      if (this.running()) {
        if (this.shards?.fragment === fragment) return;
        this.abandon();
      }
      if (this.results && this.shownKey === this.numbersKey(fragment)) return;
      this.liveRun = true;
      this.run();
    });
  }

  /** Whether a live run is waiting for its estimate (it then runs only within LIVE_S). */
  private liveRun = false;

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
      case 'estimate':
        this.estimates.received(r.id, r.estimate);
        break;
      case 'progress': {
        const p = r.event;
        const part = this.shards?.parts[r.part ?? 0];
        if (!this.shards || !part) break;
        part.progress = p;
        part.at = performance.now();
        this.caches.keep(p);
        if (p.seed) {
          this.counts[p.seed.cached ? 'cached' : 'computed']++;
          $('experiment').dataset.computed = String(this.counts.computed);
          $('experiment').dataset.cached = String(this.counts.cached);
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
        this.dispatch(part.worker, r.id, this.estimates.of(run.fragment));
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
        this.estimates.failed(r.message);
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
    if (this.dragging) drawClaimFigures(this.results, this.fragment(), this.running());
    else this.draw(this.results);
    this.live.show();
    if (this.live.on() && !this.live.held) this.schedule();
  }

  /** Hold live runs for `reason` (a lesson step that hides the curves, your own curves on show), or release that hold. */
  hold(reason: string, on: boolean): void {
    this.live.hold(reason, on);
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
    this.stale.forget();
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
    // With no curve yet, the plot says what brings one.
    const empty = this.running() ? 'Running: points appear as their seeds finish.' : 'No curves yet for this configuration: press Run.';
    drawCurves($('exp-plot'), results, this.points, overlay, this.config().pins, measure, empty);
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
    drawClaimFigures(results, this.fragment(), this.running());
    // Marks drawn over the curves by others (a lesson's guess) are drawn again.
    $('exp-plot').dispatchEvent(new CustomEvent('caulk:drawn'));
  }
}
