//! Phase diagram over (α, d): where caulking's rate beats learning from scratch, in two
//! comparisons that answer different questions ([`PhaseMap`], one each):
//!
//! - **`equal_beta`**: the caulking limit exponent 2αβ/(2αβ+1) against the from-scratch
//!   exponent of a β-smooth target in d dimensions, 2β/(2β+d) (a target as smooth as the
//!   head): αβ/(2αβ+1) > β/(2β+d) ⇔ α(2β+d) > 2αβ+1 ⇔ α·d > 1, whatever β.
//! - **`same_target`**: against learning the *same composite target* from scratch, whose
//!   smoothness is s* = s·min(s_φ, 1) (s = αβ ≤ 1; an s-Hölder map of a smoother-than-
//!   Lipschitz extractor is only s-Hölder), exponent 2s*/(2s*+d), with t = min(s_φ, 1):
//!   2s/(2s+1) > 2ts/(2ts+d) ⇔ 2ts + d > t(2s+1) ⇔ d > t, whatever α and β.
//!
//! Status: each map compares the paper's limit exponent (as its summaries state it, m → ∞)
//! with Stone's (1982) minimax exponent for learning from scratch: a comparison of two
//! rates' exponents, not of risks at a finite n or m.
//!
//! Each map holds the exponent gap (caulking's minus scratch's) on the grid, so the plane is
//! coloured by how much faster one rate is, not only by which side of the boundary a cell is.
//! The legacy fields (`ratio`, `boundary`, `caulk_wins`) are the `equal_beta` comparison.

use serde::Serialize;

/// Caulking's rate 2αβ/(2αβ+1).
pub fn caulk_rate(alpha: f64, beta: f64) -> f64 {
    2.0 * alpha * beta / (2.0 * alpha * beta + 1.0)
}

/// From-scratch rate of a β-smooth target in d dimensions, 2β/(2β+d).
pub fn scratch_rate_equal_beta(beta: f64, d: f64) -> f64 {
    2.0 * beta / (2.0 * beta + d)
}

/// From-scratch exponent of the composite target itself, 2s*/(2s*+d) with s* = αβ·min(s_φ, 1).
pub fn scratch_rate_same_target(alpha: f64, beta: f64, s_phi: f64, d: f64) -> f64 {
    let s_star = super::bounds::s_star(alpha * beta, s_phi);
    2.0 * s_star / (2.0 * s_star + d)
}

/// Where every map's comparison comes from.
pub const STATUS: &str = "exponents only: the paper's limit rate (published summaries, m → ∞) against Stone's (1982) minimax rate from scratch (standard)";

/// One comparison over the (α, d) grid of its [`PhaseDiagram`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PhaseMap {
    /// `equal_beta` or `same_target`.
    pub id: &'static str,
    /// What caulking is compared with, in words.
    pub label: String,
    /// Where caulking wins, in words (the boundary's formula).
    pub rule: String,
    /// `gap[row][col]` = caulking's exponent − scratch's at (α, d); > 0 where caulking wins.
    pub gap: Vec<Vec<f64>>,
    /// The boundary (gap = 0) as (α, d) points.
    pub boundary: Vec<(f64, f64)>,
    /// The gap at the current (α, d).
    pub gap_now: f64,
    /// Whether caulking's exponent is the larger at the current point.
    pub caulk_wins: bool,
    /// What the comparison rests on (module doc): the paper's limit exponent against a
    /// standard minimax exponent.
    pub status: String,
}

/// The diagram on a grid, with the boundary and the current point.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// The two comparisons: `equal_beta`, then `same_target`.
    pub maps: Vec<PhaseMap>,
}

/// The diagram for head smoothness β and extractor smoothness s_φ, marking (α, d).
pub fn phase_diagram(beta: f64, s_phi: f64, alpha_now: f64, d_now: f64) -> PhaseDiagram {
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
    let boundary: Vec<(f64, f64)> = (0..=60)
        .map(|i| 1.0 + 15.0 * i as f64 / 60.0)
        .map(|dd| (1.0 / dd, dd))
        .collect();
    let gaps = |f: &dyn Fn(f64, f64) -> f64| -> Vec<Vec<f64>> {
        d.iter()
            .map(|&dd| alpha.iter().map(|&a| f(a, dd)).collect())
            .collect()
    };
    let equal_beta = |a: f64, dd: f64| caulk_rate(a, beta) - scratch_rate_equal_beta(beta, dd);
    let same_target =
        |a: f64, dd: f64| caulk_rate(a, beta) - scratch_rate_same_target(a, beta, s_phi, dd);
    // The same-target boundary d = min(s_φ, 1) (module doc).
    let edge = s_phi.min(1.0);
    let maps = vec![
        PhaseMap {
            id: "equal_beta",
            label: "a β-smooth target learned from scratch in d dimensions".into(),
            rule: "caulking wins where α·d > 1, whatever β".into(),
            gap: gaps(&equal_beta),
            boundary: boundary.clone(),
            gap_now: equal_beta(alpha_now, d_now),
            caulk_wins: alpha_now * d_now > 1.0,
            status: STATUS.into(),
        },
        PhaseMap {
            id: "same_target",
            label:
                "the same composite target (smoothness s* = αβ·min(s_φ, 1)) learned from scratch"
                    .into(),
            rule: format!("caulking wins where d > min(s_φ, 1) = {edge}, whatever α"),
            gap: gaps(&same_target),
            boundary: (0..=40).map(|i| (i as f64 / 40.0, edge)).collect(),
            gap_now: same_target(alpha_now, d_now),
            caulk_wins: d_now > edge,
            status: STATUS.into(),
        },
    ];
    PhaseDiagram {
        alpha,
        d,
        ratio,
        boundary,
        current: (alpha_now, d_now),
        caulk_wins: alpha_now * d_now > 1.0,
        maps,
    }
}
