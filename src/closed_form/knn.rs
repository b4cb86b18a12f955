//! k-nearest-neighbour regression with exact leave-one-out, and a ladder of feature classes
//! chosen on it (docs/science.md §4, `caulk-select`).
//!
//! **The estimator.** f̂_k(u) = mean of y over the k training points nearest to u (Euclidean
//! distance). For an s-Hölder target of j standardised features, s ≤ 1, and k ≍ n^(2s/(2s+j))
//! its risk is of order n^(−2s/(2s+j)) (Györfi, Kohler, Krzyżak and Walk 2002, Thm 6.2): the
//! minimax rate of the class, so the input dimension j of the caulk *is* its complexity.
//!
//! **Leave-one-out** is exact and free: with the point itself excluded from its own neighbours,
//! LOO(k) = mean_i (y_i − mean of y over i's k nearest others)², for every k of the grid from
//! one sorted neighbour list per point (prefix sums).
//!
//! **Choosing, with weights.** Within a class, k is not the LOO argmin but the Akaike-weighted
//! average of the fits over the k grid, w_k = exp(−n·(LOO_k − LOO_min)/(2·LOO_min)), the
//! spline's rule for its knots (spline.rs says why: the argmin jumps along a flat LOO curve
//! under a perturbation at f32 rounding). Across nested classes C_j = {functions of u_1 … u_j}
//! the same weights on each class's best LOO give the prediction Σ w_j f̂_j / Σ w_j and the
//! **chosen class** Σ w_j·j / Σ w_j. Where one candidate is clearly best the weights vanish
//! elsewhere and this is the argmin.

use super::loo_weights;
use crate::error::{Error, Result};

/// Largest k tried.
pub const MAX_K: usize = 256;

/// The candidate k: 1, 2, 3, 4, 6, 8, 11, 16, … (ratio about √2) up to min(n − 1, [`MAX_K`]).
pub fn k_grid(n: usize) -> Vec<usize> {
    let top = n.saturating_sub(1).min(MAX_K);
    let mut out = Vec::new();
    let mut k = 1usize;
    while k <= top {
        out.push(k);
        k = (k + 1).max((k as f64 * std::f64::consts::SQRT_2).round() as usize);
    }
    out
}

/// The `k_max` nearest rows of `train` (n × `dim`, using its first `j` columns) to each row
/// of `queries` (q × `dim`), nearest first; with `loo` the query i is training row i and is
/// left out of its own list. Returns q × k_max indices.
fn neighbours(
    train: &[f64],
    queries: &[f64],
    dim: usize,
    j: usize,
    k_max: usize,
    loo: bool,
) -> Vec<usize> {
    let n = train.len() / dim;
    let q = queries.len() / dim;
    let mut out = Vec::with_capacity(q * k_max);
    let mut dist: Vec<(f64, usize)> = Vec::with_capacity(n);
    for qi in 0..q {
        let u = &queries[qi * dim..qi * dim + j];
        dist.clear();
        for t in 0..n {
            if loo && t == qi {
                continue;
            }
            let v = &train[t * dim..t * dim + j];
            let d2: f64 = u.iter().zip(v).map(|(a, b)| (a - b) * (a - b)).sum();
            dist.push((d2, t));
        }
        // Ties (measure zero for continuous features) break by index, so the list is a
        // function of the data alone.
        let by = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        let kk = k_max.min(dist.len());
        if kk < dist.len() {
            dist.select_nth_unstable_by(kk, by);
        }
        dist[..kk].sort_unstable_by(by);
        out.extend(dist[..kk].iter().map(|p| p.1));
    }
    out
}

/// For each query, the mean of y over its first k neighbours, for every k in `ks`
/// (ascending, each ≤ k_max): |ks| vectors of q predictions.
fn prefix_means(idx: &[usize], y: &[f64], k_max: usize, ks: &[usize]) -> Vec<Vec<f64>> {
    let q = idx.len() / k_max.max(1);
    let mut out = vec![Vec::with_capacity(q); ks.len()];
    for row in idx.chunks(k_max.max(1)) {
        let mut sum = 0.0;
        let mut next = 0;
        for (c, &t) in row.iter().enumerate() {
            sum += y[t];
            while next < ks.len() && ks[next] == c + 1 {
                out[next].push(sum / (c + 1) as f64);
                next += 1;
            }
        }
    }
    out
}

/// One class's fit: its prediction at the test rows and its leave-one-out error.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassFit {
    /// The class: the number of features it reads.
    pub j: usize,
    /// Its prediction at each test row.
    pub pred: Vec<f64>,
    /// Its leave-one-out error, as fitted (with its own tuning's weights).
    pub loo: f64,
}

/// k-NN on the first `j` of `dim` features: `u` (n × dim, n ≥ 2) with labels `y`, predicted
/// at `test` (q × dim) with k weighted by its leave-one-out error over [`k_grid`].
pub fn fit_class(u: &[f64], y: &[f64], test: &[f64], dim: usize, j: usize) -> Result<ClassFit> {
    let n = y.len();
    if dim == 0
        || u.len() != n * dim
        || !test.len().is_multiple_of(dim)
        || n < 2
        || j == 0
        || j > dim
    {
        return Err(Error::Shape(format!(
            "k-NN on {j} of {dim} features needs ≥ 2 rows with one label each, got {} values and {n} labels",
            u.len()
        )));
    }
    if u.iter().chain(y).chain(test).any(|v| !v.is_finite()) {
        return Err(Error::Shape(
            "k-NN got a non-finite feature or label".into(),
        ));
    }
    let ks = k_grid(n);
    let k_max = *ks.last().unwrap_or(&1);
    let idx = neighbours(u, u, dim, j, k_max, true);
    let left_out = prefix_means(&idx, y, k_max, &ks);
    let mse = |p: &[f64]| p.iter().zip(y).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / n as f64;
    let loo: Vec<f64> = left_out.iter().map(|m| mse(m)).collect();
    let w = loo_weights(&loo, n);
    let idx = neighbours(u, test, dim, j, k_max, false);
    let means = prefix_means(&idx, y, k_max, &ks);
    Ok(ClassFit {
        j,
        pred: combine(&means, &w, test.len() / dim),
        // The LOO error of the weighted fit itself (not the best single k's, which the
        // minimum over the grid biases low against classes tuned otherwise).
        loo: mse(&combine(&left_out, &w, n)),
    })
}

/// Σ_c w_c·preds_c / Σ_c w_c, row by row (q rows).
fn combine(preds: &[Vec<f64>], w: &[f64], q: usize) -> Vec<f64> {
    let sw: f64 = w.iter().sum();
    let mut out = vec![0.0; q];
    for (p, &wc) in preds.iter().zip(w) {
        out.iter_mut().zip(p).for_each(|(o, v)| *o += wc * v / sw);
    }
    out
}

/// Classes weighed against each other by their leave-one-out errors on n points (module
/// doc): the weighted prediction and the chosen class Σ w_j·j / Σ w_j.
pub fn choose(fits: &[ClassFit], n: usize) -> (Vec<f64>, f64) {
    let loo: Vec<f64> = fits.iter().map(|f| f.loo).collect();
    let w = loo_weights(&loo, n);
    let preds: Vec<Vec<f64>> = fits.iter().map(|f| f.pred.clone()).collect();
    let q = fits.first().map_or(0, |f| f.pred.len());
    let sw: f64 = w.iter().sum();
    let class = fits
        .iter()
        .zip(&w)
        .map(|(f, w)| f.j as f64 * w)
        .sum::<f64>()
        / sw;
    (combine(&preds, &w, q), class)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Rng, Stream};

    #[test]
    fn k_grid_is_geometric_and_below_n() {
        assert_eq!(k_grid(2), vec![1]);
        assert_eq!(&k_grid(1000)[..8], &[1, 2, 3, 4, 6, 8, 11, 16]);
        assert!(k_grid(10_000).last().is_some_and(|&k| k <= MAX_K));
        assert!(k_grid(20).iter().all(|&k| k < 20));
    }

    #[test]
    fn loo_leaves_the_point_out_and_prefix_means_match_a_hand_count() {
        // Points on a line at 0, 1, 3, 7: the nearest other to 1 is 0, then 3.
        let u = [0.0, 1.0, 3.0, 7.0];
        let idx = neighbours(&u, &u, 1, 1, 2, true);
        assert_eq!(idx, vec![1, 2, 0, 2, 1, 0, 2, 1]);
        let y = [10.0, 20.0, 30.0, 40.0];
        let m = prefix_means(&idx, &y, 2, &[1, 2]);
        assert_eq!(m[0], vec![20.0, 10.0, 20.0, 30.0]);
        assert_eq!(m[1], vec![25.0, 20.0, 15.0, 25.0]);
    }

    /// y depends on the first feature only: the one-feature class wins its LOO and is chosen;
    /// y depends on both: the two-feature class is chosen.
    #[test]
    fn the_ladder_chooses_the_class_the_target_needs() {
        let mut rng = Rng::with_index(7, Stream::Data, 0);
        let n = 600;
        let u: Vec<f64> = (0..2 * n).map(|_| rng.uniform()).collect();
        let test: Vec<f64> = (0..2 * 400).map(|_| rng.uniform()).collect();
        let noise: Vec<f64> = (0..n).map(|_| 0.05 * rng.normal()).collect();
        let f1 = |r: &[f64]| (6.0 * r[0]).sin();
        let f2 = |r: &[f64]| (6.0 * r[0]).sin() + (6.0 * r[1]).cos();
        for (f, want) in [(&f1 as &dyn Fn(&[f64]) -> f64, 1.0), (&f2, 2.0)] {
            let y: Vec<f64> = u.chunks(2).zip(&noise).map(|(r, e)| f(r) + e).collect();
            let fits = [1, 2].map(|j| fit_class(&u, &y, &test, 2, j).unwrap());
            let (pred, class) = choose(&fits, n);
            assert!((class - want).abs() < 0.2, "class {class} want {want}");
            let risk: f64 = test
                .chunks(2)
                .zip(&pred)
                .map(|(r, p)| (f(r) - p).powi(2))
                .sum::<f64>()
                / 400.0;
            assert!(risk < 0.05, "risk {risk}");
        }
    }

    #[test]
    fn bad_shapes_are_errors_not_panics() {
        assert!(fit_class(&[0.0], &[1.0], &[], 1, 1).is_err());
        assert!(fit_class(&[0.0, 1.0], &[1.0, 2.0], &[0.5], 1, 2).is_err());
        assert!(fit_class(&[0.0, f64::NAN], &[1.0, 2.0], &[0.5], 1, 1).is_err());
    }
}
