//! The feature ladder of a pre-trained backbone, for `caulk-select` (docs/science.md §4):
//! nested caulk classes of decreasing complexity, C_j = functions of the first j features,
//! chosen per (m, n) on leave-one-out ([`crate::closed_form::knn`]).
//!
//! The features: u_1 = z = φ̂(x), the backbone's own one-dimensional feature, then u_2, u_3, …
//! the principal components of its last hidden layer h (width W) after the direction that
//! makes z is projected out (z = w·h + b, so h − (h·ŵ)ŵ carries what the bottleneck drops).
//! Each is standardised on the target sample (mean 0, variance 1). C_1 is the caulk of the
//! paper's architecture, head∘caulk on z; a larger class lets the caulk reach past the
//! bottleneck into the information the extractor computed but did not pass on, which can
//! undo part of its error at the price of a slower rate, n^(−2s/(2s+j)) for j features. If
//! the pre-trained extractor improves with m, the class that validation prefers should
//! shrink with m: the abstract's "caulk class gets simpler as the pre-training data grow".

use super::pretrained::Pretrained;
use crate::closed_form::{knn, pca, KnotRule, Spline};
use crate::error::Result;
use crate::model::Role;

/// The ladder's classes: the caulk on 1, 2, 3 or 5 features.
pub const CLASSES: [usize; 4] = [1, 2, 3, 5];

/// The ladder's features of `x` (rows of d inputs) as n × [`CLASSES`]' largest j, with the
/// projection and the standardisation taken from `fit_x` (the target sample).
pub struct Ladder {
    /// Unit vector of the last layer's weight (the direction that makes z), length W.
    w_hat: Vec<f64>,
    /// The principal directions of the projected hidden layer.
    dirs: Vec<Vec<f64>>,
    /// Per feature, (mean, standard deviation) on the target sample.
    moments: Vec<(f64, f64)>,
}

impl Ladder {
    /// The ladder of backbone `pre` with its directions and moments from the inputs `x`, and
    /// the standardised features of `x` themselves (one forward pass serves both).
    pub fn fit(pre: &Pretrained, x: &[f64]) -> (Ladder, Vec<f64>) {
        let depth = pre.arch.depth;
        let w = pre
            .arch
            .segment(Role::ExtractorWeight(depth))
            .map(|s| pre.params[s.range()].to_vec())
            .unwrap_or_default();
        let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt();
        let w_hat: Vec<f64> = w.iter().map(|v| v / norm.max(f64::MIN_POSITIVE)).collect();
        let cache = pre.arch.forward(&pre.params, x);
        let width = w_hat.len().max(1);
        let projected = project(cache.last_hidden(), &w_hat, width);
        let top = CLASSES[CLASSES.len() - 1] - 1;
        let dirs = pca::principal_directions(&projected, width, top)
            .into_iter()
            .map(|(_, d)| d)
            .collect();
        let mut ladder = Ladder {
            w_hat,
            dirs,
            moments: Vec::new(),
        };
        let raw = ladder.raw(&cache.z, &projected);
        let dim = ladder.dim();
        let n = cache.z.len().max(1) as f64;
        ladder.moments = (0..dim)
            .map(|c| {
                let mean = raw.iter().skip(c).step_by(dim).sum::<f64>() / n;
                let var = raw
                    .iter()
                    .skip(c)
                    .step_by(dim)
                    .map(|v| (v - mean).powi(2))
                    .sum::<f64>()
                    / n;
                (mean, var.sqrt().max(1e-12))
            })
            .collect();
        let u = ladder.standardise(raw);
        (ladder, u)
    }

    /// Features per row: z and one per principal direction found.
    pub fn dim(&self) -> usize {
        1 + self.dirs.len()
    }

    fn raw(&self, z: &[f64], projected: &[f64]) -> Vec<f64> {
        let width = self.w_hat.len().max(1);
        z.iter()
            .zip(projected.chunks(width))
            .flat_map(|(&zi, h)| {
                std::iter::once(zi).chain(
                    self.dirs
                        .iter()
                        .map(move |d| d.iter().zip(h).map(|(a, b)| a * b).sum::<f64>()),
                )
            })
            .collect()
    }

    /// The standardised features of `x` (n × [`Ladder::dim`]).
    pub fn features(&self, pre: &Pretrained, x: &[f64]) -> Vec<f64> {
        let cache = pre.arch.forward(&pre.params, x);
        let width = self.w_hat.len().max(1);
        let projected = project(cache.last_hidden(), &self.w_hat, width);
        self.standardise(self.raw(&cache.z, &projected))
    }

    /// Raw features (n × [`Ladder::dim`]) with the target sample's moments taken out.
    fn standardise(&self, mut u: Vec<f64>) -> Vec<f64> {
        let dim = self.dim();
        for (i, v) in u.iter_mut().enumerate() {
            let (mean, sd) = self.moments[i % dim];
            *v = (*v - mean) / sd;
        }
        u
    }

    /// The classes this ladder can offer (those with enough principal directions).
    pub fn classes(&self) -> Vec<usize> {
        CLASSES.into_iter().filter(|&j| j <= self.dim()).collect()
    }
}

/// Rows of `h` (n × width) with their component along the unit vector `w_hat` removed.
fn project(h: &[f64], w_hat: &[f64], width: usize) -> Vec<f64> {
    h.chunks(width)
        .flat_map(|row| {
            let a: f64 = row.iter().zip(w_hat).map(|(x, w)| x * w).sum();
            row.iter().zip(w_hat).map(move |(x, w)| x - a * w)
        })
        .collect()
}

/// The `caulk-select` fit on the target sample (`x`, `y`), evaluated at `test_x`: the class
/// C_1 is the spline caulk on z ([`Spline`] with its exact leave-one-out), the larger ones
/// k-NN on the ladder's first j features; classes weighed by their leave-one-out errors
/// ([`knn::choose`]). Returns the predictions, the chosen class and the spline's parameters.
pub fn fit_select(pre: &Pretrained, x: &[f64], y: &[f64], test_x: &[f64]) -> Result<Select> {
    let (ladder, u) = Ladder::fit(pre, x);
    let t = ladder.features(pre, test_x);
    let dim = ladder.dim();
    let column = |v: &[f64]| v.iter().step_by(dim).copied().collect::<Vec<f64>>();
    let spline = Spline::fit(&column(&u), y, KnotRule::LeaveOneOut)?;
    let mut fits = vec![knn::ClassFit {
        j: 1,
        pred: column(&t).iter().map(|&z| spline.eval(z)).collect(),
        loo: spline.loo,
    }];
    for j in ladder.classes().into_iter().filter(|&j| j > 1) {
        fits.push(knn::fit_class(&u, y, &t, dim, j)?);
    }
    let (pred, class) = knn::choose(&fits, y.len());
    Ok(Select {
        pred,
        class,
        spline_params: spline.params(),
    })
}

/// What [`fit_select`] returns.
pub struct Select {
    /// Predictions at the test rows.
    pub pred: Vec<f64>,
    /// The chosen class (features read), weighted over the classes.
    pub class: f64,
    /// The spline's parameters (the class C_1's).
    pub spline_params: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Arch;
    use crate::rng::{Rng, Stream};
    use crate::train::TrainReport;

    fn backbone() -> Pretrained {
        let arch = Arch {
            d: 3,
            width: 8,
            depth: 2,
            k: 1,
            head_width: 4,
            adapter_width: 0,
            lora_rank: 0,
        };
        let params = arch.init(&mut Rng::with_index(5, Stream::Init, 0));
        Pretrained::new(
            arch,
            params,
            TrainReport {
                steps: 0,
                best_step: 0,
                best_loss: f64::NAN,
                diverged_at: None,
                cancelled: false,
            },
        )
    }

    /// The first feature is z standardised; every feature has mean 0 and variance 1 on the
    /// sample the ladder was built on, and the components are uncorrelated with each other.
    #[test]
    fn features_are_z_then_uncorrelated_standardised_components() {
        let pre = backbone();
        let mut rng = Rng::with_index(1, Stream::Test, 0);
        let x: Vec<f64> = (0..3 * 400).map(|_| rng.uniform()).collect();
        let (ladder, u) = Ladder::fit(&pre, &x);
        assert_eq!(ladder.dim(), 5);
        assert_eq!(ladder.classes(), CLASSES.to_vec());
        assert_eq!(ladder.features(&pre, &x), u);
        let col = |c: usize| u.iter().skip(c).step_by(5).copied().collect::<Vec<f64>>();
        let z = pre.arch.forward(&pre.params, &x).z;
        let (mz, sz) = ladder.moments[0];
        for (a, b) in col(0).iter().zip(&z) {
            assert!((a - (b - mz) / sz).abs() < 1e-12);
        }
        for c in 0..5 {
            let v = col(c);
            let mean = v.iter().sum::<f64>() / 400.0;
            let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 400.0;
            assert!(
                mean.abs() < 1e-9 && (var - 1.0).abs() < 1e-9,
                "{c}: {mean} {var}"
            );
        }
        for (a, b) in [(1, 2), (1, 4), (2, 3)] {
            let cov = col(a).iter().zip(col(b)).map(|(p, q)| p * q).sum::<f64>() / 400.0;
            assert!(cov.abs() < 1e-6, "{a},{b}: {cov}");
        }
    }

    /// A target that is a function of z alone is fitted by the first class; the prediction
    /// at the training rows is finite and the chosen class lies in the ladder's range.
    #[test]
    fn a_target_of_z_alone_chooses_the_spline() {
        let pre = backbone();
        let mut rng = Rng::with_index(2, Stream::Test, 0);
        let x: Vec<f64> = (0..3 * 800).map(|_| rng.uniform()).collect();
        let z = pre.arch.forward(&pre.params, &x).z;
        let (lo, hi) = z
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let y: Vec<f64> = z
            .iter()
            .map(|v| (4.0 * (v - lo) / (hi - lo)).sin() + 0.05 * rng.normal())
            .collect();
        let fit = fit_select(&pre, &x, &y, &x).unwrap();
        assert!(fit.pred.iter().all(|p| p.is_finite()));
        assert!(fit.class < 1.3, "class {}", fit.class);
    }
}
