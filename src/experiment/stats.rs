//! Statistics of a learning curve measured over seeds: mean risk with a 95 % percentile
//! bootstrap interval, the log-log slope over the n-window with a bootstrap interval over
//! seeds, local slopes between neighbouring n, n_ε read off the data, and flags for fits
//! that should not be trusted; and Student's t (its 97.5 % quantile, the interval of a mean)
//! for the paired comparisons and imported slopes.

use serde::Serialize;

use crate::rng::{Rng, Stream};
use crate::theory::power_law;

/// Bootstrap resamples.
pub const BOOTSTRAP: usize = 1000;
/// Fewer points than this and the slope is flagged.
pub const MIN_FIT_POINTS: usize = 4;
/// A difference of the half-window slopes above this flags a bending curve.
pub const BEND: f64 = 0.2;

/// Summary of one curve: `risks[j]` holds the finished, non-diverged seeds' risks at n_j.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurveStats {
    /// Mean risk per n (null where no seed finished).
    pub risk_mean: Vec<Option<f64>>,
    /// 2.5 % bootstrap quantile of the mean.
    pub risk_lo: Vec<Option<f64>>,
    /// 97.5 % bootstrap quantile of the mean.
    pub risk_hi: Vec<Option<f64>>,
    /// Log-log least-squares slope of the mean curve.
    pub slope: Option<f64>,
    /// 2.5 % bootstrap quantile of the slope (seeds resampled).
    pub slope_lo: Option<f64>,
    /// 97.5 % bootstrap quantile of the slope.
    pub slope_hi: Option<f64>,
    /// Slopes between neighbouring n.
    pub local_slopes: Vec<Option<f64>>,
    /// Why the slope should not be read as a power law, if so.
    pub flags: Vec<String>,
}

/// The mean of `v` (None when empty).
pub(super) fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    (!sorted.is_empty()).then(|| sorted[((sorted.len() - 1) as f64 * q).round() as usize])
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

/// Summarise `risks` (per n, per finished seed) measured at `n`; `seed` drives the bootstrap.
pub fn summarise(n: &[f64], risks: &[Vec<f64>], seed: u64) -> CurveStats {
    let mut rng = Rng::new(seed, Stream::Bootstrap);
    let risk_mean: Vec<Option<f64>> = risks.iter().map(|r| mean(r)).collect();
    let mut risk_lo = Vec::new();
    let mut risk_hi = Vec::new();
    for r in risks {
        let mut boot: Vec<f64> = (0..if r.is_empty() { 0 } else { BOOTSTRAP })
            .map(|_| {
                (0..r.len())
                    .map(|_| r[(rng.next_u64() % r.len() as u64) as usize])
                    .sum::<f64>()
                    / r.len() as f64
            })
            .collect();
        boot.sort_by(f64::total_cmp);
        risk_lo.push(quantile(&boot, 0.025));
        risk_hi.push(quantile(&boot, 0.975));
    }
    let slope = slope_of(n, &risk_mean);
    // Seeds resampled jointly across n where every n has the same seeds; otherwise per n.
    let mut boot_slopes: Vec<f64> = (0..BOOTSTRAP)
        .filter_map(|_| {
            let means: Vec<Option<f64>> = risks
                .iter()
                .map(|r| {
                    (!r.is_empty()).then(|| {
                        (0..r.len())
                            .map(|_| r[(rng.next_u64() % r.len() as u64) as usize])
                            .sum::<f64>()
                            / r.len() as f64
                    })
                })
                .collect();
            slope_of(n, &means)
        })
        .collect();
    boot_slopes.sort_by(f64::total_cmp);
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
        slope_lo: quantile(&boot_slopes, 0.025),
        slope_hi: quantile(&boot_slopes, 0.975),
        local_slopes,
        flags,
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
