//! Ridge regression for `linear-probe`: with features X (n × p) and labels y,
//! (w, b) = argmin Σ_i (y_i − x_iᵀw − b)² + λ‖w‖², the intercept unpenalised. Centring X and
//! y removes b; then (XcᵀXc + λI) w = Xcᵀyc by Cholesky (nalgebra), b = ȳ − x̄ᵀw.

use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};

/// A fitted linear model.
#[derive(Clone, Debug, PartialEq)]
pub struct Ridge {
    /// Weights, length p.
    pub w: Vec<f64>,
    /// Intercept.
    pub b: f64,
}

impl Ridge {
    /// Fit on `x` (row-major n × p) and `y` (n) with penalty `lambda` ≥ 0.
    pub fn fit(x: &[f64], y: &[f64], p: usize, lambda: f64) -> Result<Ridge> {
        let n = y.len();
        if p == 0 || x.len() != n * p || n == 0 {
            return Err(Error::Shape(format!(
                "ridge needs x of n·p = {}·{p} values, got {}",
                n,
                x.len()
            )));
        }
        let lambda_ok = lambda.is_finite() && lambda >= 0.0;
        if !lambda_ok || x.iter().chain(y).any(|v| !v.is_finite()) {
            return Err(Error::Shape(
                "ridge got a non-finite value or a negative λ".into(),
            ));
        }
        let xm = DMatrix::from_row_slice(n, p, x);
        let mean_x = xm.row_mean();
        let mean_y = y.iter().sum::<f64>() / n as f64;
        let mut xc = xm.clone();
        for mut row in xc.row_iter_mut() {
            row -= &mean_x;
        }
        let yc = DVector::from_iterator(n, y.iter().map(|v| v - mean_y));
        let gram = xc.transpose() * &xc + DMatrix::identity(p, p) * lambda.max(1e-12);
        let rhs = xc.transpose() * yc;
        let chol = gram
            .cholesky()
            .ok_or_else(|| Error::Shape("ridge system is not positive definite".into()))?;
        let w = chol.solve(&rhs);
        let b = mean_y - (mean_x * &w)[(0, 0)];
        Ok(Ridge {
            w: w.iter().copied().collect(),
            b,
        })
    }

    /// x·w + b for one row.
    pub fn predict(&self, x: &[f64]) -> f64 {
        self.b + x.iter().zip(&self.w).map(|(a, b)| a * b).sum::<f64>()
    }
}

/// The exact leave-one-out error of ridge with penalty `lambda` on `x` (n × p) and `y`:
/// mean_i (r_i/(1 − H_ii))², r the residuals of the fit on all n, H = 11ᵀ/n + X_c G⁻¹ X_cᵀ the
/// hat matrix (G = X_cᵀX_c + λI; the intercept unpenalised), exact for any penalised least
/// squares.
fn loo_error(x: &[f64], y: &[f64], p: usize, lambda: f64) -> Option<f64> {
    let n = y.len();
    let xm = DMatrix::from_row_slice(n, p, x);
    let mean_x = xm.row_mean();
    let mut xc = xm;
    for mut row in xc.row_iter_mut() {
        row -= &mean_x;
    }
    let mean_y = y.iter().sum::<f64>() / n as f64;
    let yc = DVector::from_iterator(n, y.iter().map(|v| v - mean_y));
    let gram = xc.transpose() * &xc + DMatrix::identity(p, p) * lambda.max(1e-12);
    let chol = gram.cholesky()?;
    let w = chol.solve(&(xc.transpose() * &yc));
    let fitted = &xc * &w;
    let ginv_xt = chol.solve(&xc.transpose());
    let mut sum = 0.0;
    for i in 0..n {
        let h = 1.0 / n as f64 + xc.row(i).dot(&ginv_xt.column(i).transpose());
        let r = yc[i] - fitted[i];
        sum += (r / (1.0 - h).max(1e-9)).powi(2);
    }
    Some(sum / n as f64)
}

/// The grid of λ: 10^(e/4) for e = −16 … 8 (10⁻⁴ … 10², four per decade).
fn lambda_grid() -> impl Iterator<Item = f64> {
    (-16..=8).map(|e| 10f64.powf(e as f64 / 4.0))
}

/// Ridge with λ chosen by exact leave-one-out (`loo_error`) over `lambda_grid`, not as
/// the argmin but as the Akaike-weighted geometric mean, ln λ = Σ w ln λ / Σ w with
/// w = exp(−n·(LOO(λ) − LOO_min)/(2·LOO_min)): the spline's rule for its knots (spline.rs).
/// The single validation split used before picked λ from 12 points at n = 64, and a
/// perturbation of the backbone at f32 rounding flipped it: one seed's probe risk moved by
/// 401 % (`peft`, 16 seeds). With n < 3 λ = 1. Returns the fit on all n and its λ.
pub fn fit_validated(x: &[f64], y: &[f64], p: usize) -> Result<(Ridge, f64)> {
    let n = y.len();
    let mut lambda = 1.0;
    if n >= 3 && x.len() == n * p && x.iter().chain(y).all(|v| v.is_finite()) {
        let curve: Vec<(f64, f64)> = lambda_grid()
            .filter_map(|l| loo_error(x, y, p, l).map(|e| (l, e)))
            .collect();
        let loo: Vec<f64> = curve.iter().map(|c| c.1).collect();
        if loo.iter().any(|e| e.is_finite()) {
            let (mut sw, mut swl) = (0.0, 0.0);
            for (&(l, _), w) in curve.iter().zip(super::loo_weights(&loo, n)) {
                sw += w;
                swl += w * l.ln();
            }
            lambda = (swl / sw).exp();
        }
    }
    Ok((Ridge::fit(x, y, p, lambda)?, lambda))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut is the leave-one-out error computed by refitting n times.
    #[test]
    fn loo_shortcut_equals_refitting_without_each_point() {
        let (n, p) = (12, 2);
        let x: Vec<f64> = (0..n * p)
            .map(|i| ((i * 37 % 11) as f64 / 11.0).sin())
            .collect();
        let y: Vec<f64> = (0..n)
            .map(|i| x[2 * i] - 0.5 * x[2 * i + 1] + 0.1 * (i as f64).cos())
            .collect();
        for lambda in [1e-3, 0.3, 10.0] {
            let mut sum = 0.0;
            for k in 0..n {
                let keep: Vec<usize> = (0..n).filter(|&i| i != k).collect();
                let xs: Vec<f64> = keep
                    .iter()
                    .flat_map(|&i| x[i * p..(i + 1) * p].to_vec())
                    .collect();
                let ys: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
                let fit = Ridge::fit(&xs, &ys, p, lambda).unwrap();
                sum += (fit.predict(&x[k * p..(k + 1) * p]) - y[k]).powi(2);
            }
            let want = sum / n as f64;
            let got = loo_error(&x, &y, p, lambda).unwrap();
            assert!(
                (got - want).abs() < 1e-9 * want.max(1.0),
                "λ = {lambda}: {got} vs {want}"
            );
        }
    }

    /// λ lies in the grid's range, and a noiseless linear target gets a small one.
    #[test]
    fn the_weighted_lambda_is_small_for_a_noiseless_target() {
        let (n, p) = (40, 3);
        let x: Vec<f64> = (0..n * p)
            .map(|i| ((i * 13 % 17) as f64 / 17.0).cos())
            .collect();
        let y: Vec<f64> = (0..n).map(|i| 2.0 * x[3 * i] - x[3 * i + 2]).collect();
        let (fit, lambda) = fit_validated(&x, &y, p).unwrap();
        assert!((1e-4..=1e-2).contains(&lambda), "{lambda}");
        assert!((fit.w[0] - 2.0).abs() < 0.05, "{:?}", fit.w);
        let (_, tiny) = fit_validated(&x[..2 * p], &y[..2], p).unwrap();
        assert_eq!(tiny, 1.0);
    }
}
