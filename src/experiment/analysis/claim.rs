//! The paper's title claim drawn from measured data: *target sample complexity falls as
//! pre-trained models scale*. For each (method, width) measured at several source sizes m,
//! one row per m:
//!
//! - the mean excess risk at one n of the grid (`at_n`; the largest by default) with its
//!   95 % interval over seeds (the curve's own interval at that n, crate::experiment::analysis::stats);
//! - n_ε, the smallest n whose mean risk reaches ε, read off the curve by log-log
//!   interpolation between grid points ([`n_eps_from_data`]), with a 95 % interval read off
//!   the curve's band the same way: where its lower end reaches ε and where its upper end
//!   does (it covers n_ε whenever the band covers the mean curve there); an upper end beyond
//!   the grid is reported as "> n_max" (null), never extrapolated;
//! - the n_ε(m) of the `caulk_m` bound R(n, m) = C·(n^(−r) + C_pre·ε_pre(m)^s) (r = 2s/(2s+1),
//!   ε_pre(m) = m^(−2s_φ/(2s_φ+d)), the app's model) with C and C_pre calibrated to the same
//!   curves by least squares of the relative residual ([`crate::experiment::analysis::model_fit`], which also says
//!   how well the model fits each m).
//!   The bound's n_ε is null where its floor C_pre·b_i is at or above ε.
//!
//! Beside the rows: the limit rate's n_ε with the same C, (C/ε)^(1/r): the floor that no m
//! goes below in the model. On real data (`digits`) only the measured rows are given: the
//! model's exponents are those of Hölder classes, which digits are not.
//!
//! Whether the data show the paper's mechanism: the **paired** changes between neighbouring m
//! (the same seeds' target data at every m, [`crate::experiment::analysis::paired`]: slope on the small-n window,
//! risk at the largest n, with Student-t intervals), both finite-m **readings** (floor and
//! exponent, [`crate::experiment::analysis::readings`]) with each m held out in turn, and a one-sentence
//! **verdict** from them, whichever way it falls.

use serde::{Deserialize, Serialize};

use crate::config::{Config, Method};
use crate::experiment::analysis::curve::CurveResult;
use crate::experiment::analysis::model_fit::{model_fit, ModelFit};
use crate::experiment::analysis::paired::{neighbours, PairedChange};
use crate::experiment::analysis::readings::{readings, Reading};
use crate::experiment::analysis::stats::{n_eps_band, n_eps_from_data};
use crate::theory::bounds::{self, TheoryParams};

/// One m of a claim series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ClaimRow {
    /// Source sample size.
    pub m: u64,
    /// Mean risk at the claim's n (null where no seed finished there).
    pub risk: Option<f64>,
    /// Its 95 % interval, lower end.
    pub risk_lo: Option<f64>,
    /// Upper end.
    pub risk_hi: Option<f64>,
    /// n_ε read off the mean curve; null when the grid's largest n does not reach ε.
    pub n_eps: Option<f64>,
    /// n_ε's 95 % interval, lower end: where the band's lower end reaches ε (null when even
    /// it lies beyond the grid).
    pub n_eps_lo: Option<f64>,
    /// Upper end: where the band's upper end reaches ε; null when it does not in the grid
    /// ("> n_max").
    pub n_eps_hi: Option<f64>,
    /// The calibrated `caulk_m` bound's n_ε at this m (null where its floor is ≥ ε).
    pub bound_n_eps: Option<f64>,
}

/// One (method, width) measured at several m.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ClaimSeries {
    /// Method id.
    pub method: Method,
    /// Backbone width.
    pub width: usize,
    /// Legend text.
    pub label: String,
    /// One row per m, increasing.
    pub rows: Vec<ClaimRow>,
    /// C of the calibrated `caulk_m` bound.
    pub c: Option<f64>,
    /// C_pre of the calibrated `caulk_m` bound.
    pub c_pre: Option<f64>,
    /// The limit rate's n_ε with the calibrated C: (C/ε)^(1/r).
    pub limit_n_eps: Option<f64>,
    /// The fitted `caulk_m` model per m and how well it fits ([`crate::experiment::analysis::model_fit`]).
    #[serde(default)]
    pub model: Option<ModelFit>,
    /// Paired changes between neighbouring m (slope on the small-n window, risk at the
    /// largest n), each with its 95 % Student-t interval over seeds.
    #[serde(default)]
    pub paired: Vec<PairedChange>,
    /// Both finite-m readings (`floor`, `exponent`; status `model`) fitted to these curves,
    /// with the held-out-m errors (synthetic tasks only).
    #[serde(default)]
    pub models: Vec<Reading>,
    /// What the data show, in one sentence (or why nothing pairs).
    #[serde(default)]
    pub verdict: Option<String>,
}

/// The claim table of a result (`caulk run --json`'s `claim`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Claim {
    /// The target excess risk.
    pub eps: f64,
    /// The n at which `risk` is read.
    pub n: u64,
    /// The largest n measured: an n_ε beyond it is "> n_max".
    pub n_max: u64,
    /// The smallest n measured: an n_ε read there is "≤ n_min" (ε reached at the first point).
    #[serde(default)]
    pub n_min: u64,
    /// One series per (method, width) with at least two m.
    pub series: Vec<ClaimSeries>,
}

/// The grid n that `at_n` picks: 0 or none given means the largest, otherwise the grid value
/// nearest in log scale (ties to the smaller).
pub fn pick_n(grid: &[u64], at_n: u64) -> Option<u64> {
    let last = *grid.last()?;
    if at_n == 0 {
        return Some(last);
    }
    let target = (at_n as f64).ln();
    grid.iter()
        .copied()
        .min_by(|a, b| {
            let da = ((*a as f64).ln() - target).abs();
            let db = ((*b as f64).ln() - target).abs();
            da.total_cmp(&db)
        })
        .or(Some(last))
}

/// The claim of `curves` measured under config `c`, for target ε = `eps` at n = `at_n`
/// ([`pick_n`]). None where no (method, width) has two or more m.
pub fn claim(c: &Config, curves: &[CurveResult], eps: f64, at_n: u64) -> Option<Claim> {
    let grid = curves.first()?.n.clone();
    let n = pick_n(&grid, at_n)?;
    let j_at = grid.iter().position(|&x| x == n)?;
    let p = TheoryParams {
        eps,
        ..TheoryParams::from_config(c)
    };
    let mut keys: Vec<(Method, usize)> = Vec::new();
    for cv in curves.iter().filter(|cv| cv.m.is_some()) {
        if !keys.contains(&(cv.method, cv.width)) {
            keys.push((cv.method, cv.width));
        }
    }
    let series: Vec<ClaimSeries> = keys
        .into_iter()
        .filter_map(|(method, width)| {
            let mut group: Vec<&CurveResult> = curves
                .iter()
                .filter(|cv| cv.method == method && cv.width == width && cv.m.is_some())
                .collect();
            if group.len() < 2 {
                return None;
            }
            group.sort_by_key(|cv| cv.m);
            Some(series(&p, &group, j_at, c.preset.synthetic()))
        })
        .collect();
    (!series.is_empty()).then(|| Claim {
        eps,
        n,
        n_max: *grid.last().unwrap_or(&n),
        n_min: *grid.first().unwrap_or(&n),
        series,
    })
}

/// The series of one (method, width): measured rows, and where `theory` (a synthetic task)
/// the calibrated `caulk_m` model beside them.
fn series(p: &TheoryParams, group: &[&CurveResult], j_at: usize, theory: bool) -> ClaimSeries {
    let model = model_fit(p, group).filter(|_| theory);
    let (c_fit, c_pre_fit) = model.as_ref().map(|f| (f.c, f.c_pre)).unzip();
    let fitted = TheoryParams {
        c: c_fit.unwrap_or(p.c),
        c_pre: c_pre_fit.unwrap_or(p.c_pre),
        ..*p
    };
    let bound_n_eps = |m: f64| {
        c_fit?;
        bounds::spec("caulk_m").and_then(|s| bounds::n_eps(s, &fitted, m).ok())
    };
    let limit_n_eps = c_fit.and_then(|_| {
        bounds::spec("caulk_limit").and_then(|s| bounds::n_eps(s, &fitted, f64::INFINITY).ok())
    });
    let method_name = group[0].method.id();
    let rows = group
        .iter()
        .map(|cv| {
            let m = cv.m.unwrap_or(0);
            let n: Vec<f64> = cv.n.iter().map(|&x| x as f64).collect();
            let (lo, hi) = n_eps_band(&n, &cv.risk_lo, &cv.risk_hi, p.eps);
            ClaimRow {
                m,
                risk: cv.risk_mean.get(j_at).copied().flatten(),
                risk_lo: cv.risk_lo.get(j_at).copied().flatten(),
                risk_hi: cv.risk_hi.get(j_at).copied().flatten(),
                n_eps: n_eps_from_data(&n, &cv.risk_mean, p.eps),
                n_eps_lo: lo,
                n_eps_hi: hi,
                bound_n_eps: bound_n_eps(m as f64),
            }
        })
        .collect();
    let label = format!("{method_name} (W = {})", group[0].width);
    let paired = neighbours(group, Some(j_at), p.eps);
    let models = if theory {
        readings(p, group)
    } else {
        Vec::new()
    };
    // Where nothing pairs, the sentence under the figures says why instead of nothing.
    let verdict = verdict(&label, &paired, &models).or_else(|| {
        Some(format!(
            "{label}: no paired comparison between m: it needs at least 2 seeds finished at every n of a grid of at least 3 n, at every m."
        ))
    });
    ClaimSeries {
        method: group[0].method,
        width: group[0].width,
        label,
        rows,
        c: c_fit,
        c_pre: c_pre_fit,
        limit_n_eps,
        model,
        paired,
        models,
        verdict,
    }
}

/// A number with a real minus sign, `digits` decimals.
pub(crate) fn signed(v: f64, digits: usize) -> String {
    format!("{v:.digits$}").replace('-', "−")
}

/// The sample count as people read it (30 000).
fn thousands(m: u64) -> String {
    let s = m.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) && s.len() > 4 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// What the paired changes and the held-out readings show, in one sentence; None without a
/// paired change.
pub fn verdict(label: &str, paired: &[PairedChange], models: &[Reading]) -> Option<String> {
    let first = paired.first()?;
    let last = paired.last()?;
    let steeper = paired.iter().filter(|c| c.d_slope_hi < 0.0).count();
    let flatter = paired.iter().filter(|c| c.d_slope_lo > 0.0).count();
    let lower = paired.iter().filter(|c| c.d_risk_hi < 0.0).count();
    let steps = paired.len();
    let slopes = paired
        .iter()
        .map(|c| {
            format!(
                "{} [{}, {}]",
                signed(c.d_slope, 3),
                signed(c.d_slope_lo, 3),
                signed(c.d_slope_hi, 3)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let slope_part = match (steeper, flatter) {
        (0, 0) => format!(
            "no steepening of the small-n slope (n = {}–{}) is resolved (paired changes {slopes})",
            first.window[0], first.window[1]
        ),
        (s, 0) => format!(
            "the small-n slope (n = {}–{}) steepens at {s} of {steps} steps ({slopes}), as the exponent reading expects",
            first.window[0], first.window[1]
        ),
        (_, f) => format!(
            "the small-n slope (n = {}–{}) flattens at {f} of {steps} steps ({slopes})",
            first.window[0], first.window[1]
        ),
    };
    let classes: Vec<[f64; 3]> = paired.iter().filter_map(|c| c.d_class).collect();
    let class_part = match classes.len() == steps {
        true => {
            let simpler = classes.iter().filter(|c| c[2] < 0.0).count();
            let list = classes
                .iter()
                .map(|c| {
                    format!(
                        "{} [{}, {}]",
                        signed(c[0], 2),
                        signed(c[1], 2),
                        signed(c[2], 2)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "; validation chose a simpler caulk class (fewer features, averaged over n) at {simpler} of {steps} steps (paired changes {list})"
            )
        }
        false => String::new(),
    };
    let neps: Vec<(&PairedChange, [f64; 3])> = paired
        .iter()
        .filter_map(|c| c.d_log_n_eps.map(|d| (c, d)))
        .collect();
    let neps_part = match neps.len() {
        0 => String::new(),
        k => {
            let falls = neps.iter().filter(|(_, d)| d[2] < 0.0).count();
            let list = neps
                .iter()
                .map(|(c, d)| {
                    format!(
                        "m = {} → {}: ×{:.2} [{:.2}, {:.2}]",
                        thousands(c.m_from),
                        thousands(c.m_to),
                        d[0].exp(),
                        d[1].exp(),
                        d[2].exp()
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("; n_ε falls resolvably at {falls} of the {k} steps where both curves reach ε ({list})")
        }
    };
    let risk_part = if lower == 0 {
        format!("no fall of the risk at n = {} is resolved", last.n_risk)
    } else {
        format!(
            "the risk at n = {} falls at {lower} of {steps} steps",
            last.n_risk
        )
    };
    let held = |id: &str| {
        models
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| Some((r.heldout_m?, r.heldout_log_error?)))
    };
    // The held-out m's miss in units of its points' half-intervals, where known.
    let units = |id: &str| {
        models
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| r.heldout.iter().find(|h| Some(h.m) == r.heldout_m))
            .and_then(|h| h.interval_miss)
            .map_or(String::new(), |z| format!(" ({z:.1} half-intervals)"))
    };
    let pct = |e: f64| format!("{:.0} %", (e.exp() - 1.0) * 100.0);
    let model_part = match (held("floor"), held("exponent")) {
        (Some((m, ef)), Some((_, ee))) => {
            let better = if (ef - ee).abs() < 0.02 {
                "neither reading predicts it clearly better".to_string()
            } else if ef < ee {
                "the floor reading predicts it better".to_string()
            } else {
                "the exponent reading predicts it better".to_string()
            };
            format!(
                "; fitted on the other m, the floor reading misses m = {} by {} typically{} and the exponent reading by {}{}: {better}",
                thousands(m),
                pct(ef),
                units("floor"),
                pct(ee),
                units("exponent")
            )
        }
        _ => String::new(),
    };
    Some(format!(
        "{label}, paired over {} seeds from m = {} to {}: {slope_part}; {risk_part}{neps_part}{class_part}{model_part}.",
        first.seeds,
        thousands(first.m_from),
        thousands(last.m_to)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(m: u64, n: &[u64], risks: Vec<Vec<f64>>) -> CurveResult {
        CurveResult::of_risks(Method::CaulkSpline, m, n, risks, 0.0)
    }

    fn headline() -> Config {
        crate::config::parse_fragment("v=1&preset=headline").config
    }

    #[test]
    fn pick_n_takes_the_largest_or_the_nearest_in_log_scale() {
        let grid = [64, 256, 1024];
        assert_eq!(pick_n(&grid, 0), Some(1024));
        assert_eq!(pick_n(&grid, 200), Some(256));
        assert_eq!(pick_n(&grid, 100), Some(64)); // ln 100 is nearer ln 64 than ln 256
        assert_eq!(pick_n(&grid, 5000), Some(1024));
        assert_eq!(pick_n(&[], 0), None);
    }

    /// Curves made exactly from the model are calibrated back to its constants, and each
    /// row's bound n_ε equals the model's own.
    #[test]
    fn calibration_recovers_the_constants_of_exact_model_curves() {
        let c = headline();
        let p = TheoryParams::from_config(&c);
        let (c0, c_pre0) = (0.8, 0.3);
        let r = bounds::caulk_limit_rate(&p);
        let n = [64u64, 128, 256, 512, 1024, 2048];
        let curves: Vec<CurveResult> = [300u64, 3000, 30000]
            .iter()
            .map(|&m| {
                let floor = c0 * c_pre0 * bounds::eps_pre(&p, m as f64).powf(p.s);
                let risks = n
                    .iter()
                    .map(|&x| vec![c0 * (x as f64).powf(-r) + floor; 3])
                    .collect();
                curve(m, &n, risks)
            })
            .collect();
        let got = claim(&c, &curves, 0.05, 0).expect("three m");
        let s = &got.series[0];
        assert!((s.c.unwrap() - c0).abs() < 1e-9, "{:?}", s.c);
        assert!((s.c_pre.unwrap() - c_pre0).abs() < 1e-9, "{:?}", s.c_pre);
        let truth = TheoryParams {
            c: c0,
            c_pre: c_pre0,
            eps: 0.05,
            ..p
        };
        for row in &s.rows {
            let want = bounds::n_eps(bounds::spec("caulk_m").unwrap(), &truth, row.m as f64).ok();
            assert_eq!(row.bound_n_eps, want, "m = {}", row.m);
        }
        // The limit's n_ε is below every m's: the model's floor.
        let limit = s.limit_n_eps.unwrap();
        assert!(s
            .rows
            .iter()
            .all(|row| row.bound_n_eps.is_none_or(|b| b >= limit)));
        assert_eq!(got.n, 2048);
        assert_eq!(got.n_max, 2048);
    }

    /// n_ε read off the data falls with m when the curves do, its interval holds it, and a
    /// curve that never reaches ε has no n_ε and no upper end ("> n_max").
    #[test]
    fn measured_n_eps_falls_with_m_and_is_never_extrapolated() {
        let c = headline();
        let n = [64u64, 256, 1024];
        // Seeds scattered ±10 % around a curve that shifts down with m.
        let make = |m: u64, scale: f64| {
            let risks = n
                .iter()
                .map(|&x| {
                    let base = scale * (x as f64).powf(-0.5);
                    vec![base * 0.9, base, base * 1.1, base * 0.95]
                })
                .collect();
            curve(m, &n, risks)
        };
        let curves = vec![make(300, 3.0), make(3000, 1.5), make(30000, 1.0)];
        let eps = 0.06;
        let got = claim(&c, &curves, eps, 256).unwrap();
        assert_eq!(got.n, 256);
        let rows = &got.series[0].rows;
        // m = 300: 3/√1024 = 0.094 > ε everywhere: not reached, no upper end.
        assert_eq!(rows[0].n_eps, None);
        assert_eq!(rows[0].n_eps_hi, None);
        let (a, b) = (rows[1].n_eps.unwrap(), rows[2].n_eps.unwrap());
        assert!(b < a, "{b} < {a}");
        for row in &rows[1..] {
            let (lo, mid) = (row.n_eps_lo.unwrap(), row.n_eps.unwrap());
            assert!(lo <= mid, "{lo} ≤ {mid}");
            if let Some(hi) = row.n_eps_hi {
                assert!(mid <= hi && hi <= 1024.0, "{mid} ≤ {hi} ≤ 1024");
            }
        }
        // The risk column is the curve at n = 256.
        assert_eq!(rows[2].risk, curves[2].risk_mean[1]);
    }

    fn change(d_slope: [f64; 3], d_risk: [f64; 3]) -> PairedChange {
        PairedChange {
            m_from: 300,
            m_to: 3000,
            window: [64, 256],
            d_slope: d_slope[0],
            d_slope_lo: d_slope[1],
            d_slope_hi: d_slope[2],
            n_risk: 2048,
            d_risk: d_risk[0],
            d_risk_lo: d_risk[1],
            d_risk_hi: d_risk[2],
            d_class: None,
            d_log_n_eps: None,
            seeds: 8,
            interval: "t".into(),
        }
    }

    /// The verdict says what the paired intervals resolve, whichever way they fall.
    #[test]
    fn the_verdict_says_what_is_resolved_and_what_is_not() {
        let flat = [change([-0.05, -0.2, 0.1], [-0.004, -0.007, -0.001])];
        let v = verdict("spline", &flat, &[]).unwrap();
        assert!(
            v.contains("no steepening of the small-n slope (n = 64–256) is resolved"),
            "{v}"
        );
        assert!(
            v.contains("the risk at n = 2048 falls at 1 of 1 steps"),
            "{v}"
        );
        assert!(v.contains("from m = 300 to 3000"), "{v}");
        let steeper = [change([-0.2, -0.3, -0.1], [0.001, -0.002, 0.004])];
        let v = verdict("spline", &steeper, &[]).unwrap();
        assert!(
            v.contains("steepens at 1 of 1 steps (−0.200 [−0.300, −0.100])"),
            "{v}"
        );
        assert!(
            v.contains("no fall of the risk at n = 2048 is resolved"),
            "{v}"
        );
        let fewer = [PairedChange {
            d_log_n_eps: Some([0.5f64.ln(), 0.25f64.ln(), 0.9f64.ln()]),
            ..change([-0.05, -0.2, 0.1], [-0.004, -0.007, -0.001])
        }];
        let v = verdict("spline", &fewer, &[]).unwrap();
        assert!(
            v.contains("n_ε falls resolvably at 1 of the 1 steps where both curves reach ε (m = 300 → 3000: ×0.50 [0.25, 0.90])"),
            "{v}"
        );
        let simpler = [PairedChange {
            d_class: Some([-0.8, -1.1, -0.5]),
            ..change([-0.05, -0.2, 0.1], [-0.004, -0.007, -0.001])
        }];
        let v = verdict("select", &simpler, &[]).unwrap();
        assert!(
            v.contains("chose a simpler caulk class (fewer features, averaged over n) at 1 of 1 steps (paired changes −0.80 [−1.10, −0.50])"),
            "{v}"
        );
        assert_eq!(verdict("spline", &[], &[]), None);
        assert_eq!(thousands(30_000), "30 000");
        assert_eq!(thousands(3000), "3000");
    }

    /// Too few seeds to pair: the series says so instead of showing no sentence.
    #[test]
    fn a_claim_on_one_seed_says_why_nothing_pairs() {
        let c = headline();
        let n = [64u64, 256, 1024];
        let one = |m: u64, y: f64| {
            curve(
                m,
                &n,
                n.iter().map(|&x| vec![y / (x as f64).sqrt()]).collect(),
            )
        };
        let got = claim(&c, &[one(300, 2.0), one(3000, 1.0)], 0.05, 0).unwrap();
        let s = &got.series[0];
        assert!(s.paired.is_empty());
        let v = s.verdict.as_deref().unwrap_or("");
        assert!(
            v.contains("no paired comparison between m: it needs at least 2 seeds"),
            "{v}"
        );
    }

    #[test]
    fn one_m_makes_no_claim() {
        let c = headline();
        let curves = vec![curve(300, &[64, 128], vec![vec![0.1], vec![0.05]])];
        assert_eq!(claim(&c, &curves, 0.02, 0), None);
    }
}
