//! The conformance suite every [`Backend`] must pass, natively and in the browser: each
//! primitive on awkward shapes (1, non-multiples of the GPU tile, all transpose flags,
//! several batch sizes) against the f64 [`reference`](super::reference), within
//! |got − want| ≤ abs + rel·|want| (f32 accumulation over k terms: abs = 1e-5·k).

use serde::Serialize;

use super::{reference, Backend, MatmulSpec};
use crate::error::{Error, Result};
use crate::rng::{Rng, Stream};

/// What a passing suite covered.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The backend's own description.
    pub device: String,
    /// Cases run, one line each.
    pub cases: Vec<String>,
    /// Largest |got − want| seen.
    pub max_abs_err: f64,
}

/// Relative tolerance of every comparison.
pub const REL_TOL: f64 = 1e-5;

/// Matmul shapes of the suite: (batch, m, k, n).
pub const MATMUL_SHAPES: &[(usize, usize, usize, usize)] = &[
    (1, 1, 1, 1),
    (1, 16, 16, 16),
    (3, 17, 5, 33),
    (2, 1, 64, 7),
    (7, 31, 40, 1),
    (4, 64, 128, 48),
    (64, 9, 13, 11),
];

fn random(rng: &mut Rng, len: usize) -> Vec<f32> {
    (0..len).map(|_| rng.uniform_in(-1.0, 1.0) as f32).collect()
}

/// Run every matmul case on `backend`; the first mismatch is an error naming case and index.
pub async fn matmul_suite<B: Backend>(backend: &B) -> Result<Report> {
    let mut rng = Rng::new(2026, Stream::Test);
    let mut cases = Vec::new();
    let mut max_abs_err = 0.0f64;
    for &(batch, m, k, n) in MATMUL_SHAPES {
        for (trans_a, trans_b) in [(false, false), (true, false), (false, true), (true, true)] {
            let spec = MatmulSpec {
                batch,
                m,
                k,
                n,
                trans_a,
                trans_b,
            };
            let a = random(&mut rng, spec.a_len());
            let b = random(&mut rng, spec.b_len());
            let want = reference::matmul(&spec, &a, &b);
            let da = backend.upload(&a)?;
            let db = backend.upload(&b)?;
            let mut dc = backend.zeros(spec.c_len())?;
            backend.matmul(&spec, &da, &db, &mut dc)?;
            let got = backend.read(&dc).await?;
            let abs_tol = 1e-5 * k as f64;
            if got.len() != want.len() {
                return Err(Error::Shape(format!(
                    "{spec:?}: read {} elements, want {}",
                    got.len(),
                    want.len()
                )));
            }
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                let err = (*g as f64 - w).abs();
                max_abs_err = max_abs_err.max(err);
                if err.is_nan() || err > abs_tol + REL_TOL * w.abs() {
                    return Err(Error::Gpu(format!(
                        "{} matmul {spec:?}: element {i} is {g}, reference {w}",
                        backend.describe()
                    )));
                }
            }
            cases.push(format!(
                "matmul batch={batch} m={m} k={k} n={n} trans_a={trans_a} trans_b={trans_b}"
            ));
        }
    }
    // A wrong length must be refused before any work.
    let spec = MatmulSpec {
        batch: 2,
        m: 3,
        k: 4,
        n: 5,
        trans_a: false,
        trans_b: false,
    };
    let a = backend.upload(&vec![0.0; spec.a_len() - 1])?;
    let b = backend.upload(&vec![0.0; spec.b_len()])?;
    let mut c = backend.zeros(spec.c_len())?;
    if backend.matmul(&spec, &a, &b, &mut c).is_ok() {
        return Err(Error::Shape(format!(
            "{}: matmul accepted an A of the wrong length",
            backend.describe()
        )));
    }
    cases.push("matmul rejects a wrong operand length".to_string());
    Ok(Report {
        device: backend.describe(),
        cases,
        max_abs_err,
    })
}
