// Shapes of the objects the wasm boundary (src/wasm.rs) returns. They mirror the Rust serde
// structs; the Rust side is the source of truth.

export interface ConfigError {
  key: string;
  message: string;
}

/** A pinned curve (src/config/pins.rs). */
export interface PinCurve {
  method: string;
  m: number | null;
  width: number;
  n: number[];
  risk: (number | null)[];
}

export interface Pin {
  label: string;
  curves: PinCurve[];
}

export type Config = Record<string, unknown> & {
  pins: Pin[];
  preset: string;
  alpha: number;
  beta: number;
  d: number;
  backend: string;
  bounds: string[];
};

export interface Parsed {
  config: Config;
  fragment: string;
  errors: ConfigError[];
  warnings: string[];
  /** The known keys the fragment set, in the order given. */
  given: string[];
}

export interface KeySpec {
  key: string;
  kind: 'int' | 'float' | 'int-list' | 'enum' | 'enum-list' | 'pins' | 'name';
  min: number;
  max: number;
  min_open: boolean;
  max_items: number;
  choices: string[];
  help: string;
  /** The control the key gets (declared in src/config/keys.rs). */
  widget: { type: 'none' | 'slider' | 'log-slider' | 'stepper' | 'select' | 'chips' | 'checkboxes' | 'grid'; step?: number; lo?: number; hi?: number; log?: boolean };
  /** The panels that show it. */
  panels: ('theory' | 'experiment' | 'claim')[];
  /** Under the panel's "advanced" disclosure. */
  advanced: boolean;
  /** Presets whose sweeps do not read the key: its experiment control is hidden there. */
  unused_by: string[];
  /** Written only when set (a lesson and its step). */
  optional: boolean;
}

export interface BoundCurve {
  id: string;
  label: string;
  name: string;
  status: 'paper' | 'standard' | 'model';
  citation: string;
  formula: string;
  formula_values: string;
  conditions: string;
  violated: string | null;
  m: number | null;
  slope: number;
  exponent: number;
  floor: number;
  n: number[];
  risk: number[];
  n_eps: number | null;
  n_eps_note: string | null;
}

export interface NEpsCurve {
  id: string;
  m: number[];
  n_eps: (number | null)[];
  limit: number | null;
}

/** One comparison of the phase diagram (src/theory/phase.rs). */
export interface PhaseMap {
  id: 'equal_beta' | 'same_target';
  label: string;
  rule: string;
  /** Caulking's exponent minus scratch's, per (d row, α column). */
  gap: number[][];
  boundary: [number, number][];
  gap_now: number;
  caulk_wins: boolean;
}

export interface PhaseDiagram {
  alpha: number[];
  d: number[];
  ratio: number[][];
  boundary: [number, number][];
  current: [number, number];
  caulk_wins: boolean;
  maps: PhaseMap[];
}

export interface BoundsReport {
  params: {
    alpha: number;
    beta: number;
    s: number;
    s_phi: number;
    s_star: number;
    d: number;
    k: number;
    eps: number;
    c: number;
    c_pre: number;
    nu: number;
    c_h: number;
    c_f: number;
    n_min: number;
    n_max: number;
  };
  bounds: BoundCurve[];
  n_eps_vs_m: NEpsCurve;
  phase: PhaseDiagram;
}

export interface DeviceReport {
  /** A GPU opened and passed the self-check. */
  gpu: boolean;
  /** Sweeps train on it (not under backend=auto on a software adapter). */
  sweeps_on_gpu: boolean;
  line: string;
}

// The experiment: progress events, finished points, results and the estimate of a sweep.

export interface FinishedPoint {
  label: string;
  method: string;
  m: number | null;
  width: number;
  n: number;
  risk_mean: number | null;
  risk_lo: number | null;
  risk_hi: number | null;
  seeds: number;
  /** The finished seeds' risks (a shard's share of them when several workers run). */
  risks: number[];
}

/** One seed's outcome at one point, for the page's point cache (src/experiment/cache.rs). */
export interface SeedPoint {
  key: string;
  risk: number;
  trainable: number;
  cached: boolean;
}

/** A pre-trained backbone for the page's cache (src/experiment/cache.rs). */
export interface Backbone {
  key: string;
  seed: number;
  params: number[];
  report: unknown;
}

export interface Progress {
  seed: SeedPoint | null;
  backbone: Backbone | null;
  done: number;
  total: number;
  point: string;
  elapsed_s: number;
  eta_s: number;
  finished: FinishedPoint | null;
}

export interface Curve {
  label: string;
  method: string;
  m: number | null;
  width: number;
  n: number[];
  risk_mean: (number | null)[];
  risk_lo: (number | null)[];
  risk_hi: (number | null)[];
  seeds_done: number[];
  slope: number | null;
  slope_lo: number | null;
  slope_hi: number | null;
  predicted_slope: number | null;
  calibrated_c: number | null;
  /** n_ε read off the data (ε from the config), null where no point reaches ε. */
  n_eps: number | null;
  trainable: number | null;
  flags: string[];
  notes: string[];
  /** A second measure of the same fits (digits: squared loss on the 0/1 labels; the risk is the error rate); absent elsewhere. */
  squared_loss?: LossCurve;
}

/** A curve's squared loss per n (Rust `experiment::results::LossCurve`). */
export interface LossCurve {
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  values: number[][];
}

export interface ClaimRow {
  m: number;
  risk: number | null;
  risk_lo: number | null;
  risk_hi: number | null;
  /** null: ε not reached inside the n grid ("> n_max"). */
  n_eps: number | null;
  n_eps_lo: number | null;
  /** null: beyond the grid in more than 2.5 % of resamples. */
  n_eps_hi: number | null;
  bound_n_eps: number | null;
}

export interface ClaimSeries {
  method: string;
  width: number;
  label: string;
  rows: ClaimRow[];
  c: number | null;
  c_pre: number | null;
  limit_n_eps: number | null;
  /** The fitted caulk_m model per m (src/experiment/model_fit.rs). */
  model?: ModelFit | null;
}

/** How the fitted model meets the curve of one m. */
export interface ModelFitRow {
  m: number;
  /** The model at each n of the curve's grid. */
  fitted: number[];
  inside: number;
  points: number;
  log_rms: number;
  /** null where the model fits (at least half the points inside their interval). */
  miss: string | null;
}

/** caulk_m, R = C·(n^exponent + C_pre·ε_pre(m)^s), with C and C_pre shared by every m. */
export interface ModelFit {
  c: number;
  c_pre: number;
  exponent: number;
  rows: ModelFitRow[];
  inside: number;
  points: number;
}

/** The title claim of a result (`caulk run --json`'s `claim`; src/experiment/claim.rs). */
export interface Claim {
  eps: number;
  n: number;
  n_max: number;
  series: ClaimSeries[];
}

export interface Results {
  backend: string;
  curves: Curve[];
  claim?: Claim | null;
  /** The steadiness check's summary (src/experiment/steady.rs); null where it did not run. */
  steadiness?: string | null;
  constant_risk: number | null;
  prediction: string;
  elapsed_ms: number;
  cancelled: boolean;
  device_lost: string | null;
  config: { c: number; eps: number; [key: string]: unknown };
}

export interface Estimate {
  /**
   * The device's measured rates (passed to the workers, which then need not measure); `gpu`
   * is set when the sweep will train on the GPU, and the estimate includes its time.
   */
  rates: { flops: number; ridges: number; gpu: unknown | null };
  units: number;
  shards: number;
  seconds: number;
  bytes: number;
  memory_limit: number;
  /** The compute device the config asks for (where it trains: `rates.gpu`). */
  backend: 'auto' | 'cpu' | 'gpu';
}
