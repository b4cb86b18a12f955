//! The downstream methods of docs/science.md §4 on one target sample, and pre-training.
//!
//! | method | trainable | fitted by |
//! |---|---|---|
//! | `caulk-adapter` | adapter V, c, U between extractor and head (hat units, knots at the feature's quantiles) | Adam, best validation weights |
//! | `caulk-spline` | a 1-D spline in z = φ̂(x) (k = 1) | closed form, knots by exact LOO |
//! | `caulk-select` | the spline on z, or k-NN on z and the last hidden layer's components | closed form, the class by exact LOO ([`super::ladder`]) |
//! | `lora` | A, B of every extractor layer | Adam |
//! | `partial` | the last L extractor layers and the head | Adam |
//! | `linear-probe` | the head's output layer | ridge on the head's hidden features, λ by exact leave-one-out (weighted) |
//! | `full` | every base parameter, from the pre-trained ones | Adam |
//! | `scratch` | every base parameter, from a random initialisation starting at the constant ȳ | Adam |
//!
//! Gradient methods hold out a fifth of the target sample (at least one point) to pick the
//! step whose weights they keep (checked every [`crate::experiment::sweep::plan::FINETUNE_EVAL_EVERY`]
//! steps in sweeps); closed forms use all of it. `lora` and `full` step at
//! [`REWRITE_LR_SCALE`]·η ([`train_opts`]). With [`TrainOpts::jitter`] > 0
//! the starting weights of pre-training and of every gradient fit are perturbed
//! ([`jitter_start`]), each from its seed's own stream.

use serde::Serialize;

use super::ladder::fit_select;
use super::{jitter_start, mse, train, Cancel, TrainOpts, TrainReport};
use crate::closed_form::{KnotRule, Spline};
use crate::config::{ConfigError, Method};
use crate::data::{excess_risk, Sample};
use crate::error::{Error, Result};
use crate::model::{Arch, Role};
use crate::rng::{Rng, Stream};

pub use super::pretrained::Pretrained;

/// Whether `method` scores through the pre-trained extractor unchanged (it trains no
/// extractor or LoRA weight and starts from the backbone's), so that its test predictions
/// can start from the backbone's kept test features (the registry says, `config::methods`;
/// a test checks it against [`trains`]).
pub fn keeps_extractor(method: Method) -> bool {
    crate::config::methods::spec(method).keeps_extractor
}

/// Predictions of the fitted network `(arch2, params)` of `method` on the test inputs, from
/// the backbone's kept test features where the method keeps the extractor.
fn test_predictions(
    method: Method,
    pre: &Pretrained,
    arch2: &Arch,
    params: &[f64],
    test: &Sample,
) -> Vec<f64> {
    match keeps_extractor(method) {
        true => {
            arch2
                .head_pass(params, &pre.test_features(&test.x), test.len())
                .out
        }
        false => arch2.predict(params, &test.x),
    }
}

/// Per-method settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MethodOpts {
    /// Adapter bottleneck width.
    pub adapter_width: usize,
    /// LoRA rank.
    pub rank: usize,
    /// Extractor layers fitted by `partial`.
    pub layers: usize,
    /// Gradient training.
    pub train: TrainOpts,
}

/// The outcome of one method on one target sample.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fit {
    /// The method.
    pub method: Method,
    /// Parameters it fitted.
    pub trainable: usize,
    /// Excess risk E(f̂ − f°)² on the test set.
    pub risk: f64,
    /// Gradient training's report (None for closed forms).
    pub report: Option<TrainReport>,
    /// The caulk class chosen, as features read (`caulk-select` only; train::ladder).
    pub class: Option<f64>,
}

/// Pre-train extractor and head on the source sample `(x, y)` (training all parameters), on
/// the host in f64: the reference for [`pretrain_batched`], which sweeps use.
pub fn pretrain(
    arch: &Arch,
    source: &Sample,
    opts: &TrainOpts,
    seed: u64,
    cancel: &Cancel,
) -> Result<Pretrained> {
    arch.validate()?;
    let mut params = backbone_start(arch, seed, opts);
    let mask = vec![true; params.len()];
    let (tx, ty, val) = split(source, arch.d);
    let report = train(
        arch,
        &mut params,
        &mask,
        tx,
        ty,
        val,
        opts,
        &mut Rng::with_index(seed, Stream::Batch, 0),
        cancel,
    )?;
    Ok(Pretrained::new(arch.clone(), params, report))
}

/// [`pretrain`] for K backbones at once through `backend` (the CPU kernels, or the GPU's
/// fused kernel): each seed's own initialisation, source sample and validation split, all
/// parameters trained in f32. One result per seed, in order.
pub async fn pretrain_batched<B: crate::backend::Backend>(
    backend: &B,
    arch: &Arch,
    sources: &[Sample],
    opts: &TrainOpts,
    seeds: &[u64],
    cancel: &Cancel,
) -> Result<Vec<Pretrained>> {
    use super::batched::{train_batched, ModelData};
    arch.validate()?;
    if sources.len() != seeds.len() || sources.iter().any(|s| s.is_empty()) {
        return Err(Error::Shape(format!(
            "pretrain_batched: {} seeds need as many non-empty source samples",
            seeds.len()
        )));
    }
    let mut params: Vec<Vec<f64>> = seeds
        .iter()
        .map(|s| backbone_start(arch, *s, opts))
        .collect();
    let data: Vec<ModelData> = sources
        .iter()
        .zip(seeds)
        .map(|(src, seed)| {
            let (x, y, val) = split(src, arch.d);
            ModelData {
                x,
                y,
                val,
                seed: *seed,
            }
        })
        .collect();
    let reports = train_batched(backend, arch, &mut params, &|_| true, &data, opts, cancel).await?;
    Ok(params
        .into_iter()
        .zip(reports)
        .map(|(params, report)| Pretrained::new(arch.clone(), params, report))
        .collect())
}

/// The first four fifths for training, the rest (≥ 1 point) for validation, when n ≥ 5.
#[allow(clippy::type_complexity)]
fn split(s: &Sample, d: usize) -> (&[f64], &[f64], Option<(&[f64], &[f64])>) {
    let n = s.len();
    if n < 5 {
        return (&s.x, &s.y, None);
    }
    let cut = n - (n / 5).max(1);
    (
        &s.x[..cut * d],
        &s.y[..cut],
        Some((&s.x[cut * d..], &s.y[cut..])),
    )
}

/// Which parameters `method` trains in `arch`.
pub fn trainable_mask(arch: &Arch, method: Method, layers: usize) -> Vec<bool> {
    let mut mask = vec![false; arch.param_count()];
    for s in arch.segments() {
        if trains(arch, method, layers, s.role) {
            mask[s.range()].iter_mut().for_each(|m| *m = true);
        }
    }
    mask
}

/// Whether `method` trains the segment with `role` of `arch` (`layers`: for `partial`).
pub fn trains(arch: &Arch, method: Method, layers: usize, role: Role) -> bool {
    let base = matches!(
        role,
        Role::ExtractorWeight(_) | Role::ExtractorBias(_) | Role::HeadWeight(_) | Role::HeadBias(_)
    );
    match method {
        Method::CaulkAdapter => matches!(role, Role::AdapterV | Role::AdapterC | Role::AdapterU),
        Method::Lora => matches!(role, Role::LoraA(_) | Role::LoraB(_)),
        Method::Bitfit => matches!(role, Role::ExtractorBias(_) | Role::HeadBias(_)),
        Method::Partial => match role {
            Role::ExtractorWeight(l) | Role::ExtractorBias(l) => l + layers > arch.depth,
            Role::HeadWeight(_) | Role::HeadBias(_) => true,
            _ => false,
        },
        Method::Full | Method::Scratch => base,
        // Closed forms train no network parameter.
        Method::CaulkSpline | Method::CaulkSelect | Method::LinearProbe => false,
    }
}

/// Fit `method` on the target sample and score it on `test`. `pre` is the pre-trained network
/// (ignored by `scratch`, which only borrows its architecture). `seed` picks the init and
/// batch streams of this run; `cancel` stops gradient training between steps.
pub fn fit(
    method: Method,
    pre: &Pretrained,
    target: &Sample,
    test: &Sample,
    opts: &MethodOpts,
    seed: u64,
    cancel: &Cancel,
) -> Result<Fit> {
    let arch = &pre.arch;
    if target.is_empty() {
        return Err(Error::Config(ConfigError::new(
            "n",
            "the target sample is empty",
        )));
    }
    if method == Method::Partial && (opts.layers == 0 || opts.layers > arch.depth) {
        return Err(Error::Config(ConfigError::new(
            "layers",
            format!(
                "{} is out of range [1, depth = {}]",
                opts.layers, arch.depth
            ),
        )));
    }
    match method {
        Method::CaulkSpline => {
            if arch.k != 1 {
                return Err(Error::Config(ConfigError::new(
                    "k",
                    "caulk-spline needs k = 1 (a 1-D feature)",
                )));
            }
            let z = arch.forward(&pre.params, &target.x).z;
            let spline = Spline::fit(&z, &target.y, KnotRule::LeaveOneOut)?;
            let zt = pre.test_features(&test.x);
            let pred: Vec<f64> = zt.iter().map(|&v| spline.eval(v)).collect();
            Ok(Fit {
                method,
                trainable: spline.params(),
                risk: excess_risk(&pred, &test.f),
                report: None,
                class: None,
            })
        }
        Method::CaulkSelect => {
            if arch.k != 1 {
                return Err(Error::Config(ConfigError::new(
                    "k",
                    "caulk-select needs k = 1 (its first class is the spline on z)",
                )));
            }
            let select = fit_select(pre, &target.x, &target.y, &test.x)?;
            Ok(Fit {
                method,
                // A k-NN class keeps all n labels; the spline its K + 1 values.
                trainable: match select.class > 1.0 {
                    true => target.len(),
                    false => select.spline_params,
                },
                risk: excess_risk(&select.pred, &test.f),
                report: None,
                class: Some(select.class),
            })
        }
        Method::LinearProbe => linear_probe(pre, target, test),
        // Every gradient method, named so that a new method must choose its arm.
        Method::CaulkAdapter
        | Method::Lora
        | Method::Bitfit
        | Method::Partial
        | Method::Full
        | Method::Scratch => {
            let (arch2, mut params) = start(method, pre, target, opts, seed)?;
            let mask = trainable_mask(&arch2, method, opts.layers);
            let (tx, ty, val) = split(target, arch.d);
            let report = train(
                &arch2,
                &mut params,
                &mask,
                tx,
                ty,
                val,
                &train_opts(method, &opts.train),
                &mut Rng::with_index(seed, Stream::Batch, 1),
                cancel,
            )?;
            let pred = test_predictions(method, pre, &arch2, &params, test);
            Ok(Fit {
                method,
                trainable: mask.iter().filter(|m| **m).count(),
                risk: excess_risk(&pred, &test.f),
                report: Some(report),
                class: None,
            })
        }
    }
}

/// The learning rate of `lora` and `full` as a share of the sweep's η.
///
/// Both rewrite the pre-trained extractor from the first step: LoRA adds ΔW = B·A to every
/// layer (B = 0, A at the He scale √(2/fan-in), 0.8 on the first layer for d = 3), `full`
/// moves every weight; and Adam moves each trainable entry by about η per step whatever its
/// gradient. At η = 0.01 and small n (where a mini-batch is the whole training split) LoRA's
/// validation loss swung by up to 60 % between checks ten steps apart: the trajectory was
/// chaotic, and a perturbation at f32 rounding moved single fits' risks by 20-200 % (LoRA)
/// and 90-110 % (`full`). At 0.3·η the loss descends and the same perturbation moves single
/// fits by ≤ 2 % (LoRA) and ≤ 8 % (`full`) (`peft` links, m = 3000 and 30000, n = 64 …
/// 1024); LoRA's mean risk falls at n = 64 and rises by ≤ 7 % at n = 1024. The adapter and
/// `partial` were steady at η (they start at the pre-trained function with few weights, or
/// with U = 0) and keep it; so does `scratch`, which has no pre-trained weights to keep.
pub const REWRITE_LR_SCALE: f64 = 0.3;

/// The training settings `method` runs with: the sweep's, with the step of `lora` and `full`
/// scaled by [`REWRITE_LR_SCALE`].
pub fn train_opts(method: Method, train: &TrainOpts) -> TrainOpts {
    match crate::config::methods::spec(method).rewrites {
        true => TrainOpts {
            lr: train.lr * REWRITE_LR_SCALE,
            ..*train
        },
        false => *train,
    }
}

/// A backbone's starting parameters for pre-training: seed `seed`'s initialisation, jittered
/// as `opts` says.
fn backbone_start(arch: &Arch, seed: u64, opts: &TrainOpts) -> Vec<f64> {
    let mut params = arch.init(&mut Rng::with_index(seed, Stream::Init, 0));
    jitter_start(&mut params, opts.jitter, seed, 0);
    params
}

/// The network a gradient method trains and its starting parameters: the pre-trained ones,
/// extended by an adapter or LoRA, or a fresh initialisation for `scratch` (seed `seed`'s
/// stream), jittered as `opts.train` says.
fn start(
    method: Method,
    pre: &Pretrained,
    target: &Sample,
    opts: &MethodOpts,
    seed: u64,
) -> Result<(Arch, Vec<f64>)> {
    let arch = &pre.arch;
    let init = &mut Rng::with_index(seed, Stream::Init, 1);
    let (arch2, mut params) = match method {
        Method::CaulkAdapter => {
            let r = opts.adapter_width.max(1);
            let (a2, mut p) = arch.extend(&pre.params, r, 0, init);
            // Knots at quantiles of the feature on the training part (model::adapter_knots):
            // every hat starts on the data, and neighbouring hats overlap.
            let (tx, _, _) = split(target, arch.d);
            let z = arch.forward(&pre.params, tx).z;
            let (v, c) = crate::model::adapter_knots(&z, arch.k, r);
            for (role, values) in [(Role::AdapterV, v), (Role::AdapterC, c)] {
                if let Some(seg) = a2.segment(role) {
                    p[seg.range()].copy_from_slice(&values);
                }
            }
            (a2, p)
        }
        Method::Lora => arch.extend(&pre.params, 0, opts.rank.max(1), init),
        Method::Scratch => (arch.clone(), scratch_init(arch, init, &target.y)),
        // The pre-trained network as it is (closed forms never start a network).
        Method::Partial
        | Method::Bitfit
        | Method::Full
        | Method::CaulkSpline
        | Method::CaulkSelect
        | Method::LinearProbe => (arch.clone(), pre.params.clone()),
    };
    arch2.validate()?;
    jitter_start(&mut params, opts.train.jitter, seed, 1);
    Ok((arch2, params))
}

/// K seeds' downstream data for a batched fit: seed i's target sample, its test sample and
/// its seed, in order.
#[derive(Clone, Copy)]
pub struct SeedBatch<'a> {
    pub targets: &'a [Sample],
    pub tests: &'a [&'a Sample],
    pub seeds: &'a [u64],
}

/// [`fit`] for a gradient method on K seeds at once, through `backend` (K networks trained
/// together by [`super::batched::train_batched`]); one result per seed, in order.
pub async fn fit_batched<B: crate::backend::Backend>(
    backend: &B,
    method: Method,
    pres: &[&Pretrained],
    batch: SeedBatch<'_>,
    opts: &MethodOpts,
    cancel: &Cancel,
) -> Result<Vec<Fit>> {
    use super::batched::{train_batched, ModelData};
    let SeedBatch {
        targets,
        tests,
        seeds,
    } = batch;
    if !method.is_gradient() {
        return Err(Error::Config(ConfigError::new(
            "methods",
            "closed-form methods are not trained in batches",
        )));
    }
    let k = pres.len();
    if k == 0 || targets.len() != k || tests.len() != k || seeds.len() != k {
        return Err(Error::Shape(format!(
            "fit_batched: {k} backbones need as many targets, tests and seeds"
        )));
    }
    let mut arch2 = None;
    let mut params = Vec::with_capacity(k);
    for i in 0..k {
        if targets[i].is_empty() {
            return Err(Error::Config(ConfigError::new(
                "n",
                "the target sample is empty",
            )));
        }
        let (a, p) = start(method, pres[i], &targets[i], opts, seeds[i])?;
        arch2 = Some(a);
        params.push(p);
    }
    let arch2 = arch2.ok_or_else(|| Error::Shape("no models".into()))?;
    if method == Method::Partial && (opts.layers == 0 || opts.layers > arch2.depth) {
        return Err(Error::Config(ConfigError::new(
            "layers",
            format!(
                "{} is out of range [1, depth = {}]",
                opts.layers, arch2.depth
            ),
        )));
    }
    let data: Vec<ModelData> = targets
        .iter()
        .zip(seeds)
        .map(|(t, seed)| {
            let (x, y, val) = split(t, arch2.d);
            ModelData {
                x,
                y,
                val,
                seed: *seed,
            }
        })
        .collect();
    let trainable = |role: Role| trains(&arch2, method, opts.layers, role);
    let reports = train_batched(
        backend,
        &arch2,
        &mut params,
        &trainable,
        &data,
        &train_opts(method, &opts.train),
        cancel,
    )
    .await?;
    let count = trainable_mask(&arch2, method, opts.layers)
        .iter()
        .filter(|m| **m)
        .count();
    Ok(reports
        .into_iter()
        .zip(params.iter().zip(tests).zip(pres))
        .map(|(report, ((p, test), pre))| Fit {
            method,
            trainable: count,
            risk: excess_risk(&test_predictions(method, pre, &arch2, p, test), &test.f),
            report: Some(report),
            class: None,
        })
        .collect())
}

/// A random initialisation that starts at the best constant: the output layer's weights 0 and
/// its bias the mean label, so early stopping can never do worse than the constant predictor
/// on the validation split (from a plain random start, small n ends far above it).
pub fn scratch_init(arch: &Arch, rng: &mut Rng, y: &[f64]) -> Vec<f64> {
    let mut p = arch.init(rng);
    if let (Some(w), Some(b)) = (
        arch.segment(Role::HeadWeight(1)),
        arch.segment(Role::HeadBias(1)),
    ) {
        p[w.range()].iter_mut().for_each(|v| *v = 0.0);
        p[b.offset] = y.iter().sum::<f64>() / y.len().max(1) as f64;
    }
    p
}

/// Ridge on the head's hidden features, λ by exact leave-one-out over 10^-4 … 10^2
/// (`closed_form::ridge::fit_validated`), fitted on the whole sample.
fn linear_probe(pre: &Pretrained, target: &Sample, test: &Sample) -> Result<Fit> {
    let arch = &pre.arch;
    let wh = arch.head_width;
    let feats = arch.forward(&pre.params, &target.x).head.head_hidden;
    let (fit, _) = crate::closed_form::ridge::fit_validated(&feats, &target.y, wh)?;
    let test_feats = arch
        .head_pass(&pre.params, &pre.test_features(&test.x), test.len())
        .head_hidden;
    let pred: Vec<f64> = (0..test.len())
        .map(|i| fit.predict(&test_feats[i * wh..(i + 1) * wh]))
        .collect();
    Ok(Fit {
        method: Method::LinearProbe,
        trainable: wh + 1,
        risk: excess_risk(&pred, &test.f),
        report: None,
        class: None,
    })
}

/// The mean squared error of the pre-trained network on a sample (e.g. a source test set).
pub fn pretrained_mse(pre: &Pretrained, sample: &Sample) -> f64 {
    mse(&pre.arch, &pre.params, &sample.x, &sample.f)
}
