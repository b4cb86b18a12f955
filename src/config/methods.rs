//! The method registry: what each downstream method is, declared once (like the bound
//! registry and the key table). The id list of the `methods` key, [`Method::ALL`], whether a
//! method trains by gradient, whether it keeps the pre-trained extractor, whether its step is
//! scaled, the keys that move its numbers (the point cache's), and the presets that offer it
//! are read from [`METHODS`]; a test keeps the table in the enum's order and its ids equal
//! to the serde names. What a method *does* (its trainable roles, its start, its network on
//! `digits`) stays in `train::methods` and `experiment::run::digits`, matched without a
//! wildcard arm so that a new method must say.

use super::{Method, Preset};

/// How a method fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Solved on the host in f64 (spline, k-NN ladder, ridge).
    ClosedForm,
    /// Trained by Adam steps on the backend, K seeds at once.
    Gradient,
}

/// One downstream method (docs/science.md §4).
#[derive(Clone, Copy, Debug)]
pub struct MethodSpec {
    /// The method.
    pub method: Method,
    /// Its id in links and JSON (its serde name).
    pub id: &'static str,
    /// How it fits.
    pub kind: Kind,
    /// It trains no extractor or LoRA weight and starts from the backbone's: its test
    /// predictions start from the backbone's kept test features, and on the CPU its steps
    /// run through the caulk and the head alone.
    pub keeps_extractor: bool,
    /// It rewrites the pre-trained extractor from the first step (LoRA, `full`): its step is
    /// the sweep's η scaled by `train::methods::REWRITE_LR_SCALE`.
    pub rewrites: bool,
    /// Its own keys that move its numbers, besides the task's (the point cache keys them).
    pub knobs: &'static [&'static str],
    /// The presets that offer it.
    pub offered_by: &'static [Preset],
}

const SYNTHETIC_PRETRAINED: &[Preset] = &[Preset::Headline, Preset::Peft];
const GRADIENT_KNOBS: &[&str] = &["steps", "lr"];

/// Every method, in [`Method`]'s (and docs/science.md's) order.
pub const METHODS: [MethodSpec; 9] = [
    MethodSpec {
        method: Method::CaulkAdapter,
        id: "caulk-adapter",
        kind: Kind::Gradient,
        keeps_extractor: true,
        rewrites: false,
        knobs: &["steps", "lr", "adapter_width"],
        offered_by: &[
            Preset::Limit,
            Preset::Headline,
            Preset::Peft,
            Preset::Digits,
        ],
    },
    MethodSpec {
        method: Method::CaulkSpline,
        id: "caulk-spline",
        kind: Kind::ClosedForm,
        keeps_extractor: true,
        rewrites: false,
        knobs: &[],
        // Not on `digits`: its feature is 10 class probabilities, no one-dimensional spline.
        offered_by: &[Preset::Limit, Preset::Headline, Preset::Peft],
    },
    MethodSpec {
        method: Method::CaulkSelect,
        id: "caulk-select",
        kind: Kind::ClosedForm,
        keeps_extractor: true,
        rewrites: false,
        knobs: &[],
        offered_by: SYNTHETIC_PRETRAINED,
    },
    MethodSpec {
        method: Method::Lora,
        id: "lora",
        kind: Kind::Gradient,
        keeps_extractor: false,
        rewrites: true,
        knobs: &["steps", "lr", "rank"],
        offered_by: &[
            Preset::Limit,
            Preset::Headline,
            Preset::Peft,
            Preset::Digits,
        ],
    },
    MethodSpec {
        method: Method::Bitfit,
        id: "bitfit",
        kind: Kind::Gradient,
        // It moves the extractor's biases, so z changes.
        keeps_extractor: false,
        rewrites: false,
        knobs: GRADIENT_KNOBS,
        offered_by: &[Preset::Headline, Preset::Peft, Preset::Digits],
    },
    MethodSpec {
        method: Method::Partial,
        id: "partial",
        kind: Kind::Gradient,
        keeps_extractor: false,
        rewrites: false,
        knobs: &["steps", "lr", "layers"],
        offered_by: &[Preset::Headline, Preset::Peft, Preset::Digits],
    },
    MethodSpec {
        method: Method::LinearProbe,
        id: "linear-probe",
        kind: Kind::ClosedForm,
        keeps_extractor: true,
        rewrites: false,
        knobs: &[],
        offered_by: &[Preset::Headline, Preset::Peft, Preset::Digits],
    },
    MethodSpec {
        method: Method::Full,
        id: "full",
        kind: Kind::Gradient,
        keeps_extractor: false,
        rewrites: true,
        knobs: GRADIENT_KNOBS,
        offered_by: &[Preset::Headline, Preset::Peft, Preset::Digits],
    },
    MethodSpec {
        method: Method::Scratch,
        id: "scratch",
        kind: Kind::Gradient,
        keeps_extractor: false,
        rewrites: false,
        knobs: GRADIENT_KNOBS,
        offered_by: &[
            Preset::Scratch,
            Preset::Headline,
            Preset::Peft,
            Preset::Digits,
        ],
    },
];

/// Every method id, in [`METHODS`] order (the `methods` key's choices).
pub const METHOD_IDS: [&str; METHODS.len()] = {
    let mut ids = [""; METHODS.len()];
    let mut i = 0;
    while i < METHODS.len() {
        ids[i] = METHODS[i].id;
        i += 1;
    }
    ids
};

/// Every method, in [`METHODS`] order.
pub const ALL: [Method; METHODS.len()] = {
    let mut all = [Method::CaulkAdapter; METHODS.len()];
    let mut i = 0;
    while i < METHODS.len() {
        all[i] = METHODS[i].method;
        i += 1;
    }
    all
};

/// The spec of `method` ([`METHODS`] is in the enum's order; a test checks it).
pub const fn spec(method: Method) -> &'static MethodSpec {
    &METHODS[method as usize]
}

/// The methods `preset` offers, in [`METHODS`] order.
pub fn offered_by(preset: Preset) -> Vec<Method> {
    METHODS
        .iter()
        .filter(|s| s.offered_by.contains(&preset))
        .map(|s| s.method)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_enums_order_with_its_serde_names() {
        for (i, s) in METHODS.iter().enumerate() {
            assert_eq!(s.method as usize, i, "{}", s.id);
            assert_eq!(spec(s.method).id, s.id);
            assert_eq!(s.method.id(), s.id, "the serde name of {:?}", s.method);
            let parsed: Method = serde_json::from_value(serde_json::json!(s.id)).unwrap();
            assert_eq!(parsed, s.method);
        }
    }

    #[test]
    fn facts_that_go_together() {
        for s in &METHODS {
            // A closed form trains nothing: no steps, no knob of training, never a rewrite.
            if s.kind == Kind::ClosedForm {
                assert!(
                    s.knobs.is_empty() && !s.rewrites && s.keeps_extractor,
                    "{}",
                    s.id
                );
            }
            // A method that rewrites the extractor does not keep it.
            assert!(!(s.rewrites && s.keeps_extractor), "{}", s.id);
            // Every method is offered somewhere, and every knob is a key.
            assert!(!s.offered_by.is_empty(), "{}", s.id);
            for k in s.knobs {
                assert!(crate::config::keys::spec(k).is_some(), "{}: {k}", s.id);
            }
        }
        assert_eq!(offered_by(Preset::Scratch), vec![Method::Scratch]);
    }
}
