//! Source and target tasks (docs/science.md §3). Inputs x ~ Uniform\[0,1\]^d.
//!
//! - Source (pre-training, m samples): y = h(φ*(x)) + σ_S ε with the smooth, strictly
//!   monotone link h(z) = z + 0.25·sin(2πz)/(2π) (h' ≥ 0.75), averaged over the k coordinates
//!   with weights 1, ½ (so a k = 2 source still sees both coordinates).
//! - Target (downstream, n samples): y = g_s(φ*(x)) + σ ε with g_s(z) = mean_i W_s^(i)(z_i)
//!   rescaled into [0, 1]: Hölder exponent exactly s = αβ. Caulkable by construction:
//!   g_s = h ∘ a° with a° = h⁻¹ ∘ g_s.
//! - Test: 10 000 fixed points; the error of a predictor f̂ is the excess risk
//!   E(f̂ − f°)² against the noise-free target f°, not the noisy MSE.
//!
//! Every table comes from its own stream ([`Rng::with_index`] of the data stream), so the
//! target sample of size n is a prefix of the one of size n' > n, and changing m never moves
//! the target data.

use super::extractor::{RidgeExtractor, TeacherMlp};
use super::holder::Weierstrass;
use super::inputs::{extractor as kept_extractor, inputs, Inputs, SharedExtractor};

/// The extractor kind as a cache key field.
fn kind_id(kind: ExtractorKind) -> u8 {
    match kind {
        ExtractorKind::Ridge => 0,
        ExtractorKind::Teacher => 1,
    }
}
use crate::rng::{Rng, Stream};

/// Points of the fixed test set.
pub const TEST_POINTS: usize = 10_000;
/// Label noise of the source task.
pub const SOURCE_NOISE: f64 = 0.1;

/// The source link h(z) = z + 0.25·sin(2πz)/(2π), strictly increasing.
pub fn source_link(z: f64) -> f64 {
    let tau = 2.0 * std::f64::consts::PI;
    z + 0.25 * libm::sin(tau * z) / tau
}

/// h⁻¹(y) by Newton's method from y (h' ∈ [0.75, 1.25], so it converges fast).
pub fn source_link_inverse(y: f64) -> f64 {
    let tau = 2.0 * std::f64::consts::PI;
    let mut z = y;
    for _ in 0..50 {
        let step = (source_link(z) - y) / (1.0 + 0.25 * libm::cos(tau * z));
        z -= step;
        if step.abs() < 1e-15 {
            break;
        }
    }
    z
}

/// Which ground-truth extractor a task uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ExtractorKind {
    /// Random ridge cosines of smoothness s_φ.
    Ridge,
    /// A random smooth teacher MLP.
    Teacher,
}

/// What defines a synthetic task.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct TaskSpec {
    /// Input dimension d.
    pub d: usize,
    /// Feature dimension k (1 or 2).
    pub k: usize,
    /// Target smoothness s = αβ.
    pub s: f64,
    /// Extractor smoothness s_φ.
    pub s_phi: f64,
    /// Target label noise σ.
    pub sigma: f64,
    /// Ground-truth extractor.
    pub extractor: ExtractorKind,
}

/// Tables of `n` samples, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Inputs, n × d.
    pub x: Vec<f64>,
    /// True features φ*(x), n × k (what an oracle extractor sees).
    pub z: Vec<f64>,
    /// Noisy labels, n.
    pub y: Vec<f64>,
    /// Noise-free regression function f°(x), n.
    pub f: Vec<f64>,
}

impl Sample {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.y.len()
    }
    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// The first `n` rows (all of them when n exceeds the length).
    pub fn prefix(&self, n: usize) -> Sample {
        let n = n.min(self.len());
        let d = self.x.len() / self.len().max(1);
        let k = self.z.len() / self.len().max(1);
        Sample {
            x: self.x[..n * d].to_vec(),
            z: self.z[..n * k].to_vec(),
            y: self.y[..n].to_vec(),
            f: self.f[..n].to_vec(),
        }
    }
}

/// A task instance: the ground truth drawn from one seed.
pub struct Task {
    /// Its definition.
    pub spec: TaskSpec,
    seed: u64,
    extractor: SharedExtractor,
    target: Vec<Weierstrass>,
}

/// Stream parts of a task's seed.
#[derive(Clone, Copy)]
#[repr(u64)]
enum Part {
    Extractor = 1,
    TargetFunction = 2,
    Source = 3,
    Target = 4,
    Test = 5,
    SourceTest = 6,
}

impl Task {
    /// The ground truth of `spec` for `seed`.
    pub fn new(spec: TaskSpec, seed: u64) -> Self {
        // φ* depends on the seed, d, k, s_φ and the kind only: kept between sweeps.
        let key = (
            seed,
            spec.d,
            spec.k,
            spec.s_phi.to_bits(),
            kind_id(spec.extractor),
            0,
        );
        let extractor = kept_extractor(key, || {
            let mut rng = Rng::with_index(seed, Stream::Data, Part::Extractor as u64);
            match spec.extractor {
                ExtractorKind::Ridge => {
                    std::sync::Arc::new(RidgeExtractor::new(spec.d, spec.k, spec.s_phi, &mut rng))
                }
                ExtractorKind::Teacher => {
                    std::sync::Arc::new(TeacherMlp::new(spec.d, spec.k, &mut rng))
                }
            }
        });
        let mut rng = Rng::with_index(seed, Stream::Data, Part::TargetFunction as u64);
        let target = (0..spec.k)
            .map(|_| Weierstrass::new(spec.s, &mut rng))
            .collect();
        Task {
            spec,
            seed,
            extractor,
            target,
        }
    }

    /// φ*(x) for one point.
    pub fn features(&self, x: &[f64], out: &mut [f64]) {
        self.extractor.eval(x, out);
    }

    /// The target's composite head∘caulk g_s(z) = mean_i W^(i)_unit(z_i) ∈ [0, 1].
    pub fn target_head(&self, z: &[f64]) -> f64 {
        self.target
            .iter()
            .zip(z)
            .map(|(w, zi)| w.unit(*zi))
            .sum::<f64>()
            / z.len() as f64
    }

    /// The source's head: h(z_1) for k = 1, (h(z_1) + ½ h(z_2)) / 1.5 for k = 2.
    pub fn source_head(&self, z: &[f64]) -> f64 {
        let (mut sum, mut weight, mut w) = (0.0, 0.0, 1.0);
        for zi in z {
            sum += w * source_link(*zi);
            weight += w;
            w *= 0.5;
        }
        sum / weight
    }

    /// The inputs of `n` rows of table `part`: x, z = φ*(x) and ε from the part's stream
    /// (per row: d uniforms, then one normal), kept between sweeps ([`inputs`]).
    fn inputs(&self, n: usize, part: Part) -> std::rc::Rc<Inputs> {
        let (d, k) = (self.spec.d, self.spec.k);
        let kind = match self.spec.extractor {
            ExtractorKind::Ridge => 0,
            ExtractorKind::Teacher => 1,
        };
        let key = (
            self.seed,
            d,
            k,
            self.spec.s_phi.to_bits(),
            kind,
            part as u64,
        );
        inputs(key, n, |n| {
            let mut rng = Rng::with_index(self.seed, Stream::Data, part as u64);
            let mut t = Inputs {
                x: Vec::with_capacity(n * d),
                z: vec![0.0; n * k],
                eps: Vec::with_capacity(n),
            };
            for i in 0..n {
                let start = t.x.len();
                t.x.extend((0..d).map(|_| rng.uniform()));
                self.extractor
                    .eval(&t.x[start..], &mut t.z[i * k..(i + 1) * k]);
                t.eps.push(rng.normal());
            }
            t
        })
    }

    /// `n` rows of table `part`: y = head(z) + noise·ε on the table's inputs.
    fn sample(&self, n: usize, part: Part, head: impl Fn(&[f64]) -> f64, noise: f64) -> Sample {
        let (d, k) = (self.spec.d, self.spec.k);
        let t = self.inputs(n, part);
        let z = t.z[..n * k].to_vec();
        let f: Vec<f64> = z.chunks_exact(k).map(&head).collect();
        let y = f.iter().zip(&t.eps).map(|(f, e)| f + noise * e).collect();
        Sample {
            x: t.x[..n * d].to_vec(),
            z,
            y,
            f,
        }
    }

    /// The first `m` source samples.
    pub fn source(&self, m: usize) -> Sample {
        self.sample(m, Part::Source, |z| self.source_head(z), SOURCE_NOISE)
    }

    /// The first `n` target samples (a prefix of any larger n).
    pub fn target(&self, n: usize) -> Sample {
        self.sample(n, Part::Target, |z| self.target_head(z), self.spec.sigma)
    }

    /// The fixed test set of [`TEST_POINTS`] target points (labels noise-free: y = f).
    pub fn test(&self) -> Sample {
        self.sample(TEST_POINTS, Part::Test, |z| self.target_head(z), 0.0)
    }

    /// A test set of `n` source points (noise-free), for judging pre-training.
    pub fn source_test(&self, n: usize) -> Sample {
        self.sample(n, Part::SourceTest, |z| self.source_head(z), 0.0)
    }
}

/// Excess risk E(f̂ − f°)² of predictions against the noise-free values.
pub fn excess_risk(pred: &[f64], f: &[f64]) -> f64 {
    pred.iter()
        .zip(f)
        .map(|(p, t)| (p - t).powi(2))
        .sum::<f64>()
        / f.len().max(1) as f64
}

/// A 64-bit fingerprint of a sample's exact bits (labels, then features): equal fingerprints
/// mean bit-identical data, e.g. natively and in wasm.
pub fn fingerprint(sample: &Sample) -> u64 {
    sample
        .y
        .iter()
        .chain(&sample.z)
        .chain(&sample.x)
        .fold(0u64, |acc, v| acc.rotate_left(5) ^ v.to_bits())
}
