//! Training K networks with a backend's fused program ([`crate::backend::fused`]): the loop of
//! [`super::batched::train_batched`] (same mini-batch order, Adam with the cosine schedule,
//! decoupled weight decay, best validation weights per model, divergence, cancellation), but
//! one dispatch runs many whole training steps of every model, and nothing but the K
//! validation losses is read back until the end:
//!
//! - per dispatch: up to [`MAX_STEPS_PER_DISPATCH`] steps (fewer for big models, so that one
//!   dispatch stays short), never past the next evaluation point;
//! - per evaluation point: one eval dispatch, one readback of K losses, and one dispatch that
//!   copies the improved models' parameters into their best-weights slots (not a copy
//!   command per model: K transfers, each behind a barrier, grew with K);
//! - at the end: one readback of the best weights.
//!
//! When the buffers for K models exceed what the device binds, the models train in several
//! runs of fewer models each.

use crate::backend::{Backend, FusedBuffers, FusedPlan, FusedShape, Keep};
use crate::error::{Error, Result};
use crate::model::{Arch, Role};

use super::schedule::{improvements, starting_reports, BatchOrder, ModelData};
use super::{Cancel, TrainOpts, TrainReport};

/// Most training steps one dispatch runs.
pub const MAX_STEPS_PER_DISPATCH: usize = 64;

/// Floating-point work of one model per dispatch that sets fewer steps for big models (one
/// workgroup does a model's whole step, so this bounds a dispatch's length). Measured on
/// Mesa's lavapipe (22.3): past about 2.4·10^7 FLOP per workgroup in one dispatch (25 steps
/// of batch 128 at width 32, 14 of batch 32 at width 128) it computes wrong results, the
/// same kernel split into shorter dispatches is exact, and SwiftShader runs the long
/// dispatch right; so this stays 3× below. A dispatch per few steps costs a real GPU little
/// (its launch is microseconds, a step tens of them). It was 2·10^8.
const FLOPS_PER_DISPATCH: f64 = 8e6;

/// Steps per dispatch for a plan: as many as fit `FLOPS_PER_DISPATCH` (8·10^6 FLOP), 1 to
/// [`MAX_STEPS_PER_DISPATCH`].
pub fn steps_per_dispatch(plan: &FusedPlan) -> usize {
    ((FLOPS_PER_DISPATCH / plan.step_flops().max(1.0)) as usize).clamp(1, MAX_STEPS_PER_DISPATCH)
}

/// Train with the fused program, splitting the K models into runs that fit the device.
pub async fn train_fused<B: Backend>(
    backend: &B,
    arch: &Arch,
    params: &mut [Vec<f64>],
    trainable: &dyn Fn(Role) -> bool,
    data: &[ModelData<'_>],
    opts: &TrainOpts,
    cancel: &Cancel,
) -> Result<Vec<TrainReport>> {
    let k = params.len();
    // One mini-batch size for all K models (capped at the smallest table), whatever the runs.
    let batch = opts
        .batch
        .clamp(1, data.iter().map(|m| m.y.len()).min().unwrap_or(1));
    let opts = &TrainOpts { batch, ..*opts };
    let per_run = models_per_run(backend, arch, trainable, data, opts)?;
    let mut reports = Vec::with_capacity(k);
    let mut start = 0;
    while start < k {
        let end = (start + per_run).min(k);
        let r = run(
            backend,
            arch,
            &mut params[start..end],
            trainable,
            &data[start..end],
            opts,
            cancel,
        )
        .await?;
        reports.extend(r);
        start = end;
    }
    Ok(reports)
}

/// The plan for models `data` (`opts.batch` already capped at the smallest table).
fn plan(
    arch: &Arch,
    trainable: &dyn Fn(Role) -> bool,
    data: &[ModelData<'_>],
    opts: &TrainOpts,
) -> Result<FusedPlan> {
    let rows = |f: &dyn Fn(&ModelData) -> usize| data.iter().map(f).max().unwrap_or(1);
    let shape = FusedShape {
        k: data.len(),
        batch: opts.batch,
        n_max: rows(&|m| m.y.len()),
        v_max: rows(&|m| m.val.map_or(m.y.len(), |v| v.1.len())),
        lr: opts.lr as f32,
        weight_decay: opts.weight_decay as f32,
        steps: opts.steps,
    };
    FusedPlan::new(arch, trainable, shape)
}

/// The most models whose buffers the device binds at once (halving from K).
fn models_per_run<B: Backend>(
    backend: &B,
    arch: &Arch,
    trainable: &dyn Fn(Role) -> bool,
    data: &[ModelData<'_>],
    opts: &TrainOpts,
) -> Result<usize> {
    let max = backend.max_buffer_len();
    let mut k = data.len();
    loop {
        let p = plan(arch, trainable, &data[..k], opts)?;
        let biggest = [4 * p.params * k, p.data_len, p.scratch * k]
            .into_iter()
            .max()
            .unwrap_or(0);
        if biggest <= max {
            return Ok(k);
        }
        if k == 1 {
            return Err(Error::Limit(format!(
                "width: one model needs a buffer of {biggest} floats, the device binds at most {max}"
            )));
        }
        k = k.div_ceil(2);
    }
}

/// One fused run over all of `data`'s models.
async fn run<B: Backend>(
    backend: &B,
    arch: &Arch,
    params: &mut [Vec<f64>],
    trainable: &dyn Fn(Role) -> bool,
    data: &[ModelData<'_>],
    opts: &TrainOpts,
    cancel: &Cancel,
) -> Result<Vec<TrainReport>> {
    let plan = plan(arch, trainable, data, opts)?;
    let (k, p) = (plan.shape.k, plan.params);
    let train: Vec<(&[f64], &[f64])> = data.iter().map(|m| (m.x, m.y)).collect();
    let val: Vec<(&[f64], &[f64])> = data.iter().map(|m| m.val.unwrap_or((m.x, m.y))).collect();
    // The parameters go up once, as the best weights so far; one dispatch loads them into
    // every model's state slot on the device.
    if params.len() != k || params.iter().any(|v| v.len() != p) {
        return Err(Error::Shape(format!(
            "fused run needs {k} vectors of {p} values"
        )));
    }
    let flat: Vec<f32> = params.iter().flatten().map(|v| *v as f32).collect();
    let mut bufs = FusedBuffers::new(backend, &plan, &flat, &train, &val)?;
    backend.fused_eval(&plan, &mut bufs)?;
    backend.flush();
    let per_dispatch = steps_per_dispatch(&plan);
    let every = opts.eval_every.max(1);
    let mut order = BatchOrder::new(data, plan.shape.batch);
    // The dispatch starting after step t: its step count (never past the next evaluation)
    // and each model's rows for every one of its steps, K × steps × b.
    let mut next_chunk = |t: usize| {
        let next_eval = ((t / every + 1) * every).min(opts.steps);
        let steps = (next_eval - t).min(per_dispatch);
        let mut idx = vec![0.0f32; k * steps * order.batch];
        order.next_steps(steps, &mut idx);
        (steps, next_eval, idx)
    };
    // The first mini-batches are drawn while the device evaluates the starting weights.
    let mut chunk = next_chunk(0);
    let mut reports = starting_reports(&backend.read(&bufs.loss).await?);
    let mut t = 0;
    while t < opts.steps {
        if cancel.is_cancelled() {
            reports.iter_mut().for_each(|r| r.cancelled = true);
            break;
        }
        let (steps, next_eval, idx) = chunk;
        backend.fused_train(&plan, &mut bufs, t, steps, &idx)?;
        // Start the device now and draw the next mini-batches while it works.
        backend.flush();
        t += steps;
        chunk = next_chunk(t);
        reports
            .iter_mut()
            .filter(|r| r.diverged_at.is_none())
            .for_each(|r| r.steps = t);
        if t == next_eval {
            backend.fused_eval(&plan, &mut bufs)?;
            let losses = backend.read(&bufs.loss).await?;
            let better = improvements(&mut reports, &losses, t);
            // The improved models' weights are kept by one dispatch for all of them.
            backend.fused_keep(&plan, &mut bufs, Keep::Save(&better))?;
            for (m, r) in reports.iter_mut().enumerate() {
                if better[m] {
                    r.best_loss = losses[m] as f64;
                    r.best_step = t;
                }
            }
        }
    }
    let kept = backend.read(&bufs.best).await?;
    for (m, dst) in params.iter_mut().enumerate() {
        for (d, v) in dst.iter_mut().zip(&kept[m * p..(m + 1) * p]) {
            *d = *v as f64;
        }
    }
    backend.fused_finish();
    Ok(reports)
}
