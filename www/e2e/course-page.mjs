// Course pages for the embed tests: a parent page at another origin than the app's, and the
// README's snippets exactly as documented.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { serveFolder } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The fenced block that follows `<!-- marker -->` in the README, without its list indent;
 * `host` replaces the placeholder `https://YOUR-HOST/`.
 */
export function readmeBlock(marker, host = 'https://YOUR-HOST/') {
  const readme = fs.readFileSync(path.join(here, '..', '..', 'README.md'), 'utf8');
  const m = readme.match(new RegExp(`<!-- ${marker} -->\\n( *)(\`{3,})[a-z]*\\n([\\s\\S]*?)\\n\\1\\2\\n`));
  assert.ok(m, `README has the block marked ${marker}`);
  const indent = m[1];
  const body = m[3].split('\n').map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n');
  return `${body.replaceAll('https://YOUR-HOST/', host)}\n`;
}

/** The course pages not closed yet (a failed test leaves its page open). */
const open = new Set();

/** Closes every course page still open: a test file's `after` hook, so that a failure never hangs the run. */
export async function closeCoursePages() {
  for (const close of [...open]) await close();
}

/**
 * Serves `files` (name -> text, or {copy: path}) from a second server on loopback, addressed
 * as localhost (the app is at 127.0.0.1): the two are cross-origin, while Chromium's local
 * network checks see one address space. Opens `index.html` in a new page of `context`.
 */
export async function coursePage(context, files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caulk-course-'));
  for (const [name, content] of Object.entries(files)) {
    const to = path.join(dir, name);
    if (typeof content === 'string') fs.writeFileSync(to, content);
    else fs.copyFileSync(content.copy, to);
  }
  const server = await serveFolder(dir);
  const url = server.url.replace('127.0.0.1', 'localhost');
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${url}index.html`);
  const close = async () => {
    if (!open.delete(close)) return;
    await page.close().catch(() => {});
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  open.add(close);
  return { page, problems, close, url };
}
