//! Each key's declared class (`KeySpec::affects`) against a sweep's own numbers: for every
//! key of the table, a sweep after the key moved, handed everything an earlier sweep knew
//! (its seed-points and backbones), equals a fresh sweep bit for bit, and the cache keys
//! moved exactly as the class says. A result-moving key declared as moving nothing would
//! serve stale cached points, and fail here.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use caulk::config::keys::{Affects, KeyKind, KeySpec, KEYS};
use caulk::config::{methods, Config, Method, Preset};
use caulk::experiment::run::cache::Known;
use caulk::experiment::Results;

mod common;

/// A small `peft` sweep with every method the preset offers and caulk-select, each sweep key
/// written out (so that a change of preset keeps them).
fn base() -> String {
    let mut ids: Vec<String> = methods::offered_by(Preset::Peft)
        .iter()
        .map(|m| m.id())
        .collect();
    if !ids.contains(&Method::CaulkSelect.id()) {
        ids.push(Method::CaulkSelect.id());
    }
    format!(
        "v=2&preset=peft&seeds=1&m=1000&width=8&n=128&steps=60&methods={}",
        ids.join(",")
    )
}

/// A sweep of `fragment` handed `known`: its results, its seed-points (key → risk bits) and
/// the keys of the backbones it pre-trained.
struct Sweep {
    results: Results,
    points: BTreeMap<String, u64>,
    backbones: Known,
}

fn sweep(fragment: &str, known: &Known) -> Result<Sweep, String> {
    let (c, _) = Config::from_fragment(fragment).map_err(|e| e.to_string())?;
    let (results, events) = common::sweep_with_known(&c, known).map_err(|e| e.to_string())?;
    let points = events
        .iter()
        .filter_map(|p| p.seed.as_ref())
        .map(|s| (s.key.clone(), s.risk.to_bits()))
        .collect();
    let backbones = common::backbones(&events);
    Ok(Sweep {
        results,
        points,
        backbones,
    })
}

/// Values to try for `spec` other than `now` (the base's), most ordinary first.
fn candidates(spec: &KeySpec, now: &str) -> Vec<String> {
    let f: f64 = now.parse().unwrap_or(0.0);
    match spec.kind {
        KeyKind::Int => vec![(f + 1.0).to_string(), (f - 1.0).to_string(), "2".into()],
        KeyKind::Float => vec![
            (f * 0.9).to_string(),
            (0.5 * (spec.min + spec.max)).to_string(),
            (spec.min + 0.001 * (spec.max - spec.min)).to_string(),
        ],
        // A grid that holds the base's value and one more: their common points must agree.
        KeyKind::IntList => vec![format!("{now},{}", 2.0 * f), format!("{},{now}", f / 2.0)],
        KeyKind::Enum => spec.choices.iter().map(|c| c.to_string()).collect(),
        KeyKind::EnumList => {
            let items: Vec<&str> = now.split(',').collect();
            let mut out = vec![items[..items.len().saturating_sub(1)].join(",")];
            out.extend(spec.choices.iter().map(|c| c.to_string()));
            out
        }
        KeyKind::Pins => vec!["P1~caulk-spline*300*32*64:0.0467,128:0.0354".into()],
        KeyKind::Table => vec!["lora*1000*64:0.087,256:0.0495;lora*10000*64:0.079".into()],
        KeyKind::Name => vec!["caulking".into()],
    }
}

/// The base fragment a key is moved from, and the first alternative value of it that makes
/// a valid sweep with a different value: `k = 2` needs methods that take a
/// multi-dimensional feature, a preset its own methods, a step a lesson.
fn moved(spec: &KeySpec) -> Option<(String, String)> {
    let gradient: Vec<String> = methods::offered_by(Preset::Peft)
        .into_iter()
        .filter(|m| m.is_gradient())
        .map(|m| m.id())
        .collect();
    let from = match spec.key {
        "k" => format!("{}&methods={}", base(), gradient.join(",")),
        "preset" => format!(
            "{}&methods={}",
            base(),
            methods::offered_by(Preset::Peft)
                .into_iter()
                .filter(|m| methods::offered_by(Preset::Headline).contains(m))
                .map(|m| m.id())
                .collect::<Vec<_>>()
                .join(",")
        ),
        // A lesson's step is written only inside a lesson.
        "step" => format!("{}&lesson=caulking", base()),
        _ => base(),
    };
    let (c, _) = Config::from_fragment(&from).ok()?;
    let now = c.get(spec.key).unwrap_or_default();
    candidates(spec, &now).into_iter().find_map(|v| {
        let to = format!("{from}&{}={v}", spec.key);
        let (moved, _) = Config::from_fragment(&to).ok()?;
        let changed = moved.get(spec.key) != c.get(spec.key);
        // Digits reads none of the synthetic task: not this test's sweep.
        let runs =
            moved.preset != Preset::Digits && caulk::experiment::sweep::plan::plan(&moved).is_ok();
        (changed && runs).then_some((from.clone(), to))
    })
}

#[test]
fn every_key_moves_exactly_the_cache_keys_its_class_says() {
    let mut bases: BTreeMap<String, (Sweep, Known)> = BTreeMap::new();
    let mut checked = Vec::new();
    for spec in KEYS {
        let Some((from, to)) = moved(spec) else {
            panic!("{}: no alternative value makes a sweep to check", spec.key);
        };
        if !bases.contains_key(&from) {
            let first = sweep(&from, &Known::default()).unwrap();
            let known = Known {
                points: first
                    .points
                    .iter()
                    .map(|(k, bits)| (k.clone(), (f64::from_bits(*bits), 0)))
                    .collect(),
                backbones: first.backbones.backbones.clone(),
            };
            bases.insert(from.clone(), (first, known));
        }
        let (first, known) = &bases[&from];
        let fresh = sweep(&to, &Known::default()).unwrap();
        let cached = sweep(&to, known).unwrap();
        // The cache never changes a number.
        let risks = |r: &Results| -> Vec<Vec<Option<u64>>> {
            r.curves
                .iter()
                .map(|c| c.risk_mean.iter().map(|r| r.map(f64::to_bits)).collect())
                .collect()
        };
        assert_eq!(risks(&cached.results), risks(&fresh.results), "{to}");

        let before: BTreeSet<&String> = first.points.keys().collect();
        let after: BTreeSet<&String> = fresh.points.keys().collect();
        let bb_before: BTreeSet<&String> = first.backbones.backbones.keys().collect();
        let bb_after: BTreeSet<&String> = fresh.backbones.backbones.keys().collect();
        let method_of = |key: &str| {
            key.split('&')
                .find_map(|p| p.strip_prefix("method="))
                .unwrap_or_default()
                .to_string()
        };
        // The coordinates of a point (method, m, width, n, seed): the key's tail.
        let coords = |key: &str| key[key.find("&method=").unwrap_or(0)..].to_string();
        match spec.affects {
            Affects::Display | Affects::Theory => {
                assert_eq!(before, after, "{}: a point key moved", spec.key);
                assert_eq!(bb_before, bb_after, "{}: a backbone key moved", spec.key);
            }
            Affects::Grid => {
                // Every point at a coordinate both sweeps have keeps its key and its risk.
                let common: Vec<_> = after.intersection(&before).collect();
                assert!(!common.is_empty(), "{}: no point in common", spec.key);
                for k in common {
                    assert_eq!(first.points[*k], fresh.points[*k], "{}: {k}", spec.key);
                }
            }
            Affects::Target => {
                assert!(
                    before.is_disjoint(&after),
                    "{}: a point key stayed",
                    spec.key
                );
                assert_eq!(bb_before, bb_after, "{}: a backbone key moved", spec.key);
            }
            Affects::Source | Affects::Device => {
                assert!(
                    before.is_disjoint(&after),
                    "{}: a point key stayed",
                    spec.key
                );
                assert!(
                    bb_before.is_disjoint(&bb_after),
                    "{}: a backbone key stayed",
                    spec.key
                );
            }
            Affects::Knob => {
                for k in &after {
                    let method = method_of(k);
                    let lists = Method::ALL
                        .iter()
                        .find(|m| m.id() == method)
                        .is_some_and(|m| methods::spec(*m).knobs.contains(&spec.key));
                    assert_eq!(!before.contains(*k), lists, "{}: {k}", spec.key);
                }
            }
        }
        // A class that moves points is not declared where nothing moves: some point at the
        // same coordinates now has another risk (the device is the exception: on the CPU
        // `auto` and `cpu` are the same computation).
        if matches!(
            spec.affects,
            Affects::Target | Affects::Source | Affects::Knob
        ) {
            let old: BTreeMap<String, u64> =
                first.points.iter().map(|(k, v)| (coords(k), *v)).collect();
            let moved_any = fresh
                .points
                .iter()
                .any(|(k, v)| old.get(&coords(k)).is_some_and(|o| o != v));
            assert!(
                moved_any || spec.key == "preset",
                "{}: no risk moved",
                spec.key
            );
        }
        checked.push(spec.key);
    }
    assert_eq!(checked.len(), KEYS.len());
}
