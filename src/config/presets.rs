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

/// What a preset is, declared once: the page, the plan and the caches read it. Its defaults
/// are [`defaults_in`] (a match per version, so that a version's change reads in one place),
/// the methods it offers are the methods' registry's (`MethodSpec::offered_by`), and its
/// plan's code is `experiment::sweep::plan`, which takes its layout and prediction from here.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PresetSpec {
    /// The preset.
    pub preset: Preset,
    /// Its id in links and JSON (its serde name; tested).
    pub id: &'static str,
    /// Whether it pre-trains a backbone on m source samples.
    pub pretrains: bool,
    /// Whether its task is synthetic, of known smoothness (the theory's rates apply).
    pub synthetic: bool,
    /// Whether its fits run on the oracle extractor φ* (the limit m → ∞).
    pub oracle: bool,
    /// How its sweep's groups (m, width) are laid out.
    pub groups: Groups,
    /// The slope its curves are held against, if any.
    pub predicted: Predicted,
    /// What the theory or this app expects of its curves, with what that rests on.
    pub prediction: &'static str,
}

/// How a preset's sweep lays out its groups of (m, width).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Groups {
    /// One group, no m, at the first width (the oracle extractor needs no backbone).
    FirstWidth,
    /// One group per width, no m (nothing pre-trains).
    Widths,
    /// One group per (m, width).
    SourceByWidth,
}

/// The log-log slope a preset's curves are held against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Predicted {
    /// The paper's limit rate −2s/(2s+1).
    CaulkLimit,
    /// Stone's minimax rate from scratch, −2s*/(2s*+d).
    Scratch,
    /// None: no rate is claimed.
    Nothing,
}

/// Every preset, in docs/science.md order.
pub const PRESETS: [PresetSpec; 5] = [
    PresetSpec {
        preset: Preset::Limit,
        id: "limit",
        pretrains: false,
        synthetic: true,
        oracle: true,
        groups: Groups::FirstWidth,
        predicted: Predicted::CaulkLimit,
        prediction: "the paper's limit rate (its published summaries; the oracle extractor stands in for m → ∞): log-log slope ≈ −2s/(2s+1), whatever d",
    },
    PresetSpec {
        preset: Preset::Scratch,
        id: "scratch",
        pretrains: false,
        synthetic: true,
        oracle: false,
        groups: Groups::Widths,
        predicted: Predicted::Scratch,
        prediction: "Stone's (1982) minimax rate over s*-Hölder targets, s* = s·min(s_φ, 1) (a worst case of the class; this target is built exactly that rough): slope ≈ −2s*/(2s*+d), flatter as d grows",
    },
    PresetSpec {
        preset: Preset::Headline,
        id: "headline",
        pretrains: true,
        synthetic: true,
        oracle: false,
        groups: Groups::SourceByWidth,
        predicted: Predicted::CaulkLimit,
        prediction: "expected from this app's two readings of the paper (status model): as m grows the risk falls and n_ε falls; the exponent reading expects steeper small-n slopes at larger m, the floor reading equal small-n slopes and lower floors. The limit −2s/(2s+1) is the paper's rate for m → ∞, not a prediction for these m",
    },
    PresetSpec {
        preset: Preset::Peft,
        id: "peft",
        pretrains: true,
        synthetic: true,
        oracle: false,
        groups: Groups::SourceByWidth,
        predicted: Predicted::Nothing,
        prediction: "no theory ranks these methods at finite n; expected (not proved): on a good backbone the methods that fit few parameters (the caulks, LoRA, the probe) need fewer target samples than full fine-tuning or scratch, and only a curve below the best constant predictor has learned anything",
    },
    PresetSpec {
        preset: Preset::Digits,
        id: "digits",
        pretrains: true,
        synthetic: false,
        oracle: false,
        groups: Groups::SourceByWidth,
        predicted: Predicted::Nothing,
        prediction: "real data, no rate claimed; expected (not proved): a digit classifier pre-trained on more images should leave the parity a lower error floor and a smaller n_ε. caulk-adapter is the caulk, under the classifier's frozen softmax and a fixed parity map; linear-probe, lora, partial and full train a new read-out (probing: baselines)",
    },
];

/// The presets in the registry's order.
pub const ALL: [Preset; PRESETS.len()] = {
    let mut out = [Preset::Limit; PRESETS.len()];
    let mut i = 0;
    while i < PRESETS.len() {
        out[i] = PRESETS[i].preset;
        i += 1;
    }
    out
};

/// The registry's entry of `preset` (entries are in the enum's order; tested).
pub const fn spec(preset: Preset) -> &'static PresetSpec {
    &PRESETS[preset as usize]
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry is in the enum's order (so `spec` indexes it), and each id is the
    /// preset's serde name, the spelling links use.
    #[test]
    fn the_registry_is_in_order_and_its_ids_are_the_serde_names() {
        for (i, s) in PRESETS.iter().enumerate() {
            assert_eq!(s.preset as usize, i, "{}", s.id);
            assert_eq!(spec(s.preset), s);
            assert_eq!(serde_json::to_value(s.preset).unwrap(), s.id);
            // A preset on real data has no rate to hold its curves against.
            assert!(s.synthetic || s.predicted == Predicted::Nothing, "{}", s.id);
            // The oracle extractor stands in for pre-training.
            assert!(!(s.oracle && s.pretrains), "{}", s.id);
        }
    }
}
