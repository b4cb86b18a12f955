//! Training K networks with a backend's fused program ([`crate::backend::fused`]): the loop of
//! [`super::batched::train_batched`] (same mini-batch order, Adam with the cosine schedule,
//! decoupled weight decay, best validation weights per model, divergence, cancellation), but
//! one dispatch runs many whole training steps of every model, and nothing but the K
//! validation losses is read back until the end:
//!
//! - per dispatch: up to [`MAX_STEPS_PER_DISPATCH`] steps (fewer for big models, so that one
//!   dispatch stays short, and fewer where the driver stops loops past a budget, see
//!   [`crate::backend::fused::loops`]), never past the next evaluation point;
//! - per evaluation point: one eval dispatch, one readback of K losses, and one dispatch that
//!   copies the improved models' parameters into their best-weights slots (not a copy
//!   command per model: K transfers, each behind a barrier, grew with K);
//! - at the end: one readback of the best weights.
//!
//! When the buffers for K models exceed what the device binds, the models train in several
//! runs of fewer models each. Every loss readback also says whether a dispatch spent the
//! driver's loop budget after all; the run then stops with `Error::Gpu` (a sweep goes on on
//! the CPU) rather than go on with wrong numbers.

use crate::backend::{Backend, FusedBuffers, FusedPlan, FusedShape, Keep};
use crate::error::{Error, Result};
use crate::model::{Arch, Role};

use super::schedule::{improvements, starting_reports, BatchOrder, ModelData};
use super::{Cancel, TrainOpts, TrainReport};

/// Most training steps one dispatch runs.
pub const MAX_STEPS_PER_DISPATCH: usize = 64;

/// Floating-point work of one model per dispatch that sets fewer steps for big models (one
/// workgroup does a model's whole step, so this bounds a dispatch's length: milliseconds on
/// a hardware GPU, far from any watchdog).
const FLOPS_PER_DISPATCH: f64 = 2e8;

/// Steps per dispatch for a plan: as many as fit `FLOPS_PER_DISPATCH` (2·10^8 FLOP) and the
/// driver's loop budget (`loop_budget`, [`crate::backend::Backend::loop_budget`]), 1 to
/// [`MAX_STEPS_PER_DISPATCH`]. (Lavapipe's budget of 65535 loop passes was first met as
/// wrong steps past about 2.4·10^7 FLOP per dispatch, and a FLOP cap of 8·10^6 for every
/// device.)
pub fn steps_per_dispatch(plan: &FusedPlan, loop_budget: Option<u64>) -> usize {
    let by_flops = (FLOPS_PER_DISPATCH / plan.step_flops().max(1.0)) as usize;
    let by_loops = loop_budget.map_or(usize::MAX, |b| plan.steps_within(b) as usize);
    by_flops.min(by_loops).clamp(1, MAX_STEPS_PER_DISPATCH)
}

/// Whether the fused program can train these models on `backend`: false where one training
/// step or one validation chunk would spend the driver's loop budget (very wide networks on
/// lavapipe), which then train by the composed primitives.
pub fn fits<B: Backend>(
    backend: &B,
    arch: &Arch,
    trainable: &dyn Fn(Role) -> bool,
    data: &[ModelData<'_>],
    opts: &TrainOpts,
) -> Result<bool> {
    let budget = backend.loop_budget();
    if budget.is_none() {
        return Ok(true);
    }
    Ok(plan(arch, trainable, data, &batch_capped(opts, data))?.fits_loop_budget(budget))
}

/// `opts` with one mini-batch size for all K models: capped at the smallest table.
fn batch_capped(opts: &TrainOpts, data: &[ModelData<'_>]) -> TrainOpts {
    let smallest = data.iter().map(|m| m.y.len()).min().unwrap_or(1);
    TrainOpts {
        batch: opts.batch.clamp(1, smallest),
        ..*opts
    }
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
    // One mini-batch size for all K models, whatever the runs.
    let opts = &batch_capped(opts, data);
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
    let per_dispatch = steps_per_dispatch(&plan, backend.loop_budget());
    // The K losses of a readback, once the flag after them says no dispatch spent the
    // driver's loop budget.
    let losses_of = |read: Vec<f32>| -> Result<Vec<f32>> {
        plan.budget_spent(&read)?;
        Ok(read[..k].to_vec())
    };
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
    let mut reports = starting_reports(&losses_of(backend.read(&bufs.loss).await?)?);
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
            let losses = losses_of(backend.read(&bufs.loss).await?)?;
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
