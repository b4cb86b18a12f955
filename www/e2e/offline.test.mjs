// End-to-end: offline. After one visit (the service worker installed with the build's files
// in one versioned cache), with the network off: the page reloads, a lesson step draws its
// baked curves, and a CPU run finishes in a worker.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DIST, launch, serveDist, screenshotPath } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launch({ webgpu: false, serviceWorkers: 'allow' });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('after one visit the page, a lesson and a CPU run work with the network off', async () => {
  const { context } = browser;
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}#v=1&preset=limit`);
  await page.waitForSelector('body[data-ready="true"]');
  // The worker has installed the whole build and controls the page.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const cached = await page.evaluate(async () => {
    const keys = await caches.keys();
    const cache = await caches.open(keys.find((k) => k.startsWith('caulk-')));
    return { keys, files: (await cache.keys()).map((r) => new URL(r.url).pathname) };
  });
  assert.equal(cached.keys.filter((k) => k.startsWith('caulk-')).length, 1);
  // The hashed names of this build's scripts and wasm (files.json: plain name -> hashed).
  const hashed = JSON.parse(fs.readFileSync(path.join(DIST, 'files.json'), 'utf8'));
  for (const f of ['/index.html', `/${hashed['app.js']}`, `/${hashed['worker.js']}`, `/${hashed['caulk_bg.wasm']}`, '/lessons/caulking.json', '/baked/index.json']) {
    assert.ok(cached.files.includes(f), `${f} not precached`);
  }
  await context.setOffline(true);
  try {
    await page.goto(`${server.url}#v=1&lesson=caulking&step=5`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#lesson-step-title:has-text("Fine-tuning methods side by side")');
    await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 15_000 });
    // A CPU run, offline: the worker script and the wasm come from the cache.
    await page.evaluate(() => (location.hash = '#v=1&preset=limit&seeds=2&n=64,128,256,512&backend=cpu'));
    await page.waitForFunction(() => document.getElementById('lesson').hidden);
    await page.click('#exp-run');
    await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'done', null, { timeout: 120_000 });
    await page.screenshot({ path: screenshotPath('offline-run-1280.png') });
  } finally {
    await context.setOffline(false);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
