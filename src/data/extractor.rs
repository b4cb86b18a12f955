//! Ground-truth feature extractors φ*: \[0,1\]^d → \[0,1\]^k (docs/science.md §3).
//!
//! - [`RidgeExtractor`], smoothness s_φ: each coordinate is a sum of random ridge cosines
//!   φ_raw(x) = Σ_{j=0}^{J_φ} Σ_{r<R_j} 2^(−j s_φ) c_jr cos(2^j π ⟨ω_jr, x⟩ + θ_jr),
//!   ω_jr uniform on the unit sphere, c_jr ~ N(0, 1/R_j), R_j = min(2·2^(j(d−1)), 128)
//!   ridges at level j (capped: uncapped it is 2^29 at d = 8). It is rescaled to [0, 1] by its
//!   1 % and 99 % quantiles on 4096 fixed points and clamped (the clamp is 1-Lipschitz, so
//!   Hölder smoothness up to 1 is kept; above 1 it is kept away from the clamped set).
//! - [`TeacherMlp`]: the simpler smooth preset, a random d → 32 → 32 → k tanh network with a
//!   sigmoid output.

use super::cosine;
use crate::rng::Rng;

// Transcendentals come from `libm` or [`cosine`] so that native and wasm agree bit for bit.

/// Highest frequency level J_φ of the ridge extractor (resolution 2^−8 ≈ what m ≤ 10^6
/// samples resolve in d ≥ 2).
pub const RIDGE_LEVELS: usize = 8;
/// Most ridges per level.
pub const MAX_RIDGES: usize = 128;
/// Points on which the rescaling quantiles are taken.
pub const QUANTILE_POINTS: usize = 4096;

/// A map \[0,1\]^d → \[0,1\]^k.
pub trait Extractor {
    /// Input dimension d.
    fn d(&self) -> usize;
    /// Output dimension k.
    fn k(&self) -> usize;
    /// φ(x) for one point `x` (length d), written to `out` (length k).
    fn eval(&self, x: &[f64], out: &mut [f64]);
}

/// Ridges evaluated per block (the arguments and cosines of a block live on the stack).
const BLOCK: usize = 64;

/// One output coordinate: its R ridges c_r·cos(f_r·⟨ω_r, x⟩ + θ_r) (level weight folded into
/// c_r) stored by field, so that a row's R arguments and cosines are computed as vectors, and
/// the affine rescaling to [0, 1].
#[derive(Clone, Debug, PartialEq)]
struct RidgeCoordinate {
    /// ω_r,i at `omega[i * R + r]` (input dimension major).
    omega: Vec<f64>,
    freq: Vec<f64>,
    coef: Vec<f64>,
    theta: Vec<f64>,
    lo: f64,
    hi: f64,
}

impl RidgeCoordinate {
    /// Σ_r c_r·cos(f_r·⟨ω_r, x⟩ + θ_r), summed in four interleaved partial sums (r mod 4),
    /// then (s0 + s1) + (s2 + s3): a fixed order, the same bits on every target.
    fn raw(&self, x: &[f64]) -> f64 {
        let count = self.freq.len();
        let (mut args, mut cosines) = ([0.0; BLOCK], [0.0; BLOCK]);
        let mut sums = [0.0; 4];
        for start in (0..count).step_by(BLOCK) {
            let len = BLOCK.min(count - start);
            let (args, cosines) = (&mut args[..len], &mut cosines[..len]);
            args.fill(0.0);
            for (i, xi) in x.iter().enumerate() {
                let w = &self.omega[i * count + start..i * count + start + len];
                for (a, w) in args.iter_mut().zip(w) {
                    *a += w * xi;
                }
            }
            let ends = start..start + len;
            for ((a, f), t) in args
                .iter_mut()
                .zip(&self.freq[ends.clone()])
                .zip(&self.theta[ends.clone()])
            {
                *a = f * *a + t;
            }
            cosine::cos_into(args, cosines);
            // BLOCK is a multiple of 4, so lane r mod 4 is the same across blocks.
            for (r, (c, v)) in self.coef[ends].iter().zip(cosines.iter()).enumerate() {
                sums[r % 4] += c * v;
            }
        }
        (sums[0] + sums[1]) + (sums[2] + sums[3])
    }
}

/// The s_φ-smooth ridge-cosine extractor.
#[derive(Clone, Debug, PartialEq)]
pub struct RidgeExtractor {
    d: usize,
    coords: Vec<RidgeCoordinate>,
}

/// A direction uniform on the unit sphere of ℝ^d.
fn unit_vector(d: usize, rng: &mut Rng) -> Vec<f64> {
    loop {
        let v: Vec<f64> = (0..d).map(|_| rng.normal()).collect();
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm > 1e-12 {
            return v.into_iter().map(|a| a / norm).collect();
        }
    }
}

/// The q-quantile (0 ≤ q ≤ 1) of `v` by sorting a copy.
fn quantile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() - 1) as f64 * q).round() as usize]
}

impl RidgeExtractor {
    /// A random extractor of smoothness `s_phi` from `rng`.
    pub fn new(d: usize, k: usize, s_phi: f64, rng: &mut Rng) -> Self {
        let mut coords = Vec::with_capacity(k);
        for _ in 0..k {
            let mut coord = RidgeCoordinate {
                omega: Vec::new(),
                freq: Vec::new(),
                coef: Vec::new(),
                theta: Vec::new(),
                lo: 0.0,
                hi: 1.0,
            };
            let mut directions = Vec::new();
            for j in 0..=RIDGE_LEVELS {
                let count = 2usize
                    .saturating_mul(1usize << (j * (d - 1)).min(30))
                    .min(MAX_RIDGES);
                let level = libm::pow(2.0, -(j as f64) * s_phi) / (count as f64).sqrt();
                for _ in 0..count {
                    directions.push(unit_vector(d, rng));
                    coord.freq.push(std::f64::consts::PI * (1u64 << j) as f64);
                    coord.coef.push(level * rng.normal());
                    coord
                        .theta
                        .push(rng.uniform_in(0.0, 2.0 * std::f64::consts::PI));
                }
            }
            coord.omega = (0..d)
                .flat_map(|i| directions.iter().map(move |w| w[i]))
                .collect();
            let values: Vec<f64> = (0..QUANTILE_POINTS)
                .map(|_| {
                    let x: Vec<f64> = (0..d).map(|_| rng.uniform()).collect();
                    coord.raw(&x)
                })
                .collect();
            coord.lo = quantile(&values, 0.01);
            coord.hi = quantile(&values, 0.99).max(coord.lo + 1e-12);
            coords.push(coord);
        }
        RidgeExtractor { d, coords }
    }
}

impl Extractor for RidgeExtractor {
    fn d(&self) -> usize {
        self.d
    }
    fn k(&self) -> usize {
        self.coords.len()
    }
    fn eval(&self, x: &[f64], out: &mut [f64]) {
        for (o, c) in out.iter_mut().zip(&self.coords) {
            *o = ((c.raw(x) - c.lo) / (c.hi - c.lo)).clamp(0.0, 1.0);
        }
    }
}

/// Hidden width of the teacher network.
pub const TEACHER_WIDTH: usize = 32;

/// A random smooth teacher d → 32 → 32 → k, tanh hidden units, sigmoid output.
#[derive(Clone, Debug, PartialEq)]
pub struct TeacherMlp {
    d: usize,
    k: usize,
    /// (weights row-major out×in, bias) per layer.
    layers: Vec<(Vec<f64>, Vec<f64>)>,
}

impl TeacherMlp {
    /// Weights N(0, 2/fan_in) (a scale that makes the map vary across \[0,1\]^d), biases N(0, 1).
    pub fn new(d: usize, k: usize, rng: &mut Rng) -> Self {
        let dims = [d, TEACHER_WIDTH, TEACHER_WIDTH, k];
        let layers = dims
            .windows(2)
            .map(|w| {
                let scale = (2.0 / w[0] as f64).sqrt() * 2.0;
                let weights = (0..w[0] * w[1]).map(|_| scale * rng.normal()).collect();
                let bias = (0..w[1]).map(|_| rng.normal()).collect();
                (weights, bias)
            })
            .collect();
        TeacherMlp { d, k, layers }
    }
}

impl Extractor for TeacherMlp {
    fn d(&self) -> usize {
        self.d
    }
    fn k(&self) -> usize {
        self.k
    }
    fn eval(&self, x: &[f64], out: &mut [f64]) {
        let mut h = x.to_vec();
        let last = self.layers.len() - 1;
        for (i, (w, b)) in self.layers.iter().enumerate() {
            let n_in = h.len();
            h = b
                .iter()
                .enumerate()
                .map(|(o, bias)| {
                    let z = bias + (0..n_in).map(|j| w[o * n_in + j] * h[j]).sum::<f64>();
                    if i == last {
                        1.0 / (1.0 + libm::exp(-z))
                    } else {
                        libm::tanh(z)
                    }
                })
                .collect();
        }
        out.copy_from_slice(&h[..self.k]);
    }
}
