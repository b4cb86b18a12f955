//! Helpers shared by the tests: for the training tests (tests/batched.rs, tests/fused.rs,
//! tests/loop_budget.rs) a small architecture, random problems for K models and the GPU; for
//! the sweep tests (tests/experiment.rs, tests/digits.rs) a sweep or its shard run quietly.
#![allow(dead_code)]

use caulk::backend::cpu::CpuBackend;
use caulk::backend::wgpu::GpuBackend;
use caulk::backend::Backend;
use caulk::config::Config;
use caulk::experiment::{run_shard, run_sweep, Cancel, Progress, Rates, Results, Shard};
use caulk::model::Arch;
use caulk::rng::Rng;

/// Models K of every problem.
pub const MODELS: usize = 3;

/// d = 3, width 7, depth 2, head 5: small, with every segment kind.
pub fn arch(k: usize, adapter_width: usize, lora_rank: usize) -> Arch {
    Arch {
        d: 3,
        width: 7,
        depth: 2,
        k,
        head_width: 5,
        adapter_width,
        lora_rank,
    }
}

/// Per model: parameters, inputs, labels.
pub type Problem = (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<Vec<f64>>);

/// K parameter vectors (zeros perturbed so every gradient is alive), inputs (`rows` × d,
/// uniform) and labels (normal).
pub fn problem(a: &Arch, rows: usize, rng: &mut Rng) -> Problem {
    let params = (0..MODELS)
        .map(|_| {
            a.init(rng)
                .into_iter()
                .map(|v| if v == 0.0 { 0.3 * rng.normal() } else { v })
                .collect()
        })
        .collect();
    let xs = (0..MODELS)
        .map(|_| (0..rows * a.d).map(|_| rng.uniform()).collect())
        .collect();
    let ys = (0..MODELS)
        .map(|_| (0..rows).map(|_| rng.normal()).collect())
        .collect();
    (params, xs, ys)
}

/// The GPU backend (lavapipe in CI); a missing adapter fails the test.
pub fn gpu() -> GpuBackend {
    pollster::block_on(GpuBackend::new()).expect("GPU adapter (lavapipe)")
}

/// Rates for the sweep tests' estimates (a sweep's numbers do not depend on them).
pub const RATES: Rates = Rates::cpu(1e9, 1e8);

/// Sweep `c` on `backend`, without progress or a cancel.
pub fn quiet_sweep<B: Backend>(backend: &B, c: &Config) -> caulk::Result<Results> {
    pollster::block_on(run_sweep(
        c,
        backend,
        RATES,
        &|| 0.0,
        &mut |_: &Progress| {},
        &mut |_: &str| {},
        &Cancel::new(),
    ))
}

/// Shard `shard` of sweep `c` on the CPU, without progress, pauses or a cancel.
pub fn cpu_shard(c: &Config, shard: Shard) -> Results {
    pollster::block_on(run_shard(
        c,
        shard,
        &CpuBackend,
        RATES,
        &|| 0.0,
        &mut |_: &Progress| {},
        &mut |_: &str| {},
        &caulk::experiment::no_pause,
        &Cancel::new(),
    ))
    .expect("the shard runs")
}

/// A sweep of all of `c`'s seeds on the CPU handed the cache `known`, and its progress
/// events in order (tests/experiment.rs, tests/affects.rs).
pub fn sweep_with_known(
    c: &Config,
    known: &caulk::experiment::run::cache::Known,
) -> caulk::Result<(Results, Vec<Progress>)> {
    let mut events = Vec::new();
    let r = pollster::block_on(caulk::experiment::run_seeds(
        c,
        0..c.seeds as usize,
        &CpuBackend,
        RATES,
        &|| 0.0,
        &mut |p: &Progress| events.push(p.clone()),
        &mut |_: &str| {},
        &caulk::experiment::no_pause,
        &Cancel::new(),
        known,
    ))?;
    Ok((r, events))
}

/// The backbones a sweep's progress events carry, as a cache keyed by their keys.
pub fn backbones(events: &[Progress]) -> caulk::experiment::run::cache::Known {
    caulk::experiment::run::cache::Known {
        points: Default::default(),
        backbones: events
            .iter()
            .filter_map(|p| p.backbone.clone())
            .map(|b| (b.key.clone(), b))
            .collect(),
    }
}
