// Benchmark (not a test): latency of the theory panel after a slider move, in Debian's
// Chromium. Prints one JSON object. Usage: node www/bench/theory.mjs [moves] (default 200)
//   update_ms: the synchronous update (Rust recompute + serde to JS + DOM rebuild), measured
//              by the page itself as performance measure `caulk:update`;
//   parts_ms:  the same split into its parts (`caulk:<part>` measures);
//   frame_ms:  from the input event until the next frame has been produced (adds style,
//              layout and paint).

import { withBrowser, openApp } from '../e2e/harness.mjs';

const moves = Number(process.argv[2] ?? 200);
const all = 'caulk_limit,caulk_m,scratch,compositional,representation,task_diversity';
const scenarios = {
  default: '',
  'all-six-bounds-three-m': `#v=1&m=300,3000,30000&bounds=${all}`,
};

/** Runs in the page: `n` α-slider moves, each awaited until the next frame. */
async function slide(n) {
  function stats(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { median: +q(0.5).toFixed(2), p95: +q(0.95).toFixed(2), max: +s[s.length - 1].toFixed(2), n: s.length };
  }
  const input = document.getElementById('ctl-alpha');
  const frame = [];
  performance.clearMeasures();
  for (let i = 0; i < n; i++) {
    input.value = String(0.3 + (0.6 * ((i * 37) % 100)) / 100);
    const t0 = performance.now();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    frame.push(performance.now() - t0);
  }
  const durations = (name) => performance.getEntriesByName(`caulk:${name}`).map((e) => e.duration);
  const parts = {};
  for (const name of ['set_key', 'bounds', 'risk', 'formulas', 'phase', 'neps', 'summary']) parts[name] = stats(durations(name));
  return {
    update_ms: stats(durations('update')),
    frame_ms: stats(frame),
    parts_ms: parts,
    curves: document.querySelectorAll('#plot path.series').length,
  };
}

await withBrowser({ webgpu: true }, async ({ server, browser }) => {
  const out = { bench: 'theory-panel-slider', moves, chromium: browser.context.browser()?.version() ?? '', scenarios: {} };
  for (const [name, fragment] of Object.entries(scenarios)) {
    const { page } = await openApp(browser.context, server.url + fragment);
    out.scenarios[name] = await page.evaluate(slide, moves);
    await page.close();
  }
  console.log(JSON.stringify(out, null, 2));
});
