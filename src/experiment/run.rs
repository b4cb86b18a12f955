//! The sweep: for each group (m, width) pre-train one backbone per seed (in f32 through the
//! sweep's backend, all seeds at once on a GPU), then for each n, seed and method fit and
//! score; summarise each (method, m, width) curve.
//!
//! Seeds: seed i of a sweep uses the task, initialisation and batch streams of
//! `run_seed(config.seed, i)`, so a point's numbers do not depend on which other points run.
//! A failed or diverged run is left out of its point's mean and listed in the curve's notes;
//! a cancelled sweep returns every point that had finished.

use serde::Serialize;

use super::plan::{
    arch, estimate, human_bytes, plan, pretrain_chunk, pretrain_steps, Estimate, Plan, Rates,
    MEMORY_LIMIT, PRETRAIN_BATCH, PRETRAIN_LR,
};
use super::stats::{n_eps_from_data, summarise};
use super::{Cancel, FinishedPoint, Progress};
use crate::backend::cpu::CpuBackend;
use crate::backend::Backend;
use crate::closed_form::{KnotRule, Spline};
use crate::config::{Config, Method, Preset};
use crate::data::{excess_risk, Sample, Task};
use crate::error::{Error, Result};
use crate::rng::{Rng, Stream};
use crate::theory::calibrate_scale;
use crate::train::methods::{fit, fit_batched, pretrain_batched, MethodOpts, Pretrained};
use crate::train::TrainOpts;

/// One curve of the contract (`caulk run --json`), plus its diagnostics.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct CurveResult {
    /// Legend text.
    pub label: String,
    /// Method id.
    pub method: Method,
    /// Source size (null without pre-training).
    pub m: Option<u64>,
    /// Backbone width.
    pub width: usize,
    /// Target sizes.
    pub n: Vec<u64>,
    /// Mean excess risk over the finished seeds (null where none finished).
    pub risk_mean: Vec<Option<f64>>,
    /// 95 % bootstrap interval of the mean, lower end.
    pub risk_lo: Vec<Option<f64>>,
    /// Upper end.
    pub risk_hi: Vec<Option<f64>>,
    /// Seeds that finished at each n.
    pub seeds_done: Vec<usize>,
    /// Fitted log-log slope over the n-window.
    pub slope: Option<f64>,
    /// 95 % bootstrap interval of the slope, lower end.
    pub slope_lo: Option<f64>,
    /// Upper end.
    pub slope_hi: Option<f64>,
    /// The theory's slope for this curve.
    pub predicted_slope: Option<f64>,
    /// Slopes between neighbouring n.
    pub local_slopes: Vec<Option<f64>>,
    /// n_ε read off the data (ε from the config).
    pub n_eps: Option<f64>,
    /// The caulking bound's constant C calibrated to this curve (exponent fixed).
    pub calibrated_c: Option<f64>,
    /// Trainable parameters of the method (at the largest n).
    pub trainable: Option<usize>,
    /// Reasons not to trust the slope.
    pub flags: Vec<String>,
    /// Diverged or failed runs, one line each.
    pub notes: Vec<String>,
    /// Each finished seed's excess risk at each n, in seed order: the raw data behind the
    /// means and intervals (and what merging shards of seeds needs).
    #[serde(default)]
    pub risks: Vec<Vec<f64>>,
}

/// The result of a sweep: the contract of `caulk run --json`.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Results {
    /// The config that ran.
    pub config: Config,
    /// The compute device.
    pub backend: String,
    /// One curve per (method, m, width).
    pub curves: Vec<CurveResult>,
    /// Mean risk of the best constant predictor (the variance of f° on the test set): a
    /// reference line no method should sit above.
    pub constant_risk: Option<f64>,
    /// That risk for each seed, in seed order (its mean is `constant_risk`).
    #[serde(default)]
    pub constant_risks: Vec<f64>,
    /// The theory's prediction for this preset.
    pub prediction: String,
    /// The cost estimate made before the sweep.
    pub estimate: Estimate,
    /// Wall time.
    pub elapsed_ms: f64,
    /// Whether the sweep was cancelled (the curves hold what had finished).
    pub cancelled: bool,
    /// What happened when the GPU failed mid-sweep and the CPU took over (null otherwise).
    #[serde(default)]
    pub device_lost: Option<String>,
}

impl Results {
    /// One CSV row per (curve, n): label, method, m, width, n, risk_mean, risk_lo, risk_hi,
    /// seeds_done, slope, slope_lo, slope_hi, predicted_slope (empty cells for nulls).
    pub fn to_csv(&self) -> String {
        let results = self;
        let num = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
        let mut out = String::from(
        "label,method,m,width,n,risk_mean,risk_lo,risk_hi,seeds_done,slope,slope_lo,slope_hi,predicted_slope\n",
    );
        for c in &results.curves {
            let method = serde_json::to_value(c.method)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            for (j, n) in c.n.iter().enumerate() {
                out.push_str(&format!(
                    "\"{}\",{},{},{},{},{},{},{},{},{},{},{},{}\n",
                    c.label.replace('"', "'"),
                    method,
                    c.m.map_or(String::new(), |m| m.to_string()),
                    c.width,
                    n,
                    num(c.risk_mean[j]),
                    num(c.risk_lo[j]),
                    num(c.risk_hi[j]),
                    c.seeds_done[j],
                    num(c.slope),
                    num(c.slope_lo),
                    num(c.slope_hi),
                    num(c.predicted_slope),
                ));
            }
        }
        out
    }
}

/// The seed of sweep seed `i`.
pub fn run_seed(seed: u64, i: usize) -> u64 {
    Rng::with_index(seed, Stream::Init, 10_000 + i as u64).next_u64() >> 11
}

fn method_name(m: Method) -> String {
    serde_json::to_value(m)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Raw outcomes of one curve: per n, the finished seeds' risks.
struct Acc {
    method: Method,
    m: Option<u64>,
    width: usize,
    risks: Vec<Vec<f64>>,
    trainable: Option<usize>,
    notes: Vec<String>,
}

/// One seed's data, shared by every group of the sweep.
struct SeedData {
    i: usize,
    seed: u64,
    task: Task,
    test: Sample,
    pool: Sample,
}

/// What a fit gave: risk, trainable parameters, the training report of gradient methods.
type Outcome = (f64, usize, Option<crate::train::TrainReport>);

/// Gradient methods train K seeds at once on the backend; the others are closed forms.
fn is_gradient(m: Method) -> bool {
    !matches!(m, Method::CaulkSpline | Method::LinearProbe)
}

/// Run the sweep of `c`: pre-training and gradient fine-tuning in f32 on `backend` (the CPU
/// kernels or the GPU; fine-tuning all seeds at once), closed forms on the host in f64.
/// `rates` are the device's rates for the estimate, `clock` gives seconds (monotonic),
/// `on_progress` is called after every work unit, `cancel` is checked between units and
/// training steps. When the backend
/// fails with a GPU error (a lost device), the sweep goes on on the CPU from the point that
/// failed, calls `on_device` with a one-line explanation, and says so in the results.
pub async fn run_sweep<B: Backend>(
    c: &Config,
    backend: &B,
    rates: Rates,
    clock: &dyn Fn() -> f64,
    on_progress: &mut dyn FnMut(&Progress),
    on_device: &mut dyn FnMut(&str),
    cancel: &Cancel,
) -> Result<Results> {
    run_shard(
        c,
        Shard::WHOLE,
        backend,
        rates,
        clock,
        on_progress,
        on_device,
        &no_pause,
        cancel,
    )
    .await
}

/// Awaited between work units: the page's worker yields to its event loop there (so it can
/// hear Pause and Resume) and stays there while paused.
pub type Checkpoint<'a> = &'a dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

/// A checkpoint that never waits.
pub fn no_pause() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
    Box::pin(std::future::ready(()))
}

/// A part of a sweep that runs on its own (a worker of the page, a thread of the CLI): the
/// seeds [`shard_seeds`] gives to `index` of `count`, in every group and at every point.
/// Seeds are independent and cost the same, so shards are balanced, and each seed's data is
/// made once; [`merge`] puts the shards' per-seed risks back together, giving exactly the
/// whole sweep's results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 0 ≤ index < count.
    pub index: usize,
    /// Shards in all.
    pub count: usize,
}

impl Shard {
    /// The whole sweep.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };
}

/// The seeds (indices 0 … seeds − 1 of the sweep) of `shard`: a contiguous range, the
/// ranges of all shards in order covering every seed once.
pub fn shard_seeds(seeds: usize, shard: Shard) -> std::ops::Range<usize> {
    let count = shard.count.max(1);
    seeds * shard.index / count..seeds * (shard.index + 1) / count
}

/// [`run_sweep`] for the seeds of one shard, awaiting `checkpoint` after every unit.
#[allow(clippy::too_many_arguments)]
pub async fn run_shard<B: Backend>(
    c: &Config,
    shard: Shard,
    backend: &B,
    rates: Rates,
    clock: &dyn Fn() -> f64,
    on_progress: &mut dyn FnMut(&Progress),
    on_device: &mut dyn FnMut(&str),
    checkpoint: Checkpoint<'_>,
    cancel: &Cancel,
) -> Result<Results> {
    c.validate()?;
    if shard.count == 0 || shard.index >= shard.count {
        return Err(Error::Shape(format!("bad shard {shard:?}")));
    }
    let mut plan: Plan = plan(c)?;
    // Labels name the width when the sweep has several groups.
    let all_groups = plan.groups.len();
    let seeds = shard_seeds(plan.seeds, shard);
    // The estimate (units, memory) is of this shard's seeds.
    plan.seeds = seeds.len();
    let est = estimate(&plan, c, rates);
    if est.bytes > MEMORY_LIMIT {
        return Err(Error::Limit(format!(
            "the sweep needs about {} of memory, over the {} limit; lower width, depth, seeds, m or n",
            human_bytes(est.bytes),
            human_bytes(MEMORY_LIMIT)
        )));
    }
    let start = clock();
    let mut done = 0;
    let mut tick = |point: String, done: &mut usize, finished: Option<FinishedPoint>| {
        *done += 1;
        let elapsed = clock() - start;
        // Pace so far scales the model's estimate of the rest.
        let pace = if *done > 0 {
            elapsed / (*done as f64 / est.units as f64).max(1e-9)
        } else {
            est.seconds
        };
        on_progress(&Progress {
            done: *done,
            total: est.units,
            point,
            elapsed_s: elapsed,
            eta_s: (pace - elapsed).max(0.0),
            finished,
        });
    };
    let mut accs: Vec<Acc> = Vec::new();
    let mut constant = Vec::new();
    let max_n = *plan.n.last().unwrap_or(&1) as usize;
    let mo = MethodOpts {
        adapter_width: c.adapter_width as usize,
        rank: c.rank as usize,
        layers: c.layers as usize,
        train: plan.finetune,
    };
    // Each seed's task, test set and target pool, generated once: every group (m, width)
    // works on the same tasks, so only pre-training differs between groups.
    let mut data = Vec::new();
    for i in seeds {
        if cancel.is_cancelled() {
            break;
        }
        let seed = run_seed(c.seed, i);
        let task = Task::new(plan.task, seed);
        let test = task.test();
        let pool = task.target(max_n);
        // The best constant predictor's risk: the variance of f° on the test set.
        let mean = test.f.iter().sum::<f64>() / test.len() as f64;
        constant.push(test.f.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / test.len() as f64);
        tick(format!("data seed {i}"), &mut done, None);
        checkpoint().await;
        data.push(SeedData {
            i,
            seed,
            task,
            test,
            pool,
        });
    }
    let mut device = Fallback {
        lost: None,
        limited: false,
        on_device,
    };
    'groups: for &(m, width) in &plan.groups {
        let first = accs.len();
        for &method in &plan.methods {
            accs.push(Acc {
                method,
                m,
                width,
                risks: vec![Vec::new(); plan.n.len()],
                trainable: None,
                notes: Vec::new(),
            });
        }
        let a = arch(c, width);
        // Without pre-training (`scratch`), a placeholder backbone carries the architecture.
        let placeholder = Pretrained {
            arch: a.clone(),
            params: Vec::new(),
            report: empty_report(),
        };
        // Two phases: the methods that need no backbone (`scratch`, or every method where
        // nothing pre-trains) first, so that their points come without waiting for
        // pre-training; then pre-training and the methods that use the backbone. A method's
        // numbers do not depend on the order (each run has its own streams).
        let pretrains = m.is_some() && plan.pretrain;
        let needs_backbone = |method: Method| pretrains && method != Method::Scratch;
        for backbone in [false, true] {
            if backbone && !pretrains {
                break;
            }
            // The first phase is skipped when every method needs the backbone; the second
            // pre-trains even when none does (the estimate counts it).
            if !backbone && !plan.methods.iter().any(|&method| !needs_backbone(method)) {
                continue;
            }
            // Per seed: its data and, in the second phase, the pre-trained backbone.
            let mut seeds = Vec::new();
            match m.filter(|_| backbone) {
                None => seeds.extend(
                    data.iter()
                        .map(|sd| (sd.i, sd.seed, &sd.test, &sd.pool, None)),
                ),
                Some(m) => {
                    let opts = TrainOpts {
                        steps: pretrain_steps(m),
                        lr: PRETRAIN_LR,
                        batch: PRETRAIN_BATCH,
                        ..TrainOpts::default()
                    };
                    // Backbones pre-train in f32 through the sweep's backend, as fine-tuning
                    // does, so the CPU and the GPU run the same algorithm. A GPU takes many seeds
                    // at once (their source samples within SOURCE_CHUNK_BYTES); the CPU trains
                    // models one after another anyway, so there each seed is its own chunk and
                    // the page hears progress (and Pause) after each.
                    let chunk = match backend.has_fused() && device.lost.is_none() {
                        true => pretrain_chunk(c, m),
                        false => 1,
                    };
                    for part in data.chunks(chunk) {
                        if cancel.is_cancelled() {
                            break 'groups;
                        }
                        let sources: Vec<Sample> =
                            part.iter().map(|sd| sd.task.source(m as usize)).collect();
                        let ids: Vec<u64> = part.iter().map(|sd| sd.seed).collect();
                        let pres = device
                            .run(
                                &format!("while pre-training m={m}"),
                                pretrain_batched(backend, &a, &sources, &opts, &ids, cancel),
                                pretrain_batched(&CpuBackend, &a, &sources, &opts, &ids, cancel),
                            )
                            .await;
                        let mut pres = match pres {
                            Ok(list) => list.into_iter().map(Ok).collect::<Vec<_>>(),
                            Err(e) => part.iter().map(|_| Err(e.to_string())).collect(),
                        };
                        for (sd, pre) in part.iter().zip(pres.drain(..)) {
                            let i = sd.i;
                            tick(
                                format!("pre-training m={m} width={width} seed {i}"),
                                &mut done,
                                None,
                            );
                            checkpoint().await;
                            match pre {
                                Ok(p) => seeds.push((i, sd.seed, &sd.test, &sd.pool, Some(p))),
                                Err(e) => {
                                    for acc in &mut accs[first..] {
                                        acc.notes
                                            .push(format!("seed {i}: pre-training failed: {e}"));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for (j, &n) in plan.n.iter().enumerate() {
                let targets: Vec<Sample> = seeds.iter().map(|s| s.3.prefix(n as usize)).collect();
                for (slot, &method) in accs[first..]
                    .iter_mut()
                    .zip(&plan.methods)
                    .filter(|(_, &method)| needs_backbone(method) == backbone)
                {
                    if cancel.is_cancelled() {
                        break 'groups;
                    }
                    let outcomes: Vec<std::result::Result<Outcome, String>> = if is_gradient(method)
                    {
                        let pres: Vec<&Pretrained> = seeds
                            .iter()
                            .map(|s| s.4.as_ref().unwrap_or(&placeholder))
                            .collect();
                        let tests: Vec<&Sample> = seeds.iter().map(|s| s.2).collect();
                        let ids: Vec<u64> = seeds.iter().map(|s| s.1).collect();
                        // On the backend until the GPU fails (device lost, out of memory); from
                        // then on, starting again with this point, on the CPU. Finished points
                        // are kept.
                        let what = format!(
                            "at {} m={} n={n}",
                            method_name(method),
                            m.map_or("-".into(), |m| m.to_string())
                        );
                        let fits = device
                            .run(
                                &what,
                                fit_batched(
                                    backend, method, &pres, &targets, &tests, &mo, &ids, cancel,
                                ),
                                fit_batched(
                                    &CpuBackend,
                                    method,
                                    &pres,
                                    &targets,
                                    &tests,
                                    &mo,
                                    &ids,
                                    cancel,
                                ),
                            )
                            .await;
                        match fits {
                            Ok(fits) => fits
                                .into_iter()
                                .map(|f| Ok((f.risk, f.trainable, f.report)))
                                .collect(),
                            Err(e) => seeds.iter().map(|_| Err(e.to_string())).collect(),
                        }
                    } else {
                        seeds
                            .iter()
                            .zip(&targets)
                            .map(|((_, seed, test, _, pre), target)| {
                                let fitted = match (c.preset, pre) {
                                    (Preset::Limit, _) => {
                                        Spline::fit(&target.z, &target.y, KnotRule::LeaveOneOut)
                                            .map(|s| {
                                                let pred: Vec<f64> =
                                                    test.z.iter().map(|&z| s.eval(z)).collect();
                                                (excess_risk(&pred, &test.f), s.params(), None)
                                            })
                                    }
                                    (_, pre) => fit(
                                        method,
                                        pre.as_ref().unwrap_or(&placeholder),
                                        target,
                                        test,
                                        &mo,
                                        *seed,
                                        cancel,
                                    )
                                    .map(|f| (f.risk, f.trainable, f.report)),
                                };
                                fitted.map_err(|e| e.to_string())
                            })
                            .collect()
                    };
                    let last = seeds.len().saturating_sub(1);
                    for (at, ((i, ..), outcome)) in seeds.iter().zip(outcomes).enumerate() {
                        match outcome {
                            // A fit cut short by cancellation is not a finished point.
                            Ok((_, _, Some(r))) if r.cancelled => break 'groups,
                            Ok((risk, trainable, report)) => {
                                match report.and_then(|r| r.diverged_at) {
                                    Some(t) => slot.notes.push(format!(
                                "seed {i}, n={n}: diverged at step {t}; left out of the mean"
                            )),
                                    None if risk.is_finite() => {
                                        slot.risks[j].push(risk);
                                        slot.trainable = Some(trainable);
                                    }
                                    None => slot.notes.push(format!(
                                        "seed {i}, n={n}: non-finite risk; left out"
                                    )),
                                }
                            }
                            Err(e) => slot.notes.push(format!("seed {i}, n={n}: {e}")),
                        }
                        let label = format!(
                            "{} m={} n={n} seed {i}",
                            method_name(method),
                            m.map_or("-".into(), |m| m.to_string())
                        );
                        let finished = (at == last).then(|| {
                            let stats = summarise(&[n as f64], &slot.risks[j..=j], c.seed);
                            FinishedPoint {
                                label: curve_label(method, m, width, all_groups),
                                method,
                                m,
                                width,
                                n,
                                risk_mean: stats.risk_mean[0],
                                risk_lo: stats.risk_lo[0],
                                risk_hi: stats.risk_hi[0],
                                seeds: slot.risks[j].len(),
                                risks: slot.risks[j].clone(),
                            }
                        });
                        tick(label, &mut done, finished);
                    }
                    checkpoint().await;
                }
            }
        }
    }
    let curves = accs
        .into_iter()
        .map(|acc| summarise_curve(acc, &plan, c, all_groups))
        .collect();
    Ok(Results {
        config: c.clone(),
        backend: match (&device.lost, device.limited) {
            (None, false) => backend.describe(),
            (None, true) => format!(
                "{} (runs too big for it: {})",
                backend.describe(),
                CpuBackend.describe()
            ),
            (Some(_), _) => format!("{} → {}", backend.describe(), CpuBackend.describe()),
        },
        device_lost: device.lost,
        curves,
        constant_risk: mean_of(&constant),
        constant_risks: constant,
        prediction: plan.prediction.clone(),
        estimate: est,
        elapsed_ms: (clock() - start) * 1000.0,
        cancelled: cancel.is_cancelled(),
    })
}

fn empty_report() -> crate::train::TrainReport {
    crate::train::TrainReport {
        steps: 0,
        best_step: 0,
        best_loss: f64::NAN,
        diverged_at: None,
        cancelled: false,
    }
}

/// A curve's legend text.
fn curve_label(method: Method, m: Option<u64>, width: usize, groups: usize) -> String {
    match m {
        Some(m) => format!("{} (m = {m}, W = {width})", method_name(method)),
        None if groups > 1 => format!("{} (W = {width})", method_name(method)),
        None => method_name(method),
    }
}

/// Where a sweep's units run: on its backend until the GPU fails, then on the CPU.
struct Fallback<'a> {
    /// Why the sweep left the GPU, once it has.
    lost: Option<String>,
    /// Whether some runs were too big for the GPU.
    limited: bool,
    /// Told once of either, in one line.
    on_device: &'a mut dyn FnMut(&str),
}

impl Fallback<'_> {
    /// Run a unit: `on_backend` unless the GPU is already lost, and `on_cpu` where that
    /// failed on the GPU or was skipped. A GPU failure (now, or earlier) sends this unit and
    /// every later one to the CPU; a device limit (a buffer too big to bind) sends this unit
    /// alone. Either is told through `on_device` once, naming `what` was running. (Futures
    /// do nothing until awaited: the one not needed never runs.)
    async fn run<T>(
        &mut self,
        what: &str,
        on_backend: impl std::future::Future<Output = Result<T>>,
        on_cpu: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        if self.lost.is_some() {
            return on_cpu.await;
        }
        match on_backend.await {
            Err(Error::Gpu(why)) => {
                let note = format!(
                    "The GPU failed {what} ({why}); continuing on the CPU, finished points kept."
                );
                (self.on_device)(&note);
                self.lost = Some(note);
                on_cpu.await
            }
            Err(Error::Limit(why)) => {
                if !self.limited {
                    self.limited = true;
                    (self.on_device)(&format!(
                        "The GPU cannot hold the runs {what} ({why}); runs too big for it go to the CPU."
                    ));
                }
                on_cpu.await
            }
            other => other,
        }
    }
}

fn summarise_curve(acc: Acc, plan: &Plan, c: &Config, all_groups: usize) -> CurveResult {
    let n: Vec<f64> = plan.n.iter().map(|v| *v as f64).collect();
    let stats = summarise(&n, &acc.risks, c.seed);
    let label = curve_label(acc.method, acc.m, acc.width, all_groups);
    // C of C·n^(predicted slope) fitted to the measured means.
    let calibrated_c = plan.predicted_slope.and_then(|slope| {
        let (model, data): (Vec<f64>, Vec<f64>) = n
            .iter()
            .zip(&stats.risk_mean)
            .filter_map(|(x, r)| r.map(|r| (x.powf(slope), r)))
            .unzip();
        calibrate_scale(&model, &data)
    });
    CurveResult {
        label,
        method: acc.method,
        m: acc.m,
        width: acc.width,
        n: plan.n.clone(),
        seeds_done: acc.risks.iter().map(Vec::len).collect(),
        n_eps: n_eps_from_data(&n, &stats.risk_mean, c.eps),
        risk_mean: stats.risk_mean,
        risk_lo: stats.risk_lo,
        risk_hi: stats.risk_hi,
        slope: stats.slope,
        slope_lo: stats.slope_lo,
        slope_hi: stats.slope_hi,
        predicted_slope: plan.predicted_slope,
        local_slopes: stats.local_slopes,
        calibrated_c,
        trainable: acc.trainable,
        flags: stats.flags,
        notes: acc.notes,
        risks: acc.risks,
    }
}

/// The mean of `v` (None when empty).
fn mean_of(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The results of a sweep's shards (in shard order) as one: each curve's per-seed risks
/// joined in seed order and summarised again, exactly as one run of the whole sweep would
/// (its notes shard after shard); the constant reference over every seed; the longest wall time; cancelled or
/// GPU-lost when any shard was. The estimate adds up the shards' work and memory (they run
/// side by side), and its seconds are the longest shard's.
pub fn merge(c: &Config, parts: Vec<Results>) -> Result<Results> {
    let whole = plan(c)?;
    let mut parts = parts.into_iter();
    let mut out = parts
        .next()
        .ok_or_else(|| Error::Shape("merge: no results".into()))?;
    let mut accs: Vec<Acc> = std::mem::take(&mut out.curves)
        .into_iter()
        .map(|cv| Acc {
            method: cv.method,
            m: cv.m,
            width: cv.width,
            risks: cv.risks,
            trainable: cv.trainable,
            notes: cv.notes,
        })
        .collect();
    for p in parts {
        if p.config != out.config || p.curves.len() != accs.len() {
            return Err(Error::Shape("merge: shards of different sweeps".into()));
        }
        for (acc, cv) in accs.iter_mut().zip(p.curves) {
            if (acc.method, acc.m, acc.width) != (cv.method, cv.m, cv.width)
                || acc.risks.len() != cv.risks.len()
            {
                return Err(Error::Shape("merge: shards with different curves".into()));
            }
            for (a, b) in acc.risks.iter_mut().zip(cv.risks) {
                a.extend(b);
            }
            acc.notes.extend(cv.notes);
            // As in one run: the last seed's count (it varies for the spline's knots).
            acc.trainable = cv.trainable.or(acc.trainable);
        }
        out.constant_risks.extend(p.constant_risks);
        out.elapsed_ms = out.elapsed_ms.max(p.elapsed_ms);
        out.cancelled |= p.cancelled;
        out.device_lost = out.device_lost.or(p.device_lost);
        let (e, pe) = (&mut out.estimate, &p.estimate);
        e.units += pe.units;
        e.flops += pe.flops;
        e.ridges += pe.ridges;
        e.bytes += pe.bytes;
        e.shards += pe.shards;
        e.seconds = e.seconds.max(pe.seconds);
    }
    let groups = whole.groups.len();
    out.curves = accs
        .into_iter()
        .map(|acc| summarise_curve(acc, &whole, c, groups))
        .collect();
    out.constant_risk = mean_of(&out.constant_risks);
    Ok(out)
}
