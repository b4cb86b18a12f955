//! The registry of excess-risk bounds. Each is risk(n) = C · n^(−r) with a rate r that
//! depends on the smoothness parameters; more shapes (floors in m, sums of terms) join the
//! registry as the theory panel grows.
//!
//! | id | r | status | source |
//! |---|---|---|---|
//! | `caulk_limit` | 2s/(2s+1), s = αβ | paper | Fukuchi, Hataya, Matsui (AISTATS 2026) |
//! | `scratch` | 2s*/(2s*+d), s* = s_φ·s | standard | Stone (1982), minimax rate |

use serde::Serialize;

use super::{log_grid, n_window, GRID_POINTS};
use crate::config::Config;

/// Where a bound comes from (SCIENCE.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Stated in the paper's abstract/summary.
    Paper,
    /// A published result of another paper.
    Standard,
    /// A labelled modelling assumption of this app.
    Model,
}

/// The parameters the bounds read, taken from a [`Config`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TheoryParams {
    /// Caulk Hölder exponent α ∈ (0, 1].
    pub alpha: f64,
    /// Head Hölder exponent β ∈ (0, 1].
    pub beta: f64,
    /// Composite smoothness s = αβ.
    pub s: f64,
    /// Extractor smoothness s_φ.
    pub s_phi: f64,
    /// Smoothness of the whole map from scratch, s* = s_φ·s.
    pub s_star: f64,
    /// Input dimension d.
    pub d: f64,
    /// Target excess risk ε for n_ε.
    pub eps: f64,
    /// Scale constant C of every bound (not calibrated yet: 1).
    pub c: f64,
    /// Smallest n drawn.
    pub n_min: f64,
    /// Largest n drawn.
    pub n_max: f64,
}

impl TheoryParams {
    /// The parameters of `c` (which is valid, so every exponent is positive and finite).
    pub fn from_config(c: &Config) -> Self {
        let s = c.alpha * c.beta;
        let (n_min, n_max) = n_window(c);
        TheoryParams {
            alpha: c.alpha,
            beta: c.beta,
            s,
            s_phi: c.s_phi,
            s_star: c.s_phi * s,
            d: c.d as f64,
            eps: c.eps,
            c: 1.0,
            n_min,
            n_max,
        }
    }
}

/// A bound of the registry.
#[derive(Clone, Copy, Debug)]
pub struct BoundSpec {
    /// Stable id (JSON, URL, CSS).
    pub id: &'static str,
    /// Human name.
    pub name: &'static str,
    /// Provenance.
    pub status: Status,
    /// Source.
    pub citation: &'static str,
    /// KaTeX formula of the risk (C omitted).
    pub formula: &'static str,
    /// The rate r in risk = C · n^(−r).
    pub rate: fn(&TheoryParams) -> f64,
}

/// r = 2s/(2s+1): the caulking limit rate, free of d.
pub fn caulk_limit_rate(p: &TheoryParams) -> f64 {
    2.0 * p.s / (2.0 * p.s + 1.0)
}

/// r = 2s*/(2s*+d): the minimax rate of learning an s*-smooth map on [0,1]^d from scratch.
pub fn scratch_rate(p: &TheoryParams) -> f64 {
    2.0 * p.s_star / (2.0 * p.s_star + p.d)
}

/// Every bound, in display order.
pub const BOUNDS: &[BoundSpec] = &[
    BoundSpec {
        id: "caulk_limit",
        name: "Caulking, limit rate",
        status: Status::Paper,
        citation: "Fukuchi, Hataya, Matsui (AISTATS 2026)",
        formula: r"n^{-\frac{2s}{2s+1}},\; s=\alpha\beta",
        rate: caulk_limit_rate,
    },
    BoundSpec {
        id: "scratch",
        name: "From scratch (minimax)",
        status: Status::Standard,
        citation: "Stone (1982), Ann. Statist.",
        formula: r"n^{-\frac{2s^*}{2s^*+d}},\; s^*=s_\varphi\,\alpha\beta",
        rate: scratch_rate,
    },
];

/// One bound evaluated on the n grid.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoundCurve {
    /// Registry id.
    pub id: &'static str,
    /// Human name.
    pub name: &'static str,
    /// Provenance.
    pub status: Status,
    /// Source.
    pub citation: &'static str,
    /// KaTeX formula.
    pub formula: &'static str,
    /// Log-log slope in n (−r).
    pub slope: f64,
    /// Grid of n.
    pub n: Vec<f64>,
    /// C · n^(−r) on the grid.
    pub risk: Vec<f64>,
    /// Smallest integer n with risk ≤ ε, or null.
    pub n_eps: Option<f64>,
    /// Why `n_eps` is null, when it is.
    pub n_eps_note: Option<String>,
}

/// The bounds of a config: the contract of `caulk bounds --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoundsReport {
    /// Parameters used.
    pub params: TheoryParams,
    /// Each bound's curve.
    pub bounds: Vec<BoundCurve>,
}

/// Sample complexity of C · n^(−r): the smallest integer n ≥ 1 with C · n^(−r) ≤ ε, i.e.
/// ⌈(C/ε)^(1/r)⌉; `Err(reason)` when it is not a finite f64.
pub fn power_law_n_eps(c: f64, r: f64, eps: f64) -> Result<f64, String> {
    let n = (c / eps).powf(1.0 / r).ceil().max(1.0);
    if n.is_finite() {
        Ok(n)
    } else {
        Err(format!(
            "n_eps exceeds 1e308 (rate {r:.4} is too slow for eps = {eps})"
        ))
    }
}

/// Evaluate one bound on `grid`.
pub fn curve(spec: &BoundSpec, p: &TheoryParams, grid: &[f64]) -> BoundCurve {
    let r = (spec.rate)(p);
    let (n_eps, n_eps_note) = match power_law_n_eps(p.c, r, p.eps) {
        Ok(n) => (Some(n), None),
        Err(why) => (None, Some(why)),
    };
    BoundCurve {
        id: spec.id,
        name: spec.name,
        status: spec.status,
        citation: spec.citation,
        formula: spec.formula,
        slope: -r,
        n: grid.to_vec(),
        risk: grid.iter().map(|n| p.c * n.powf(-r)).collect(),
        n_eps,
        n_eps_note,
    }
}

/// All bounds of a valid config on its n-window.
pub fn evaluate(c: &Config) -> BoundsReport {
    let p = TheoryParams::from_config(c);
    let grid = log_grid(p.n_min, p.n_max, GRID_POINTS);
    BoundsReport {
        params: p,
        bounds: BOUNDS.iter().map(|b| curve(b, &p, &grid)).collect(),
    }
}
