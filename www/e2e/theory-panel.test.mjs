// End-to-end: the theory panel's toggles, formulas, phase diagram, n_ε plot and list inputs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshotPath } from './harness.mjs';

const app = useApp();

const paths = (page, id) => page.locator(`#plot path[data-id="${id}"]`).count();

test('toggling a bound adds and removes its curves, card and URL entry', async () => {
  const { page, problems } = await openApp(app.context, app.url);
  assert.equal(await paths(page, 'compositional'), 0);
  await page.check('#show-compositional');
  await page.waitForFunction(() => location.hash.includes('bounds=caulk_limit,caulk_m,scratch,compositional&'));
  assert.equal(await paths(page, 'compositional'), 1);
  assert.equal(await page.locator('.card-compositional').count(), 1);
  assert.match(await page.textContent('.card-compositional .badge'), /standard/);
  await page.uncheck('#show-caulk_m');
  await page.waitForFunction(() => !location.hash.includes('caulk_m'));
  assert.equal(await paths(page, 'caulk_m'), 0);
  assert.equal(await page.locator('.card-caulk_m').count(), 0);
  // Bounds with an m-term draw one curve per m.
  await page.check('#show-representation');
  await page.click('#theory details.advanced summary');
  await page.fill('#txt-m', '100,10000,1000000');
  await page.press('#txt-m', 'Enter');
  await page.waitForFunction(() => location.hash.includes('&m=100,10000,1000000&'));
  assert.equal(await paths(page, 'representation'), 3);
  assert.deepEqual(problems, []);
  await page.close();
});

test('moving a slider updates the formula numbers, the phase mark and the plot together', async () => {
  const { page, problems } = await openApp(app.context, app.url);
  const values = () => page.textContent('.card-caulk_limit .formula-values');
  assert.match(await values(), /n−0\.5(?!\d)/);
  const before = await page.getAttribute('#plot path[data-id="caulk_limit"]', 'd');
  await page.focus('#ctl-alpha');
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('&alpha=0.7&'));
  // s = 0.7: 2s/(2s+1) = 0.58333 → 0.5833 in the formula, −0.583 in the facts and legend.
  assert.match(await values(), /n−0\.5833/);
  assert.match(await page.textContent('.card-caulk_limit .facts'), /−0\.583/);
  assert.match(await page.textContent('#plot .legend'), /Caulking, limit rate\s+−0\.583/);
  assert.notEqual(await page.getAttribute('#plot path[data-id="caulk_limit"]', 'd'), before);
  assert.equal(await page.getAttribute('#phase .phase-current', 'data-alpha'), '0.7');
  assert.match(await page.textContent('#phase-text'), /α·d = 2\.1 > 1/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the phase diagram and n_ε plot follow d, ε and m; a point with α·d < 1 says so', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&alpha=0.2&d=3&eps=0.02`);
  assert.match(await page.textContent('#phase-text'), /α·d = 0\.6 ≤ 1: caulking's rate does not beat/);
  // s = 0.2: the floor 0.1·m^(−0.08) stays above ε = 0.02 for every m ≤ 10^6.
  assert.match(await page.textContent('#neps-text'), /Up to m = 1,000,000 the pre-training floor is above ε/);
  // With ε = 0.05 it drops below ε inside the grid: 0.1·m^(−0.08) < 0.05 ⇔ m > 2^12.5 ≈ 5793.
  // The ε slider is logarithmic: its position is log10 ε.
  await page.fill('#ctl-eps', String(Math.log10(0.05)));
  await page.waitForFunction(() => document.getElementById('neps-text')?.textContent?.includes('Below m ≈'));
  assert.match(await page.textContent('#neps-text'), /^Floor reading: Below m ≈ 7,499/);
  assert.equal(await page.locator('#neps path[data-id="caulk_m"]').count(), 1);
  // The rising-exponent reading has no floor: every m reaches ε, drawn beside the floor reading.
  assert.equal(await page.locator('#neps path[data-id="caulk_m_rate"]').count(), 1);
  assert.match(await page.textContent('#neps-text'), /Rising-exponent reading: no floor, so every m reaches ε/);
  await page.screenshot({ path: screenshotPath('theory-panel-low-alpha.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the phase diagram switches between its two comparisons, coloured by the exponent gap', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&alpha=0.2&d=3&s_phi=1.5`);
  assert.equal(await page.getAttribute('#phase svg', 'data-map'), 'equal_beta');
  // α·d = 0.6 < 1: caulking loses to a β-smooth target, its gap negative.
  assert.ok(Number(await page.getAttribute('#phase .phase-current', 'data-gap')) < 0);
  const cells = async () => page.locator('#phase .cells rect').evaluateAll((xs) => xs.map((x) => x.getAttribute('fill')).join(''));
  const before = await cells();
  await page.check('input[name="phase-compare"][value="same_target"]');
  await page.waitForFunction(() => document.querySelector('#phase svg')?.getAttribute('data-map') === 'same_target');
  // Against the same composite target, s* = αβ·min(s_φ, 1) (an extractor smoother than
  // Lipschitz leaves the composite αβ-Hölder): d = 3 > min(s_φ, 1) = 1 wins whatever α.
  assert.match(await page.textContent('#phase-text'), /d > min\(s_φ, 1\) = 1: caulking's rate beats learning the same composite target/);
  assert.match(await page.textContent('#phase-text'), /Status: exponents only/);
  assert.ok(Number(await page.getAttribute('#phase .phase-current', 'data-gap')) > 0);
  assert.notEqual(await cells(), before);
  // On the boundary d = min(s_φ, 1) = 1 the two exponents tie: caulking does not beat it.
  await page.fill('#ctl-d', '1');
  await page.waitForFunction(() => /does not beat learning the same composite target/.test(document.getElementById('phase-text')?.textContent ?? ''));
  assert.ok(Math.abs(Number(await page.getAttribute('#phase .phase-current', 'data-gap'))) < 1e-9);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a refused list value shows a message and the input snaps back', async () => {
  const { page, problems } = await openApp(app.context, app.url);
  const hash = await page.evaluate(() => location.hash);
  await page.click('#theory details.advanced summary');
  await page.fill('#txt-n', '64,32');
  await page.press('#txt-n', 'Enter');
  await page.waitForSelector('#messages:not([hidden])');
  assert.match(await page.textContent('#messages'), /n: "?64,32"? must be strictly increasing/);
  assert.equal(await page.inputValue('#txt-n'), '128,256,512,1024,2048,4096');
  // The same message stands inline under the control, naming the key.
  assert.match(await page.textContent('#theory .control[data-key="n"] .control-error'), /^n: .*strictly increasing/);
  assert.equal(await page.evaluate(() => location.hash), hash);
  // Unchecking the last bound is refused the same way.
  for (const id of ['caulk_m', 'scratch']) await page.uncheck(`#show-${id}`);
  await page.click('#show-caulk_limit');
  assert.match(await page.textContent('#messages'), /bounds: empty list/);
  assert.ok(await page.isChecked('#show-caulk_limit'));
  assert.equal(await paths(page, 'caulk_limit'), 1);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});
