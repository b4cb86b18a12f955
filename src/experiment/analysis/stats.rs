//! Statistics of a learning curve measured over seeds (docs/science.md §8): the mean risk
//! with a 95 % interval, the log-log slope over the n-window with a 95 % interval, local
//! slopes between neighbouring n, n_ε read off the data, and flags for fits that should not
//! be trusted; Student's t (its 97.5 % quantile, the interval of a mean) for the paired
//! comparisons and imported slopes.
//!
//! **The mean's interval** (`cox-log`). Risks over seeds are positive and right-skewed (close
//! to log-normal: the log risks' spread is 0.1-0.6 in the shipped results). For a log-normal
//! sample of size S with log-mean ȳ and log-variance s², the mean exp(μ + σ²/2) has the
//! modified Cox interval (Armstrong 1992; Zhou and Gao 1997)
//!   exp( ȳ + s²/2 ± t_{0.975, S−1} · √(s²/S + s⁴/(2(S − 1))) ).
//! Where a risk is not positive it is the Student-t interval of the raw mean (`t`). The
//! percentile bootstrap it replaces covered 0.77, 0.87 and 0.90 at S = 4, 8, 16; this one
//! covers 0.94-0.96 on log-normal and Gaussian risks at S = 3 … 16 (`caulk bench coverage`,
//! BENCHMARKS.md). With fewer than [`MIN_INTERVAL_SEEDS`] seeds no interval is drawn.
//!
//! **The slope's interval** (`jackknife-t`). The slope b̂ of ln(mean risk) on ln n; seed i
//! left out gives b̂_(i); SE² = (S − 1)/S · Σ (b̂_(i) − b̄)², interval b̂ ± t_{0.975, S−1}·SE
//! (the delete-one jackknife, Efron and Tibshirani 1993 §11, with t quantiles). Seeds are left
//! out jointly across n, so it needs the same seeds at every n.
//!
//! **n_ε's interval** (`band`): the n where the mean's interval crosses ε, the upper end
//! giving the larger n (claim.rs): it covers n_ε whenever the band covers the mean curve there.

use serde::Serialize;

use crate::theory::power_law;

/// Fewer seeds than this and no interval is drawn ("k seeds: no interval"): with two the
/// interval's width rests on one degree of freedom (t = 12.7), as uninformative as it is
/// unstable.
pub const MIN_INTERVAL_SEEDS: usize = 3;
/// Fewer points than this and the slope is flagged.
pub const MIN_FIT_POINTS: usize = 4;
/// A difference of the half-window slopes above this flags a bending curve.
pub const BEND: f64 = 0.2;

/// Summary of one curve: `risks[j]` holds the finished, non-diverged seeds' risks at n_j.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurveStats {
    /// Mean risk per n (null where no seed finished).
    pub risk_mean: Vec<Option<f64>>,
    /// The mean's 95 % interval, lower end (module doc; null with fewer than
    /// [`MIN_INTERVAL_SEEDS`] seeds).
    pub risk_lo: Vec<Option<f64>>,
    /// Upper end.
    pub risk_hi: Vec<Option<f64>>,
    /// Log-log least-squares slope of the mean curve.
    pub slope: Option<f64>,
    /// The slope's 95 % jackknife-t interval over seeds, lower end.
    pub slope_lo: Option<f64>,
    /// Upper end.
    pub slope_hi: Option<f64>,
    /// Slopes between neighbouring n.
    pub local_slopes: Vec<Option<f64>>,
    /// Why the slope should not be read as a power law, if so.
    pub flags: Vec<String>,
    /// How the intervals were computed: `cox-log`, `t` (a point with a risk ≤ 0) or `none`
    /// for the mean; `jackknife-t` or `none` for the slope (module doc).
    pub interval: IntervalMethods,
}

/// The methods behind a curve's intervals, as the results JSON states them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct IntervalMethods {
    /// The mean risk's: `cox-log`, `t`, `cox-log+t` (both, at different n), `given` (imported
    /// rows' own) or `none`.
    pub risk: String,
    /// The slope's: `jackknife-t`, `t-fit` (imported single rows: the fit's residuals) or `none`.
    pub slope: String,
}

/// The mean of `v` and its 95 % interval (module doc) with the method's id; None with fewer
/// than [`MIN_INTERVAL_SEEDS`] values or a non-finite one.
pub fn mean_interval(v: &[f64]) -> Option<(f64, f64, f64, &'static str)> {
    let s = v.len();
    if s < MIN_INTERVAL_SEEDS || v.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mean = v.iter().sum::<f64>() / s as f64;
    if v.iter().any(|&x| x <= 0.0) {
        let (_, lo, hi) = t_interval(v)?;
        return Some((mean, lo, hi, "t"));
    }
    let logs: Vec<f64> = v.iter().map(|x| x.ln()).collect();
    let ybar = logs.iter().sum::<f64>() / s as f64;
    let s2 = logs.iter().map(|y| (y - ybar).powi(2)).sum::<f64>() / (s - 1) as f64;
    let half = t975(s - 1) * (s2 / s as f64 + s2 * s2 / (2.0 * (s - 1) as f64)).sqrt();
    let centre = ybar + s2 / 2.0;
    Some((
        mean,
        (centre - half).exp(),
        (centre + half).exp(),
        "cox-log",
    ))
}

/// The delete-one jackknife-t interval of the slope of ln(mean risk) on ln n over seeds
/// (module doc); None unless every n has the same S ≥ [`MIN_INTERVAL_SEEDS`] seeds.
pub fn slope_jackknife(n: &[f64], risks: &[Vec<f64>]) -> Option<(f64, f64)> {
    let s = risks.first()?.len();
    if s < MIN_INTERVAL_SEEDS || risks.iter().any(|r| r.len() != s) {
        return None;
    }
    let full = slope_of(n, &risks.iter().map(|r| mean(r)).collect::<Vec<_>>())?;
    let loo: Vec<f64> = (0..s)
        .map(|i| {
            let means: Vec<Option<f64>> = risks
                .iter()
                .map(|r| {
                    let rest: Vec<f64> = r
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| *k != i)
                        .map(|(_, v)| *v)
                        .collect();
                    mean(&rest)
                })
                .collect();
            slope_of(n, &means)
        })
        .collect::<Option<_>>()?;
    Some(jackknife_t(full, &loo))
}

/// The delete-one jackknife-t interval of a statistic `full` from its leave-one-out values
/// `loo` (S of them): full ± t_{0.975, S−1}·SE, SE² = (S − 1)/S · Σ (loo_i − mean)².
pub fn jackknife_t(full: f64, loo: &[f64]) -> (f64, f64) {
    let s = loo.len().max(2);
    let bar = loo.iter().sum::<f64>() / loo.len().max(1) as f64;
    let se =
        ((s - 1) as f64 / s as f64 * loo.iter().map(|b| (b - bar).powi(2)).sum::<f64>()).sqrt();
    let half = t975(s - 1) * se;
    (full - half, full + half)
}

/// The mean of `v` (None when empty).
pub(in crate::experiment) fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Slope of ln(mean) on ln(n) over the points with a positive mean.
fn slope_of(n: &[f64], means: &[Option<f64>]) -> Option<f64> {
    let (x, y): (Vec<f64>, Vec<f64>) = n
        .iter()
        .zip(means)
        .filter_map(|(a, m)| m.filter(|v| *v > 0.0).map(|v| (*a, v)))
        .unzip();
    power_law(&x, &y).map(|f| f.slope)
}

/// Summarise `risks` (per n, per finished seed) measured at `n` (module doc).
pub fn summarise(n: &[f64], risks: &[Vec<f64>]) -> CurveStats {
    let risk_mean: Vec<Option<f64>> = risks.iter().map(|r| mean(r)).collect();
    let intervals: Vec<Option<(f64, f64, f64, &str)>> =
        risks.iter().map(|r| mean_interval(r)).collect();
    let risk_lo = intervals.iter().map(|i| i.map(|i| i.1)).collect();
    let risk_hi = intervals.iter().map(|i| i.map(|i| i.2)).collect();
    let mut used: Vec<&str> = intervals.iter().flatten().map(|i| i.3).collect();
    used.sort_unstable();
    used.dedup();
    let slope = slope_of(n, &risk_mean);
    let slope_ci = slope_jackknife(n, risks);
    let interval = IntervalMethods {
        risk: match used.is_empty() {
            true => "none".into(),
            false => used.join("+"),
        },
        slope: slope_ci.map_or("none", |_| "jackknife-t").into(),
    };
    let local_slopes = (1..n.len())
        .map(|j| match (risk_mean[j - 1], risk_mean[j]) {
            (Some(a), Some(b)) if a > 0.0 && b > 0.0 => {
                Some((b.ln() - a.ln()) / (n[j].ln() - n[j - 1].ln()))
            }
            _ => None,
        })
        .collect();
    let points = risk_mean.iter().filter(|m| m.is_some()).count();
    let mut flags = Vec::new();
    let fewest = risks.iter().filter(|r| !r.is_empty()).map(Vec::len).min();
    if let Some(k) = fewest.filter(|&k| k < MIN_INTERVAL_SEEDS) {
        flags.push(format!(
            "{k} seed{}: no interval (at least {MIN_INTERVAL_SEEDS} are needed for one that covers)",
            if k == 1 { "" } else { "s" }
        ));
    }
    if points < MIN_FIT_POINTS {
        flags.push(format!(
            "the slope rests on {points} points (fewer than {MIN_FIT_POINTS})"
        ));
    } else {
        let half = n.len().div_ceil(2);
        let first = slope_of(&n[..half], &risk_mean[..half]);
        let second = slope_of(&n[n.len() - half..], &risk_mean[n.len() - half..]);
        if let (Some(a), Some(b)) = (first, second) {
            if (a - b).abs() > BEND {
                flags.push(format!(
                    "the curve bends: slope {a:.2} over the first half of the n-window, {b:.2} over the second"
                ));
            }
        }
    }
    CurveStats {
        risk_mean,
        risk_lo,
        risk_hi,
        slope,
        slope_lo: slope_ci.map(|c| c.0),
        slope_hi: slope_ci.map(|c| c.1),
        local_slopes,
        flags,
        interval,
    }
}

/// t_{0.975, df}: the 97.5 % quantile of Student's t with `df` degrees of freedom (a table to
/// df = 30, then the Cornish-Fisher expansion in 1/df about z = 1.959964, within 1e-4).
pub fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
        2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739,
        2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        _ => {
            let (z, v) = (1.959_963_985_f64, df as f64);
            z + (z.powi(3) + z) / (4.0 * v)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        }
    }
}

/// Mean and 95 % Student-t interval of `v` (None with fewer than two values).
pub fn t_interval(v: &[f64]) -> Option<(f64, f64, f64)> {
    let s = v.len();
    if s < 2 {
        return None;
    }
    let mean = v.iter().sum::<f64>() / s as f64;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (s - 1) as f64;
    let half = t975(s - 1) * (var / s as f64).sqrt();
    Some((mean, mean - half, mean + half))
}

/// n_ε's 95 % interval by inverting the mean's band (module doc): where the band's lower end
/// `lo` reaches ε and where its upper end `hi` does (None: beyond the grid).
pub fn n_eps_band(
    n: &[f64],
    lo: &[Option<f64>],
    hi: &[Option<f64>],
    eps: f64,
) -> (Option<f64>, Option<f64>) {
    (n_eps_from_data(n, lo, eps), n_eps_from_data(n, hi, eps))
}

/// The smallest measured n whose mean risk is at most ε, interpolated log-log between the
/// last point above ε and the first at or below it; `None` when no point reaches ε.
pub fn n_eps_from_data(n: &[f64], means: &[Option<f64>], eps: f64) -> Option<f64> {
    let mut prev: Option<(f64, f64)> = None;
    for (x, m) in n.iter().zip(means) {
        let Some(r) = *m else { continue };
        if r <= eps {
            return Some(match prev {
                Some((px, pr)) if pr > eps && r > 0.0 => {
                    let t = (eps.ln() - pr.ln()) / (r.ln() - pr.ln());
                    (px.ln() + t * (x.ln() - px.ln())).exp().ceil()
                }
                _ => *x,
            });
        }
        prev = Some((*x, r));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The modified Cox interval by hand: logs 0, 1, 2 (S = 3) have ȳ = 1, s² = 1, so the
    /// centre is 1.5 and the half-width t_{0.975,2}·√(1/3 + 1/4) = 4.3027·0.76376.
    #[test]
    fn the_mean_interval_is_the_modified_cox_interval() {
        let e = std::f64::consts::E;
        let (mean, lo, hi, how) = mean_interval(&[1.0, e, e * e]).unwrap();
        let half = 4.3027 * (1.0f64 / 3.0 + 0.25).sqrt();
        assert!((mean - (1.0 + e + e * e) / 3.0).abs() < 1e-12);
        assert!((lo.ln() - (1.5 - half)).abs() < 1e-9 && (hi.ln() - (1.5 + half)).abs() < 1e-9);
        assert_eq!(how, "cox-log");
        // A risk ≤ 0: Student's t on the raw values.
        let (_, lo, hi, how) = mean_interval(&[-1.0, 0.0, 1.0]).unwrap();
        assert_eq!(how, "t");
        assert!((hi - 4.3027 / 3f64.sqrt()).abs() < 1e-9 && (lo + hi).abs() < 1e-12);
        // Too few seeds, or a non-finite one: none.
        assert_eq!(mean_interval(&[1.0, 2.0]), None);
        assert_eq!(mean_interval(&[1.0, 2.0, f64::NAN]), None);
    }

    /// Seeds whose curves differ by a constant factor share one exponent: every leave-one-out
    /// slope equals it and the interval shrinks to it; a seed with another exponent widens it
    /// around the mean curve's slope. Seeds missing at some n: no interval.
    #[test]
    fn the_slope_jackknife_is_exact_for_parallel_seeds() {
        let n = [64.0, 256.0, 1024.0, 4096.0];
        let curve = |c: f64, b: f64| n.map(|x| c * f64::powf(x, b));
        let by_n = |seeds: &[[f64; 4]]| -> Vec<Vec<f64>> {
            (0..4)
                .map(|j| seeds.iter().map(|s| s[j]).collect())
                .collect()
        };
        let parallel = by_n(&[curve(1.0, -0.5), curve(2.0, -0.5), curve(0.5, -0.5)]);
        let (lo, hi) = slope_jackknife(&n, &parallel).unwrap();
        assert!((lo + 0.5).abs() < 1e-12 && (hi + 0.5).abs() < 1e-12);
        let mixed = by_n(&[curve(1.0, -0.5), curve(1.0, -0.3), curve(1.0, -0.4)]);
        let (lo, hi) = slope_jackknife(&n, &mixed).unwrap();
        let b = summarise(&n, &mixed).slope.unwrap();
        assert!(lo < b && b < hi && hi - lo > 0.05, "{lo} {b} {hi}");
        let ragged = vec![
            vec![1.0, 2.0, 3.0],
            vec![1.0, 2.0],
            vec![1.0, 2.0, 3.0],
            vec![1.0, 2.0, 3.0],
        ];
        assert_eq!(slope_jackknife(&n, &ragged), None);
    }

    #[test]
    fn t_quantiles_are_known_values() {
        assert!((t975(1) - 12.7062).abs() < 1e-4);
        assert!((t975(7) - 2.3646).abs() < 1e-4);
        assert!((t975(15) - 2.1314).abs() < 1e-4);
        // Beyond the table: t_{0.975,40} = 2.0211, t_{0.975,120} = 1.9799.
        assert!((t975(40) - 2.0211).abs() < 2e-4, "{}", t975(40));
        assert!((t975(120) - 1.9799).abs() < 1e-4, "{}", t975(120));
    }
}
