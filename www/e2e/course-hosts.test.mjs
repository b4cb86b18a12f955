// End-to-end: the README's snippets for course tools, tried as written. reveal.js 6 (from
// npm) loads the embed only when its slide is shown; MyST's own parser reads the iframe
// directive with the URL intact; an LMS page that allows no script at all still shows the
// figure at the iframe's height; a Quarto document rendered by pandoc (as Quarto renders it)
// sizes its frame with the resize snippet.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { mystParse } from 'myst-parser';
import { defaultDirectives } from 'myst-directives';
import { useApp, screenshotPath } from './harness.mjs';
import { closeCoursePages, coursePage, readmeBlock } from './course-page.mjs';

const app = useApp();
after(closeCoursePages);
const require = createRequire(import.meta.url);
// The UMD build ("require" in reveal.js's exports) and its style sheets sit in one folder.
const revealDist = path.dirname(require.resolve('reveal.js'));

test('reveal.js: the README slide loads its embed only when the slide is shown', async () => {
  const slide = readmeBlock('snippet:revealjs', app.url);
  const { page, problems, close } = await coursePage(app.context, {
    'index.html': `<!doctype html><html><head><meta charset="utf-8"><title>Week 3 slides</title>
      <link rel="stylesheet" href="reveal.css"><link rel="stylesheet" href="white.css"></head>
      <body><div class="reveal"><div class="slides">
        <section><h1>Week 3</h1><p>Caulking</p></section>
        ${slide}
        <section><h2>Questions</h2></section>
        <section><h2>More</h2></section>
        <section><h2>End</h2></section>
      </div></div>
      <script src="reveal.js"></script>
      <script>Reveal.initialize({ hash: false, viewDistance: 1, transition: 'none' }).then(() => { window.deckReady = true; });</script>
      </body></html>`,
    'reveal.js': { copy: path.join(revealDist, 'reveal.js') },
    'reveal.css': { copy: path.join(revealDist, 'reveal.css') },
    'white.css': { copy: path.join(revealDist, 'theme', 'white.css') },
  });
  await page.waitForFunction(() => window.deckReady === true);
  await page.waitForTimeout(1000);
  // On the title slide (viewDistance 1: the next slide is not preloaded) the frame has no src.
  assert.equal(await page.$eval('iframe', (f) => f.getAttribute('src')), null);
  assert.equal(page.frames().some((f) => /embed\.html/.test(f.url())), false);
  await page.evaluate(() => window.Reveal.next());
  const frame = page.frameLocator('iframe');
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('#plot svg').count(), 1);
  assert.equal(await frame.locator('#controls input[type="range"]').count(), 1, 'show=alpha gives one slider');
  // The README's fixed height holds the whole figure, its control included: nothing is cut.
  const embed = page.frame({ url: /embed\.html/ });
  const [content, height] = [await embed.evaluate(() => document.documentElement.scrollHeight), await page.$eval('iframe', (f) => f.height)];
  assert.ok(content <= Number(height), `content ${content} px in a ${height} px frame`);
  // ... and the slide holds the frame: its bottom is on screen.
  const bottom = await page.$eval('iframe', (f) => f.getBoundingClientRect().bottom);
  assert.ok(bottom <= (await page.evaluate(() => innerHeight)), `the frame ends at ${bottom} px, below the slide`);
  await page.screenshot({ path: screenshotPath('course-revealjs.png') });
  assert.deepEqual(problems, []);
  await close();
});

test('MyST: the README directive parses into an iframe with the URL unchanged', () => {
  const block = readmeBlock('snippet:myst', app.url);
  const tree = mystParse(block, { directives: defaultDirectives });
  const found = [];
  const walk = (n) => {
    if (n.type === 'iframe') found.push(n);
    for (const c of n.children ?? []) walk(c);
  };
  walk(tree);
  assert.equal(found.length, 1, JSON.stringify(tree));
  assert.equal(found[0].src, `${app.url}embed.html#v=1&view=theory&show=alpha,d`);
  assert.equal(found[0].width, '100%');
});

test('LMS pages that allow only an iframe: no script in the parent, the figure at the frame height', async () => {
  const iframe = readmeBlock('snippet:lms', app.url);
  const { page, problems, close } = await coursePage(app.context, {
    'index.html': `<!doctype html><html><head><meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="script-src 'none'">
      <title>Moodle page</title></head><body><main style="max-width:800px;margin:auto"><h1>Week 3: measured curves</h1>${iframe}</main></body></html>`,
  });
  const frame = page.frameLocator('iframe');
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  await page.frame({ url: /embed\.html/ }).waitForFunction(() => document.getElementById('experiment')?.dataset.state === 'baked', null, { timeout: 30_000 });
  const height = await page.$eval('iframe', (f) => Math.round(f.getBoundingClientRect().height));
  assert.equal(String(height), await page.$eval('iframe', (f) => f.height));
  // In an 800 px course column the README's fixed height holds the figure, its caption and the
  // Run button: nothing is cut, once the layout has settled (the estimate's line arrives late).
  const embed = page.frame({ url: /embed\.html/ });
  await embed.waitForFunction((h) => document.documentElement.scrollHeight <= h, height, { timeout: 5_000 }).catch(() => {});
  const content = await embed.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(content <= height, `content ${content} px in a ${height} px frame`);
  assert.ok((await frame.locator('#experiment svg').count()) > 0);
  await page.screenshot({ path: screenshotPath('course-lms.png') });
  assert.deepEqual(problems, []);
  await close();
});

/** The pandoc to render with: CAULK_PANDOC, else `pandoc` on the PATH (scripts/setup.sh installs it). */
function findPandoc() {
  if (process.env.CAULK_PANDOC) return process.env.CAULK_PANDOC;
  try {
    execFileSync('pandoc', ['--version'], { stdio: 'ignore' });
    return 'pandoc';
  } catch {
    return null;
  }
}
const pandoc = findPandoc();
test('Quarto: the README document, rendered by pandoc, sizes its frame with the snippet', async () => {
  assert.ok(pandoc, 'no pandoc: run scripts/setup.sh (it installs one)');
  const qmd = readmeBlock('snippet:quarto', app.url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caulk-quarto-'));
  fs.writeFileSync(path.join(dir, 'week3.qmd'), qmd);
  fs.writeFileSync(path.join(dir, 'caulk-resize.html'), readmeBlock('resize-snippet'));
  // Quarto hands `include-after-body` from the front matter to pandoc as this option.
  const after = qmd.match(/^include-after-body: (.+)$/m)[1];
  execFileSync(pandoc, ['--standalone', '--from=markdown', '--to=html5', `--include-after-body=${path.join(dir, after)}`,
    path.join(dir, 'week3.qmd'), '-o', path.join(dir, 'index.html')]);
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  const { page, problems, close } = await coursePage(app.context, { 'index.html': html });
  const frame = page.frameLocator('iframe');
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  const content = () => page.frame({ url: /embed\.html/ }).evaluate(() => document.documentElement.scrollHeight);
  await page.waitForFunction(() => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - 440) > 5, null, { timeout: 10_000 });
  const h = await page.$eval('iframe', (f) => f.getBoundingClientRect().height);
  assert.ok(Math.abs(h - (await content())) <= 2, `frame ${h} px`);
  await page.screenshot({ path: screenshotPath('course-quarto.png') });
  assert.deepEqual(problems, []);
  await close();
});
