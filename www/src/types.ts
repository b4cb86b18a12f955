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
  name: string;
  status: 'paper' | 'standard' | 'model';
  citation: string;
  formula: string;
  slope: number;
  n: number[];
  risk: number[];
  n_eps: number | null;
  n_eps_note: string | null;
}

export interface BoundsReport {
  params: {
    alpha: number;
    beta: number;
    s: number;
    s_star: number;
    d: number;
    eps: number;
    c: number;
    n_min: number;
    n_max: number;
  };
  bounds: BoundCurve[];
}

export interface DeviceReport {
  gpu: boolean;
  line: string;
}
