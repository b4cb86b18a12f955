// End-to-end: wasm-opt changes no number. The build runs binaryen's wasm-opt -O3 over both
// wasm builds (wasm-pack.toml, scripts/build-web.sh); here the same sweeps run in Chromium
// once with wasm-bindgen's output (www/pkg, target/relaxed/pkg) and once with the optimized
// module the site ships, and every number of the results must be the same to the bit.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, launch, serveFolder } from './harness.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const files = JSON.parse(fs.readFileSync(path.join(DIST, 'files.json'), 'utf8'));
// Each pair: the module before wasm-opt, the module the site ships.
const PAIRS = {
  plain: [path.join(root, 'www/pkg/caulk_bg.wasm'), path.join(DIST, files['caulk_bg.wasm'])],
  relaxed: [path.join(root, 'target/relaxed/pkg/caulk_bg.wasm'), path.join(DIST, files['caulk_relaxed_bg.wasm'])],
};
const SWEEPS = ['v=1&preset=limit&seeds=2&n=64,128,256&backend=cpu', 'v=1&preset=peft&seeds=1&backend=cpu', 'v=1&preset=digits&seeds=1&backend=cpu'];

let dir;
let server;
let browser;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caulk-wasm-opt-'));
  fs.copyFileSync(path.join(root, 'www/pkg/caulk.js'), path.join(dir, 'caulk.js'));
  fs.cpSync(path.join(root, 'www/pkg/snippets'), path.join(dir, 'snippets'), { recursive: true });
  for (const [name, [before, shipped]] of Object.entries(PAIRS)) {
    fs.copyFileSync(before, path.join(dir, `${name}-before.wasm`));
    fs.copyFileSync(shipped, path.join(dir, `${name}-shipped.wasm`));
  }
  // The run's JSON without what the clock decides (wall times, measured rates).
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"></head><body>wasm-opt check
<script type="module">
window.runWith = async (wasm, fragment) => {
  const mod = await import('./caulk.js?' + wasm);
  await mod.default({ module_or_path: new URL(wasm, location.href) });
  const r = await mod.run_experiment(fragment, () => {}, () => {}, () => null, 0, 0, null, null);
  return JSON.stringify(r, (k, v) => (/wall|seconds|_ms$|rates|elapsed/i.test(k) ? undefined : v));
};
document.body.dataset.ready = 'true';
</script></body></html>`);
  server = await serveFolder(dir);
  browser = await launch({ webgpu: false });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

for (const name of Object.keys(PAIRS)) {
  test(`the shipped ${name} module computes every preset's numbers exactly as before wasm-opt`, async () => {
    const sizes = PAIRS[name].map((f) => fs.statSync(f).size);
    assert.ok(sizes[1] <= sizes[0], `the shipped module (${sizes[1]} bytes) is larger than before (${sizes[0]})`);
    for (const fragment of SWEEPS) {
      const out = [];
      for (const which of ['before', 'shipped']) {
        // A fresh page each: one module instance per page.
        const page = await browser.context.newPage();
        await page.goto(server.url);
        await page.waitForSelector('body[data-ready="true"]');
        out.push(await page.evaluate(([w, f]) => window.runWith(w, f), [`${name}-${which}.wasm`, fragment]));
        await page.close();
      }
      assert.ok(out[0].length > 500, `${fragment}: no results`);
      assert.equal(out[1], out[0], `${fragment}: the optimized ${name} module's numbers differ`);
    }
  });
}
