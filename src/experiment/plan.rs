//! What a preset runs and what it costs, decided before any work starts.
//!
//! | preset | groups | per seed | prediction |
//! |---|---|---|---|
//! | `limit` | one | oracle features φ*, `caulk-spline` at each n | slope −2s/(2s+1), free of d |
//! | `scratch` | per width | `scratch` MLP at each n | slope −2s*/(2s*+d) (flatter with d) |
//! | `headline` | per (m, width) | pre-train on m, then each method at each n | slopes steepen toward −2s/(2s+1) and risk falls as m grows |
//! | `peft` | per (m, width) | pre-train, then each method at each n | caulks and LoRA beat `full` and `scratch` at small n |
//! | `digits` | per (m, width) | pre-train a digit classifier on m images, then each method at each n on the digit's parity | none: real data is evidence, not a confirmation |
//!
//! Cost model: a gradient step on a batch of b rows costs 6·b·MACs FLOPs (forward 2, backward
//! 4), a forward pass 2·MACs per row, closed forms O(n) per knot candidate; generating a row
//! evaluates every ridge cosine of the extractor. Seconds = FLOPs / FLOP rate + ridges /
//! ridge rate, both rates measured on this device before the sweep
//! ([`device_rates`](super::rates::device_rates)); a sweep that trains on a GPU has its
//! batched training timed by the GPU's own model instead ([`GpuRates`], measured by
//! [`gpu_rates`](super::rates::gpu_rates)).

use serde::Serialize;

use crate::config::{BackendChoice, Config, ConfigError, Method, Preset};
use crate::data::extractor::{MAX_RIDGES, RIDGE_LEVELS};
use crate::data::tasks::TEST_POINTS;
use crate::data::{ExtractorKind, TaskSpec};
use crate::model::Arch;
use crate::theory::bounds::{caulk_limit_rate, scratch_rate, TheoryParams};
use crate::train::TrainOpts;

use super::rates::{GpuRates, Rates};

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

/// The methods a preset accepts.
pub fn allowed(preset: Preset) -> &'static [Method] {
    match preset {
        // The gradient caulks on the oracle network (train::oracle).
        Preset::Limit => &[Method::CaulkSpline, Method::CaulkAdapter, Method::Lora],
        Preset::Scratch => &[Method::Scratch],
        Preset::Headline | Preset::Peft => &Method::ALL,
        // The feature is 10 class probabilities: no one-dimensional spline.
        Preset::Digits => &[
            Method::CaulkAdapter,
            Method::Lora,
            Method::Partial,
            Method::LinearProbe,
            Method::Full,
            Method::Scratch,
        ],
    }
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
                names(ok)
            ),
        ));
    }
    if c.preset == Preset::Digits {
        check_digits(c)?;
    }
    if c.methods.contains(&Method::CaulkSpline) && c.k != 1 {
        return Err(ConfigError::new(
            "k",
            "caulk-spline needs k = 1 (a one-dimensional feature)",
        ));
    }
    let p = TheoryParams::from_config(c);
    let widths: Vec<usize> = c.width.iter().map(|w| *w as usize).collect();
    let (groups, predicted_slope, prediction) = match c.preset {
        Preset::Limit => (
            vec![(None, widths[0])],
            Some(-caulk_limit_rate(&p)),
            "log-log slope ≈ −2s/(2s+1), whatever d (oracle extractor)".to_string(),
        ),
        Preset::Scratch => (
            widths.iter().map(|w| (None, *w)).collect(),
            Some(-scratch_rate(&p)),
            "slope ≈ −2s*/(2s*+d): flatter as d grows".to_string(),
        ),
        Preset::Headline => (
            c.m.iter().flat_map(|m| widths.iter().map(move |w| (Some(*m), *w))).collect(),
            Some(-caulk_limit_rate(&p)),
            "as m (or W) grows the risk falls and local slopes steepen toward −2s/(2s+1); n_ε falls with m".to_string(),
        ),
        Preset::Peft => (
            c.m.iter().flat_map(|m| widths.iter().map(move |w| (Some(*m), *w))).collect(),
            None,
            "at small n the caulks and LoRA beat full fine-tuning and training from scratch".to_string(),
        ),
        Preset::Digits => (
            c.m.iter().flat_map(|m| widths.iter().map(move |w| (Some(*m), *w))).collect(),
            None,
            "real data, no rate claimed: a digit classifier pre-trained on more images should leave the parity a lower error floor and a smaller n_ε".to_string(),
        ),
    };
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
        oracle: c.preset == Preset::Limit,
        digits: c.preset == Preset::Digits,
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

/// Multiply-accumulates of one forward pass of a row.
pub fn macs(a: &Arch) -> f64 {
    a.segments()
        .iter()
        .filter(|s| s.cols > 1 || s.rows == 1)
        .map(|s| s.len() as f64)
        .sum()
}

/// Ridge cosines evaluated to generate one row with the ridge extractor in d dimensions.
pub(crate) fn ridges_per_row(d: usize) -> f64 {
    (0..=RIDGE_LEVELS)
        .map(|j| {
            2usize
                .saturating_mul(1usize << (j * (d - 1)).min(30))
                .min(MAX_RIDGES)
        })
        .sum::<usize>() as f64
}

/// The cost of a sweep before it runs.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Estimate {
    /// Work units (one data table per seed, pre-trainings and fits).
    pub units: usize,
    /// Floating-point operations of training and fitting.
    pub flops: f64,
    /// Ridge cosines of data generation.
    pub ridges: f64,
    /// Seconds of training on the GPU, setup included (0 when everything runs on the CPU).
    #[serde(default)]
    pub gpu_s: f64,
    /// Expected seconds on this device: OVERHEAD · flops / rates.flops + ridges / rates.ridges
    /// (+ the GPU's training seconds when `rates.gpu` is set).
    pub seconds: f64,
    /// Peak memory the sweep needs, bytes (see [`peak_bytes`]); above [`MEMORY_LIMIT`] the
    /// sweep is refused before it starts.
    #[serde(default)]
    pub bytes: f64,
    /// That limit, bytes.
    #[serde(default)]
    pub memory_limit: f64,
    /// Parts that can run in parallel (the seeds; see `run::Shard`).
    #[serde(default)]
    pub shards: usize,
    /// The compute device the config asks for. Where the sweep trains is `rates.gpu`: set,
    /// the GPU (and the page runs one worker: all seeds train at once on the one device).
    #[serde(default)]
    pub backend: BackendChoice,
    /// The rates used.
    pub rates: Rates,
}

impl Estimate {
    /// Expected wall time with the seeds shared among `workers` (threads, Web Workers): all
    /// the work is per seed and [`Estimate::seconds`] is for one, so the worker with the most
    /// seeds sets it: seconds · ⌈shards / workers⌉ / shards.
    pub fn wall_seconds(&self, workers: usize) -> f64 {
        let shards = self.shards.max(1);
        self.seconds * shards.div_ceil(workers.max(1)) as f64 / shards as f64
    }
}

/// The modelled work of one unit of a sweep: training FLOP on the CPU, ridge cosines, and
/// seconds of GPU training.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cost {
    /// Floating-point operations of training and fitting on the CPU.
    pub flops: f64,
    /// Ridge cosines of data generation.
    pub ridges: f64,
    /// Seconds of training on the GPU (its share of a call of several models).
    pub gpu_s: f64,
}

/// Training of one of `k` models trained together, `steps` mini-batches of `rows` rows on a
/// network of `fwd` forward FLOP per row (a step is ~3 forward passes: forward, backward to
/// the activations and to the weights): CPU FLOP, or with `gpu` its share of the GPU call.
fn training(steps: usize, rows: usize, fwd: f64, gpu: Option<(&GpuRates, usize)>) -> Cost {
    let w = rows as f64 * 3.0 * fwd;
    match gpu {
        Some((g, k)) => Cost {
            gpu_s: g.share(k, steps, w),
            ..Cost::default()
        },
        None => Cost {
            flops: steps as f64 * w,
            ..Cost::default()
        },
    }
}

/// One seed's data, made once for all groups: its test set and target pool.
pub fn data_cost(plan: &Plan) -> Cost {
    let max_n = *plan.n.last().unwrap_or(&1) as f64;
    Cost {
        ridges: (TEST_POINTS as f64 + max_n) * ridges_per_row(plan.task.d),
        ..Cost::default()
    }
}

/// One seed's pre-training on m source rows with a backbone of `fwd` FLOP per row forward;
/// with `gpu`, one of k seeds pre-trained together on it.
pub fn pretrain_cost(plan: &Plan, m: u64, fwd: f64, gpu: Option<(&GpuRates, usize)>) -> Cost {
    Cost {
        ridges: m as f64 * ridges_per_row(plan.task.d),
        ..training(pretrain_steps(m), PRETRAIN_BATCH, fwd, gpu)
    }
}

/// One seed's fit of `method` at n: closed forms run the backbone over the target and test
/// rows and solve a small system (on the CPU); gradient methods train `steps` mini-batches
/// (with `gpu`, one of k seeds trained together on it) and score the test set.
pub fn fit_cost(
    plan: &Plan,
    method: Method,
    n: u64,
    fwd: f64,
    gpu: Option<(&GpuRates, usize)>,
) -> Cost {
    let test = TEST_POINTS as f64 * fwd;
    match method {
        Method::CaulkSpline | Method::LinearProbe => Cost {
            flops: n as f64 * fwd + test + n as f64 * 40.0 * 10.0,
            ..Cost::default()
        },
        _ => {
            let rows = (n as usize).min(FINETUNE_BATCH);
            let train = training(plan.finetune.steps, rows, fwd, gpu);
            // On the oracle network every capacity of its grid is trained.
            let tries = match plan.oracle {
                true => crate::train::oracle::capacities(method).len().max(1) as f64,
                false => 1.0,
            };
            Cost {
                flops: tries * (train.flops + test),
                gpu_s: tries * train.gpu_s,
                ..train
            }
        }
    }
}

/// FLOP of one forward pass of a row through network `a`.
pub fn forward_flops(a: &Arch) -> f64 {
    2.0 * macs(a)
}

/// Cost of `plan` at `rates`: the sum of its units' costs.
pub fn estimate(plan: &Plan, c: &Config, rates: Rates) -> Estimate {
    if plan.digits {
        return digits_estimate(plan, c, rates);
    }
    let mut total = Cost::default();
    let mut units = 0;
    let mut add = |cost: Cost| {
        units += 1;
        total.flops += cost.flops;
        total.ridges += cost.ridges;
        total.gpu_s += cost.gpu_s;
    };
    for _ in 0..plan.seeds {
        add(data_cost(plan));
    }
    // On a GPU the seeds of a fit train together, and those of a pre-training in chunks.
    let gpu = rates.gpu.as_ref();
    for (group, &(m, width)) in plan.groups.iter().enumerate() {
        let fwd = forward_flops(&arch(c, width));
        let methods = plan.group_methods(group);
        let source = m.filter(|_| plan.group_pretrains(group));
        for _ in 0..plan.seeds {
            if let Some(m) = source {
                let chunk = pretrain_chunk(c, m).min(plan.seeds);
                add(pretrain_cost(plan, m, fwd, gpu.map(|g| (g, chunk))));
            }
            for &n in &plan.n {
                for &method in &methods {
                    add(fit_cost(plan, method, n, fwd, gpu.map(|g| (g, plan.seeds))));
                }
            }
        }
    }
    // A GPU's setup is paid once, before any unit.
    let setup = rates.gpu.map_or(0.0, |g| g.setup);
    Estimate {
        units,
        flops: total.flops,
        ridges: total.ridges,
        gpu_s: total.gpu_s + setup,
        seconds: rates.seconds(total) + setup,
        bytes: peak_bytes(plan, c),
        memory_limit: MEMORY_LIMIT,
        shards: plan.seeds,
        backend: c.backend,
        rates,
    }
}

/// Multiply-accumulates per row of the digit classifier of `width` and `depth` hidden layers
/// (64 pixels → width → … → 10 logits).
pub fn digits_macs(width: usize, depth: usize) -> f64 {
    use crate::data::digits::PIXELS;
    (PIXELS * width + depth.saturating_sub(1) * width * width + width * DIGITS_CLASSES) as f64
}

/// One seed's pre-training of the digit classifier on m images: its steps, then the class
/// probabilities of the target pool and the test images. Every digits network trains on the
/// host in f64 (whatever the backend: data::digits), so these are CPU FLOP.
pub fn digits_pretrain_cost(c: &Config, m: u64, width: usize) -> Cost {
    use crate::data::digits::{TARGET_POOL, TEST_SIZE};
    let fwd = 2.0 * digits_macs(width, c.depth as usize);
    let rows = (m as usize).min(DIGITS_BATCH);
    Cost {
        flops: training(digits_pretrain_steps(m), rows, fwd, None).flops
            + (TARGET_POOL + TEST_SIZE) as f64 * fwd,
        ..Cost::default()
    }
}

/// One seed's fit of `method` at n on the digits: the probe solves a ridge system of 11
/// unknowns per λ of its grid; the others train `steps` mini-batches, the adapter on the
/// 10 class probabilities, `scratch` on the pixels, the rest through the whole classifier.
pub fn digits_fit_cost(plan: &Plan, c: &Config, method: Method, n: u64, width: usize) -> Cost {
    let k = DIGITS_CLASSES as f64;
    let classifier = 2.0 * digits_macs(width, c.depth as usize);
    let per_row = match method {
        Method::LinearProbe => {
            return Cost {
                flops: 8.0 * n as f64 * (k + 1.0) * (k + 1.0),
                ..Cost::default()
            }
        }
        Method::CaulkAdapter => 2.0 * (2.0 * k * c.adapter_width as f64 + k),
        Method::Scratch => classifier - 2.0 * (width as f64) * (k - 1.0),
        _ => classifier + 2.0 * k,
    };
    let rows = (n as usize).min(FINETUNE_BATCH);
    training(plan.finetune.steps, rows, per_row, None)
}

/// The cost of a `digits` sweep: one unit per seed's split (no work), pre-training and fit
/// ([`digits_pretrain_cost`], [`digits_fit_cost`]), all at the CPU's rate.
fn digits_estimate(plan: &Plan, c: &Config, rates: Rates) -> Estimate {
    let rates = Rates { gpu: None, ..rates };
    let mut total = Cost::default();
    let mut units = plan.seeds;
    for (g, &(m, width)) in plan.groups.iter().enumerate() {
        for _ in 0..plan.seeds {
            let pre = m.filter(|_| plan.group_pretrains(g));
            let fits = plan.n.iter().flat_map(|&n| {
                plan.group_methods(g)
                    .into_iter()
                    .map(move |method| digits_fit_cost(plan, c, method, n, width))
            });
            for cost in pre
                .map(|m| digits_pretrain_cost(c, m, width))
                .into_iter()
                .chain(fits)
            {
                units += 1;
                total.flops += cost.flops;
            }
        }
    }
    Estimate {
        units,
        flops: total.flops,
        ridges: 0.0,
        gpu_s: 0.0,
        seconds: rates.seconds(total),
        // Each seed's pixels as f64 rows (1,797 × 64 × 8 bytes, twice over) and small nets.
        bytes: plan.seeds as f64 * 1797.0 * 64.0 * 8.0 * 2.0,
        memory_limit: MEMORY_LIMIT,
        shards: plan.seeds,
        backend: c.backend,
        rates,
    }
}

/// Most memory a sweep may take: a wasm32 tab has 4 GiB of address space at most, and the
/// page needs room beside the sweep.
pub const MEMORY_LIMIT: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;

/// Bytes of one generated row (x, z, y, f: d + k + 2 f64 values).
fn row_bytes(c: &Config) -> f64 {
    8.0 * (c.d + c.k + 2) as f64
}

/// Seeds whose source samples of m rows a GPU pre-trains at once: as many as fit
/// [`SOURCE_CHUNK_BYTES`], at least one.
pub fn pretrain_chunk(c: &Config, m: u64) -> usize {
    ((SOURCE_CHUNK_BYTES / (m as f64 * row_bytes(c))) as usize).max(1)
}

/// Peak bytes of a sweep, f64 everywhere (8 bytes), rows of d + k + 2 values (x, z, y, f):
/// every seed's test set and target pool (kept for the whole sweep); per group the seeds'
/// pre-trained backbones, plus one source sample and its trainer (parameters, gradient,
/// Adam moments and the kept best: 5 copies); the batched fine-tuning of all seeds (f32
/// parameters, gradients and moments, and the best copies: 5 copies, plus the stacked
/// tables).
pub fn peak_bytes(plan: &Plan, c: &Config) -> f64 {
    let row = row_bytes(c);
    let seeds = plan.seeds as f64;
    let max_n = *plan.n.last().unwrap_or(&1) as f64;
    let kept = seeds * (TEST_POINTS as f64 + max_n) * row;
    let group = plan
        .groups
        .iter()
        .map(|&(m, width)| {
            let params = arch(c, width).param_count() as f64;
            // One source sample at a time on the CPU; on a GPU up to SOURCE_CHUNK_BYTES of
            // them at once (counted for every backend: the plan does not know which runs).
            let one = m.filter(|_| plan.pretrain).map_or(0.0, |m| m as f64 * row);
            let source = one.max((seeds * one).min(SOURCE_CHUNK_BYTES));
            let backbones = seeds * params * 8.0;
            let pretrainer = if plan.pretrain {
                5.0 * params * 8.0
            } else {
                0.0
            };
            let finetune = seeds * (5.0 * params * 4.0 + max_n * (c.d as f64 + 1.0) * 4.0);
            backbones + (source + pretrainer).max(finetune)
        })
        .fold(0.0, f64::max);
    kept + group
}

/// `bytes` as people read it: `120 MB`, `3.1 GB`.
pub fn human_bytes(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else {
        format!("{:.0} MB", (bytes / 1e6).max(1.0))
    }
}

/// What the model of training leaves out (allocation, test-set bookkeeping), as a factor on
/// its modelled time, set so that estimate/wall stays in [1, 2] natively and in wasm
/// (`caulk bench`, `node www/bench/presets.mjs`; the wasm training estimate runs higher).
/// Data generation needs none: the ridge probe runs the
/// very code that generates the tables (`limit`, almost all data: estimate/wall 1.04 in
/// wasm without the factor).
pub const OVERHEAD: f64 = 1.3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_time_is_set_by_the_worker_with_the_most_seeds() {
        let plan = plan(&Config::for_preset(Preset::Limit)).unwrap();
        let mut est = estimate(
            &plan,
            &Config::for_preset(Preset::Limit),
            Rates::cpu(1e9, 1e8),
        );
        est.shards = 5;
        est.seconds = 10.0;
        assert_eq!(est.wall_seconds(1), 10.0);
        // 5 seeds on 2 workers: 3 and 2; on 4: 2, 1, 1, 1; 8 workers no faster than 5.
        assert_eq!(est.wall_seconds(2), 6.0);
        assert_eq!(est.wall_seconds(4), 4.0);
        assert_eq!(est.wall_seconds(8), 2.0);
        assert_eq!(est.wall_seconds(0), 10.0);
    }

    /// On a GPU whose step costs 1 s whatever the models and their size, a `scratch` sweep
    /// costs one step count per point n (all seeds of a point train in one call), on top of
    /// its CPU work and the GPU's setup (once): the seeds do not multiply it.
    #[test]
    fn on_a_gpu_the_seeds_of_a_point_pay_for_its_steps_once() {
        let c = crate::config::parse_fragment("v=1&preset=scratch&seeds=5&n=64,128,256&steps=40")
            .config;
        let p = plan(&c).unwrap();
        let cpu = Rates::cpu(1e9, 1e8);
        let gpu = Rates {
            gpu: Some(GpuRates {
                call: [0.0, 0.0],
                fixed: [1.0, 0.0],
                per_model: [0.0, 0.0],
                setup: 7.0,
            }),
            ..cpu
        };
        let on_cpu = estimate(&p, &c, cpu);
        let on_gpu = estimate(&p, &c, gpu);
        // The CPU still scores the test set of every fit: that part is in both.
        let test = (5 * 3) as f64 * TEST_POINTS as f64 * forward_flops(&arch(&c, 32));
        let cpu_rest = on_cpu.seconds - OVERHEAD * (on_cpu.flops - test) / cpu.flops;
        assert!((on_gpu.seconds - cpu_rest - 3.0 * 40.0 - 7.0).abs() < 1e-9);
        assert!((on_gpu.gpu_s - 3.0 * 40.0 - 7.0).abs() < 1e-9);
        assert_eq!(on_cpu.gpu_s, 0.0);
        assert_eq!(on_gpu.units, on_cpu.units);
    }
}
