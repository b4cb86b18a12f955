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

/// Ridge with λ chosen on validation data: for λ in {10^-4, 10^-3, …, 10^2}, fit on the first
/// four fifths of the n rows and score the squared error on the last fifth (≥ 1 row; with
/// n < 5 there is no split and λ = 1), then refit on all n rows with the best λ (the first of
/// equal ones). Returns the fit and its λ.
pub fn fit_validated(x: &[f64], y: &[f64], p: usize) -> Result<(Ridge, f64)> {
    let n = y.len();
    let cut = if n >= 5 { n - (n / 5).max(1) } else { n };
    let mut best = (f64::INFINITY, 1.0);
    if cut < n && x.len() == n * p {
        for e in -4..=2 {
            let lambda = 10f64.powi(e);
            let fit = Ridge::fit(&x[..cut * p], &y[..cut], p, lambda)?;
            let err: f64 = (cut..n)
                .map(|i| (fit.predict(&x[i * p..(i + 1) * p]) - y[i]).powi(2))
                .sum();
            if err < best.0 {
                best = (err, lambda);
            }
        }
    }
    Ok((Ridge::fit(x, y, p, best.1)?, best.1))
}
