// The experiment's workers: a pool of Web Workers (worker.ts), started when first needed, and
// the split of a run's seeds among them. Where the page may not start a worker (an iframe
// sandboxed without allow-same-origin), one in-page runner (jobs.ts, InPageWorker) does the
// work instead, and the page answers only between the sweep's units.

import { WORKER_FILE } from './build-files';
import { InPageWorker, type Reply, type Request } from './jobs';
import type { Estimate, Progress, Results } from './types';

/** Seeds of the first stage of a run: the whole curve's shape, drawn early. */
export const SHAPE_SEEDS = 2;

/** A range of seeds run by one worker, and what it has sent. */
export interface Part {
  from: number;
  to: number;
  stage: number;
  /** The worker that runs it: the same seeds go to the same worker run after run, so its
   * kept task data (src/data/inputs.rs) serves them again. */
  worker: number;
  sent: boolean;
  progress: Progress | null;
  at: number;
  results: Results | null;
}

/**
 * The ranges of seeds of a run on `workers` workers: the first SHAPE_SEEDS seeds (stage 1,
 * the curve's shape), then the rest (stage 2), each stage split into contiguous ranges,
 * one per worker at most (range i of a stage to worker i); in seed order, as
 * `merge_results` wants them.
 */
export function plan(seeds: number, workers: number): Part[] {
  const ranges = (from: number, to: number, stage: number): Part[] => {
    const k = Math.max(1, Math.min(workers, to - from));
    return Array.from({ length: k }, (_, i) => ({
      from: from + Math.floor(((to - from) * i) / k),
      to: from + Math.floor(((to - from) * (i + 1)) / k),
      stage,
      worker: i,
      sent: false,
      progress: null,
      at: 0,
      results: null,
    }));
  };
  return seeds <= SHAPE_SEEDS ? ranges(0, seeds, 1) : [...ranges(0, SHAPE_SEEDS, 1), ...ranges(SHAPE_SEEDS, seeds, 2)];
}

/** A worker, or the in-page runner behind the same interface. */
export type JobWorker = Worker | InPageWorker;

/** Workers 0 … k−1 of the experiment: worker 0 answers estimates, a run uses one per shard. */
export class WorkerPool {
  private workers: JobWorker[] = [];
  /** Whether this page runs the jobs itself (it could not start a worker). */
  inPage = false;

  constructor(
    private onReply: (r: Reply) => void,
    private onError: (message: string) => void,
  ) {}

  /** A worker of its own (not in the pool), or the in-page runner where none may start. */
  start(): JobWorker {
    try {
      return this.inPage ? new InPageWorker() : new Worker(new URL(WORKER_FILE, import.meta.url), { type: 'module' });
    } catch {
      this.inPage = true;
      return new InPageWorker();
    }
  }

  /** Worker `i`, started when first needed. */
  get(i = 0): JobWorker {
    while (this.workers.length <= i) {
      const worker = this.start();
      worker.onmessage = (e: MessageEvent<Reply>) => this.onReply(e.data);
      worker.onerror = (e: ErrorEvent) => this.onError(`a worker stopped (${e.message || 'unknown error'})`);
      this.workers.push(worker);
    }
    return this.workers[i];
  }

  /** Sends `message` to every worker started. */
  broadcast(message: Request): void {
    for (const w of this.workers) w.postMessage(message);
  }

  /** Stops every worker (a run in progress is abandoned; the next use starts fresh ones). */
  stopAll(): void {
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }

  /** Kills worker 0 as the browser might (the end-to-end tests' fault drill). */
  killFirst(): void {
    this.workers[0]?.terminate();
  }

  /**
   * Workers for a run: each takes a share of the seeds, at most one per seed, the device's
   * cores (and 8); one on the GPU, which trains all the seeds at once, and one in the page.
   */
  parallelism(est: Estimate): number {
    if (this.inPage || est.rates.gpu != null) return 1;
    const cores = navigator.hardwareConcurrency || 1;
    return Math.max(1, Math.min(cores, est.shards, 8));
  }
}
