// Benchmark (not a test): live experiments as a student uses them, in the app page (CPU
// path, the seeds shared by up to navigator.hardwareConcurrency workers, Live on). After the
// first sweep of a config has finished, one change is made and timed from the change to:
// the first point of the new sweep on screen, the curves' shape (every point on the first 2
// seeds), and the whole sweep; with the number of seed-points computed and reused from the
// page's point cache. Changes: σ (every point new), one method unticked (every point cached),
// ε (nothing runs).
// Usage: node www/bench/live.mjs [repeats, default 3] [extra fragment keys, e.g. seeds=16].
// Prints JSON; medians of the repeats.

import { withBrowser, openApp } from '../e2e/harness.mjs';

const repeats = Number(process.argv[2] ?? 3);
const extra = process.argv[3] ? `&${process.argv[3]}` : '';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Make the change `act` in the page and time the marks of the sweep it starts. */
async function timeChange(page, act) {
  return page.evaluate(async (act) => {
    performance.clearMarks();
    const input = document.querySelector(act.selector);
    const start = performance.now();
    if (act.kind === 'uncheck') input.click();
    else {
      input.value = act.value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }
    const host = document.getElementById('experiment');
    const mark = (name) => {
      const m = performance.getEntriesByName(`caulk:${name}`).find((e) => e.startTime >= start);
      return m ? +((m.startTime - start) / 1000).toFixed(3) : null;
    };
    // Wait for the sweep the change started (if any: ε starts none) to finish.
    await new Promise((r) => setTimeout(r, 500));
    if (mark('run-start') !== null) while (mark('done') === null) await new Promise((r) => setTimeout(r, 20));
    return {
      first_point_s: mark('first-point'),
      shape_s: mark('shape'),
      whole_s: mark('done'),
      computed: Number(host.dataset.computed ?? 0),
      cached: Number(host.dataset.cached ?? 0),
      status: document.getElementById('exp-status').textContent,
    };
  }, act);
}

await withBrowser({ webgpu: false }, async ({ server, browser }) => {
  const rows = [];
  const scenarios = [
    // seed=2: not a baked config, so the first sweep computes (the work is the default's).
    { preset: 'limit', change: 'sigma', act: { selector: '#ctl-sigma', value: null } },
    { preset: 'headline', change: 'sigma', act: { selector: '#ctl-sigma', value: null } },
    { preset: 'headline', change: 'untick caulk-adapter', act: { selector: '#ctl-methods input[value="caulk-adapter"]', kind: 'uncheck' } },
    { preset: 'headline', change: 'ε', act: { selector: '#ctl-claim-eps', value: '-1.5' } },
  ];
  for (const sc of scenarios) {
    const runs = [];
    for (let r = 0; r < repeats; r++) {
      const { page } = await openApp(browser.context, `${server.url}#v=2&preset=${sc.preset}&seed=${2 + r}${extra}`, { live: true });
      await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'done', null, { timeout: 300_000 });
      const sigma = await page.evaluate(() => Number(document.getElementById('ctl-sigma').value));
      const act = { ...sc.act, value: sc.act.value ?? String(+(sigma + 0.05).toFixed(2)) };
      runs.push(await timeChange(page, act));
      await page.close();
    }
    const pick = (k) => median(runs.map((x) => x[k]).filter((v) => v !== null)) ?? null;
    rows.push({ preset: sc.preset, change: sc.change, repeats, first_point_s: pick('first_point_s'), shape_s: pick('shape_s'), whole_s: pick('whole_s'), computed: runs[0].computed, cached: runs[0].cached, status: runs[0].status });
    console.error(`${sc.preset} ${sc.change}: ${JSON.stringify(rows.at(-1))}`);
  }
  const cores = await (await browser.context.newPage()).evaluate(() => navigator.hardwareConcurrency);
  console.log(JSON.stringify({ bench: 'live-experiments', cores, chromium: browser.context.browser()?.version(), rows }, null, 2));
});
