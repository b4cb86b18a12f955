// The whole theory panel redrawn from one BoundsReport: the figures of theory-panel.ts and the
// formula cards (formula-cards.ts, with KaTeX), each timed for www/bench/theory.mjs.

import { drawFormulas } from './formula-cards';
import { drawNEps, drawPhase, drawRisk, drawSummary, timed } from './theory-panel';
import type { BoundsReport } from './types';

/** Redraw the whole panel from `report`; `onEps` sets ε from the plot's ε line. */
export function drawTheory(report: BoundsReport, onEps?: (value: string) => void): void {
  timed('risk', () => drawRisk(report, onEps));
  timed('formulas', () => drawFormulas(report));
  timed('phase', () => drawPhase(report));
  timed('neps', () => drawNEps(report));
  timed('summary', () => drawSummary(report));
}
