// End-to-end: the embeddable figure (embed.html), inside a sandboxed iframe, and the
// <caulk-lab> web component on a host page with its own strict CSP.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshotPath } from './harness.mjs';

const app = useApp();

/**
 * A host page (about:blank origin) with `body` and its own strict CSP (which the element
 * must live with: no inline styles, scripts and frames only from the app's origin).
 */
async function hostPage(body) {
  const page = await app.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const csp = `default-src 'none'; script-src ${app.url}; frame-src ${app.url}; style-src 'none'`;
  await page.setContent(`<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${csp}"></head><body>${body}</body></html>`);
  return { page, problems };
}

test('embed.html shows one figure and only the controls that show= lists', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}embed.html#v=1&alpha=0.7&show=alpha,d`);
  assert.ok((await page.getAttribute('#plot path[data-id="caulk_limit"]', 'd'))?.startsWith('M'));
  assert.deepEqual(await page.locator('#controls input, #controls select').evaluateAll((xs) => xs.map((x) => x.id)), ['ctl-d', 'ctl-alpha']);
  assert.equal(await page.isVisible('#experiment'), false);
  const before = await page.getAttribute('#plot path[data-id="scratch"]', 'd');
  await page.fill('#ctl-d', '6');
  await page.dispatchEvent('#ctl-d', 'change');
  await page.waitForFunction(() => location.hash.includes('&d=6&'));
  assert.match(await page.getAttribute('#open-full', 'href'), /^index\.html#v=2&.*&d=6&.*&alpha=0\.7&/);
  // The scratch curve's slope −2s*/(2s*+d) changed with d: the summary says so.
  assert.notEqual(await page.getAttribute('#plot path[data-id="scratch"]', 'd'), before);
  assert.match(await page.textContent('#summary'), /d = 6\./);
  await page.setViewportSize({ width: 640, height: 480 });
  await page.screenshot({ path: screenshotPath('embed-theory-640.png') });
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('embed.html works inside <iframe sandbox="allow-scripts">, runs included (in the page: no worker there)', async () => {
  const { page, problems } = await hostPage(
    `<iframe id="t" sandbox="allow-scripts" width="640" height="420" src="${app.url}embed.html#v=1&alpha=0.7"></iframe>` +
      `<iframe id="e" sandbox="allow-scripts" width="640" height="520" src="${app.url}embed.html#v=1&view=experiment&seeds=2&n=64,128"></iframe>`,
  );
  const theory = page.frameLocator('#t');
  await theory.locator('#plot path[data-id="caulk_limit"]').waitFor({ timeout: 30_000 });
  assert.ok((await theory.locator('#plot path[data-id="caulk_limit"]').getAttribute('d')).startsWith('M'));
  const exp = page.frameLocator('#e');
  await exp.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  await exp.locator('#exp-run').click();
  await exp.locator('#exp-status').filter({ hasText: /^Done in .* in this page \(it may not start a worker\)\.$/ }).waitFor({ timeout: 120_000 });
  assert.equal(await exp.locator('#exp-table tbody tr').count(), 2);
  await page.screenshot({ path: screenshotPath('embed-sandboxed.png') });
  // The frames record violations themselves; the host's would show as console errors.
  for (const f of page.frames().slice(1)) assert.deepEqual(await f.evaluate(() => window.__csp), [], f.url());
  assert.deepEqual(problems, []);
  await page.close();
});

test('<caulk-lab> renders from its attributes, runs, and fires ready and finished', async () => {
  const { page, problems } = await hostPage(
    `<script type="module" src="${app.url}caulk-lab.js"></script>` +
      `<caulk-lab id="lab" preset="limit" view="experiment" seeds="2" n="64,128,256" show="seeds" height="560px"></caulk-lab>`,
  );
  await page.evaluate(() => {
    window.__events = [];
    const lab = document.getElementById('lab');
    lab.addEventListener('ready', (e) => window.__events.push(['ready', e.detail.fragment]));
    lab.addEventListener('finished', (e) => window.__events.push(['finished', e.detail]));
  });
  const frame = page.frameLocator('caulk-lab iframe');
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('#ctl-seeds').inputValue(), '2');
  await page.waitForFunction(() => window.__events.some(([t]) => t === 'ready'));
  await frame.locator('#exp-run').click();
  await page.waitForFunction(() => window.__events.some(([t]) => t === 'finished'), null, { timeout: 120_000 });
  const finished = await page.evaluate(() => window.__events.find(([t]) => t === 'finished')[1]);
  assert.equal(finished.config.seeds, 2);
  assert.deepEqual(finished.config.n, [64, 128, 256]);
  assert.equal(finished.curves[0].method, 'caulk-spline');
  assert.equal(finished.curves[0].risk_mean.filter((r) => r !== null).length, 3);
  const ready = await page.evaluate(() => window.__events.find(([t]) => t === 'ready')[1]);
  assert.match(ready, /^v=2&preset=limit&.*&n=64,128,256&seeds=2&.*&view=experiment&show=seeds$/);
  // An attribute change reaches the figure without a reload.
  await page.evaluate(() => document.getElementById('lab').setAttribute('seeds', '3'));
  for (let i = 0; i < 100 && (await frame.locator('#ctl-seeds').inputValue()) !== '3'; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(await frame.locator('#ctl-seeds').inputValue(), '3');
  await page.screenshot({ path: screenshotPath('caulk-lab-component.png'), fullPage: true });
  for (const f of page.frames().slice(1)) assert.deepEqual(await f.evaluate(() => window.__csp), [], f.url());
  assert.deepEqual(problems, []);
  await page.close();
});
