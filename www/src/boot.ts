// The start of a page, written once for the app (main.ts) and the embed (embed.ts): load the
// compute module (saying so in one line where it fails), read the link, follow later changes
// of it, mark the page ready. `PageState` is the state both keep: the canonical fragment (the
// link, as Rust rewrote it) and its config.

import init, { parse_fragment } from '../pkg/caulk.js';
import { syncControls } from './controls';
import { showMessages } from './messages';
import { wasmFile } from './wasm-url';
import type { Config, Parsed } from './types';

/** The element `#id`; a page without it is a broken build, not a user's input. */
export function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page is missing #${id}`);
  return node;
}

/** The page's state: the canonical fragment and its config. */
export class PageState {
  fragment = '';
  config: Config | null = null;

  /** Takes a parse: the state, its messages, the address bar, the controls' values and errors. */
  accept(p: Parsed): void {
    this.fragment = p.fragment;
    this.config = p.config;
    showMessages(byId('messages'), p);
    if (location.hash.slice(1) !== p.fragment) history.replaceState(null, '', `#${p.fragment}`);
    // Each refused value also says so under its own control.
    syncControls(p.config, p.errors);
  }
}

/**
 * Loads the compute module, then `setup(first)` (the link's parse) builds the page and gives
 * its update, which gets the first parse and every later change of the link that is not the
 * page's own (`state.fragment`). Resolves to the first parse, or null where the module did
 * not load: then #messages says so and `failed` (if given) is told why.
 */
export async function boot(
  state: PageState,
  setup: (first: Parsed) => (p: Parsed) => void,
  failed?: (why: string) => void,
): Promise<Parsed | null> {
  try {
    await init({ module_or_path: new URL(wasmFile(), import.meta.url) });
  } catch (e) {
    const box = byId('messages');
    const li = document.createElement('li');
    li.className = 'error';
    li.textContent = `The compute module could not be loaded (${String(e)}). This page needs WebAssembly.`;
    box.replaceChildren(li);
    box.hidden = false;
    failed?.(String(e));
    return null;
  }
  const first = parse_fragment(location.hash) as Parsed;
  const update = setup(first);
  update(first);
  window.addEventListener('hashchange', () => {
    if (location.hash.slice(1) !== state.fragment) update(parse_fragment(location.hash) as Parsed);
  });
  document.body.dataset.ready = 'true';
  return first;
}
