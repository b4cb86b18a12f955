//! Paired comparisons of two measured curves that share their target data: the same seed
//! index draws the same target sample and test set for every m (and every method), so the
//! difference of two curves is measured seed by seed and its noise is that of the
//! difference, not of two independent means.
//!
//! For seeds i = 1 … S present at every n of both curves:
//!
//! - slope change: Δb_i = b_i(to) − b_i(from), b_i the least-squares slope of ln risk_i on
//!   ln n over the window (the small-n part of the grid, [`small_n_window`]);
//! - risk change at the claim's n (the largest by default): Δr_i = r_i(to, n) − r_i(from, n);
//! - where the method chooses its caulk class (`caulk-select`), the change of the class
//!   chosen, each seed's averaged over the n grid: Δj_i = j̄_i(to) − j̄_i(from).
//!
//! Each is reported as the mean over seeds with a 95 % Student-t interval,
//! mean ± t_{0.975, S−1}·sd/√S (sd with S − 1 in the denominator). Negative Δb is a steeper
//! curve at `to`; negative Δr a lower risk. A difference is *resolved* when its interval
//! excludes 0.

use serde::{Deserialize, Serialize};

use crate::experiment::analysis::curve::CurveResult;
use crate::experiment::analysis::stats::{n_eps_from_data, t_interval};
use crate::theory::power_law;

/// The paired change from one m to the next of one (method, width).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PairedChange {
    /// The smaller source size.
    pub m_from: u64,
    /// The larger source size.
    pub m_to: u64,
    /// The n-window of the slopes, [n_lo, n_hi].
    pub window: [u64; 2],
    /// Mean over seeds of slope(to) − slope(from) on the window.
    pub d_slope: f64,
    /// Its 95 % Student-t interval, lower end.
    pub d_slope_lo: f64,
    /// Upper end.
    pub d_slope_hi: f64,
    /// The n of the risk change (the claim's n, the largest by default).
    pub n_risk: u64,
    /// Mean over seeds of risk(to) − risk(from) at `n_risk`.
    pub d_risk: f64,
    /// Its 95 % Student-t interval, lower end.
    pub d_risk_lo: f64,
    /// Upper end.
    pub d_risk_hi: f64,
    /// Mean over seeds of the chosen class's change, each seed's class averaged over the
    /// n grid (`caulk-select` only: negative is a simpler class at `to`); with its 95 %
    /// Student-t interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d_class: Option<[f64; 3]>,
    /// The change of ln n_ε (n_ε read off each curve's mean as the claim reads it), with its
    /// 95 % delete-one jackknife-t interval over seeds left out of both curves at once
    /// (`jackknife-t`; docs/science.md §8): exp of it is the ratio n_ε(to)/n_ε(from).
    /// Null where either curve's mean, or a leave-one-out mean, does not reach ε in the grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d_log_n_eps: Option<[f64; 3]>,
    /// Seeds paired.
    pub seeds: usize,
    /// The interval's method: `t` (Student-t on the per-seed differences).
    pub interval: String,
}

/// A paired difference between two methods on one backbone at one n: the same seed index
/// fits both on the same target sample, so the difference is measured seed by seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MethodPair {
    /// The method compared.
    pub method: crate::config::Method,
    /// The method it is compared with (`full` where measured, else the backbone's first).
    pub reference: crate::config::Method,
    /// The backbone's source size (null without pre-training).
    pub m: Option<u64>,
    /// The backbone's width.
    pub width: usize,
    /// Target samples.
    pub n: u64,
    /// Mean over seeds of risk(method) − risk(reference).
    pub d_risk: f64,
    /// Its 95 % Student-t interval, lower end.
    pub d_risk_lo: f64,
    /// Upper end.
    pub d_risk_hi: f64,
    /// Seeds paired.
    pub seeds: usize,
    /// The interval's method: `t`.
    pub interval: String,
}

/// Every method against its backbone's reference (`full` where measured, else the first
/// curve of that (m, width)) at every n where the seeds pair.
pub fn method_pairs(curves: &[CurveResult]) -> Vec<MethodPair> {
    let mut out = Vec::new();
    let mut backbones: Vec<(Option<u64>, usize)> = curves.iter().map(|c| (c.m, c.width)).collect();
    backbones.dedup();
    backbones.sort_unstable();
    backbones.dedup();
    for (m, width) in backbones {
        // A backbone's curves, and the curves without one (`scratch`) of its width: every
        // method fits the same seeds' target samples.
        let same: Vec<&CurveResult> = curves
            .iter()
            .filter(|c| c.width == width && (c.m == m || (c.m.is_none() && m.is_some())))
            .collect();
        let Some(reference) = same
            .iter()
            .find(|c| c.method == crate::config::Method::Full)
            .or(same.first())
        else {
            continue;
        };
        for cv in same
            .iter()
            .filter(|c| c.method != reference.method && c.n == reference.n)
        {
            for (j, &n) in cv.n.iter().enumerate() {
                let (a, b) = (&cv.risks[j], &reference.risks[j]);
                if a.len() != b.len() || a.len() < 2 {
                    continue;
                }
                let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
                if let Some((d_risk, d_risk_lo, d_risk_hi)) = t_interval(&d) {
                    out.push(MethodPair {
                        method: cv.method,
                        reference: reference.method,
                        m: m.or(cv.m),
                        width,
                        n,
                        d_risk,
                        d_risk_lo,
                        d_risk_hi,
                        seeds: d.len(),
                        interval: "t".into(),
                    });
                }
            }
        }
    }
    out
}

/// The small-n window of a grid of `len` points: its first ⌈len/2⌉ points, at least 3 (all
/// of them when fewer), as index bounds [0, end).
pub fn small_n_window(len: usize) -> usize {
    len.div_ceil(2).max(3).min(len)
}

/// Seed i's least-squares slope of ln risk on ln n over the first `end` points.
fn seed_slope(cv: &CurveResult, i: usize, end: usize) -> Option<f64> {
    let (x, y): (Vec<f64>, Vec<f64>) = (0..end)
        .map(|j| (cv.n[j] as f64, cv.risks[j][i]))
        .filter(|(_, r)| *r > 0.0 && r.is_finite())
        .unzip();
    (x.len() == end)
        .then(|| power_law(&x, &y).map(|f| f.slope))
        .flatten()
}

/// The paired change from `from` to `to` (same grid, same seeds at every n), the risk's at
/// grid index `j_risk` (None: the largest n); None where the seeds do not pair (a seed
/// missing at some n) or fewer than two do.
pub fn paired_change(
    from: &CurveResult,
    to: &CurveResult,
    j_risk: Option<usize>,
) -> Option<PairedChange> {
    let len = from.n.len();
    if len < 3 || to.n != from.n || from.risks.len() != len || to.risks.len() != len {
        return None;
    }
    let s = from.risks[0].len();
    let aligned = |cv: &CurveResult| cv.risks.iter().all(|r| r.len() == s);
    if s < 2 || !aligned(from) || !aligned(to) {
        return None;
    }
    let end = small_n_window(len);
    let slopes: Vec<f64> = (0..s)
        .map(|i| Some(seed_slope(to, i, end)? - seed_slope(from, i, end)?))
        .collect::<Option<_>>()?;
    let last = j_risk.filter(|&j| j < len).unwrap_or(len - 1);
    let risks: Vec<f64> = (0..s)
        .map(|i| to.risks[last][i] - from.risks[last][i])
        .collect();
    let (d_slope, d_slope_lo, d_slope_hi) = t_interval(&slopes)?;
    let (d_risk, d_risk_lo, d_risk_hi) = t_interval(&risks)?;
    let d_class = match (&from.class_chosen, &to.class_chosen) {
        (Some(a), Some(b)) => {
            let mean_class = |c: &[Vec<f64>], i: usize| {
                let v: Option<Vec<f64>> = c.iter().map(|at_n| at_n.get(i).copied()).collect();
                v.map(|v| v.iter().sum::<f64>() / v.len() as f64)
            };
            let d: Option<Vec<f64>> = (0..s)
                .map(|i| Some(mean_class(&b.values, i)? - mean_class(&a.values, i)?))
                .collect();
            d.and_then(|d| t_interval(&d))
                .map(|(m, lo, hi)| [m, lo, hi])
        }
        _ => None,
    };
    Some(PairedChange {
        m_from: from.m.unwrap_or(0),
        m_to: to.m.unwrap_or(0),
        window: [from.n[0], from.n[end - 1]],
        d_slope,
        d_slope_lo,
        d_slope_hi,
        n_risk: from.n[last],
        d_risk,
        d_risk_lo,
        d_risk_hi,
        d_class,
        d_log_n_eps: None,
        seeds: s,
        interval: "t".into(),
    })
}

/// The paired changes between neighbouring m of `group` (sorted by m), the risk's at grid
/// index `j_risk` (None: the largest n), n_ε's at `eps`.
pub fn neighbours(group: &[&CurveResult], j_risk: Option<usize>, eps: f64) -> Vec<PairedChange> {
    group
        .windows(2)
        .filter_map(|w| {
            let mut ch = paired_change(w[0], w[1], j_risk)?;
            ch.d_log_n_eps = n_eps_change(w[0], w[1], eps);
            Some(ch)
        })
        .collect()
}

/// Δ ln n_ε from `from` to `to` with its delete-one jackknife-t interval over the seeds they
/// share (module doc of [`PairedChange::d_log_n_eps`]).
pub fn n_eps_change(from: &CurveResult, to: &CurveResult, eps: f64) -> Option<[f64; 3]> {
    if to.n != from.n {
        return None;
    }
    let n: Vec<f64> = from.n.iter().map(|&v| v as f64).collect();
    n_eps_change_of(&n, &from.risks, &to.risks, eps)
}

/// [`n_eps_change`] of two curves' per-seed risks (per n, per seed) on the grid `n`; None
/// unless both have the same S ≥ 3 seeds at every n.
pub fn n_eps_change_of(
    n: &[f64],
    from: &[Vec<f64>],
    to: &[Vec<f64>],
    eps: f64,
) -> Option<[f64; 3]> {
    let s = from.first()?.len();
    let paired = |r: &[Vec<f64>]| r.len() == n.len() && r.iter().all(|r| r.len() == s);
    if s < 3 || !paired(from) || !paired(to) {
        return None;
    }
    // ln n_ε of a curve's mean over the seeds other than `skip`.
    let log_n_eps = |risks: &[Vec<f64>], skip: Option<usize>| {
        let means: Vec<Option<f64>> = risks
            .iter()
            .map(|r| {
                let kept: Vec<f64> = (0..s).filter(|&i| Some(i) != skip).map(|i| r[i]).collect();
                Some(kept.iter().sum::<f64>() / kept.len() as f64)
            })
            .collect();
        n_eps_from_data(n, &means, eps).map(f64::ln)
    };
    let full = log_n_eps(to, None)? - log_n_eps(from, None)?;
    let loo: Vec<f64> = (0..s)
        .map(|i| Some(log_n_eps(to, Some(i))? - log_n_eps(from, Some(i))?))
        .collect::<Option<_>>()?;
    let (lo, hi) = crate::experiment::analysis::stats::jackknife_t(full, &loo);
    Some([full, lo, hi])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Method;

    fn curve(m: u64, n: &[u64], risks: Vec<Vec<f64>>) -> CurveResult {
        CurveResult::of_risks(Method::CaulkSpline, m, n, risks, 0.0)
    }

    /// A hand computation: two seeds' slopes and risks, differences by seed, t with 1 df.
    #[test]
    fn paired_change_is_the_mean_of_per_seed_differences_with_a_t_interval() {
        let n = [64u64, 256, 1024, 4096];
        // Seed 0 of m = 300: r = n^-0.2; seed 1: 2·n^-0.2. m = 3000: n^-0.3 and 2·n^-0.4.
        let pw = |c: f64, b: f64| {
            n.iter()
                .map(|&x| c * (x as f64).powf(b))
                .collect::<Vec<_>>()
        };
        let by_n = |a: Vec<f64>, b: Vec<f64>| (0..4).map(|j| vec![a[j], b[j]]).collect();
        let from = curve(300, &n, by_n(pw(1.0, -0.2), pw(2.0, -0.2)));
        let to = curve(3000, &n, by_n(pw(1.0, -0.3), pw(2.0, -0.4)));
        let p = paired_change(&from, &to, None).unwrap();
        // Window: the first ⌈4/2⌉ = 2 points, at least 3: n = 64 … 1024.
        assert_eq!(p.window, [64, 1024]);
        // Per-seed slope changes −0.1 and −0.2: mean −0.15, sd = 0.0707, half = 12.7062·0.05.
        assert!((p.d_slope + 0.15).abs() < 1e-12);
        let half = 12.7062 * (0.005f64 / 2.0).sqrt();
        assert!((p.d_slope_lo - (-0.15 - half)).abs() < 1e-9);
        assert!((p.d_slope_hi - (-0.15 + half)).abs() < 1e-9);
        // Risk at n = 4096 by seed.
        let d0 = 4096f64.powf(-0.3) - 4096f64.powf(-0.2);
        let d1 = 2.0 * 4096f64.powf(-0.4) - 2.0 * 4096f64.powf(-0.2);
        let (mean, sd) = ((d0 + d1) / 2.0, (d0 - d1).abs() / 2f64.sqrt());
        assert!((p.d_risk - mean).abs() < 1e-12);
        assert!((p.d_risk_hi - (mean + 12.7062 * sd / 2f64.sqrt())).abs() < 1e-9);
        assert_eq!((p.m_from, p.m_to, p.n_risk, p.seeds), (300, 3000, 4096, 2));
        assert_eq!(p.d_class, None);
        // The risk at another n of the grid (the claim's): n = 64, where both seeds move by
        // 64^-0.3 − 64^-0.2 and 2·64^-0.4 − 2·64^-0.2.
        let at = paired_change(&from, &to, Some(0)).unwrap();
        let d = (64f64.powf(-0.3) - 64f64.powf(-0.2) + 2.0 * 64f64.powf(-0.4)
            - 2.0 * 64f64.powf(-0.2))
            / 2.0;
        assert_eq!(at.n_risk, 64);
        assert!((at.d_risk - d).abs() < 1e-12 && at.d_slope == p.d_slope);
    }

    /// The class change: each seed's class averaged over n, differenced by seed.
    #[test]
    fn the_class_change_pairs_seeds_averaged_over_n() {
        let n = [64u64, 256, 1024];
        let risks = vec![vec![0.1, 0.2], vec![0.05, 0.1], vec![0.03, 0.04]];
        let with_class = |m: u64, values: Vec<Vec<f64>>| CurveResult {
            class_chosen: Some(crate::experiment::analysis::curve::LossCurve {
                mean: vec![None; 3],
                lo: vec![None; 3],
                hi: vec![None; 3],
                values,
            }),
            ..curve(m, &n, risks.clone())
        };
        // Seed 0: 3 → 2 on average (classes 2, 3, 4 then 1, 2, 3); seed 1: 5 → 2.
        let from = with_class(300, vec![vec![2.0, 5.0], vec![3.0, 5.0], vec![4.0, 5.0]]);
        let to = with_class(3000, vec![vec![1.0, 2.0], vec![2.0, 2.0], vec![3.0, 2.0]]);
        let [mean, lo, hi] = paired_change(&from, &to, None).unwrap().d_class.unwrap();
        // Differences −1 and −3: mean −2, sd √2, half-width 12.7062·√2/√2.
        assert!((mean + 2.0).abs() < 1e-12);
        assert!((lo - (-2.0 - 12.7062)).abs() < 1e-9 && (hi - (-2.0 + 12.7062)).abs() < 1e-9);
    }

    /// Methods on one backbone pair against `full` seed by seed; a curve whose seeds do not
    /// pair at some n is left out there.
    #[test]
    fn methods_pair_against_full_seed_by_seed() {
        let n = [64u64, 256];
        let of = |method: crate::config::Method, risks: Vec<Vec<f64>>| {
            CurveResult::of_risks(method, 3000, &n, risks, 0.0)
        };
        use crate::config::Method::{Full, Lora, Partial};
        let curves = [
            of(Lora, vec![vec![0.10, 0.20], vec![0.05, 0.07]]),
            of(Full, vec![vec![0.12, 0.25], vec![0.05, 0.06]]),
            of(Partial, vec![vec![0.10], vec![0.05, 0.05]]),
        ];
        let pairs = method_pairs(&curves);
        let at = |m, n| pairs.iter().find(|p| p.method == m && p.n == n);
        let lora = at(Lora, 64).unwrap();
        // Differences −0.02 and −0.05: mean −0.035, sd 0.0212, half 12.7062·0.015.
        assert_eq!(lora.reference, Full);
        assert!((lora.d_risk + 0.035).abs() < 1e-12);
        assert!((lora.d_risk_hi - (-0.035 + 12.7062 * 0.015)).abs() < 1e-9);
        assert!(at(Partial, 64).is_none() && at(Partial, 256).is_some());
        assert!(at(Full, 64).is_none());
    }

    /// Δ ln n_ε: two curves that are exact power laws scaled per seed reach ε where the hand
    /// computation says, and every leave-one-out agrees, so the interval is a point; a curve
    /// that never reaches ε gives none.
    #[test]
    fn the_n_eps_change_reads_both_means_and_jackknifes_the_seeds() {
        let n = [64u64, 256, 1024, 4096];
        let pw = |c: f64| {
            n.iter()
                .map(|&x| c * (x as f64).powf(-0.5))
                .collect::<Vec<_>>()
        };
        let by_n = |c: f64| (0..4).map(|j| vec![pw(c)[j]; 3]).collect::<Vec<_>>();
        // 1·n^-0.5 reaches 0.02 at n = 2500; 0.5·n^-0.5 at n = 625: ratio 1/4 (n_ε is read
        // off as a whole number of samples, rounded up, hence the tolerance).
        let [d, lo, hi] = n_eps_change(
            &curve(300, &n, by_n(1.0)),
            &curve(3000, &n, by_n(0.5)),
            0.02,
        )
        .unwrap();
        assert!(
            (d - 0.25f64.ln()).abs() < 0.005 && (hi - lo).abs() < 1e-9,
            "{d} {lo} {hi}"
        );
        assert_eq!(
            n_eps_change(
                &curve(300, &n, by_n(10.0)),
                &curve(3000, &n, by_n(0.5)),
                0.02
            ),
            None
        );
    }

    /// Seeds that do not pair (one missing at some n) give no paired change.
    #[test]
    fn unpaired_seeds_give_none() {
        let n = [64u64, 256, 1024];
        let from = curve(300, &n, vec![vec![0.1, 0.2], vec![0.05], vec![0.03, 0.04]]);
        let to = curve(
            3000,
            &n,
            vec![vec![0.1, 0.2], vec![0.05, 0.06], vec![0.03, 0.04]],
        );
        assert_eq!(paired_change(&from, &to, None), None);
    }
}
