//! The network of docs/science.md §4, with every parameter in one flat vector split into named
//! segments, so that optimisers, freezing masks, parameter counts and "bit-identical"
//! checks all work on plain slices.
//!
//! Shapes (row-major, batch of n rows):
//! - extractor: d → W → … → W → k, `depth` hidden ReLU layers, a linear feature layer;
//!   layer l: pre_l = h_l·W_lᵀ + b_l (+ (h_l·A_lᵀ)·B_lᵀ with LoRA), W_l out×in;
//! - adapter (optional, the caulk): z' = z + hat(z·Vᵀ + c)·Uᵀ, V r×k, U k×r, U = 0 at init,
//!   hat(v) = max(0, 1 − |v|) = relu(v + 1) − 2·relu(v) + relu(v − 1) (a fixed combination of
//!   three ReLUs, so still a ReLU adapter), its knots t_j = −c_j/V_j at quantiles of the
//!   feature ([`adapter_knots`]): a well-conditioned basis where hinges relu(V·z + c) are not
//!   (docs/science.md §4);
//! - head: k → W_h (ReLU) → 1 linear.
//! - LoRA (optional) on extractor layer l: ΔW_l = B_l·A_l, A_l r×in random, B_l out×r = 0.

pub mod net;

use serde::Serialize;

/// The activation of a layer's units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// v.
    Identity,
    /// max(v, 0): every hidden layer of the extractor and the head.
    Relu,
    /// max(0, 1 − |v|): the adapter's units.
    Hat,
}

impl Act {
    /// Its code in the shaders' uniforms: 0, 1, 2.
    pub fn code(self) -> u32 {
        match self {
            Act::Identity => 0,
            Act::Relu => 1,
            Act::Hat => 2,
        }
    }

    /// act(v).
    pub fn apply(self, v: f64) -> f64 {
        match self {
            Act::Identity => v,
            Act::Relu => v.max(0.0),
            Act::Hat => (1.0 - v.abs()).max(0.0),
        }
    }

    /// act'(v), one-sided where it has a kink: relu' = \[v > 0\]; hat' = 0 for |v| ≥ 1,
    /// −1 for 0 < v < 1, +1 for −1 < v ≤ 0.
    pub fn slope(self, v: f64) -> f64 {
        match self {
            Act::Identity => 1.0,
            Act::Relu => (v > 0.0) as u8 as f64,
            Act::Hat if v.abs() >= 1.0 => 0.0,
            Act::Hat if v > 0.0 => -1.0,
            Act::Hat => 1.0,
        }
    }

    /// [`Act::apply`] in f32, as the CPU kernels and the shaders compute it.
    pub fn apply32(self, v: f32) -> f32 {
        match self {
            Act::Identity => v,
            Act::Relu => v.max(0.0),
            Act::Hat => (1.0 - v.abs()).max(0.0),
        }
    }

    /// [`Act::slope`] in f32.
    pub fn slope32(self, v: f32) -> f32 {
        self.slope(v as f64) as f32
    }
}

/// The adapter's starting knots for r units on the feature values `z` (rows of k): unit j
/// reads feature j mod k, its knot t_j at the (i + ½)/q quantile of that feature (i its index
/// among the q units on that feature), and its half-width h_j the larger gap to its
/// neighbouring knots (the feature's range for a single unit), so neighbouring hats overlap
/// and cover the data: V_j = 1/h_j on its feature, c_j = −t_j/h_j. Returns (V r×k, c r).
pub fn adapter_knots(z: &[f64], k: usize, r: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0; r * k];
    let mut c = vec![0.0; r];
    if k == 0 || z.is_empty() {
        return (v, c);
    }
    for f in 0..k {
        let mut col: Vec<f64> = z.chunks(k).map(|row| row[f]).collect();
        col.sort_by(f64::total_cmp);
        let units: Vec<usize> = (0..r).filter(|j| j % k == f).collect();
        let q = units.len();
        let at = |p: f64| col[((col.len() - 1) as f64 * p).round() as usize];
        let knots: Vec<f64> = (0..q).map(|i| at((i as f64 + 0.5) / q as f64)).collect();
        let span = (col[col.len() - 1] - col[0]).max(1e-6);
        for (i, &j) in units.iter().enumerate() {
            let left = if i > 0 { knots[i] - knots[i - 1] } else { 0.0 };
            let right = if i + 1 < q {
                knots[i + 1] - knots[i]
            } else {
                0.0
            };
            let h = if q == 1 { span } else { left.max(right) }.max(span * 1e-3);
            v[j * k + f] = 1.0 / h;
            c[j] = -knots[i] / h;
        }
    }
    (v, c)
}

use crate::error::{Error, Result};
use crate::rng::Rng;

/// Architecture of a network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Arch {
    /// Input dimension d.
    pub d: usize,
    /// Hidden width W of the extractor.
    pub width: usize,
    /// Hidden layers of the extractor (≥ 1).
    pub depth: usize,
    /// Feature dimension k.
    pub k: usize,
    /// Hidden width of the head.
    pub head_width: usize,
    /// Adapter bottleneck width (0: no adapter).
    pub adapter_width: usize,
    /// LoRA rank (0: no LoRA).
    pub lora_rank: usize,
}

/// What a segment of the parameter vector holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Role {
    /// Weight of extractor layer l.
    ExtractorWeight(usize),
    /// Bias of extractor layer l.
    ExtractorBias(usize),
    /// Weight of head layer l (0: hidden, 1: output).
    HeadWeight(usize),
    /// Bias of head layer l.
    HeadBias(usize),
    /// Adapter V (r × k).
    AdapterV,
    /// Adapter bias c (r).
    AdapterC,
    /// Adapter U (k × r), zero at init.
    AdapterU,
    /// LoRA A of extractor layer l (r × in).
    LoraA(usize),
    /// LoRA B of extractor layer l (out × r), zero at init.
    LoraB(usize),
}

/// A named slice of the parameter vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// What it holds.
    pub role: Role,
    /// Start in the vector.
    pub offset: usize,
    /// Rows (out).
    pub rows: usize,
    /// Columns (in); 1 for biases.
    pub cols: usize,
}

impl Segment {
    /// Elements.
    pub fn len(&self) -> usize {
        self.rows * self.cols
    }
    /// Whether it has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Its range in the parameter vector.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.len()
    }
}

/// Largest sizes accepted (keys of the config bound them too).
const MAX_WIDTH: usize = 1024;

impl Arch {
    /// Check sizes; an error names the offending key.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, v: usize, lo: usize, hi: usize| {
            Err(Error::Limit(format!(
                "{key}: {v} is out of range [{lo}, {hi}]"
            )))
        };
        for (key, v, lo, hi) in [
            ("d", self.d, 1, 16),
            ("width", self.width, 1, MAX_WIDTH),
            ("depth", self.depth, 1, 6),
            ("k", self.k, 1, 2),
            ("head_width", self.head_width, 1, MAX_WIDTH),
            ("adapter_width", self.adapter_width, 0, 256),
            ("rank", self.lora_rank, 0, 64),
        ] {
            if v < lo || v > hi {
                return bad(key, v, lo, hi);
            }
        }
        Ok(())
    }

    /// (out, in) of extractor layer l, l = 0..=depth.
    pub fn extractor_shape(&self, l: usize) -> (usize, usize) {
        let input = if l == 0 { self.d } else { self.width };
        let output = if l == self.depth { self.k } else { self.width };
        (output, input)
    }

    /// Every segment in order.
    pub fn segments(&self) -> Vec<Segment> {
        let mut out = Vec::new();
        let mut offset = 0;
        let mut push = |role, rows, cols| {
            out.push(Segment {
                role,
                offset,
                rows,
                cols,
            });
            offset += rows * cols;
        };
        for l in 0..=self.depth {
            let (o, i) = self.extractor_shape(l);
            push(Role::ExtractorWeight(l), o, i);
            push(Role::ExtractorBias(l), o, 1);
        }
        push(Role::HeadWeight(0), self.head_width, self.k);
        push(Role::HeadBias(0), self.head_width, 1);
        push(Role::HeadWeight(1), 1, self.head_width);
        push(Role::HeadBias(1), 1, 1);
        if self.adapter_width > 0 {
            push(Role::AdapterV, self.adapter_width, self.k);
            push(Role::AdapterC, self.adapter_width, 1);
            push(Role::AdapterU, self.k, self.adapter_width);
        }
        if self.lora_rank > 0 {
            for l in 0..=self.depth {
                let (o, i) = self.extractor_shape(l);
                push(Role::LoraA(l), self.lora_rank, i);
                push(Role::LoraB(l), o, self.lora_rank);
            }
        }
        out
    }

    /// The segment with `role`.
    pub fn segment(&self, role: Role) -> Option<Segment> {
        self.segments().into_iter().find(|s| s.role == role)
    }

    /// Total parameters.
    pub fn param_count(&self) -> usize {
        self.segments().iter().map(Segment::len).sum()
    }

    /// Initial parameters: weights N(0, 2/fan_in) (He), biases 0, adapter U and LoRA B zero
    /// (so the adapted network equals the base network at step 0).
    pub fn init(&self, rng: &mut Rng) -> Vec<f64> {
        let mut p = vec![0.0; self.param_count()];
        for s in self.segments() {
            let zero = matches!(
                s.role,
                Role::ExtractorBias(_)
                    | Role::HeadBias(_)
                    | Role::AdapterC
                    | Role::AdapterU
                    | Role::LoraB(_)
            );
            if !zero {
                let scale = (2.0 / s.cols as f64).sqrt();
                for v in &mut p[s.range()] {
                    *v = scale * rng.normal();
                }
            }
        }
        p
    }

    /// The same network with an adapter and/or LoRA added; `base` parameters are copied and
    /// the new ones initialised from `rng` (U, B zero).
    pub fn extend(
        &self,
        base: &[f64],
        adapter_width: usize,
        lora_rank: usize,
        rng: &mut Rng,
    ) -> (Arch, Vec<f64>) {
        let arch = Arch {
            adapter_width,
            lora_rank,
            ..self.clone()
        };
        let mut p = arch.init(rng);
        for s in self.segments() {
            if let Some(t) = arch.segment(s.role) {
                p[t.range()].copy_from_slice(&base[s.range()]);
            }
        }
        (arch, p)
    }
}
