//! The work a sweep is made of, per unit, in device-free terms: a gradient step on a batch of
//! b rows costs 6·b·MACs FLOPs (forward 2, backward 4), a forward pass 2·MACs per row, and
//! generating a row evaluates every ridge cosine of the extractor. [`rates`](super::rates)
//! measures how fast this device does each, [`cost`](super::cost) turns a plan into seconds.

use crate::data::extractor::{MAX_RIDGES, RIDGE_LEVELS};
use crate::model::Arch;

/// Multiply-accumulates of one forward pass of a row.
pub fn macs(a: &Arch) -> f64 {
    a.segments()
        .iter()
        .filter(|s| s.cols > 1 || s.rows == 1)
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
}

/// FLOP of one forward pass of a row through network `a`.
pub fn forward_flops(a: &Arch) -> f64 {
    2.0 * macs(a)
}

/// What the model of training leaves out (allocation, test-set bookkeeping), as a factor on
/// its modelled time, set so that estimate/wall stays in [1, 2] natively and in wasm
/// (`caulk bench`, `node www/bench/presets.mjs`; the wasm training estimate runs higher).
/// Data generation needs none: the ridge probe runs the
/// very code that generates the tables (`limit`, almost all data: estimate/wall 1.04 in
/// wasm without the factor).
pub const OVERHEAD: f64 = 1.3;
