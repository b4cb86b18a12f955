// Shapes of the objects the wasm boundary (src/wasm.rs) returns. They mirror the Rust serde
// structs; the Rust side is the source of truth.

export interface ConfigError {
  key: string;
  message: string;
}

export type Config = Record<string, unknown> & {
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
}

export interface KeySpec {
  key: string;
  kind: 'int' | 'float' | 'int-list' | 'enum' | 'enum-list';
  min: number;
  max: number;
  min_open: boolean;
  max_items: number;
  choices: string[];
  help: string;
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

export interface PhaseDiagram {
  alpha: number[];
  d: number[];
  ratio: number[][];
  boundary: [number, number][];
  current: [number, number];
  caulk_wins: boolean;
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
