// End-to-end: an axe-core WCAG 2.1 AA scan (axe-core from npm, injected by evaluation so the
// page's CSP stays as it is) of the app, a lesson step and the digits preset at 1280 and
// 390 px: no serious or critical violation. (The ε line's slider sits over its chart, not in
// it: a control inside the chart's role=img svg was "nested-interactive".)

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp } from './harness.mjs';

const app = useApp();
const axe = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

for (const [width, height] of [[1280, 800], [390, 844]]) {
  for (const fragment of ['v=1&preset=headline', 'v=1&lesson=caulking&step=4', 'v=1&preset=digits']) {
    test(`axe at ${width} px: ${fragment}`, async () => {
      const { page, problems } = await openApp(app.context, `${app.url}#${fragment}`);
      await page.setViewportSize({ width, height });
      await page.waitForFunction(() => ['baked', 'idle'].includes(document.getElementById('experiment')?.dataset.state ?? ''), null, { timeout: 15_000 });
      await page.evaluate(axe);
      const violations = await page.evaluate(async () =>
        (await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => ({ html: n.html.slice(0, 80), target: n.target.join(' ') })) })),
      );
      assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), []);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
}
