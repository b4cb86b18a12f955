//! The GPU driver's loop budget (lavapipe stops an invocation's loops after 65535 passes in
//! all, silently): the probe finds it; the fused kernel's loop count
//! (`backend/fused/loops.rs`) is within 15 % of where the driver's budget runs out; a
//! dispatch that did not spend it computes exactly what one-step dispatches do, and one
//! that did is flagged; and training
//! sizes its work to stay under it: validation in several dispatches, and networks too wide
//! for one fused step on the composed kernels.
#![cfg(not(target_arch = "wasm32"))]

use caulk::backend::cpu::CpuBackend;
use caulk::backend::wgpu::{GpuBackend, GpuBuffer};
use caulk::backend::{Backend, FusedBuffers, FusedPlan, FusedShape};
use caulk::model::{Arch, Role};
use caulk::rng::{Rng, Stream};
use caulk::train::batched::{train_batched, ModelData};
use caulk::train::fused::{fits, steps_per_dispatch};
use caulk::train::{Cancel, TrainOpts};

mod common;

use common::{gpu, problem, Problem, MODELS};

/// Rows of every training table here.
const ROWS: usize = 200;

fn plan_for(a: &Arch, trains: &dyn Fn(Role) -> bool, batch: usize, v_max: usize) -> FusedPlan {
    let shape = FusedShape {
        k: MODELS,
        batch,
        n_max: ROWS,
        v_max,
        lr: 1e-3,
        weight_decay: 0.0,
        steps: 1000,
    };
    FusedPlan::new(a, trains, shape).unwrap()
}

/// The buffers of `plan` for problem `pb`, its tables both training and validation.
fn buffers(gpu: &GpuBackend, plan: &FusedPlan, pb: &Problem) -> FusedBuffers<GpuBuffer> {
    let tables: Vec<(&[f64], &[f64])> =
        pb.1.iter()
            .zip(&pb.2)
            .map(|(x, y)| (x.as_slice(), y.as_slice()))
            .collect();
    let flat: Vec<f32> = pb.0.iter().flatten().map(|v| *v as f32).collect();
    FusedBuffers::new(gpu, plan, &flat, &tables, &tables).unwrap()
}

/// Fresh buffers for `pb`, `steps` training steps in dispatches of `chunk` steps (the rows
/// of step t are a fixed function of t), then the state and the loss buffer (K losses and
/// the budget flag).
fn train_steps(
    gpu: &GpuBackend,
    plan: &FusedPlan,
    pb: &Problem,
    steps: usize,
    chunk: usize,
) -> (Vec<f32>, Vec<f32>) {
    let mut bufs = buffers(gpu, plan, pb);
    let b = plan.shape.batch;
    let mut t = 0;
    while t < steps {
        let s = chunk.min(steps - t);
        let idx: Vec<f32> = (0..MODELS)
            .flat_map(|m| (0..s * b).map(move |i| (((t * b + i) * 7 + m) % ROWS) as f32))
            .collect();
        gpu.fused_train(plan, &mut bufs, t, s, &idx).unwrap();
        t += s;
    }
    let state = pollster::block_on(gpu.read(&bufs.state)).unwrap();
    let loss = pollster::block_on(gpu.read(&bufs.loss)).unwrap();
    (state, loss)
}

/// Every segment of copies of `params` trained on `backend`: the kept parameters and reports.
fn train_all<B: Backend>(
    backend: &B,
    a: &Arch,
    params: &[Vec<f64>],
    data: &[ModelData],
    opts: &TrainOpts,
) -> (Vec<Vec<f64>>, Vec<caulk::train::TrainReport>) {
    let mut p = params.to_vec();
    let reports = pollster::block_on(train_batched(
        backend,
        a,
        &mut p,
        &|_| true,
        data,
        opts,
        &Cancel::new(),
    ))
    .unwrap();
    (p, reports)
}

fn max_rel_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs() / (1e-3 + x.abs()))
        .fold(0.0, f32::max)
}

#[test]
fn the_probe_finds_lavapipes_budget() {
    let gpu = gpu();
    if gpu.describe().contains("llvmpipe") {
        assert_eq!(gpu.loop_budget(), Some(65535), "{}", gpu.describe());
    }
    // The CPU backend's loops always run to the end.
    assert_eq!(CpuBackend.loop_budget(), None);
}

#[test]
fn the_kernels_loop_count_is_where_the_drivers_budget_runs_out() {
    let gpu = gpu();
    let mut rng = Rng::new(3, Stream::Test);
    let Some(budget) = gpu.loop_budget() else {
        // A driver without a budget runs the longest dispatch unflagged.
        let a = common::arch(1, 0, 0);
        let plan = plan_for(&a, &|_| true, 32, ROWS);
        let (_, loss) = train_steps(&gpu, &plan, &problem(&a, ROWS, &mut rng), 64, 64);
        plan.budget_spent(&loss).unwrap();
        return;
    };
    // (width, batch, adapter width, LoRA rank, extractor frozen): the tiled and the narrow
    // products, adapters and LoRA, frozen and trained extractors.
    let shapes = [
        (32, 128, 0, 0, false),
        (128, 32, 0, 0, false),
        (32, 32, 8, 0, true),
        (32, 32, 0, 4, true),
        (16, 64, 4, 2, false),
    ];
    for (i, (width, batch, aw, rank, frozen)) in shapes.into_iter().enumerate() {
        let a = Arch {
            d: 3,
            width,
            depth: 2,
            k: 1,
            head_width: 16,
            adapter_width: aw,
            lora_rank: rank,
        };
        let trains = move |r: Role| {
            !frozen || !matches!(r, Role::ExtractorWeight(_) | Role::ExtractorBias(_))
        };
        let pb = problem(&a, ROWS, &mut rng);
        let plan = plan_for(&a, &trains, batch, ROWS);
        let modelled = (budget - plan.train_loops(0)) / plan.step_loops();
        // The fewest steps in one dispatch that the kernel flags, by bisection.
        let flagged = |s: u64| {
            let (_, loss) = train_steps(&gpu, &plan, &pb, s as usize, s as usize);
            plan.budget_spent(&loss).is_err()
        };
        let (mut lo, mut hi) = (1, 2 * modelled + 2);
        assert!(!flagged(lo) && flagged(hi), "shape {i}: {lo}..{hi}");
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if flagged(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        let fit = lo;
        let off = modelled as f64 / fit as f64 - 1.0;
        assert!(
            off.abs() <= 0.15,
            "shape {i}: {modelled} steps fit by the count, {fit} on the driver"
        );
        let planned = steps_per_dispatch(&plan, Some(budget)) as u64;
        assert!(
            planned >= 1 && planned <= fit,
            "shape {i}: {planned} > {fit}"
        );
        // Unflagged is right: the steps one by one give the same state (parameters,
        // gradients and moments). Two steps past the flag is wrong (one past it may still
        // be right: the budget may run out in the closing check itself).
        for (s, right) in [(fit, true), (fit + 2, false)] {
            let s = s as usize;
            let one_by_one = train_steps(&gpu, &plan, &pb, s, 1).0;
            let long = train_steps(&gpu, &plan, &pb, s, s).0;
            let diff = max_rel_diff(&one_by_one, &long);
            assert_eq!(diff == 0.0, right, "shape {i}, {s} steps: differ by {diff}");
        }
    }
}

#[test]
fn a_validation_table_too_long_for_one_dispatch_is_evaluated_in_several() {
    let gpu = gpu();
    let mut rng = Rng::new(5, Stream::Test);
    let a = common::arch(1, 3, 0);
    let rows = 30_000;
    let pb = problem(&a, rows, &mut rng);
    let plan = FusedPlan::new(
        &a,
        &|_| true,
        FusedShape {
            k: MODELS,
            batch: 8,
            n_max: rows,
            v_max: rows,
            lr: 0.0,
            weight_decay: 0.0,
            steps: 1,
        },
    )
    .unwrap();
    let per = plan.eval_chunks_per_dispatch(gpu.loop_budget());
    let dispatches = plan.eval_chunks().div_ceil(per);
    if gpu.loop_budget().is_some() {
        assert!(
            dispatches >= 2,
            "{} chunks, {per} per dispatch",
            plan.eval_chunks()
        );
    }
    let mut bufs = buffers(&gpu, &plan, &pb);
    let before = gpu.counters().dispatches;
    gpu.fused_eval(&plan, &mut bufs).unwrap();
    assert_eq!(gpu.counters().dispatches - before, dispatches);
    let loss = pollster::block_on(gpu.read(&bufs.loss)).unwrap();
    plan.budget_spent(&loss).unwrap();
    for (m, got) in loss[..MODELS].iter().enumerate() {
        let cache = a.forward(&pb.0[m], &pb.1[m]);
        let (want, _) = a.loss_and_grad(&pb.0[m], &cache, &pb.2[m]);
        let got = *got as f64;
        assert!(
            (got - want).abs() < 1e-4 * want,
            "model {m}: {got} vs {want}"
        );
    }
}

#[test]
fn a_network_too_wide_for_one_fused_step_trains_on_the_composed_kernels() {
    let gpu = gpu();
    let a = Arch {
        d: 3,
        width: 512,
        depth: 2,
        k: 1,
        head_width: 8,
        adapter_width: 0,
        lora_rank: 0,
    };
    let mut rng = Rng::new(9, Stream::Test);
    let (params, xs, ys) = problem(&a, 48, &mut rng);
    let data: Vec<ModelData> = (0..MODELS)
        .map(|m| ModelData {
            x: &xs[m],
            y: &ys[m],
            val: None,
            seed: 7 + m as u64,
        })
        .collect();
    let opts = TrainOpts {
        steps: 4,
        lr: 1e-3,
        batch: 16,
        eval_every: 2,
        ..TrainOpts::default()
    };
    let all = |_: Role| true;
    let fused = fits(&gpu, &a, &all, &data, &opts).unwrap();
    assert_eq!(fused, gpu.loop_budget().is_none());
    let (cpu_params, cpu_reports) = train_all(&CpuBackend, &a, &params, &data, &opts);
    let before = gpu.counters().dispatches;
    let (gpu_params, gpu_reports) = train_all(&gpu, &a, &params, &data, &opts);
    let dispatches = gpu.counters().dispatches - before;
    if !fused {
        // The composed kernels: several dispatches per layer and step.
        assert!(
            dispatches > 10 * opts.steps as u64,
            "{dispatches} dispatches"
        );
    }
    for (c, g) in cpu_reports.iter().zip(&gpu_reports) {
        assert_eq!(c.best_step, g.best_step, "{c:?} vs {g:?}");
        assert!((c.best_loss - g.best_loss).abs() <= 1e-3 * c.best_loss.max(1e-3));
    }
    for (c, g) in cpu_params.iter().flatten().zip(gpu_params.iter().flatten()) {
        assert!((c - g).abs() <= 1e-3 + 1e-3 * c.abs(), "{c} vs {g}");
    }
}
