// Benchmark (not a test): each preset's default sweep as a user runs it, in the app page
// (index.html, CPU path: the seeds split among up to navigator.hardwareConcurrency workers):
// time from pressing Run to the first point on the plot and to the finished sweep, next to
// the page's own estimate. Baked results are skipped (`seed=2` is not a shipped config, so
// the page computes), which changes the numbers but not the work.
// Usage: node www/bench/page.mjs [preset ...]   (default: all four). Prints JSON.

import { withBrowser, openApp } from '../e2e/harness.mjs';

const presets = process.argv.slice(2).length ? process.argv.slice(2) : ['limit', 'scratch', 'headline', 'peft'];
await withBrowser({ webgpu: false }, async ({ server, browser }) => {
  const rows = [];
  for (const preset of presets) {
    const { page } = await openApp(browser.context, `${server.url}#v=2&preset=${preset}&seed=2`);
    await page.waitForFunction(() => /About .* runs/.test(document.getElementById('exp-estimate')?.textContent ?? ''));
    const estimate = await page.textContent('#exp-estimate');
    const times = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const start = performance.now();
          let first = null;
          const poll = () => {
            if (first === null && document.querySelector('#exp-plot circle.dot')) first = performance.now() - start;
            const state = document.getElementById('experiment')?.dataset.state;
            if (state === 'done' || state === 'error') resolve({ first_point_ms: first, wall_ms: performance.now() - start, state, status: document.getElementById('exp-status')?.textContent });
            else setTimeout(poll, 20);
          };
          // If the estimate is over the budget the page asks first; the defaults are not.
          document.getElementById('exp-run')?.click();
          poll();
        }),
    );
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    rows.push({
      preset,
      cores,
      estimate,
      first_point_s: times.first_point_ms === null ? null : +(times.first_point_ms / 1000).toFixed(2),
      wall_s: +(times.wall_ms / 1000).toFixed(2),
      status: times.status,
    });
    console.error(`${preset}: ${rows.at(-1).wall_s} s`);
    await page.close();
  }
  console.log(JSON.stringify({ bench: 'preset-defaults-page', chromium: browser.context.browser()?.version(), presets: rows }, null, 2));
});
