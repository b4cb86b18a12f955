//! The conformance suite every [`Backend`] must pass, natively and in the browser: each
//! primitive on awkward shapes (1, non-multiples of the GPU tile, all transpose flags,
//! several batch sizes) against the f64 [`reference`](mod@super::reference), within
//! |got − want| ≤ abs + rel·|want| (f32 accumulation over k terms: abs = 1e-5·k).

use serde::Serialize;

use super::ops::{AdamStep, Gather, Rows};
use super::{reference, Act, Backend, MatmulSpec};
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
            // Accumulate in every other case, onto a random C.
            let accumulate = trans_a != trans_b;
            let mut spec = MatmulSpec::new(batch, m, k, n).transposed(trans_a, trans_b);
            spec.accumulate = accumulate;
            let a = random(&mut rng, spec.a_len());
            let b = random(&mut rng, spec.b_len());
            let c0 = random(&mut rng, spec.c_len());
            let want = reference::matmul(&spec, &a, &b, &c0);
            let da = backend.upload(&a)?;
            let db = backend.upload(&b)?;
            let mut dc = backend.upload(&c0)?;
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
                "matmul batch={batch} m={m} k={k} n={n} trans_a={trans_a} trans_b={trans_b} accumulate={accumulate}"
            ));
        }
    }
    // A wrong length must be refused before any work.
    let spec = MatmulSpec::new(2, 3, 4, 5);
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

/// Compare `got` with `want` within |g − w| ≤ abs + [`REL_TOL`]·|w| (abs 1e-5, or `abs`).
fn compare(what: &str, got: &[f32], want: &[f64], abs: f64, max_err: &mut f64) -> Result<()> {
    if got.len() != want.len() {
        return Err(Error::Shape(format!(
            "{what}: read {} elements, want {}",
            got.len(),
            want.len()
        )));
    }
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let err = (*g as f64 - w).abs();
        *max_err = max_err.max(err);
        if err.is_nan() || err > abs + 10.0 * REL_TOL * w.abs() {
            return Err(Error::Gpu(format!(
                "{what}: element {i} is {g}, reference {w}"
            )));
        }
    }
    Ok(())
}

/// Run every training primitive of [`super::ops`] on `backend` against the reference,
/// on shapes including single elements and more than one workgroup, plus wrong lengths.
pub async fn ops_suite<B: Backend>(backend: &B) -> Result<Report> {
    let mut rng = Rng::new(7, Stream::Test);
    let mut cases = Vec::new();
    let mut err = 0.0f64;
    let up = |v: &[f32]| backend.upload(v);

    for (batch, rows, cols, act) in [
        (1, 1, 1, Act::Relu),
        (3, 5, 7, Act::Relu),
        (3, 5, 7, Act::Identity),
        (3, 5, 7, Act::Hat),
        (2, 300, 3, Act::Relu),
        (2, 300, 3, Act::Hat),
    ] {
        let s = Rows { batch, rows, cols };
        let (x, bias) = (random(&mut rng, s.len()), random(&mut rng, batch * cols));
        let (want_x, want_out) = reference::bias_act(&s, &x, &bias, act);
        let (mut dx, mut dout) = (up(&x)?, backend.zeros(s.len())?);
        backend.bias_act(&s, &mut dx, &up(&bias)?, &mut dout, act)?;
        compare(
            "bias_act x",
            &backend.read(&dx).await?,
            &want_x,
            1e-5,
            &mut err,
        )?;
        compare(
            "bias_act out",
            &backend.read(&dout).await?,
            &want_out,
            1e-5,
            &mut err,
        )?;
        cases.push(format!("bias_act {s:?} {act:?}"));
    }
    for (len, act) in [
        (1, Act::Relu),
        (1000, Act::Relu),
        (1000, Act::Hat),
        (7, Act::Identity),
    ] {
        let s = Rows {
            batch: 1,
            rows: len,
            cols: 1,
        };
        // Pre-activations over [−2, 2): both kinks of the hat and its flat tails.
        let delta = random(&mut rng, len);
        let pre: Vec<f32> = random(&mut rng, len).iter().map(|v| 2.0 * v).collect();
        let mut d = up(&delta)?;
        backend.act_backward(&s, &mut d, &up(&pre)?, act)?;
        compare(
            "act_backward",
            &backend.read(&d).await?,
            &reference::act_backward(&delta, &pre, act),
            0.0,
            &mut err,
        )?;
        cases.push(format!("act_backward len={len} {act:?}"));
    }
    for (batch, rows, cols) in [(1, 1, 1), (3, 17, 5), (2, 600, 2)] {
        let s = Rows { batch, rows, cols };
        let x = random(&mut rng, s.len());
        let mut out = backend.zeros(batch * cols)?;
        backend.col_sums(&s, &up(&x)?, &mut out)?;
        compare(
            "col_sums",
            &backend.read(&out).await?,
            &reference::col_sums(&s, &x),
            1e-5 * rows as f64,
            &mut err,
        )?;
        cases.push(format!("col_sums {s:?}"));
    }
    {
        let s = Rows {
            batch: 4,
            rows: 10,
            cols: 1,
        };
        let (out, y) = (random(&mut rng, s.len()), random(&mut rng, s.len()));
        let counts = [10.0, 3.0, 0.0, 7.0];
        let (want_d, want_loss) = reference::mse_grad(&s, &out, &y, &counts);
        let (mut d, mut loss) = (backend.zeros(s.len())?, backend.zeros(4)?);
        backend.mse_grad(&s, &up(&out)?, &up(&y)?, &up(&counts)?, &mut d, &mut loss)?;
        compare(
            "mse_grad δ",
            &backend.read(&d).await?,
            &want_d,
            1e-6,
            &mut err,
        )?;
        compare(
            "mse_grad loss",
            &backend.read(&loss).await?,
            &want_loss,
            1e-6,
            &mut err,
        )?;
        cases.push("mse_grad counts [10, 3, 0, 7] of 10 rows".into());
    }
    for (len, t, wd) in [(1, 1, 0.0), (777, 5, 0.01)] {
        let step = AdamStep {
            t,
            lr: 0.01,
            weight_decay: wd,
        };
        let (p, g, m) = (
            random(&mut rng, len),
            random(&mut rng, len),
            random(&mut rng, len),
        );
        let v: Vec<f32> = (0..len).map(|_| rng.uniform() as f32).collect();
        let (wp, wm, wv) = reference::adam(&step, &p, &g, &m, &v);
        let (mut dp, mut dm, mut dv) = (up(&p)?, up(&m)?, up(&v)?);
        backend.adam(&step, &mut dp, &up(&g)?, &mut dm, &mut dv)?;
        compare("adam p", &backend.read(&dp).await?, &wp, 1e-5, &mut err)?;
        compare("adam m", &backend.read(&dm).await?, &wm, 1e-6, &mut err)?;
        compare("adam v", &backend.read(&dv).await?, &wv, 1e-6, &mut err)?;
        cases.push(format!("adam len={len} t={t} weight_decay={wd}"));
    }
    {
        let s = Gather {
            batch: 2,
            src_rows: 9,
            rows: 5,
            cols: 3,
        };
        let src = random(&mut rng, 2 * 9 * 3);
        let idx = [0.0, 8.0, 3.0, -1.0, 9.0, 4.0, 4.0, 0.0, 1.0, 2.0];
        let mut dst = backend.zeros(2 * 5 * 3)?;
        backend.gather_rows(&s, &up(&src)?, &up(&idx)?, &mut dst)?;
        compare(
            "gather_rows",
            &backend.read(&dst).await?,
            &reference::gather_rows(&s, &src, &idx),
            0.0,
            &mut err,
        )?;
        cases.push("gather_rows with out-of-range indices".into());
    }
    // Wrong lengths are refused before any work.
    let s = Rows {
        batch: 2,
        rows: 3,
        cols: 4,
    };
    let (mut a, b, mut c) = (backend.zeros(24)?, backend.zeros(7)?, backend.zeros(24)?);
    if backend.bias_act(&s, &mut a, &b, &mut c, Act::Relu).is_ok()
        || backend.col_sums(&s, &a, &mut c).is_ok()
    {
        return Err(Error::Shape(format!(
            "{}: a primitive accepted a wrong length",
            backend.describe()
        )));
    }
    cases.push("primitives reject wrong lengths".into());
    Ok(Report {
        device: backend.describe(),
        cases,
        max_abs_err: err,
    })
}
