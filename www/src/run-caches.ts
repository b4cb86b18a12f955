// What this page keeps of its runs so that a later run computes less (the workers hold no
// state between runs; each run is sent what they may reuse):
// - the point cache: every seed-point computed, by its key (what its numbers depend on,
//   src/experiment/run/cache.rs), the oldest dropped beyond POINTS_MAX;
// - the backbone cache: every backbone pre-trained, by its key (its extractor, source sample,
//   architecture and device: not α, β or σ), so that moving those keys fits again on the
//   backbones there are; at most BACKBONE_VALUES parameters in all.

import type { Backbone, Progress } from './types';

/** Seed-points kept (about 100 bytes each). */
const POINTS_MAX = 200_000;
/** Parameters the backbone cache keeps in all (8 bytes each: 64 MB). */
const BACKBONE_VALUES = 8_000_000;

export class RunCaches {
  private points = new Map<string, [number, number]>();
  private backbones = new Map<string, Backbone>();
  private backboneValues = 0;

  /** Keep what a progress event brings: a new backbone, a seed-point computed (not reused). */
  keep(p: Progress): void {
    if (p.backbone && !this.backbones.has(p.backbone.key)) {
      this.backbones.set(p.backbone.key, p.backbone);
      this.backboneValues += p.backbone.params.length;
      for (const [key, b] of this.backbones) {
        if (this.backboneValues <= BACKBONE_VALUES) break;
        this.backbones.delete(key);
        this.backboneValues -= b.params.length;
      }
    }
    if (p.seed && !p.seed.cached) {
      this.points.set(p.seed.key, [p.seed.risk, p.seed.trainable]);
      // The oldest first: a Map iterates in insertion order.
      const oldest = this.points.keys().next();
      if (this.points.size > POINTS_MAX && !oldest.done) this.points.delete(oldest.value);
    }
  }

  /** What a worker running seeds `from` … `to` − 1 may reuse: every point, its seeds' backbones. */
  known(from: number, to: number): { points: Record<string, [number, number]>; backbones: Record<string, Backbone> } {
    const backbones = Object.fromEntries([...this.backbones].filter(([, b]) => b.seed >= from && b.seed < to));
    return { points: Object.fromEntries(this.points), backbones };
  }
}
