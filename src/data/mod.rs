//! Synthetic tasks with known smoothness (SCIENCE.md §3): the Hölder building block
//! ([`holder`]), ground-truth feature extractors ([`extractor`]), and the source, target and
//! test tables ([`tasks`]). All randomness comes from seeded streams, identical on native
//! and wasm.

pub mod extractor;
pub mod holder;
pub mod tasks;

pub use tasks::{excess_risk, fingerprint, ExtractorKind, Sample, Task, TaskSpec};
