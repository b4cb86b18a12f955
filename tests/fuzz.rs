//! Property test ("fuzzing") of the fragment parser: random fragments built from hostile
//! pieces, random mutations of valid fragments, and random bytes. For every case: no panic,
//! the config that comes out is valid, every error is one line naming a known key (or
//! `fragment` / `v`), the canonical fragment parses back to the same config, and a strict
//! parse of a valid config's fragment is the identity.
//!
//! CI runs 100,000 cases (`cargo test --test fuzz`); the longer run is
//! `CAULK_FUZZ_CASES=1000000 cargo test --release --test fuzz` (about a minute).

use caulk::config::keys::KEYS;
use caulk::config::{parse_fragment, Config};
use caulk::rng::{Rng, Stream};

fn cases() -> usize {
    std::env::var("CAULK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Pieces a hostile link might hold.
const VALUES: &[&str] = &[
    "",
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "1e308",
    "-1e308",
    "1e-320",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "18446744073709551616",
    "4294967297",
    "3.000000000000001",
    "0x10",
    "1_000",
    " 3",
    "3 ",
    "+3",
    "<script>alert(1)</script>",
    "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "%",
    "%ZZ",
    "%C3%28",
    "%00",
    "\u{0}",
    "\u{7}\n\r\t",
    "\u{202e}evil",
    "😀",
    "1,2,3",
    "4,4,4",
    "8,4",
    ",,,",
    "1,,2",
    "auto",
    "gpu",
    "caulk-adapter,lora",
    "caulk_limit,scratch",
    "limit",
    "headline",
    "peft",
    "scratch",
    "bogus",
];

fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    from[(rng.next_u64() % from.len() as u64) as usize]
}

/// A random fragment: known and unknown keys, hostile values, odd separators.
fn hostile(rng: &mut Rng) -> String {
    let mut parts = Vec::new();
    if !rng.next_u64().is_multiple_of(4) {
        parts.push(pick(rng, &["v=1", "v=2", "v=", "v=1.0", "v=01", "v=-1"]).to_string());
    }
    for _ in 0..rng.next_u64() % 12 {
        let key = match rng.next_u64() % 6 {
            0 => pick(rng, &["zz", "", "=", "v", "%E2%98%83", "<b>x</b>", "ALPHA"]).to_string(),
            _ => KEYS[(rng.next_u64() % KEYS.len() as u64) as usize]
                .key
                .to_string(),
        };
        let value = match rng.next_u64() % 5 {
            0 => (0..1 + rng.next_u64() % 300)
                .map(|i| (i * 7 % 1000).to_string())
                .collect::<Vec<_>>()
                .join(","),
            _ => pick(rng, VALUES).to_string(),
        };
        parts.push(match rng.next_u64() % 8 {
            0 => key,
            1 => format!("{key}=={value}"),
            _ => format!("{key}={value}"),
        });
    }
    let sep = pick(rng, &["&", "&", "&", "&&", ";"]);
    parts.join(sep)
}

/// A valid config's fragment with a few random bytes changed.
fn mutated(rng: &mut Rng) -> String {
    let mut bytes = Config::default().to_fragment().into_bytes();
    for _ in 0..1 + rng.next_u64() % 4 {
        let at = (rng.next_u64() % bytes.len() as u64) as usize;
        bytes[at] = (rng.next_u64() % 128) as u8;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn check(fragment: &str) {
    let p = parse_fragment(fragment);
    p.config
        .validate()
        .unwrap_or_else(|e| panic!("{fragment:?} gave an invalid config: {e}"));
    for e in &p.errors {
        let line = e.to_string();
        assert!(
            !line.contains('\n'),
            "{fragment:?}: multi-line error {line:?}"
        );
        let known = e.key == "fragment" || e.key == "v" || KEYS.iter().any(|k| k.key == e.key);
        assert!(known, "{fragment:?}: error names no key: {line:?}");
    }
    // The canonical fragment is a fixed point.
    let again = parse_fragment(&p.fragment);
    assert!(
        again.errors.is_empty(),
        "{:?}: {:?}",
        p.fragment,
        again.errors
    );
    assert_eq!(again.config, p.config, "{fragment:?}");
    assert_eq!(
        Config::from_fragment(&p.fragment).map(|(c, _)| c).ok(),
        Some(p.config.clone())
    );
}

#[test]
fn the_parser_survives_every_random_fragment() {
    let mut rng = Rng::new(2026, Stream::Test);
    for i in 0..cases() {
        let fragment = match i % 3 {
            0 => hostile(&mut rng),
            1 => mutated(&mut rng),
            _ => {
                let len = rng.next_u64() % 200;
                let bytes: Vec<u8> = (0..len).map(|_| (rng.next_u64() % 256) as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
        };
        check(&fragment);
    }
}
