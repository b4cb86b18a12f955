// End-to-end: lessons. Steps open by link and by keyboard and draw their baked curves with no
// run; a predict step covers the curves until the guess is in, then shows the guess beside the
// measurement and on the plot; a number in the text moves the figure; a broken lesson file is
// named by step and field and the page stays usable.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshotPath } from './harness.mjs';

const app = useApp();

const state = (page) => page.evaluate(() => document.getElementById('experiment')?.dataset.state);
const hash = (page) => page.evaluate(() => location.hash);

test('a step opens by link with its own config and baked curves, and the keys move between steps', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&lesson=caulking&step=5`);
  await page.waitForSelector('#lesson-step-title:has-text("Fine-tuning methods side by side")');
  // The step's own config (peft), its parts only, its curves baked: nothing ran.
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 10_000 });
  assert.match(await hash(page), /preset=peft/);
  assert.match(await hash(page), /lesson=caulking&step=5$/);
  assert.equal(await page.locator('#exp-plot path.series[data-id^="m-"]').count(), 7);
  assert.equal(await page.isVisible('#theory'), false, 'a step without theory parts hides the theory panel');
  assert.equal(await page.isVisible('#claim-risk'), false, 'claim not listed by step 5');
  assert.equal(await page.textContent('#lesson-count'), 'Step 5 of 8');
  // The answer opens on click.
  assert.equal(await page.isVisible('.lesson-answer'), false);
  await page.click('#lesson-question summary');
  assert.equal(await page.isVisible('.lesson-answer'), true);
  // Keyboard: → to step 6 (theory only: the phase map), ← back.
  await page.locator('#lesson-step-title').focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('#lesson-step-title:has-text("When does caulking win?")');
  assert.equal(await page.isVisible('#phase'), true);
  assert.equal(await page.isVisible('#experiment'), false);
  assert.match(await hash(page), /alpha=0\.3.*lesson=caulking&step=6$/);
  await page.keyboard.press('PageUp');
  await page.waitForSelector('#lesson-step-title:has-text("Fine-tuning methods side by side")');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 10_000 });
  assert.match(await page.textContent('#exp-status'), /^Precomputed results for exactly this configuration/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a number in the lesson text moves the figure, by keyboard and by drag, and computed numbers follow', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&lesson=caulking&step=1`);
  await page.waitForSelector('#lesson-text .reactive');
  const d = page.locator('#lesson-text .reactive').first();
  assert.equal(await d.textContent(), '2');
  assert.equal(await d.getAttribute('role'), 'slider');
  const rate = () => page.locator('#lesson-text .computed').nth(1).textContent();
  assert.equal(await rate(), '−0.333');
  const legend = () => page.textContent('#plot .legend');
  await d.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /&d=3&/.test(location.hash));
  assert.equal(await d.textContent(), '3');
  assert.equal(await rate(), '−0.250');
  assert.match(await legend(), /From scratch \(minimax\)\s+−0\.250/);
  // A drag to the right by 5 steps of 8 px.
  const box = await d.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 41, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => /&d=8&/.test(location.hash));
  assert.equal(await d.getAttribute('aria-valuenow'), '8');
  assert.equal(await rate(), '−0.111');
  // The step stays the same step (the link keeps the lesson keys).
  assert.match(await hash(page), /lesson=caulking&step=1$/);
  await page.screenshot({ path: screenshotPath('lesson-step1-1280.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: screenshotPath('lesson-step1-390.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a predict step covers the curves until the guess is in, then shows it beside the measurement and on the plot', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&lesson=caulking&step=4`);
  await page.waitForSelector('#lesson-guess');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 10_000 });
  const veiled = () => page.evaluate(() => document.querySelector('[data-part="experiment"]').classList.contains('veiled'));
  assert.equal(await veiled(), true);
  assert.equal(await page.isVisible('#exp-plot svg'), false);
  // Set the guess: the slider (log scale 64 … 8192) at its far left is 64.
  await page.locator('#lesson-guess').fill('0');
  assert.equal(await page.textContent('#lesson-guess-value'), 'n_ε ≈ 64');
  await page.click('#lesson-reveal');
  assert.equal(await veiled(), false);
  const result = await page.textContent('#lesson-result');
  assert.match(result, /^Your guess: n_ε ≈ 64\. Measured: n_ε ≈ 560 for ε = 0\.02 \(95 % interval/);
  assert.equal(await page.locator('#exp-plot .guess .guess-rule').count(), 1);
  assert.match(await page.textContent('#exp-plot .guess-label'), /your guess: 64/);
  await page.locator('#exp-plot').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('lesson-predict-1280.png') });
  // Recorded: a reload of the step shows the guess again, uncovered.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => /Your guess: n_ε ≈ 64/.test(document.getElementById('lesson-result')?.textContent ?? ''));
  assert.equal(await veiled(), false);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: screenshotPath('lesson-predict-390.png') });
  // Guess again covers them once more.
  await page.click('#lesson-again');
  assert.equal(await veiled(), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a broken lesson file gets one line naming the step and field, and the page stays as it was', async () => {
  const page = await app.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const broken = JSON.stringify({
    title: 'Broken',
    steps: [
      { title: 'fine', text: 'a', fragment: 'v=1', show: ['bounds'] },
      { title: 'bad', text: 'a', fragment: 'v=1&alpha=7', show: ['bounds'] },
    ],
  });
  await page.route('**/lessons/broken.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: broken }));
  await page.goto(`${app.url}#v=1&d=5&lesson=broken&step=1`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('#lesson-error:not([hidden])');
  const line = await page.textContent('#lesson-error');
  assert.match(line, /^The lesson could not be opened: lessons\/broken\.json: step 2, field `fragment`: alpha: /);
  // Nothing else lost: the figures are all there, the config as the link gave it.
  assert.equal(await page.isVisible('#plot svg'), true);
  assert.equal(await page.isVisible('#experiment'), true);
  assert.match(await hash(page), /&d=5&/);
  // A lesson that is not there says so. (Only the fragment changes, so the page stays and
  // the line above is still on show until the new lesson's answer replaces it.)
  await page.goto(`${app.url}#v=1&lesson=no-such-lesson`);
  await page.waitForFunction(() => !/broken\.json/.test(document.getElementById('lesson-error')?.textContent ?? 'broken.json'));
  await page.waitForSelector('#lesson-error:not([hidden])');
  assert.match(await page.textContent('#lesson-error'), /lessons\/no-such-lesson\.json: no such lesson/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('dark mode keeps the page and its plots legible', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&lesson=caulking&step=4`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 10_000 });
  await page.click('#lesson-reveal');
  const colours = await page.evaluate(() => {
    const rgb = (el, prop) => getComputedStyle(el)[prop].match(/\d+/g).slice(0, 3).map(Number);
    const lum = ([r, g, b]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    return {
      paper: lum(rgb(document.documentElement, 'backgroundColor')),
      ink: lum(rgb(document.body, 'color')),
      axis: lum(rgb(document.querySelector('#exp-plot .axis-label'), 'fill')),
      lesson: lum(rgb(document.getElementById('lesson'), 'backgroundColor')),
    };
  });
  assert.ok(colours.paper < 0.15 && colours.lesson < 0.15, JSON.stringify(colours));
  assert.ok(colours.ink > 0.8 && colours.axis > 0.8, JSON.stringify(colours));
  await page.screenshot({ path: screenshotPath('lesson-dark-1280.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: screenshotPath('lesson-dark-390.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the handout prints every step with its text and figures, on light paper', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&lesson=caulking&step=3`);
  await page.addInitScript(() => (window.print = () => (window.__printed = true)));
  await page.evaluate(() => (window.print = () => (window.__printed = true)));
  await page.waitForSelector('#lesson-step-title:has-text("A finite amount of pre-training: two readings")');
  await page.click('#lesson-print');
  await page.waitForFunction(() => window.__printed === true, null, { timeout: 60_000 });
  // Back on the step it started from.
  assert.match(await hash(page), /lesson=caulking&step=3$/);
  const steps = page.locator('#handout .handout-step');
  assert.equal(await steps.count(), 8);
  // Each step carries the figures it shows: step 1 the bounds plot, step 4 the curves and the two claim plots.
  assert.equal(await steps.nth(0).locator('svg.plot').count(), 1);
  assert.equal(await steps.nth(3).locator('svg.plot').count(), 3);
  assert.match(await steps.nth(3).textContent(), /Predict before you look: .*Your guess/);
  assert.equal(await steps.nth(3).locator('.guess').count(), 0);
  // Numbers as each step set them: step 1 at d = 2.
  assert.match(await steps.nth(0).textContent(), /exponent is −0\.333/);
  await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
  assert.equal(await page.isVisible('#theory'), false);
  assert.equal(await page.isVisible('#handout'), true);
  const paper = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(paper, 'rgb(255, 255, 255)');
  await page.screenshot({ path: screenshotPath('lesson-handout-print.png'), fullPage: false });
  await steps.nth(3).scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('lesson-handout-print-step4.png') });
  await page.emulateMedia({ media: 'screen', colorScheme: 'light' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('leaving a lesson in the middle of a prediction uncovers the curves and shows the whole page again', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&lesson=caulking&step=4`);
  await page.waitForSelector('#lesson-guess');
  assert.equal(await page.isVisible('#exp-run'), false);
  await page.click('#lesson-leave');
  await page.waitForFunction(() => document.getElementById('lesson').hidden);
  assert.doesNotMatch(await hash(page), /lesson=/);
  assert.equal(await page.isVisible('#exp-run'), true);
  assert.equal(await page.isVisible('#theory'), true);
  assert.equal(await page.isVisible('header'), true);
  assert.equal(await page.locator('.veiled, [inert]').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
