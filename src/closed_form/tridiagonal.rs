//! Symmetric tridiagonal systems in O(K): A = L D Lᵀ with L unit lower bidiagonal
//! (subdiagonal l_i) and D = diag(d_i):
//!   d_0 = a_0,  l_i = b_i / d_i,  d_{i+1} = a_{i+1} − l_i b_i.
//! Solve: y_0 = r_0, y_{i+1} = r_{i+1} − l_i y_i; x_last = y_last/d_last,
//! x_i = y_i/d_i − l_i x_{i+1}.
//! The band of A⁻¹ (Takahashi's equations, Z = A⁻¹): Z_last,last = 1/d_last,
//! Z_{i,i+1} = −l_i Z_{i+1,i+1}, Z_{i,i} = 1/d_i − l_i Z_{i,i+1}.

/// A factorised symmetric positive definite tridiagonal matrix.
#[derive(Clone, Debug)]
pub struct Ldl {
    d: Vec<f64>,
    l: Vec<f64>,
}

impl Ldl {
    /// Factor the matrix with diagonal `a` (length K) and off-diagonal `b` (length K − 1).
    /// `None` when a pivot is not positive (the matrix is not positive definite).
    pub fn new(a: &[f64], b: &[f64]) -> Option<Self> {
        // A pivot must be a positive finite number (NaN fails too).
        let pivot_ok = |p: f64| p.is_finite() && p > 0.0;
        let k = a.len();
        let mut d = Vec::with_capacity(k);
        let mut l = Vec::with_capacity(k.saturating_sub(1));
        d.push(*a.first()?);
        for i in 0..k - 1 {
            if !pivot_ok(d[i]) {
                return None;
            }
            l.push(b[i] / d[i]);
            d.push(a[i + 1] - l[i] * b[i]);
        }
        if !pivot_ok(d[k - 1]) {
            return None;
        }
        Some(Ldl { d, l })
    }

    /// x with A x = r.
    pub fn solve(&self, r: &[f64]) -> Vec<f64> {
        let k = self.d.len();
        let mut x = r.to_vec();
        for i in 0..k - 1 {
            x[i + 1] -= self.l[i] * x[i];
        }
        x[k - 1] /= self.d[k - 1];
        for i in (0..k - 1).rev() {
            x[i] = x[i] / self.d[i] - self.l[i] * x[i + 1];
        }
        x
    }

    /// (diag of A⁻¹, first superdiagonal of A⁻¹).
    pub fn inverse_band(&self) -> (Vec<f64>, Vec<f64>) {
        let k = self.d.len();
        let mut diag = vec![0.0; k];
        let mut sup = vec![0.0; k.saturating_sub(1)];
        diag[k - 1] = 1.0 / self.d[k - 1];
        for i in (0..k - 1).rev() {
            sup[i] = -self.l[i] * diag[i + 1];
            diag[i] = 1.0 / self.d[i] - self.l[i] * sup[i];
        }
        (diag, sup)
    }
}
