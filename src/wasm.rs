//! The browser boundary: a few functions, data crossing as plain JS objects
//! (serde-wasm-bindgen, JSON-compatible: `None` becomes `null`), errors as `JsError`.
//!
//! The page keeps its state as the canonical fragment string and never interprets a URL
//! itself: it asks [`parse_fragment`] and [`set_key`] for the config and the new fragment.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::backend::probe_device;
use crate::config::{self, BackendChoice, Config, KEYS};
use crate::theory;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("serialise: {e}")))
}

/// Lenient parse: `{config, fragment, errors: [{key, message}], warnings: [..]}`. Bad keys
/// keep their defaults, so the result is always usable.
#[wasm_bindgen]
pub fn parse_fragment(fragment: &str) -> Result<JsValue, JsError> {
    to_js(&config::parse_fragment(fragment))
}

/// Set one key of a (canonical) fragment: the same result shape as [`parse_fragment`], with
/// the new value's error (if any) in `errors` and the old value kept.
#[wasm_bindgen]
pub fn set_key(fragment: &str, key: &str, value: &str) -> Result<JsValue, JsError> {
    let mut parsed = config::parse_fragment(fragment);
    let mut next = parsed.config.clone();
    match next.set(key, value).and_then(|_| next.validate()) {
        Ok(()) => parsed.config = next,
        Err(e) => parsed.errors.push(e),
    }
    parsed.fragment = parsed.config.to_fragment();
    to_js(&parsed)
}

/// The key table (kinds, bounds, choices, help) for building controls.
#[wasm_bindgen]
pub fn key_specs() -> Result<JsValue, JsError> {
    to_js(&KEYS)
}

/// The bound registry (id, name, status, citation, formula, conditions) for the toggles.
#[wasm_bindgen]
pub fn bound_registry() -> Result<JsValue, JsError> {
    to_js(&theory::bounds::registry())
}

/// The bounds of a fragment's config: the `caulk bounds --json` object.
#[wasm_bindgen]
pub fn bounds(fragment: &str) -> Result<JsValue, JsError> {
    let config: Config = config::parse_fragment(fragment).config;
    to_js(&theory::evaluate(&config))
}

/// `{gpu, line}`: "WebGPU: <adapter>" after a passing self-check, or "CPU fallback: <reason>".
#[wasm_bindgen]
pub async fn probe(backend: &str) -> Result<JsValue, JsError> {
    let choice = match backend {
        "cpu" => BackendChoice::Cpu,
        "gpu" => BackendChoice::Gpu,
        _ => BackendChoice::Auto,
    };
    to_js(&probe_device(choice).await)
}
