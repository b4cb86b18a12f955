//! Lessons: a guided story told with the app's own figures. A lesson is a small JSON file
//! beside the page (`www/lessons/<name>.json`, its JSON Schema `www/lessons/lesson.schema.json`)
//! that an instructor writes with no code change:
//!
//! ```json
//! {"title": "…", "steps": [{"title": "…", "text": "… {m} … {n_eps} …",
//!   "fragment": "v=1&preset=headline", "show": ["experiment", "claim"],
//!   "question": {"prompt": "…", "answer": "…"},
//!   "predict": {"quantity": "n_eps", "method": "caulk-spline", "m": 30000,
//!               "prompt": "…", "min": 16, "max": 4096}}]}
//! ```
//!
//! [`parse_lesson`] validates a file completely before the page shows any of it: every field's
//! type and length, every step's fragment through the strict config parser, the figures a step
//! shows ([`PARTS`]), the tokens of its reactive text (`{key}`: a number key of the config,
//! draggable in the sentence; `{name}` of [`COMPUTED`]: a number computed from the current
//! config), and that a prediction's curve is one the step's config measures. The first problem
//! is one line naming the step and the field ([`LessonError`]).
//!
//! Text is a Markdown subset the page renders as DOM nodes, never as HTML: paragraphs (blank
//! lines), `**bold**`, `*emphasis*`, `` `code` ``, `$…$` inline math (KaTeX) and the tokens.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::keys::{spec, KeyKind, Widget, MAX_LESSON_STEPS};
use crate::config::{Config, Method};

/// The figures a step may show (the page hides the others while the step is on):
/// the bounds plot with its controls, the formula cards, the phase diagram, n_ε against m in
/// the model, the measured curves with their controls, the claim figures, every number.
pub const PARTS: &[&str] = &[
    "bounds",
    "formulas",
    "phase",
    "neps",
    "experiment",
    "claim",
    "numbers",
];

/// Names of the numbers reactive text may compute from the current config's bounds report:
/// s = αβ, s* = s·min(s_φ, 1), the caulking limit's n-exponent 2s/(2s+1), the scratch bound's
/// 2s*/(2s*+d), n_ε of the `caulk_m` bound at the config's first m, and of the limit rate.
pub const COMPUTED: &[&str] = &[
    "s",
    "s_star",
    "rate",
    "scratch_rate",
    "n_eps",
    "n_eps_limit",
];

/// What a prediction asks for: a measured curve's n_ε or its fitted slope.
pub const QUANTITIES: &[&str] = &["n_eps", "slope"];

/// The fields of a lesson, a step, a question and a prediction (the schema's `properties`;
/// a test keeps `lesson.schema.json` equal to these).
pub const LESSON_FIELDS: &[&str] = &["title", "intro", "steps"];
/// A step's fields.
pub const STEP_FIELDS: &[&str] = &[
    "title", "text", "fragment", "show", "controls", "question", "predict",
];
/// A question's fields.
pub const QUESTION_FIELDS: &[&str] = &["prompt", "answer"];
/// A prediction's fields.
pub const PREDICT_FIELDS: &[&str] = &["quantity", "method", "m", "prompt", "min", "max"];

/// Longest title, and longest text, in characters.
const MAX_TITLE: usize = 120;
const MAX_TEXT: usize = 4000;

/// A validated lesson.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lesson {
    /// Shown above the steps.
    pub title: String,
    /// An optional line under the title.
    pub intro: Option<String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step: its text, the config it opens, the figures it shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// Heading.
    pub title: String,
    /// Markdown subset with reactive tokens.
    pub text: String,
    /// The canonical fragment of the step's config (lesson keys not included).
    pub fragment: String,
    /// Parts of the page shown, out of [`PARTS`].
    pub show: Vec<String>,
    /// The config keys whose controls the shown parts keep (none listed: all of them).
    pub controls: Vec<String>,
    /// A question whose answer opens on click.
    pub question: Option<Question>,
    /// A guess asked for before the figures are revealed.
    pub predict: Option<Predict>,
}

impl Step {
    /// Whether the step shows measured curves (so it needs baked results to render at once).
    pub fn measures(&self) -> bool {
        self.show
            .iter()
            .any(|p| matches!(p.as_str(), "experiment" | "claim" | "numbers"))
    }
}

/// A question and its answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Question {
    /// Asked.
    pub prompt: String,
    /// Opened on click.
    pub answer: String,
}

/// Predict-then-see: the student sets a guess of `quantity` for the curve of `method` at `m`
/// between `min` and `max` (n_ε on a log scale), then reveals the figures and compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Predict {
    /// `n_eps` or `slope`.
    pub quantity: String,
    /// The curve's method.
    pub method: Method,
    /// The curve's m (none for a preset that pre-trains nothing).
    pub m: Option<u64>,
    /// What the student is asked.
    pub prompt: String,
    /// Lowest guess.
    pub min: f64,
    /// Highest guess.
    pub max: f64,
}

/// The first problem of a lesson file: where (step, from 1, and field) and what.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonError {
    /// The step, from 1 (none for the lesson's own fields).
    pub step: Option<usize>,
    /// The field, dotted below the step (`question.answer`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Some(k) => write!(f, "step {k}, field `{}`: {}", self.field, self.message),
            None => write!(f, "field `{}`: {}", self.field, self.message),
        }
    }
}

type Checked<T> = Result<T, LessonError>;

/// Where a check is: the step (if any) and the path of fields to the value.
#[derive(Clone, Copy)]
struct At<'a> {
    step: Option<usize>,
    field: &'a str,
}

impl At<'_> {
    fn err(&self, message: impl Into<String>) -> LessonError {
        LessonError {
            step: self.step,
            field: self.field.to_string(),
            message: message.into(),
        }
    }
}

/// The object at `at`, with no field outside `known`.
fn object<'v>(v: &'v Value, known: &[&str], at: At) -> Checked<&'v Map<String, Value>> {
    let map = v.as_object().ok_or_else(|| at.err("must be an object"))?;
    if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(LessonError {
            step: at.step,
            field: k.clone(),
            message: format!("unknown field (known: {})", known.join(", ")),
        });
    }
    Ok(map)
}

/// A required string of 1..=max characters.
fn text(map: &Map<String, Value>, key: &str, max: usize, at: At) -> Checked<String> {
    let here = At { field: key, ..at };
    let s = map
        .get(key)
        .ok_or_else(|| here.err("missing"))?
        .as_str()
        .ok_or_else(|| here.err("must be a string"))?;
    let len = s.chars().count();
    if s.trim().is_empty() || len > max {
        return Err(here.err(format!("must have 1-{max} characters, has {len}")));
    }
    Ok(s.to_string())
}

/// A required finite number.
fn number(map: &Map<String, Value>, key: &str, at: At) -> Checked<f64> {
    let here = At { field: key, ..at };
    map.get(key)
        .ok_or_else(|| here.err("missing"))?
        .as_f64()
        .filter(|x| x.is_finite())
        .ok_or_else(|| here.err("must be a number"))
}

/// The `{…}` tokens of `text` outside `$…$` math, each checked: a number key of the config
/// or a computed name. A `$` without its closing `$` is an error too.
fn check_tokens(text: &str, at: At) -> Checked<()> {
    for (i, part) in text.split('$').enumerate() {
        // Odd parts are math: their braces are TeX's.
        if i % 2 == 1 {
            continue;
        }
        let mut rest = part;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| at.err("a `{` without its `}`"))?;
            let name = &after[..close];
            let numeric = spec(name).is_some_and(|s| {
                matches!(s.kind, KeyKind::Int | KeyKind::Float | KeyKind::IntList) && !s.optional
            });
            if !numeric && !COMPUTED.contains(&name) {
                return Err(at.err(format!(
                    "`{{{name}}}` is neither a number key of the config nor one of {}",
                    COMPUTED.join(", ")
                )));
            }
            rest = &after[close + 1..];
        }
    }
    if text.matches('$').count() % 2 == 1 {
        return Err(at.err("a `$` without its closing `$`"));
    }
    Ok(())
}

/// A list of config keys that have a control on the page.
fn controls(v: &Value, at: At) -> Checked<Vec<String>> {
    let list = v
        .as_array()
        .ok_or_else(|| at.err("must be a list of keys"))?;
    let mut out: Vec<String> = Vec::new();
    for item in list {
        let key = item.as_str().unwrap_or_default();
        if !spec(key).is_some_and(|s| s.widget != Widget::None) {
            return Err(at.err(format!("{item} is not a key with a control")));
        }
        if out.iter().any(|k| k == key) {
            return Err(at.err(format!("\"{key}\" is listed twice")));
        }
        out.push(key.to_string());
    }
    Ok(out)
}

fn question(v: &Value, at: At) -> Checked<Question> {
    let map = object(
        v,
        QUESTION_FIELDS,
        At {
            field: "question",
            ..at
        },
    )
    .map_err(|e| nested(e, "question"))?;
    let field = |key| text(map, key, MAX_TEXT, at).map_err(|e| prefix(e, "question"));
    Ok(Question {
        prompt: field("prompt")?,
        answer: field("answer")?,
    })
}

/// An [`object`] error of a nested object: an unknown field under `outer`.
fn nested(e: LessonError, outer: &str) -> LessonError {
    if e.field == outer {
        e
    } else {
        prefix(e, outer)
    }
}

/// `e` with its field under `outer` (`question.answer`).
fn prefix(mut e: LessonError, outer: &str) -> LessonError {
    e.field = format!("{outer}.{}", e.field);
    e
}

fn predict(v: &Value, c: &Config, at: At) -> Checked<Predict> {
    let here = At {
        field: "predict",
        ..at
    };
    let map = object(v, PREDICT_FIELDS, here).map_err(|e| nested(e, "predict"))?;
    let field = |f: &'static str| At {
        field: f,
        step: at.step,
    };
    let quantity = text(map, "quantity", 20, here).map_err(|e| prefix(e, "predict"))?;
    if !QUANTITIES.contains(&quantity.as_str()) {
        return Err(prefix(
            field("quantity").err(format!("must be one of {}", QUANTITIES.join(", "))),
            "predict",
        ));
    }
    let method_name = text(map, "method", 40, here).map_err(|e| prefix(e, "predict"))?;
    let method: Method =
        serde_json::from_value(Value::String(method_name.clone())).map_err(|_| {
            prefix(
                field("method").err(format!("unknown method `{method_name}`")),
                "predict",
            )
        })?;
    if !c.methods.contains(&method) {
        return Err(prefix(
            field("method").err(format!("`{method_name}` is not among the step's methods")),
            "predict",
        ));
    }
    let m = match map.get("m") {
        None => None,
        Some(v) => {
            let m = v
                .as_u64()
                .ok_or_else(|| prefix(field("m").err("must be a whole number"), "predict"))?;
            if c.preset.pretrains() && !c.m.contains(&m) {
                return Err(prefix(
                    field("m").err(format!("{m} is not among the step's m")),
                    "predict",
                ));
            }
            Some(m)
        }
    };
    let prompt = text(map, "prompt", MAX_TEXT, here).map_err(|e| prefix(e, "predict"))?;
    let min = number(map, "min", here).map_err(|e| prefix(e, "predict"))?;
    let max = number(map, "max", here).map_err(|e| prefix(e, "predict"))?;
    let positive = quantity == "n_eps";
    if min >= max || (positive && min <= 0.0) {
        return Err(prefix(
            field("min").err(format!(
                "min {min} must be below max {max}{}",
                if positive {
                    " and above 0 (n_ε is on a log scale)"
                } else {
                    ""
                }
            )),
            "predict",
        ));
    }
    Ok(Predict {
        quantity,
        method,
        m,
        prompt,
        min,
        max,
    })
}

fn step(v: &Value, k: usize) -> Checked<Step> {
    let at = At {
        step: Some(k),
        field: "step",
    };
    let map = object(v, STEP_FIELDS, at)?;
    let title = text(map, "title", MAX_TITLE, at)?;
    let body = text(map, "text", MAX_TEXT, at)?;
    check_tokens(
        &body,
        At {
            field: "text",
            ..at
        },
    )?;
    let raw = text(map, "fragment", 2000, at)?;
    let here = At {
        field: "fragment",
        ..at
    };
    let (c, _) = Config::from_fragment(&raw).map_err(|e| here.err(e.to_string()))?;
    if !c.lesson.is_empty() {
        return Err(here.err("must not name a lesson (the page adds the lesson and step)"));
    }
    let show_at = At {
        field: "show",
        ..at
    };
    let list = map
        .get("show")
        .ok_or_else(|| show_at.err("missing"))?
        .as_array()
        .ok_or_else(|| show_at.err("must be a list"))?;
    let mut show = Vec::new();
    for item in list {
        let name = item.as_str().unwrap_or_default();
        if !PARTS.contains(&name) {
            return Err(show_at.err(format!("{item} is not one of {}", PARTS.join(", "))));
        }
        if show.iter().any(|s| s == name) {
            return Err(show_at.err(format!("\"{name}\" is listed twice")));
        }
        show.push(name.to_string());
    }
    if show.is_empty() {
        return Err(show_at.err("must list at least one part"));
    }
    let controls = match map.get("controls") {
        None => Vec::new(),
        Some(v) => controls(
            v,
            At {
                field: "controls",
                ..at
            },
        )?,
    };
    let question = map.get("question").map(|v| question(v, at)).transpose()?;
    let predict = map.get("predict").map(|v| predict(v, &c, at)).transpose()?;
    if predict.is_some() && !show.iter().any(|s| s == "experiment") {
        return Err(At {
            field: "predict",
            ..at
        }
        .err("a prediction is revealed on the measured curves: `show` must list \"experiment\""));
    }
    Ok(Step {
        title,
        text: body,
        fragment: c.to_fragment(),
        show,
        controls,
        question,
        predict,
    })
}

/// Parse and validate a lesson file; the first problem names its step and field.
pub fn parse_lesson(json: &str) -> Result<Lesson, LessonError> {
    let top = At {
        step: None,
        field: "lesson",
    };
    let v: Value = serde_json::from_str(json).map_err(|e| top.err(format!("not JSON: {e}")))?;
    let map = object(&v, LESSON_FIELDS, top)?;
    let title = text(map, "title", MAX_TITLE, top)?;
    let intro = match map.get("intro") {
        None => None,
        Some(_) => Some(text(map, "intro", MAX_TEXT, top)?),
    };
    let steps_at = At {
        field: "steps",
        ..top
    };
    let list = map
        .get("steps")
        .ok_or_else(|| steps_at.err("missing"))?
        .as_array()
        .ok_or_else(|| steps_at.err("must be a list"))?;
    if list.is_empty() || list.len() > MAX_LESSON_STEPS as usize {
        return Err(steps_at.err(format!(
            "must hold 1-{MAX_LESSON_STEPS} steps, holds {}",
            list.len()
        )));
    }
    let steps = list
        .iter()
        .enumerate()
        .map(|(i, v)| step(v, i + 1))
        .collect::<Checked<Vec<_>>>()?;
    Ok(Lesson {
        title,
        intro,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson_with(step: &str) -> String {
        format!(
            r#"{{"title": "T", "steps": [{{"title": "one", "text": "a", "fragment": "v=1", "show": ["bounds"]}}, {step}]}}"#
        )
    }

    fn error_of(step: &str) -> String {
        parse_lesson(&lesson_with(step)).unwrap_err().to_string()
    }

    #[test]
    fn a_good_lesson_parses_with_canonical_fragments() {
        let l = parse_lesson(&lesson_with(
            r#"{"title": "two", "text": "m is {m}, n_ε {n_eps}, $n^{-2s/(2s+1)}$", "fragment": "v=1&preset=headline",
                "show": ["experiment", "claim"], "controls": ["m", "eps"], "question": {"prompt": "why?", "answer": "because"},
                "predict": {"quantity": "n_eps", "method": "caulk-spline", "m": 30000, "prompt": "guess", "min": 16, "max": 4096}}"#,
        ))
        .unwrap();
        assert_eq!(l.steps.len(), 2);
        assert_eq!(
            l.steps[1].fragment,
            Config::from_fragment("v=1&preset=headline")
                .unwrap()
                .0
                .to_fragment()
        );
        assert_eq!(l.steps[1].predict.as_ref().unwrap().m, Some(30000));
    }

    #[test]
    fn each_problem_names_its_step_and_field() {
        let cases = [
            (
                r#"{"title": "x", "text": "a", "fragment": "v=1&alpha=0", "show": ["bounds"]}"#,
                "step 2, field `fragment`: alpha:",
            ),
            (
                r#"{"title": "x", "text": "a", "fragment": "v=1", "show": ["plot"]}"#,
                "step 2, field `show`",
            ),
            (
                r#"{"text": "a", "fragment": "v=1", "show": ["bounds"]}"#,
                "step 2, field `title`: missing",
            ),
            (
                r#"{"title": "x", "text": "{nope}", "fragment": "v=1", "show": ["bounds"]}"#,
                "step 2, field `text`: `{nope}`",
            ),
            (
                r#"{"title": "x", "text": "{m", "fragment": "v=1", "show": ["bounds"]}"#,
                "step 2, field `text`",
            ),
            (
                r#"{"title": "x", "text": "$n^{-r}", "fragment": "v=1", "show": ["bounds"]}"#,
                "step 2, field `text`: a `$`",
            ),
            (
                r#"{"title": "x", "text": "a", "fragment": "v=1", "show": ["bounds"], "colour": 1}"#,
                "step 2, field `colour`: unknown field",
            ),
            (
                r#"{"title": "x", "text": "a", "fragment": "v=1", "show": ["bounds"], "question": {"prompt": "p"}}"#,
                "step 2, field `question.answer`: missing",
            ),
            (
                r#"{"title": "x", "text": "a", "fragment": "v=1", "show": ["bounds"], "controls": ["d", "pins"]}"#,
                "step 2, field `controls`: \"pins\" is not a key with a control",
            ),
            (
                r#"{"title": "x", "text": "a", "fragment": "v=1&preset=headline", "show": ["experiment"], "predict": {"quantity": "n_eps", "method": "lora", "prompt": "p", "min": 1, "max": 9}}"#,
                "step 2, field `predict.method`",
            ),
            (
                r#"{"title": "x", "text": "a", "fragment": "v=1&preset=headline", "show": ["experiment"], "predict": {"quantity": "n_eps", "method": "caulk-spline", "m": 7, "prompt": "p", "min": 1, "max": 9}}"#,
                "step 2, field `predict.m`: 7",
            ),
            (
                r#"{"title": "x", "text": "a", "fragment": "v=1&preset=headline", "show": ["experiment"], "predict": {"quantity": "n_eps", "method": "caulk-spline", "m": 300, "prompt": "p", "min": 0, "max": 9}}"#,
                "step 2, field `predict.min`",
            ),
            (
                r#"{"title": "x", "text": "a", "fragment": "v=1&lesson=a", "show": ["bounds"]}"#,
                "step 2, field `fragment`: must not name a lesson",
            ),
        ];
        for (step, want) in cases {
            let e = error_of(step);
            assert!(e.starts_with(want), "{step}\n → {e}\n   wanted {want}");
        }
        assert!(parse_lesson("{")
            .unwrap_err()
            .to_string()
            .starts_with("field `lesson`: not JSON"));
        assert!(parse_lesson(r#"{"title": "t", "steps": []}"#)
            .unwrap_err()
            .to_string()
            .contains("1-30 steps"));
    }
}
