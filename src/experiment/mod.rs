//! Experiments (docs/science.md §5): the presets as sweeps over seeds × n (× m × width ×
//! method), run on the CPU path, summarised into curves with 95 % intervals (log-normal mean, jackknife-t slope) and fitted
//! slopes next to the theory's prediction.
//!
//! - [`plan`](mod@plan): what a preset runs, its prediction, and the cost estimate before it
//!   starts;
//! - [`rates`]: this device's measured speeds that the estimate turns work into seconds with
//!   (the CPU kernels, data generation, a GPU's fused training);
//! - [`stats`]: curve statistics (mean, intervals, slopes, flags, n_ε from data);
//! - [`shapes`]: which curve shape the data prefer (power law, with a floor, broken) and
//!   how each predicts the largest n held out;
//! - [`coverage`]: the coverage benchmark of those intervals on simulated curves;
//! - [`run`]: the sweep, with a cancellation token; finished points survive cancellation
//!   and failed runs;
//! - [`progress`]: its progress events (the finished points with them) and the time left;
//! - [`curve`]: one measured curve (`CurveResult`) and its one constructor from statistics;
//! - [`results`]: what a sweep returns (`caulk run --json`), curves summarised from the
//!   per-seed risks, shards merged, CSV;
//! - [`cache`]: the point cache's keys (what one seed's outcome at one point depends on), so
//!   a sweep after a change reuses the seed-points whose inputs did not change;
//! - [`claim`]: the title claim from measured curves: risk at one n and n_ε against m, with
//!   their intervals, beside the calibrated `caulk_m` bound's n_ε(m);
//! - [`model_fit`]: the `caulk_m` model with its constants fitted to the measured curves of
//!   every m (exponents fixed), and how well it fits each m;
//! - [`readings`]: both finite-m readings (floor `caulk_m`, exponent `caulk_m_rate`) fitted
//!   to those curves, each m held out in turn;
//! - [`paired`]: paired changes between curves that share their seeds' target data (slope on
//!   the small-n window, risk at the largest n), with Student-t intervals;
//! - [`steady`]: the steadiness check, seed 0 run again from perturbed starting weights, and
//!   the "unsteady" flag of a curve that moves more than its interval admits;
//! - [`baked`]: names of results computed ahead of time and shipped beside the page;
//! - [`batching`]: the K-model batching benchmark (model-steps/s, dispatches per step);
//! - [`gemm`]: the CPU GEMM benchmark against a peak probe of the same core.

pub mod baked;
pub mod batching;
pub mod cache;
pub mod claim;
pub mod cost;
pub mod coverage;
pub mod curve;
pub mod gemm;
pub mod import;
pub mod model_fit;
pub mod paired;
pub mod plan;
pub mod prepare;
pub mod progress;
pub mod rates;
pub mod readings;
pub mod results;
pub mod run;
pub mod shapes;
pub mod stats;
pub mod steady;
pub mod work;

pub use crate::train::Cancel;
pub use cost::{estimate, Estimate};
pub use curve::CurveResult;
pub use plan::{plan, Plan};
pub use progress::{FinishedPoint, Progress};
pub use rates::{device_rates, Rates};
pub use results::{merge, Results};
pub use run::{no_pause, run_seeds, run_shard, run_sweep, shard_seeds, Checkpoint, Shard};
