//! Links that last: the frozen corpora `tests/links/v1.txt` and `v2.txt` of links of each
//! version, each with the config it must open stored in `tests/links/vN.json` (every key of
//! the config as JSON). A change that alters what an old link opens fails here unless it
//! ships a migration: a link of an older version is read as that version read it (version 2
//! changed preset defaults, and version-1 links still open version 1's). New keys are free
//! to appear (the stored configs are compared key by key, so a key added since keeps its
//! default and changes no old link), but no stored key may change its value.
//!
//! The stored files were written from the parser of their day; `CAULK_WRITE_LINKS=1 cargo
//! test --test links` writes them again, which is only right for links added to a corpus.
#![cfg(not(target_arch = "wasm32"))]

use caulk::config::{parse_fragment, Config};
use serde_json::{Map, Value};

/// The versions with a frozen corpus.
const VERSIONS: [&str; 2] = ["v1", "v2"];

fn corpus(version: &str) -> Vec<String> {
    std::fs::read_to_string(format!("tests/links/{version}.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn opened(link: &str) -> Value {
    let parsed = parse_fragment(link);
    assert!(parsed.errors.is_empty(), "{link}: {:?}", parsed.errors);
    serde_json::to_value(&parsed.config).unwrap()
}

#[test]
fn every_old_link_opens_the_config_it_opened() {
    for version in VERSIONS {
        opens_what_it_opened(version);
    }
}

fn opens_what_it_opened(version: &str) {
    let links = corpus(version);
    let least = if version == "v1" { 50 } else { 8 };
    assert!(
        links.len() >= least,
        "{version} holds {} links",
        links.len()
    );
    assert!(
        links.iter().all(
            |l| l.starts_with(&format!("{}&", version.replace('v', "v=")))
                || *l == version.replace('v', "v=")
        ),
        "every link of tests/links/{version}.txt names its version"
    );
    let path = &format!("tests/links/{version}.json");
    if std::env::var("CAULK_WRITE_LINKS").is_ok() {
        let stored: Map<String, Value> = links.iter().map(|l| (l.clone(), opened(l))).collect();
        std::fs::write(path, serde_json::to_string_pretty(&stored).unwrap() + "\n").unwrap();
    }
    let stored: Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for link in &links {
        let want = stored
            .get(link)
            .unwrap_or_else(|| panic!("{link}: not in {path} (CAULK_WRITE_LINKS=1 adds it)"));
        let got = opened(link);
        for (key, value) in want.as_object().unwrap() {
            assert_eq!(
                got.get(key),
                Some(value),
                "{link}: `{key}` opens differently; ship a migration (a v=2 reader of v=1) instead"
            );
        }
        // The canonical link it is rewritten to opens the same config again.
        let (c, _) = Config::from_fragment(link).unwrap();
        assert_eq!(opened(&c.to_fragment()), got, "{link}");
    }
}

#[test]
fn the_corpus_covers_every_key_and_preset() {
    let links = corpus("v1");
    for spec in caulk::config::KEYS {
        assert!(
            links.iter().any(|l| l
                .split('&')
                .any(|kv| kv.split('=').next() == Some(spec.key))),
            "no link in the corpus sets `{}`",
            spec.key
        );
    }
    for preset in caulk::config::Preset::ALL {
        let id = serde_json::to_value(preset).unwrap();
        assert!(
            links
                .iter()
                .any(|l| l.contains(&format!("preset={}", id.as_str().unwrap()))),
            "no link opens preset {id}"
        );
    }
}

/// Version 2 changed only the seed counts of `headline`, `peft` and `digits` (docs/science.md
/// §8) and added `bitfit` to `peft`'s methods: every other key of every preset opens the same
/// in both versions.
#[test]
fn version_2_changes_only_the_seed_counts_it_names() {
    for preset in caulk::config::Preset::ALL {
        let id = serde_json::to_value(preset).unwrap();
        let id = id.as_str().unwrap();
        let (v1, v2) = (
            opened(&format!("v=1&preset={id}")),
            opened(&format!("v=2&preset={id}")),
        );
        for (key, value) in v1.as_object().unwrap() {
            if key == "seeds" && ["headline", "peft", "digits"].contains(&id) {
                assert_eq!(v2[key], 16, "{id}");
                assert!(value.as_u64().unwrap() < 16, "{id}");
            } else if key == "methods" && id == "peft" {
                let mut with = value.as_array().unwrap().clone();
                let at = with.iter().position(|m| m == "lora").unwrap() + 1;
                with.insert(at, "bitfit".into());
                assert_eq!(v2[key].as_array().unwrap(), &with);
            } else {
                assert_eq!(&v2[key], value, "{id}: {key}");
            }
        }
    }
}
