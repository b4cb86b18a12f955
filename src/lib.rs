//! # Caulk Lab
//!
//! Why better pre-trained models need fewer downstream samples: the theory of *caulking*
//! (Fukuchi, Hataya, Matsui, AISTATS 2026) computed and checked. A pre-trained model is
//! head ∘ caulk ∘ feature extractor; downstream learning fits only the small caulk, and the
//! excess risk in n target samples reaches n^(−2s/(2s+1)), s = αβ, free of the input
//! dimension d.
//!
//! ## Module map
//!
//! | module | what it holds |
//! |---|---|
//! | [`config`] | the one [`config::Config`], key table with bounds, URL fragment ⇄ config, presets |
//! | [`theory`] | bound registry (risk(n, m), slope, n_ε, status, citation), phase diagram, fits |
//! | [`data`] | Hölder block W_s, ground-truth extractors φ*, source/target/test tables, excess risk |
//! | [`closed_form`] | ridge regression, the spline caulk with exact leave-one-out, tridiagonal solvers, k-NN with exact leave-one-out, principal components |
//! | [`model`] | the MLP (extractor + adapter + LoRA + head) in one flat f64 vector, forward/backward |
//! | [`train`] | the training loop (pre-training and fine-tuning), the eight methods, the feature ladder of `caulk-select` ([`train::ladder`]), K networks at once through a backend ([`train::batched`], [`train::fused`]) |
//! | [`experiment`] | preset plans, cost and memory estimate, a sweep's preparation (one for the CLI and the page), sweeps (shards and ranges of seeds), progress and time left, curve statistics, the title claim (n_ε against m), baked results, the batching benchmark |
//! | [`backend`] | the [`backend::Backend`] trait; CPU, wgpu (WebGPU/Vulkan; the fused training kernel, sized to the driver's loop budget: [`backend::fused::loops`]) and naive f64 reference; conformance suite; device probe; the GPU → CPU fallback of a sweep ([`backend::fallback`]) |
//! | [`lesson`] | lesson files (a guided story of steps: text with reactive numbers, a config, the figures shown, questions, predictions) validated with errors naming step and field |
//! | [`rng`] | seeded streams (data, init, batch, bootstrap), identical on native and wasm |
//! | [`error`] | the crate's [`error::Error`]: one line naming what went wrong |
//! | `wasm` | the browser boundary (wasm32 only): fragments, bounds, device probe, sweeps, baked-result names, the batching benchmark |
//!
//! ## Data flow
//!
//! URL fragment / `--fragment` → [`config::parse_fragment`] → [`config::Config`] →
//! [`theory::evaluate`] → [`theory::BoundsReport`] → JSON (CLI) or a JS object (page), which
//! the page plots. Experiments ([`experiment::run_sweep`]) draw a [`data::Task`] per seed,
//! pre-train a backbone per seed and fit each downstream method (closed forms in
//! [`closed_form`]; pre-training and gradient fine-tuning through a [`backend::Backend`],
//! all seeds at once on a GPU) and score it by the excess risk on the task's fixed test set.

pub mod backend;
pub mod closed_form;
pub mod config;
pub mod data;
pub mod error;
pub mod experiment;
pub mod lesson;
pub mod model;
pub mod rng;
pub mod theory;
pub mod train;

mod ts_types;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, Result};
