// Benchmark (not a test): the K-model batching table in headless Chromium, on WebGPU (the
// fused kernel) and on the wasm CPU kernels side by side, with dispatches, submits and
// readbacks per step, and how busy the device was (pass timestamps, where the browser offers
// `timestamp-query`). On SwiftShader (CI machines) the GPU rates only check correctness:
// `check` compares 4 models' best validation losses with the CPU path.
// Usage: node www/bench/batching.mjs [K ...]   (default: 1 4 16; 1 4 16 64 256 on a GPU).
// Prints JSON.

import { withBrowser } from '../e2e/harness.mjs';

const ks = process.argv.slice(2).map(Number).filter((k) => k > 0);
await withBrowser({ webgpu: true }, async ({ server, browser }) => {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}bench.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const use = ks.length ? ks : [1, 4, 16];
  const gpu = await page.evaluate(([k]) => window.caulkBench.batching('gpu', k), [use]);
  const cpu = await page.evaluate(([k]) => window.caulkBench.batching('cpu', k), [use]);
  const rows = gpu.results.rows.map((g, i) => ({
    k: g.k,
    webgpu_model_steps_per_s: Math.round(g.model_steps_per_s),
    webgpu_scaling: +g.scaling.toFixed(2),
    cpu_model_steps_per_s: Math.round(cpu.results.rows[i].model_steps_per_s),
    webgpu_over_cpu: +(g.model_steps_per_s / cpu.results.rows[i].model_steps_per_s).toFixed(3),
    dispatches_per_step: g.dispatches_per_step,
    submits_per_step: g.submits_per_step,
    readbacks_per_step: g.readbacks_per_step,
    // The device's time in the run's passes over the wall time (null without timestamp-query).
    webgpu_busy: g.device_ms == null ? null : +(g.device_ms / g.wall_ms).toFixed(2),
  }));
  console.log(JSON.stringify({
    bench: 'batching-browser',
    chromium: browser.context.browser()?.version(),
    webgpu: gpu.results.device,
    software: gpu.results.software,
    check_best_loss_max_rel_diff: gpu.results.check,
    rows,
  }, null, 2));
});
