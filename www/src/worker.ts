// The experiment worker: loads the wasm module and runs the jobs of jobs.ts (sweeps,
// estimates, benchmarks) off the main thread. The protocol is described there.

import init from '../pkg/caulk.js';
import { Jobs, type Request } from './jobs';
import { wasmFile } from './wasm-url';

let exports: Awaited<ReturnType<typeof init>> | null = null;
const ready = init({ module_or_path: new URL(wasmFile(), import.meta.url) }).then((x) => (exports = x));
const jobs = new Jobs(
  (reply) => postMessage(reply),
  () => exports?.memory.buffer.byteLength ?? 0,
);

self.onmessage = async (e: MessageEvent<Request>) => {
  try {
    await ready;
  } catch (err) {
    postMessage({ type: 'error', id: e.data.id, message: `the compute module did not load (${String(err)})` });
    return;
  }
  await jobs.handle(e.data);
};
