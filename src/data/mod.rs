//! Synthetic tasks with known smoothness (docs/science.md §3): the Hölder building block
//! ([`holder`]), ground-truth feature extractors ([`extractor`]), the source, target and
//! test tables ([`tasks`]) with their inputs kept between sweeps ([`inputs`]), and the
//! vectorized, bit-reproducible cosine they use ([`cosine`]). All randomness comes from seeded streams, identical on native and wasm.
//! One real data set is embedded: the UCI handwritten [`digits`].

pub mod cosine;
pub mod digits;
pub mod extractor;
pub mod holder;
pub mod inputs;
pub mod tasks;

pub use tasks::{excess_risk, fingerprint, ExtractorKind, Sample, Task, TaskSpec};
