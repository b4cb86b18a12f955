//! The K-model batching benchmark (GPU issue, item 6): train K copies of one small network
//! at once for a fixed number of steps and report the aggregate rate in model-steps per
//! second, its scaling against K = 1 (rate_K / (K · rate_1); 1 is perfectly linear), and the
//! dispatches, submits and readbacks per training step. Run side by side on the CPU backend
//! in the same call, it gives the GPU/CPU ratio; on a software adapter (lavapipe,
//! SwiftShader) its numbers are only a correctness check: every model's best validation loss
//! is compared with the CPU path's on the same mini-batches.

use serde::Serialize;

use crate::backend::Backend;
use crate::error::Result;
use crate::model::Arch;
use crate::rng::{Rng, Stream};
use crate::train::batched::{train_batched, ModelData};
use crate::train::{Cancel, TrainOpts, TrainReport};

/// The K values of the table.
pub const KS: [usize; 5] = [1, 4, 16, 64, 256];

/// The benchmark's network, data and budget.
#[derive(Clone, Debug, Serialize)]
pub struct BatchingSetup {
    /// The network (every segment trains: full fine-tuning, the heaviest step).
    pub arch: Arch,
    /// Training rows per model.
    pub n: usize,
    /// Validation rows per model.
    pub val: usize,
    /// Steps, batch, learning rate, evaluation interval.
    pub steps: usize,
    /// Mini-batch rows.
    pub batch: usize,
    /// Steps between evaluations.
    pub eval_every: usize,
}

impl Default for BatchingSetup {
    fn default() -> Self {
        BatchingSetup {
            arch: Arch {
                d: 3,
                width: 32,
                depth: 2,
                k: 1,
                head_width: 16,
                adapter_width: 0,
                lora_rank: 0,
            },
            n: 256,
            val: 64,
            steps: 100,
            batch: 32,
            eval_every: 25,
        }
    }
}

/// Work counted by a backend (zero on the CPU, which dispatches nothing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Work {
    /// Compute dispatches.
    pub dispatches: u64,
    /// Queue submits.
    pub submits: u64,
    /// Buffer readbacks.
    pub readbacks: u64,
}

impl From<crate::backend::wgpu::Counters> for Work {
    fn from(c: crate::backend::wgpu::Counters) -> Self {
        Work {
            dispatches: c.dispatches,
            submits: c.submits,
            readbacks: c.readbacks,
        }
    }
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchingRow {
    /// Models trained together.
    pub k: usize,
    /// Wall time of the training, ms.
    pub wall_ms: f64,
    /// Aggregate model-steps per second.
    pub model_steps_per_s: f64,
    /// rate_K / (K · rate_1).
    pub scaling: f64,
    /// Per training step (of all K models together).
    pub dispatches_per_step: f64,
    /// Queue submits per step.
    pub submits_per_step: f64,
    /// Readbacks per step.
    pub readbacks_per_step: f64,
    /// Time the device spent in the run's passes, ms (timestamp queries; `None` where the
    /// device has none). Wall minus this is host work and waiting between passes.
    pub device_ms: Option<f64>,
}

/// K models' data: each its own inputs, labels from a fixed smooth function plus noise.
struct Tables {
    x: Vec<Vec<f64>>,
    y: Vec<Vec<f64>>,
    vx: Vec<Vec<f64>>,
    vy: Vec<Vec<f64>>,
    params: Vec<Vec<f64>>,
}

fn tables(setup: &BatchingSetup, k: usize) -> Tables {
    let d = setup.arch.d;
    let mut rng = Rng::new(7, Stream::Test);
    let draw = |rows: usize, rng: &mut Rng| {
        let x: Vec<f64> = (0..rows * d).map(|_| rng.uniform()).collect();
        let y: Vec<f64> = x
            .chunks(d)
            .map(|r| (6.0 * r[0]).sin() * r.iter().sum::<f64>() + 0.1 * rng.normal())
            .collect();
        (x, y)
    };
    let mut t = Tables {
        x: Vec::new(),
        y: Vec::new(),
        vx: Vec::new(),
        vy: Vec::new(),
        params: Vec::new(),
    };
    for _ in 0..k {
        let (x, y) = draw(setup.n, &mut rng);
        let (vx, vy) = draw(setup.val, &mut rng);
        t.x.push(x);
        t.y.push(y);
        t.vx.push(vx);
        t.vy.push(vy);
        t.params.push(setup.arch.init(&mut rng));
    }
    t
}

/// Train K models of `setup` on `backend`; returns the reports and the wall time in ms.
pub async fn train_k<B: Backend>(
    backend: &B,
    setup: &BatchingSetup,
    k: usize,
    clock: &dyn Fn() -> f64,
) -> Result<(Vec<TrainReport>, f64)> {
    let mut t = tables(setup, k);
    let data: Vec<ModelData> = (0..k)
        .map(|m| ModelData {
            x: &t.x[m],
            y: &t.y[m],
            val: Some((&t.vx[m], &t.vy[m])),
            seed: m as u64,
        })
        .collect();
    let opts = TrainOpts {
        steps: setup.steps,
        lr: 0.01,
        batch: setup.batch,
        eval_every: setup.eval_every,
        ..TrainOpts::default()
    };
    let start = clock();
    let reports = train_batched(
        backend,
        &setup.arch,
        &mut t.params,
        &|_| true,
        &data,
        &opts,
        &Cancel::new(),
    )
    .await?;
    Ok((reports, (clock() - start) * 1000.0))
}

/// The table for `ks` on `backend`; `work` reads the backend's counters. The first K is
/// run once untimed to warm up (pipeline compilation, allocator).
pub async fn batching_table<B: Backend>(
    backend: &B,
    setup: &BatchingSetup,
    ks: &[usize],
    work: &dyn Fn() -> Work,
    clock: &dyn Fn() -> f64,
) -> Result<Vec<BatchingRow>> {
    if let Some(&k) = ks.first() {
        train_k(backend, setup, k, clock).await?;
    }
    // Starts the device-time sum afresh.
    backend.device_seconds().await?;
    let mut rows: Vec<BatchingRow> = Vec::new();
    for &k in ks {
        let before = work();
        let (_, wall_ms) = train_k(backend, setup, k, clock).await?;
        let after = work();
        let device_ms = backend.device_seconds().await?.map(|s| s * 1000.0);
        let steps = setup.steps as f64;
        let rate = (k * setup.steps) as f64 / (wall_ms / 1000.0).max(1e-9);
        let base = rows
            .first()
            .map_or(rate / k as f64, |r| r.model_steps_per_s / r.k as f64);
        rows.push(BatchingRow {
            k,
            wall_ms,
            model_steps_per_s: rate,
            scaling: rate / (k as f64 * base),
            dispatches_per_step: (after.dispatches - before.dispatches) as f64 / steps,
            submits_per_step: (after.submits - before.submits) as f64 / steps,
            readbacks_per_step: (after.readbacks - before.readbacks) as f64 / steps,
            device_ms,
        });
    }
    Ok(rows)
}

/// The table's correctness check: 4 models trained on `backend` and on the CPU kernels (the
/// same mini-batches), the largest relative difference of their best validation losses.
pub async fn agreement<B: Backend>(
    backend: &B,
    setup: &BatchingSetup,
    clock: &dyn Fn() -> f64,
) -> Result<f64> {
    let (cpu, _) = train_k(&crate::backend::cpu::CpuBackend, setup, 4, clock).await?;
    let (other, _) = train_k(backend, setup, 4, clock).await?;
    Ok(max_rel_diff(&cpu, &other))
}

/// Largest relative difference between two runs' best validation losses (the correctness
/// check of the table: the GPU against the CPU on the same mini-batches).
pub fn max_rel_diff(a: &[TrainReport], b: &[TrainReport]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x.best_loss - y.best_loss).abs() / x.best_loss.abs().max(1e-6))
        .fold(0.0, f64::max)
}
