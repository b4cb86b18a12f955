//! How fast this device does what a sweep is made of, measured before the sweep: the CPU
//! kernels' training FLOP/s and data generation's ridge cosines/s ([`device_rates`], kept
//! as a median over probes by [`RateHistory`]), and a GPU's fused training program
//! ([`gpu_rates`]). [`cost`](crate::experiment::sweep::cost) turns them and a sweep's modelled work into seconds.

use serde::Serialize;

use crate::experiment::sweep::plan::{FINETUNE_BATCH, HEAD_WIDTH, PRETRAIN_BATCH};
use crate::experiment::sweep::work::{
    forward_flops, macs, ridges_per_row, Cost, OVERHEAD, ROW_OVERHEAD,
};
use crate::model::{Arch, Role};

/// How fast this device does the kinds of work a sweep is made of.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Rates {
    /// FLOP/s of the training arithmetic on the CPU kernels.
    pub flops: f64,
    /// Ridge cosines per second of data generation (a d-term dot product and a libm cosine).
    pub ridges: f64,
    /// Head-only training steps per second on the CPU: a frozen extractor's fit (an
    /// adapter's) gathers its batch's features and trains the head, a few hundred FLOP a
    /// row, so its steps cost their bookkeeping (the gather, the loss, Adam, the kernels'
    /// calls) far more than their arithmetic. 0 where unknown: the fallback
    /// `flops / FALLBACK_HEAD_STEP_FLOPS`.
    #[serde(default)]
    pub head_steps: f64,
    /// When the sweep trains on a GPU: its fused program's speed ([`gpu_rates`]); the
    /// batched training (pre-training, gradient fits) is then modelled with these instead of
    /// `flops`. None: everything runs on the CPU.
    #[serde(default)]
    pub gpu: Option<GpuRates>,
}

/// The speed of a GPU's fused training program (`train_fused`), measured on the device: a
/// call that trains K models S steps of w FLOP each (w = 3 · rows · forward FLOP per row)
/// takes `call(K) + S · (fixed(w) + K · per_model(w))` seconds, `call` affine in K
/// (`[seconds, seconds per model]`), the others in w (`[seconds, seconds per FLOP]`).
/// `fixed` is what every step pays however many models share it (one workgroup per model,
/// in parallel: on a hardware GPU nearly all of it), `per_model` what grows with K (a
/// software adapter's is most of it), `call` the upload, evaluations and readbacks around
/// the steps. A step is not proportional to its FLOP: its barriers cost the same for 32 rows
/// as for 128.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct GpuRates {
    /// Seconds per call: fixed and per model.
    pub call: [f64; 2],
    /// Seconds per step: at w = 0 and per FLOP of w, paid once per step.
    pub fixed: [f64; 2],
    /// Seconds per step: at w = 0 and per FLOP of w, paid by each model.
    pub per_model: [f64; 2],
    /// Seconds before a sweep's first step: creating the device and compiling its pipelines
    /// (the probe's first call); 0 where the sweep runs on the device the probe measured.
    #[serde(default)]
    pub setup: f64,
}

impl GpuRates {
    /// Every coefficient finite and not negative (rates that came back from the page are
    /// checked before use).
    pub fn valid(&self) -> bool {
        [self.call, self.fixed, self.per_model, [self.setup, 0.0]]
            .iter()
            .flatten()
            .all(|v| v.is_finite() && *v >= 0.0)
    }

    /// One model's share of a call that trains `k` models `steps` steps of `w` FLOP each:
    /// the call's time over k.
    pub fn share(&self, k: usize, steps: usize, w: f64) -> f64 {
        let k = k.max(1) as f64;
        let at = |c: [f64; 2]| c[0] + c[1] * w;
        let call = self.call[0] + k * self.call[1];
        (call + steps as f64 * (at(self.fixed) + k * at(self.per_model))) / k
    }
}

/// The rate probes made so far in one place (a page's estimating worker): an estimate uses
/// the per-rate median of the last [`RateHistory::KEEP`], so that one probe slowed by other
/// work on the device (the page itself loading, a tab in the background) moves it little.
/// One probe alone is its own median; the median of many steady probes is their typical
/// value, which is what [`RATE_FRACTION`] was calibrated on (one probe per estimate).
#[derive(Clone, Debug, Default)]
pub struct RateHistory {
    samples: Vec<Rates>,
}

impl RateHistory {
    /// Probes kept (the oldest is dropped beyond this).
    pub const KEEP: usize = 5;

    /// Add a probe's rates; returns the rates to estimate with.
    pub fn add(&mut self, r: Rates) -> Rates {
        if self.samples.len() == Self::KEEP {
            self.samples.remove(0);
        }
        self.samples.push(r);
        Rates {
            flops: median(self.samples.iter().map(|r| r.flops)),
            ridges: median(self.samples.iter().map(|r| r.ridges)),
            head_steps: median(self.samples.iter().map(|r| r.head_steps)),
            gpu: r.gpu,
        }
    }
}

/// The median of a non-empty list (the mean of the two middle values for an even count);
/// NaN for an empty one.
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => 0.5 * (v[n / 2 - 1] + v[n / 2]),
    }
}

impl Rates {
    /// Rates where everything runs on the CPU.
    pub const fn cpu(flops: f64, ridges: f64) -> Rates {
        Rates {
            flops,
            ridges,
            head_steps: 0.0,
            gpu: None,
        }
    }

    /// Expected seconds of `cost` on this device: OVERHEAD · flops / flops/s +
    /// ROW_OVERHEAD · ridges / ridges/s + head steps / head steps/s + GPU seconds.
    pub fn seconds(&self, cost: Cost) -> f64 {
        let head_steps = match self.head_steps > 0.0 {
            true => self.head_steps,
            false => self.flops / FALLBACK_HEAD_STEP_FLOPS,
        };
        OVERHEAD * cost.flops / self.flops
            + ROW_OVERHEAD * cost.ridges / self.ridges
            + cost.head_steps / head_steps
            + cost.gpu_s
    }
}

/// The fraction of the probe's training rate that a sweep's training reaches (other
/// shapes, fine-tuning bookkeeping): calibrated with `caulk bench` (native estimate/wall
/// 1.07-1.21 as before the probe changed) and checked with www/bench/presets.mjs.
pub const RATE_FRACTION: f64 = 0.63;

/// The training rate assumed when the probe cannot run (a slow phone's wasm does ~10⁹).
const FALLBACK_FLOPS: f64 = 1e9;

/// A head-only step's cost in FLOP at the training rate, where its rate was not measured
/// (about 20-30 µs natively at ~10¹⁰ FLOP/s).
const FALLBACK_HEAD_STEP_FLOPS: f64 = 2.5e5;

/// Measure this device's [`Rates`] in about 220 ms of `clock` (seconds, monotonic: `Instant`
/// natively, `Date.now()` in the browser): training steps of the default backbone on 128
/// rows through the CPU backend's f32 kernels (forward, loss and backward: the code that
/// pre-trains and fine-tunes) repeated for 20 ms (times [`RATE_FRACTION`]), a d = 3
/// ridge extractor evaluated for 10 ms, and head-only steps (a frozen extractor's, gather
/// to Adam) for 10 ms (times [`HEAD_STEP_FRACTION`]), each after a warm-up. A training-shaped probe
/// follows the training code wherever it runs: a 128³ product overestimated training time
/// in wasm by 2.3×, and the host f64 step, once pre-training left it, by up to 3.2×.
pub fn device_rates(clock: &dyn Fn() -> f64) -> Rates {
    use crate::backend::{cpu::CpuBackend, Backend};
    use crate::data::extractor::{Extractor, RidgeExtractor};
    use crate::train::batched::BatchedNet;
    // Repetitions of `work` per second over `window` seconds of `clock`, bounded so that a
    // clock that does not advance cannot hang it.
    let per_second = |window: f64, work: &mut dyn FnMut()| {
        let start = clock();
        let mut reps = 0u32;
        while clock() - start < window && reps < 100_000 {
            work();
            reps += 1;
        }
        reps as f64 / (clock() - start).max(1e-3)
    };
    let a = probe_arch();
    let mut rng = crate::rng::Rng::new(0, crate::rng::Stream::Test);
    let p = a.init(&mut rng);
    let rows = PRETRAIN_BATCH;
    let x: Vec<f32> = (0..rows * a.d).map(|_| rng.uniform() as f32).collect();
    let y: Vec<f32> = (0..rows).map(|_| rng.uniform() as f32).collect();
    // The sweep's training code: the CPU backend's f32 kernels, one network.
    let cpu = CpuBackend;
    let mut probe = BatchedNet::new(&cpu, &a, &[p], &|_| true)
        .and_then(|net| Ok((net, cpu.upload(&y)?, cpu.upload(&[rows as f32])?)));
    // The probe's fixed network cannot fail on the CPU; were it to, a step that does nothing
    // would time as absurdly fast, so a failure falls back to `FALLBACK_FLOPS`.
    let failed = std::cell::Cell::new(probe.is_err());
    let mut step = || {
        if let Ok((net, y, counts)) = &mut probe {
            let done = cpu.upload(&x).and_then(|x| {
                let f = net.forward(x, rows)?;
                let (dout, _) = net.loss(&f, y, counts)?;
                net.backward(&f, &dout)
            });
            failed.set(failed.get() || done.is_err());
        }
    };
    let ext = RidgeExtractor::new(
        3,
        1,
        1.0,
        &mut crate::rng::Rng::new(0, crate::rng::Stream::Test),
    );
    let mut out = [0.0];
    let mut row = || ext.eval(&[0.3, 0.6, 0.9], &mut out);
    // Warm up first: a browser runs fresh wasm in a baseline tier and optimises hot code
    // later, and a sweep runs long enough to be optimised.
    per_second(0.1, &mut step);
    per_second(0.05, &mut row);
    // Forward and backward: 3 × (2 FLOP per multiply-add) per row.
    let flops = RATE_FRACTION * 6.0 * macs(&a) * rows as f64 * per_second(0.02, &mut step);
    let flops = match failed.get() {
        true => FALLBACK_FLOPS,
        false => flops,
    };
    let ridges = ridges_per_row(3) * per_second(0.01, &mut row);
    // An adapter's step as train::batched runs it with the extractor frozen: gather the
    // batch's features and targets, the head's forward and backward, Adam on the head.
    let b = FINETUNE_BATCH;
    let head = |r: Role| matches!(r, Role::HeadWeight(_) | Role::HeadBias(_));
    let idx: Vec<f32> = (0..b).map(|i| ((i * 7) % rows) as f32).collect();
    let mut head_probe = BatchedNet::new(&cpu, &a, &[a.init(&mut rng)], &head).and_then(|net| {
        let z = net.features(cpu.upload(&x)?, rows)?;
        Ok((net, z, cpu.upload(&y)?, cpu.upload(&[b as f32])?))
    });
    let head_failed = std::cell::Cell::new(head_probe.is_err());
    let mut t = 0;
    let mut head_step = || {
        if let Ok((net, z, y, counts)) = &mut head_probe {
            t += 1;
            let done = cpu.upload(&idx).and_then(|i| {
                let bz = net.gather(z, &i, rows, b, a.k)?;
                let by = net.gather(y, &i, rows, b, 1)?;
                let f = net.forward_from_features(bz, b)?;
                let (dout, _) = net.loss(&f, &by, counts)?;
                net.backward(&f, &dout)?;
                net.step(&crate::backend::AdamStep {
                    t,
                    lr: 1e-3,
                    weight_decay: 0.0,
                })
            });
            head_failed.set(head_failed.get() || done.is_err());
        }
    };
    per_second(0.01, &mut head_step);
    let head_steps = per_second(0.01, &mut head_step);
    Rates {
        flops,
        ridges,
        // 0 (the fallback) where the probe failed: a step that did nothing times too fast.
        head_steps: match head_failed.get() {
            true => 0.0,
            false => HEAD_STEP_FRACTION * head_steps,
        },
        gpu: None,
    }
}

/// The fraction of the head probe's step rate that a sweep's head-only fits reach (their
/// larger tables, the validation checks' bookkeeping): calibrated with `caulk bench` on
/// `headline`, where adapter steps are most of the work, and `www/bench/page.mjs`.
pub const HEAD_STEP_FRACTION: f64 = 0.8;

/// Measure a GPU's [`GpuRates`] (`backend` should run the fused program): two networks, the
/// probe's (as in [`device_rates`], width 32) and one of width 128 (14× the FLOP per step),
/// trained through `train_batched` after a warm-up (pipelines, first dispatches): 1 and 4
/// models, 4 and 16 steps of 64 rows each. The 12 steps between the two step counts give a
/// step's time at each K and w, the rest the call's; the warm-up's time is the setup. About
/// 2 s on a software adapter, tens of ms on a hardware GPU.
pub async fn gpu_rates<B: crate::backend::Backend>(
    backend: &B,
    clock: &dyn Fn() -> f64,
) -> crate::Result<GpuRates> {
    use crate::train::batched::train_batched;
    use crate::train::schedule::ModelData;
    use crate::train::{Cancel, TrainOpts};
    let nets = [32, 128].map(|width| Arch {
        width,
        ..probe_arch()
    });
    let d = nets[0].d;
    let mut rng = crate::rng::Rng::new(0, crate::rng::Stream::Test);
    let (rows, val) = (256, 64);
    let x: Vec<f64> = (0..rows * d).map(|_| rng.uniform()).collect();
    let y: Vec<f64> = (0..rows).map(|_| rng.uniform()).collect();
    let cancel = Cancel::new();
    // Seconds of one call: k models of network `a`, `steps` steps.
    let time = |a: &Arch, k: usize, steps: usize| {
        let (x, y, cancel) = (&x, &y, &cancel);
        let mut rng = crate::rng::Rng::new(1, crate::rng::Stream::Test);
        let mut params = vec![a.init(&mut rng); k];
        let a = a.clone();
        async move {
            let data: Vec<ModelData> = (0..k)
                .map(|i| ModelData {
                    x,
                    y,
                    val: Some((&x[..val * d], &y[..val])),
                    seed: i as u64,
                })
                .collect();
            let opts = TrainOpts {
                steps,
                batch: FINETUNE_BATCH,
                eval_every: steps,
                ..TrainOpts::default()
            };
            let start = clock();
            train_batched(backend, &a, &mut params, &|_| true, &data, &opts, cancel).await?;
            Ok::<f64, crate::Error>(clock() - start)
        }
    };
    const K: usize = 4;
    let setup = time(&nets[0], 1, 4).await?;
    // (call, step) of each network at K = 1 and K = 4.
    let mut fits = [[(0.0, 0.0); 2]; 2];
    for (i, a) in nets.iter().enumerate() {
        for (j, k) in [1, K].into_iter().enumerate() {
            let short = time(a, k, 4).await?;
            let long = time(a, k, 16).await?;
            let step = ((long - short) / 12.0).max(0.0);
            fits[i][j] = ((short - 4.0 * step).max(0.0), step);
        }
    }
    // Per K: the K = 4 value less the K = 1 value, over 3.
    let per_k = |one: f64, four: f64| ((four - one) / (K - 1) as f64).max(0.0);
    let c1 = per_k(fits[0][0].0, fits[0][1].0);
    let call = [(fits[0][0].0 - c1).max(0.0), c1];
    // A step at each w: A(w) + K · B(w); then affine in w through the two networks.
    let b: Vec<f64> = fits.iter().map(|f| per_k(f[0].1, f[1].1)).collect();
    let a: Vec<f64> = fits
        .iter()
        .zip(&b)
        .map(|(f, b)| (f[0].1 - b).max(0.0))
        .collect();
    let w: Vec<f64> = nets
        .iter()
        .map(|n| 3.0 * forward_flops(n) * FINETUNE_BATCH as f64)
        .collect();
    let affine = |v: &[f64]| {
        let slope = ((v[1] - v[0]) / (w[1] - w[0])).max(0.0);
        [(v[0] - slope * w[0]).max(0.0), slope]
    };
    Ok(GpuRates {
        call,
        fixed: affine(&a),
        per_model: affine(&b),
        setup,
    })
}

/// The network the probes train: the default backbone (d = 3, width 32, depth 2).
fn probe_arch() -> Arch {
    Arch {
        d: 3,
        width: 32,
        depth: 2,
        k: 1,
        head_width: HEAD_WIDTH,
        adapter_width: 0,
        lora_rank: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gpu_call_is_shared_by_the_models_it_trains() {
        let g = GpuRates {
            call: [0.5, 0.1],
            fixed: [1e-3, 1e-9],
            per_model: [2e-4, 1e-10],
            setup: 2.0,
        };
        assert!(g.valid());
        // k = 4 models, 100 steps of w = 10⁶ FLOP: call 0.5 + 0.4, a step 2e-3 + 4 · 3e-4.
        let want = (0.9 + 100.0 * (2e-3 + 4.0 * 3e-4)) / 4.0;
        assert!((g.share(4, 100, 1e6) - want).abs() < 1e-12);
        let bad = GpuRates {
            per_model: [f64::NAN, 0.0],
            ..g
        };
        assert!(!bad.valid());
    }

    #[test]
    fn the_rate_history_takes_the_median_of_its_last_probes() {
        let mut h = RateHistory::default();
        // One probe is its own median.
        assert_eq!(h.add(Rates::cpu(10.0, 1.0)), Rates::cpu(10.0, 1.0));
        // Two: their mean.
        assert_eq!(h.add(Rates::cpu(2.0, 3.0)), Rates::cpu(6.0, 2.0));
        // A probe slowed fivefold (the page loading) moves three probes' median to the
        // middle one, not a third of the way down: each rate separately.
        assert_eq!(h.add(Rates::cpu(11.0, 0.2)), Rates::cpu(10.0, 1.0));
        h.add(Rates::cpu(12.0, 1.1));
        assert_eq!(h.add(Rates::cpu(9.0, 0.9)), Rates::cpu(10.0, 1.0));
        // Beyond KEEP the oldest go: 10 and 2 leave, the median of 11, 12, 9, 13, 14 is 12.
        h.add(Rates::cpu(13.0, 1.2));
        assert_eq!(h.add(Rates::cpu(14.0, 1.3)).flops, 12.0);
    }
}
