//! What a sweep costs before it runs: its units' work ([`work`](crate::experiment::sweep::work)) at this
//! device's rates ([`rates`](crate::experiment::sweep::rates)): seconds = OVERHEAD·FLOPs / FLOP rate + ridges /
//! ridge rate, both rates measured before the sweep
//! ([`device_rates`](crate::experiment::sweep::rates::device_rates)); a sweep that trains on a GPU has its
//! batched training timed by the GPU's own model instead ([`GpuRates`], measured by
//! [`gpu_rates`](crate::experiment::sweep::rates::gpu_rates)); and the memory it needs.

use serde::Serialize;

use crate::config::{BackendChoice, Config, Method};
use crate::data::tasks::TEST_POINTS;
use crate::experiment::sweep::plan::{
    arch, digits_pretrain_steps, pretrain_steps, Plan, DIGITS_BATCH, DIGITS_CLASSES,
    FINETUNE_BATCH, FINETUNE_EVAL_EVERY, PRETRAIN_BATCH, SOURCE_CHUNK_BYTES,
};
use crate::experiment::sweep::rates::{GpuRates, Rates};
use crate::experiment::sweep::work::{extractor_flops, forward_flops, ridges_per_row, Cost};
use crate::model::Arch;

/// The cost of a sweep before it runs.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// Why the sweep may not run, in one line, where it needs more memory than
    /// [`Estimate::memory_limit`]; the CLI, the page's estimate and the sweep itself refuse
    /// it with these words.
    pub fn check_memory(&self) -> Result<(), String> {
        if self.bytes <= self.memory_limit {
            return Ok(());
        }
        Err(format!(
            "the sweep needs about {} of memory, over the {} limit; lower width, depth, seeds, m or n",
            human_bytes(self.bytes),
            human_bytes(self.memory_limit)
        ))
    }

    /// Expected wall time with the seeds shared among `workers` (threads, Web Workers): all
    /// the work is per seed and [`Estimate::seconds`] is for one, so the worker with the most
    /// seeds sets it: seconds · ⌈shards / workers⌉ / shards.
    pub fn wall_seconds(&self, workers: usize) -> f64 {
        let shards = self.shards.max(1);
        self.seconds * shards.div_ceil(workers.max(1)) as f64 / shards as f64
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

/// One seed's pre-training on m source rows with backbone `a`; with `gpu`, one of k seeds
/// pre-trained together on it. Where a method of the group keeps the extractor
/// (`features`), the backbone's features of the test set are computed once here and kept
/// for every n and method (`Pretrained::test_features`).
pub fn pretrain_cost(
    plan: &Plan,
    m: u64,
    a: &Arch,
    features: bool,
    gpu: Option<(&GpuRates, usize)>,
) -> Cost {
    let train = training(pretrain_steps(m), PRETRAIN_BATCH, forward_flops(a), gpu);
    let test = match features {
        true => TEST_POINTS as f64 * extractor_flops(a),
        false => 0.0,
    };
    Cost {
        ridges: m as f64 * ridges_per_row(plan.task.d),
        flops: train.flops + test,
        ..train
    }
}

/// One seed's fit of `method` at n on backbone `a`: closed forms run the backbone over the
/// target rows and solve a small system (on the CPU); gradient methods train `steps`
/// mini-batches (with `gpu`, one of k seeds trained together on it), check a fifth of the
/// rows every [`FINETUNE_EVAL_EVERY`] steps, and score the test set. A method that keeps the
/// extractor scores from the backbone's kept test features (head only), and on the CPU also
/// trains from its rows' features, computed once: its steps run through the head alone.
pub fn fit_cost(
    plan: &Plan,
    method: Method,
    n: u64,
    a: &Arch,
    gpu: Option<(&GpuRates, usize)>,
) -> Cost {
    let fwd = forward_flops(a);
    let extractor = extractor_flops(a);
    let keeps = crate::train::methods::keeps_extractor(method);
    let test = TEST_POINTS as f64 * if keeps { fwd - extractor } else { fwd };
    match method {
        Method::CaulkSpline | Method::LinearProbe => Cost {
            flops: n as f64 * fwd + test + n as f64 * 40.0 * 10.0,
            ..Cost::default()
        },
        // k-NN of every class but the first: each row's distances to all n (leave-one-out)
        // and each test row's, about 3 FLOP per feature, then a partial sort (≈ 2 per pair).
        Method::CaulkSelect => {
            let features: f64 = crate::train::ladder::CLASSES[1..]
                .iter()
                .map(|&j| j as f64 * 3.0 + 2.0)
                .sum();
            Cost {
                flops: n as f64 * fwd
                    + test
                    + (n + TEST_POINTS as u64) as f64 * n as f64 * features,
                ..Cost::default()
            }
        }
        Method::CaulkAdapter
        | Method::Lora
        | Method::Bitfit
        | Method::Partial
        | Method::Full
        | Method::Scratch => {
            let rows = (n as usize).min(FINETUNE_BATCH);
            // The CPU's batched trainer starts a frozen extractor's fit from features
            // (train::batched); the GPU's fused kernel and the oracle's f64 trainer run the
            // whole network.
            let from_features = keeps && gpu.is_none() && !plan.oracle;
            let steps = plan.finetune.steps;
            let checks = (steps / FINETUNE_EVAL_EVERY.max(1)) as f64 * (n / 5).max(1) as f64;
            // On the oracle network every capacity of its grid is trained.
            let tries = match plan.oracle {
                true => crate::train::oracle::capacities(method).len().max(1) as f64,
                false => 1.0,
            };
            if from_features {
                // Steps at the head-step rate; the rows' features once; each check's
                // forward pass through the head over the validation fifth.
                let head = fwd - extractor;
                return Cost {
                    flops: tries * (n as f64 * extractor + checks * head + test),
                    head_steps: tries * steps as f64,
                    ..Cost::default()
                };
            }
            let train = training(steps, rows, fwd, gpu);
            // On the CPU every check is a forward pass over the validation fifth; a GPU's
            // model of its call includes them.
            let host = match gpu {
                Some(_) => 0.0,
                None => checks * fwd,
            };
            Cost {
                flops: tries * (train.flops + host + test),
                gpu_s: tries * train.gpu_s,
                ..train
            }
        }
    }
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
        total.head_steps += cost.head_steps;
    };
    for _ in 0..plan.seeds {
        add(data_cost(plan));
    }
    // On a GPU the seeds of a fit train together, and those of a pre-training in chunks.
    let gpu = rates.gpu.as_ref();
    for (group, &(m, width)) in plan.groups.iter().enumerate() {
        let a = arch(c, width);
        let methods = plan.group_methods(group);
        let features = methods
            .iter()
            .any(|&m| crate::train::methods::keeps_extractor(m));
        let source = m.filter(|_| plan.group_pretrains(group));
        for _ in 0..plan.seeds {
            if let Some(m) = source {
                let chunk = pretrain_chunk(c, m).min(plan.seeds);
                add(pretrain_cost(
                    plan,
                    m,
                    &a,
                    features,
                    gpu.map(|g| (g, chunk)),
                ));
            }
            for &n in &plan.n {
                for &method in &methods {
                    add(fit_cost(plan, method, n, &a, gpu.map(|g| (g, plan.seeds))));
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
        flops: HOST_F64
            * (training(digits_pretrain_steps(m), rows, fwd, None).flops
                + (TARGET_POOL + TEST_SIZE) as f64 * fwd),
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
                flops: HOST_F64 * 8.0 * n as f64 * (k + 1.0) * (k + 1.0),
                ..Cost::default()
            }
        }
        Method::CaulkAdapter => 2.0 * (2.0 * k * c.adapter_width as f64 + k),
        Method::Scratch => classifier - 2.0 * (width as f64) * (k - 1.0),
        Method::CaulkSpline
        | Method::CaulkSelect
        | Method::Lora
        | Method::Bitfit
        | Method::Partial
        | Method::Full => classifier + 2.0 * k,
    };
    let rows = (n as usize).min(FINETUNE_BATCH);
    let steps = plan.finetune.steps;
    let train = training(steps, rows, per_row, None);
    Cost {
        flops: HOST_F64 * train.flops,
        ..train
    }
}

/// How much slower per FLOP the digits networks train (on the host in f64, `train::dense`)
/// than the f32 kernels the rate probe times: `digits` ran at estimate/wall 0.67 natively
/// without it (`caulk bench`, three runs).
const HOST_F64: f64 = 1.8;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;
    use crate::experiment::sweep::plan::plan;
    use crate::experiment::sweep::work::OVERHEAD;

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

    /// On the CPU an adapter trains from its rows' features, computed once: a wider
    /// backbone adds that one extractor pass over the n rows and nothing per step (the test
    /// set's features are the backbone's, charged once to its pre-training). `lora` trains
    /// through the whole network, so every step pays for the width.
    #[test]
    fn an_adapter_on_the_cpu_pays_for_the_extractor_once() {
        let c = crate::config::parse_fragment("v=2&preset=peft").config;
        let p = plan(&c).unwrap();
        let (narrow, wide) = (arch(&c, 32), arch(&c, 256));
        let n = 256;
        let fit = |m, a: &Arch| fit_cost(&p, m, n, a, None).flops;
        let once = n as f64 * (extractor_flops(&wide) - extractor_flops(&narrow));
        let grew = fit(Method::CaulkAdapter, &wide) - fit(Method::CaulkAdapter, &narrow);
        assert!((grew - once).abs() < 1e-6 * once, "{grew} vs {once}");
        let lora = fit(Method::Lora, &wide) - fit(Method::Lora, &narrow);
        assert!(lora > 50.0 * once, "{lora} vs {once}");
        // Pre-training charges the test set's features only where a method keeps them.
        let with = pretrain_cost(&p, 1000, &wide, true, None).flops;
        let without = pretrain_cost(&p, 1000, &wide, false, None).flops;
        let test = TEST_POINTS as f64 * extractor_flops(&wide);
        assert!((with - without - test).abs() < 1e-6 * test);
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
