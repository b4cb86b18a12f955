//! Closed-form fits: [`ridge`] regression (for `linear-probe`), the [`spline`] caulk (for
//! `caulk-spline`), with [`tridiagonal`] solvers that make the spline and its exact
//! leave-one-out error O(n + K), and the [`knn`] ladder of feature classes on the
//! [`pca`] directions of a backbone's last hidden layer (for `caulk-select`).

pub mod knn;
pub mod pca;
pub mod ridge;
pub mod spline;
pub mod tridiagonal;

pub use ridge::Ridge;
pub use spline::{KnotRule, Spline};

/// Akaike-type weights exp(−n·(l − l_min)/(2·l_min)) of leave-one-out errors `loo` on n points
/// (n/(2σ̂²) times the loss in fit, σ̂² = l_min): how the spline's K, the probe's λ and the
/// k-NN ladder's k and class are chosen, continuously rather than by the argmin
/// (spline.rs says why).
pub fn loo_weights(loo: &[f64], n: usize) -> Vec<f64> {
    let min = loo.iter().copied().fold(f64::INFINITY, f64::min);
    let scale = n as f64 / (2.0 * min.max(f64::MIN_POSITIVE));
    loo.iter().map(|l| (-(l - min) * scale).exp()).collect()
}
