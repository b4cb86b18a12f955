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

/// C_b = op(A_b) · op(B_b) in f64. The caller guarantees the lengths (`MatmulSpec::check`).
pub fn matmul(spec: &MatmulSpec, a: &[f32], b: &[f32]) -> Vec<f64> {
    let MatmulSpec {
        batch,
        m,
        k,
        n,
        trans_a,
        trans_b,
    } = *spec;
    let mut c = vec![0.0; spec.c_len()];
    for bi in 0..batch {
        let (ab, bb, cb) = (bi * m * k, bi * k * n, bi * m * n);
        for i in 0..m {
            for j in 0..n {
                let mut acc = 0.0f64;
                for l in 0..k {
                    acc += at(a, ab, i, l, m, k, trans_a) * at(b, bb, l, j, k, n, trans_b);
                }
                c[cb + i * n + j] = acc;
            }
        }
    }
    c
}
