//! Baked results: sweeps computed ahead of time (`caulk bake`) and shipped beside the page as
//! `baked/<key>.json`, so that opening a link to exactly that config shows its curves at
//! once. The key is a hash of everything that decides the measured risks: the canonical
//! fragment with the other keys at fixed values: display keys (`view`, `show`, `bounds`,
//! `backend`), the theory panel's constants and the claim's reading point, the pins and the lesson (`eps`, `at_n`, `pins`, `lesson`, `step`, `c`, `c_pre`, `c_rho`, `nu`, `c_h`, `c_f`: the
//! results carry the ε and C they were summarised with, and say so), and `m` where the preset
//! pre-trains nothing. The backend is left out because the CPU and GPU paths agree within the
//! tolerance of the GPU issue; baked files are computed on the CPU. The page also uses the
//! key to tell whether the curves on show are still those of the current config.

use crate::config::{BackendChoice, Config, View, KEYS};

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
    let preset_name = serde_json::to_value(c.preset)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let own = Config::for_preset(c.preset);
    for spec in KEYS
        .iter()
        .filter(|s| s.unused_by.contains(&preset_name.as_str()))
    {
        if let Some(v) = own.get(spec.key) {
            // The preset's own value passes its own key's bounds.
            let _ = out.set(spec.key, &v);
        }
    }
    out
}

/// `c` with the display keys at `d`'s values.
fn display_reset(c: &Config, d: &Config) -> Config {
    let d = d.clone();
    Config {
        view: View::Theory,
        show: d.show,
        bounds: d.bounds,
        backend: BackendChoice::Auto,
        eps: d.eps,
        at_n: d.at_n,
        pins: d.pins,
        table: d.table,
        lesson: d.lesson,
        step: d.step,
        c: d.c,
        c_pre: d.c_pre,
        c_rho: d.c_rho,
        nu: d.nu,
        c_h: d.c_h,
        c_f: d.c_f,
        m: if c.preset.pretrains() {
            c.m.clone()
        } else {
            d.m
        },
        ..c.clone()
    }
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
