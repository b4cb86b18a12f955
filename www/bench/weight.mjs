// Benchmark (not a test): the bytes a first visit transfers, gzip-compressed (level 9, as a
// static host would serve them), without fonts; read from the requests headless Chromium
// actually makes when it opens the app (so the list is the real one) and the built files.
// Usage: node www/bench/weight.mjs. Prints JSON.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { withBrowser, DIST } from '../e2e/harness.mjs';

await withBrowser({ webgpu: false }, async ({ server, browser }) => {
  const page = await browser.context.newPage();
  const seen = new Set();
  page.on('request', (r) => seen.add(new URL(r.url()).pathname));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked');
  const files = [...seen].map((p) => (p.endsWith('/') ? `${p}index.html` : p)).sort();
  const rows = files.map((p) => {
    const raw = fs.readFileSync(path.join(DIST, p));
    const gz = zlib.gzipSync(raw, { level: 9 }).length;
    return { file: p, bytes: raw.length, gzip: gz, font: /\.(woff2?|ttf)$/.test(p) };
  });
  const app = rows.filter((r) => !r.font);
  const sum = (xs, k) => xs.reduce((a, r) => a + r[k], 0);
  console.log(JSON.stringify({
    bench: 'page-weight',
    files: rows,
    app_without_fonts: { bytes: sum(app, 'bytes'), gzip: sum(app, 'gzip') },
    fonts: { bytes: sum(rows.filter((r) => r.font), 'bytes') },
    wasm_bytes: fs.statSync(path.join(DIST, JSON.parse(fs.readFileSync(path.join(DIST, 'files.json'), 'utf8'))['caulk_bg.wasm'])).size,
  }, null, 2));
});
