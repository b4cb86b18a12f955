// Shapes of the objects the wasm boundary (src/wasm.rs) returns: the Rust types themselves,
// generated into rust-types.ts (src/ts_types.rs, a test keeps them in step), under the names
// the page uses. Only what is the page's own is declared here.

import type { Config as RustConfig, CurveResult } from './rust-types';

export type {
  Backbone,
  BoundCurve,
  BoundsReport,
  Claim,
  ClaimRow,
  ClaimSeries,
  ConfigError,
  DeviceReport,
  Estimate,
  FinishedPoint,
  KeySpec,
  LossCurve,
  ModelFit,
  ModelFitRow,
  NEpsCurve,
  Parsed,
  PhaseDiagram,
  PhaseMap,
  Pin,
  PinCurve,
  Progress,
  Results,
  SeedPoint,
} from './rust-types';

/**
 * A config: the Rust type, also read key by key by the controls (`config[spec.key]`),
 * where a value is whatever the key's kind makes it.
 */
export type Config = RustConfig & Record<string, unknown>;

/** One measured curve of the results (Rust `experiment::analysis::curve::CurveResult`). */
export type Curve = CurveResult;
