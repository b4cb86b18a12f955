// The benchmark page (www/bench.html): runs sweeps in the experiment worker and exposes
// `window.caulkBench` for www/bench/*.mjs (headless Chromium).

import { WORKER_FILE } from './build-files';
import type { Reply as JobReply } from './jobs';

/** A job's last reply, with when its first progress, first point and last data came. */
type Reply = JobReply<unknown> & { first_progress_ms?: number; first_point_ms?: number; data_ms?: number };

// The page's ?simd=plain (the GEMM bench's plain build) goes to the worker that computes.
const worker = new Worker(new URL(`${WORKER_FILE}${location.search}`, import.meta.url), { type: 'module' });
let next = 0;

function ask(type: 'run' | 'estimate' | 'batching' | 'gemm', fragment: string, extra: object = {}): Promise<Reply> {
  const id = ++next;
  const firstProgressAt: number[] = [];
  const firstPointAt: number[] = [];
  // When the last seed's data was generated (progress points named `data seed i`).
  let dataDoneAt = 0;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const onMessage = (e: MessageEvent<JobReply<unknown>>) => {
      if (e.data.id !== id) return;
      if (e.data.type === 'progress') {
        if (firstProgressAt.length === 0) firstProgressAt.push(performance.now() - start);
        const finished = (e.data.event as { finished?: unknown } | undefined)?.finished;
        if (finished && firstPointAt.length === 0) firstPointAt.push(performance.now() - start);
        const point = (e.data.event as { point?: string } | undefined)?.point ?? '';
        if (point.startsWith('data seed')) dataDoneAt = performance.now() - start;
        return;
      }
      worker.removeEventListener('message', onMessage);
      if (e.data.type === 'error') reject(new Error(e.data.message));
      else resolve({ ...e.data, first_progress_ms: firstProgressAt[0], first_point_ms: firstPointAt[0], data_ms: dataDoneAt } as Reply);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ type, id, fragment, ...extra });
  });
}

declare global {
  interface Window {
    caulkBench: {
      run: (f: string) => Promise<Reply>;
      estimate: (f: string) => Promise<Reply>;
      batching: (backend: string, ks: number[]) => Promise<Reply>;
      gemm: (windowMs: number) => Promise<Reply>;
    };
  }
}

window.caulkBench = {
  run: (f) => ask('run', f),
  estimate: (f) => ask('estimate', f),
  batching: (backend, ks) => ask('batching', '', { backend, ks }),
  gemm: (windowMs) => ask('gemm', '', { window_ms: windowMs }),
};
document.body.dataset.ready = 'true';
