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
//! | [`theory`] | bound registry (risk(n), slope, n_ε, status, citation), power-law fits |
//! | [`backend`] | the [`backend::Backend`] trait; CPU, wgpu (WebGPU/Vulkan) and naive f64 reference; conformance suite; device probe |
//! | [`rng`] | seeded streams (data, init, batch, bootstrap), identical on native and wasm |
//! | [`error`] | the crate's [`error::Error`]: one line naming what went wrong |
//! | `wasm` | the browser boundary (wasm32 only): fragment parsing, bounds, device probe |
//!
//! ## Data flow
//!
//! URL fragment / `--fragment` → [`config::parse_fragment`] → [`config::Config`] →
//! [`theory::evaluate`] → [`theory::BoundsReport`] → JSON (CLI) or a JS object (page), which
//! the page plots. Training and experiments (data, model, train, closed_form, experiment)
//! join this flow through [`backend::Backend`].

pub mod backend;
pub mod config;
pub mod error;
pub mod rng;
pub mod theory;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, Result};
