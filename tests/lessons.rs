//! The lessons shipped beside the page (`www/lessons/*.json`): each one valid, each step that
//! shows measured curves backed by a baked file computed for exactly its config (so it
//! renders at once with no run), and the JSON Schema in step with the Rust validator.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::Path;

use caulk::config::Config;
use caulk::experiment::io::baked::file_name;
use caulk::experiment::Results;
use caulk::lesson::{
    parse_lesson, COMPUTED, LESSON_FIELDS, PARTS, PREDICT_FIELDS, QUANTITIES, QUESTION_FIELDS,
    STEP_FIELDS,
};

fn lesson_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir("www/lessons")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json") && !p.ends_with("lesson.schema.json")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_lesson_is_valid_and_its_measured_steps_are_baked_for_their_config() {
    let files = lesson_files();
    assert!(!files.is_empty(), "no lesson in www/lessons");
    for file in files {
        let lesson = parse_lesson(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!((6..=8).contains(&lesson.steps.len()) || !file.ends_with("caulking.json"));
        for (i, step) in lesson.steps.iter().enumerate() {
            if !step.measures() {
                continue;
            }
            let (c, _) = Config::from_fragment(&step.fragment).unwrap();
            let name = file_name(&c);
            let path = Path::new("www/baked").join(&name);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
                panic!(
                    "{} step {}: no baked results {} (run: caulk bake --lesson {})",
                    file.display(),
                    i + 1,
                    path.display(),
                    file.display()
                )
            });
            let r: Results = serde_json::from_str(&text).unwrap();
            // The file's own config must be the step's: the same numbers key, whole.
            assert_eq!(
                file_name(&r.config),
                name,
                "{} step {}",
                file.display(),
                i + 1
            );
            assert!(
                !r.cancelled,
                "{} step {}: baked run was cancelled",
                file.display(),
                i + 1
            );
            assert!(
                r.curves
                    .iter()
                    .all(|c| c.risk_mean.iter().all(Option::is_some)),
                "{} step {}: a baked curve has a missing point",
                file.display(),
                i + 1
            );
            if let Some(p) = &step.predict {
                let curve = r
                    .curves
                    .iter()
                    .find(|c| c.method == p.method && (p.m.is_none() || c.m == p.m));
                assert!(
                    curve.is_some(),
                    "{} step {}: the prediction's curve is not measured",
                    file.display(),
                    i + 1
                );
            }
        }
    }
}

/// The names listed under `properties` of the schema object at `pointer`.
fn properties(schema: &serde_json::Value, pointer: &str) -> BTreeSet<String> {
    schema
        .pointer(pointer)
        .and_then(|v| v.as_object())
        .unwrap_or_else(|| panic!("schema has no {pointer}"))
        .keys()
        .cloned()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn strings(schema: &serde_json::Value, pointer: &str) -> BTreeSet<String> {
    schema
        .pointer(pointer)
        .and_then(|v| v.as_array())
        .unwrap_or_else(|| panic!("schema has no {pointer}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_json_schema_lists_what_the_validator_accepts() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("www/lessons/lesson.schema.json").unwrap())
            .unwrap();
    assert_eq!(properties(&schema, "/properties"), set(LESSON_FIELDS));
    assert_eq!(
        properties(&schema, "/$defs/step/properties"),
        set(STEP_FIELDS)
    );
    assert_eq!(
        properties(&schema, "/$defs/step/properties/question/properties"),
        set(QUESTION_FIELDS)
    );
    assert_eq!(
        properties(&schema, "/$defs/step/properties/predict/properties"),
        set(PREDICT_FIELDS)
    );
    assert_eq!(
        strings(&schema, "/$defs/step/properties/show/items/enum"),
        set(PARTS)
    );
    assert_eq!(
        strings(
            &schema,
            "/$defs/step/properties/predict/properties/quantity/enum"
        ),
        set(QUANTITIES)
    );
    let text_doc = schema
        .pointer("/$defs/step/properties/text/description")
        .and_then(|v| v.as_str())
        .unwrap();
    for name in COMPUTED {
        assert!(
            text_doc.contains(&format!("{{{name}}}")),
            "{name} undocumented"
        );
    }
}
