//! The point cache: one seed's outcome at one point of a sweep, keyed by exactly the config
//! keys that outcome depends on, so that a sweep after a change reuses every seed-point whose
//! own inputs did not change (the page keeps the cache across changes and hands it to its
//! workers; the CLI runs without one).
//!
//! Which keys those are is declared once, by each key's class in the key table
//! ([`Affects`]), and the keys here are derived from it. A seed-point (method, m, width, n,
//! seed index i) is a function of
//! - the target task (`Target`: preset, α, β, σ: the target pool of sweep seed i, of which
//!   n takes a prefix, and its test set);
//! - the extractor, the source sample and the network's shape and start (`Source`: seed, d,
//!   k, s_φ, depth, jitter; width and m are the point's coordinates; pre-training's own
//!   steps and rate are fixed by m, `plan::pretrain_steps`);
//! - the method's own knobs (`Knob`, those its registry entry lists: steps and lr for a
//!   gradient method, rank for `lora`, adapter_width for `caulk-adapter`, layers for
//!   `partial`);
//! - the compute device asked for (`Device`: the CPU and a GPU agree only to f32 rounding).
//!
//! It does not depend on the other points of the sweep (each fit has its own streams, and
//! models trained side by side do not interact), nor on the `Grid` keys (the n grid's
//! other values, the method list, the seeds count), nor on `Theory` and `Display` keys:
//! changing those recomputes nothing that is cached. A key the preset's sweep does not read
//! (`unused_by`: the synthetic task's on `digits`) is left out.
//!
//! Backbones are cached too ([`backbone_key`]): seed i's pre-trained network depends on the
//! `Source` and `Device` keys, and not on the target's, which shape only the target. So
//! after a change of α, β or σ a sweep fits every method again on the backbones it has.
//! `tests/affects.rs` moves every key and checks that a sweep with the earlier cache equals
//! one without, bit for bit.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::config::keys::{Affects, KeySpec, KEYS};
use crate::config::{Config, Method};

/// What is known before a sweep starts: seed-point outcomes, key → (risk, trainable
/// parameters), and pre-trained backbones, key → [`Backbone`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Known {
    /// Seed-points by [`point_key`].
    #[serde(default)]
    pub points: HashMap<String, (f64, usize)>,
    /// Backbones by [`backbone_key`].
    #[serde(default)]
    pub backbones: HashMap<String, Backbone>,
}

/// A pre-trained backbone as the cache keeps it: its parameters (f64, exactly as trained)
/// and how its training went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Backbone {
    /// [`backbone_key`] of it (set when it is sent with a progress event).
    #[serde(default)]
    pub key: String,
    /// The sweep seed it belongs to.
    #[serde(default)]
    pub seed: usize,
    /// Its parameters.
    pub params: Vec<f64>,
    /// How pre-training went.
    pub report: crate::train::TrainReport,
}

/// `key=value` of every key of [`KEYS`] whose class passes `moves`, in table order, as the
/// fragment writes them; a key the preset's sweep does not read (`KeySpec::unused_by`) is
/// left out, since no value of it moves that sweep's numbers.
fn pairs(c: &Config, moves: impl Fn(&KeySpec) -> bool) -> Vec<String> {
    let preset = c.preset.id();
    KEYS.iter()
        .filter(|s| moves(s) && !s.unused_by.contains(&preset))
        .map(|s| format!("{}={}", s.key, c.get(s.key).unwrap_or_default()))
        .collect()
}

/// The cache key of sweep seed `i`'s backbone pre-trained on m source samples at `width`
/// under config `c`: the keys that move a backbone ([`Affects::Source`] and
/// [`Affects::Device`]) and its coordinates.
pub fn backbone_key(c: &Config, m: u64, width: usize, i: usize) -> String {
    let mut parts = pairs(c, |s| {
        matches!(s.affects, Affects::Source | Affects::Device)
    });
    parts.push(format!("backbone&m={m}&width={width}&i={i}"));
    parts.join("&")
}

/// One seed's finished outcome at one point, sent with the progress event of its unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SeedPoint {
    /// [`point_key`] of the seed-point.
    pub key: String,
    /// Its excess risk.
    pub risk: f64,
    /// The method's trainable parameters there.
    pub trainable: usize,
    /// Whether it came from the cache (not computed by this sweep).
    pub cached: bool,
}

/// The cache key of seed `i`'s outcome of `method` at (m, width, n) under config `c`: the
/// keys that move every seed-point ([`Affects::Target`], [`Affects::Source`],
/// [`Affects::Device`]), the method's own knobs ([`Affects::Knob`] keys its registry entry
/// lists, `config::methods`), and the point's coordinates, in fragment syntax.
pub fn point_key(
    c: &Config,
    method: Method,
    m: Option<u64>,
    width: usize,
    n: u64,
    i: usize,
) -> String {
    let knobs = crate::config::methods::spec(method).knobs;
    let mut parts = pairs(c, |s| match s.affects {
        Affects::Target | Affects::Source | Affects::Device => true,
        Affects::Knob => knobs.contains(&s.key),
        Affects::Display | Affects::Theory | Affects::Grid => false,
    });
    parts.push(format!("method={}", method.id()));
    parts.push(format!(
        "m={}",
        m.map_or("-".to_string(), |m| m.to_string())
    ));
    parts.push(format!("width={width}&n={n}&i={i}"));
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(fragment: &str, method: Method) -> String {
        let c = crate::config::parse_fragment(fragment).config;
        point_key(&c, method, Some(3000), 32, 256, 1)
    }

    #[test]
    fn a_backbone_key_leaves_out_what_shapes_only_the_target() {
        let key = |f: &str| {
            let c = crate::config::parse_fragment(f).config;
            backbone_key(&c, 3000, 32, 1)
        };
        let base = key("v=1&preset=headline");
        for same in [
            "alpha=0.5",
            "beta=0.5",
            "sigma=0.3",
            "methods=caulk-spline",
            "steps=9",
        ] {
            assert_eq!(key(&format!("v=1&preset=headline&{same}")), base, "{same}");
        }
        for other in ["s_phi=0.5", "d=4", "seed=2", "depth=3", "jitter=1e-7"] {
            assert_ne!(
                key(&format!("v=1&preset=headline&{other}")),
                base,
                "{other}"
            );
        }
    }

    #[test]
    fn the_key_follows_exactly_what_a_point_depends_on() {
        let base = "v=1&preset=headline";
        let spline = key(base, Method::CaulkSpline);
        // ε, the method list, the seeds count, the n grid, steps (for a closed form) and
        // the theory panel's constants do not move a spline point.
        for other in [
            "eps=0.05",
            "methods=caulk-spline",
            "seeds=3",
            "n=64,256",
            "steps=7",
            "c=3",
            "at_n=64",
        ] {
            assert_eq!(
                key(&format!("{base}&{other}"), Method::CaulkSpline),
                spline,
                "{other}"
            );
        }
        // The task, the backbone and the device do.
        for other in [
            "alpha=0.5",
            "sigma=0.3",
            "seed=2",
            "depth=3",
            "jitter=1e-7",
            "backend=cpu",
        ] {
            assert_ne!(
                key(&format!("{base}&{other}"), Method::CaulkSpline),
                spline,
                "{other}"
            );
        }
        // A gradient method's own knobs move its points only.
        let lora = key(base, Method::Lora);
        assert_ne!(key(&format!("{base}&rank=8"), Method::Lora), lora);
        assert_ne!(key(&format!("{base}&steps=100"), Method::Lora), lora);
        assert_eq!(key(&format!("{base}&adapter_width=4"), Method::Lora), lora);
    }
}
