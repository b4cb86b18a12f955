// The experiment worker: loads the wasm module and runs sweeps off the main thread.
// Messages in:  { type: 'run', id, fragment, shard?, shards? } | { type: 'estimate', id, fragment }
//               | { type: 'batching', id, backend, ks } (the K-model benchmark)
//               | { type: 'gemm', id, window_ms } (the CPU GEMM benchmark)
//               | { type: 'pause' | 'resume', id } (hold the sweep after its current unit)
// Messages out: { type: 'progress', id, shard, event } | { type: 'done', id, shard, results, wall_ms }
//               | { type: 'device', id, message } (the GPU failed; the CPU took over)
//               | { type: 'estimate', id, estimate } | { type: 'error', id, message }

import init, { batching_bench, estimate_experiment, gemm_bench, run_experiment } from '../pkg/caulk.js';

const ready = init({ module_or_path: new URL('caulk_bg.wasm', import.meta.url) });

// Pause: the sweep awaits `checkpoint()` after every unit. It yields to this worker's event
// loop (a MessageChannel round trip, so 'pause' and 'resume' messages get in) and, while
// paused, waits until 'resume'.
let paused = false;
let waiting: (() => void)[] = [];
const tick = new MessageChannel();
const ticks: (() => void)[] = [];
tick.port1.onmessage = () => ticks.shift()?.();
function checkpoint(): Promise<void> {
  return new Promise<void>((resolve) => {
    ticks.push(resolve);
    tick.port2.postMessage(0);
  }).then(() => (paused ? new Promise<void>((r) => waiting.push(r)) : undefined));
}

type Request =
  | { type: 'estimate'; id: number; fragment: string }
  | { type: 'run'; id: number; fragment: string; shard?: number; shards?: number }
  | { type: 'batching'; id: number; backend: string; ks: number[] }
  | { type: 'gemm'; id: number; window_ms: number }
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number };

self.onmessage = async (e: MessageEvent<Request>) => {
  const req = e.data;
  const id = req.id;
  if (req.type === 'pause' || req.type === 'resume') {
    paused = req.type === 'pause';
    if (!paused) {
      for (const r of waiting) r();
      waiting = [];
    }
    return;
  }
  try {
    await ready;
    if (req.type === 'gemm') {
      postMessage({ type: 'done', id, results: gemm_bench(req.window_ms), wall_ms: 0 });
      return;
    }
    if (req.type === 'batching') {
      const start = performance.now();
      const results = await batching_bench(req.backend, Uint32Array.from(req.ks));
      postMessage({ type: 'done', id, results, wall_ms: performance.now() - start });
      return;
    }
    const fragment = req.fragment;
    if (req.type === 'estimate') {
      postMessage({ type: 'estimate', id, estimate: estimate_experiment(fragment) });
      return;
    }
    const start = performance.now();
    const shard = req.shard ?? 0;
    const results = await run_experiment(
      fragment,
      (event: unknown) => postMessage({ type: 'progress', id, shard, event }),
      (message: string) => postMessage({ type: 'device', id, shard, message }),
      checkpoint,
      shard,
      req.shards ?? 1,
    );
    // WebAssembly memory only grows: its size now is the peak so far in this worker.
    const memory_bytes = (await ready).memory.buffer.byteLength;
    postMessage({ type: 'done', id, shard, results, wall_ms: performance.now() - start, memory_bytes });
  } catch (err) {
    postMessage({ type: 'error', id, message: err instanceof Error ? err.message : String(err) });
  }
};
