//! The real-data preset `digits` (data::digits, experiment::run's digits sweep): the m effect
//! the design was chosen for, both backends giving the same numbers, shards merging into the
//! whole sweep, steadiness under jitter, no theory held against real data, and sizes out of
//! the data's range refused by name.
#![cfg(not(target_arch = "wasm32"))]

use caulk::backend::cpu::CpuBackend;
use caulk::backend::Backend;
use caulk::config::{Config, Method};
use caulk::experiment::{merge, Results, Shard};

mod common;
use common::{cpu_shard, quiet_sweep};

fn run_on<B: Backend>(backend: &B, fragment: &str) -> Results {
    let (c, _) = Config::from_fragment(fragment).unwrap();
    quiet_sweep(backend, &c).unwrap()
}

fn risks_at(r: &Results, method: Method, m: u64, j: usize) -> f64 {
    r.curves
        .iter()
        .find(|c| c.method == method && c.m == Some(m))
        .and_then(|c| c.risk_mean[j])
        .unwrap()
}

/// The design's m effect (docs/science.md §6): the probe's error on the parity falls as
/// the classifier is pre-trained on more images, and from m = 300 the caulk beats training
/// from scratch at small n. Measured when written (8 seeds, n = 64): probe 0.142, 0.093,
/// 0.051, 0.031 for m = 30 … 1000; scratch 0.151. Asserted with room: each m's error below
/// the previous one's, m = 1000 under half of m = 30, and m ≥ 300 under scratch.
#[test]
fn more_source_images_lower_the_probe_error_and_beat_scratch() {
    let r = run_on(
        &CpuBackend,
        "v=1&preset=digits&seeds=8&n=64,256&methods=linear-probe,scratch",
    );
    let probe: Vec<f64> = [30, 100, 300, 1000]
        .iter()
        .map(|&m| risks_at(&r, Method::LinearProbe, m, 0))
        .collect();
    let scratch = r
        .curves
        .iter()
        .find(|c| c.method == Method::Scratch)
        .and_then(|c| c.risk_mean[0])
        .unwrap();
    println!("probe at n = 64: {probe:?}; scratch {scratch}");
    assert!(probe.windows(2).all(|w| w[1] < w[0]), "{probe:?}");
    assert!(probe[3] < 0.5 * probe[0], "{probe:?}");
    assert!(
        probe[2] < scratch && probe[3] < scratch,
        "{probe:?} vs {scratch}"
    );
    // Errors are rates, the constant predictor's the minority share of the test set.
    assert!(probe.iter().all(|e| (0.0..=1.0).contains(e)));
    let constant = r.constant_risk.unwrap();
    assert!((0.4..=0.5).contains(&constant), "{constant}");
    // Real data: no theory slope, no calibrated model, but the claim's measured n_ε.
    assert!(r.curves.iter().all(|c| c.predicted_slope.is_none()));
    let claim = r.claim.as_ref().unwrap();
    assert!(claim
        .series
        .iter()
        .all(|s| s.model.is_none() && s.c.is_none()));
    assert!(claim
        .series
        .iter()
        .flat_map(|s| &s.rows)
        .all(|row| row.bound_n_eps.is_none()));
    // Every curve carries its squared loss, per seed as for the error.
    for c in &r.curves {
        let loss = c.squared_loss.as_ref().unwrap();
        assert_eq!(loss.values.len(), c.n.len());
        for (values, risks) in loss.values.iter().zip(&c.risks) {
            assert_eq!(values.len(), risks.len());
            assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        }
    }
}

/// The gradient methods at a small size: every one trains, and each curve's shards merge
/// into exactly the whole sweep, squared losses included.
#[test]
fn gradient_methods_run_and_shards_merge_into_the_whole_sweep() {
    let frag = "v=1&preset=digits&seeds=3&m=100,300&n=16,64&steps=60&methods=caulk-adapter,lora,partial,full,scratch";
    let whole = run_on(&CpuBackend, frag);
    let (c, _) = Config::from_fragment(frag).unwrap();
    let parts: Vec<Results> = (0..2)
        .map(|index| cpu_shard(&c, Shard { index, count: 2 }))
        .collect();
    let merged = merge(&c, parts).unwrap();
    assert_eq!(merged.curves, whole.curves);
    assert_eq!(merged.claim, whole.claim);
    // 4 methods × 2 m, scratch once.
    assert_eq!(whole.curves.len(), 9);
    for cv in &whole.curves {
        assert!(cv.notes.is_empty(), "{}: {:?}", cv.label, cv.notes);
        assert!(cv.seeds_done.iter().all(|&s| s == 3), "{}", cv.label);
        assert!(cv.trainable.unwrap() > 0);
    }
    // LoRA trains the low-rank factors and the read-out, fewer than full fine-tuning.
    let trainable = |m: Method| {
        whole
            .curves
            .iter()
            .find(|c| c.method == m)
            .and_then(|c| c.trainable)
            .unwrap()
    };
    assert!(trainable(Method::Lora) < trainable(Method::Full));
    assert!(trainable(Method::Partial) < trainable(Method::Full));
}

/// Every digits network trains on the host in f64, whatever the backend: a GPU run of a link
/// gives exactly the CPU run's numbers.
#[test]
fn the_gpu_backend_gives_exactly_the_cpu_numbers() {
    let frag = "v=1&preset=digits&seeds=2&m=100,1000&n=32,128&steps=40&methods=linear-probe,caulk-adapter,lora";
    let cpu = run_on(&CpuBackend, frag);
    let gpu = run_on(
        &pollster::block_on(caulk::backend::wgpu::GpuBackend::new())
            .expect("GPU adapter (lavapipe)"),
        frag,
    );
    assert_eq!(cpu.curves, gpu.curves);
}

/// A perturbation at f32 rounding (jitter = 1e-6 of every starting weight, pre-training's
/// included) moves no curve's mean outside its own 95 % interval.
#[test]
fn jitter_moves_no_mean_outside_its_interval() {
    let frag = "v=1&preset=digits&seeds=4&m=100,1000&n=32,128&steps=100&methods=linear-probe,caulk-adapter,lora";
    let base = run_on(&CpuBackend, frag);
    let moved = run_on(&CpuBackend, &format!("{frag}&jitter=1e-6"));
    for (a, b) in base.curves.iter().zip(&moved.curves) {
        for j in 0..a.n.len() {
            let (lo, hi, y) = (
                a.risk_lo[j].unwrap(),
                a.risk_hi[j].unwrap(),
                b.risk_mean[j].unwrap(),
            );
            assert!(
                (lo..=hi).contains(&y),
                "{} at n = {}: {y} outside [{lo}, {hi}]",
                a.label,
                a.n[j]
            );
        }
    }
}

#[test]
fn sizes_and_methods_outside_the_data_are_refused_by_name() {
    use caulk::experiment::plan;
    for (frag, key, words) in [
        ("v=1&preset=digits&m=3000", "m", "1000 images"),
        ("v=1&preset=digits&n=16,800", "n", "target pool"),
        ("v=1&preset=digits&n=4,16", "n", "10"),
        (
            "v=1&preset=digits&methods=caulk-spline",
            "methods",
            "digits",
        ),
    ] {
        let (c, _) = Config::from_fragment(frag).unwrap();
        let e = plan(&c).unwrap_err();
        assert_eq!(e.key, key, "{frag}: {e}");
        assert!(e.to_string().contains(words), "{frag}: {e}");
    }
}

/// Caulking on digits keeps the head frozen (the softmax and the parity map): only the caulk
/// on the logits trains (V: 8×10, c: 8, U: 10×8 = 168 parameters at the default width), so its
/// numbers are its own, not the probe's (they were equal to the last digit when the adapter
/// trained a new read-out); and the better the classifier, the better the identity-started
/// caulk at the smallest n. Measured when written (8 seeds, n = 16): 0.151 at m = 30, 0.056 at
/// m = 1000; asserted with room.
#[test]
fn the_digits_caulk_trains_only_the_caulk_under_a_frozen_head() {
    let r = run_on(
        &CpuBackend,
        "v=1&preset=digits&seeds=8&m=30,1000&n=16,64&methods=linear-probe,caulk-adapter",
    );
    let caulk = |m: u64| {
        r.curves
            .iter()
            .find(|c| c.method == Method::CaulkAdapter && c.m == Some(m))
            .unwrap()
    };
    assert_eq!(caulk(1000).trainable, Some(168));
    for m in [30, 1000] {
        for j in 0..2 {
            assert_ne!(
                risks_at(&r, Method::CaulkAdapter, m, j),
                risks_at(&r, Method::LinearProbe, m, j),
                "m = {m}, n index {j}"
            );
        }
    }
    let (poor, good) = (
        risks_at(&r, Method::CaulkAdapter, 30, 0),
        risks_at(&r, Method::CaulkAdapter, 1000, 0),
    );
    assert!(good < 0.6 * poor, "n = 16: m = 1000 {good}, m = 30 {poor}");
    // Squared loss of a probability against 0/1 labels stays within [0, 1].
    let loss = caulk(30).squared_loss.as_ref().unwrap();
    assert!(loss.mean.iter().flatten().all(|v| (0.0..=1.0).contains(v)));
}
