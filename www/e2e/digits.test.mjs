// End-to-end: the real-data preset `digits` draws its baked curves at once, holds no theory
// line against them, and hides the synthetic task's controls (d, α, β, σ), which it does not read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshotPath } from './harness.mjs';

const app = useApp();

test('the digits preset renders its baked curves with no theory line, and hides the synthetic keys', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&preset=digits`);
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 10_000 });
  assert.match(await page.textContent('#exp-status'), /^Precomputed results for exactly this configuration/);
  // 3 methods × 4 m, and scratch once.
  assert.equal(await page.locator('#exp-plot path.series[data-id^="m-"]').count(), 13);
  assert.equal(await page.locator('#exp-plot path[data-id="theory"]').count(), 0);
  assert.equal(await page.isDisabled('input[name="overlay"][value="raw"]'), true);
  const summary = await page.textContent('#exp-summary');
  assert.match(summary, /linear-probe \(m = 1000, W = 32\): fitted slope/);
  assert.doesNotMatch(summary, /linear-probe[^;]*; theory/);
  for (const key of ['d', 'alpha', 'sigma']) {
    assert.equal(await page.locator(`#experiment .control[data-key="${key}"]`).first().isHidden(), true, key);
  }
  assert.equal(await page.locator('#experiment .control[data-key="m"]').first().isVisible(), true);
  // The data itself, beside the controls: seed 0's first source images with their digits and
  // target images with their parity.
  assert.equal(await page.locator('#exp-data .digit-row').nth(0).locator('svg').count(), 10);
  const parities = await page.locator('#exp-data .digit-row').nth(1).locator('figcaption').allTextContents();
  assert.equal(parities.length, 10);
  assert.ok(parities.every((t) => t === 'odd' || t === 'even'), parities.join());
  assert.match(await page.textContent('#exp-plot .axis-label:nth-of-type(2), #exp-plot'), /test error rate/);
  // The second measure: the squared loss on the labels, without the ε line (ε is an error rate).
  assert.equal(await page.isVisible('fieldset.measure'), true);
  assert.equal(await page.locator('#exp-plot .eps-line').count(), 1);
  await page.check('input[name="measure"][value="squared"]');
  assert.match(await page.textContent('#exp-plot'), /squared loss on the test labels/);
  assert.equal(await page.locator('#exp-plot .eps-line').count(), 0);
  await page.check('input[name="measure"][value="error"]');
  assert.equal(await page.locator('#exp-plot .eps-line').count(), 1);
  // Every number has both measures.
  assert.match(await page.textContent('#exp-table thead'), /mean squared loss/);
  await page.locator('#exp-plot').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('digits-1280.png') });
  // Other presets have no data strip and no second measure (limit: its baked default, since
  // switching keeps α, β and d, which digits leaves at limit's values).
  await page.selectOption('#ctl-preset', 'limit');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 30_000 });
  assert.equal(await page.isVisible('#exp-data'), false);
  assert.equal(await page.isVisible('fieldset.measure'), false);
  await page.selectOption('#ctl-preset', 'digits');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 30_000 });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#exp-plot').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('digits-390.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
