// Results computed ahead of time (`caulk bake`), beside the page: `baked/<key>.json`, listed in
// `baked/index.json` so that the page asks only for files that exist. A file is taken only
// when the results it holds are of exactly the numbers asked for.

import type { Results } from './types';

export class BakedShelf {
  /** The list of baked files (fetched once; empty where there is none). */
  private index: Promise<string[]> | null = null;

  /** The baked results named `file`, if they are on the shelf and `nameOf` them is `file`. */
  async find(file: string, nameOf: (r: unknown) => string): Promise<Results | null> {
    try {
      this.index ??= fetch(new URL('baked/index.json', document.baseURI)).then((r) => (r.ok ? (r.json() as Promise<string[]>) : []));
      if (!(await this.index).includes(file)) return null;
      const reply = await fetch(new URL(`baked/${file}`, document.baseURI));
      if (!reply.ok) return null;
      const results = (await reply.json()) as Results;
      return nameOf(results) === file ? results : null;
    } catch {
      return null;
    }
  }
}
