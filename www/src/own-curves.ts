// Your own curves on the page: a CSV or JSON file of measured points (method, m, n, error[,
// lo, hi]) validated and summarised in Rust (`import_table`), carried by the link's `table`
// key when small enough, else kept for this session; the experiment panel shows them instead
// of a sweep's curves while they are there.

import { import_table, set_key, table_results } from '../pkg/caulk.js';
import type { Parsed, Results } from './types';

/** `import_table`'s object. */
interface Imported {
  link: string;
  rows: number;
  results: Results;
}

/** Largest table file read (a table that size is far beyond a link anyway). */
const MAX_TABLE_BYTES = 2_000_000;

/** The page's side of your own curves; `status` says what came of an import. */
export class OwnCurves {
  /** A table imported this session that is too large for the link (kept here, not in the URL). */
  private imported: { text: string; name: string } | null = null;

  constructor(private readonly status: HTMLElement) {}

  /** Your own curves under the config of `p`: the link's `table`, or a table too large for it. */
  of(p: Parsed): Results | null {
    try {
      if (p.config.table) return table_results(p.fragment) as Results;
      if (this.imported) return (import_table(this.imported.text, this.imported.name, p.fragment) as Imported).results;
    } catch (e) {
      this.status.textContent = `Your curves could not be drawn: ${e instanceof Error ? e.message : String(e)}`;
    }
    return null;
  }

  /**
   * A chosen file under the current `fragment`: validated (one line naming row and column on
   * a problem, and nothing on the page changes), then `open` gets the config that carries it
   * in the link, or, too large for a link, the config without it while this session keeps it.
   */
  async import(file: File, fragment: string, open: (p: Parsed) => void): Promise<void> {
    if (file.size > MAX_TABLE_BYTES) {
      this.status.textContent = `${file.name}: ${file.size} bytes, over the ${MAX_TABLE_BYTES} a table may have.`;
      return;
    }
    const text = await file.text();
    let got: Imported;
    try {
      got = import_table(text, file.name, fragment) as Imported;
    } catch (e) {
      this.status.textContent = `${file.name}: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    const next = set_key(fragment, 'table', got.link) as Parsed;
    if (next.errors.length === 0) {
      this.imported = null;
      this.status.textContent = `${file.name}: ${got.rows} rows imported; the link now carries them.`;
      open(next);
    } else {
      this.imported = { text, name: file.name };
      this.status.textContent = `${file.name}: ${got.rows} rows imported. Too large for a link (${next.errors[0].message.replace(/;.*/, '')}): share the file (or "Results as JSON"), and import it again to see these curves.`;
      open(set_key(fragment, 'table', '') as Parsed);
    }
  }

  /** Forget a session table (the link's is cleared by the caller). */
  clear(): void {
    this.imported = null;
    this.status.textContent = 'Your curves are cleared.';
  }
}
