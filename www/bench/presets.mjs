// Benchmark (not a test): wall time of each preset's default sweep on the browser's CPU path
// (the wasm module in a Web Worker), next to the cost estimate made before it started.
// Usage: node www/bench/presets.mjs [--plain] [preset ...]   (default: all four). Prints JSON.
// --plain: the plain SIMD128 build even where the browser has relaxed SIMD.

import { withBrowser } from '../e2e/harness.mjs';

const args = process.argv.slice(2);
const plain = args.includes('--plain');
const named = args.filter((a) => a !== '--plain');
const presets = named.length ? named : ['limit', 'scratch', 'headline', 'peft'];
await withBrowser({ webgpu: false }, async ({ server, browser }) => {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}bench.html${plain ? '?simd=plain' : ''}`);
  await page.waitForSelector('body[data-ready="true"]');
  const rows = [];
  for (const preset of presets) {
    const fragment = `v=2&preset=${preset}`;
    const est = await page.evaluate((f) => window.caulkBench.estimate(f), fragment);
    const run = await page.evaluate((f) => window.caulkBench.run(f), fragment);
    rows.push({
      preset,
      runs: est.estimate.units,
      wall_s: +(run.wall_ms / 1000).toFixed(2),
      estimated_s: +est.estimate.seconds.toFixed(2),
      estimate_over_wall: +(est.estimate.seconds / (run.wall_ms / 1000)).toFixed(2),
      first_progress_s: +(run.first_progress_ms / 1000).toFixed(2),
      // The first point of a curve on the plot (all its seeds finished).
      first_point_s: +(run.first_point_ms / 1000).toFixed(2),
      // Every seed's task data (test set, target pool) generated: no point can come earlier.
      data_done_s: +(run.data_ms / 1000).toFixed(2),
      // The worker's wasm memory after the run: the peak of this and the earlier presets.
      wasm_memory_mb: +(run.memory_bytes / 1e6).toFixed(1),
    });
    console.error(`${preset}: ${rows.at(-1).wall_s} s`);
  }
  console.log(JSON.stringify({ bench: 'preset-defaults-wasm-cpu', chromium: browser.context.browser()?.version(), presets: rows }, null, 2));
});
