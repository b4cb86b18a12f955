// The notices of a parsed fragment, as the page and the embed show them: each error names its
// key and says what is used instead (the key's default; every default when the fragment as a
// whole was refused: too long, or another version), then the warnings.

import type { ConfigError, Parsed } from './types';

/** Keys whose error discards the whole fragment. */
const WHOLE_FRAGMENT = new Set(['v', 'fragment']);

function fallback(e: ConfigError): string {
  return WHOLE_FRAGMENT.has(e.key) ? 'Using the defaults.' : `Using the default for ${e.key}.`;
}

/** [class, text] per notice: 'error' lines first, then 'warning' lines. */
function configMessages(p: Parsed): [string, string][] {
  return [
    ...p.errors.map((e): [string, string] => ['error', `${e.key}: ${e.message}. ${fallback(e)}`]),
    ...p.warnings.map((w): [string, string] => ['warning', w]),
  ];
}

/** Fill `box` (a list) with the notices of `p`; hidden when there are none. */
export function showMessages(box: HTMLElement, p: Parsed): void {
  const items = configMessages(p);
  box.replaceChildren(
    ...items.map(([cls, content]) => {
      const li = document.createElement('li');
      li.className = cls;
      li.textContent = content;
      return li;
    }),
  );
  box.hidden = items.length === 0;
}
