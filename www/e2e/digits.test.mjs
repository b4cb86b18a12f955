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
  await page.locator('#exp-plot').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('digits-1280.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#exp-plot').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('digits-390.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
