//! The training primitives of the [`Backend`](super::Backend), batched over K models, and
//! their plain f32 CPU kernels. Every table is row-major with the model index slowest:
//! x is K × rows × cols, a bias K × cols, per-model scalars K.
//!
//! | primitive | effect |
//! |---|---|
//! | `bias_act` | x ← x + bias (broadcast over rows); out ← relu(x) or x |
//! | `act_backward` | δ ← δ · act'(pre) (relu: \[pre > 0\]; hat: [`Act::slope`](crate::model::Act::slope)) |
//! | `col_sums` | out_b,c ← Σ_r x_b,r,c |
//! | `mse_grad` | for r < count_b: δ_b,r ← 2(o − y)/count_b, else 0; loss_b ← Σ(o − y)²/count_b |
//! | `adam` | m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; p ← p − η (m/c1)/(√(v/c2) + ε) − η λ p |
//! | `gather_rows` | dst_b,r,: ← src_b,idx_b,r,: (an index outside the source gives zeros) |
//! | `copy` | dst[j..j+len] ← src[i..i+len] |

use serde::Serialize;

use crate::error::{Error, Result};

/// Shape of a batch of K tables of rows × cols.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rows {
    /// Models K.
    pub batch: usize,
    /// Rows per model.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
}

impl Rows {
    /// Elements of a full table batch.
    pub fn len(&self) -> usize {
        self.batch * self.rows * self.cols
    }
    /// Whether it holds no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fail unless every buffer has its expected length and the sizes fit u32 indexing.
    pub fn check(&self, what: &str, got: &[(&str, usize, usize)]) -> Result<()> {
        if self.len() > u32::MAX as usize {
            return Err(Error::Limit(format!(
                "{what}: {self:?} has more than 2^32 elements"
            )));
        }
        for (name, have, want) in got {
            if have != want {
                return Err(Error::Shape(format!(
                    "{what} {self:?}: {name} has {have} elements, needs {want}"
                )));
            }
        }
        Ok(())
    }
}

/// One Adam step's scalars.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AdamStep {
    /// Step t ≥ 1 (for the bias corrections).
    pub t: u32,
    /// Learning rate η of this step.
    pub lr: f32,
    /// Decoupled weight decay λ.
    pub weight_decay: f32,
}

/// β1, β2, ε of Adam.
pub const ADAM: (f32, f32, f32) = (0.9, 0.999, 1e-8);

impl AdamStep {
    /// The bias corrections (1 − β1^t, 1 − β2^t).
    pub fn corrections(&self) -> (f32, f32) {
        let (b1, b2, _) = ADAM;
        (1.0 - b1.powi(self.t as i32), 1.0 - b2.powi(self.t as i32))
    }
}

/// Shape of a row gather: from K × src_rows × cols into K × rows × cols.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Gather {
    /// Models K.
    pub batch: usize,
    /// Rows of each source table.
    pub src_rows: usize,
    /// Rows gathered per model.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
}

/// Length checks shared by every backend: each fails with a one-line shape error.
pub mod check {
    use super::{Gather, Rows};
    use crate::error::{Error, Result};

    /// x and out K×rows×cols, bias K×cols.
    pub fn bias_act(s: &Rows, x: usize, bias: usize, out: usize) -> Result<()> {
        s.check(
            "bias_act",
            &[
                ("x", x, s.len()),
                ("bias", bias, s.batch * s.cols),
                ("out", out, s.len()),
            ],
        )
    }
    /// δ and pre K×rows×cols.
    pub fn act_backward(s: &Rows, delta: usize, pre: usize) -> Result<()> {
        s.check(
            "act_backward",
            &[("delta", delta, s.len()), ("pre", pre, s.len())],
        )
    }
    /// x K×rows×cols, out K×cols.
    pub fn col_sums(s: &Rows, x: usize, out: usize) -> Result<()> {
        s.check(
            "col_sums",
            &[("x", x, s.len()), ("out", out, s.batch * s.cols)],
        )
    }
    /// out, y, δ K×rows (cols = 1), counts and loss K.
    pub fn mse_grad(
        s: &Rows,
        out: usize,
        y: usize,
        counts: usize,
        dout: usize,
        loss: usize,
    ) -> Result<()> {
        if s.cols != 1 {
            return Err(Error::Shape(format!(
                "mse_grad needs cols = 1, got {}",
                s.cols
            )));
        }
        s.check(
            "mse_grad",
            &[
                ("out", out, s.len()),
                ("y", y, s.len()),
                ("counts", counts, s.batch),
                ("dout", dout, s.len()),
                ("loss", loss, s.batch),
            ],
        )
    }
    /// p, g, m, v of one length.
    pub fn adam(p: usize, g: usize, m: usize, v: usize) -> Result<()> {
        let s = Rows {
            batch: 1,
            rows: 1,
            cols: p,
        };
        s.check("adam", &[("g", g, p), ("m", m, p), ("v", v, p)])
    }
    /// src[src_at..+len] and dst[dst_at..+len] inside their buffers.
    pub fn copy(src: usize, src_at: usize, dst: usize, dst_at: usize, len: usize) -> Result<()> {
        let fits = |at: usize, have: usize| at.checked_add(len).is_some_and(|end| end <= have);
        if fits(src_at, src) && fits(dst_at, dst) {
            Ok(())
        } else {
            Err(Error::Shape(format!(
                "copy of {len} elements from {src_at} of {src} to {dst_at} of {dst} is out of bounds"
            )))
        }
    }
    /// src K×src_rows×cols, idx K×rows, dst K×rows×cols.
    pub fn gather_rows(s: &Gather, src: usize, idx: usize, dst: usize) -> Result<()> {
        let r = Rows {
            batch: s.batch,
            rows: s.rows.max(s.src_rows),
            cols: s.cols,
        };
        r.check(
            "gather_rows",
            &[
                ("src", src, s.batch * s.src_rows * s.cols),
                ("idx", idx, s.batch * s.rows),
                ("dst", dst, s.batch * s.rows * s.cols),
            ],
        )
    }
}

/// CPU kernels (f32), shared by the CPU backend; the f64 oracles are in `reference`.
pub mod cpu {
    use super::{AdamStep, Gather, Rows, ADAM};
    use crate::model::Act;

    /// x ← x + bias; out ← act(x).
    pub fn bias_act(s: &Rows, x: &mut [f32], bias: &[f32], out: &mut [f32], act: Act) {
        for b in 0..s.batch {
            let bb = &bias[b * s.cols..(b + 1) * s.cols];
            for r in 0..s.rows {
                let at = (b * s.rows + r) * s.cols;
                for c in 0..s.cols {
                    let v = x[at + c] + bb[c];
                    x[at + c] = v;
                    out[at + c] = act.apply32(v);
                }
            }
        }
    }

    /// δ ← δ · act'(pre).
    pub fn act_backward(delta: &mut [f32], pre: &[f32], act: Act) {
        for (d, p) in delta.iter_mut().zip(pre) {
            *d *= act.slope32(*p);
        }
    }

    /// out_b,c ← Σ_r x_b,r,c.
    pub fn col_sums(s: &Rows, x: &[f32], out: &mut [f32]) {
        for b in 0..s.batch {
            let o = &mut out[b * s.cols..(b + 1) * s.cols];
            o.iter_mut().for_each(|v| *v = 0.0);
            for r in 0..s.rows {
                let at = (b * s.rows + r) * s.cols;
                for c in 0..s.cols {
                    o[c] += x[at + c];
                }
            }
        }
    }

    /// MSE gradient and loss per model over its first `counts[b]` rows.
    pub fn mse_grad(
        s: &Rows,
        out: &[f32],
        y: &[f32],
        counts: &[f32],
        dout: &mut [f32],
        loss: &mut [f32],
    ) {
        for b in 0..s.batch {
            let n = counts[b];
            let mut sum = 0.0f32;
            for r in 0..s.rows {
                let i = b * s.rows + r;
                if (r as f32) < n {
                    let d = out[i] - y[i];
                    dout[i] = 2.0 * d / n;
                    sum += d * d;
                } else {
                    dout[i] = 0.0;
                }
            }
            loss[b] = if n > 0.0 { sum / n } else { 0.0 };
        }
    }

    /// One Adam step over every element.
    pub fn adam(step: &AdamStep, p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32]) {
        let (b1, b2, eps) = ADAM;
        let (c1, c2) = step.corrections();
        for i in 0..p.len() {
            m[i] = b1 * m[i] + (1.0 - b1) * g[i];
            v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
            p[i] -= step.lr * (m[i] / c1) / ((v[i] / c2).sqrt() + eps)
                + step.lr * step.weight_decay * p[i];
        }
    }

    /// dst_b,r,: ← src_b,idx_b,r,:.
    pub fn gather_rows(s: &Gather, src: &[f32], idx: &[f32], dst: &mut [f32]) {
        for b in 0..s.batch {
            for r in 0..s.rows {
                let j = idx[b * s.rows + r];
                let to = (b * s.rows + r) * s.cols;
                if j >= 0.0 && (j as usize) < s.src_rows {
                    let from = (b * s.src_rows + j as usize) * s.cols;
                    dst[to..to + s.cols].copy_from_slice(&src[from..from + s.cols]);
                } else {
                    dst[to..to + s.cols].iter_mut().for_each(|v| *v = 0.0);
                }
            }
        }
    }
}
