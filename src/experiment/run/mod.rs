//! The sweep: for each group (m, width) pre-train one backbone per seed (in f32 through the
//! sweep's backend, all seeds at once on a GPU), then for each n, seed and method fit and
//! score; summarise each (method, m, width) curve ([`results`](crate::experiment::io::results)).
//!
//! Seeds: seed i of a sweep uses the task, initialisation and batch streams of
//! `run_seed(config.seed, i)`, so a point's numbers do not depend on which other points run.
//! A failed or diverged run is left out of its point's mean and listed in the curve's notes;
//! a cancelled sweep returns every point that had finished.

use crate::backend::cpu::CpuBackend;
use crate::backend::fallback::Fallback;
use crate::backend::Backend;
use crate::closed_form::{KnotRule, Spline};
use crate::config::{Config, Method};
use crate::data::{excess_risk, Sample, Task};
use crate::error::{Error, Result};
use crate::experiment::analysis::curve::method_name;
use crate::experiment::analysis::stats::{mean, summarise};
use crate::experiment::io::results::{curve_label, summarise_curve, Acc, Results};
use crate::experiment::run::cache::{backbone_key, point_key, Backbone, Known, SeedPoint};
use crate::experiment::run::progress::Ticker;
use crate::experiment::sweep::cost::{
    data_cost, estimate, fit_cost, pretrain_chunk, pretrain_cost,
};
use crate::experiment::sweep::plan::{
    arch, plan, pretrain_steps, Plan, PRETRAIN_BATCH, PRETRAIN_LR,
};
use crate::experiment::sweep::rates::Rates;
use crate::experiment::sweep::work::Cost;
use crate::experiment::{Cancel, FinishedPoint, Progress};
use crate::model::Arch;
use crate::rng::{Rng, Stream};
use crate::train::methods::{
    fit, fit_batched, keeps_extractor, pretrain_batched, Fit, MethodOpts, Pretrained, SeedBatch,
};
use crate::train::oracle::{fit_oracle_batched, in_feature_space};
use crate::train::TrainOpts;

pub mod cache;
mod digits;
pub mod progress;
pub mod steady;

/// The outcomes of a batched fit of `seeds` seeds: one per fit, or the error for each seed.
fn outcomes(fits: Result<Vec<Fit>>, seeds: usize) -> Vec<std::result::Result<Outcome, String>> {
    match fits {
        Ok(fits) => fits
            .into_iter()
            .map(|f| Ok((f.risk, f.trainable, f.report, f.class)))
            .collect(),
        Err(e) => (0..seeds).map(|_| Err(e.to_string())).collect(),
    }
}

/// The seed of sweep seed `i`.
pub fn run_seed(seed: u64, i: usize) -> u64 {
    Rng::with_index(seed, Stream::Init, 10_000 + i as u64).next_u64() >> 11
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
/// made once; [`merge`](super::merge) puts the shards' per-seed risks back together, giving
/// exactly the whole sweep's results.
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
    if shard.count == 0 || shard.index >= shard.count {
        return Err(Error::Shape(format!("bad shard {shard:?}")));
    }
    let seeds = shard_seeds(c.seeds as usize, shard);
    run_seeds(
        c,
        seeds,
        backend,
        rates,
        clock,
        on_progress,
        on_device,
        checkpoint,
        cancel,
        &Known::default(),
    )
    .await
}

/// [`run_sweep`] for the sweep seeds `seeds` (a range inside 0 … seeds − 1), awaiting
/// `checkpoint` after every unit. The page runs a few seeds first (the whole curve's shape)
/// and the rest after; [`merge`](super::merge) joins ranges given in seed order. A
/// seed-point whose [`point_key`] is in `known` is not fitted again (nor its backbone
/// pre-trained, where no other point of that seed needs it): its known outcome is used; a
/// backbone whose [`backbone_key`] is known is not pre-trained again. The results equal those
/// of a sweep without the cache; every progress event of a seed-point carries its outcome
/// ([`SeedPoint`]), and that of a pre-training its backbone ([`Backbone`]), for the caller's
/// cache.
#[allow(clippy::too_many_arguments)]
pub async fn run_seeds<B: Backend>(
    c: &Config,
    seeds: std::ops::Range<usize>,
    backend: &B,
    rates: Rates,
    clock: &dyn Fn() -> f64,
    on_progress: &mut dyn FnMut(&Progress),
    on_device: &mut dyn FnMut(&str),
    checkpoint: Checkpoint<'_>,
    cancel: &Cancel,
    known: &Known,
) -> Result<Results> {
    c.validate()?;
    let mut plan: Plan = plan(c)?;
    if seeds.start >= seeds.end || seeds.end > plan.seeds {
        return Err(Error::Shape(format!(
            "seeds {}..{} are not inside the sweep's 0..{}",
            seeds.start, seeds.end, plan.seeds
        )));
    }
    // A range of the sweep's seeds has no claim of its own: the merge of the ranges makes it.
    let whole = seeds.len() == plan.seeds;
    // The estimate (units, memory) is of this shard's seeds.
    plan.seeds = seeds.len();
    let est = estimate(&plan, c, rates);
    est.check_memory().map_err(Error::Limit)?;
    let start = clock();
    let mut sweep = Sweep {
        c,
        plan: &plan,
        backend,
        mo: MethodOpts {
            adapter_width: c.adapter_width as usize,
            rank: c.rank as usize,
            layers: c.layers as usize,
            train: plan.finetune,
        },
        device: Fallback::new(on_device),
        ticker: Ticker {
            clock,
            on_progress,
            start,
            done: 0,
            units: est.units,
            rates,
            // The units' seconds: a GPU's setup is no unit's.
            total_s: est.seconds - rates.gpu.map_or(0.0, |g| g.setup),
            done_s: 0.0,
            paused_s: 0.0,
        },
        checkpoint,
        cancel,
        known,
    };
    let mut accs: Vec<Acc> = Vec::new();
    let constant: Vec<f64> = match plan.digits {
        true => sweep.digits(seeds, &mut accs).await?,
        false => {
            let data = sweep.seed_data(seeds).await;
            for g in 0..plan.groups.len() {
                let first = accs.len();
                accs.extend(group_accs(&plan, g));
                if sweep.group(g, &data, &mut accs[first..]).await.is_none() {
                    break;
                }
            }
            data.iter().map(|sd| sd.constant).collect()
        }
    };
    let groups = plan.groups.len();
    let curves: Vec<_> = accs
        .into_iter()
        .map(|acc| summarise_curve(acc, &plan, c, groups))
        .collect();
    let (claim, method_pairs) = match whole {
        true => (
            crate::experiment::analysis::claim::claim(c, &curves, c.eps, c.at_n),
            crate::experiment::analysis::paired::method_pairs(&curves),
        ),
        false => (None, Vec::new()),
    };
    let device = sweep.device;
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
        steadiness: None,
        curves,
        claim,
        method_pairs,
        constant_risk: mean(&constant),
        constant_risks: constant,
        prediction: plan.prediction.clone(),
        estimate: est,
        elapsed_ms: (clock() - start) * 1000.0,
        cancelled: cancel.is_cancelled(),
    })
}

/// Empty curves for group `g`'s [`Plan::group_curves`], one point per n.
fn group_accs(plan: &Plan, g: usize) -> Vec<Acc> {
    plan.group_curves(g)
        .into_iter()
        .map(|(method, m, width)| Acc::new(method, m, width, plan.n.len()))
        .collect()
}

/// One seed's data, shared by every group of the sweep.
struct SeedData {
    /// The seed's index in the sweep.
    i: usize,
    /// Its seed ([`run_seed`]).
    seed: u64,
    task: Task,
    test: Sample,
    /// The target sample of the largest n; smaller n take its prefixes.
    pool: Sample,
    /// The best constant predictor's risk: the variance of f° on the test set.
    constant: f64,
}

/// A seed in one phase of a group: its data and, where the phase pre-trains, its backbone.
struct SeedRun<'d> {
    data: &'d SeedData,
    pre: Option<Pretrained>,
}

/// What a fit gave: risk, trainable parameters, the training report of gradient methods.
/// A seed's risk, trainable parameters, training report, and chosen class (`caulk-select`).
type Outcome = (f64, usize, Option<crate::train::TrainReport>, Option<f64>);

/// A shard's run: the config and its plan, where units run, progress, pause and cancel.
struct Sweep<'a, B: Backend> {
    c: &'a Config,
    plan: &'a Plan,
    backend: &'a B,
    mo: MethodOpts,
    device: Fallback<'a>,
    ticker: Ticker<'a>,
    checkpoint: Checkpoint<'a>,
    cancel: &'a Cancel,
    /// Seed-points known before the sweep ([`crate::experiment::run::cache`]).
    known: &'a Known,
}

impl<B: Backend> Sweep<'_, B> {
    /// Between units: await the checkpoint (Pause holds it there), the time held counted as
    /// paused, not as work.
    async fn checkpoint(&mut self) {
        let held = (self.ticker.clock)();
        (self.checkpoint)().await;
        self.ticker.paused_s += (self.ticker.clock)() - held;
    }

    /// Each seed's task, test set and target pool, generated once: every group (m, width)
    /// works on the same tasks, so only pre-training differs between groups. Stops at a
    /// cancel (the seeds made so far are returned).
    async fn seed_data(&mut self, seeds: std::ops::Range<usize>) -> Vec<SeedData> {
        let max_n = *self.plan.n.last().unwrap_or(&1) as usize;
        let mut data = Vec::new();
        for i in seeds {
            if self.cancel.is_cancelled() {
                break;
            }
            let seed = run_seed(self.c.seed, i);
            let task = Task::new(self.plan.task, seed);
            let test = task.test();
            let pool = task.target(max_n);
            let mean = test.f.iter().sum::<f64>() / test.len() as f64;
            let constant =
                test.f.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / test.len() as f64;
            self.ticker
                .tick(format!("data seed {i}"), data_cost(self.plan), None, None);
            self.checkpoint().await;
            data.push(SeedData {
                i,
                seed,
                task,
                test,
                pool,
                constant,
            });
        }
        data
    }

    /// The points of group `g` (m, width) into `accs`, its curves
    /// ([`Plan::group_curves`]). Two phases: the methods that need no backbone
    /// (`scratch`, or every method where nothing pre-trains) first, so that their points come
    /// without waiting for pre-training; then, where a method uses it, pre-training and the
    /// methods that use the backbone. A method's numbers do not depend on the order (each run
    /// has its own streams). None when cancelled.
    async fn group(&mut self, g: usize, data: &[SeedData], accs: &mut [Acc]) -> Option<()> {
        let plan = self.plan;
        let (m, width) = plan.groups[g];
        let a = arch(self.c, width);
        // Without pre-training, a placeholder backbone carries the architecture.
        let placeholder = Pretrained::new(a.clone(), Vec::new(), empty_report());
        let pretrains = plan.group_pretrains(g);
        let needs_backbone = |method: Method| pretrains && plan.uses_backbone(method);
        // The key of seed `sd`'s outcome of `slot` at n.
        let key = |slot: &Acc, n: u64, sd: &SeedData| {
            point_key(self.c, slot.method, slot.m, slot.width, n, sd.i)
        };
        for backbone in [false, true] {
            if backbone && !pretrains {
                break;
            }
            // The first phase is skipped when every method needs the backbone.
            if !backbone && accs.iter().all(|slot| needs_backbone(slot.method)) {
                continue;
            }
            let phase = |slot: &&mut Acc| needs_backbone(slot.method) == backbone;
            let seeds = match m.filter(|_| backbone) {
                None => data
                    .iter()
                    .map(|sd| SeedRun {
                        data: sd,
                        pre: None,
                    })
                    .collect(),
                Some(m) => {
                    // Pre-train only the seeds with a point of this phase not known yet; the
                    // others take their known outcomes and need no backbone.
                    let missing = |sd: &SeedData| {
                        accs.iter()
                            .filter(|slot| needs_backbone(slot.method) == backbone)
                            .any(|slot| {
                                plan.n
                                    .iter()
                                    .any(|&n| !self.known.points.contains_key(&key(slot, n, sd)))
                            })
                    };
                    let (need, have): (Vec<&SeedData>, Vec<&SeedData>) =
                        data.iter().partition(|sd| missing(sd));
                    // Of those, the seeds whose backbone is known take it; the rest pre-train.
                    let known_backbone = |sd: &SeedData| {
                        self.known
                            .backbones
                            .get(&backbone_key(self.c, m, width, sd.i))
                            .map(|b| Pretrained::new(a.clone(), b.params.clone(), b.report.clone()))
                    };
                    let (reuse, train): (Vec<&SeedData>, Vec<&SeedData>) = need
                        .into_iter()
                        .partition(|sd| known_backbone(sd).is_some());
                    let mut runs = self.pretrain(&a, m, width, &train, accs).await?;
                    runs.extend(reuse.into_iter().map(|sd| SeedRun {
                        data: sd,
                        pre: known_backbone(sd),
                    }));
                    runs.extend(have.into_iter().map(|sd| SeedRun {
                        data: sd,
                        pre: None,
                    }));
                    runs.sort_by_key(|r| r.data.i);
                    runs
                }
            };
            for (j, &n) in plan.n.iter().enumerate() {
                for slot in accs.iter_mut().filter(phase) {
                    let method = slot.method;
                    if self.cancel.is_cancelled() {
                        return None;
                    }
                    let keys: Vec<String> = seeds.iter().map(|s| key(slot, n, s.data)).collect();
                    let cached: Vec<Option<(f64, usize)>> = keys
                        .iter()
                        .map(|k| self.known.points.get(k).copied())
                        .collect();
                    // The seeds to fit: those not known (every one of them has its backbone).
                    let todo: Vec<SeedRun> = seeds
                        .iter()
                        .zip(&cached)
                        .filter(|(_, known)| known.is_none())
                        .map(|(s, _)| SeedRun {
                            data: s.data,
                            pre: None,
                        })
                        .collect();
                    let backbones: Vec<&Pretrained> = seeds
                        .iter()
                        .zip(&cached)
                        .filter(|(_, known)| known.is_none())
                        .map(|(s, _)| s.pre.as_ref().unwrap_or(&placeholder))
                        .collect();
                    let targets: Vec<Sample> = todo
                        .iter()
                        .map(|s| s.data.pool.prefix(n as usize))
                        .collect();
                    let mut fitted = match (todo.is_empty(), method.is_gradient()) {
                        (true, _) => Vec::new(),
                        (false, true) => {
                            self.fit_gradient(method, slot.m, n, &todo, &backbones, &targets)
                                .await
                        }
                        (false, false) => self.fit_closed(method, &todo, &backbones, &targets),
                    }
                    .into_iter();
                    let outcomes: Vec<std::result::Result<Outcome, String>> = cached
                        .iter()
                        .map(|known| match known {
                            Some((risk, trainable)) => Ok((*risk, *trainable, None, None)),
                            None => fitted
                                .next()
                                .unwrap_or_else(|| Err("no outcome".to_string())),
                        })
                        .collect();
                    // On a GPU every seed of the point trains in one call.
                    let gpu = self.ticker.rates.gpu;
                    let on_gpu = gpu.as_ref().map(|g| (g, todo.len().max(1)));
                    let cost = fit_cost(plan, method, n, &a, on_gpu);
                    let known: Vec<(String, bool)> = keys
                        .into_iter()
                        .zip(&cached)
                        .map(|(k, c)| (k, c.is_some()))
                        .collect();
                    let ids: Vec<usize> = seeds.iter().map(|s| s.data.i).collect();
                    self.record(slot, j, n, &ids, outcomes, cost, &known)?;
                    self.checkpoint().await;
                }
            }
        }
        Some(())
    }

    /// One backbone per seed of `data`, pre-trained on its source sample of size m; a seed
    /// whose pre-training failed is noted on the group's curves (`accs`) and left out. None
    /// when cancelled.
    async fn pretrain<'d>(
        &mut self,
        a: &Arch,
        m: u64,
        width: usize,
        data: &[&'d SeedData],
        accs: &mut [Acc],
    ) -> Option<Vec<SeedRun<'d>>> {
        let (backend, cancel) = (self.backend, self.cancel);
        let opts = TrainOpts {
            steps: pretrain_steps(m),
            lr: PRETRAIN_LR,
            batch: PRETRAIN_BATCH,
            jitter: self.c.jitter,
            ..TrainOpts::default()
        };
        // Backbones pre-train in f32 through the sweep's backend, as fine-tuning does, so the
        // CPU and the GPU run the same algorithm. A GPU takes many seeds at once (their
        // source samples within SOURCE_CHUNK_BYTES); the CPU trains models one after another
        // anyway, so there each seed is its own chunk and the page hears progress (and
        // Pause) after each.
        let gpu = self.ticker.rates.gpu;
        // The test set's features are computed once per backbone where a method keeps them.
        let features = accs.iter().any(|slot| keeps_extractor(slot.method));
        let chunk = match backend.has_fused() && self.device.lost.is_none() {
            true => pretrain_chunk(self.c, m),
            false => 1,
        };
        let mut seeds = Vec::new();
        for part in data.chunks(chunk) {
            if cancel.is_cancelled() {
                return None;
            }
            let cost = pretrain_cost(
                self.plan,
                m,
                a,
                features,
                gpu.as_ref().map(|g| (g, part.len())),
            );
            let sources: Vec<Sample> = part.iter().map(|sd| sd.task.source(m as usize)).collect();
            let ids: Vec<u64> = part.iter().map(|sd| sd.seed).collect();
            let pres = self
                .device
                .run(
                    &format!("while pre-training m={m}"),
                    pretrain_batched(backend, a, &sources, &opts, &ids, cancel),
                    pretrain_batched(&CpuBackend, a, &sources, &opts, &ids, cancel),
                )
                .await;
            let pres: Vec<std::result::Result<Pretrained, String>> = match pres {
                Ok(list) => list.into_iter().map(Ok).collect(),
                Err(e) => part.iter().map(|_| Err(e.to_string())).collect(),
            };
            for (&sd, pre) in part.iter().zip(pres) {
                let i = sd.i;
                // The backbone goes with its unit's event, for the caller's cache.
                let cached = pre.as_ref().ok().map(|p| Backbone {
                    key: backbone_key(self.c, m, width, i),
                    seed: i,
                    params: p.params.clone(),
                    report: p.report.clone(),
                });
                self.ticker.tick_with(
                    format!("pre-training m={m} width={width} seed {i}"),
                    cost,
                    None,
                    None,
                    cached,
                );
                self.checkpoint().await;
                match pre {
                    Ok(p) => seeds.push(SeedRun {
                        data: sd,
                        pre: Some(p),
                    }),
                    Err(e) => {
                        for acc in accs.iter_mut() {
                            acc.notes
                                .push(format!("seed {i}: pre-training failed: {e}"));
                        }
                    }
                }
            }
        }
        Some(seeds)
    }

    /// A gradient method at one point, every seed at once: on the backend until the GPU
    /// fails (device lost, out of memory); from then on, starting again with this point, on
    /// the CPU. Finished points are kept.
    async fn fit_gradient(
        &mut self,
        method: Method,
        m: Option<u64>,
        n: u64,
        seeds: &[SeedRun<'_>],
        backbones: &[&Pretrained],
        targets: &[Sample],
    ) -> Vec<std::result::Result<Outcome, String>> {
        let (backend, cancel, mo) = (self.backend, self.cancel, &self.mo);
        let tests: Vec<&Sample> = seeds.iter().map(|s| &s.data.test).collect();
        let ids: Vec<u64> = seeds.iter().map(|s| s.data.seed).collect();
        let what = format!(
            "at {} m={} n={n}",
            method_name(method),
            m.map_or("-".into(), |m| m.to_string())
        );
        if self.plan.oracle {
            return self
                .fit_oracle(method, &what, seeds, backbones, targets)
                .await;
        }
        let batch = SeedBatch {
            targets,
            tests: &tests,
            seeds: &ids,
        };
        let fits = self
            .device
            .run(
                &what,
                fit_batched(backend, method, backbones, batch, mo, cancel),
                fit_batched(&CpuBackend, method, backbones, batch, mo, cancel),
            )
            .await;
        outcomes(fits, seeds.len())
    }

    /// A gradient caulk of `limit` at one point, every seed at once on the oracle network
    /// (train::oracle), in feature space, its capacity chosen per seed on validation data.
    async fn fit_oracle(
        &mut self,
        method: Method,
        what: &str,
        seeds: &[SeedRun<'_>],
        backbones: &[&Pretrained],
        targets: &[Sample],
    ) -> Vec<std::result::Result<Outcome, String>> {
        let (backend, cancel, mo) = (self.backend, self.cancel, &self.mo);
        let Some(arch) = backbones.first().map(|b| b.arch.clone()) else {
            return Vec::new();
        };
        let targets: Vec<Sample> = targets.iter().map(in_feature_space).collect();
        let tests: Vec<Sample> = seeds
            .iter()
            .map(|s| in_feature_space(&s.data.test))
            .collect();
        let tests: Vec<&Sample> = tests.iter().collect();
        let ids: Vec<u64> = seeds.iter().map(|s| s.data.seed).collect();
        let batch = SeedBatch {
            targets: &targets,
            tests: &tests,
            seeds: &ids,
        };
        let fits = self
            .device
            .run(
                what,
                fit_oracle_batched(backend, method, &arch, batch, mo, cancel),
                fit_oracle_batched(&CpuBackend, method, &arch, batch, mo, cancel),
            )
            .await;
        outcomes(fits, seeds.len())
    }

    /// A closed-form method at one point, seed by seed on the host in f64. `limit` fits the
    /// spline to the true feature z (the infinite-pre-training limit).
    fn fit_closed(
        &self,
        method: Method,
        seeds: &[SeedRun<'_>],
        backbones: &[&Pretrained],
        targets: &[Sample],
    ) -> Vec<std::result::Result<Outcome, String>> {
        seeds
            .iter()
            .zip(backbones)
            .zip(targets)
            .map(|((s, pre), target)| {
                let test = &s.data.test;
                // On the oracle extractor the closed form fits the spline on the true z.
                let fitted = match self.plan.oracle {
                    true => Spline::fit(&target.z, &target.y, KnotRule::LeaveOneOut).map(|sp| {
                        let pred: Vec<f64> = test.z.iter().map(|&z| sp.eval(z)).collect();
                        (excess_risk(&pred, &test.f), sp.params(), None, None)
                    }),
                    false => fit(
                        method,
                        pre,
                        target,
                        test,
                        &self.mo,
                        s.data.seed,
                        self.cancel,
                    )
                    .map(|f| (f.risk, f.trainable, f.report, f.class)),
                };
                fitted.map_err(|e| e.to_string())
            })
            .collect()
    }

    /// The outcomes of sweep seeds `ids` at point (j, n) into `slot`, one progress unit of
    /// modelled `cost` per computed seed (none for a known one), each carrying its outcome
    /// for the caller's cache (`keys`: each seed's key and whether it was known); the last
    /// carries the point's summary (mean and interval over the seeds that finished). Says
    /// which outcomes went into the curve (the others are noted); None when a fit was cut
    /// short by cancellation (not a finished point).
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        slot: &mut Acc,
        j: usize,
        n: u64,
        ids: &[usize],
        outcomes: Vec<std::result::Result<Outcome, String>>,
        cost: Cost,
        keys: &[(String, bool)],
    ) -> Option<Vec<bool>> {
        let last = ids.len().saturating_sub(1);
        let mut kept = vec![false; ids.len()];
        for (at, (&i, outcome)) in ids.iter().zip(outcomes).enumerate() {
            let (key, cached) = keys.get(at).cloned().unwrap_or_default();
            let mut seed_point = None;
            match outcome {
                Ok((_, _, Some(r), _)) if r.cancelled => return None,
                Ok((risk, trainable, report, class)) => match report.and_then(|r| r.diverged_at) {
                    Some(t) => slot.notes.push(format!(
                        "seed {i}, n={n}: diverged at step {t}; left out of the mean"
                    )),
                    None if risk.is_finite() => {
                        kept[at] = true;
                        slot.risks[j].push(risk);
                        slot.classes[j].extend(class);
                        slot.trainable = Some(trainable);
                        seed_point = Some(SeedPoint {
                            key,
                            risk,
                            trainable,
                            cached,
                        });
                    }
                    None => slot
                        .notes
                        .push(format!("seed {i}, n={n}: non-finite risk; left out")),
                },
                Err(e) => slot.notes.push(format!("seed {i}, n={n}: {e}")),
            }
            let label = format!(
                "{} m={} n={n} seed {i}",
                method_name(slot.method),
                slot.m.map_or("-".into(), |m| m.to_string())
            );
            let finished = (at == last).then(|| {
                let stats = summarise(&[n as f64], &slot.risks[j..=j]);
                FinishedPoint {
                    label: curve_label(slot.method, slot.m, slot.width, self.plan.groups.len()),
                    method: slot.method,
                    m: slot.m,
                    width: slot.width,
                    n,
                    risk_mean: stats.risk_mean[0],
                    risk_lo: stats.risk_lo[0],
                    risk_hi: stats.risk_hi[0],
                    seeds: slot.risks[j].len(),
                    risks: slot.risks[j].clone(),
                }
            });
            let cost = if cached { Cost::default() } else { cost };
            self.ticker.tick(label, cost, finished, seed_point);
        }
        Some(kept)
    }
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A sweep held at its checkpoints (Pause) for 100 s each time, on a clock that only
    /// moves while held: no time was spent working, so no time is left (counting the pauses
    /// as work said hundreds of seconds).
    #[test]
    fn time_held_at_pause_is_not_counted_as_work() {
        let c = crate::config::parse_fragment("v=1&preset=limit&seeds=2&n=64,128").config;
        let now = Cell::new(0.0);
        let clock = || now.get();
        let hold = || -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
            now.set(now.get() + 100.0);
            Box::pin(async {})
        };
        let mut events = Vec::new();
        let rates = Rates::cpu(1e9, 1e8);
        let shard = Shard { index: 0, count: 1 };
        let results = pollster::block_on(run_shard(
            &c,
            shard,
            &CpuBackend,
            rates,
            &clock,
            &mut |p| events.push((p.elapsed_s, p.eta_s)),
            &mut |_| {},
            &hold,
            &Cancel::new(),
        ));
        assert!(results.is_ok());
        assert!(events.len() > 2 && events.last().unwrap().0 >= 100.0);
        // At most the modelled work left (well under a second here), never the pauses.
        let total = estimate(&plan(&c).unwrap(), &c, rates).seconds;
        assert!(total < 1.0, "{total}");
        for (elapsed, eta) in events {
            assert!((0.0..=total).contains(&eta), "{eta} s left at {elapsed} s");
        }
    }
}
