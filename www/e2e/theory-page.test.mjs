// End-to-end: the theory page as a user sees it, in Debian's Chromium with WebGPU on and off.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, useApp, openApp, deviceLine, screenshotPath } from './harness.mjs';

const app = useApp();

const curve = (page, id) => page.getAttribute(`#plot path[data-id="${id}"]`, 'd');

test('loads, plots the default bounds, reports WebGPU, and saves a screenshot', async () => {
  const { page, problems } = await openApp(app.context, app.url);
  assert.match(await deviceLine(page), /^WebGPU: /);
  assert.ok((await curve(page, 'caulk_limit'))?.startsWith('M'));
  assert.ok((await curve(page, 'scratch'))?.startsWith('M'));
  // Defaults: s = 0.5, d = 3 → slopes −0.500 and −0.250.
  const summary = await page.textContent('#summary');
  assert.match(summary, /slope −0\.500/);
  assert.match(summary, /slope −0\.250/);
  assert.match(page.url(), /#v=2&preset=limit&seed=1&/);
  await page.screenshot({ path: screenshotPath('theory-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: screenshotPath('theory-390.png'), fullPage: true });
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('moving a slider redraws the plot and rewrites the URL', async () => {
  const { page, problems } = await openApp(app.context, app.url);
  const before = await curve(page, 'caulk_limit');
  const scratchBefore = await curve(page, 'scratch');
  // Keyboard: the slider must be operable without a mouse.
  await page.focus('#ctl-alpha');
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('&alpha=0.7&'));
  assert.equal(await page.textContent('#out-alpha'), '0.7');
  assert.notEqual(await curve(page, 'caulk_limit'), before);
  assert.notEqual(await curve(page, 'scratch'), scratchBefore);
  // s = 0.7: −1.4/2.4 = −0.583; scratch s* = 0.7, d = 3: −1.4/4.4 = −0.318.
  const summary = await page.textContent('#summary');
  assert.match(summary, /slope −0\.583/);
  assert.match(summary, /slope −0\.318/);
  // d moves only the scratch bound: s* = 0.7, d = 4 gives −1.4/5.4 = −0.259.
  await page.focus('#ctl-d');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('&d=4&'));
  const after = await page.textContent('#summary');
  assert.match(after, /slope −0\.583/);
  assert.match(after, /slope −0\.259/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('opening a link restores its state', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&alpha=0.3&beta=0.8&d=7`);
  assert.equal(await page.inputValue('#ctl-alpha'), '0.3');
  assert.equal(await page.inputValue('#ctl-beta'), '0.8');
  assert.equal(await page.inputValue('#ctl-d'), '7');
  // s = 0.24: −0.48/1.48 = −0.324; s* = 0.24, d = 7: −0.48/7.48 = −0.064.
  const summary = await page.textContent('#summary');
  assert.match(summary, /slope −0\.324/);
  assert.match(summary, /slope −0\.064/);
  // The URL now holds the full canonical config, and reloading it gives the same plot.
  const url = page.url();
  assert.match(url, /&alpha=0\.3&beta=0\.8&/);
  const d = await curve(page, 'caulk_limit');
  const again = await openApp(app.context, url);
  assert.equal(await curve(again.page, 'caulk_limit'), d);
  assert.equal(again.page.url(), url);
  assert.deepEqual([...problems, ...again.problems], []);
  await again.page.close();
  await page.close();
});

test('a broken or hostile fragment shows plain messages and a working page', async () => {
  const hostile = '#v=1&alpha=7&d=abc&beta=0.9&preset=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&zz=<b>x</b>';
  const { page, problems } = await openApp(app.context, app.url + hostile);
  const messages = await page.textContent('#messages');
  assert.match(messages, /alpha: "?7"? is out of range.*Using the default for alpha\./);
  assert.match(messages, /d: "?abc"? is not a whole number/);
  assert.match(messages, /preset: /);
  assert.match(messages, /zz: unknown key/);
  assert.ok(await page.isVisible('#messages'));
  // Nothing from the URL became markup.
  assert.equal(await page.locator('#messages img, #messages b').count(), 0);
  // Good keys kept, bad keys at their defaults, the plot drawn.
  assert.equal(await page.inputValue('#ctl-beta'), '0.9');
  assert.equal(await page.inputValue('#ctl-alpha'), '0.5');
  assert.ok((await curve(page, 'caulk_limit'))?.startsWith('M'));
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('every hostile fragment of the suite gives a plain message and an intact, working page', async () => {
  const list = Array.from({ length: 100_000 }, (_, i) => i + 4).join(',');
  const suite = [
    ['markup', 'v=1&preset=%3Cscript%3Ealert(1)%3C%2Fscript%3E&alpha=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', /preset: .*alpha: /s],
    ['NaN', 'v=1&alpha=NaN&beta=nan', /alpha: .*beta: /s],
    ['Infinity', 'v=1&sigma=Infinity&d=-inf', /sigma: .*d: /s],
    ['1e308', 'v=1&n=1e308&m=1e308', /n: .*m: /s],
    ['negative zero', 'v=1&alpha=-0', /alpha: /],
    ['100k-item list', `v=1&n=${list}`, /fragment: .* allowed\. Using the defaults\./],
    ['unicode and control characters', 'v=1&alpha=%E2%80%AE0.3&%F0%9F%98%80=1&beta=%00%07', /alpha: .*beta: /s],
    ['duplicate keys', 'v=1&alpha=0.3&alpha=0.4', /given twice/],
    ['unknown version', 'v=99&alpha=0.3', /v: version "?99"? is not supported \(this app reads 1 and 2\)\. Using the defaults\.$/],
    ['unknown preset', 'v=1&preset=everything', /preset: /],
  ];
  for (const [name, fragment, expect] of suite) {
    const { page, problems } = await openApp(app.context, `${app.url}#${fragment}`);
    const messages = await page.textContent('#messages');
    assert.match(messages, expect, name);
    // One short line per message, nothing from the URL as markup.
    for (const line of await page.locator('#messages li').allTextContents()) {
      assert.ok(line.length < 300 && !line.includes('\n'), `${name}: ${line}`);
    }
    assert.equal(await page.locator('#messages *:not(li)').count(), 0, name);
    assert.equal(await page.locator('script:not([src]), img[src="x"]').count(), 0, name);
    // A working page: the plot is drawn and a control still works.
    assert.ok((await curve(page, 'caulk_limit'))?.startsWith('M'), name);
    await page.fill('#ctl-d', '4');
    await page.dispatchEvent('#ctl-d', 'change');
    await page.waitForFunction(() => location.hash.includes('&d=4&'));
    assert.deepEqual(await page.evaluate(() => window.__csp), [], name);
    assert.deepEqual(problems, [], name);
    await page.close();
  }
});

test('the URL typed by hand (hashchange) updates the page', async () => {
  const { page } = await openApp(app.context, app.url);
  await page.evaluate(() => {
    location.hash = 'v=1&alpha=0.9&d=2';
  });
  await page.waitForFunction(() => document.getElementById('out-alpha')?.textContent === '0.9');
  assert.equal(await page.inputValue('#ctl-d'), '2');
  await page.close();
});

test('without WebGPU the page says CPU fallback and still plots', async () => {
  const plain = await launch({ webgpu: false });
  try {
    const { page, problems } = await openApp(plain.context, app.url);
    assert.match(await deviceLine(page), /^CPU fallback: /);
    assert.ok((await curve(page, 'caulk_limit'))?.startsWith('M'));
    await page.screenshot({ path: screenshotPath('theory-cpu-fallback.png') });
    assert.deepEqual(problems, []);
    // backend=gpu without WebGPU: one line saying so where the estimate goes, and Run says
    // why it did not run (the estimate and the run ask for the GPU alike).
    const gpu = await openApp(plain.context, `${app.url}#v=1&preset=limit&backend=gpu`);
    await gpu.page.waitForFunction(() => /^No estimate: backend: gpu was requested but .+\.$/.test(document.getElementById('exp-estimate')?.textContent ?? ''));
    await gpu.page.click('#exp-run');
    await gpu.page.waitForFunction(() => /^Not run: backend: gpu was requested but /.test(document.getElementById('exp-status')?.textContent ?? ''));
    assert.notEqual(await gpu.page.getAttribute('#experiment', 'data-state'), 'running');
  } finally {
    await plain.close();
  }
});
