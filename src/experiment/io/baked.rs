//! Baked results: sweeps computed ahead of time (`caulk bake`) and shipped beside the page as
//! `baked/<key>.json`, so that opening a link to exactly that config shows its curves at
//! once. The key is a hash of everything that decides the measured risks: the canonical
//! fragment with the other keys at fixed values: those whose class
//! ([`Affects`]) is display (`view`, `show`, `bounds`, pins, a table, the lesson), theory
//! (C, the bounds' constants, ε and the claim's reading point: the results carry the ε and C
//! they were summarised with, and say so) or device, and `m` where the preset pre-trains
//! nothing. The backend is left out because the CPU and GPU paths agree within the
//! tolerance of the GPU issue; baked files are computed on the CPU. The page also uses the
//! key to tell whether the curves on show are still those of the current config.

use crate::config::keys::Affects;
use crate::config::{Config, KEYS};

/// FNV-1a, 64 bits: a stable hash (the same natively and in wasm).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The config with the keys that do not change the measured risks at fixed values: the
/// display keys at the defaults, and the keys the preset's sweep does not read
/// ([`KeySpec::unused_by`](crate::config::keys::KeySpec::unused_by): the synthetic task's on
/// `digits`) at the preset's own, so that a link that moved α on `headline` and switched to
/// `digits` still finds the digits curves.
pub fn numbers_only(c: &Config) -> Config {
    let d = Config::default();
    let mut out = display_reset(c, &d);
    let preset_name = c.preset.id();
    let own = Config::for_preset(c.preset);
    for spec in KEYS.iter().filter(|s| s.unused_by.contains(&preset_name)) {
        if let Some(v) = own.get(spec.key) {
            // The preset's own value passes its own key's bounds.
            let _ = out.set(spec.key, &v);
        }
    }
    out
}

/// `c` with the keys that move no measured risk ([`Affects::Display`], [`Affects::Theory`],
/// [`Affects::Device`]) at `d`'s values, and `m` at `d`'s where the preset pre-trains
/// nothing (there it is the theory panel's alone).
fn display_reset(c: &Config, d: &Config) -> Config {
    let mut out = d.clone();
    let kept = KEYS.iter().filter(|s| {
        !matches!(
            s.affects,
            Affects::Display | Affects::Theory | Affects::Device
        )
    });
    for spec in kept {
        if let Some(v) = c.get(spec.key) {
            // A value `c` holds passes its own key's bounds.
            let _ = out.set(spec.key, &v);
        }
    }
    if !c.preset.pretrains() {
        out.m = d.m.clone();
    }
    out
}

/// The file name (without folder) of `c`'s baked results: `<16 hex digits>.json`.
pub fn file_name(c: &Config) -> String {
    format!("{:016x}.json", fnv1a(&key_text(c)))
}

/// The text the key hashes: the canonical fragment of [`numbers_only`] with its version
/// written as `v=1`. A fragment version changes only the defaults of omitted keys, and a
/// canonical fragment omits no key that decides a risk, so a config's key does not depend on
/// the version a link names; writing `v=1` keeps the names of the files baked before
/// version 2.
fn key_text(c: &Config) -> String {
    let fragment = numbers_only(c).to_fragment();
    let keys = fragment.split_once('&').map_or("", |(_, keys)| keys);
    format!("v=1&{keys}")
}
