// Ad-hoc screenshots for a developer: node www/e2e/shot.mjs '<fragment>' name [width height] [scrollSelector]
// (SHOT_WAIT_MS: how long the page runs before the shot, 2500 by default; SHOT_LIVE=auto: the
// Live switch as a visitor gets it, instead of off).
// A fragment that starts with a page ('embed.html#v=1&…') opens that page instead of the app.
import { withBrowser, openApp } from './harness.mjs';
const [fragment, name, w = '1280', h = '800', sel] = process.argv.slice(2);
await withBrowser({ webgpu: false }, async ({ server, browser }) => {
  const target = /^[a-z-]+\.html#/.test(fragment) ? `${server.url}${fragment}` : `${server.url}#${fragment}`;
  const { page, problems } = await openApp(browser.context, target, { live: process.env.SHOT_LIVE === 'auto' ? 'auto' : false });
  await page.setViewportSize({ width: Number(w), height: Number(h) });
  await page.waitForTimeout(Number(process.env.SHOT_WAIT_MS ?? 2500));
  if (sel) await page.locator(sel).first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `/tmp/shots/${name}.png` });
  console.log('problems', problems);
});
