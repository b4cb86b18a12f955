// The cost estimate of the config on show, in `#exp-estimate`: asked of worker 0 (which
// probes this device's rates) 150 ms after the last change, or made here from the last
// estimate's rates where a probe would hold up a live run that starts at the same moment.
// The first estimates are measured while the page loads (rendering, compiling) and the
// worker estimates with the median of its last probes (`RateHistory`), so two settling
// probes follow them, SETTLE_MS apart, to set a slowed first one aside.

import { estimate_wall_seconds, estimate_with_rates } from '../pkg/caulk.js';
import type { Estimate } from './types';
import type { WorkerPool } from './worker-pool';
import { megabytes, seconds } from './run-gate';
import { byId as $ } from './boot';

/** Delay of each settling probe after the estimate before it. */
const SETTLE_MS = 1500;
/** Wait after the last change before an estimate is asked. */
const DEBOUNCE_MS = 150;

/** What the estimates need of the panel that shows them. */
export interface EstimateHost {
  /** The current config. */
  fragment(): string;
  /** A sweep is in progress: no estimate is asked then. */
  running(): boolean;
  /** A run waits for an estimate already asked: no settling probe is made then. */
  waiting(): boolean;
  /** Whether Live is on (its estimates are made here once the rates have settled). */
  live(): boolean;
  /** The id of a new request to the workers (a reply to an older one is dropped). */
  nextId(): number;
  /** An estimate of `fragment` is in and shown. */
  arrived(fragment: string, estimate: Estimate): void;
}

export class Estimates {
  /** The last estimate and the fragment it was made for. */
  last: { fragment: string; estimate: Estimate } | null = null;
  /** The fragment each request to the worker was made for, by request id. */
  private asked = new Map<number, string>();
  private timer = 0;
  /** Settling probes still to make once the page is quiet. */
  private settleProbes = 2;

  constructor(
    private pool: WorkerPool,
    private host: EstimateHost,
  ) {}

  /** The last estimate when it is `fragment`'s, else null. */
  of(fragment: string): Estimate | null {
    return this.last?.fragment === fragment ? this.last.estimate : null;
  }

  /** The estimate's wall time with the run's workers (the estimate itself is for one core). */
  wallSeconds(est: Estimate): number {
    return estimate_wall_seconds(est, this.pool.parallelism(est));
  }

  /** The current config's estimate, asked DEBOUNCE_MS after the last call (none while running). */
  debounced(): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      if (this.host.running()) return;
      try {
        this.request();
      } catch (e) {
        this.failed(e instanceof Error ? e.message : String(e));
      }
    }, DEBOUNCE_MS);
  }

  /**
   * Ask for the current config's estimate: made here when Live is on and the rates have
   * settled, else of worker 0. Throws where the request cannot be sent.
   */
  request(): void {
    const fragment = this.host.fragment();
    const local = this.host.live() && this.settleProbes === 0 ? this.local(fragment) : null;
    if (local) return this.accept(fragment, local);
    // A new config's estimate may take seconds (the first one on a GPU measures it): the old
    // one's text must not stand for it meanwhile.
    if (this.last?.fragment !== fragment) $('exp-estimate').textContent = 'Estimating the cost…';
    const id = this.host.nextId();
    this.asked.set(id, fragment);
    this.pool.get().postMessage({ type: 'estimate', id, fragment });
  }

  /**
   * The estimate of `fragment` from the last estimate's rates (no probe), when there is a
   * last one of another config; null otherwise, or where it fails (the worker's estimate
   * then says why).
   */
  local(fragment: string): Estimate | null {
    if (!this.last || this.last.fragment === fragment) return null;
    try {
      return estimate_with_rates(fragment, this.last.estimate.rates) as Estimate;
    } catch {
      return null;
    }
  }

  /** The worker's answer to request `id`. */
  received(id: number, estimate: Estimate): void {
    const fragment = this.asked.get(id) ?? '';
    this.asked.delete(id);
    this.accept(fragment, estimate);
  }

  /** An estimate of `fragment` is in: show it, settle the rates, tell the host. */
  accept(fragment: string, estimate: Estimate): void {
    this.last = { fragment, estimate };
    const workers = this.pool.parallelism(estimate);
    const split = workers > 1 ? ` in ${workers} workers` : '';
    const where = estimate.rates.gpu != null ? "on this device's GPU" : 'on this device';
    $('exp-estimate').textContent = `About ${seconds(this.wallSeconds(estimate))} ${where} (${estimate.units} runs${split}, ${megabytes(estimate.bytes)} of memory).`;
    // In the page itself (no worker) a probe would hold the main thread: no settling.
    if (this.settleProbes > 0 && !this.pool.inPage) {
      this.settleProbes--;
      window.setTimeout(() => {
        if (!this.host.running() && !this.host.waiting() && this.host.fragment() === fragment) this.request();
      }, SETTLE_MS);
    }
    this.host.arrived(fragment, estimate);
  }

  /** No estimate (a bad config, no WebGPU for backend=gpu): say why. */
  failed(message: string): void {
    $('exp-estimate').textContent = `No estimate: ${message}.`;
  }
}
