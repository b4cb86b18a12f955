// Benchmark (not a test): how the page feels while a sweep runs, in headless Chromium.
// - long tasks (> 50 ms) on the main thread during a run (PerformanceObserver 'longtask'),
//   and the frame interval while a slider is moved during the run;
// - Cancel latency: from the click to the panel saying "cancelled" (the worker is
//   terminated, so its CPU is free at once), over several runs.
// Usage: node www/bench/responsiveness.mjs [seconds of run, default 8]. Prints JSON.

import { withBrowser } from '../e2e/harness.mjs';

const seconds = Number(process.argv[2] ?? 8);
await withBrowser({ webgpu: false }, async ({ server, browser }) => {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  // headline with another seed: not baked, so Run computes.
  await page.goto(`${server.url}#v=2&preset=headline&seed=7`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => /About .* runs/.test(document.getElementById('exp-estimate')?.textContent ?? ''));
  // Move a theory slider and time the frames: first with no run (the baseline), then
  // during a run.
  const wiggle = (ms) => page.evaluate(async (ms) => {
    const slider = document.getElementById('ctl-alpha');
    const gaps = [];
    let last = performance.now();
    const end = last + ms;
    let v = 0.3;
    while (performance.now() < end) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      v = v >= 0.9 ? 0.3 : v + 0.01;
      slider.value = String(v);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    }
    return gaps;
  }, ms);
  const t00 = await page.evaluate(() => performance.now());
  const idleFrames = await wiggle(seconds * 1000);
  const idle = await page.evaluate((t) => window.__long.filter((e) => e.start >= t), t00);
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#exp-run');
  const frames = await wiggle(seconds * 1000);
  const during = await page.evaluate((t) => window.__long.filter((e) => e.start >= t), t0);
  const points = await page.locator('#exp-plot circle.dot').count();
  // Cancel latency, then run again and cancel, 5 times.
  const cancels = [];
  for (let i = 0; i < 5; i++) {
    if ((await page.getAttribute('#experiment', 'data-state')) !== 'running') {
      await page.click('#exp-run');
      await page.waitForFunction(() => document.getElementById('experiment').dataset.state === 'running');
      await page.waitForTimeout(500);
    }
    cancels.push(
      await page.evaluate(async () => {
        const start = performance.now();
        document.getElementById('exp-cancel').click();
        while (document.getElementById('experiment').dataset.state !== 'cancelled') await new Promise((r) => setTimeout(r, 1));
        return performance.now() - start;
      }),
    );
  }
  const sorted = (a) => [...a].sort((x, y) => x - y);
  const q = (a, p) => sorted(a)[Math.min(a.length - 1, Math.floor(p * a.length))];
  console.log(JSON.stringify({
    bench: 'responsiveness',
    chromium: browser.context.browser()?.version(),
    run_seconds: seconds,
    points_drawn_during_run: points,
    baseline_no_run: {
      long_tasks_over_50ms: idle.length,
      long_task_max_ms: idle.length ? Math.max(...idle.map((e) => e.ms)) : 0,
      frame_interval_median_ms: +q(idleFrames, 0.5).toFixed(1),
      frame_interval_p95_ms: +q(idleFrames, 0.95).toFixed(1),
    },
    long_tasks_over_50ms: during.length,
    long_task_max_ms: during.length ? Math.max(...during.map((e) => e.ms)) : 0,
    frame_interval_median_ms: +q(frames, 0.5).toFixed(1),
    frame_interval_p95_ms: +q(frames, 0.95).toFixed(1),
    cancel_ms: cancels.map((c) => +c.toFixed(1)),
    cancel_max_ms: +Math.max(...cancels).toFixed(1),
  }, null, 2));
});
