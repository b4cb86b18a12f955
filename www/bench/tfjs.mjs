// Benchmark (not a test): a training step in Caulk Lab's wasm against TensorFlow.js's wasm
// backend (trainOnBatch) on the same MLP, same page, same optimizer (see tfjs-page.ts).
// Bundles the comparison page into www/dist/tfjs/ (TF.js and its wasm files from npm,
// served locally), opens it in headless Chromium, prints JSON.
// Usage: node www/bench/tfjs.mjs [seconds of TF.js training, default 3]

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withBrowser, DIST } from '../e2e/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const www = path.join(here, '..');
const out = path.join(DIST, 'tfjs');
fs.mkdirSync(out, { recursive: true });
execFileSync(path.join(www, 'node_modules/.bin/esbuild'), [
  path.join(here, 'tfjs-page.ts'), '--bundle', '--format=esm', '--target=es2022', '--minify',
  `--outfile=${path.join(out, 'tfjs-page.js')}`, '--log-level=warning',
], { stdio: 'inherit' });
const wasmDir = path.join(www, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, f), path.join(out, f));
fs.writeFileSync(path.join(out, 'index.html'), `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; worker-src 'self'; connect-src 'self'">
<script type="module" src="tfjs-page.js"></script></head><body>TF.js comparison</body></html>`);

const seconds = Number(process.argv[2] ?? 3);
await withBrowser({ webgpu: false }, async ({ server, browser }) => {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') console.error('console', m.text());
  });
  await page.goto(`${server.url}tfjs/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const r = await page.evaluate((s) => window.caulkTfjs(s), seconds);
  console.log(JSON.stringify({ bench: 'training-step-vs-tfjs', chromium: browser.context.browser()?.version(), ...r }, null, 2));
});
