//! Links that last: the frozen corpus `tests/links/v1.txt` of version-1 links, each with the
//! config it must open stored in `tests/links/v1.json` (every key of the config as JSON). A
//! change that alters what an old link opens fails here unless it ships a migration: a link
//! of an older version is read as that version read it. New keys are free to appear (the
//! stored configs are compared key by key, so a key added since keeps its default and
//! changes no old link), but no stored key may change its value.
//!
//! The stored file was written from the parser of its day; `CAULK_WRITE_LINKS=1 cargo test
//! --test links` writes it again, which is only right for links added to the corpus.
#![cfg(not(target_arch = "wasm32"))]

use caulk::config::{parse_fragment, Config};
use serde_json::{Map, Value};

fn corpus() -> Vec<String> {
    std::fs::read_to_string("tests/links/v1.txt")
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
    let links = corpus();
    assert!(links.len() >= 50, "the corpus holds {} links", links.len());
    let path = "tests/links/v1.json";
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
    let links = corpus();
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
