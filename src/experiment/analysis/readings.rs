//! The two finite-m readings of the paper's o(1) term (docs/science.md §2), each fitted to
//! the measured curves of one (method, width) at every m, and each judged by how well it
//! predicts an m it was not fitted on.
//!
//! - **floor** (`caulk_m`): R(n, m) = C·(n^(−r) + C_pre·ε_pre(m)^s), r = 2s/(2s+1): the
//!   exponent fixed, an additive floor that falls with m ([`crate::experiment::analysis::model_fit`] fits it).
//! - **exponent** (`caulk_m_rate`): R(n, m) = C·n^(−r(m)), r(m) = 2/(2+ρ(m)),
//!   ρ(m) = 1/s + C_ρ·ε_pre(m): the n-exponent itself rises toward r as m grows.
//!
//! Both fit two constants shared by every m by least squares of the relative residual
//! Σ ((ŷ − y)/y)²: the floor reading in closed form, the exponent reading with C in closed
//! form for each C_ρ (C = Σ(a/y)/Σ(a/y)², a = n^(−r(m))) and C_ρ by a search over ln C_ρ
//! (a grid of 10^−3 … 10^5, then golden-section refinement; C_ρ = 0 is tried too). A
//! reading's curve is its bound's risk (`theory::bounds`) with the fitted constants.
//!
//! Held out: each m in turn is left out, the reading fitted on the others, and its prediction
//! of the left-out curve scored by the root-mean-square of ln(y/ŷ) over that curve's points.
//! The largest m's score (`heldout_m`, `heldout_log_error`) is the question the paper asks:
//! does the reading fitted at smaller m predict a better pre-trained model?

use serde::{Deserialize, Serialize};

use crate::experiment::analysis::curve::CurveResult;
use crate::experiment::analysis::model_fit::{calibrate_caulk_m, interval_miss, row};
use crate::theory::bounds::{self, BoundSpec, TheoryParams};

/// The left-out m's error of a reading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HeldOut {
    /// The m left out of the fit.
    pub m: u64,
    /// Root-mean-square of ln(measured / predicted) over its points.
    pub log_error: f64,
    /// Root-mean-square of the prediction's miss in units of each point's own
    /// half-interval (within 1: typically inside the measured intervals; docs/science.md §8);
    /// null where its points have no interval.
    #[serde(default)]
    pub interval_miss: Option<f64>,
}

/// One finite-m reading fitted to the curves of one (method, width).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Reading {
    /// `floor` or `exponent`.
    pub id: String,
    /// The bound it is (`caulk_m` or `caulk_m_rate`).
    pub bound: String,
    /// Always `model`: this app's assumption, not the paper's statement.
    pub status: String,
    /// Its formula in words, with the fitted constants.
    pub formula: String,
    /// C, shared by every m.
    pub c: f64,
    /// C_pre of the floor reading (null for the exponent reading).
    pub c_pre: Option<f64>,
    /// C_ρ of the exponent reading (null for the floor reading).
    pub c_rho: Option<f64>,
    /// The reading's n-exponent at each m of the group, in order (the floor reading's is the
    /// same at every m).
    pub exponents: Vec<f64>,
    /// The fitted curve at each m (rows in m order, values on the grid).
    pub fitted: Vec<Vec<f64>>,
    /// Root-mean-square log residual over every point, fitted on every m.
    pub log_rms: f64,
    /// The largest m, left out of the fit (null with fewer than two m).
    pub heldout_m: Option<u64>,
    /// Its prediction's log error (null with fewer than two m).
    pub heldout_log_error: Option<f64>,
    /// Each m left out in turn.
    pub heldout: Vec<HeldOut>,
}

/// Which reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `caulk_m`.
    Floor,
    /// `caulk_m_rate`.
    Exponent,
}

impl Kind {
    /// Both readings, floor first.
    pub const ALL: [Kind; 2] = [Kind::Floor, Kind::Exponent];

    fn id(self) -> &'static str {
        match self {
            Kind::Floor => "floor",
            Kind::Exponent => "exponent",
        }
    }

    fn bound(self) -> &'static str {
        match self {
            Kind::Floor => "caulk_m",
            Kind::Exponent => "caulk_m_rate",
        }
    }
}

/// Fitted constants: (C, the second constant).
type Constants = (f64, f64);

impl Kind {
    /// The bound this reading is (its risk and exponent are the reading's).
    fn spec(self) -> &'static BoundSpec {
        bounds::spec(self.bound()).expect("caulk_m and caulk_m_rate are in the registry (tested)")
    }

    /// `p` with the reading's fitted constants: C and C_pre, or C and C_ρ.
    fn with(self, p: &TheoryParams, (c, second): Constants) -> TheoryParams {
        match self {
            Kind::Floor => TheoryParams {
                c,
                c_pre: second,
                ..*p
            },
            Kind::Exponent => TheoryParams {
                c,
                c_rho: second,
                ..*p
            },
        }
    }
}

/// The reading's curve at source size m on the grid `n`, with constants `k`: its bound's risk.
fn predict(p: &TheoryParams, kind: Kind, k: Constants, m: f64, n: &[u64]) -> Vec<f64> {
    let q = kind.with(p, k);
    n.iter()
        .map(|&x| (kind.spec().risk)(&q, x as f64, m))
        .collect()
}

/// r(m) of the exponent reading with C_ρ = `c_rho`.
fn rate(p: &TheoryParams, c_rho: f64, m: f64) -> f64 {
    bounds::caulk_m_rate(&TheoryParams { c_rho, ..*p }, m)
}

/// The measured (n, mean) points of a curve with a positive mean.
fn points(cv: &CurveResult) -> impl Iterator<Item = (u64, f64)> + '_ {
    cv.n.iter()
        .zip(&cv.risk_mean)
        .filter_map(|(&n, y)| y.filter(|y| *y > 0.0 && y.is_finite()).map(|y| (n, y)))
}

/// The exponent reading's (C, C_ρ) by relative least squares; None without two points.
fn fit_exponent(p: &TheoryParams, group: &[&CurveResult]) -> Option<Constants> {
    // For a given C_ρ: the best C and the objective.
    let at = |c_rho: f64| -> Option<(f64, f64)> {
        let ratios: Vec<f64> = group
            .iter()
            .flat_map(|cv| {
                let r = rate(p, c_rho, cv.m.unwrap_or(1) as f64);
                points(cv).map(move |(n, y)| (n as f64).powf(-r) / y)
            })
            .collect();
        if ratios.len() < 2 {
            return None;
        }
        let (s1, s2) = ratios
            .iter()
            .fold((0.0, 0.0), |(a, b), q| (a + q, b + q * q));
        let c = s1 / s2;
        let obj = ratios.iter().map(|q| (c * q - 1.0).powi(2)).sum::<f64>();
        (c > 0.0 && c.is_finite()).then_some((c, obj))
    };
    let score = |ln_k: f64| at(ln_k.exp()).map_or(f64::INFINITY, |(_, o)| o);
    // A coarse grid over ln C_ρ, then golden-section search around its best cell.
    let (lo, hi, steps) = ((1e-3f64).ln(), (1e5f64).ln(), 64);
    let grid: Vec<f64> = (0..=steps)
        .map(|i| lo + (hi - lo) * i as f64 / steps as f64)
        .collect();
    let best = (0..grid.len()).min_by(|&a, &b| score(grid[a]).total_cmp(&score(grid[b])))?;
    let (mut a, mut b) = (
        grid[best.saturating_sub(1)],
        grid[(best + 1).min(grid.len() - 1)],
    );
    let g = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..60 {
        let (x1, x2) = (b - g * (b - a), a + g * (b - a));
        if score(x1) <= score(x2) {
            b = x2;
        } else {
            a = x1;
        }
    }
    let k = ((a + b) / 2.0).exp();
    let (c, obj) = at(k)?;
    // C_ρ = 0 (the limit rate at every m) where it fits better.
    match at(0.0) {
        Some((c0, obj0)) if obj0 <= obj => Some((c0, 0.0)),
        _ => Some((c, k)),
    }
}

/// The reading's constants fitted to `group`.
fn fit(p: &TheoryParams, kind: Kind, group: &[&CurveResult]) -> Option<Constants> {
    match kind {
        Kind::Floor => calibrate_caulk_m(p, group),
        Kind::Exponent => fit_exponent(p, group),
    }
}

/// Root-mean-square of ln(y/ŷ) over a curve's points against `pred` (as the floor fit
/// scores its rows); None without a measured point.
fn log_error(cv: &CurveResult, pred: Vec<f64>) -> Option<f64> {
    let r = row(cv, pred, None);
    (r.points > 0).then_some(r.log_rms)
}

/// [`log_error`] of the reading with constants `k` on `cv`.
fn error_of(p: &TheoryParams, kind: Kind, k: Constants, cv: &CurveResult) -> Option<f64> {
    log_error(cv, predict(p, kind, k, cv.m.unwrap_or(1) as f64, &cv.n))
}

/// One reading of `group` (curves of one method and width, sorted by m), fitted on every m,
/// with each m held out in turn; None where its constants cannot be fitted.
pub fn reading(p: &TheoryParams, kind: Kind, group: &[&CurveResult]) -> Option<Reading> {
    let k = fit(p, kind, group)?;
    let fitted: Vec<Vec<f64>> = group
        .iter()
        .map(|cv| predict(p, kind, k, cv.m.unwrap_or(1) as f64, &cv.n))
        .collect();
    let all: Vec<f64> = group
        .iter()
        .zip(&fitted)
        .filter_map(|(cv, pred)| log_error(cv, pred.clone()))
        .collect();
    let log_rms = (all.iter().map(|v| v * v).sum::<f64>() / all.len().max(1) as f64).sqrt();
    let heldout: Vec<HeldOut> = if group.len() < 2 {
        Vec::new()
    } else {
        (0..group.len())
            .filter_map(|i| {
                let rest: Vec<&CurveResult> = group
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, cv)| *cv)
                    .collect();
                let k = fit(p, kind, &rest)?;
                let cv = group[i];
                let pred = predict(p, kind, k, cv.m.unwrap_or(1) as f64, &cv.n);
                let misses: Vec<f64> = pred
                    .iter()
                    .enumerate()
                    .filter_map(|(j, &y)| interval_miss(cv, j, y))
                    .collect();
                Some(HeldOut {
                    m: cv.m.unwrap_or(0),
                    log_error: error_of(p, kind, k, cv)?,
                    interval_miss: (!misses.is_empty()).then(|| {
                        (misses.iter().map(|z| z * z).sum::<f64>() / misses.len() as f64).sqrt()
                    }),
                })
            })
            .collect()
    };
    let last = group.last().and_then(|cv| cv.m);
    let held_last = heldout.iter().find(|h| Some(h.m) == last);
    let q = kind.with(p, k);
    let exponents = group
        .iter()
        .map(|cv| (kind.spec().exponent)(&q, cv.m.unwrap_or(1) as f64))
        .collect();
    let formula = match kind {
        Kind::Floor => format!(
            "R = C·(n^−{:.3} + C_pre·ε_pre(m)^s), C = {:.3e}, C_pre = {:.3e}",
            bounds::caulk_limit_rate(p),
            k.0,
            k.1
        ),
        Kind::Exponent => format!(
            "R = C·n^−2/(2+ρ(m)), ρ(m) = 1/s + C_ρ·ε_pre(m), C = {:.3e}, C_ρ = {:.3e}",
            k.0, k.1
        ),
    };
    Some(Reading {
        id: kind.id().into(),
        bound: kind.bound().into(),
        status: "model".into(),
        formula,
        c: k.0,
        c_pre: (kind == Kind::Floor).then_some(k.1),
        c_rho: (kind == Kind::Exponent).then_some(k.1),
        exponents,
        fitted,
        log_rms,
        heldout_m: held_last.map(|h| h.m),
        heldout_log_error: held_last.map(|h| h.log_error),
        heldout,
    })
}

/// Both readings of `group`.
pub fn readings(p: &TheoryParams, group: &[&CurveResult]) -> Vec<Reading> {
    Kind::ALL
        .iter()
        .filter_map(|&k| reading(p, k, group))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Method;

    fn params() -> TheoryParams {
        TheoryParams::from_config(&crate::config::parse_fragment("v=1&preset=headline").config)
    }

    fn curve(m: u64, n: &[u64], y: Vec<f64>) -> CurveResult {
        let risks = y.iter().map(|v| vec![*v]).collect();
        CurveResult::of_risks(Method::CaulkSpline, m, n, risks, 0.01)
    }

    const N: [u64; 6] = [64, 128, 256, 512, 1024, 2048];
    const M: [u64; 4] = [300, 3000, 30_000, 300_000];

    /// Curves made from the exponent reading are fitted back to its constants, and the held-out
    /// m is predicted exactly by it and worse by the floor reading.
    #[test]
    fn exponent_curves_are_recovered_and_predict_a_held_out_m() {
        let p = params();
        let curves: Vec<CurveResult> = M
            .iter()
            .map(|&m| {
                curve(
                    m,
                    &N,
                    predict(&p, Kind::Exponent, (0.7, 25.0), m as f64, &N),
                )
            })
            .collect();
        let group: Vec<&CurveResult> = curves.iter().collect();
        let [floor, exponent] =
            [Kind::Floor, Kind::Exponent].map(|k| reading(&p, k, &group).unwrap());
        assert!((exponent.c - 0.7).abs() < 1e-6, "{}", exponent.c);
        assert!(
            (exponent.c_rho.unwrap() - 25.0).abs() < 1e-3,
            "{:?}",
            exponent.c_rho
        );
        assert!(exponent.log_rms < 1e-6);
        assert_eq!(exponent.heldout_m, Some(300_000));
        assert!(exponent.heldout_log_error.unwrap() < 1e-5);
        assert!(floor.heldout_log_error.unwrap() > 10.0 * exponent.heldout_log_error.unwrap());
        // The exponent rises (toward −r) with m.
        assert!(exponent.exponents.windows(2).all(|w| w[1] < w[0]));
        assert_eq!(floor.status, "model");
    }

    /// Curves made from the floor reading: the floor reading recovers them and predicts the
    /// held-out m better than the exponent reading.
    #[test]
    fn floor_curves_favour_the_floor_reading() {
        let p = params();
        let curves: Vec<CurveResult> = M
            .iter()
            .map(|&m| curve(m, &N, predict(&p, Kind::Floor, (0.8, 0.3), m as f64, &N)))
            .collect();
        let group: Vec<&CurveResult> = curves.iter().collect();
        let [floor, exponent] =
            [Kind::Floor, Kind::Exponent].map(|k| reading(&p, k, &group).unwrap());
        assert!((floor.c - 0.8).abs() < 1e-9 && (floor.c_pre.unwrap() - 0.3).abs() < 1e-9);
        assert!(floor.heldout_log_error.unwrap() < 1e-9);
        assert!(exponent.heldout_log_error.unwrap() > floor.heldout_log_error.unwrap());
        assert_eq!(floor.heldout.len(), 4);
    }
}
