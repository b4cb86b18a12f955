// The core path in browsers other than Chromium, through W3C WebDriver (plain HTTP, no client
// library): Firefox ESR (geckodriver, headless) or WebKitGTK (WebKitWebDriver driving its
// MiniBrowser, under xvfb-run), chosen by CAULK_BROWSER=firefox|webkit. Load the page, restore
// a link, show the compute device (the CPU path and why, where there is no WebGPU), finish a
// CPU run, export its results, open a lesson step with its baked curves.
// scripts/test.sh runs it for both; a browser or driver that is missing fails the run.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist } from '../e2e/harness.mjs';

const BROWSER = process.env.CAULK_BROWSER ?? 'firefox';

/** Where each browser's pieces are (Debian's packages; geckodriver from crates.io). */
function setup(port) {
  if (BROWSER === 'firefox') {
    const driver = process.env.GECKODRIVER ?? `${process.env.HOME}/.cargo/bin/geckodriver`;
    return {
      driver,
      args: ['--port', String(port)],
      capabilities: {
        browserName: 'firefox',
        'moz:firefoxOptions': {
          binary: '/usr/bin/firefox-esr',
          args: ['-headless'],
          prefs: {
            'app.update.enabled': false,
            'datareporting.policy.dataSubmissionEnabled': false,
            'toolkit.telemetry.enabled': false,
            'browser.shell.checkDefaultBrowser': false,
            'network.captive-portal-service.enabled': false,
            'browser.safebrowsing.malware.enabled': false,
            'browser.safebrowsing.phishing.enabled': false,
          },
        },
      },
    };
  }
  const mini = ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser'].find((p) => fs.existsSync(p));
  return {
    driver: '/usr/bin/WebKitWebDriver',
    args: [`--port=${port}`],
    capabilities: {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: mini ?? 'MiniBrowser-not-found', args: ['--automation'] },
    },
  };
}

let server;
let driver;
let base = '';
let session = '';

async function call(method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json).slice(0, 300)}`);
  return json.value;
}

const s = (path) => `/session/${session}${path}`;
const exec = (script, ...args) => call('POST', s('/execute/sync'), { script, args });
const go = (url) => call('POST', s('/url'), { url });

/** Poll `script` (returns truthy when done) every 200 ms for `ms`. */
async function until(script, ms, what) {
  const t0 = Date.now();
  for (;;) {
    const v = await exec(script);
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function click(css) {
  const el = await call('POST', s('/element'), { using: 'css selector', value: css });
  const id = Object.values(el)[0];
  await call('POST', s(`/element/${id}/click`), {});
}

before(async () => {
  server = await serveDist();
  const port = 4444 + Math.floor(Math.random() * 1000);
  const cfg = setup(port);
  assert.ok(fs.existsSync(cfg.driver), `${BROWSER}: no WebDriver at ${cfg.driver} (scripts/setup.sh installs it)`);
  driver = spawn(cfg.driver, cfg.args, { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}`;
  await until0(async () => (await fetch(`${base}/status`)).ok, 20_000, 'the WebDriver server');
  const made = await call('POST', '/session', { capabilities: { alwaysMatch: cfg.capabilities } });
  session = made.sessionId;
  await call('POST', s('/timeouts'), { script: 60_000, pageLoad: 60_000 });
});

/** Poll a Node-side check (the driver's /status before a session exists). */
async function until0(check, ms, what) {
  const t0 = Date.now();
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not up yet.
    }
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

after(async () => {
  if (session) await call('DELETE', s('')).catch(() => {});
  driver?.kill();
  await server?.close();
});

test(`${BROWSER}: the page loads and restores a link`, async () => {
  await go(`${server.url}#v=1&preset=limit&alpha=0.7&d=4`);
  await until('return document.body.dataset.ready === "true"', 60_000, 'the page');
  const hash = await exec('return location.hash');
  assert.match(hash, /preset=limit/);
  assert.match(hash, /&d=4&/);
  assert.match(hash, /&alpha=0.7&/);
  assert.equal(await exec('return document.querySelector("#controls input[name=d]").value'), '4');
  assert.equal(await exec('return document.querySelectorAll("#plot svg path.series").length > 0'), true);
});

test(`${BROWSER}: the compute device is named, and without WebGPU the CPU path says why`, async () => {
  const line = await until('const d = document.getElementById("device"); return d.dataset.gpu !== "unknown" && d.textContent', 60_000, 'the device probe');
  const gpu = await exec('return document.getElementById("device").dataset.gpu');
  if (gpu === 'false') assert.match(line, /CPU/, line);
  console.log(`# ${BROWSER} device: ${line}`);
});

test(`${BROWSER}: a CPU run finishes and its results export`, async () => {
  await go(`${server.url}#v=1&preset=limit&seeds=2&n=64,128,256,512&backend=cpu`);
  await until('return document.body.dataset.ready === "true"', 60_000, 'the page');
  await click('#exp-run');
  await until('return document.getElementById("experiment").dataset.state === "done"', 240_000, 'the run');
  const summary = await exec('return document.getElementById("exp-summary").textContent');
  assert.match(summary, /caulk-spline.*fitted slope/);
  await exec('window.__exported = []; const make = URL.createObjectURL; URL.createObjectURL = (b) => { window.__exported.push([b.type, b.size]); return make(b); };');
  await click('#export-json');
  const [type, size] = (await until('return window.__exported[0]', 10_000, 'the export'));
  assert.match(type, /json/);
  assert.ok(size > 500, `exported ${size} bytes`);
});

test(`${BROWSER}: a lesson step opens with its baked curves`, async () => {
  await go(`${server.url}#v=1&lesson=caulking&step=5`);
  await until('return document.body.dataset.ready === "true"', 60_000, 'the page');
  await until('const t = document.getElementById("lesson-step-title"); return t && /Fine-tuning methods/.test(t.textContent)', 30_000, 'the lesson step');
  await until('return document.getElementById("experiment").dataset.state === "baked"', 30_000, 'the baked curves');
  assert.equal(await exec('return document.querySelectorAll("#exp-plot path.series").length >= 7'), true);
});
