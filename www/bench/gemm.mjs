// Benchmark (not a test): the CPU GEMM of both browser builds on the model's sizes in headless
// Chromium, side by side in one run: the plain SIMD128 build (matrixmultiply sgemm) and the
// relaxed-SIMD build (the fused multiply-add kernel, src/backend/fma_gemm.rs), each against
// its own peak probes in the same worker (4-lane multiply-then-add chains; fused chains in
// the relaxed build), and against matrixmultiply compiled natively
// (`target/release/caulk bench gemm --json`, when built).
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
  const table = async (search) => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}bench.html${search}`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.evaluate((w) => window.caulkBench.gemm(w), windowMs); // warm-up
    const out = (await page.evaluate((w) => window.caulkBench.gemm(w), windowMs)).results;
    await page.close();
    return out;
  };
  // Alternately, so that a busy moment of the machine does not fall on one build only.
  const wasm = await table('?simd=plain');
  const relaxed = await table('');
  const native = fs.existsSync(caulk)
    ? JSON.parse(execFileSync(caulk, ['bench', 'gemm', '--json'], { encoding: 'utf8' }))
    : null;
  const rows = wasm.rows.map((r, i) => ({
    n: r.n,
    wasm_gflops: +r.gflops.toFixed(2),
    wasm_of_simd_peak: +r.of_peak.toFixed(2),
    relaxed_gflops: +relaxed.rows[i].gflops.toFixed(2),
    relaxed_over_plain: +(relaxed.rows[i].gflops / r.gflops).toFixed(2),
    relaxed_of_fma_peak: relaxed.fma_peak_gflops ? +(relaxed.rows[i].gflops / relaxed.fma_peak_gflops).toFixed(2) : null,
    native_gflops: native ? +native.rows[i].gflops.toFixed(2) : null,
    wasm_over_native: native ? +(r.gflops / native.rows[i].gflops).toFixed(2) : null,
  }));
  console.log(JSON.stringify({
    bench: 'cpu-gemm',
    chromium: browser.context.browser()?.version(),
    kernels: [wasm.kernel, relaxed.kernel],
    wasm_simd_peak_gflops: +wasm.peak_gflops.toFixed(2),
    relaxed_build_simd_peak_gflops: +relaxed.peak_gflops.toFixed(2),
    relaxed_fma_peak_gflops: relaxed.fma_peak_gflops ? +relaxed.fma_peak_gflops.toFixed(2) : null,
    native_sse_peak_gflops: native ? +native.peak_gflops.toFixed(2) : null,
    rows,
  }, null, 2));
});
