//! Defaults of each preset (docs/science.md §5). Omitted fragment keys take these values,
//! those of the link's version (config::fragment): a version never changes what an old link
//! opens.
//!
//! Version 2 raised the seed counts of the presets that assert an effect, so that the paired
//! intervals resolve it (docs/science.md §8): `headline` 8 → 16 (the floor's fall from
//! m = 300 to 3000 is resolved at 16 seeds, not at 8, for both methods), `peft` 4 → 16 (the
//! adapter against `full` and `scratch`), `digits` 8 → 16 (the risk's fall at each step of m);
//! and `peft` lists `bitfit` (new in version 2) beside `lora`.

use super::{no_controls, BackendChoice, Config, Method, Preset, View};

/// Powers of two from 2^lo to 2^hi.
fn pow2(lo: u32, hi: u32) -> Vec<u64> {
    (lo..=hi).map(|e| 1u64 << e).collect()
}

/// The defaults of `preset` in the version this build writes.
pub fn defaults(preset: Preset) -> Config {
    defaults_in(preset, super::FRAGMENT_VERSION)
}

/// The defaults of `preset` in fragment version `version` (one of
/// [`READ_VERSIONS`](super::fragment::READ_VERSIONS); any other reads as the latest).
pub fn defaults_in(preset: Preset, version: &str) -> Config {
    let v1 = version == "1";
    let config = v1_defaults(preset);
    match (v1, preset) {
        (true, _) | (false, Preset::Limit | Preset::Scratch) => config,
        (false, Preset::Headline | Preset::Digits) => Config {
            seeds: 16,
            ..config
        },
        // BitFit (added with version 2) beside LoRA.
        (false, Preset::Peft) => Config {
            seeds: 16,
            methods: config
                .methods
                .iter()
                .flat_map(|&m| match m {
                    Method::Lora => vec![Method::Lora, Method::Bitfit],
                    other => vec![other],
                })
                .collect(),
            ..config
        },
    }
}

/// The defaults of `preset` as version 1 wrote them.
fn v1_defaults(preset: Preset) -> Config {
    // Shared base: d = 3, s = αβ = 0.5 (the docs/science.md check values), σ = 0.5.
    let base = Config {
        preset,
        seed: 1,
        d: 3,
        k: 1,
        alpha: 0.5,
        beta: 1.0,
        s_phi: 1.0,
        sigma: 0.5,
        m: vec![100_000],
        // Width 32 keeps the browser's CPU path near a minute for `headline`.
        width: vec![32],
        depth: 2,
        n: pow2(7, 12),
        seeds: 16,
        methods: vec![Method::CaulkSpline],
        rank: 4,
        adapter_width: 8,
        layers: 1,
        steps: 500,
        lr: 0.01,
        jitter: 0.0,
        backend: BackendChoice::Auto,
        eps: 0.02,
        at_n: 0,
        bounds: ["caulk_limit", "caulk_m", "scratch"]
            .map(String::from)
            .to_vec(),
        c: 1.0,
        // With ε = 0.02, the floor 0.1·ε_pre(m)^s drops below ε from m ≈ 3000 (d = 3): the
        // n_ε-vs-m plot then shows where pre-training starts to pay.
        c_pre: 0.1,
        // At C_ρ = 10 (d = 3, s = 0.64) the exponent reading's n-exponent is −0.44, −0.50, −0.54
        // at m = 300, 3000, 30 000, against the limit's −0.56: visibly rising with m.
        c_rho: 10.0,
        nu: 0.5,
        c_h: 10.0,
        c_f: 1.0,
        pins: Vec::new(),
        view: View::Theory,
        show: no_controls(),
        table: String::new(),
        lesson: String::new(),
        step: 1,
    };
    match preset {
        Preset::Limit => base,
        Preset::Scratch => Config {
            methods: vec![Method::Scratch],
            n: pow2(6, 12),
            seeds: 8,
            ..base
        },
        // s = 0.8 · 0.8 = 0.64, the headline check of docs/science.md §5.
        Preset::Headline => Config {
            alpha: 0.8,
            beta: 0.8,
            m: vec![300, 3000, 30_000],
            n: pow2(6, 11),
            seeds: 8,
            methods: vec![Method::CaulkSpline, Method::CaulkAdapter],
            ..base
        },
        Preset::Peft => Config {
            alpha: 0.8,
            beta: 0.8,
            m: vec![30_000],
            n: vec![64, 256, 1024],
            seeds: 4,
            // Every method but `caulk-select` (added later; a default never changes what an
            // old link opens).
            methods: vec![
                Method::CaulkAdapter,
                Method::CaulkSpline,
                Method::Lora,
                Method::Partial,
                Method::LinearProbe,
                Method::Full,
                Method::Scratch,
            ],
            ..base
        },
        // Real data (data::digits): m up to the 1,000 images of the source pool, n up to the
        // 400 of the target pool; the target error ε = 0.05 is reached inside the grid from
        // m = 300 (README: the digits preset).
        Preset::Digits => Config {
            m: vec![30, 100, 300, 1000],
            n: vec![16, 32, 64, 128, 256],
            width: vec![32],
            depth: 1,
            seeds: 8,
            methods: vec![
                Method::LinearProbe,
                Method::CaulkAdapter,
                Method::Lora,
                Method::Scratch,
            ],
            eps: 0.05,
            ..base
        },
    }
}
