//! Phase diagram over (α, d): where caulking's rate beats learning from scratch.
//!
//! For equal β, the caulking limit rate 2αβ/(2αβ+1) is compared with the from-scratch rate of
//! a β-smooth target in d dimensions, 2β/(2β+d):
//! αβ/(2αβ+1) > β/(2β+d) ⇔ α(2β+d) > 2αβ+1 ⇔ α·d > 1, whatever β.
//! (With the `scratch` bound's own smoothness s* = s_φ·αβ instead, the comparison reduces to
//! d > s_φ and does not involve α; the panel draws the α·d = 1 diagram of SCIENCE.md §2.)

use serde::Serialize;

/// Caulking's rate 2αβ/(2αβ+1).
pub fn caulk_rate(alpha: f64, beta: f64) -> f64 {
    2.0 * alpha * beta / (2.0 * alpha * beta + 1.0)
}

/// From-scratch rate of a β-smooth target in d dimensions, 2β/(2β+d).
pub fn scratch_rate_equal_beta(beta: f64, d: f64) -> f64 {
    2.0 * beta / (2.0 * beta + d)
}

/// The diagram on a grid, with the boundary and the current point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhaseDiagram {
    /// Column values of α.
    pub alpha: Vec<f64>,
    /// Row values of d.
    pub d: Vec<f64>,
    /// `ratio[row][col]` = caulking rate / scratch rate at (α, d); > 1 where caulking wins.
    pub ratio: Vec<Vec<f64>>,
    /// The boundary α = 1/d as (α, d) points for d from 1 to 16.
    pub boundary: Vec<(f64, f64)>,
    /// The current (α, d).
    pub current: (f64, f64),
    /// Whether caulking wins at the current point (α·d > 1).
    pub caulk_wins: bool,
}

/// The diagram for head smoothness β, marking (α, d).
pub fn phase_diagram(beta: f64, alpha_now: f64, d_now: f64) -> PhaseDiagram {
    let alpha: Vec<f64> = (1..=40).map(|i| i as f64 / 40.0).collect();
    let d: Vec<f64> = (1..=16).map(|i| i as f64).collect();
    let ratio = d
        .iter()
        .map(|&dd| {
            alpha
                .iter()
                .map(|&a| caulk_rate(a, beta) / scratch_rate_equal_beta(beta, dd))
                .collect()
        })
        .collect();
    let boundary = (0..=60)
        .map(|i| 1.0 + 15.0 * i as f64 / 60.0)
        .map(|dd| (1.0 / dd, dd))
        .collect();
    PhaseDiagram {
        alpha,
        d,
        ratio,
        boundary,
        current: (alpha_now, d_now),
        caulk_wins: alpha_now * d_now > 1.0,
    }
}
