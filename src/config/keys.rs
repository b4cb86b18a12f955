//! The table of config keys, the one declaration of a key: the config field it reads and
//! writes ([`Access`]), kind, bounds, help, the page's control and panel; [`get`], [`set`],
//! [`SHOW_IDS`] and the page's controls follow from it. Also the single parser/printer pair
//! for the values. Enumerated values use the serde names of
//! [`Preset`](super::Preset), [`Method`](super::Method) and
//! [`BackendChoice`](super::BackendChoice), so a name is spelled in one place.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::text::quote;
use super::{Config, ConfigError};

/// How a key's value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum KeyKind {
    /// A non-negative integer (decimal digits, or an exact integer like `1e5`).
    Int,
    /// A finite decimal number.
    Float,
    /// A comma list of integers, strictly increasing.
    IntList,
    /// One name out of `choices`.
    Enum,
    /// A comma list of names out of `choices`, no repeats.
    EnumList,
    /// Pinned curves with their numbers ([`pins`](super::pins)).
    Pins,
    /// Measured points of one's own ([`table`](super::table)).
    Table,
    /// A short name: 1-40 of `a-z`, `0-9` and `-` (a lesson's file name, `www/lessons/<name>.json`).
    Name,
}

/// The control a key gets on the page, declared here beside its bounds so that a new key
/// gets its control with no page change (`www/src/controls.ts` builds them from this table).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Widget {
    /// No control of its own (a link-only key, or one with a bespoke control: `bounds`).
    None,
    /// A slider over the key's bounds in steps of `step` (an open lower bound starts one
    /// step above it), with its value beside it.
    Slider {
        /// Step of the slider.
        step: f64,
    },
    /// A slider over log10 of the value, from `lo` to `hi` (inside the key's bounds), for
    /// values that span decades (ε); the value is written with 3 significant digits.
    LogSlider {
        /// Smallest value on the slider.
        lo: f64,
        /// Largest value on the slider.
        hi: f64,
    },
    /// A number box with − and + buttons (multiply by 2 / divide by 2 when `log`, else
    /// add `step`).
    Stepper {
        /// Additive step (ignored when `log`).
        step: f64,
        /// Whether the buttons halve and double.
        log: bool,
    },
    /// One of the key's choices (or, for an integer key, one of its values).
    Select,
    /// An integer list as removable chips plus a box that adds one.
    Chips,
    /// A list of names as one checkbox per choice.
    Checkboxes,
    /// An integer list as a geometric grid: from, to and the number of points.
    Grid,
}

/// What a key's value moves, from nothing computed to every seed-point and backbone. A key's
/// class is declared in its entry of [`KEYS`]; the caches and the baked-file key read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Affects {
    /// What is drawn and how (the view, the controls an embed shows, pins, a lesson, the
    /// bounds on show, one's own table): no number a sweep computes.
    Display,
    /// The theory panel's curves and the claim's reading (C, the bounds' constants, ε, the
    /// n at which risk is read): numbers derived from a sweep's risks, not the risks.
    Theory,
    /// Which points a sweep computes (the n, m and width grids, the seeds count, the
    /// methods), not the value of any one: a point's coordinates are part of its key.
    Grid,
    /// The target task (and the preset, which picks the task's family): every seed-point,
    /// not the backbones, which see only the source sample.
    Target,
    /// The extractor, the source sample and the network's shape and start (seed, d, k,
    /// s_φ, depth, jitter): every seed-point and every backbone.
    Source,
    /// A method's own knob: the points of the methods whose registry entry lists it
    /// (`config::methods`, `MethodSpec::knobs`).
    Knob,
    /// The compute device asked for: CPU and GPU agree only to f32 rounding, so every
    /// seed-point and backbone, but not the baked files (computed on the CPU, within the
    /// GPU's tolerance).
    Device,
}

/// Where a key's control appears on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Panel {
    /// Beside the bounds plot.
    Theory,
    /// Beside the measured curves.
    Experiment,
    /// Beside the claim figures (risk and n_ε against m, under the measured curves).
    Claim,
}

/// One key of the contract with its bounds. `min_open` makes the lower bound exclusive.
#[derive(Clone, Copy, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct KeySpec {
    /// The key as it appears in fragments, the CLI and JSON.
    pub key: &'static str,
    /// Value syntax.
    pub kind: KeyKind,
    /// Lower bound of a number or of every list item.
    pub min: f64,
    /// Upper bound of a number or of every list item.
    pub max: f64,
    /// Whether `min` itself is excluded.
    pub min_open: bool,
    /// Most items a list may hold.
    pub max_items: usize,
    /// Allowed names for enumerations.
    pub choices: &'static [&'static str],
    /// One line for the UI and `--help`.
    pub help: &'static str,
    /// The control the page gives the key.
    pub widget: Widget,
    /// The panels that show that control (a key of both, like α, gets one in each, kept in
    /// step by the fragment).
    pub panels: &'static [Panel],
    /// Whether the control sits under the panel's "advanced" disclosure (list keys also get
    /// a free-text box there).
    pub advanced: bool,
    /// Presets whose sweeps do not read the key (the page hides its experiment control
    /// there): the synthetic task's keys on real data (`digits`).
    pub unused_by: &'static [&'static str],
    /// Whether the key is written only when set (`lesson`, and `step` inside a lesson): a
    /// link outside a lesson does not carry it, so such keys change no older link.
    pub optional: bool,
    /// What a change of the key's value moves: the point cache's and backbone cache's keys
    /// (`experiment::run::cache`) and the baked-file key (`experiment::io::baked`) are derived
    /// from it, and a test walks every key against a sweep's own numbers.
    pub affects: Affects,
    /// The config field the key reads and writes ([`get`] and [`set`] go through it).
    #[serde(skip)]
    pub access: Access,
}

/// How a key reaches its [`Config`] field: the field's name, which is the key (the entry of
/// [`KEYS`] names it once, in `field!`), its value in fragment syntax (`None`: not written,
/// an optional key unset) and the parse of a value into it with the key's bounds. Declared
/// in the key's entry of [`KEYS`], so a key is one entry there plus its field in [`Config`].
#[derive(Clone, Copy, Debug)]
pub struct Access {
    /// The `Config` field.
    pub field: &'static str,
    /// The field's value in fragment syntax, or `None` where the key is not written.
    pub get: fn(&Config) -> Option<String>,
    /// Parses `text` with the spec's bounds and stores it in the field.
    pub set: fn(&KeySpec, &mut Config, &str) -> Result<(), ConfigError>,
}

/// A key's spec before its entry in [`KEYS`] gives it a field.
const NO_FIELD: Access = Access {
    field: "",
    get: |_| None,
    set: |s, _, _| Err(ConfigError::new(s.key, "no config field")),
};

/// Integer keys other than seed, m, n and at_n fit in u32 by their bounds (at most 100 000).
fn small(v: u64) -> u32 {
    v as u32
}

/// The [`Access`] of field `$f` by its value syntax: `int` (u64), `small` (u32), `float`,
/// `ints` (a list of u64), `small_ints` (of u32), `name` (one serde name), `names` (a list).
macro_rules! field {
    ($f:ident, int) => {
        field!(@ $f, |c| c.$f.to_string(), |s, t| s.parse_int(t)?)
    };
    ($f:ident, small) => {
        field!(@ $f, |c| c.$f.to_string(), |s, t| small(s.parse_int(t)?))
    };
    ($f:ident, float) => {
        field!(@ $f, |c| c.$f.to_string(), |s, t| s.parse_float(t)?)
    };
    ($f:ident, ints) => {
        field!(@ $f, |c| join(&c.$f), |s, t| s.parse_int_list(t)?)
    };
    ($f:ident, small_ints) => {
        field!(@ $f, |c| join(&c.$f), |s, t| s.parse_int_list(t)?.into_iter().map(small).collect())
    };
    ($f:ident, name) => {
        field!(@ $f, |c| name_of(&c.$f), |s, t| s.parse_name(t)?)
    };
    ($f:ident, names) => {
        field!(@ $f, |c| c.$f.iter().map(name_of).collect::<Vec<_>>().join(","), |s, t| s.parse_names(t)?)
    };
    (@ $f:ident, |$c:ident| $get:expr, |$s:ident, $t:ident| $parse:expr) => {
        Access {
            field: stringify!($f),
            get: |$c: &Config| Some($get),
            set: |$s: &KeySpec, c: &mut Config, $t: &str| {
                c.$f = $parse;
                Ok(())
            },
        }
    };
}

/// The key of config field `access.field` (its name, the key's: named once), with `spec`.
const fn with(access: Access, affects: Affects, spec: KeySpec) -> KeySpec {
    KeySpec {
        key: access.field,
        access,
        affects,
        ..spec
    }
}

/// `pins`: the curves and their numbers (config::pins writes and reads them).
const PINS: Access = Access {
    field: "pins",
    get: |c| Some(super::pins::write_pins(&c.pins)),
    set: |_, c, t| {
        c.pins = super::pins::parse_pins(t)?;
        Ok(())
    },
};

/// `table`: your own curves, written only when set, kept in their canonical form.
const TABLE: Access = Access {
    field: "table",
    get: |c| (!c.table.is_empty()).then(|| c.table.clone()),
    set: |_, c, t| {
        c.table = super::table::write_table(&super::table::parse_table(t)?);
        Ok(())
    },
};

/// `lesson`: written only inside a lesson.
const LESSON: Access = Access {
    field: "lesson",
    get: |c| (!c.lesson.is_empty()).then(|| c.lesson.clone()),
    set: |s, c, t| {
        c.lesson = s.parse_slug(t)?;
        Ok(())
    },
};

/// `step`: the lesson's step, written only inside a lesson.
const STEP: Access = Access {
    field: "step",
    get: |c| (!c.lesson.is_empty()).then(|| c.step.to_string()),
    set: |s, c, t| {
        c.step = small(s.parse_int(t)?);
        Ok(())
    },
};

const fn num(kind: KeyKind, min: f64, max: f64, help: &'static str) -> KeySpec {
    KeySpec {
        key: "",
        kind,
        min,
        max,
        min_open: false,
        max_items: 1,
        choices: &[],
        help,
        widget: Widget::None,
        panels: &[],
        advanced: false,
        unused_by: &[],
        optional: false,
        affects: Affects::Display,
        access: NO_FIELD,
    }
}

const fn open(spec: KeySpec) -> KeySpec {
    KeySpec {
        min_open: true,
        ..spec
    }
}

const fn list(spec: KeySpec, max_items: usize) -> KeySpec {
    KeySpec { max_items, ..spec }
}

const fn names(kind: KeyKind, choices: &'static [&'static str], help: &'static str) -> KeySpec {
    KeySpec {
        key: "",
        kind,
        min: 0.0,
        max: 0.0,
        min_open: false,
        max_items: choices.len(),
        choices,
        help,
        widget: Widget::None,
        panels: &[],
        advanced: false,
        unused_by: &[],
        optional: false,
        affects: Affects::Display,
        access: NO_FIELD,
    }
}

/// `spec` with control `widget` in `panels`.
const fn ui(spec: KeySpec, widget: Widget, panels: &'static [Panel]) -> KeySpec {
    KeySpec {
        widget,
        panels,
        ..spec
    }
}

/// `spec` of a key of the synthetic task only (not read by `digits`).
const fn synthetic(spec: KeySpec) -> KeySpec {
    KeySpec {
        unused_by: &["digits"],
        ..spec
    }
}

/// `spec` written only when set ([`KeySpec::optional`]).
const fn optional(spec: KeySpec) -> KeySpec {
    KeySpec {
        optional: true,
        ..spec
    }
}

/// `spec` with its control under "advanced".
const fn adv(spec: KeySpec) -> KeySpec {
    KeySpec {
        advanced: true,
        ..spec
    }
}

const THEORY: &[Panel] = &[Panel::Theory];
const EXPERIMENT: &[Panel] = &[Panel::Experiment];
const BOTH: &[Panel] = &[Panel::Theory, Panel::Experiment];
const fn slider(step: f64) -> Widget {
    Widget::Slider { step }
}
const fn stepper(step: f64) -> Widget {
    Widget::Stepper { step, log: false }
}
const LOG_STEPPER: Widget = Widget::Stepper {
    step: 1.0,
    log: true,
};

/// Largest integer a JavaScript number holds exactly (2^53 − 1): seeds survive the page.
pub const MAX_SAFE_INT: f64 = 9_007_199_254_740_991.0;

/// Largest `jitter`: a numerical-sensitivity check perturbs weights far less than this.
pub const MAX_JITTER: f64 = 0.01;

/// Method ids in docs/science.md order (the registry's, `config::methods`).
pub const METHOD_IDS: &[&str] = &super::methods::METHOD_IDS;

/// Controls an embedded figure can show (`show=`), or `none`: every key with a control in
/// [`KEYS`] except `preset` (an embed's preset is its link's), in table order, derived from
/// the table at compile time. (`show` itself sits between the two halves of the table it is
/// derived from, so that its own entry does not depend on itself.)
pub const SHOW_IDS: &[&str] = &show_ids::<{ 1 + shown(BEFORE_SHOW) + shown(AFTER_SHOW) }>();

/// Whether two strings are equal (in a `const fn`).
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether an embed may show the key's control: it has one, and it is not `preset`.
const fn showable(s: &KeySpec) -> bool {
    !matches!(s.widget, Widget::None) && !same(s.key, "preset")
}

/// How many keys of `keys` an embed may show.
const fn shown(keys: &[KeySpec]) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < keys.len() {
        if showable(&keys[i]) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// `none`, then the showable keys of the table in its order.
const fn show_ids<const N: usize>() -> [&'static str; N] {
    let mut out = ["none"; N];
    let mut n = 1;
    let halves = [BEFORE_SHOW, AFTER_SHOW];
    let mut h = 0;
    while h < halves.len() {
        let mut i = 0;
        while i < halves[h].len() {
            if showable(&halves[h][i]) {
                out[n] = halves[h][i].key;
                n += 1;
            }
            i += 1;
        }
        h += 1;
    }
    out
}

/// Bound ids in display order. The registry (`theory::bounds::BOUNDS`) is above the config
/// (it reads `Config`), so the key table cannot take its ids from there without an import
/// circle; `tests/theory.rs` holds the two equal.
pub const BOUND_IDS: &[&str] = &[
    "caulk_limit",
    "caulk_m",
    "caulk_m_rate",
    "scratch",
    "compositional",
    "representation",
    "task_diversity",
];

use KeyKind::*;

/// Every key, in the canonical order the fragment writer uses, with the control the page
/// gives it (controls appear in this order in their panels): the keys before `show`, `show`,
/// the keys after it.
pub const KEYS: &[KeySpec] = &keys::<{ BEFORE_SHOW.len() + 1 + AFTER_SHOW.len() }>();

/// The table in one piece (in a `const fn`).
const fn keys<const N: usize>() -> [KeySpec; N] {
    let mut out = [SHOW; N];
    let mut i = 0;
    while i < BEFORE_SHOW.len() {
        out[i] = BEFORE_SHOW[i];
        i += 1;
    }
    let mut j = 0;
    while j < AFTER_SHOW.len() {
        out[BEFORE_SHOW.len() + 1 + j] = AFTER_SHOW[j];
        j += 1;
    }
    out
}

/// The keys before `show` in [`KEYS`].
const BEFORE_SHOW: &[KeySpec] = &[
    with(
        field!(preset, name),
        Affects::Target,
        ui(
            names(Enum, &super::Preset::IDS, "experiment preset"),
            Widget::Select,
            EXPERIMENT,
        ),
    ),
    with(
        field!(seed, int),
        Affects::Source,
        adv(ui(
            num(Int, 0.0, MAX_SAFE_INT, "master seed of every random stream"),
            stepper(1.0),
            EXPERIMENT,
        )),
    ),
    with(
        field!(d, small),
        Affects::Source,
        synthetic(ui(
            num(Int, 1.0, 16.0, "input dimension d"),
            slider(1.0),
            BOTH,
        )),
    ),
    with(
        field!(k, small),
        Affects::Source,
        synthetic(ui(
            num(Int, 1.0, 2.0, "feature (bottleneck) dimension k"),
            Widget::Select,
            THEORY,
        )),
    ),
    with(
        field!(alpha, float),
        Affects::Target,
        synthetic(ui(
            open(num(Float, 0.0, 1.0, "caulk smoothness α")),
            slider(0.01),
            BOTH,
        )),
    ),
    with(
        field!(beta, float),
        Affects::Target,
        synthetic(ui(
            open(num(Float, 0.0, 1.0, "head smoothness β")),
            slider(0.01),
            BOTH,
        )),
    ),
    with(
        field!(s_phi, float),
        Affects::Source,
        synthetic(ui(
            open(num(Float, 0.0, 2.0, "feature-extractor smoothness s_φ")),
            slider(0.01),
            THEORY,
        )),
    ),
    with(
        field!(sigma, float),
        Affects::Target,
        synthetic(ui(
            num(Float, 0.0, 2.0, "label-noise standard deviation σ"),
            slider(0.05),
            EXPERIMENT,
        )),
    ),
    with(
        field!(m, ints),
        Affects::Grid,
        ui(
            list(num(IntList, 10.0, 1e6, "source sample sizes m"), 16),
            Widget::Chips,
            BOTH,
        ),
    ),
    with(
        field!(width, small_ints),
        Affects::Grid,
        ui(
            list(num(IntList, 4.0, 1024.0, "backbone widths W"), 16),
            Widget::Chips,
            EXPERIMENT,
        ),
    ),
    with(
        field!(depth, small),
        Affects::Source,
        adv(ui(
            num(Int, 1.0, 6.0, "backbone depth (hidden layers)"),
            stepper(1.0),
            EXPERIMENT,
        )),
    ),
    with(
        field!(n, ints),
        Affects::Grid,
        ui(
            list(num(IntList, 4.0, 1e5, "target sample sizes n"), 64),
            Widget::Grid,
            BOTH,
        ),
    ),
    with(
        field!(seeds, small),
        Affects::Grid,
        ui(
            num(Int, 1.0, 32.0, "independent seeds per point"),
            slider(1.0),
            EXPERIMENT,
        ),
    ),
    with(
        field!(methods, names),
        Affects::Grid,
        ui(
            names(EnumList, METHOD_IDS, "downstream methods"),
            Widget::Checkboxes,
            EXPERIMENT,
        ),
    ),
    with(
        field!(rank, small),
        Affects::Knob,
        adv(ui(
            num(Int, 1.0, 64.0, "LoRA rank r"),
            LOG_STEPPER,
            EXPERIMENT,
        )),
    ),
    with(
        field!(adapter_width, small),
        Affects::Knob,
        adv(ui(
            num(Int, 1.0, 256.0, "adapter bottleneck width"),
            LOG_STEPPER,
            EXPERIMENT,
        )),
    ),
    with(
        field!(layers, small),
        Affects::Knob,
        adv(ui(
            num(
                Int,
                1.0,
                6.0,
                "layers fitted by partial fine-tuning (≤ depth)",
            ),
            stepper(1.0),
            EXPERIMENT,
        )),
    ),
    with(
        field!(steps, small),
        Affects::Knob,
        adv(ui(
            num(Int, 1.0, 100_000.0, "gradient steps per fit"),
            LOG_STEPPER,
            EXPERIMENT,
        )),
    ),
    with(
        field!(lr, float),
        Affects::Knob,
        adv(ui(
            open(num(Float, 0.0, 1.0, "learning rate")),
            LOG_STEPPER,
            EXPERIMENT,
        )),
    ),
    with(
        field!(jitter, float),
        Affects::Source,
        num(
            Float,
            0.0,
            MAX_JITTER,
            "relative perturbation of every network's starting weights",
        ),
    ),
    with(
        field!(backend, name),
        Affects::Device,
        ui(
            names(Enum, &["auto", "cpu", "gpu"], "compute device"),
            Widget::Select,
            EXPERIMENT,
        ),
    ),
    with(
        field!(eps, float),
        Affects::Theory,
        ui(
            open(num(Float, 0.0, 10.0, "target excess risk ε for n_ε")),
            Widget::LogSlider { lo: 1e-4, hi: 1.0 },
            &[Panel::Theory, Panel::Claim],
        ),
    ),
    with(
        field!(at_n, int),
        Affects::Theory,
        num(
            Int,
            0.0,
            1e5,
            "n at which the risk is read against m (0: the largest n)",
        ),
    ),
    with(
        field!(bounds, names),
        Affects::Display,
        names(EnumList, BOUND_IDS, "bounds shown in the theory panel"),
    ),
    with(
        field!(c, float),
        Affects::Theory,
        adv(ui(
            open(num(Float, 0.0, 1e6, "scale constant C of every bound")),
            LOG_STEPPER,
            THEORY,
        )),
    ),
    with(
        field!(c_pre, float),
        Affects::Theory,
        adv(ui(
            num(
                Float,
                0.0,
                1e6,
                "C_pre: weight of the pre-training term of caulk_m",
            ),
            LOG_STEPPER,
            THEORY,
        )),
    ),
    with(
        field!(c_rho, float),
        Affects::Theory,
        adv(ui(
            num(
                Float,
                0.0,
                1e6,
                "C_ρ: how fast caulk_m_rate's exponent rises with m, ρ(m) = 1/s + C_ρ·ε_pre(m)",
            ),
            LOG_STEPPER,
            THEORY,
        )),
    ),
    with(
        field!(nu, float),
        Affects::Theory,
        adv(ui(
            open(num(Float, 0.0, 1.0, "task diversity ν (task_diversity)")),
            stepper(0.05),
            THEORY,
        )),
    ),
    with(
        field!(c_h, float),
        Affects::Theory,
        adv(ui(
            open(num(
                Float,
                0.0,
                1e9,
                "C_H: representation-class complexity (task_diversity)",
            )),
            LOG_STEPPER,
            THEORY,
        )),
    ),
    with(
        field!(c_f, float),
        Affects::Theory,
        adv(ui(
            open(num(
                Float,
                0.0,
                1e9,
                "C_F: head-class complexity (task_diversity)",
            )),
            LOG_STEPPER,
            THEORY,
        )),
    ),
    with(
        PINS,
        Affects::Display,
        list(
            num(
                Pins,
                0.0,
                0.0,
                "curves pinned on the plot, their numbers in the link",
            ),
            super::pins::MAX_PINS,
        ),
    ),
    with(
        field!(view, name),
        Affects::Display,
        names(Enum, &["theory", "experiment"], "the figure an embed shows"),
    ),
];

/// `show`: the controls an embed shows, out of [`SHOW_IDS`].
const SHOW: KeySpec = with(
    field!(show, names),
    Affects::Display,
    names(EnumList, SHOW_IDS, "controls an embed shows"),
);

/// The keys after `show` in [`KEYS`].
const AFTER_SHOW: &[KeySpec] = &[
    // Your own curves (config::table), written only when set.
    with(
        TABLE,
        Affects::Display,
        optional(num(
            Table,
            0.0,
            0.0,
            "your own measured curves, their numbers in the link",
        )),
    ),
    // A lesson (www/lessons/<name>.json) and its step, 1-based: the page opens that step.
    with(
        LESSON,
        Affects::Display,
        optional(num(
            Name,
            1.0,
            40.0,
            "the lesson the page opens (www/lessons/<name>.json)",
        )),
    ),
    with(
        STEP,
        Affects::Display,
        optional(num(
            Int,
            1.0,
            MAX_LESSON_STEPS as f64,
            "the lesson's step the page opens, from 1",
        )),
    ),
];

/// Most steps a lesson may have (the `step` key's bound).
pub const MAX_LESSON_STEPS: u32 = 30;

/// The spec of `key`.
pub fn spec(key: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|s| s.key == key)
}

impl KeySpec {
    /// `[lo, hi]` or `(lo, hi]` for messages.
    pub fn range_text(&self) -> String {
        let lb = if self.min_open { '(' } else { '[' };
        format!("{lb}{}, {}]", self.min, self.max)
    }

    fn err(&self, message: impl Into<String>) -> ConfigError {
        ConfigError::new(self.key, message)
    }

    fn check_range(&self, x: f64, text: &str) -> Result<f64, ConfigError> {
        let low_ok = if self.min_open {
            x > self.min
        } else {
            x >= self.min
        };
        if low_ok && x <= self.max {
            Ok(x)
        } else {
            Err(self.err(format!(
                "{} is out of range {}",
                quote(text),
                self.range_text()
            )))
        }
    }

    fn parse_float(&self, text: &str) -> Result<f64, ConfigError> {
        let plain = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
        let x: f64 = match text.parse::<f64>() {
            Ok(x) if plain && x.is_finite() => x,
            _ => return Err(self.err(format!("{} is not a finite number", quote(text)))),
        };
        // Normalise −0 to +0 so that printing and parsing agree bit for bit.
        self.check_range(x + 0.0, text)
    }

    fn parse_int(&self, text: &str) -> Result<u64, ConfigError> {
        if let Ok(v) = text.parse::<u64>() {
            if text.bytes().all(|b| b.is_ascii_digit()) {
                return self.check_range(v as f64, text).map(|_| v);
            }
        }
        // Exact integers in float notation (`1e5`) are accepted; anything else is not.
        let x = self
            .parse_float(text)
            .map_err(|_| self.err(format!("{} is not a whole number", quote(text))))?;
        if x.fract() != 0.0 {
            return Err(self.err(format!("{} is not a whole number", quote(text))));
        }
        Ok(x as u64)
    }

    fn parse_int_list(&self, text: &str) -> Result<Vec<u64>, ConfigError> {
        let items = self.split(text)?;
        let values = items
            .iter()
            .map(|t| self.parse_int(t))
            .collect::<Result<Vec<_>, _>>()?;
        if values.windows(2).any(|w| w[0] >= w[1]) {
            return Err(self.err(format!("{} must be strictly increasing", quote(text))));
        }
        Ok(values)
    }

    fn split<'a>(&self, text: &'a str) -> Result<Vec<&'a str>, ConfigError> {
        if text.is_empty() {
            return Err(self.err("empty list"));
        }
        let items: Vec<&str> = text.split(',').collect();
        if items.len() > self.max_items {
            return Err(self.err(format!(
                "{} items, at most {} allowed",
                items.len(),
                self.max_items
            )));
        }
        Ok(items)
    }

    /// A [`KeyKind::Name`]: `min`-`max` characters of `a-z`, `0-9` and `-`; empty for none
    /// (`lesson=` leaves the lesson).
    fn parse_slug(&self, text: &str) -> Result<String, ConfigError> {
        if text.is_empty() {
            return Ok(String::new());
        }
        let ok = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let len = text.len() as f64;
        if !ok || len < self.min || len > self.max {
            return Err(self.err(format!(
                "{} is not a name of {}-{} characters a-z, 0-9 and -",
                quote(text),
                self.min,
                self.max
            )));
        }
        Ok(text.to_string())
    }

    fn parse_name<T: DeserializeOwned>(&self, text: &str) -> Result<T, ConfigError> {
        if !self.choices.contains(&text) {
            return Err(self.err(format!(
                "{} is not one of {}",
                quote(text),
                self.choices.join("|")
            )));
        }
        serde_json::from_value(serde_json::Value::String(text.to_string()))
            .map_err(|_| self.err(format!("{} has no variant", quote(text))))
    }

    fn parse_names<T: DeserializeOwned + PartialEq>(
        &self,
        text: &str,
    ) -> Result<Vec<T>, ConfigError> {
        let items = self.split(text)?;
        let mut out: Vec<T> = Vec::with_capacity(items.len());
        for item in items {
            let v = self.parse_name(item)?;
            if out.contains(&v) {
                return Err(self.err(format!("{} is listed twice", quote(item))));
            }
            out.push(v);
        }
        Ok(out)
    }
}

fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The value of `key` in fragment syntax; `None` for an unknown key (or an optional key
/// unset).
pub fn get(c: &Config, key: &str) -> Option<String> {
    (spec(key)?.access.get)(c)
}

/// Parse `text` for `key` with its bounds and store it in `c`.
pub fn set(c: &mut Config, key: &str, text: &str) -> Result<(), ConfigError> {
    let s = spec(key).ok_or_else(|| ConfigError::new(key, "unknown key"))?;
    (s.access.set)(s, c, text)
}

/// Rules that involve more than one key.
pub fn check_cross(c: &Config) -> Result<(), ConfigError> {
    if c.show.len() > 1 && c.show.iter().any(|s| s == "none") {
        return Err(ConfigError::new(
            "show",
            "\"none\" cannot be listed with controls",
        ));
    }
    if c.layers > c.depth {
        return Err(ConfigError::new(
            "layers",
            format!("{} exceeds depth {}", c.layers, c.depth),
        ));
    }
    Ok(())
}
