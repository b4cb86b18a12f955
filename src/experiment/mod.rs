//! Experiments (SCIENCE.md §5): the presets as sweeps over seeds × n (× m × width ×
//! method), run on the CPU path, summarised into curves with bootstrap intervals and fitted
//! slopes next to the theory's prediction.
//!
//! - [`plan`](mod@plan): what a preset runs, its prediction, and the cost estimate before it
//!   starts;
//! - [`rates`]: this device's measured speeds that the estimate turns work into seconds with
//!   (the CPU kernels, data generation, a GPU's fused training);
//! - [`stats`]: curve statistics (mean, intervals, slopes, flags, n_ε from data);
//! - [`run`]: the sweep, with progress events and a cancellation token; finished points
//!   survive cancellation and failed runs;
//! - [`results`]: what a sweep returns (`caulk run --json`), curves summarised from the
//!   per-seed risks, shards merged, CSV;
//! - [`baked`]: names of results computed ahead of time and shipped beside the page;
//! - [`batching`]: the K-model batching benchmark (model-steps/s, dispatches per step);
//! - [`gemm`]: the CPU GEMM benchmark against a peak probe of the same core.

pub mod baked;
pub mod batching;
pub mod gemm;
pub mod plan;
pub mod rates;
pub mod results;
pub mod run;
pub mod stats;

pub use crate::train::Cancel;
pub use plan::{estimate, plan, Estimate, Plan};
pub use rates::{device_rates, Rates};
pub use results::{merge, CurveResult, Results};
pub use run::{no_pause, run_shard, run_sweep, shard_seeds, Checkpoint, Shard};

/// A progress event of a sweep.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Progress {
    /// Work units finished (a pre-training or one fit).
    pub done: usize,
    /// Work units in the sweep.
    pub total: usize,
    /// What was just finished, e.g. `caulk-spline m=3000 n=256 seed 2`.
    pub point: String,
    /// Seconds since the start.
    pub elapsed_s: f64,
    /// Estimated seconds left (from the cost model and the pace so far).
    pub eta_s: f64,
    /// A point of a curve whose seeds have all finished with this unit, if one did.
    pub finished: Option<FinishedPoint>,
}

/// One finished point of a curve, sent with the progress event that completes it so a page
/// can draw curves point by point (and keep them if the sweep is cancelled).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FinishedPoint {
    /// The curve's label (as in the final results).
    pub label: String,
    /// Method id.
    pub method: crate::config::Method,
    /// Source size, if pre-trained.
    pub m: Option<u64>,
    /// Backbone width.
    pub width: usize,
    /// Target size of the point.
    pub n: u64,
    /// Mean excess risk over the seeds that finished (null when none did).
    pub risk_mean: Option<f64>,
    /// 95 % bootstrap interval, lower end.
    pub risk_lo: Option<f64>,
    /// Upper end.
    pub risk_hi: Option<f64>,
    /// Seeds that finished.
    pub seeds: usize,
    /// Their excess risks, in seed order (a page running shards of seeds joins them).
    pub risks: Vec<f64>,
}
