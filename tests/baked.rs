//! The results shipped beside the page (`www/baked/`, written by `caulk bake`): each file is
//! named by its own config's key, holds valid results, and the `limit` preset's file matches
//! a fresh run of today's code (the CPU path is deterministic), so baked curves never go
//! stale unnoticed.
#![cfg(not(target_arch = "wasm32"))]

use caulk::backend::cpu::CpuBackend;
use caulk::config::{Config, Preset};
use caulk::experiment::io::baked::file_name;
use caulk::experiment::{plan, run_sweep, Cancel, Progress, Rates, Results};

fn baked() -> Vec<(String, Results)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/baked");
    let mut out: Vec<(String, Results)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let r: Results = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, r)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_baked_file_is_named_by_its_config_and_the_presets_are_there() {
    let files = baked();
    for (name, r) in &files {
        r.config.validate().unwrap();
        assert_eq!(name, &file_name(&r.config), "{name} holds another config");
        assert!(!r.curves.is_empty() && !r.cancelled, "{name}");
    }
    // Each file's curves are the ones its plan makes today (labels included: a change of
    // what the curves are needs a re-bake).
    for (name, r) in &files {
        let want = plan(&r.config).unwrap().curves();
        let have: Vec<_> = r.curves.iter().map(|c| (c.method, c.m, c.width)).collect();
        assert_eq!(have, want, "{name}: rerun `caulk bake`");
    }
    for p in Preset::ALL {
        let want = file_name(&Config::for_preset(p));
        assert!(
            files.iter().any(|(n, _)| *n == want),
            "no baked {p:?} default"
        );
    }
}

#[test]
fn the_baked_limit_preset_matches_a_fresh_run() {
    let c = Config::for_preset(Preset::Limit);
    let want = file_name(&c);
    let (_, baked) = baked().into_iter().find(|(n, _)| *n == want).unwrap();
    let fresh = pollster::block_on(run_sweep(
        &c,
        &CpuBackend,
        Rates::cpu(1e9, 1e7),
        &|| 0.0,
        &mut |_: &Progress| {},
        &mut |_: &str| {},
        &Cancel::new(),
    ))
    .unwrap();
    for (b, f) in baked.curves.iter().zip(&fresh.curves) {
        assert_eq!(
            b.risk_mean, f.risk_mean,
            "{}: rerun with `caulk bake`",
            b.label
        );
        assert_eq!(b.slope, f.slope);
    }
}

#[test]
fn the_key_follows_what_changes_the_measured_risks() {
    let key = |f: &str| file_name(&Config::from_fragment(f).unwrap().0);
    let limit = key("v=1&preset=limit");
    // The theory panel's constants, and m where nothing is pre-trained, change no risk.
    for same in [
        "v=1&preset=limit&eps=0.01&c=2&c_pre=0.5&nu=0.9&c_h=3&c_f=2",
        "v=1&preset=limit&m=10,1000000",
        "v=1&preset=limit&backend=cpu&bounds=scratch",
    ] {
        assert_eq!(key(same), limit, "{same}");
    }
    for other in [
        "v=1&preset=limit&alpha=0.8",
        "v=1&preset=limit&seed=2",
        "v=1&preset=limit&sigma=0.3",
    ] {
        assert_ne!(key(other), limit, "{other}");
    }
    // Where the preset pre-trains, m is what it varies.
    assert_ne!(
        key("v=1&preset=headline&m=300"),
        key("v=1&preset=headline&m=3000")
    );
    assert_eq!(
        key("v=1&preset=headline&eps=0.05"),
        key("v=1&preset=headline")
    );
    // Real data reads none of the synthetic task's keys: α moved on another preset, or σ and
    // d moved by hand, leave the digits curves found; a key it reads does not.
    let digits = key("v=1&preset=digits");
    for same in [
        "v=1&preset=digits&alpha=0.8&beta=0.8",
        "v=1&preset=digits&d=7&sigma=0.1&s_phi=2&k=2",
    ] {
        assert_eq!(key(same), digits, "{same}");
    }
    assert_ne!(key("v=1&preset=digits&seeds=4"), digits);
}

/// Each file's claim table (what `caulk run --json` wrote) is today's claim of its own curves:
/// the page recomputes it from the same curves (`claim_of`), so the page's n_ε-vs-m figure and
/// the CLI's table agree; `headline` has one (several m) with a series per caulk.
#[test]
fn every_baked_claim_is_the_claim_of_its_curves() {
    use caulk::experiment::analysis::claim::claim;
    for (name, r) in baked() {
        let want = claim(&r.config, &r.curves, r.config.eps, r.config.at_n);
        assert_eq!(r.claim, want, "{name}: re-bake (caulk bake)");
        if r.config.preset == Preset::Headline {
            let c = want.expect("headline has several m");
            assert_eq!(c.series.len(), 2, "{name}");
            assert!(c.series.iter().all(|s| s.rows.len() == r.config.m.len()));
        }
    }
}
