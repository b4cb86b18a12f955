//! What a preset runs and what it costs, decided before any work starts.
//!
//! | preset | groups | per seed | prediction |
//! |---|---|---|---|
//! | `limit` | one | oracle features φ*, `caulk-spline` at each n | slope −2s/(2s+1), free of d |
//! | `scratch` | per width | `scratch` MLP at each n | slope −2s*/(2s*+d) (flatter with d) |
//! | `headline` | per (m, width) | pre-train on m, then each method at each n | expected (this app's readings of the paper): risk falls as m grows; steeper small-n slopes (exponent reading) or lower floors (floor reading) |
//! | `peft` | per (m, width) | pre-train, then each method at each n | none from a theory: expected only that few-parameter caulks on a good backbone need fewer samples |
//! | `digits` | per (m, width) | pre-train a digit classifier on m images, then each method at each n on the digit's parity | none: real data is evidence, not a confirmation |
//!
//! The prediction's words say what each rests on (docs/science.md §5).
//!
//! What it costs is modelled in [`cost`](crate::experiment::sweep::cost) (from the work of one unit,
//! [`work`](crate::experiment::sweep::work), and this device's rates, [`rates`](crate::experiment::sweep::rates)).

use serde::Serialize;

use crate::config::presets::{Groups, Predicted};
use crate::config::{Config, ConfigError, Method, Preset};
use crate::data::{ExtractorKind, TaskSpec};
use crate::model::Arch;
use crate::theory::bounds::{caulk_limit_rate, scratch_rate, TheoryParams};
use crate::train::TrainOpts;

/// Hidden width of the head (docs/science.md §5: 1 → 16 → 1).
pub const HEAD_WIDTH: usize = 16;
/// Pre-training batch size and learning rate.
pub const PRETRAIN_BATCH: usize = 128;
/// Most bytes of source samples generated at once when a GPU pre-trains several seeds
/// together (the CPU pre-trains one seed at a time).
pub const SOURCE_CHUNK_BYTES: f64 = 256e6;
/// Pre-training learning rate (peak of the cosine schedule).
pub const PRETRAIN_LR: f64 = 3e-3;
/// Fine-tuning batch size.
pub const FINETUNE_BATCH: usize = 64;
/// Steps between fine-tuning's validation checks. Every 50 (the training loop's default) was
/// too coarse: at small n `partial` and LoRA change their test risk by up to 2× between two
/// checks 50 steps apart while a validation split of 12 points cannot tell the checks apart,
/// so a perturbation at f32 rounding flipped the kept step and moved single fits' risks by
/// 20-70 %. Every 10 steps, neighbouring checks hold nearly the same weights (≤ 10 Adam steps
/// of ≈ η each), and the same perturbation moves them by ≤ 4 % (8 seeds, n = 64 … 1024). The
/// checks are forward passes on a fifth of n: about 0.1 of the fine-tuning work at n = 1024.
pub const FINETUNE_EVAL_EVERY: usize = 10;

/// Pre-training steps for m source samples: a budget that grows with m (a plateau rule made
/// m = 30 000 worse than m = 3000 in the NumPy check), m/8 clamped to [500, 4000].
pub fn pretrain_steps(m: u64) -> usize {
    (m / 8).clamp(500, 4000) as usize
}

/// The methods a preset accepts (the registry's `offered_by`, `config::methods`).
pub fn allowed(preset: Preset) -> Vec<Method> {
    crate::config::methods::offered_by(preset)
}

/// Pre-training steps of the digit classifier on m images: about 200 passes over them in
/// batches of [`DIGITS_BATCH`] (as scikit-learn's MLP runs at most), at least 400 steps (a
/// pass of m = 30 is one step) and at most 3000. Measured (8 seeds, the probe's error at
/// n = 128): 60 passes gave 0.135, 0.072, 0.042, 0.024 for m = 30, 100, 300, 1000; 200
/// passes 0.134, 0.070, 0.032, 0.019.
pub fn digits_pretrain_steps(m: u64) -> usize {
    (200 * m as usize / DIGITS_BATCH).clamp(400, 3000)
}
/// Mini-batch of the digit classifier's pre-training.
pub const DIGITS_BATCH: usize = 64;
/// Classes of the digit classifier (its logits, and the class probabilities the caulk sees).
pub const DIGITS_CLASSES: usize = 10;

/// A validated sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// The task of every seed (the seed changes the instance).
    pub task: TaskSpec,
    /// Groups: (m, width), the backbone shared by the curves of [`Plan::group_methods`]; m is
    /// None when nothing is pre-trained.
    pub groups: Vec<(Option<u64>, usize)>,
    /// Target sizes.
    pub n: Vec<u64>,
    /// Methods.
    pub methods: Vec<Method>,
    /// Seeds per point.
    pub seeds: usize,
    /// Whether each group pre-trains a backbone.
    pub pretrain: bool,
    /// Whether gradient methods run on the oracle network (`limit`: train::oracle).
    pub oracle: bool,
    /// Whether the sweep runs on the handwritten digits (`digits`: data::digits) instead of
    /// a synthetic task.
    pub digits: bool,
    /// Fine-tuning settings.
    pub finetune: TrainOpts,
    /// The preset's slope for its curves, if it states one (see [`Plan::predicted_slope_of`]).
    pub predicted_slope: Option<f64>,
    /// The from-scratch minimax slope −2s*/(2s*+d), the theory of every `scratch` curve of a
    /// synthetic task.
    pub scratch_slope: f64,
    /// The theory's prediction in words.
    pub prediction: String,
}

/// The backbone of a group.
pub fn arch(c: &Config, width: usize) -> Arch {
    Arch {
        d: c.d as usize,
        width,
        depth: c.depth as usize,
        k: c.k as usize,
        head_width: HEAD_WIDTH,
        adapter_width: 0,
        lora_rank: 0,
    }
}

/// The sweep of a valid config, or an error naming the key that does not fit the preset.
pub fn plan(c: &Config) -> Result<Plan, ConfigError> {
    let ok = allowed(c.preset);
    if let Some(bad) = c.methods.iter().find(|m| !ok.contains(m)) {
        return Err(ConfigError::new(
            "methods",
            format!(
                "{} does not belong to preset {} (allowed: {})",
                id(bad),
                id(&c.preset),
                names(&ok)
            ),
        ));
    }
    if !c.preset.synthetic() {
        check_digits(c)?;
    }
    // Both fit a spline on the one-dimensional feature z (caulk-select's first class).
    for m in [Method::CaulkSpline, Method::CaulkSelect] {
        if c.methods.contains(&m) && c.k != 1 {
            return Err(ConfigError::new(
                "k",
                format!("{} needs k = 1 (a one-dimensional feature)", m.id()),
            ));
        }
    }
    let p = TheoryParams::from_config(c);
    let widths: Vec<usize> = c.width.iter().map(|w| *w as usize).collect();
    let spec = crate::config::presets::spec(c.preset);
    let groups = match spec.groups {
        Groups::FirstWidth => vec![(None, widths[0])],
        Groups::Widths => widths.iter().map(|w| (None, *w)).collect(),
        Groups::SourceByWidth => {
            c.m.iter()
                .flat_map(|m| widths.iter().map(move |w| (Some(*m), *w)))
                .collect()
        }
    };
    let predicted_slope = match spec.predicted {
        Predicted::CaulkLimit => Some(-caulk_limit_rate(&p)),
        Predicted::Scratch => Some(-scratch_rate(&p)),
        Predicted::Nothing => None,
    };
    let prediction = spec.prediction.to_string();
    Ok(Plan {
        task: TaskSpec {
            d: c.d as usize,
            k: c.k as usize,
            s: c.alpha * c.beta,
            s_phi: c.s_phi,
            sigma: c.sigma,
            extractor: ExtractorKind::Ridge,
        },
        groups,
        n: c.n.clone(),
        methods: c.methods.clone(),
        seeds: c.seeds as usize,
        pretrain: c.preset.pretrains(),
        oracle: spec.oracle,
        digits: !spec.synthetic,
        finetune: TrainOpts {
            steps: c.steps as usize,
            lr: c.lr,
            batch: FINETUNE_BATCH,
            eval_every: FINETUNE_EVAL_EVERY,
            jitter: c.jitter,
            ..TrainOpts::default()
        },
        predicted_slope,
        scratch_slope: -scratch_rate(&p),
        prediction,
    })
}

/// The digits' sizes: m inside the source pool, n inside the target pool and large enough
/// for a validation split of two images (n ≥ 10), or an error naming the key.
fn check_digits(c: &Config) -> Result<(), ConfigError> {
    use crate::data::digits::{SOURCE_POOL, TARGET_POOL};
    if let Some(m) = c.m.iter().find(|&&m| m > SOURCE_POOL as u64) {
        return Err(ConfigError::new(
            "m",
            format!("{m} is more than the {SOURCE_POOL} images of the digits' source pool"),
        ));
    }
    if let Some(n) = c.n.iter().find(|&&n| n > TARGET_POOL as u64 || n < 10) {
        return Err(ConfigError::new(
            "n",
            format!("{n} is outside 10 … {TARGET_POOL}, the digits' target pool"),
        ));
    }
    Ok(())
}

impl Plan {
    /// Whether `method` fits on a backbone pre-trained on m source samples: every method of
    /// a preset that pre-trains, except `scratch`, which trains its own network.
    pub fn uses_backbone(&self, method: Method) -> bool {
        self.pretrain && method != Method::Scratch
    }

    /// The methods of group `g`, in the config's order: all of them, except that a method
    /// which uses no backbone runs only in the first group of its width (its numbers do not
    /// depend on m, so one curve per width, with m null, serves every m).
    pub fn group_methods(&self, g: usize) -> Vec<Method> {
        let Some(&(_, width)) = self.groups.get(g) else {
            return Vec::new();
        };
        let first_of_width = self.groups.iter().position(|&(_, w)| w == width) == Some(g);
        self.methods
            .iter()
            .copied()
            .filter(|&method| first_of_width || self.uses_backbone(method))
            .collect()
    }

    /// The curves of group `g`, one per method of [`Plan::group_methods`]: (method, m, width),
    /// m none for a method that uses no backbone.
    pub fn group_curves(&self, g: usize) -> Vec<(Method, Option<u64>, usize)> {
        let Some(&(m, width)) = self.groups.get(g) else {
            return Vec::new();
        };
        self.group_methods(g)
            .into_iter()
            .map(|method| (method, m.filter(|_| self.uses_backbone(method)), width))
            .collect()
    }

    /// Every curve of the sweep, in the results' order (group by group).
    pub fn curves(&self) -> Vec<(Method, Option<u64>, usize)> {
        (0..self.groups.len())
            .flat_map(|g| self.group_curves(g))
            .collect()
    }

    /// The theory's slope for a curve of `method`: the from-scratch rate for `scratch` (in any
    /// preset: it uses no pre-trained backbone), the preset's slope for the others.
    pub fn predicted_slope_of(&self, method: Method) -> Option<f64> {
        match method {
            // Real data states no rate, not even for training from scratch.
            _ if self.digits => None,
            Method::Scratch => Some(self.scratch_slope),
            _ => self.predicted_slope,
        }
    }

    /// Whether group `g` pre-trains: its preset pre-trains and one of its methods uses the
    /// backbone.
    pub fn group_pretrains(&self, g: usize) -> bool {
        self.groups.get(g).is_some_and(|&(m, _)| m.is_some())
            && self
                .group_methods(g)
                .into_iter()
                .any(|method| self.uses_backbone(method))
    }
}

/// A method's or preset's id as the URL writes it (`caulk-spline`, `limit`).
fn id(v: &impl Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn names(methods: &[Method]) -> String {
    methods.iter().map(id).collect::<Vec<_>>().join("|")
}
