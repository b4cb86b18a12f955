// The experiment jobs, one protocol for two hosts: the Web Worker (worker.ts, the normal
// case) and the page itself (InPageWorker, for frames that may not start a worker, e.g. an
// iframe sandboxed without allow-same-origin). The caller must have initialised the wasm
// module.
// Requests:  { type: 'run', id, fragment, from, to, part?, rates?, known? } (seeds from … to−1;
//            known: the page's cache, { points: { key: [risk, trainable] }, backbones: { key: backbone } }) | { type: 'estimate', id, fragment }
//            | { type: 'batching', id, backend, ks } (the K-model benchmark)
//            | { type: 'gemm', id, window_ms } (the CPU GEMM benchmark)
//            | { type: 'pause' | 'resume', id } (hold the sweep after its current unit)
// Replies:   Reply below, the one declaration the worker, the page and the bench page share.

import { batching_bench, estimate_experiment, gemm_bench, run_experiment } from '../pkg/caulk.js';
import type { Estimate, Progress, Results } from './types';

/**
 * A reply of the jobs. `R` is what 'done' carries: a sweep's Results (the default), or a
 * benchmark's report. 'device': the GPU failed and the CPU took over.
 */
export type Reply<R = Results> =
  | { type: 'progress'; id: number; part: number; event: Progress }
  | { type: 'done'; id: number; part?: number; results: R; wall_ms: number; memory_bytes?: number }
  | { type: 'estimate'; id: number; estimate: Estimate }
  | { type: 'device'; id: number; part: number; message: string }
  | { type: 'error'; id: number; message: string };

export type Request =
  | { type: 'estimate'; id: number; fragment: string }
  | { type: 'run'; id: number; fragment: string; from?: number; to?: number; part?: number; rates?: unknown; known?: { points: Record<string, [number, number]>; backbones: Record<string, unknown> } }
  | { type: 'batching'; id: number; backend: string; ks: number[] }
  | { type: 'gemm'; id: number; window_ms: number }
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number };

/** A job runner: `handle` takes requests, `post` sends replies. */
export class Jobs {
  // Pause: the sweep awaits `checkpoint()` after every unit. It yields to the event loop (a
  // MessageChannel round trip, so 'pause' and 'resume' get in) and, while paused, waits
  // until 'resume'. A stopped runner never resolves it again: its sweep is abandoned there.
  private paused = false;
  private stopped = false;
  private waiting: (() => void)[] = [];
  private ticks: (() => void)[] = [];
  private channel = new MessageChannel();

  constructor(
    private post: (reply: Reply<unknown>) => void,
    private memoryBytes: () => number = () => 0,
  ) {
    this.channel.port1.onmessage = () => this.ticks.shift()?.();
  }

  private checkpoint = (): Promise<void> =>
    new Promise<void>((resolve) => {
      this.ticks.push(resolve);
      this.channel.port2.postMessage(0);
    }).then(() => (this.paused || this.stopped ? new Promise<void>((r) => this.waiting.push(r)) : undefined));

  /** Abandon the sweep in progress at its next checkpoint and ignore everything after. */
  stop(): void {
    this.stopped = true;
    this.waiting = [];
  }

  async handle(req: Request): Promise<void> {
    const id = req.id;
    if (this.stopped) return;
    if (req.type === 'pause' || req.type === 'resume') {
      this.paused = req.type === 'pause';
      if (!this.paused) {
        for (const r of this.waiting) r();
        this.waiting = [];
      }
      return;
    }
    try {
      if (req.type === 'gemm') {
        this.post({ type: 'done', id, results: gemm_bench(req.window_ms), wall_ms: 0 });
        return;
      }
      if (req.type === 'batching') {
        const start = performance.now();
        const results = await batching_bench(req.backend, Uint32Array.from(req.ks));
        this.post({ type: 'done', id, results, wall_ms: performance.now() - start });
        return;
      }
      const fragment = req.fragment;
      if (req.type === 'estimate') {
        this.post({ type: 'estimate', id, estimate: (await estimate_experiment(fragment)) as Estimate });
        return;
      }
      const start = performance.now();
      const part = req.part ?? 0;
      const results = await run_experiment(
        fragment,
        (event: Progress) => this.post({ type: 'progress', id, part, event }),
        (message: string) => this.post({ type: 'device', id, part, message }),
        this.checkpoint,
        req.from ?? 0,
        req.to ?? 0, // 0: to the last seed
        req.rates ?? null,
        req.known ?? null,
      );
      // WebAssembly memory only grows: its size now is the peak so far here.
      this.post({ type: 'done', id, part, results, wall_ms: performance.now() - start, memory_bytes: this.memoryBytes() });
    } catch (err) {
      this.post({ type: 'error', id, message: err instanceof Error ? err.message : String(err) });
    }
  }
}

/**
 * The jobs in this page, behind the part of the Worker interface the experiment panel uses.
 * The page stays responsive only between the sweep's units (it yields at each checkpoint),
 * so it is the fallback, not the way.
 */
export class InPageWorker {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  private jobs = new Jobs((reply) => {
    if (!this.terminated) this.onmessage?.({ data: reply } as MessageEvent);
  });
  private terminated = false;

  postMessage(req: Request): void {
    if (!this.terminated) void this.jobs.handle(req);
  }

  terminate(): void {
    this.terminated = true;
    this.jobs.stop();
  }
}
