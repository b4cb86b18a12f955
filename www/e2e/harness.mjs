// Shared setup of the end-to-end tests: the built app (www/dist) served on a free loopback
// port in process, and Debian's Chromium driven by playwright-core (never a downloaded
// browser). WebGPU is on (SwiftShader) unless a test asks for the CPU fallback.

import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { createServer, listen } from '../serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// CAULK_DIST: another build to test (scripts/build-web.sh with CAULK_DIST_DIR).
export const DIST = process.env.CAULK_DIST ?? path.join(here, '..', 'dist');
export const ARTIFACTS = path.join(here, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Serve the folder `root` on loopback (a free port); resolves to { url, close }. */
export async function serveFolder(root) {
  const server = createServer(root);
  const url = await listen(server, '127.0.0.1', 0);
  const close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  };
  return { url, close };
}

/** Serve www/dist; resolves to { url, close }. */
export async function serveDist() {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html is missing: run scripts/build-web.sh first`);
  }
  return serveFolder(DIST);
}

/**
 * Launch Chromium headless with a fresh profile; `webgpu: false` leaves WebGPU off. The
 * page's service worker is blocked (tests see every request, and can intercept them) unless
 * `serviceWorkers: 'allow'` (the offline test).
 */
export async function launch({ webgpu = true, serviceWorkers = 'block' } = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt install chromium)`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caulk-e2e-'));
  const args = [
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1280, height: 900 },
    serviceWorkers,
  });
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

/**
 * For benchmark scripts: serve www/dist and launch Chromium (WebGPU as `webgpu` says), run
 * `fn({ server, browser })`, and close both whatever happens.
 */
export async function withBrowser({ webgpu }, fn) {
  const server = await serveDist();
  const browser = await launch({ webgpu });
  try {
    return await fn({ server, browser });
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * Open `url` in a new page that records CSP violations, console errors and page errors;
 * waits until the app says it is ready. `live`: the experiment panel's Live switch at load
 * (false by default, so that a test drives runs with Run; 'auto' leaves the page's default:
 * on when the estimate is within 10 s).
 */
export async function openApp(context, url, { live = false } = {}) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  if (live !== 'auto') await page.addInitScript((on) => (window.caulkLive = on), live);
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, problems };
}

/** The device line once the probe has finished. */
export async function deviceLine(page) {
  await page.waitForFunction(() => document.getElementById('device')?.dataset.gpu !== 'unknown', null, {
    timeout: 30_000,
  });
  return page.textContent('#device');
}

export function screenshotPath(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/**
 * Per test file: serve the app and launch a WebGPU-enabled Chromium before its tests, close
 * both after. Returns an object whose `url` and `context` are set once `before` has run.
 */
export function useApp() {
  const app = { url: '', context: null };
  let server;
  let browser;
  before(async () => {
    server = await serveDist();
    browser = await launch({ webgpu: true });
    app.url = server.url;
    app.context = browser.context;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return app;
}
