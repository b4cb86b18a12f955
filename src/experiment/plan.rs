//! What a preset runs and what it costs, decided before any work starts.
//!
//! | preset | groups | per seed | prediction |
//! |---|---|---|---|
//! | `limit` | one | oracle features φ*, `caulk-spline` at each n | slope −2s/(2s+1), free of d |
//! | `scratch` | per width | `scratch` MLP at each n | slope −2s*/(2s*+d) (flatter with d) |
//! | `headline` | per (m, width) | pre-train on m, then each method at each n | slopes steepen toward −2s/(2s+1) and risk falls as m grows |
//! | `peft` | per (m, width) | pre-train, then each method at each n | caulks and LoRA beat `full` and `scratch` at small n |
//!
//! Cost model: a gradient step on a batch of b rows costs 6·b·MACs FLOPs (forward 2, backward
//! 4), a forward pass 2·MACs per row, closed forms O(n) per knot candidate; generating a row
//! evaluates every ridge cosine of the extractor. Seconds = FLOPs / FLOP rate + ridges /
//! ridge rate, both rates measured on this device before the sweep ([`device_rates`]); a
//! sweep that trains on a GPU has its batched training timed by the GPU's own model instead
//! ([`GpuRates`], measured by [`gpu_rates`]).

use serde::Serialize;

use crate::config::{BackendChoice, Config, ConfigError, Method, Preset};
use crate::data::extractor::{MAX_RIDGES, RIDGE_LEVELS};
use crate::data::tasks::TEST_POINTS;
use crate::data::{ExtractorKind, TaskSpec};
use crate::model::Arch;
use crate::theory::bounds::{caulk_limit_rate, scratch_rate, TheoryParams};
use crate::train::TrainOpts;

/// Hidden width of the head (SCIENCE.md §5: 1 → 16 → 1).
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

/// Pre-training steps for m source samples: a budget that grows with m (a plateau rule made
/// m = 30 000 worse than m = 3000 in the NumPy check), m/8 clamped to [500, 4000].
pub fn pretrain_steps(m: u64) -> usize {
    (m / 8).clamp(500, 4000) as usize
}

/// The methods a preset accepts.
pub fn allowed(preset: Preset) -> &'static [Method] {
    match preset {
        Preset::Limit => &[Method::CaulkSpline],
        Preset::Scratch => &[Method::Scratch],
        Preset::Headline | Preset::Peft => &Method::ALL,
    }
}

/// A validated sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// The task of every seed (the seed changes the instance).
    pub task: TaskSpec,
    /// Groups: (m, width); m is None when nothing is pre-trained.
    pub groups: Vec<(Option<u64>, usize)>,
    /// Target sizes.
    pub n: Vec<u64>,
    /// Methods.
    pub methods: Vec<Method>,
    /// Seeds per point.
    pub seeds: usize,
    /// Whether each group pre-trains a backbone.
    pub pretrain: bool,
    /// Fine-tuning settings.
    pub finetune: TrainOpts,
    /// The theory's slope for the curves, if it states one.
    pub predicted_slope: Option<f64>,
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
        let name = serde_json::to_value(bad)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        return Err(ConfigError::new(
            "methods",
            format!(
                "{name} does not belong to preset {:?} (allowed: {})",
                c.preset,
                names(ok)
            ),
        ));
    }
    if c.methods.contains(&Method::CaulkSpline) && c.k != 1 {
        return Err(ConfigError::new(
            "k",
            "caulk-spline needs k = 1 (a one-dimensional feature)",
        ));
    }
    let p = TheoryParams::from_config(c);
    let widths: Vec<usize> = c.width.iter().map(|w| *w as usize).collect();
    let (groups, pretrain, predicted_slope, prediction) = match c.preset {
        Preset::Limit => (
            vec![(None, widths[0])],
            false,
            Some(-caulk_limit_rate(&p)),
            "log-log slope ≈ −2s/(2s+1), whatever d (oracle extractor)".to_string(),
        ),
        Preset::Scratch => (
            widths.iter().map(|w| (None, *w)).collect(),
            false,
            Some(-scratch_rate(&p)),
            "slope ≈ −2s*/(2s*+d): flatter as d grows".to_string(),
        ),
        Preset::Headline => (
            c.m.iter().flat_map(|m| widths.iter().map(move |w| (Some(*m), *w))).collect(),
            true,
            Some(-caulk_limit_rate(&p)),
            "as m (or W) grows the risk falls and local slopes steepen toward −2s/(2s+1); n_ε falls with m".to_string(),
        ),
        Preset::Peft => (
            c.m.iter().flat_map(|m| widths.iter().map(move |w| (Some(*m), *w))).collect(),
            true,
            None,
            "at small n the caulks and LoRA beat full fine-tuning and training from scratch".to_string(),
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
        pretrain,
        finetune: TrainOpts {
            steps: c.steps as usize,
            lr: c.lr,
            batch: FINETUNE_BATCH,
            ..TrainOpts::default()
        },
        predicted_slope,
        prediction,
    })
}

fn names(methods: &[Method]) -> String {
    methods
        .iter()
        .filter_map(|m| serde_json::to_value(m).ok()?.as_str().map(String::from))
        .collect::<Vec<_>>()
        .join("|")
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
fn ridges_per_row(d: usize) -> f64 {
    (0..=RIDGE_LEVELS)
        .map(|j| {
            2usize
                .saturating_mul(1usize << (j * (d - 1)).min(30))
                .min(MAX_RIDGES)
        })
        .sum::<usize>() as f64
}

/// How fast this device does the kinds of work a sweep is made of.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Rates {
    /// FLOP/s of the training arithmetic on the CPU kernels.
    pub flops: f64,
    /// Ridge cosines per second of data generation (a d-term dot product and a libm cosine).
    pub ridges: f64,
    /// When the sweep trains on a GPU: its fused program's speed ([`gpu_rates`]); the
    /// batched training (pre-training, gradient fits) is then modelled with these instead of
    /// `flops`. None: everything runs on the CPU.
    #[serde(default)]
    pub gpu: Option<GpuRates>,
}

/// The speed of a GPU's fused training program (`train_fused`), measured on the device: a
/// call that trains K models S steps of w FLOP each (w = 3 · rows · forward FLOP per row)
/// takes `call(K) + S · (fixed(w) + K · per_model(w))` seconds, `call` affine in K
/// (`[seconds, seconds per model]`), the others in w (`[seconds, seconds per FLOP]`).
/// `fixed` is what every step pays however many models share it (one workgroup per model,
/// in parallel: on a hardware GPU nearly all of it), `per_model` what grows with K (a
/// software adapter's is most of it), `call` the upload, evaluations and readbacks around
/// the steps. A step is not proportional to its FLOP: its barriers cost the same for 32 rows
/// as for 128.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct GpuRates {
    /// Seconds per call: fixed and per model.
    pub call: [f64; 2],
    /// Seconds per step: at w = 0 and per FLOP of w, paid once per step.
    pub fixed: [f64; 2],
    /// Seconds per step: at w = 0 and per FLOP of w, paid by each model.
    pub per_model: [f64; 2],
    /// Seconds before a sweep's first step: creating the device and compiling its pipelines
    /// (the probe's first call); 0 where the sweep runs on the device the probe measured.
    #[serde(default)]
    pub setup: f64,
}

impl GpuRates {
    /// Every coefficient finite and not negative (rates that came back from the page are
    /// checked before use).
    pub fn valid(&self) -> bool {
        [self.call, self.fixed, self.per_model, [self.setup, 0.0]]
            .iter()
            .flatten()
            .all(|v| v.is_finite() && *v >= 0.0)
    }

    /// One model's share of a call that trains `k` models `steps` steps of `w` FLOP each:
    /// the call's time over k.
    pub fn share(&self, k: usize, steps: usize, w: f64) -> f64 {
        let k = k.max(1) as f64;
        let at = |c: [f64; 2]| c[0] + c[1] * w;
        let call = self.call[0] + k * self.call[1];
        (call + steps as f64 * (at(self.fixed) + k * at(self.per_model))) / k
    }
}

/// The rate probes made so far in one place (a page's estimating worker): an estimate uses
/// the per-rate median of the last [`RateHistory::KEEP`], so that one probe slowed by other
/// work on the device (the page itself loading, a tab in the background) moves it little.
/// One probe alone is its own median; the median of many steady probes is their typical
/// value, which is what [`RATE_FRACTION`] was calibrated on (one probe per estimate).
#[derive(Clone, Debug, Default)]
pub struct RateHistory {
    samples: Vec<Rates>,
}

impl RateHistory {
    /// Probes kept (the oldest is dropped beyond this).
    pub const KEEP: usize = 5;

    /// Add a probe's rates; returns the rates to estimate with.
    pub fn add(&mut self, r: Rates) -> Rates {
        if self.samples.len() == Self::KEEP {
            self.samples.remove(0);
        }
        self.samples.push(r);
        Rates {
            flops: median(self.samples.iter().map(|r| r.flops)),
            ridges: median(self.samples.iter().map(|r| r.ridges)),
            gpu: r.gpu,
        }
    }
}

/// The median of a non-empty list (the mean of the two middle values for an even count);
/// NaN for an empty one.
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => 0.5 * (v[n / 2 - 1] + v[n / 2]),
    }
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

impl Rates {
    /// Expected seconds of `cost` on this device:
    /// OVERHEAD · flops / flops/s + ridges / ridges/s + GPU seconds.
    pub fn seconds(&self, cost: Cost) -> f64 {
        OVERHEAD * cost.flops / self.flops + cost.ridges / self.ridges + cost.gpu_s
    }
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
            Cost {
                flops: train.flops + test,
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
    for &(m, width) in &plan.groups {
        let fwd = forward_flops(&arch(c, width));
        for _ in 0..plan.seeds {
            if let Some(m) = m.filter(|_| plan.pretrain) {
                let chunk = pretrain_chunk(c, m).min(plan.seeds);
                add(pretrain_cost(plan, m, fwd, gpu.map(|g| (g, chunk))));
            }
            for &n in &plan.n {
                for &method in &plan.methods {
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

/// The fraction of the probe's training rate that a sweep's training reaches (other
/// shapes, fine-tuning bookkeeping): calibrated with `caulk bench` (native estimate/wall
/// 1.07-1.21 as before the probe changed) and checked with www/bench/presets.mjs.
pub const RATE_FRACTION: f64 = 0.63;

/// The training rate assumed when the probe cannot run (a slow phone's wasm does ~10⁹).
const FALLBACK_FLOPS: f64 = 1e9;

/// Measure this device's [`Rates`] in about 200 ms of `clock` (seconds, monotonic: `Instant`
/// natively, `Date.now()` in the browser): training steps of the default backbone on 128
/// rows through the CPU backend's f32 kernels (forward, loss and backward: the code that
/// pre-trains and fine-tunes) repeated for 20 ms (times [`RATE_FRACTION`]), and a d = 3
/// ridge extractor evaluated for 10 ms, each after a warm-up. A training-shaped probe
/// follows the training code wherever it runs: a 128³ product overestimated training time
/// in wasm by 2.3×, and the host f64 step, once pre-training left it, by up to 3.2×.
pub fn device_rates(clock: &dyn Fn() -> f64) -> Rates {
    use crate::backend::{cpu::CpuBackend, Backend};
    use crate::data::extractor::{Extractor, RidgeExtractor};
    use crate::train::batched::BatchedNet;
    // Repetitions of `work` per second over `window` seconds of `clock`, bounded so that a
    // clock that does not advance cannot hang it.
    let per_second = |window: f64, work: &mut dyn FnMut()| {
        let start = clock();
        let mut reps = 0u32;
        while clock() - start < window && reps < 100_000 {
            work();
            reps += 1;
        }
        reps as f64 / (clock() - start).max(1e-3)
    };
    let a = probe_arch();
    let mut rng = crate::rng::Rng::new(0, crate::rng::Stream::Test);
    let p = a.init(&mut rng);
    let rows = PRETRAIN_BATCH;
    let x: Vec<f32> = (0..rows * a.d).map(|_| rng.uniform() as f32).collect();
    let y: Vec<f32> = (0..rows).map(|_| rng.uniform() as f32).collect();
    // The sweep's training code: the CPU backend's f32 kernels, one network.
    let cpu = CpuBackend;
    let mut probe = BatchedNet::new(&cpu, &a, &[p], &|_| true)
        .and_then(|net| Ok((net, cpu.upload(&y)?, cpu.upload(&[rows as f32])?)));
    // The probe's fixed network cannot fail on the CPU; were it to, a step that does nothing
    // would time as absurdly fast, so a failure falls back to `FALLBACK_FLOPS`.
    let failed = std::cell::Cell::new(probe.is_err());
    let mut step = || {
        if let Ok((net, y, counts)) = &mut probe {
            let done = cpu.upload(&x).and_then(|x| {
                let f = net.forward(x, rows)?;
                let (dout, _) = net.loss(&f, y, counts)?;
                net.backward(&f, &dout)
            });
            failed.set(failed.get() || done.is_err());
        }
    };
    let ext = RidgeExtractor::new(
        3,
        1,
        1.0,
        &mut crate::rng::Rng::new(0, crate::rng::Stream::Test),
    );
    let mut out = [0.0];
    let mut row = || ext.eval(&[0.3, 0.6, 0.9], &mut out);
    // Warm up first: a browser runs fresh wasm in a baseline tier and optimises hot code
    // later, and a sweep runs long enough to be optimised.
    per_second(0.1, &mut step);
    per_second(0.05, &mut row);
    // Forward and backward: 3 × (2 FLOP per multiply-add) per row.
    let flops = RATE_FRACTION * 6.0 * macs(&a) * rows as f64 * per_second(0.02, &mut step);
    let flops = match failed.get() {
        true => FALLBACK_FLOPS,
        false => flops,
    };
    let ridges = ridges_per_row(3) * per_second(0.01, &mut row);
    Rates {
        flops,
        ridges,
        gpu: None,
    }
}

/// Measure a GPU's [`GpuRates`] (`backend` should run the fused program): two networks, the
/// probe's (as in [`device_rates`], width 32) and one of width 128 (14× the FLOP per step),
/// trained through `train_batched` after a warm-up (pipelines, first dispatches): 1 and 4
/// models, 4 and 16 steps of 64 rows each. The 12 steps between the two step counts give a
/// step's time at each K and w, the rest the call's; the warm-up's time is the setup. About
/// 2 s on a software adapter, tens of ms on a hardware GPU.
pub async fn gpu_rates<B: crate::backend::Backend>(
    backend: &B,
    clock: &dyn Fn() -> f64,
) -> crate::Result<GpuRates> {
    use crate::train::batched::train_batched;
    use crate::train::schedule::ModelData;
    use crate::train::{Cancel, TrainOpts};
    let nets = [32, 128].map(|width| Arch {
        width,
        ..probe_arch()
    });
    let d = nets[0].d;
    let mut rng = crate::rng::Rng::new(0, crate::rng::Stream::Test);
    let (rows, val) = (256, 64);
    let x: Vec<f64> = (0..rows * d).map(|_| rng.uniform()).collect();
    let y: Vec<f64> = (0..rows).map(|_| rng.uniform()).collect();
    let cancel = Cancel::new();
    // Seconds of one call: k models of network `a`, `steps` steps.
    let time = |a: &Arch, k: usize, steps: usize| {
        let (x, y, cancel) = (&x, &y, &cancel);
        let mut rng = crate::rng::Rng::new(1, crate::rng::Stream::Test);
        let mut params = vec![a.init(&mut rng); k];
        let a = a.clone();
        async move {
            let data: Vec<ModelData> = (0..k)
                .map(|i| ModelData {
                    x,
                    y,
                    val: Some((&x[..val * d], &y[..val])),
                    seed: i as u64,
                })
                .collect();
            let opts = TrainOpts {
                steps,
                batch: FINETUNE_BATCH,
                eval_every: steps,
                ..TrainOpts::default()
            };
            let start = clock();
            train_batched(backend, &a, &mut params, &|_| true, &data, &opts, cancel).await?;
            Ok::<f64, crate::Error>(clock() - start)
        }
    };
    const K: usize = 4;
    let setup = time(&nets[0], 1, 4).await?;
    // (call, step) of each network at K = 1 and K = 4.
    let mut fits = [[(0.0, 0.0); 2]; 2];
    for (i, a) in nets.iter().enumerate() {
        for (j, k) in [1, K].into_iter().enumerate() {
            let short = time(a, k, 4).await?;
            let long = time(a, k, 16).await?;
            let step = ((long - short) / 12.0).max(0.0);
            fits[i][j] = ((short - 4.0 * step).max(0.0), step);
        }
    }
    // Per K: the K = 4 value less the K = 1 value, over 3.
    let per_k = |one: f64, four: f64| ((four - one) / (K - 1) as f64).max(0.0);
    let c1 = per_k(fits[0][0].0, fits[0][1].0);
    let call = [(fits[0][0].0 - c1).max(0.0), c1];
    // A step at each w: A(w) + K · B(w); then affine in w through the two networks.
    let b: Vec<f64> = fits.iter().map(|f| per_k(f[0].1, f[1].1)).collect();
    let a: Vec<f64> = fits
        .iter()
        .zip(&b)
        .map(|(f, b)| (f[0].1 - b).max(0.0))
        .collect();
    let w: Vec<f64> = nets
        .iter()
        .map(|n| 3.0 * forward_flops(n) * FINETUNE_BATCH as f64)
        .collect();
    let affine = |v: &[f64]| {
        let slope = ((v[1] - v[0]) / (w[1] - w[0])).max(0.0);
        [(v[0] - slope * w[0]).max(0.0), slope]
    };
    Ok(GpuRates {
        call,
        fixed: affine(&a),
        per_model: affine(&b),
        setup,
    })
}

/// The network the probes train: the default backbone (d = 3, width 32, depth 2).
fn probe_arch() -> Arch {
    Arch {
        d: 3,
        width: 32,
        depth: 2,
        k: 1,
        head_width: HEAD_WIDTH,
        adapter_width: 0,
        lora_rank: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates(flops: f64, ridges: f64) -> Rates {
        Rates {
            flops,
            ridges,
            gpu: None,
        }
    }

    #[test]
    fn wall_time_is_set_by_the_worker_with_the_most_seeds() {
        let plan = plan(&Config::for_preset(Preset::Limit)).unwrap();
        let mut est = estimate(&plan, &Config::for_preset(Preset::Limit), rates(1e9, 1e8));
        est.shards = 5;
        est.seconds = 10.0;
        assert_eq!(est.wall_seconds(1), 10.0);
        // 5 seeds on 2 workers: 3 and 2; on 4: 2, 1, 1, 1; 8 workers no faster than 5.
        assert_eq!(est.wall_seconds(2), 6.0);
        assert_eq!(est.wall_seconds(4), 4.0);
        assert_eq!(est.wall_seconds(8), 2.0);
        assert_eq!(est.wall_seconds(0), 10.0);
    }

    #[test]
    fn a_gpu_call_is_shared_by_the_models_it_trains() {
        let g = GpuRates {
            call: [0.5, 0.1],
            fixed: [1e-3, 1e-9],
            per_model: [2e-4, 1e-10],
            setup: 2.0,
        };
        assert!(g.valid());
        // k = 4 models, 100 steps of w = 10⁶ FLOP: call 0.5 + 0.4, a step 2e-3 + 4 · 3e-4.
        let want = (0.9 + 100.0 * (2e-3 + 4.0 * 3e-4)) / 4.0;
        assert!((g.share(4, 100, 1e6) - want).abs() < 1e-12);
        let bad = GpuRates {
            per_model: [f64::NAN, 0.0],
            ..g
        };
        assert!(!bad.valid());
    }

    /// On a GPU whose step costs 1 s whatever the models and their size, a `scratch` sweep
    /// costs one step count per point n (all seeds of a point train in one call), on top of
    /// its CPU work and the GPU's setup (once): the seeds do not multiply it.
    #[test]
    fn on_a_gpu_the_seeds_of_a_point_pay_for_its_steps_once() {
        let c = crate::config::parse_fragment("v=1&preset=scratch&seeds=5&n=64,128,256&steps=40")
            .config;
        let p = plan(&c).unwrap();
        let cpu = rates(1e9, 1e8);
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

    #[test]
    fn the_rate_history_takes_the_median_of_its_last_probes() {
        let mut h = RateHistory::default();
        // One probe is its own median.
        assert_eq!(h.add(rates(10.0, 1.0)), rates(10.0, 1.0));
        // Two: their mean.
        assert_eq!(h.add(rates(2.0, 3.0)), rates(6.0, 2.0));
        // A probe slowed fivefold (the page loading) moves three probes' median to the
        // middle one, not a third of the way down: each rate separately.
        assert_eq!(h.add(rates(11.0, 0.2)), rates(10.0, 1.0));
        h.add(rates(12.0, 1.1));
        assert_eq!(h.add(rates(9.0, 0.9)), rates(10.0, 1.0));
        // Beyond KEEP the oldest go: 10 and 2 leave, the median of 11, 12, 9, 13, 14 is 12.
        h.add(rates(13.0, 1.2));
        assert_eq!(h.add(rates(14.0, 1.3)).flops, 12.0);
    }
}
