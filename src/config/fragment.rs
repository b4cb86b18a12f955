//! URL fragment ⇄ [`Config`]. Syntax: `v=2&key=value&...` with an optional leading `#`;
//! values may be percent-encoded. The writer emits every key in [`KEYS`] order, so a link
//! always carries the full config including the seed.
//!
//! Versions: a version changes what an *omitted* key opens (its preset default), never what
//! a key means. The reader takes every version in [`READ_VERSIONS`], each with its own
//! defaults ([`presets::defaults_in`](super::presets::defaults_in)): a version-1 link opens
//! what it opened when it was made. The writer writes [`FRAGMENT_VERSION`].
//!
//! Parsing is lenient and total: every problem becomes a [`ConfigError`] naming its key
//! while that key keeps its default, so the page can show the message and still work; a
//! fragment that is too long or of another version is refused whole (error key `fragment`
//! or `v`: every key keeps its default). The strict form for the CLI is
//! [`Config::from_fragment`].

use serde::Serialize;

use super::keys::{self, KEYS};
use super::presets::defaults_in;
use super::text::quote;
use super::{Config, ConfigError, Preset};

/// The fragment version this build writes (and reads where a link names none).
pub const FRAGMENT_VERSION: &str = "2";

/// The versions this build reads, oldest first.
pub const READ_VERSIONS: [&str; 2] = ["1", "2"];

/// Longest fragment accepted; longer ones are refused whole (hostile links).
pub const MAX_FRAGMENT_LEN: usize = 4096;

/// A parsed fragment: the config (defaults where a key was bad or missing), its canonical
/// fragment, and what went wrong.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Parsed {
    /// The resulting config; always valid.
    pub config: Config,
    /// `config` written back as a canonical fragment.
    pub fragment: String,
    /// Bad values, each naming its key; those keys took their defaults.
    pub errors: Vec<ConfigError>,
    /// Ignored unknown keys, repeated keys, a missing version.
    pub warnings: Vec<String>,
    /// The known keys the fragment set (valid or not), in the order given.
    pub given: Vec<String>,
}

/// Decode `%XX` escapes; `None` when an escape is malformed or the bytes are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Parse a fragment leniently (see the module doc).
pub fn parse_fragment(fragment: &str) -> Parsed {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let body = fragment.strip_prefix('#').unwrap_or(fragment);
    if body.len() > MAX_FRAGMENT_LEN {
        errors.push(ConfigError::new(
            "fragment",
            format!(
                "{} characters, at most {MAX_FRAGMENT_LEN} allowed",
                body.len()
            ),
        ));
        return finish(Config::default(), errors, warnings, Vec::new());
    }

    // Split into decoded (key, value) pairs; later duplicates win with a warning.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for part in body.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = part.split_once('=').unwrap_or((part, ""));
        let Some(key) = percent_decode(raw_key) else {
            warnings.push(format!(
                "ignored a key with a bad escape: {}",
                quote(raw_key)
            ));
            continue;
        };
        let Some(value) = percent_decode(raw_value) else {
            if key == "v" || keys::spec(&key).is_some() {
                errors.push(ConfigError::new(
                    &key,
                    format!("{} has a malformed %-escape", quote(raw_value)),
                ));
            } else {
                warnings.push(format!(
                    "{}: unknown key ignored (its value has a bad escape)",
                    quote(&key)
                ));
            }
            continue;
        };
        if let Some(old) = pairs.iter_mut().find(|(k, _)| *k == key) {
            warnings.push(format!(
                "{}: given twice, the last value is used",
                quote(&key)
            ));
            old.1 = value;
        } else {
            pairs.push((key, value));
        }
    }

    let value_of = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let version = match value_of("v") {
        Some(v) if READ_VERSIONS.contains(&v) => v,
        None if pairs.is_empty() => FRAGMENT_VERSION,
        None => {
            warnings.push(format!("v: missing, read as version {FRAGMENT_VERSION}"));
            FRAGMENT_VERSION
        }
        Some(other) => {
            errors.push(ConfigError::new(
                "v",
                format!(
                    "version {} is not supported (this app reads {})",
                    quote(other),
                    READ_VERSIONS.join(" and ")
                ),
            ));
            return finish(Config::default(), errors, warnings, Vec::new());
        }
    };

    // The preset (and the version) decide the defaults of every omitted key, so the preset
    // is read first.
    let mut config = Config::default();
    if let Some(p) = value_of("preset") {
        if let Err(e) = config.set("preset", p) {
            errors.push(e);
        }
    }
    let preset: Preset = config.preset;
    let defaults = defaults_in(preset, version);
    config = defaults.clone();
    let given: Vec<String> = pairs
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| keys::spec(k).is_some())
        .collect();

    for (key, value) in &pairs {
        if key == "v" || key == "preset" {
            continue;
        }
        if keys::spec(key).is_none() {
            warnings.push(format!("{}: unknown key, ignored", quote(key)));
            continue;
        }
        if let Err(e) = config.set(key, value) {
            errors.push(e);
        }
    }
    if let Err(e) = keys::check_cross(&config) {
        // Fall back to the offending key's default, clamped to keep the rule.
        config.layers = defaults.layers.min(config.depth);
        errors.push(e);
    }
    finish(config, errors, warnings, given)
}

fn finish(
    mut config: Config,
    errors: Vec<ConfigError>,
    warnings: Vec<String>,
    given: Vec<String>,
) -> Parsed {
    // A step means something only inside a lesson: outside one it is the first, so the
    // config is what its canonical link (which omits it) opens again.
    if config.lesson.is_empty() {
        config.step = 1;
    }
    Parsed {
        fragment: write_fragment(&config),
        config,
        errors,
        warnings,
        given,
    }
}

/// The canonical fragment of `c` (no leading `#`).
pub fn write_fragment(c: &Config) -> String {
    let mut out = format!("v={FRAGMENT_VERSION}");
    for spec in KEYS {
        if let Some(value) = keys::get(c, spec.key) {
            out.push('&');
            out.push_str(spec.key);
            out.push('=');
            out.push_str(&value);
        }
    }
    out
}
