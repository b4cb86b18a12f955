//! The app's whole state: one [`Config`], validated with bounds on every key, versioned, and
//! carried in the URL fragment (`#v=1&key=value&...`) or the CLI's `--fragment`.
//!
//! - [`keys`] holds the table of keys with their kinds and bounds ([`KeySpec`]), and the one
//!   setter/getter pair that parses and prints each value. Validation of a whole config is
//!   "print every key and parse it back", so each bound is written exactly once.
//! - [`fragment`] reads and writes fragments; `parse(write(c)) == c` for every valid `c`.
//! - [`presets`] gives each preset's defaults; omitted keys take them.
//! - [`methods`] is the method registry: what each downstream method is, declared once.
//! - [`pins`] reads and writes the pinned curves a link carries; [`table`] a table of your
//!   own curves.
//! - [`text`] writes a value as messages quote it and as the link rounds a measured number.

pub mod fragment;
pub mod keys;
pub mod methods;
pub mod pins;
pub mod presets;
pub mod table;
pub mod text;

use serde::{Deserialize, Serialize};

pub use fragment::{parse_fragment, Parsed, FRAGMENT_VERSION, MAX_FRAGMENT_LEN};
pub use keys::{KeyKind, KeySpec, KEYS};

/// A malformed or out-of-range value, naming the key. Displays as one line `key: message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[error("{key}: {message}")]
pub struct ConfigError {
    /// The config key (or `fragment` / `v` for the fragment as a whole).
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl ConfigError {
    /// An error about `key`.
    pub fn new(key: &str, message: impl Into<String>) -> Self {
        ConfigError {
            key: key.to_string(),
            message: message.into(),
        }
    }
}

/// Experiment presets of docs/science.md §5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Oracle extractor, spline caulk: slope → −2s/(2s+1), free of d.
    Limit,
    /// No pre-training: slope −2s*/(2s*+d).
    Scratch,
    /// n × m (× width) on pre-trained backbones: floors fall, slopes steepen with m.
    Headline,
    /// n × method at a fixed backbone.
    Peft,
    /// Real data: the UCI handwritten digits, pre-trained on the digit, fitted to its parity.
    Digits,
}

impl Preset {
    /// Every preset, in docs/science.md order (the registry's, [`presets::PRESETS`]).
    pub const ALL: [Preset; presets::PRESETS.len()] = presets::ALL;

    /// The preset's id, as in links and JSON (`headline`): its serde name (a test keeps
    /// the two in step).
    pub const fn id(self) -> &'static str {
        presets::spec(self).id
    }

    /// Every preset's id, in [`Preset::ALL`]'s order (the `preset` key's choices).
    pub const IDS: [&'static str; presets::PRESETS.len()] = {
        let mut out = [""; presets::PRESETS.len()];
        let mut i = 0;
        while i < out.len() {
            out[i] = presets::PRESETS[i].id;
            i += 1;
        }
        out
    };

    /// Whether the preset pre-trains a backbone on m source samples (headline, peft,
    /// digits): where it does not, `m` is the theory panel's alone.
    pub fn pretrains(self) -> bool {
        presets::spec(self).pretrains
    }

    /// Whether the preset runs on a synthetic task of known smoothness, so that the theory's
    /// rates and models may be held against its curves (all but `digits`: real data).
    pub fn synthetic(self) -> bool {
        presets::spec(self).synthetic
    }
}

/// Downstream methods of docs/science.md §4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Method {
    /// Residual bottleneck adapter between extractor and head (gradient).
    #[serde(rename = "caulk-adapter")]
    CaulkAdapter,
    /// 1-D spline in the learned feature (closed form).
    #[serde(rename = "caulk-spline")]
    CaulkSpline,
    /// The caulk class chosen per (m, n) on leave-one-out among nested classes: the spline
    /// on z, or k-NN on z and the first principal components of the last hidden layer
    /// (closed form).
    #[serde(rename = "caulk-select")]
    CaulkSelect,
    /// Rank-r updates on chosen backbone layers (gradient).
    #[serde(rename = "lora")]
    Lora,
    /// Every bias of the network, its weights frozen (BitFit; Ben Zaken et al. 2022)
    /// (gradient).
    #[serde(rename = "bitfit")]
    Bitfit,
    /// The last L backbone layers plus the head (gradient).
    #[serde(rename = "partial")]
    Partial,
    /// The head's last linear layer (ridge).
    #[serde(rename = "linear-probe")]
    LinearProbe,
    /// Everything, from the pre-trained initialisation (gradient).
    #[serde(rename = "full")]
    Full,
    /// Everything, from random initialisation (gradient).
    #[serde(rename = "scratch")]
    Scratch,
}

impl Method {
    /// Every method, in docs/science.md order (the registry's, [`methods::METHODS`]).
    pub const ALL: [Method; methods::METHODS.len()] = methods::ALL;

    /// The method's id, as in links and JSON (`caulk-adapter`): its serde name.
    pub fn id(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            _ => String::new(),
        }
    }

    /// Whether the method trains by gradient steps (on the backend, K seeds at once);
    /// `caulk-spline`, `caulk-select` and `linear-probe` are closed forms.
    pub fn is_gradient(self) -> bool {
        methods::spec(self).kind == methods::Kind::Gradient
    }
}

/// Where training runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum BackendChoice {
    /// WebGPU / native GPU when an adapter exists, else the CPU with the reason shown.
    #[default]
    Auto,
    /// The CPU path.
    Cpu,
    /// The GPU path; an error when no adapter exists.
    Gpu,
}

/// The figure an embed (`embed.html`) shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum View {
    /// The theory plot.
    #[default]
    Theory,
    /// The experiment's learning curves, with a Run button.
    Experiment,
}

/// `show=none`: an embed with no controls.
pub fn no_controls() -> Vec<String> {
    vec!["none".to_string()]
}

/// Every key of the URL-fragment contract (docs/architecture.md), with the preset's defaults for
/// omitted keys. Field names are the keys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Config {
    /// Experiment preset.
    pub preset: Preset,
    /// Master seed of all random streams.
    pub seed: u64,
    /// Input dimension.
    pub d: u32,
    /// Feature (bottleneck) dimension.
    pub k: u32,
    /// Hölder exponent of the caulk, in (0, 1].
    pub alpha: f64,
    /// Hölder exponent of the head, in (0, 1].
    pub beta: f64,
    /// Smoothness of the feature extractor, in (0, 2].
    pub s_phi: f64,
    /// Label-noise standard deviation, in [0, 2].
    pub sigma: f64,
    /// Source sample sizes (strictly increasing).
    pub m: Vec<u64>,
    /// Backbone widths (strictly increasing).
    pub width: Vec<u32>,
    /// Backbone depth (hidden layers of the extractor).
    pub depth: u32,
    /// Target sample sizes (strictly increasing).
    pub n: Vec<u64>,
    /// Independent seeds per point.
    pub seeds: u32,
    /// Downstream methods (no repeats).
    pub methods: Vec<Method>,
    /// LoRA rank.
    pub rank: u32,
    /// Adapter bottleneck width.
    pub adapter_width: u32,
    /// Layers fitted by `partial` (at most `depth`).
    pub layers: u32,
    /// Gradient steps per fit.
    pub steps: u32,
    /// Learning rate.
    pub lr: f64,
    /// Relative perturbation of every network's starting weights (pre-training and every
    /// gradient fit): each weight w starts as w·(1 + jitter·u), u uniform in [−1, 1] from
    /// the seed's own stream. 0 (the default) leaves them alone; 10⁻⁷-10⁻⁶ shows how far a
    /// result moves under changes at the level of f32 rounding, the floor for comparing the
    /// CPU and GPU paths.
    #[serde(default)]
    pub jitter: f64,
    /// Compute device choice.
    pub backend: BackendChoice,
    /// Target excess risk for the sample complexity n_ε.
    pub eps: f64,
    /// The n at which the claim figure reads the risk against m: the grid's n nearest to
    /// it in log scale; 0 (the default) takes the largest n.
    #[serde(default)]
    pub at_n: u64,
    /// Bound ids shown in the theory panel (no repeats, at least one).
    pub bounds: Vec<String>,
    /// Scale constant C of every bound.
    pub c: f64,
    /// Weight C_pre of `caulk_m`'s pre-training term.
    pub c_pre: f64,
    /// Constant C_ρ of `caulk_m_rate`: the caulk class's extra entropy exponent per unit of
    /// the extractor's error, ρ(m) = 1/s + C_ρ·ε_pre(m).
    pub c_rho: f64,
    /// Task diversity ν of `task_diversity`.
    pub nu: f64,
    /// Representation-class complexity C_H of `task_diversity`.
    pub c_h: f64,
    /// Head-class complexity C_F of `task_diversity`.
    pub c_f: f64,
    /// Measured curves pinned on the plot, with their numbers ([`pins`]).
    #[serde(default)]
    pub pins: Vec<pins::Pin>,
    /// The figure `embed.html` shows.
    #[serde(default)]
    pub view: View,
    /// Controls `embed.html` shows under its figure (`none`: the figure alone).
    #[serde(default = "no_controls")]
    pub show: Vec<String>,
    /// Your own measured curves, in the link's form ([`table`]); empty for none.
    #[serde(default)]
    pub table: String,
    /// The lesson the page opens (`www/lessons/<lesson>.json`); empty outside a lesson.
    #[serde(default)]
    pub lesson: String,
    /// The lesson's step, from 1 (read only with a lesson).
    #[serde(default = "first_step")]
    pub step: u32,
}

fn first_step() -> u32 {
    1
}

impl Default for Config {
    fn default() -> Self {
        presets::defaults(Preset::Limit)
    }
}

impl Config {
    /// The defaults of `preset`.
    pub fn for_preset(preset: Preset) -> Self {
        presets::defaults(preset)
    }

    /// Strict parse for the CLI and tests: the first error fails the whole fragment.
    /// Warnings (unknown or repeated keys) are returned beside the config.
    pub fn from_fragment(fragment: &str) -> Result<(Config, Vec<String>), ConfigError> {
        let parsed = parse_fragment(fragment);
        match parsed.errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok((parsed.config, parsed.warnings)),
        }
    }

    /// The canonical fragment (without `#`): version first, then every key in [`KEYS`] order.
    pub fn to_fragment(&self) -> String {
        fragment::write_fragment(self)
    }

    /// The value of `key` as the fragment writes it; `None` for an unknown key.
    pub fn get(&self, key: &str) -> Option<String> {
        keys::get(self, key)
    }

    /// Parse `value` for `key` (bounds checked) and store it.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        keys::set(self, key, value)
    }

    /// The same config under another preset: the experiment keys (m, width, depth, n, seeds,
    /// methods, rank, adapter_width, layers, steps, lr) take the new preset's defaults, the
    /// theory keys, the seed and the jitter stay.
    pub fn with_preset(&self, preset: Preset) -> Config {
        let d = Config::for_preset(preset);
        Config {
            preset,
            m: d.m,
            width: d.width,
            depth: d.depth,
            n: d.n,
            seeds: d.seeds,
            methods: d.methods,
            rank: d.rank,
            adapter_width: d.adapter_width,
            layers: d.layers,
            steps: d.steps,
            lr: d.lr,
            ..self.clone()
        }
    }

    /// Check every key's bounds and the cross-key rules. A config built in code or
    /// deserialised from JSON goes through the same checks as one parsed from a fragment.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut probe = Config::for_preset(self.preset);
        for spec in KEYS {
            match keys::get(self, spec.key) {
                Some(value) => probe.set(spec.key, &value)?,
                None if spec.optional => {}
                None => return Err(ConfigError::new(spec.key, "missing getter")),
            }
        }
        keys::check_cross(self)?;
        // Its link must open again: pins carry numbers and are what can make it too long.
        let len = self.to_fragment().len();
        if len > MAX_FRAGMENT_LEN {
            let (key, what) = match (self.pins.is_empty(), self.table.is_empty()) {
                (false, _) => ("pins", "unpin one"),
                (true, false) => ("table", "export the table and share the file instead"),
                (true, true) => ("fragment", "shorten it"),
            };
            return Err(ConfigError::new(
                key,
                format!("the link would be {len} characters, over the {MAX_FRAGMENT_LEN} a link may hold; {what}"),
            ));
        }
        Ok(())
    }
}
