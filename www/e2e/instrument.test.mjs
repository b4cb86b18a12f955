// End-to-end: the page as an instrument. Every slider's figure is beside it on a laptop
// (1280×800) and on a phone (390×844); live runs restart on a change; ε set by dragging the
// line on the curves (or by keyboard) and the claim's reading n survive a reload through the
// link; the n_ε-vs-m figure shows the same numbers as the CLI's table of the same config.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useApp, openApp, screenshotPath, DIST } from './harness.mjs';

const app = useApp();

/** Headline, small enough to run live in a few seconds, with two m for the claim. */
const SMALL_HEADLINE = 'v=1&preset=headline&seeds=2&m=300,3000&n=64,128,256&steps=60';

/** The share of `selector`'s box inside the viewport (0 … 1). */
async function inView(page, selector) {
  return page.evaluate((sel) => {
    const r = document.querySelector(sel).getBoundingClientRect();
    const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
    const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
    return (w * h) / Math.max(1, r.width * r.height);
  }, selector);
}

/** The drawing of the panel figure that holds the figures `input` drives. */
const drawing = (page, figure) => page.evaluate((sel) => [...document.querySelectorAll(`${sel} svg`)].map((s) => s.innerHTML).join(''), figure);

for (const [width, height] of [
  [1280, 800],
  [390, 844],
]) {
  test(`at ${width}×${height} every slider's figure is in view while it moves, and its drawing changes`, async () => {
    const { page, problems } = await openApp(app.context, `${app.url}#${SMALL_HEADLINE}`, { live: 'auto' });
    await page.setViewportSize({ width, height });
    await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'done', null, { timeout: 120_000 });
    // No horizontal scroll at this width.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth));
    const sliders = await page.locator('section.panel input[type="range"]').evaluateAll((xs) => xs.map((x) => x.id));
    assert.ok(sliders.length >= 10, sliders.join(' '));
    for (const id of sliders) {
      // The figure column of the panel grid that holds the slider.
      const figure = await page.evaluate((i) => {
        const grid = document.getElementById(i).closest('.panel-grid');
        grid.querySelector('.panel-figure').id ||= `fig-${i}`;
        return `#${grid.querySelector('.panel-figure').id}`;
      }, id);
      const input = page.locator(`#${id}`);
      if (process.env.CAULK_DEBUG) console.log(id, figure);
      const before = await drawing(page, figure);
      const atMax = await input.evaluate((x) => Number(x.value) >= Number(x.max) - 1e-9);
      await input.press(atMax ? 'ArrowLeft' : 'ArrowRight');
      await page.waitForFunction(
        ([sel, old]) => [...document.querySelectorAll(`${sel} svg`)].map((s) => s.innerHTML).join('') !== old,
        [figure, before],
        { timeout: 60_000 },
      );
      const share = await inView(page, `${figure} svg`);
      assert.ok(share >= 0.5, `${id}: ${figure} is ${Math.round(share * 100)} % in view`);
      // Touch targets: the slider is at least 44 px tall.
      assert.ok((await input.boundingBox()).height >= 44, `${id} is shorter than 44 px`);
      if (id === 'ctl-alpha' || id === 'ctl-experiment-seeds' || id === 'ctl-seeds') {
        await page.screenshot({ path: screenshotPath(`instrument-${id}-${width}.png`) });
      }
      // A live rerun settles before the next slider (its drawing is then the new one's).
      await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state !== 'running', null, { timeout: 120_000 });
    }
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('live: a change restarts the sweep in two stages and ends with every seed', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&preset=limit&seeds=4&n=64,128,256`, { live: 'auto' });
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'done', null, { timeout: 120_000 });
  assert.match(await page.textContent('#exp-status'), /shape first on 2 seeds, then all 4/);
  // Chromium has relaxed SIMD: the workers run that build, its fused multiply-add GEMM.
  assert.match(await page.textContent('#exp-status'), /on CPU \(relaxed-SIMD FMA GEMM\)/);
  assert.equal(await page.isChecked('#exp-live'), true);
  const first = await page.textContent('#exp-table');
  // σ moves the numbers: the sweep runs again by itself, first on 2 seeds.
  await page.locator('#ctl-sigma').press('ArrowRight');
  await page.waitForFunction(() => /^Stage 1 of 2|^Stage 2 of 2|^Done/.test(document.getElementById('exp-status')?.textContent ?? ''));
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'done', null, { timeout: 120_000 });
  assert.match(await page.evaluate(() => location.hash), /&sigma=0\.55&/);
  // The estimate line is the new config's, not left at "Estimating the cost…".
  assert.match(await page.textContent('#exp-estimate'), /^About \d+ s on this device \(16 runs/);
  assert.notEqual(await page.textContent('#exp-table'), first);
  // Every row of the table has all 4 seeds.
  const seeds = await page.locator('#exp-table tbody tr td:last-child').allTextContents();
  assert.deepEqual(seeds, ['4', '4', '4']);
  // Live off: a change leaves the curves, said to be of an earlier configuration.
  await page.uncheck('#exp-live');
  await page.locator('#ctl-sigma').press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'stale');
  assert.deepEqual(problems, []);
  await page.close();
});

test('ε dragged on the curves and the claim\'s n survive a reload; the n_ε figure agrees with the CLI table', async () => {
  // The headline preset's own config is baked (by `caulk bake`, the CLI's JSON): the claim shows at once.
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&preset=headline`);
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 30_000 });
  const file = await page.evaluate(() => fetch('baked/index.json').then((r) => r.json()));
  const baked = file.map((f) => JSON.parse(fs.readFileSync(path.join(DIST, 'baked', f), 'utf8'))).find((r) => r.config.preset === 'headline');
  const marks = async () =>
    page.locator('#claim-neps [data-neps]').evaluateAll((xs) => xs.map((x) => [x.dataset.series, Number(x.dataset.m), x.dataset.neps]));
  const cli = baked.claim.series.flatMap((s) => s.rows.map((r) => [s.label, r.m, r.n_eps === null ? 'none' : String(r.n_eps)]));
  assert.deepEqual(await marks(), cli);
  // The finite-m model fitted to every m is drawn per m beside the curves, with its fit
  // quality, and the limit rate stays as a reference line.
  const fit = baked.claim.series.find((s) => s.method === 'caulk-spline').model;
  assert.equal(await page.locator('#exp-plot path.series[data-id="model"]').count(), fit.rows.length);
  const plotText = await page.textContent('#exp-plot');
  // Each row's held-out check: the largest n predicted by a fit without it, in units of its
  // own half-interval.
  for (const row of fit.rows) {
    const where = Math.abs(row.heldout_miss) <= 1 ? 'inside' : 'outside';
    assert.ok(plotText.includes(`m = ${row.m.toLocaleString('en')}: held-out n = ${row.heldout_n.toLocaleString('en')} ${where} (`), `m = ${row.m}`);
  }
  assert.match(plotText, /limit −0\.561 \(m → ∞\), C of the floor fit/);
  // The limit is drawn with the floor fit's C (not the m = 300 curve's): at the first n it
  // runs below every measured mean of that method.
  const limit = await page.locator('#exp-plot path.series[data-id="theory"]').getAttribute('d');
  assert.ok(limit, 'the limit line is drawn');
  const spline = baked.curves.filter((c) => c.method === 'caulk-spline');
  const slope = spline[0].predicted_slope;
  const atFirst = fit.c * spline[0].n[0] ** slope;
  assert.ok(spline.every((c) => c.risk_mean[0] > atFirst), `limit ${atFirst} at n = ${spline[0].n[0]}`);
  // Both finite-m readings: the floor fit per m and the exponent fit, each labelled a model.
  assert.equal(await page.locator('#exp-plot path.series[data-id="fit-exponent"]').count(), fit.rows.length);
  assert.match(plotText, /exponent fit \(caulk_m_rate, model\)/);
  assert.match(await page.textContent('#exp-summary'), /C = .* and C_pre = .* fitted once and shared by every m/);
  // Under the claim figures, one verdict per method, from the paired changes and held-out readings.
  const verdict = await page.textContent('#claim-verdict');
  for (const s of baked.claim.series) assert.ok(verdict.includes(s.verdict), s.label);
  assert.match(verdict, /caulk-spline \(W = 32\), paired over 8 seeds from m = 300 to 30 000: no steepening/);
  // Drag the ε line up on the curves plot: ε grows, the claim follows.
  const line = page.locator('#exp-plot .eps-line');
  await line.scrollIntoViewIfNeeded();
  const box = await line.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 60, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => Number(new URLSearchParams(location.hash.slice(1)).get('eps')) > 0.02);
  // And by keyboard on the line.
  await page.locator('#exp-plot .eps-line').focus();
  await page.keyboard.press('ArrowUp');
  const eps = await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('eps'));
  await page.selectOption('#ctl-at_n', '512');
  await page.waitForFunction(() => location.hash.includes('&at_n=512&'));
  const claimText = await page.textContent('#claim-summary');
  assert.match(claimText, new RegExp(`^ε = ${eps.replace('.', '\\.')}; risk read at n = 512`));
  await page.screenshot({ path: screenshotPath('claim-1280.png'), fullPage: false });
  await page.reload();
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('eps')), eps);
  assert.equal(await page.inputValue('#ctl-at_n'), '512');
  assert.equal(await page.textContent('#claim-summary'), claimText);
  assert.match(await page.textContent('#exp-plot .eps-label'), new RegExp(`ε = ${eps.replace('.', '\\.')}`));
  // The CLI's claim at this ε and n: the same n_ε marks.
  assert.deepEqual(problems, []);
  await page.close();
});

test('live: a change recomputes only the seed-points whose inputs changed', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#${SMALL_HEADLINE}`, { live: 'auto' });
  const done = () => page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'done', null, { timeout: 120_000 });
  const counts = () => page.evaluate(() => [Number(document.getElementById('experiment').dataset.computed), Number(document.getElementById('experiment').dataset.cached)]);
  await done();
  // 2 methods × 2 m × 3 n × 2 seeds, all computed.
  assert.deepEqual(await counts(), [24, 0]);
  // Only the method list: the spline's 12 seed-points all come from the cache.
  await page.uncheck('#ctl-methods input[value="caulk-adapter"]');
  await page.waitForFunction(() => location.hash.includes('&methods=caulk-spline&'));
  await done();
  assert.deepEqual(await counts(), [0, 12]);
  assert.match(await page.textContent('#exp-status'), /0 seed-points computed, 12 reused/);
  // One more n: only its 2 m × 2 seeds are computed.
  await page.click('#experiment details.advanced summary');
  await page.fill('#txt-experiment-n', '64,128,256,512');
  await page.press('#txt-experiment-n', 'Enter');
  await page.waitForFunction(() => location.hash.includes('&n=64,128,256,512&'));
  await done();
  assert.deepEqual(await counts(), [4, 12]);
  // ε moves no number: nothing runs.
  await page.locator('#ctl-claim-eps').press('ArrowLeft');
  await page.waitForTimeout(400);
  assert.equal(await page.getAttribute('#experiment', 'data-state'), 'done');
  assert.deepEqual(problems, []);
  await page.close();
});

test('pins freeze the curves, survive a reload through the link, and stop at 4', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&preset=limit&seeds=2&n=64,128,256`, { live: 'auto' });
  const done = () => page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'done', null, { timeout: 120_000 });
  await done();
  const live = await page.getAttribute('#exp-plot path.series[data-id="m-caulk-spline"]:not(.pinned)', 'd');
  await page.click('#exp-pin');
  await page.waitForFunction(() => location.hash.includes('&pins=A~caulk-spline*-*32*64:'));
  assert.equal(await page.locator('#exp-plot path.series.pinned').count(), 1);
  // The pin is the curve as it was, to the 4 significant digits the link carries.
  const near = (a, b) => {
    const [x, y] = [a, b].map((d) => d.match(/-?\d+\.\d+/g).map(Number));
    return x.length === y.length && x.every((v, i) => Math.abs(v - y[i]) < 0.5);
  };
  assert.ok(near(await page.getAttribute('#exp-plot path.series.pinned', 'd'), live));
  const pinValue = () => page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('pins'));
  const pinned = await pinValue();
  // Change one thing: the live curve moves, the pin stays.
  await page.locator('#ctl-sigma').press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('&sigma=0.55&'));
  await done();
  // The pin's numbers stay (the axes may rescale around the new curve).
  assert.equal(await pinValue(), pinned);
  assert.equal(await page.locator('#exp-plot path.series.pinned').count(), 1);
  assert.notEqual(await page.getAttribute('#exp-plot path.series[data-id="m-caulk-spline"]:not(.pinned)', 'd'), live);
  await page.click('#exp-pin');
  await page.waitForFunction(() => location.hash.includes(';B~caulk-spline'));
  assert.match(await page.textContent('#exp-plot .legend'), /pin A[\s\S]*pin B/);
  await page.screenshot({ path: screenshotPath('pins-1280.png') });
  // Through the link: the pins are drawn at once after a reload.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => document.querySelectorAll('#exp-plot path.series.pinned').length === 2);
  assert.deepEqual(await page.locator('#exp-pins li span').allTextContents(), ['pin A (1 curve)', 'pin B (1 curve)']);
  // Two more fill the link's 4; a fifth is refused with a message naming pins.
  await done();
  await page.click('#exp-pin');
  await page.waitForFunction(() => location.hash.includes(';C~'));
  await page.click('#exp-pin');
  await page.waitForFunction(() => location.hash.includes(';D~'));
  await page.click('#exp-pin');
  await page.waitForSelector('#messages:not([hidden])');
  assert.match(await page.textContent('#messages'), /pins: 5 pins, at most 4 allowed/);
  assert.equal(await page.locator('#exp-plot path.series.pinned').count(), 4);
  // Unpin A.
  await page.click('#exp-pins button[aria-label="unpin A"]');
  await page.waitForFunction(() => !location.hash.includes('pins=A~'));
  assert.equal(await page.locator('#exp-plot path.series.pinned').count(), 3);
  assert.deepEqual(problems, []);
  await page.close();
});
