// Benchmark (not a test): the CPU GEMM (matrixmultiply sgemm, compiled to wasm with SIMD128)
// on the model's sizes in headless Chromium, against a wasm-SIMD peak probe in the same
// worker and run (4-lane multiply-add chains), and against the same kernel compiled
// natively (`target/release/caulk bench gemm --json`, when built).
// Usage: node www/bench/gemm.mjs [window ms per size, default 300]. Prints JSON.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withBrowser } from '../e2e/harness.mjs';

const windowMs = Number(process.argv[2] ?? 300);
const here = path.dirname(fileURLToPath(import.meta.url));
const caulk = path.join(here, '../../target/release/caulk');
await withBrowser({ webgpu: false }, async ({ server, browser }) => {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}bench.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate((w) => window.caulkBench.gemm(w), windowMs); // warm-up
  const wasm = (await page.evaluate((w) => window.caulkBench.gemm(w), windowMs)).results;
  const native = fs.existsSync(caulk)
    ? JSON.parse(execFileSync(caulk, ['bench', 'gemm', '--json'], { encoding: 'utf8' }))
    : null;
  const rows = wasm.rows.map((r, i) => ({
    n: r.n,
    wasm_gflops: +r.gflops.toFixed(2),
    wasm_of_simd_peak: +r.of_peak.toFixed(2),
    native_gflops: native ? +native.rows[i].gflops.toFixed(2) : null,
    wasm_over_native: native ? +(r.gflops / native.rows[i].gflops).toFixed(2) : null,
  }));
  console.log(JSON.stringify({
    bench: 'cpu-gemm',
    chromium: browser.context.browser()?.version(),
    wasm_simd_peak_gflops: +wasm.peak_gflops.toFixed(2),
    native_sse_peak_gflops: native ? +native.peak_gflops.toFixed(2) : null,
    rows,
  }, null, 2));
});
