//! Principal components of a data matrix, for the feature ladder of `caulk-select`
//! (docs/science.md §4): the eigenvectors of the sample covariance by cyclic Jacobi rotations.
//!
//! Jacobi: for the symmetric p × p covariance A, each rotation in the (i, j) plane by
//! tan 2θ = 2A_ij/(A_jj − A_ii) zeroes A_ij; sweeps over all pairs converge quadratically,
//! and the accumulated rotations V hold the eigenvectors in their columns. p is a layer's
//! width (≤ a few hundred), so O(p³) per sweep is nothing beside the fits.

/// The top `r` principal directions of `x` (n × p, rows are observations): r vectors of
/// length p, unit norm, by decreasing variance, each paired with its variance.
pub fn principal_directions(x: &[f64], p: usize, r: usize) -> Vec<(f64, Vec<f64>)> {
    let n = x.len().checked_div(p).unwrap_or(0);
    if n < 2 || r == 0 {
        return Vec::new();
    }
    let mut mean = vec![0.0; p];
    for row in x.chunks(p) {
        mean.iter_mut()
            .zip(row)
            .for_each(|(m, v)| *m += v / n as f64);
    }
    let mut a = vec![0.0; p * p];
    for row in x.chunks(p) {
        for i in 0..p {
            let di = row[i] - mean[i];
            for j in i..p {
                a[i * p + j] += di * (row[j] - mean[j]) / (n - 1) as f64;
            }
        }
    }
    for i in 0..p {
        for j in 0..i {
            a[i * p + j] = a[j * p + i];
        }
    }
    let mut v = vec![0.0; p * p];
    (0..p).for_each(|i| v[i * p + i] = 1.0);
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    for _sweep in 0..60 {
        let off: f64 = (0..p)
            .flat_map(|i| (0..p).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * p + j].powi(2))
            .sum::<f64>()
            .sqrt();
        if off <= 1e-14 * scale.max(f64::MIN_POSITIVE) {
            break;
        }
        for i in 0..p {
            for j in i + 1..p {
                let aij = a[i * p + j];
                if aij.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[j * p + j] - a[i * p + i]) / (2.0 * aij);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                // A ← Jᵀ A J with J the rotation in the (i, j) plane; V ← V J.
                for k in 0..p {
                    let (aki, akj) = (a[k * p + i], a[k * p + j]);
                    a[k * p + i] = c * aki - s * akj;
                    a[k * p + j] = s * aki + c * akj;
                }
                for k in 0..p {
                    let (aik, ajk) = (a[i * p + k], a[j * p + k]);
                    a[i * p + k] = c * aik - s * ajk;
                    a[j * p + k] = s * aik + c * ajk;
                }
                for k in 0..p {
                    let (vki, vkj) = (v[k * p + i], v[k * p + j]);
                    v[k * p + i] = c * vki - s * vkj;
                    v[k * p + j] = s * vki + c * vkj;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..p).collect();
    order.sort_by(|&i, &j| a[j * p + j].total_cmp(&a[i * p + i]).then(i.cmp(&j)));
    order
        .into_iter()
        .take(r)
        .map(|c| (a[c * p + c], (0..p).map(|k| v[k * p + c]).collect()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Rng, Stream};

    /// Data stretched along known orthogonal axes: the directions come back (up to sign)
    /// with the variances in order.
    #[test]
    fn recovers_known_axes_and_variances() {
        let mut rng = Rng::with_index(3, Stream::Test, 0);
        let (a, b) = ([0.6, 0.8, 0.0], [0.0, 0.0, 1.0]);
        let c = [0.8, -0.6, 0.0];
        let x: Vec<f64> = (0..20_000)
            .flat_map(|_| {
                let (u, v, w) = (3.0 * rng.normal(), 1.0 * rng.normal(), 0.2 * rng.normal());
                (0..3).map(move |k| u * a[k] + v * b[k] + w * c[k])
            })
            .collect();
        let pcs = principal_directions(&x, 3, 3);
        for ((var, dir), (want_var, want)) in pcs.iter().zip([(9.0, a), (1.0, b), (0.04, c)]) {
            assert!((var / want_var - 1.0).abs() < 0.05, "{var} vs {want_var}");
            let dot: f64 = dir.iter().zip(want).map(|(p, q)| p * q).sum();
            assert!(dot.abs() > 0.999, "{dir:?}");
        }
    }

    #[test]
    fn degenerate_inputs_give_no_directions() {
        assert!(principal_directions(&[1.0, 2.0], 2, 1).is_empty());
        assert!(principal_directions(&[], 0, 1).is_empty());
    }
}
