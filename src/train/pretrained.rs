//! A pre-trained network: its architecture, parameters and how its training went, with its
//! features on the test set computed once and kept (every n and every method that keeps the
//! extractor scores through them).

use super::TrainReport;
use crate::model::Arch;

/// A pre-trained network.
#[derive(Clone, Debug, PartialEq)]
pub struct Pretrained {
    /// Its architecture (no adapter, no LoRA).
    pub arch: Arch,
    /// Its parameters.
    pub params: Vec<f64>,
    /// How pre-training went.
    pub report: TrainReport,
    /// Its features on the test set, computed once ([`Pretrained::test_features`]).
    test_z: FeatureMemo,
}

impl Pretrained {
    /// A backbone with these parameters (its feature memo empty).
    pub fn new(arch: Arch, params: Vec<f64>, report: TrainReport) -> Pretrained {
        Pretrained {
            arch,
            params,
            report,
            test_z: FeatureMemo::default(),
        }
    }

    /// The feature z = φ̂(x) of the test inputs `x`, computed on the first call and kept: a
    /// sweep scores every n and every method that keeps the pre-trained extractor on the same
    /// test set through the same backbone, so one extractor pass serves them all (the same
    /// bits as a fresh pass). Inputs other than the first call's are computed afresh.
    pub fn test_features(&self, x: &[f64]) -> std::borrow::Cow<'_, [f64]> {
        let (kept_x, z) = self
            .test_z
            .0
            .get_or_init(|| (x.to_vec(), self.arch.features(&self.params, x)));
        match kept_x.as_slice() == x {
            true => std::borrow::Cow::Borrowed(z),
            false => std::borrow::Cow::Owned(self.arch.features(&self.params, x)),
        }
    }
}

/// A kept (inputs, features) pair: a cache, not part of a backbone's value, so equality and
/// `Debug` ignore it.
#[derive(Clone, Default)]
struct FeatureMemo(std::sync::OnceLock<(Vec<f64>, Vec<f64>)>);

impl PartialEq for FeatureMemo {
    fn eq(&self, _: &FeatureMemo) -> bool {
        true
    }
}

impl std::fmt::Debug for FeatureMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FeatureMemo")
    }
}
