//! The deliberately naive f64 oracle every backend is tested against: plain triple loops,
//! accumulated in f64, no blocking, no tricks.

use super::MatmulSpec;

/// op(X)[i, j] for X stored row-major with `cols` columns, transposed when `t`.
fn at(x: &[f32], base: usize, i: usize, j: usize, rows_op: usize, cols_op: usize, t: bool) -> f64 {
    let idx = if t {
        base + j * rows_op + i
    } else {
        base + i * cols_op + j
    };
    x[idx] as f64
}

/// C_b = op(A_b) · op(B_b) (+ c0 when accumulating) in f64. The caller guarantees the
/// lengths (`MatmulSpec::check`).
pub fn matmul(spec: &MatmulSpec, a: &[f32], b: &[f32], c0: &[f32]) -> Vec<f64> {
    let MatmulSpec {
        batch,
        m,
        k,
        n,
        trans_a,
        trans_b,
        accumulate,
    } = *spec;
    let mut c = vec![0.0; spec.c_len()];
    for bi in 0..batch {
        let (ab, bb, cb) = (bi * m * k, bi * k * n, bi * m * n);
        for i in 0..m {
            for j in 0..n {
                let mut acc = if accumulate {
                    c0[cb + i * n + j] as f64
                } else {
                    0.0
                };
                for l in 0..k {
                    acc += at(a, ab, i, l, m, k, trans_a) * at(b, bb, l, j, k, n, trans_b);
                }
                c[cb + i * n + j] = acc;
            }
        }
    }
    c
}

use super::ops::{AdamStep, Gather, Rows, ADAM};
use crate::model::Act;

/// (x + bias, act(x + bias)) in f64.
pub fn bias_act(s: &Rows, x: &[f32], bias: &[f32], act: Act) -> (Vec<f64>, Vec<f64>) {
    let mut pre = vec![0.0; s.len()];
    for b in 0..s.batch {
        for r in 0..s.rows {
            for c in 0..s.cols {
                let i = (b * s.rows + r) * s.cols + c;
                pre[i] = x[i] as f64 + bias[b * s.cols + c] as f64;
            }
        }
    }
    let out = pre.iter().map(|v| act.apply(*v)).collect();
    (pre, out)
}

/// δ · act'(pre) in f64.
pub fn act_backward(delta: &[f32], pre: &[f32], act: Act) -> Vec<f64> {
    delta
        .iter()
        .zip(pre)
        .map(|(d, p)| *d as f64 * act.slope(*p as f64))
        .collect()
}

/// Column sums per model in f64.
pub fn col_sums(s: &Rows, x: &[f32]) -> Vec<f64> {
    let mut out = vec![0.0; s.batch * s.cols];
    for b in 0..s.batch {
        for r in 0..s.rows {
            for c in 0..s.cols {
                out[b * s.cols + c] += x[(b * s.rows + r) * s.cols + c] as f64;
            }
        }
    }
    out
}

/// (δ, loss) of the per-model MSE in f64.
pub fn mse_grad(s: &Rows, out: &[f32], y: &[f32], counts: &[f32]) -> (Vec<f64>, Vec<f64>) {
    let mut d = vec![0.0; s.batch * s.rows];
    let mut loss = vec![0.0; s.batch];
    for b in 0..s.batch {
        let n = counts[b] as f64;
        for r in 0..s.rows {
            let i = b * s.rows + r;
            if (r as f64) < n {
                let e = out[i] as f64 - y[i] as f64;
                d[i] = 2.0 * e / n;
                loss[b] += e * e / n;
            }
        }
    }
    (d, loss)
}

/// (p, m, v) after one Adam step in f64.
pub fn adam(
    step: &AdamStep,
    p: &[f32],
    g: &[f32],
    m: &[f32],
    v: &[f32],
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (b1, b2, eps) = (ADAM.0 as f64, ADAM.1 as f64, ADAM.2 as f64);
    let (c1, c2) = (1.0 - b1.powi(step.t as i32), 1.0 - b2.powi(step.t as i32));
    let (lr, wd) = (step.lr as f64, step.weight_decay as f64);
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..p.len() {
        let (gi, pi) = (g[i] as f64, p[i] as f64);
        let mi = b1 * m[i] as f64 + (1.0 - b1) * gi;
        let vi = b2 * v[i] as f64 + (1.0 - b2) * gi * gi;
        out.0
            .push(pi - lr * (mi / c1) / ((vi / c2).sqrt() + eps) - lr * wd * pi);
        out.1.push(mi);
        out.2.push(vi);
    }
    out
}

/// Gathered rows in f64.
pub fn gather_rows(s: &Gather, src: &[f32], idx: &[f32]) -> Vec<f64> {
    let mut dst = vec![0.0; s.batch * s.rows * s.cols];
    for b in 0..s.batch {
        for r in 0..s.rows {
            let j = idx[b * s.rows + r];
            if j >= 0.0 && (j as usize) < s.src_rows {
                for c in 0..s.cols {
                    dst[(b * s.rows + r) * s.cols + c] =
                        src[(b * s.src_rows + j as usize) * s.cols + c] as f64;
                }
            }
        }
    }
    dst
}
