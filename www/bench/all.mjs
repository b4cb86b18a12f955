// Every browser benchmark in one command (headless Chromium, after scripts/build-web.sh):
// theory-panel latency, preset wall times with their estimates and wasm memory (one worker,
// and as a user runs them in the app page), the K-model batching table (WebGPU vs wasm CPU),
// responsiveness during a run and Cancel latency, the page weight, and a training step
// against TensorFlow.js. Runs them one after another (they would disturb each other's
// timings) and prints one JSON object. Usage: node www/bench/all.mjs
// The native counterparts: `caulk bench --json` and `caulk bench batching --json`.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const benches = [
  ['theory', ['theory.mjs', '100']],
  ['presets', ['presets.mjs']],
  ['page', ['page.mjs']],
  ['batching', ['batching.mjs']],
  ['responsiveness', ['responsiveness.mjs']],
  ['weight', ['weight.mjs']],
  ['tfjs', ['tfjs.mjs']],
  ['gemm', ['gemm.mjs']],
];
const out = { bench: 'browser-all', date: new Date().toISOString(), results: {} };
for (const [name, [script, ...args]] of benches) {
  process.stderr.write(`[bench] ${name}\n`);
  const text = execFileSync(process.execPath, [path.join(here, script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  out.results[name] = JSON.parse(text);
}
console.log(JSON.stringify(out, null, 2));
