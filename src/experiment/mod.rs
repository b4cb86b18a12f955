//! Experiments (SCIENCE.md §5): the presets as sweeps over seeds × n (× m × width ×
//! method), run on the CPU path, summarised into curves with bootstrap intervals and fitted
//! slopes next to the theory's prediction.
//!
//! - [`plan`]: what a preset runs, its prediction, and the cost estimate before it starts;
//! - [`stats`]: curve statistics (mean, intervals, slopes, flags, n_ε from data);
//! - [`run`]: the sweep, with progress events and a cancellation token; finished points
//!   survive cancellation and failed runs.

pub mod plan;
pub mod run;
pub mod stats;

pub use crate::train::Cancel;
pub use plan::{device_rates, estimate, plan, Estimate, Plan, Rates};
pub use run::{run_sweep, CurveResult, Results};

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
}
