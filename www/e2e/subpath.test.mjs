// End-to-end: the built site works from any sub-path of any static host, as it will on
// GitHub Pages or a course server: served under /courses/caulk/, a lesson step with baked
// curves, a link with your own curves and the embed all load with zero 404s and zero CSP
// violations, and a CPU run finishes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, launch, serveFolder } from './harness.mjs';

let server;
let browser;
let root;
let base;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'caulk-subpath-'));
  fs.mkdirSync(path.join(root, 'courses'));
  fs.symlinkSync(DIST, path.join(root, 'courses', 'caulk'));
  server = await serveFolder(root);
  base = `${server.url}courses/caulk/`;
  browser = await launch({ webgpu: false });
});

after(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Open `url`, recording every failed response and CSP violation. */
async function open(url) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, problems };
}

test('under /courses/caulk/: a lesson step, its baked curves, a CPU run and the embed, with no 404 and no CSP violation', async () => {
  const { page, problems } = await open(`${base}#v=1&lesson=caulking&step=4`);
  await page.waitForSelector('#lesson-step-title:has-text("Better pre-training")');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 15_000 });
  // A CPU run in a worker (wasm, worker script and baked index all resolved under the sub-path).
  await page.evaluate(() => (location.hash = '#v=1&preset=limit&seeds=2&n=64,128,256,512&backend=cpu'));
  await page.waitForFunction(() => !document.getElementById('lesson') || document.getElementById('lesson').hidden);
  await page.click('#exp-run');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'done', null, { timeout: 120_000 });
  assert.deepEqual(problems, []);
  await page.close();
  const embed = await open(`${base}embed.html#v=1&view=theory&show=d`);
  assert.equal(await embed.page.locator('#plot svg').count(), 1);
  assert.deepEqual(embed.problems, []);
  await embed.page.close();
});
