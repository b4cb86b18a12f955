// End-to-end: accessibility of the page (issue: every control keyboard-operable with a
// visible focus, named controls, labelled charts with a text summary, reduced motion
// respected, zoom never blocked, usable at 390 px).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshotPath } from './harness.mjs';

const app = useApp();

test('every control has a name, every chart a label and a text description', async () => {
  for (const path of ['', 'embed.html#v=1&view=experiment&show=seeds,alpha']) {
    const { page, problems } = await openApp(app.context, `${app.url}${path}`);
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('input:not([type=hidden]):not([hidden]), select, textarea, button')]
        .filter((el) => {
          const aria = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
          const text = el.tagName === 'BUTTON' ? el.textContent.trim() : '';
          return !(aria || text || (el.labels && el.labels.length > 0));
        })
        .map((el) => el.id || el.outerHTML.slice(0, 60)),
    );
    assert.deepEqual(unnamed, [], path);
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll('.plot-host svg')].map((svg) => ({
        role: svg.getAttribute('role'),
        named: Boolean(svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby') || svg.querySelector('title')),
      })),
    );
    assert.ok(charts.length > 0, path);
    for (const c of charts) assert.deepEqual(c, { role: 'img', named: true }, path);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('the keyboard alone reaches Run and starts a sweep, with a visible focus ring', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&seeds=2&n=64,128,256,512`);
  await page.waitForFunction(() => /About .* runs/.test(document.getElementById('exp-estimate')?.textContent ?? ''));
  let presses = 0;
  while ((await page.evaluate(() => document.activeElement?.id)) !== 'exp-run' && presses < 300) {
    await page.keyboard.press('Tab');
    presses++;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'exp-run', `not reached in ${presses} Tabs`);
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return [s.outlineStyle, s.outlineWidth];
  });
  assert.deepEqual(ring, ['solid', '3px']);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'done', null, { timeout: 120_000 });
  assert.match(await page.textContent('#exp-summary'), /fitted slope/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('reduced motion is respected, zoom is not blocked, and 390 px needs no sideways scroll', async () => {
  const { page, problems } = await openApp(app.context, app.url);
  const viewport = await page.getAttribute('meta[name="viewport"]', 'content');
  assert.doesNotMatch(viewport, /maximum-scale|user-scalable\s*=\s*no/);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const durations = await page.evaluate(() =>
    [...document.querySelectorAll('button, input, .plot-host path')].map((el) => getComputedStyle(el).transitionDuration),
  );
  assert.ok(durations.every((d) => d === '0s'), durations.find((d) => d !== '0s'));
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${overflow} px wider than the screen`);
  await page.screenshot({ path: screenshotPath('app-390.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
