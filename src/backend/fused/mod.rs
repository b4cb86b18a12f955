//! The fused training program: everything one training step of K same-shaped networks does
//! (mini-batch gather, forward, MSE gradient, backward, Adam), run by one kernel with one
//! workgroup per model and many steps per dispatch (`shaders/train_fused.wgsl`). This module
//! lays out the buffers that kernel works on; [`crate::train::fused`] drives it.
//!
//! Per model, with P parameters (the flat layout of [`Arch::segments`]):
//! - state: params | grads | Adam m | Adam v (4P floats), K models one after another;
//! - data (read-only): the trainable mask (P), the training tables x (K × n_max × d) and
//!   y (K × n_max), the validation tables (K × v_max × d, K × v_max) and counts (K);
//! - scratch: S floats of activations and deltas for R rows (R ≥ the mini-batch; validation
//!   runs in chunks of R rows);
//! - best: the P parameters kept for each model (the best validation loss so far), loaded
//!   into the state at the start and saved from it, for the flagged models, by one dispatch
//!   each ([`Keep`]).
//!
//! The kernel's uniform block ([`FusedPlan::words`]) holds the shapes and every offset.
//! [`loops`] counts the kernel's loop passes per dispatch, for drivers that stop loops past
//! a budget.

use crate::error::{Error, Result};
use crate::model::{Arch, Role, Segment};

pub mod loops;

/// Extractor layers the kernel's uniform block has room for (depth ≤ 6 needs 7).
pub const MAX_LAYERS: usize = 8;
/// Trainable ranges the kernel's uniform block has room for.
pub const MAX_RANGES: usize = 32;
/// Words of the uniform block (`struct Net` in the shader).
pub const WORDS: usize = 44 + 3 * 4 * MAX_LAYERS + 2 * MAX_RANGES;
/// Fewest scratch rows (validation chunks).
const MIN_ROWS: usize = 64;

/// Sizes of one fused training run.
#[derive(Clone, Debug, PartialEq)]
pub struct FusedShape {
    /// Models K.
    pub k: usize,
    /// Mini-batch rows b.
    pub batch: usize,
    /// Rows of the largest training table.
    pub n_max: usize,
    /// Rows of the largest validation table.
    pub v_max: usize,
    /// Peak learning rate.
    pub lr: f32,
    /// Decoupled weight decay.
    pub weight_decay: f32,
    /// Total steps T of the cosine schedule.
    pub steps: usize,
}

/// The layout of one fused run: sizes, offsets and the kernel's uniform block.
#[derive(Clone, Debug, PartialEq)]
pub struct FusedPlan {
    /// The sizes it was made for.
    pub shape: FusedShape,
    /// Parameters per model P.
    pub params: usize,
    /// Scratch floats per model S.
    pub scratch: usize,
    /// Floats of the data buffer.
    pub data_len: usize,
    /// The uniform block, as u32 words (f32 fields as their bits).
    pub words: Vec<u32>,
    mask: Vec<f32>,
    offsets: [usize; 6],
}

fn seg(segs: &[Segment], role: Role) -> Result<&Segment> {
    segs.iter()
        .find(|s| s.role == role)
        .ok_or_else(|| Error::Shape(format!("fused plan: no segment {role:?}")))
}

impl FusedPlan {
    /// The plan for `arch` with the trainable segments picked by `trainable`.
    pub fn new(arch: &Arch, trainable: &dyn Fn(Role) -> bool, shape: FusedShape) -> Result<Self> {
        let layers = arch.depth + 1;
        if layers > MAX_LAYERS {
            return Err(Error::Limit(format!(
                "depth: the fused kernel takes at most {} layers",
                MAX_LAYERS - 1
            )));
        }
        if shape.k == 0 || shape.batch == 0 || shape.n_max == 0 || shape.v_max == 0 {
            return Err(Error::Shape(format!("fused plan: empty sizes {shape:?}")));
        }
        let segs = arch.segments();
        let p = arch.param_count();
        // Trainable mask and merged ranges.
        let mut mask = vec![0.0f32; p];
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for s in segs.iter().filter(|s| trainable(s.role)) {
            mask[s.range()].iter_mut().for_each(|m| *m = 1.0);
            match ranges.last_mut() {
                Some((o, l)) if *o + *l == s.offset => *l += s.len(),
                _ => ranges.push((s.offset, s.len())),
            }
        }
        if ranges.len() > MAX_RANGES {
            return Err(Error::Limit(format!(
                "fused plan: {} trainable ranges, the kernel takes {MAX_RANGES}",
                ranges.len()
            )));
        }
        let lowest = (0..layers)
            .find(|&l| {
                let mut roles = vec![Role::ExtractorWeight(l), Role::ExtractorBias(l)];
                if arch.lora_rank > 0 {
                    roles.extend([Role::LoraA(l), Role::LoraB(l)]);
                }
                roles.into_iter().any(trainable)
            })
            .unwrap_or(layers);
        let adapter_trains = arch.adapter_width > 0
            && [Role::AdapterV, Role::AdapterC, Role::AdapterU]
                .into_iter()
                .any(trainable);

        // Scratch, for R rows.
        let rows = shape.batch.max(MIN_ROWS);
        let (d, k, wh, ra, rank) = (
            arch.d,
            arch.k,
            arch.head_width,
            arch.adapter_width,
            arch.lora_rank,
        );
        let mut next = 0usize;
        let mut take = |cols: usize| {
            let at = next;
            next += rows * cols;
            at
        };
        let sx_x = take(d);
        let mut sl = Vec::new();
        for l in 0..layers {
            let (o, _) = arch.extractor_shape(l);
            sl.push([take(o), take(o), take(rank), 0]);
        }
        let sx = [sx_x, take(ra), take(ra), take(k)];
        let sh = [take(wh), take(wh), take(1), take(1)];
        let widest = (0..layers)
            .map(|l| arch.extractor_shape(l).0)
            .chain([d, k, wh, ra, 1])
            .max()
            .unwrap_or(1);
        let sd = [take(widest), take(widest), take(rank.max(1)), 0];
        let scratch = next;

        // Data offsets.
        let (km, n, v) = (shape.k, shape.n_max, shape.v_max);
        let offsets = [
            0,
            p,
            p + km * n * d,
            p + km * n * (d + 1),
            p + km * n * (d + 1) + km * v * d,
            p + km * n * (d + 1) + km * v * (d + 1),
        ];
        let data_len = offsets[5] + km;
        for (what, len) in [
            ("state", km * 4 * p),
            ("data", data_len),
            ("scratch", km * scratch),
        ] {
            if len >= u32::MAX as usize {
                return Err(Error::Limit(format!(
                    "fused plan: the {what} buffer has {len} floats, over 2^32"
                )));
            }
        }

        let u = |x: usize| x as u32;
        let mut w = vec![0u32; WORDS];
        let mut put = |at: usize, v: [u32; 4]| w[at..at + 4].copy_from_slice(&v);
        put(0, [u(p), u(scratch), u(d), u(layers)]);
        put(4, [u(shape.batch), u(n), u(v), u(rows)]);
        put(8, [u(k), u(wh), u(ra), u(rank)]);
        put(
            12,
            [
                shape.lr.to_bits(),
                shape.weight_decay.to_bits(),
                (shape.steps.max(1) as f32).to_bits(),
                0,
            ],
        );
        put(
            16,
            [u(offsets[0]), u(offsets[1]), u(offsets[2]), u(offsets[3])],
        );
        put(
            20,
            [
                u(offsets[4]),
                u(offsets[5]),
                u(lowest),
                adapter_trains as u32,
            ],
        );
        if ra > 0 {
            put(
                24,
                [
                    u(seg(&segs, Role::AdapterV)?.offset),
                    u(seg(&segs, Role::AdapterC)?.offset),
                    u(seg(&segs, Role::AdapterU)?.offset),
                    u(ranges.len()),
                ],
            );
        } else {
            put(24, [0, 0, 0, u(ranges.len())]);
        }
        put(
            28,
            [
                u(seg(&segs, Role::HeadWeight(0))?.offset),
                u(seg(&segs, Role::HeadBias(0))?.offset),
                u(seg(&segs, Role::HeadWeight(1))?.offset),
                u(seg(&segs, Role::HeadBias(1))?.offset),
            ],
        );
        put(32, sx.map(u));
        put(36, sh.map(u));
        put(40, sd.map(u));
        for (l, scratch_l) in sl.iter().enumerate() {
            let (o, i) = arch.extractor_shape(l);
            put(
                44 + 4 * l,
                [
                    u(seg(&segs, Role::ExtractorWeight(l))?.offset),
                    u(seg(&segs, Role::ExtractorBias(l))?.offset),
                    u(o),
                    u(i),
                ],
            );
            if rank > 0 {
                put(
                    44 + 4 * MAX_LAYERS + 4 * l,
                    [
                        u(seg(&segs, Role::LoraA(l))?.offset),
                        u(seg(&segs, Role::LoraB(l))?.offset),
                        0,
                        0,
                    ],
                );
            }
            put(44 + 8 * MAX_LAYERS + 4 * l, scratch_l.map(u));
        }
        for (q, (o, l)) in ranges.iter().enumerate() {
            let at = 44 + 12 * MAX_LAYERS + 2 * q;
            w[at] = u(*o);
            w[at + 1] = u(*l);
        }
        Ok(FusedPlan {
            shape,
            params: p,
            scratch,
            data_len,
            words: w,
            mask,
            offsets,
        })
    }

    /// The data buffer's contents: per model its training table (x rows × d, y) and its
    /// validation table, zero padded to n_max and v_max rows.
    pub fn data(&self, train: &[(&[f64], &[f64])], val: &[(&[f64], &[f64])]) -> Result<Vec<f32>> {
        let (k, n, v) = (self.shape.k, self.shape.n_max, self.shape.v_max);
        let d = self.words[2] as usize;
        let fits = |t: &[(&[f64], &[f64])], rows: usize| {
            t.len() == k
                && t.iter()
                    .all(|(x, y)| y.len() <= rows && x.len() == y.len() * d && !y.is_empty())
        };
        if !fits(train, n) || !fits(val, v) {
            return Err(Error::Shape(format!(
                "fused data needs {k} training tables of ≤ {n} rows and {k} validation tables of ≤ {v} rows"
            )));
        }
        let mut out = vec![0.0f32; self.data_len];
        out[..self.params].copy_from_slice(&self.mask);
        let o = &self.offsets;
        for b in 0..k {
            let fill = |out: &mut [f32], at: usize, src: &[f64]| {
                for (dst, x) in out[at..at + src.len()].iter_mut().zip(src) {
                    *dst = *x as f32;
                }
            };
            fill(&mut out, o[1] + b * n * d, train[b].0);
            fill(&mut out, o[2] + b * n, train[b].1);
            fill(&mut out, o[3] + b * v * d, val[b].0);
            fill(&mut out, o[4] + b * v, val[b].1);
            out[o[5] + b] = val[b].1.len() as f32;
        }
        Ok(out)
    }

    /// Whether a readback of the loss buffer (K losses and the flag) says that a dispatch
    /// spent the driver's loop budget, so that its results are wrong: the error to stop on.
    pub fn budget_spent(&self, losses: &[f32]) -> Result<()> {
        match losses.get(self.shape.k) {
            Some(0.0) => Ok(()),
            _ => Err(Error::Gpu(
                "the GPU driver stopped the training kernel's loops part way (its loop budget \
                 per invocation was spent), so its results are wrong"
                    .into(),
            )),
        }
    }

    /// Rough floating-point operations of one training step of one model (for choosing how
    /// many steps one dispatch runs): forward and backward through the trained part.
    pub fn step_flops(&self) -> f64 {
        6.0 * self.shape.batch as f64 * self.params as f64
    }
}

/// The device buffers of one fused run.
pub struct FusedBuffers<B> {
    /// K × 4P: params | grads | m | v per model.
    pub state: B,
    /// The read-only data buffer ([`FusedPlan::data`]).
    pub data: B,
    /// K × S scratch.
    pub scratch: B,
    /// K validation losses, written by an eval dispatch, then a flag: non-zero once a
    /// dispatch spent the driver's loop budget ([`FusedPlan::budget_spent`]).
    pub loss: B,
    /// K × P: each model's kept parameters.
    pub best: B,
}

/// A copy between every model's parameters in the state and its slot of `best`, one
/// dispatch for all K models ([`super::Backend::fused_keep`]).
#[derive(Clone, Copy, Debug)]
pub enum Keep<'a> {
    /// best → params, for every model (the start of a run).
    Load,
    /// params → best, for the models whose flag is set (K flags).
    Save(&'a [bool]),
}

impl<B> FusedBuffers<B> {
    /// The buffers of `plan` on `backend`: `params` (K × P, model after model) uploaded as
    /// the kept parameters and loaded on the device into each model's state slot (params |
    /// grads | m | v, the rest zero), the data tables uploaded, scratch and losses zero.
    pub fn new<Be: super::Backend<Buffer = B>>(
        backend: &Be,
        plan: &FusedPlan,
        params: &[f32],
        train: &[(&[f64], &[f64])],
        val: &[(&[f64], &[f64])],
    ) -> Result<Self> {
        let (k, p) = (plan.shape.k, plan.params);
        if params.len() != k * p {
            return Err(Error::Shape(format!(
                "fused run needs {k} × {p} parameters, got {}",
                params.len()
            )));
        }
        let mut bufs = FusedBuffers {
            state: backend.zeros(k * 4 * p)?,
            data: backend.upload(&plan.data(train, val)?)?,
            scratch: backend.zeros(k * plan.scratch)?,
            loss: backend.zeros(k + 1)?,
            best: backend.upload(params)?,
        };
        backend.fused_keep(plan, &mut bufs, Keep::Load)?;
        Ok(bufs)
    }
}
