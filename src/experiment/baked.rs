//! Baked results: sweeps computed ahead of time (`caulk bake`) and shipped beside the page as
//! `baked/<key>.json`, so that opening a link to exactly that config shows its curves at
//! once. The key is a hash of everything that decides the numbers: the canonical fragment
//! with the display-only keys (`view`, `show`, `bounds`, `backend`) at fixed values. The
//! backend is left out because the CPU and GPU paths agree within the tolerance of the GPU
//! issue; baked files are computed on the CPU.

use crate::config::{BackendChoice, Config, View};

/// FNV-1a, 64 bits: a stable hash (the same natively and in wasm).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The config with the keys that do not change the numbers at fixed values.
pub fn numbers_only(c: &Config) -> Config {
    let d = Config::default();
    Config {
        view: View::Theory,
        show: d.show,
        bounds: d.bounds,
        backend: BackendChoice::Auto,
        ..c.clone()
    }
}

/// The file name (without folder) of `c`'s baked results: `<16 hex digits>.json`.
pub fn file_name(c: &Config) -> String {
    format!("{:016x}.json", fnv1a(&numbers_only(c).to_fragment()))
}
