// End-to-end: your own curves. A table of measured points imported from a file is drawn with
// the bounds as the app's curves are (fitted slopes, n_ε, the calibrated theory line, the
// claim), travels in the link when small, and a bad row is named by row and column with the
// page left as it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshotPath } from './harness.mjs';

const app = useApp();

/** A lab's LoRA runs at two m: error = floor(m) + 0.6·n^(−0.5). */
function table() {
  let csv = 'method,m,n,error\n';
  for (const [m, floor] of [[1000, 0.012], [10000, 0.004]]) {
    for (const n of [64, 256, 1024, 4096]) csv += `lora,${m},${n},${(floor + 0.6 * n ** -0.5).toPrecision(4)}\n`;
  }
  return csv;
}

const file = (name, text) => ({ name, mimeType: name.endsWith('.json') ? 'application/json' : 'text/csv', buffer: Buffer.from(text) });

test('an imported table is drawn and summarised as the app draws its own curves, and the link carries it', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&preset=headline&alpha=0.8&beta=0.8&eps=0.02`);
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 10_000 });
  await page.setInputFiles('#import-file', file('lab-lora.csv', table()));
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'imported');
  assert.match(await page.textContent('#import-status'), /^lab-lora\.csv: 8 rows imported; the link now carries them\./);
  assert.match(await page.evaluate(() => location.hash), /&table=lora\*1000\*64:0\.087,256:0\.0495,/);
  // Two curves, their slopes in the legend, the limit rate calibrated to them, the caulk_m fit per m.
  assert.equal(await page.locator('#exp-plot path.series[data-id="m-lora"]').count(), 2);
  const legend = await page.textContent('#exp-plot .legend');
  assert.match(legend, /yours: lora \(m = 1000\)\s+−0\.\d{3}/);
  assert.match(legend, /limit −0\.561 \(m → ∞\), C of the floor fit/);
  const summary = await page.textContent('#exp-summary');
  assert.match(summary, /yours: lora \(m = 10000\): fitted slope −0\.\d{3} \(95 % CI −0\.\d{3} to −0\.\d{3}\); limit \(m → ∞\) −0\.561; n_ε ≈ \d/);
  assert.match(summary, /These are your numbers/);
  // The claim's n_ε against m is drawn from them.
  assert.ok((await page.locator('#claim-neps svg .series').count()) > 0);
  await page.locator('#exp-plot').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('own-curves-1280.png') });
  // A reload (the link alone) draws the same curves with no file.
  const before = summary;
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'imported');
  assert.equal(await page.textContent('#exp-summary'), before);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#exp-plot').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('own-curves-390.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  // Clearing them brings the preset's baked curves back.
  await page.click('#import-clear');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 10_000 });
  assert.doesNotMatch(await page.evaluate(() => location.hash), /table=/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a table with a bad row gets one line naming the row and column, and the page stays as it was', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&preset=headline&d=4`);
  await page.waitForSelector('#plot svg');
  const hashBefore = await page.evaluate(() => location.hash);
  const stateBefore = await page.evaluate(() => document.getElementById('experiment')?.dataset.state);
  const plotBefore = await page.innerHTML('#plot');
  const bad = 'method,m,n,error\nlora,1000,64,0.08\nlora,1000,256,-0.04\n';
  await page.setInputFiles('#import-file', file('bad.csv', bad));
  await page.waitForFunction(() => /bad\.csv/.test(document.getElementById('import-status')?.textContent ?? ''));
  assert.equal(
    await page.textContent('#import-status'),
    'bad.csv: row 2, column `error`: `-0.04` is not a number above 0 (errors are drawn on a log scale)',
  );
  assert.equal(await page.evaluate(() => location.hash), hashBefore);
  assert.equal(await page.evaluate(() => document.getElementById('experiment')?.dataset.state), stateBefore);
  assert.equal(await page.innerHTML('#plot'), plotBefore);
  // JSON too, and an unknown column.
  await page.setInputFiles('#import-file', file('bad.json', '[{"method": "lora", "n": 64, "error": 0.1, "seed": 3}]'));
  await page.waitForFunction(() => /bad\.json/.test(document.getElementById('import-status')?.textContent ?? ''));
  assert.match(await page.textContent('#import-status'), /^bad\.json: row 1, column `seed`: unknown \(known: method, m, n, error, lo, hi\)/);
  assert.equal(await page.evaluate(() => location.hash), hashBefore);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a table too large for a link is drawn for this session and says to share the file', async () => {
  const { page, problems } = await openApp(app.context, `${app.url}#v=1&preset=headline`);
  await page.waitForSelector('#plot svg');
  let csv = 'method,m,n,error,lo,hi\n';
  for (let s = 0; s < 400; s++) {
    const n = 16 + s * 7;
    const e = 0.5 * n ** -0.4;
    csv += `caulk-adapter,1000,${n},${e.toPrecision(4)},${(e * 0.9).toPrecision(4)},${(e * 1.1).toPrecision(4)}\n`;
  }
  await page.setInputFiles('#import-file', file('big.csv', csv));
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'imported');
  assert.match(await page.textContent('#import-status'), /^big\.csv: 400 rows imported\. Too large for a link \(the link would be \d+ characters, over the \d+ a link may hold\): share the file/);
  assert.doesNotMatch(await page.evaluate(() => location.hash), /table=/);
  assert.match(await page.textContent('#exp-summary'), /yours: caulk-adapter \(m = 1000\): fitted slope −0\.4/);
  assert.deepEqual(problems, []);
  await page.close();
});
