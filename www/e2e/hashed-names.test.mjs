// End-to-end: the build's scripts, wasm and style sheet carry content-hashed names
// (scripts/web-assets.py), so no cache can pair one build's JavaScript with another's wasm.
// files.json maps each plain name to its hashed one; the pages ask only for hashed names
// (besides the addresses that stay put: the pages, caulk-lab.js, lessons, baked results), and
// the server keeps hashed files for a year.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DIST, withBrowser } from './harness.mjs';

const files = JSON.parse(fs.readFileSync(path.join(DIST, 'files.json'), 'utf8'));

/** RFC 4648 base 32 of `bytes`, the first `n` characters (the build's hash). */
function base32(bytes, n) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i + 5 <= bits.length && out.length < n; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

test('files.json names every hashed file, and a copied file is named by its content', () => {
  assert.deepEqual(Object.keys(files).sort(), ['app.js', 'bench.js', 'caulk_bg.wasm', 'caulk_relaxed_bg.wasm', 'embed.js', 'style.css', 'worker.js']);
  for (const [plain, hashed] of Object.entries(files)) {
    const stem = plain.slice(0, plain.lastIndexOf('.'));
    const ext = plain.slice(plain.lastIndexOf('.'));
    assert.match(hashed, new RegExp(`^${stem}-[A-Z2-7]{8}\\${ext}$`), plain);
    assert.ok(fs.existsSync(path.join(DIST, hashed)), `${hashed} missing`);
    assert.ok(!fs.existsSync(path.join(DIST, plain)), `a stale ${plain} lingers`);
  }
  // The wasm and the style sheet are hashed by this build's own digest of their bytes.
  for (const plain of ['caulk_bg.wasm', 'caulk_relaxed_bg.wasm', 'style.css']) {
    const digest = base32(crypto.createHash('sha256').update(fs.readFileSync(path.join(DIST, files[plain]))).digest(), 8);
    assert.ok(files[plain].includes(`-${digest}.`), `${files[plain]} is not named by its content (${digest})`);
  }
  // The worker names the wasm files it loads; the pages' scripts name the worker.
  const worker = fs.readFileSync(path.join(DIST, files['worker.js']), 'utf8');
  assert.ok(worker.includes(files['caulk_bg.wasm']) && worker.includes(files['caulk_relaxed_bg.wasm']));
  for (const script of ['app.js', 'embed.js']) {
    assert.ok(fs.readFileSync(path.join(DIST, files[script]), 'utf8').includes(files['worker.js']), `${script} does not name the worker`);
  }
});

test('the app and the embed ask only for hashed scripts, wasm and styles, kept for a year', async () => {
  await withBrowser({ webgpu: false }, async ({ server, browser }) => {
    const page = await browser.context.newPage();
    const asked = new Map();
    page.on('response', (r) => asked.set(new URL(r.url()).pathname, { status: r.status(), cache: r.headers()['cache-control'] }));
    for (const url of [`${server.url}#v=1&preset=limit&seeds=2&n=64,128&backend=cpu`, `${server.url}embed.html#v=1&view=experiment&preset=limit`]) {
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]');
    }
    // A CPU run: the worker and its wasm load too.
    await page.goto(`${server.url}#v=1&preset=limit&seeds=2&n=64,128&backend=cpu`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('#exp-run');
    await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'done', null, { timeout: 120_000 });
    const code = [...asked.keys()].filter((p) => /\.(js|wasm|css)$/.test(p) && !p.startsWith('/katex/'));
    const stable = ['/caulk-lab.js'];
    for (const p of code.filter((p) => !stable.includes(p))) {
      assert.match(p, /^\/[a-z_-]+-[A-Z2-7]{8}\.(js|wasm|css)$/, `${p} is not a hashed name`);
      assert.equal(asked.get(p).status, 200, p);
      assert.equal(asked.get(p).cache, 'public, max-age=31536000, immutable', p);
    }
    for (const plain of ['app.js', 'embed.js', 'worker.js', 'style.css']) assert.ok(code.includes(`/${files[plain]}`), `${plain} not loaded`);
    assert.ok(code.includes(`/${files['caulk_bg.wasm']}`) || code.includes(`/${files['caulk_relaxed_bg.wasm']}`), 'no wasm loaded');
    assert.equal(asked.get('/index.html')?.cache ?? asked.get('/')?.cache, 'no-cache');
    await page.close();
  });
});
