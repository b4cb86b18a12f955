// End-to-end: embeds that fit. In a cross-origin parent page (another origin than the app's),
// the README's snippet sizes the iframe to the embed's content and ignores messages that are
// not its frames' resizes; the embed itself ignores what the parent posts; an embed below the
// fold starts no work until it is scrolled into view; the site has oembed.json and Open Graph
// tags.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshotPath } from './harness.mjs';
import { closeCoursePages, coursePage as openCoursePage, readmeBlock } from './course-page.mjs';

const app = useApp();
after(closeCoursePages);

/** The parent snippet exactly as the README documents it. */
const snippet = () => readmeBlock('resize-snippet');

/** A course page at another origin than the app's, with the README's snippet unless told. */
function coursePage(body, { withSnippet = true } = {}) {
  return openCoursePage(app.context, {
    'index.html': `<!doctype html><html><head><title>course</title></head><body>${body}${withSnippet ? snippet() : ''}</body></html>`,
  });
}

const frameHeight = (page, sel) => page.$eval(sel, (f) => f.getBoundingClientRect().height);

test('the README snippet sizes a cross-origin embed to its content, and foreign messages change nothing', async () => {
  const src = `${app.url}embed.html#v=1&alpha=0.7&d=5&show=alpha,d`;
  const { page, problems, close } = await coursePage(`
    <h1>Week 3</h1>
    <iframe id="fig" src="${src}" width="600" height="150" style="border:0;display:block" sandbox="allow-scripts allow-same-origin"></iframe>`);
  const frame = page.frameLocator('#fig');
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  // The frame grows from 150 px to its content's height, which holds the plot and both controls.
  await page.waitForFunction(() => document.getElementById('fig').getBoundingClientRect().height > 300, null, { timeout: 10_000 });
  const content = await page.frame({ url: /embed\.html/ }).evaluate(() => document.documentElement.scrollHeight);
  const h = await frameHeight(page, '#fig');
  assert.ok(Math.abs(h - content) <= 2, `frame ${h} px, content ${content} px`);
  // Look-alike messages that do not come from one of the page's frames, or are not a
  // resize, or carry no sane height, are ignored by the snippet.
  await page.evaluate(() => {
    window.postMessage({ source: 'caulk-lab', type: 'resize', height: 9999 }, '*');
    window.postMessage({ source: 'other-widget', type: 'resize', height: 9999 }, '*');
  });
  await page.frame({ url: /embed\.html/ }).evaluate(() => {
    parent.postMessage({ source: 'caulk-lab', type: 'resize', height: 'tall' }, '*');
    parent.postMessage({ source: 'caulk-lab', type: 'resize', height: 1e9 }, '*');
    parent.postMessage({ type: 'resize', height: 20 }, '*');
  });
  await page.waitForTimeout(300);
  assert.equal(await frameHeight(page, '#fig'), h);
  // Junk and look-alike messages posted into the embed change nothing there.
  const before = await frame.locator('#plot').innerHTML();
  await page.evaluate(() => {
    const w = document.getElementById('fig').contentWindow;
    w.postMessage('hello', '*');
    w.postMessage({ source: 'caulk-lab', type: 'resize', height: 5 }, '*');
    w.postMessage({ subject: 'lti.frameResize', height: 5 }, '*');
  });
  await page.waitForTimeout(300);
  assert.equal(await frame.locator('#plot').innerHTML(), before);
  await page.screenshot({ path: screenshotPath('embed-fit-parent.png') });
  assert.deepEqual(problems, []);
  await close();
});

test('Canvas-style hosts get lti.frameResize, and an embed below the fold starts only once it is seen', async () => {
  const src = `${app.url}embed.html#v=1&view=theory`;
  const { page, close } = await coursePage(
    `<div style="height:3000px">slides above</div><iframe id="late" src="${src}" width="600" height="400" sandbox="allow-scripts allow-same-origin"></iframe>
     <script>window.lti = []; addEventListener('message', (e) => { if (e.data && e.data.subject === 'lti.frameResize') lti.push(e.data.height); });</script>`,
    { withSnippet: false },
  );
  const frame = page.frameLocator('#late');
  await page.waitForTimeout(2000);
  // Not visible: the page loaded, but no figure work has started.
  const embed = page.frame({ url: /embed\.html/ });
  assert.ok(embed, 'the frame loaded');
  assert.equal(await embed.evaluate(() => document.body.dataset.ready ?? null), null);
  assert.equal(await embed.evaluate(() => document.querySelector('#plot svg') !== null), false);
  await page.locator('#late').scrollIntoViewIfNeeded();
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('#plot svg').count(), 1);
  await page.waitForFunction(() => window.lti.length > 0 && window.lti.every((h) => typeof h === 'number' && h > 0));
  await close();
});

test('the site describes itself to link previews and oEmbed consumers', async () => {
  const page = await app.context.newPage();
  await page.goto(app.url);
  const meta = (p) => page.getAttribute(`meta[property="${p}"]`, 'content');
  assert.match(await meta('og:title'), /Caulk Lab/);
  assert.ok((await meta('og:description')).length > 40);
  const image = await meta('og:image');
  const img = await page.request.get(new URL(image, app.url).href);
  assert.equal(img.status(), 200);
  assert.equal(img.headers()['content-type'], 'image/png');
  const href = await page.getAttribute('link[type="application/json+oembed"]', 'href');
  const oembed = await (await page.request.get(new URL(href, app.url).href)).json();
  assert.equal(oembed.version, '1.0');
  assert.equal(oembed.type, 'rich');
  assert.match(oembed.html, /^<iframe src="[^"]*embed\.html#v=1&view=theory/);
  await page.close();
});

test('"Copy embed code" copies an iframe of the current figure', async () => {
  const page = await app.context.newPage();
  await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url.replace(/\/$/, '') });
  await page.goto(`${app.url}#v=1&preset=limit&d=4`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#export-embed');
  await page.waitForFunction(() => /Embed code copied/.test(document.getElementById('export-status')?.textContent ?? ''));
  const code = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\.html#v=2&preset=limit&seed=1&d=4&.*&view=experiment&/);
  assert.match(code, /title="Caulk Lab: measured learning curves"/);
  await page.close();
});
