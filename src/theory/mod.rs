//! Theoretical excess-risk bounds (docs/science.md §2) and what is derived from them.
//!
//! - [`bounds`]: the registry of the seven bounds, each with id, status (`paper` | `standard`
//!   | `model`), citation, formulas, conditions, risk(n, m), exponent, floor; and n_ε.
//! - [`phase`]: the (α, d) phase diagram, boundary α·d = 1.
//! - [`report`]: [`evaluate`] turns a [`Config`] into the report the page draws and
//!   `caulk bounds --json` prints.
//! - [`fit`]: power-law fits and calibration of a bound's constant to measured points, by
//!   least squares in log-log space.
//!
//! Notation: n target and m source samples, d input dimension, k feature dimension, α caulk
//! and β head Hölder exponents, s = αβ, s_φ extractor smoothness, s* = s·min(s_φ, 1), C a scale
//! constant (a config key, default 1).

pub mod bounds;
pub mod fit;
pub mod phase;
pub mod report;

pub use bounds::{BoundCurve, Status, TheoryParams, BOUNDS};
pub use fit::{calibrate_scale, effective_slope, power_law, PowerLawFit};
pub use report::{evaluate, BoundsReport};

use crate::config::Config;

/// Points of the log-spaced n grid on which bound curves are drawn.
pub const GRID_POINTS: usize = 33;

/// `points` log-spaced values from `lo` to `hi` inclusive (both > 0, `points` ≥ 2).
pub fn log_grid(lo: f64, hi: f64, points: usize) -> Vec<f64> {
    let (a, b) = (lo.ln(), hi.ln());
    let last = (points.max(2) - 1) as f64;
    let mut grid: Vec<f64> = (0..points.max(2))
        .map(|i| (a + (b - a) * i as f64 / last).exp())
        .collect();
    // Exact endpoints (exp∘ln is off by an ulp).
    grid[0] = lo;
    grid[points.max(2) - 1] = hi;
    grid
}

/// The n-window of a config's curves: its smallest to largest n, widened to a factor 16
/// when it holds a single n.
pub fn n_window(c: &Config) -> (f64, f64) {
    let lo = c.n.first().copied().unwrap_or(4) as f64;
    let hi = c.n.last().copied().unwrap_or(4) as f64;
    if hi > lo {
        (lo, hi)
    } else {
        (lo, lo * 16.0)
    }
}
