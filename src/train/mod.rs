//! Training: one loop for pre-training and fine-tuning, which differ only in the trainable
//! mask. Mini-batch gradient steps on the MSE with Adam or SGD (momentum 0.9), decoupled
//! weight decay, a cosine learning-rate schedule over a fixed step budget, evaluation on a
//! validation split keeping the best weights, and divergence detection.
//!
//! Adam (Kingma & Ba 2015), per trainable parameter θ with gradient g at step t ≥ 1:
//!   m ← β1 m + (1−β1) g,  v ← β2 v + (1−β2) g²,
//!   θ ← θ − η_t (m/(1−β1^t)) / (√(v/(1−β2^t)) + ε) − η_t λ θ,
//! with β1 = 0.9, β2 = 0.999, ε = 1e-8 and η_t = η · ½(1 + cos(π t/T)).
//! SGD: u ← 0.9 u + g, θ ← θ − η_t u − η_t λ θ.
//! Frozen parameters are never written, so they stay bit-identical.
//!
//! [`methods`] maps the downstream methods onto this loop and onto the closed forms, on a
//! [`pretrained`] backbone;
//! [`oracle`] writes the infinite-pre-training limit into a network for the `limit` preset;
//! [`batched`] runs the same algebra for K networks at once through a compute backend, and
//! [`fused`] through a backend's fused training kernel (whole steps per dispatch); both take
//! their mini-batch order and evaluation bookkeeping from [`schedule`]. [`dense`] is a small
//! f64 network of other shapes (64 pixels in, a 10-class softmax out) for the real-data
//! preset `digits`; it trains with the same host loop, [`train_loop`].

pub mod batched;
pub mod dense;
pub mod fused;
pub mod ladder;
pub mod methods;
pub mod oracle;
pub mod pretrained;
pub mod schedule;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Arch;
use crate::rng::Rng;

/// A cancellation token, checked between training steps and between runs.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Cancel::default()
    }
    /// Ask the sweep to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    /// Whether a stop was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The optimiser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Optimizer {
    /// Adam with bias correction.
    Adam,
    /// SGD with momentum 0.9.
    Sgd,
}

/// How to train.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TrainOpts {
    /// Gradient steps (the budget).
    pub steps: usize,
    /// Peak learning rate η.
    pub lr: f64,
    /// Mini-batch size (capped at the sample size).
    pub batch: usize,
    /// Decoupled weight decay λ.
    pub weight_decay: f64,
    /// The optimiser.
    pub optimizer: Optimizer,
    /// Steps between validation evaluations.
    pub eval_every: usize,
    /// Relative perturbation of the starting weights (frozen ones included), applied where
    /// a fit's starting weights are made ([`jitter_start`]): 0 leaves them alone.
    pub jitter: f64,
}

impl Default for TrainOpts {
    fn default() -> Self {
        TrainOpts {
            steps: 2000,
            lr: 0.01,
            batch: 64,
            weight_decay: 0.0,
            optimizer: Optimizer::Adam,
            eval_every: 50,
            jitter: 0.0,
        }
    }
}

/// What happened during training.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TrainReport {
    /// Steps taken.
    pub steps: usize,
    /// Step of the kept weights (0: the starting weights).
    pub best_step: usize,
    /// Validation loss of the kept weights (training loss when there is no validation set).
    pub best_loss: f64,
    /// The step at which the loss or a gradient became NaN or infinite; the kept weights are
    /// then the best finite ones seen before.
    pub diverged_at: Option<usize>,
    /// Whether training stopped early because the token was cancelled.
    pub cancelled: bool,
}

/// Mean squared error of the network on (x, y).
pub fn mse(arch: &Arch, p: &[f64], x: &[f64], y: &[f64]) -> f64 {
    let out = arch.predict(p, x);
    out.iter().zip(y).map(|(o, t)| (o - t).powi(2)).sum::<f64>() / y.len().max(1) as f64
}

/// Train `params` in place where `trainable` is true, on `(x, y)` (rows of d inputs), keeping
/// the weights with the lowest loss on `val` (or on the training set without one), checked
/// every `eval_every` steps and at the end. Batch order comes from `rng`; `cancel` is checked
/// before every step (a cancelled run keeps its best weights and says so).
#[allow(clippy::too_many_arguments)]
pub fn train(
    arch: &Arch,
    params: &mut [f64],
    trainable: &[bool],
    x: &[f64],
    y: &[f64],
    val: Option<(&[f64], &[f64])>,
    opts: &TrainOpts,
    rng: &mut Rng,
    cancel: &Cancel,
) -> Result<TrainReport> {
    let n = y.len();
    if n == 0 || x.len() != n * arch.d || trainable.len() != params.len() {
        return Err(Error::Shape(format!(
            "train: {} labels, {} inputs for d = {}, {} mask entries for {} parameters",
            n,
            x.len(),
            arch.d,
            trainable.len(),
            params.len()
        )));
    }
    let score = |p: &[f64]| match val {
        Some((vx, vy)) => mse(arch, p, vx, vy),
        None => mse(arch, p, x, y),
    };
    let (mut bx, mut by) = (Vec::new(), Vec::new());
    let mut loss_grad = |p: &[f64], rows: &[usize]| {
        bx.clear();
        by.clear();
        for &i in rows {
            bx.extend_from_slice(&x[i * arch.d..(i + 1) * arch.d]);
            by.push(y[i]);
        }
        let cache = arch.forward(p, &bx);
        arch.loss_and_grad(p, &cache, &by)
    };
    train_loop(
        params,
        trainable,
        n,
        &mut loss_grad,
        &score,
        opts,
        rng,
        cancel,
    )
}

/// A step's loss and gradient: `(params, the batch's row indices) → (loss, ∂loss/∂params)`.
pub type LossGrad<'a> = dyn FnMut(&[f64], &[usize]) -> (f64, Vec<f64>) + 'a;

/// The loop every host network trains with ([`train`], [`dense::Net::train`]): `opts.steps`
/// mini-batches of `opts.batch` of the `n` training rows (reshuffled by `rng` after each pass),
/// each step's loss and gradient from `loss_grad(params, rows)`, Adam or SGD on the
/// `trainable` entries under the cosine schedule, and `score(params)` (the validation loss)
/// every `opts.eval_every` steps and at the end, the best-scoring weights kept. A non-finite
/// loss, gradient, score or weight stops the run (the best finite weights kept); `cancel` is
/// checked before every step.
#[allow(clippy::too_many_arguments)]
pub fn train_loop(
    params: &mut [f64],
    trainable: &[bool],
    n: usize,
    loss_grad: &mut LossGrad<'_>,
    score: &dyn Fn(&[f64]) -> f64,
    opts: &TrainOpts,
    rng: &mut Rng,
    cancel: &Cancel,
) -> Result<TrainReport> {
    check_opts(opts)?;
    if n == 0 || trainable.len() != params.len() {
        return Err(Error::Shape(format!(
            "train: {n} rows, {} mask entries for {} parameters",
            trainable.len(),
            params.len()
        )));
    }
    let batch = opts.batch.clamp(1, n);
    let (mut m, mut v) = (vec![0.0; params.len()], vec![0.0; params.len()]);
    let mut best = params.to_vec();
    let mut report = TrainReport {
        steps: 0,
        best_step: 0,
        best_loss: score(params),
        diverged_at: None,
        cancelled: false,
    };
    let mut order: Vec<usize> = (0..n).collect();
    let mut cursor = n; // forces a shuffle before the first batch
    let mut rows = Vec::with_capacity(batch);
    for t in 1..=opts.steps {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        rows.clear();
        for _ in 0..batch {
            if cursor == n {
                rng.shuffle(&mut order);
                cursor = 0;
            }
            rows.push(order[cursor]);
            cursor += 1;
        }
        let (loss, grad) = loss_grad(params, &rows);
        if !loss.is_finite() || grad.iter().any(|g| !g.is_finite()) {
            report.diverged_at = Some(t);
            break;
        }
        let eta =
            opts.lr * 0.5 * (1.0 + (std::f64::consts::PI * t as f64 / opts.steps as f64).cos());
        step(params, trainable, &grad, &mut m, &mut v, t, eta, opts);
        report.steps = t;
        if t % opts.eval_every.max(1) == 0 || t == opts.steps {
            let s = score(params);
            if !s.is_finite() || params.iter().any(|p| !p.is_finite()) {
                report.diverged_at = Some(t);
                break;
            }
            if s < report.best_loss {
                report.best_loss = s;
                report.best_step = t;
                best.copy_from_slice(params);
            }
        }
    }
    params.copy_from_slice(&best);
    Ok(report)
}

/// Perturb starting weights for a numerical-sensitivity check: w ← w·(1 + jitter·u) with u
/// uniform in [−1, 1), drawn from the model's own stream (`seed`, and `index` to tell
/// pre-training from fine-tuning), so the same seed and jitter give the same weights on
/// every backend. A jitter of 0 leaves `params` bit-identical.
pub fn jitter_start(params: &mut [f64], jitter: f64, seed: u64, index: u64) {
    if jitter == 0.0 {
        return;
    }
    let mut rng = Rng::with_index(seed, crate::rng::Stream::Jitter, index);
    for w in params.iter_mut() {
        *w *= 1.0 + jitter * rng.uniform_in(-1.0, 1.0);
    }
}

/// A positive finite learning rate, at least one step and a jitter in [0, MAX_JITTER], or
/// an error naming the key.
pub(crate) fn check_opts(opts: &TrainOpts) -> Result<()> {
    use crate::config::keys::MAX_JITTER;
    if !(opts.jitter.is_finite() && (0.0..=MAX_JITTER).contains(&opts.jitter)) {
        return Err(Error::Config(crate::config::ConfigError::new(
            "jitter",
            format!("{} is out of range [0, {MAX_JITTER}]", opts.jitter),
        )));
    }
    if opts.lr.is_finite() && opts.lr > 0.0 && opts.steps > 0 {
        return Ok(());
    }
    Err(Error::Config(crate::config::ConfigError::new(
        "lr",
        format!(
            "training needs a positive learning rate and steps ≥ 1, got lr = {}, steps = {}",
            opts.lr, opts.steps
        ),
    )))
}

/// One optimiser update of the trainable entries.
#[allow(clippy::too_many_arguments)]
fn step(
    p: &mut [f64],
    mask: &[bool],
    g: &[f64],
    m: &mut [f64],
    v: &mut [f64],
    t: usize,
    eta: f64,
    opts: &TrainOpts,
) {
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
    let (c1, c2) = (1.0 - b1.powi(t as i32), 1.0 - b2.powi(t as i32));
    for i in 0..p.len() {
        if !mask[i] {
            continue;
        }
        let update = match opts.optimizer {
            Optimizer::Adam => {
                m[i] = b1 * m[i] + (1.0 - b1) * g[i];
                v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
                (m[i] / c1) / ((v[i] / c2).sqrt() + eps)
            }
            Optimizer::Sgd => {
                m[i] = 0.9 * m[i] + g[i];
                m[i]
            }
        };
        p[i] -= eta * update + eta * opts.weight_decay * p[i];
    }
}
