// The steadiness check of a finished run (src/experiment/run/steady.rs, docs/science.md): seed 0
// runs again from starting weights perturbed at f32 rounding, in a worker of its own that is
// kept between checks (its data and wasm stay warm). A new run abandons a check in progress
// by stopping that worker, so the sweep's workers keep their caches.

import { apply_steadiness, steady_twin } from '../pkg/caulk.js';
import type { Reply } from './jobs';
import type { JobWorker, WorkerPool } from './worker-pool';
import type { Results } from './types';

/** What the check tells the panel. */
export interface SteadinessView {
  /** The check started: `results` with the line that says it is running (shown only). */
  checking(results: Results): void;
  /** The verdict: the results with their steadiness flags (or why there is no check). */
  verdict(results: Results): void;
  /** The check's run failed. */
  failed(): void;
}

export class SteadinessCheck {
  private worker: JobWorker | null = null;
  /** The check in progress: its id (negative, apart from the sweeps') and the results it checks. */
  private current: { id: number; results: Results } | null = null;
  private runs = 0;

  constructor(
    private pool: WorkerPool,
    private view: SteadinessView,
  ) {}

  /** Starts the check of `results` (the run of `fragment`), or says why there is none. */
  start(fragment: string, results: Results): void {
    this.stop();
    let twin: { fragment?: string; skip?: string };
    try {
      twin = steady_twin(fragment) as { fragment?: string; skip?: string };
    } catch {
      return;
    }
    if (twin.skip !== undefined || twin.fragment === undefined) {
      this.view.verdict({ ...results, steadiness: twin.skip ?? null });
      return;
    }
    const worker = this.worker ?? this.startWorker();
    const id = -++this.runs;
    this.current = { id, results };
    this.view.checking({ ...results, steadiness: 'checking, seed 0 runs again from starting weights perturbed at f32 rounding…' });
    worker.postMessage({ type: 'run', id, fragment: twin.fragment, from: 0, to: 1, part: 0 });
  }

  /** Abandons a check in progress (its worker stops; an idle one is kept). */
  stop(): void {
    if (this.current === null) return;
    this.worker?.terminate();
    this.worker = null;
    this.current = null;
  }

  private startWorker(): JobWorker {
    const worker = this.pool.start();
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const r = e.data;
      // Its progress is not shown: only the verdict (or a failure) ends the check.
      if (!this.current || r.id !== this.current.id || (r.type !== 'done' && r.type !== 'error')) return;
      const checked = this.current.results;
      this.current = null;
      if (r.type === 'done') this.view.verdict(apply_steadiness(checked, r.results) as Results);
      else this.view.failed();
    };
    worker.onerror = () => this.stop();
    this.worker = worker;
    return worker;
  }
}
