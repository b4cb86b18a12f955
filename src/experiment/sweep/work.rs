//! The work a sweep is made of, per unit, in device-free terms: a gradient step on a batch of
//! b rows costs 6·b·MACs FLOPs (forward 2, backward 4), a forward pass 2·MACs per row, and
//! generating a row evaluates every ridge cosine of the extractor. [`rates`](crate::experiment::sweep::rates)
//! measures how fast this device does each, [`cost`](crate::experiment::sweep::cost) turns a plan into seconds.

use crate::data::extractor::{MAX_RIDGES, RIDGE_LEVELS};
use crate::model::Arch;

/// Multiply-accumulates of one forward pass of a row.
pub fn macs(a: &Arch) -> f64 {
    macs_where(a, |_| true)
}

/// Those of the segments whose role passes `keep` (weights; a bias counts only as the
/// output's single one).
fn macs_where(a: &Arch, keep: impl Fn(crate::model::Role) -> bool) -> f64 {
    a.segments()
        .iter()
        .filter(|s| (s.cols > 1 || s.rows == 1) && keep(s.role))
        .map(|s| s.len() as f64)
        .sum()
}

/// Ridge cosines evaluated to generate one row with the ridge extractor in d dimensions.
pub(crate) fn ridges_per_row(d: usize) -> f64 {
    (0..=RIDGE_LEVELS)
        .map(|j| {
            2usize
                .saturating_mul(1usize << (j * (d - 1)).min(30))
                .min(MAX_RIDGES)
        })
        .sum::<usize>() as f64
}

/// The modelled work of one unit of a sweep: training FLOP on the CPU, ridge cosines, and
/// seconds of GPU training.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cost {
    /// Floating-point operations of training and fitting on the CPU.
    pub flops: f64,
    /// Ridge cosines of data generation.
    pub ridges: f64,
    /// Seconds of training on the GPU (its share of a call of several models).
    pub gpu_s: f64,
    /// Head-only training steps on the CPU (a frozen extractor's fit), timed by their own
    /// rate ([`Rates::head_steps`](crate::experiment::sweep::rates::Rates::head_steps)): bookkeeping more than
    /// arithmetic.
    pub head_steps: f64,
}

/// FLOP of one forward pass of a row through network `a`.
pub fn forward_flops(a: &Arch) -> f64 {
    2.0 * macs(a)
}

/// FLOP of the extractor's part of that pass (x → z = φ̂(x), LoRA included); the rest,
/// `forward_flops(a) − extractor_flops(a)`, is the head's (and an adapter's): what a method
/// that keeps the extractor pays per row once the features are known.
pub fn extractor_flops(a: &Arch) -> f64 {
    use crate::model::Role;
    2.0 * macs_where(a, |r| {
        matches!(
            r,
            Role::ExtractorWeight(_) | Role::ExtractorBias(_) | Role::LoraA(_) | Role::LoraB(_)
        )
    })
}

/// What the model of a table's generation leaves out beyond its ridge cosines (drawing x
/// and the noise, the target's sum, writing the rows, two threads sharing the memory), as a
/// factor on its modelled time: `limit`, almost all generation, ran at estimate/wall
/// 0.63 natively without it (`caulk bench`, three runs; 1.04 in wasm, `www/bench/presets.mjs`).
pub const ROW_OVERHEAD: f64 = 1.7;

/// What the model of training leaves out (allocation, test-set bookkeeping), as a factor on
/// its modelled time, set so that estimate/wall stays in [1, 2] natively and in wasm
/// (`caulk bench`, `node www/bench/presets.mjs`; the wasm training estimate runs higher).
/// Data generation has its own ([`ROW_OVERHEAD`]).
pub const OVERHEAD: f64 = 1.3;
