//! The theory report of a config: every selected bound on the n-window (one curve per m for
//! bounds with an m-term), n_ε as a function of m for both finite-m readings (`caulk_m`, the
//! floor; `caulk_m_rate`, the rising exponent), and the phase diagram. This
//! is what `caulk bounds --json` prints and what the page draws, from one function.

use serde::Serialize;

use super::bounds::{self, curve, BoundCurve, TheoryParams, BOUNDS};
use super::phase::{phase_diagram, PhaseDiagram};
use super::{log_grid, GRID_POINTS};
use crate::config::Config;

/// n_ε of one bound over a grid of m.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NEpsCurve {
    /// Bound id.
    pub id: &'static str,
    /// Grid of m (10 to 10^6).
    pub m: Vec<f64>,
    /// n_ε at each m, null where the floor is at or above ε.
    pub n_eps: Vec<Option<f64>>,
    /// The m-free limit: `caulk_limit`'s n_ε, the asymptote as m → ∞.
    pub limit: Option<f64>,
}

/// The bounds of a config: the contract of `caulk bounds --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BoundsReport {
    /// Parameters used.
    pub params: TheoryParams,
    /// The selected bounds' curves.
    pub bounds: Vec<BoundCurve>,
    /// n_ε against m for `caulk_m` (the floor reading).
    pub n_eps_vs_m: NEpsCurve,
    /// n_ε against m for `caulk_m_rate` (the exponent reading).
    pub n_eps_vs_m_rate: NEpsCurve,
    /// Where caulking beats scratch over (α, d).
    pub phase: PhaseDiagram,
}

/// Points of the m grid of `n_eps_vs_m`.
pub const M_GRID_POINTS: usize = 41;

/// n_ε of the finite-m bound `id` (`caulk_m` or `caulk_m_rate`) over m ∈ [10, 10^6].
pub fn n_eps_vs_m(p: &TheoryParams, id: &str) -> NEpsCurve {
    let m = log_grid(10.0, 1e6, M_GRID_POINTS);
    let spec = bounds::spec(id).expect("both finite-m bounds are in the registry (tested)");
    let limit = bounds::spec("caulk_limit").expect("caulk_limit is in the registry (tested)");
    NEpsCurve {
        id: spec.info.id,
        n_eps: m
            .iter()
            .map(|&mm| bounds::n_eps(spec, p, mm).ok())
            .collect(),
        m,
        limit: bounds::n_eps(limit, p, f64::INFINITY).ok(),
    }
}

/// Everything the theory panel shows for a valid config.
pub fn evaluate(c: &Config) -> BoundsReport {
    let p = TheoryParams::from_config(c);
    let grid = log_grid(p.n_min, p.n_max, GRID_POINTS);
    let mut curves = Vec::new();
    for spec in BOUNDS
        .iter()
        .filter(|b| c.bounds.iter().any(|id| id == b.info.id))
    {
        if spec.uses_m {
            for &m in &c.m {
                curves.push(curve(spec, &p, Some(m as f64), &grid));
            }
        } else {
            curves.push(curve(spec, &p, None, &grid));
        }
    }
    BoundsReport {
        params: p,
        bounds: curves,
        n_eps_vs_m: n_eps_vs_m(&p, "caulk_m"),
        n_eps_vs_m_rate: n_eps_vs_m(&p, "caulk_m_rate"),
        phase: phase_diagram(c.beta, c.s_phi, c.alpha, c.d as f64),
    }
}
